"""Stored bytes per instance as follow-up rounds pile up (state must not grow: README.md, "How state is kept").

A group of young people (13 years old, so the 25th birthday stays years away) is taken through the
plan and then through follow-up rounds; every fifth round the follow-up is left open past 14 days
and escalated. After the rounds asked for, it reads the stored sizes:

* state: ``length(process_instances.state)`` (the workflow, without the spec);
* data: the instance's ``data`` column as JSON text;
* history: the instance's task rows and event rows (every column's value as text), reported apart,
  since they are meant to grow: they are the case's history.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select

from bench.course_driver import YOUTH_TASK, CourseDriver, Odds, who
from bench.stats import Samples
from bench.world import World
from engine.platform.models import InstanceEvent, ProcessInstance, Task, TaskCandidate
from engine.work import tasks
from web.sample_forms import ACCEPT, ESCALATION, PLAN, REFERRAL, SELF_ASSESSMENT, follow_up, k_meeting


@dataclass
class Size:
    rounds: int
    state: float
    data: float
    history: float
    task_rows: float
    event_rows: float


@dataclass
class GrowthFigures:
    instances: int
    sizes: list[Size] = field(default_factory=list)
    complete_by_round: dict[int, Samples] = field(default_factory=dict)  # follow-up completion latency


def _row_bytes(row: Any) -> int:
    total = 0
    for value in row:
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            total += len(orjson.dumps(value))
        elif isinstance(value, (bytes, bytearray, memoryview)):
            total += len(value)
        else:
            total += len(str(value).encode())
    return total


def measure_sizes(world: World, ids: list[int], rounds: int) -> Size:
    with world.engine.reader() as uow:
        session = uow.session
        states = session.execute(select(ProcessInstance.state, ProcessInstance.data)
                                 .where(ProcessInstance.id.in_(ids))).all()
        task_rows = session.execute(select(*Task.__table__.columns).where(Task.instance_id.in_(ids))).all()
        candidate_rows = session.execute(select(*TaskCandidate.__table__.columns).join(Task, Task.id == TaskCandidate.task_id)
                                         .where(Task.instance_id.in_(ids))).all()
        event_rows = session.execute(select(*InstanceEvent.__table__.columns)
                                     .where(InstanceEvent.instance_id.in_(ids))).all()
    n = len(ids)
    state = sum(len(s.state) for s in states) / n
    data = sum(len(orjson.dumps(s.data)) for s in states) / n
    tasks_bytes = (sum(_row_bytes(r) for r in task_rows) + sum(_row_bytes(r) for r in candidate_rows)) / n
    events_bytes = sum(_row_bytes(r) for r in event_rows) / n
    return Size(rounds, state, data, tasks_bytes + events_bytes, len(task_rows) / n, len(event_rows) / n)


def run(world: World, instances: int = 20, checkpoints: tuple[int, ...] = (20, 40)) -> GrowthFigures:
    driver = CourseDriver(world, seed=40, odds=Odds(rest=0))
    ids = driver.start(driver.add_youths(instances, min_age=13.0, max_age=13.5))
    id_set = set(ids)
    guides = world.people["ungeguide"]
    ks = world.people["koordinerende_sagsbehandler"]
    for element, data in (("henvisning", REFERRAL), ("k_moede", None), ("accepter_guide", ACCEPT),
                          ("uddannelsesplan", PLAN)):
        for row in driver.ready_tasks(id_set):
            if row.element_id == element:
                payload = data if data is not None else k_meeting(driver.rng.choice(guides), driver.rng.choice(ks))
                tasks.complete_task(world.engine.uow(), world.actor(who(world, row), row.role), row.id, payload)
    figures = GrowthFigures(instances)
    figures.sizes.append(measure_sizes(world, ids, 0))
    for number in range(1, max(checkpoints) + 1):
        world.clock.advance(days=92)
        driver.fire()
        for row in driver.ready_tasks(id_set):  # the young person prepares the follow-up first
            if row.element_id == YOUTH_TASK:
                driver.complete_as_youth(row, SELF_ASSESSMENT)
        escalate = number % 5 == 0
        if escalate:
            world.clock.advance(days=15)
            driver.fire()
        samples = figures.complete_by_round.setdefault(number, Samples())
        for row in sorted(driver.ready_tasks(id_set), key=lambda r: r.element_id):  # eskalering before opfoelgning
            if row.element_id == "eskalering":
                tasks.complete_task(world.engine.uow(), world.actor(who(world, row), "ungekoordinator"),
                                    row.id, ESCALATION)
        for row in driver.ready_tasks(id_set):
            if row.element_id == "opfoelgning":
                driver.odds.rest = 0
                before = len(driver.figures.complete)
                driver.complete(row.id, "opfoelgning", who(world, row), "ungeguide", follow_up(False))
                if len(driver.figures.complete) > before:
                    samples.add(driver.figures.complete.values[-1])
        running = driver.running(id_set)
        if len(running) != len(id_set):
            raise RuntimeError(f"growth instances left follow-up early after round {number}")
        if number in checkpoints:
            figures.sizes.append(measure_sizes(world, ids, number))
    return figures
