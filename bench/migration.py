"""Moving running courses with their real data to a changed version (issue 9), on a fresh database.

Every course has been through referral, k-meeting (minutes, participants, first actions, the chosen
guide in ``lane_owners``) and the plan (a milestone), with the data the forms take. Two thirds wait
for their first follow-up (the P3M timer and the 25th-birthday timer); a third have their follow-up
open, narrowed to the guide, with its 14-day escalation timer running. Version 2 changes the
follow-up interval from P3M to P2M, as in the issue. The figure is the dry run (which does each move
in memory) and the move itself; afterwards every course is checked: on version 2, the same data,
the same open task rows with the same due dates, and the same next deadline.

Building the courses is setup, not what is measured: the four steps are completed inside the
workflow, a batch of courses per transaction, so only the task rows of those finished steps are
missing (their events are written).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, text

from bench.workbench import _empty, start_at_referral
from bench.world import PROCESSES, World, build_world
from engine.courses import events
from engine.courses.runtime import advance, process_for, save
from engine.definitions import deployment, instance_migration
from engine.definitions.process_files import files_from_paths
from engine.people.access import Actor
from engine.platform.models import ProcessInstance, Task, TaskCandidate
from web.sample_forms import ACCEPT, PLAN, REFERRAL, k_meeting

ADMIN = Actor("bench-admin", frozenset({"admin"}))
BATCH = 250


@dataclass
class MigrationFigures:
    courses: int
    with_open_follow_up: int
    setup_seconds: float
    dry_run_seconds: float
    move_seconds: float
    state_bytes_mean: float

    @property
    def courses_per_second(self) -> float:
        return self.courses / self.move_seconds if self.move_seconds else 0.0


def _people(world: World, role: str) -> list[str]:
    return world.people.get(role) or ["bench-admin"]


def build_courses(world: World, count: int, first: int = 0) -> None:
    """``count`` courses through referral, k-meeting, guide and plan, waiting for their first follow-up."""
    engine = world.engine
    guides, coordinators = _people(world, "ungeguide"), _people(world, "koordinerende_sagsbehandler")
    with engine.reader() as uow:
        version = deployment.latest_version(uow, "samarbejdsmodel")
        assert version is not None, "the benchmark deploys the default process first"
        _, process = process_for(uow, version.id)
        version_id = version.id
    done, count = first, first + count
    while done < count:
        with engine.uow() as uow:
            now = engine.clock.now()
            for _ in range(min(BATCH, count - done)):
                guide, coordinator = guides[done % len(guides)], coordinators[done % len(coordinators)]
                run = start_at_referral(uow, process, version_id, now, f"Bench Ung {done}", "bench-admin")
                workflow = run.workflow
                for element_id, data in (("henvisning", REFERRAL), ("k_moede", k_meeting(guide, coordinator)),
                                         ("accepter_guide", ACCEPT),
                                         ("uddannelsesplan", PLAN)):
                    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                                if t.task_spec.bpmn_id == element_id)
                    task.data.update(data)
                    task.run()
                    run.finished_task_ids.add(str(task.id))
                    advance(run)
                save(uow, run)
                done += 1
            uow.commit()


def _picture(world: World) -> dict[int, tuple[Any, ...]]:
    """What the move must keep, per course: data, next deadline, open task rows with due date and people."""
    with world.engine.reader() as uow:
        people: dict[str, list[str]] = {}
        for task_id, username in uow.session.execute(
                select(TaskCandidate.task_id, TaskCandidate.username).join(Task, Task.id == TaskCandidate.task_id)
                .where(Task.state == "ready")):
            people.setdefault(task_id, []).append(username)
        rows: dict[int, list[tuple[Any, ...]]] = {}
        for row in uow.session.scalars(select(Task).where(Task.state == "ready")):
            rows.setdefault(row.instance_id, []).append((row.id, row.element_id, row.role, row.assignee,
                                                         row.due_at, tuple(sorted(people.get(row.id, [])))))
        return {instance.id: (instance.data, instance.next_timer_at, sorted(rows.get(instance.id, [])))
                for instance in uow.session.scalars(select(ProcessInstance))}


def run(url: str, count: int, log: Any = print) -> MigrationFigures:
    _empty(url)  # a given database may hold an earlier run: this phase starts from nothing
    world = build_world(url)
    try:
        began = time.perf_counter()
        open_share = count // 3
        build_courses(world, open_share)
        world.clock.advance(days=92)  # the first third get their follow-up task, the rest start now
        events.fire_due_timers(world.engine, limit=count)
        build_courses(world, count - open_share, first=open_share)
        setup = time.perf_counter() - began
        log(f"migration: {count:,} courses built in {setup:.0f} s; moving them to version 2 (P3M -> P2M)")
        before = _picture(world)
        files = files_from_paths([PROCESSES])
        changed = {**files, "samarbejdsmodel.bpmn": files["samarbejdsmodel.bpmn"].replace(b">P3M<", b">P2M<")}
        target = deployment.deploy(world.engine.uow(), changed, ADMIN)[0].version
        began = time.perf_counter()
        dry = instance_migration.migrate_instances(world.engine, ADMIN, "samarbejdsmodel", 1, target)
        dry_run = time.perf_counter() - began
        assert sum(1 for r in dry["instances"] if r["can_migrate"]) == count, "not every course can move"
        began = time.perf_counter()
        moved = instance_migration.migrate_instances(world.engine, ADMIN, "samarbejdsmodel", 1, target,
                                                     dry_run=False)
        move = time.perf_counter() - began
        assert moved["migrated"] == count and moved["remaining"] == 0, (moved["migrated"], moved["remaining"])
        after = _picture(world)
        lost = [(i, before[i], after.get(i)) for i in before if after.get(i) != before[i]]
        assert not lost, f"{len(lost)} moved courses lost data, a task or a deadline, e.g. {lost[0]}"
        with world.engine.reader() as uow:
            versions = set(uow.session.scalars(select(ProcessInstance.process_version_id)))
            assert len(versions) == 1 and next(iter(versions)) != 1
            size = uow.session.execute(text("select avg(length(state)) from process_instances")).scalar()
            with_task = uow.session.execute(text(
                "select count(distinct instance_id) from tasks where state = 'ready'")).scalar()
        assert all(data.get("referat") and data.get("milepaele") and data.get("lane_owners")
                   for data, _, _ in after.values())
        return MigrationFigures(count, int(with_task or 0), setup, dry_run, move, float(size or 0))
    finally:
        world.close()



def render(figures: MigrationFigures) -> str:
    """The figure as printed after the main table (and copied into BENCHMARKS.md)."""
    return "\n".join([
        "",
        "## Moving running courses with their data (PostgreSQL)",
        "",
        "| courses | of them with the follow-up open | dry run | move | courses/s | mean state | check |",
        "|---|---|---|---|---|---|---|",
        f"| {figures.courses:,} | {figures.with_open_follow_up:,} | {figures.dry_run_seconds:.1f} s "
        f"| {figures.move_seconds:.1f} s | {figures.courses_per_second:.0f} | {figures.state_bytes_mean / 1024:.1f} KiB "
        "| every course on the new version with the same data, open tasks, people and deadlines |",
        f"(setup, not measured: {figures.setup_seconds:.0f} s to build the courses)",
    ])
