"""Drives young people through the default course with random outcomes, through the engine services.

Time is the engine's FrozenClock: the driver moves it three months at a time and lets
``engine.courses.events.fire_due_timers`` (the worker's pass) bring up each follow-up. Everyone moves in
lock-step rounds, so one worker pass fires thousands of timers, as the real worker would.

Outcomes (per young person, at random): outside the target group (closed with a recommendation),
the guide declines (a new k-meeting), a follow-up left open 14 days (escalated to the
ungekoordinator), a ``frafald`` message (a new k-meeting), the destination reached (handover), or
the 25th birthday reached during follow-up (handover).
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, insert, select

from bench.stats import Samples, Timer
from bench.world import World, rest_complete
from engine.courses import events, instances
from engine.people.access import youth_actor
from engine.platform.errors import Conflict
from engine.platform.models import ProcessInstance, Task, TaskCandidate, Youth
from engine.work import tasks
from web import sample_forms as answers

FOLLOW_UP_DAYS = 92      # three months, always at least P3M
ESCALATION_DAYS = 15     # past the 14-day boundary timer

YOUTH_TASK = "forbered_opfoelgning"  # the young person's self-assessment before each follow-up


@dataclass
class Odds:
    outside: float = 0.15     # referral outside the target group
    decline: float = 0.15     # the chosen guide declines
    frafald: float = 0.05     # per follow-up round: drop-out message
    lapse: float = 0.10       # per follow-up round: left open past 14 days, escalated
    reached: float = 0.25     # per follow-up round: destination reached
    rest: float = 0.10        # share of completions made through the REST API instead


@dataclass
class CourseFigures:
    start: Samples = field(default_factory=Samples)
    complete: Samples = field(default_factory=Samples)
    by_element: dict[str, Samples] = field(default_factory=lambda: defaultdict(Samples))
    rest: Samples = field(default_factory=Samples)
    message: Samples = field(default_factory=Samples)
    timer_seconds: float = 0.0
    timers_fired: int = 0
    outcomes: Counter = field(default_factory=Counter)
    started: int = 0
    driven: int = 0
    finished: int = 0
    still_running: int = 0
    rounds: int = 0
    drive_seconds: float = 0.0
    start_seconds: float = 0.0
    sql_statements: int = 0       # issued by the engine-API completions
    sql_commits: int = 0


class CourseDriver:
    def __init__(self, world: World, seed: int = 2026, odds: Odds | None = None) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.odds = odds or Odds()
        self.figures = CourseFigures()
        self.registrar = world.people["sagsbehandler"]
        self.registered_by: dict[int, str] = {}
        self.started_by: dict[int, str] = {}
        self.counter = StatementCounter(world.engine.db)

    # --- young people and starts -------------------------------------------------------------
    def add_youths(self, count: int, min_age: float = 15.0, max_age: float = 24.5) -> list[int]:
        """Young people inserted in bulk (creating them is not what is measured)."""
        today = self.world.clock.now().date()
        now = self.world.clock.now()
        rows: list[dict[str, Any]] = []
        for i in range(count):
            age_days = int(self.rng.uniform(min_age, max_age) * 365.25)
            rows.append({"name": f"Ung {i}", "birthdate": today - timedelta(days=age_days), "created_at": now,
                         "created_by": self.rng.choice(self.registrar)})
        with self.world.engine.uow() as uow:
            ids = list(uow.session.scalars(insert(Youth).returning(Youth.id, sort_by_parameter_order=True), rows))
            uow.commit()
        # Only someone involved may start a course or send it a message: the caseworker who registered them.
        self.registered_by.update(zip(ids, (row["created_by"] for row in rows), strict=True))
        return ids

    def start(self, youth_ids: list[int]) -> list[int]:
        started = []
        with Timer() as total:
            for youth_id in youth_ids:
                actor = self.world.actor(self.registered_by.get(youth_id) or self.rng.choice(self.registrar),
                                         "sagsbehandler")
                with Timer() as t:
                    view = instances.start_instance(self.world.engine.uow(), actor, "samarbejdsmodel", youth_id)
                self.figures.start.add(t.seconds)
                started.append(view["id"])
                self.started_by[view["id"]] = actor.username
        self.figures.started += len(started)
        self.figures.start_seconds += total.seconds
        return started

    # --- the course ---------------------------------------------------------------------------
    def ready_tasks(self, instance_ids: set[int]) -> list[Any]:
        low, high = min(instance_ids), max(instance_ids)
        with self.world.engine.reader() as uow:
            rows = uow.session.execute(
                select(Task.id, Task.instance_id, Task.youth_id, Task.element_id, Task.role, Task.assignee,
                       TaskCandidate.username)
                .outerjoin(TaskCandidate, TaskCandidate.task_id == Task.id)
                .where(Task.state == "ready", Task.instance_id.between(low, high))).all()
        return [row for row in rows if row.instance_id in instance_ids]

    def running(self, instance_ids: set[int]) -> set[int]:
        low, high = min(instance_ids), max(instance_ids)
        with self.world.engine.reader() as uow:
            rows = uow.session.scalars(select(ProcessInstance.id).where(
                ProcessInstance.status == "running", ProcessInstance.id.between(low, high))).all()
        return {i for i in rows if i in instance_ids}

    def drive(self, instance_ids: list[int], max_rounds: int = 16) -> None:
        """Take these instances from their referral to the end of the course (or max_rounds of follow-up)."""
        ids = set(instance_ids)
        self.figures.driven += len(ids)
        with Timer() as total:
            self.settle(ids)
            for _ in range(max_rounds):
                if not self.running(ids):
                    break
                self.figures.rounds += 1
                self.round(ids)
        self.figures.drive_seconds += total.seconds
        running = self.running(ids)
        self.figures.still_running += len(running)
        self.figures.finished += len(ids) - len(running)

    def round(self, ids: set[int]) -> None:
        """One follow-up round: three months pass, the worker fires, each follow-up is handled."""
        self.world.clock.advance(days=FOLLOW_UP_DAYS)
        self.fire()
        # The young person prepares the follow-up first (their self-assessment); then it opens.
        for row in self.ready_tasks(ids):
            if row.element_id == YOUTH_TASK:
                self.act(row)
        held: set[str] = set()
        for row in self.ready_tasks(ids):
            if row.element_id != "opfoelgning":
                continue
            draw = self.rng.random()
            if draw < self.odds.frafald:
                self.outcome("frafald")
                self.send_frafald(row.instance_id)
            elif draw < self.odds.frafald + self.odds.lapse:
                self.outcome("escalated")
                held.add(row.id)
        self.settle(ids, held)
        if held:
            self.world.clock.advance(days=ESCALATION_DAYS)
            self.fire()
            self.settle(ids)

    def fire(self) -> None:
        with Timer() as t:
            moved = events.fire_due_timers(self.world.engine, limit=1_000_000)
        self.figures.timer_seconds += t.seconds
        self.figures.timers_fired += moved

    def settle(self, ids: set[int], held: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Complete every ready task (but the held ones) until the instances wait for time."""
        while True:
            rows = [row for row in self.ready_tasks(ids) if row.id not in held]
            if not rows:
                return
            done_instances: set[int] = set()
            self.rng.shuffle(rows)
            for row in rows:
                if row.instance_id in done_instances:
                    continue  # one step per instance per pass; its next task shows up in the next pass
                done_instances.add(row.instance_id)
                self.act(row)

    def act(self, row: Any) -> None:
        element = row.element_id
        if element == "henvisning":
            outside = self.rng.random() < self.odds.outside
            self.outcome("outside_target_group" if outside else "in_target_group")
            data: dict[str, Any] = answers.REFERRAL_OUTSIDE if outside else answers.REFERRAL
        elif element == "luk_henvisning":
            data = answers.CLOSE
        elif element == "k_moede":
            data = answers.k_meeting(self.rng.choice(self.world.people["ungeguide"]),
                                     self.rng.choice(self.world.people["koordinerende_sagsbehandler"]))
        elif element == "accepter_guide":
            declined = self.rng.random() < self.odds.decline
            if declined:
                self.outcome("guide_declined")
            data = answers.DECLINE if declined else answers.ACCEPT
        elif element == "uddannelsesplan":
            data = answers.PLAN
        elif element == "opfoelgning":
            reached = self.rng.random() < self.odds.reached
            if reached:
                self.outcome("destination_reached")
            data = answers.follow_up(reached)
        elif element == YOUTH_TASK:
            self.complete_as_youth(row, answers.self_assessment(self.rng.randint(1, 10)))
            return
        elif element == "eskalering":
            data = answers.ESCALATION
        elif element == "overdragelse":
            data = answers.HANDOVER
        else:
            raise RuntimeError(f"the benchmark does not know task {element}")
        role = row.role or "ungekoordinator"
        self.complete(row.id, element, who(self.world, row), role, data)

    def complete(self, task_id: str, element: str, username: str, role: str, data: dict[str, Any]) -> dict[str, Any]:
        try:
            if self.rng.random() < self.odds.rest:
                with Timer() as t:
                    view = rest_complete(self.world, username, task_id, data)
                self.figures.rest.add(t.seconds)
            else:
                statements, commits = self.counter.statements, self.counter.commits
                with Timer() as t:
                    view = tasks.complete_task(self.world.engine.uow(), self.world.actor(username, role), task_id, data)
                self.figures.complete.add(t.seconds)
                self.figures.sql_statements += self.counter.statements - statements
                self.figures.sql_commits += self.counter.commits - commits
                self.figures.by_element[element].add(t.seconds)
        except Conflict:
            return {}
        if view.get("status") == "completed":
            self.outcome("course_completed")
        return view

    def complete_as_youth(self, row: Any, data: dict[str, Any]) -> None:
        """The young person's own task, completed by the young person (a service call: they have no API token)."""
        try:
            with Timer() as t:
                tasks.complete_task(self.world.engine.uow(), youth_actor(row.youth_id), row.id, data)
            self.figures.by_element[YOUTH_TASK].add(t.seconds)
        except Conflict:
            return

    def send_frafald(self, instance_id: int) -> None:
        actor = self.world.actor(self.started_by.get(instance_id) or self.rng.choice(self.registrar), "sagsbehandler")
        with Timer() as t:
            events.correlate_message(self.world.engine.uow(), actor, "frafald", instance_id=instance_id,
                                     data={"frafald_aarsag": "Stoppet i skolen"})
        self.figures.message.add(t.seconds)

    def outcome(self, name: str) -> None:
        self.figures.outcomes[name] += 1


class StatementCounter:
    """Counts the SQL statements and commits a database connection pool issues."""

    def __init__(self, db: Any) -> None:
        self.statements = 0
        self.commits = 0
        event.listen(db, "before_cursor_execute", self._statement)
        event.listen(db, "commit", self._commit)

    def _statement(self, *args: Any) -> None:
        self.statements += 1

    def _commit(self, *args: Any) -> None:
        self.commits += 1


def who(world: World, row: Any) -> str:
    """Who acts on a ready task row: its assignee, else the person it is narrowed to, else one of its role."""
    return row.assignee or row.username or world.people[row.role or "ungekoordinator"][0]


def birthdate_for_age(today: date, years: float) -> date:
    return today - timedelta(days=int(years * 365.25))
