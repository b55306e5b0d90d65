"""Moving running instances from one version of a process to another.

The two specs are aligned once per call (by element id, then by the owner's ``mapping`` of old
element ids to new ones), and each instance is loaded with its old spec and moved by
:mod:`engine.definitions.course_move`, which keeps the course's data, its task ids (so each open task keeps its
row, claim and people) and every waiting timer's due date (``timer_rule`` says what happens to a
timer whose definition changed). An instance whose waiting step has no counterpart in the new
version cannot move and is left untouched; the report says why.

The dry run does the very move in memory and throws it away: what it reports (step, next deadline
before and after, each changed timer's due date before and after) is what the move will do. It
names each young person to a process owner who may see them (admin, coordinator, or involved);
each name shown is an audit row. A move names the courses it was confirmed for with their
``revisions`` from the dry run: a course changed since (a task completed meanwhile) is not moved and
is reported as a conflict, so a move confirmed on a state that no longer exists never happens.

Each instance moves in its own transaction (taken with FOR UPDATE SKIP LOCKED on PostgreSQL), with
an instance event and an audit row, so a long batch never holds locks on many courses at once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, create_engine, func, select

from engine.bpmn.parser import spec_name
from engine.courses.moving import moving
from engine.courses.runtime import Run, advance, process_for
from engine.definitions import course_move, migration_report
from engine.definitions.library import ParsedProcess
from engine.definitions.versions import find_version
from engine.people import policy
from engine.people.access import Actor
from engine.platform.db import make_session_factory
from engine.platform.errors import Conflict, InvalidInput
from engine.platform.messages import Message
from engine.platform.models import ProcessInstance, Task
from engine.platform.uow import UnitOfWork, while_code_runs

if TYPE_CHECKING:
    from engine.platform.parts import UnitsOfWork

log = logging.getLogger(__name__)
MIGRATABLE = ("running", "error")
RESET = course_move.RESET
NOT_YET = TaskState.FUTURE | TaskState.PREDICTED_MASK
DEFAULT_LIMIT = 100_000
PARALLEL = 4


@dataclass
class Plan:
    """The alignment of an old version's specs with a new one's, computed once per call."""

    from_version: int
    to_version: int
    from_id: int
    to_id: int
    old: ParsedProcess
    new: ParsedProcess
    diffs: dict[str | None, dict[Any, Any] | None] = field(default_factory=dict)  # spec name -> old spec -> new

    def new_spec_for(self, name: str | None) -> Any:
        return self.new.spec if name is None else self.new.subprocess_specs.get(name)


def _parse_request(from_version: Any, to_version: Any, mapping: Any) -> dict[str, str]:
    errors = [{"field": name, "message": Message("engine.field.required_integer")} for name, value in
              (("from_version", from_version), ("to_version", to_version))
              if not isinstance(value, int) or isinstance(value, bool)]
    if mapping is not None and (not isinstance(mapping, dict)
                                or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())):
        errors.append({"field": "mapping", "message": Message("engine.migration.bad_mapping")})
    if not errors and from_version == to_version:
        errors.append({"field": "to_version", "message": Message("engine.migration.same_version")})
    if errors:
        raise InvalidInput(Message("engine.migration.invalid"), errors=errors)
    return dict(mapping or {})


def _specs_by_element(process: ParsedProcess) -> dict[str, tuple[str | None, Any]]:
    """element id -> (the subprocess spec name it lives in, or None for the top level; its task spec)."""
    found: dict[str, tuple[str | None, Any]] = {}
    for name, spec in [(None, process.spec), *process.subprocess_specs.items()]:
        for task_spec in spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id is not None and bpmn_id not in found:
                found[bpmn_id] = (name, task_spec)
    return found


def plan(uow: UnitOfWork, key: str, from_version: int, to_version: int, mapping: dict[str, str]) -> Plan:
    """Align the versions' specs; a mapping naming a step that does not exist is refused (422)."""
    old_row, new_row = find_version(uow, key, from_version), find_version(uow, key, to_version)
    _, old = process_for(uow, old_row.id)
    _, new = process_for(uow, new_row.id)
    old_elements, new_elements = _specs_by_element(old), _specs_by_element(new)
    errors = [{"field": f"mapping/{source}",
               "message": Message("engine.migration.step_missing", element_id=source, version=from_version)}
              for source in mapping if source not in old_elements]
    errors += [{"field": f"mapping/{source}",
                "message": Message("engine.migration.step_missing", element_id=target, version=to_version)}
               for source, target in mapping.items() if target not in new_elements]
    if errors:
        raise InvalidInput(Message("engine.migration.unknown_steps"), errors=errors)
    result = Plan(from_version, to_version, old_row.id, new_row.id, old, new)
    for name, old_spec in [(None, old.spec), *old.subprocess_specs.items()]:
        new_spec = result.new_spec_for(name)
        if new_spec is None:
            result.diffs[name] = None
            continue
        # By element id only (not SpecDiff's guesses by structure): a step the owner renamed is
        # theirs to map, so no course lands on a step nobody chose.
        alignment = {task_spec: new_spec.task_specs.get(task_spec.name) for task_spec in old_spec.task_specs.values()}
        for source, target in mapping.items():
            old_task_spec = old_spec.task_specs.get(spec_name(source))
            new_task_spec = new_spec.task_specs.get(spec_name(target))
            if old_task_spec is not None and new_task_spec is not None:
                alignment[old_task_spec] = new_task_spec
        result.diffs[name] = alignment
    return result


_processes = course_move.processes


def blocker(the_plan: Plan, workflow: Any) -> tuple[Message, str | None] | None:
    """Why this instance cannot move (naming the step) and the step's id; None when it can."""
    for process, name in _processes(workflow):
        alignment = the_plan.diffs.get(name)
        if alignment is None:
            return Message("engine.migration.subprocess_missing", name=name, version=the_plan.to_version), None
        for task in process.get_tasks(skip_subprocesses=True):
            spec = task.task_spec
            if getattr(spec, "bpmn_id", None) is None or task.has_state(TaskState.COMPLETED | TaskState.CANCELLED):
                continue
            if task.has_state(NOT_YET) and _rebuilt(task):
                continue  # predicted below a task that is reset: predicted afresh from the new spec
            if alignment.get(spec) is None:
                label = f"«{spec.bpmn_name}» ({spec.bpmn_id})" if spec.bpmn_name else spec.bpmn_id
                return Message("engine.migration.step_unmapped", step=label, version=the_plan.to_version), spec.bpmn_id
    return None


def _rebuilt(task: Any) -> bool:
    node = task.parent
    while node is not None and node.has_state(NOT_YET):
        node = node.parent
    return node is not None and node.has_state(RESET)


def move(the_plan: Plan, workflow: Any, timer_rule: str = course_move.KEEP) -> None:
    """Put the workflow (already checked by :func:`blocker`) on the new version's specs, keeping its data."""
    course_move.move_workflow(workflow, the_plan.diffs, the_plan.new.spec, the_plan.new.subprocess_specs, timer_rule)


def _instance_ids(uow: UnitOfWork, version_id: int) -> list[int]:
    return list(uow.session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.process_version_id == version_id, ProcessInstance.status.in_(MIGRATABLE))
        .order_by(ProcessInstance.id)))


def _check_options(dry_run: Any, limit: Any, instance_ids: Any, timer_rule: Any, revisions: Any) -> dict[int, int]:
    """Refuse malformed options (422 with the field); the revisions as id -> revision."""
    problems = []
    if not isinstance(dry_run, bool):
        problems.append(("dry_run", "engine.migration.bad_dry_run", "engine.field.boolean"))
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        problems.append(("limit", "engine.migration.bad_limit", "engine.field.positive_integer"))
    if instance_ids is not None and (not isinstance(instance_ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in instance_ids)):
        problems.append(("instance_ids", "engine.migration.bad_instance_ids", "engine.field.integer_list"))
    if timer_rule not in course_move.TIMER_RULES:
        problems.append(("timer_rule", "engine.migration.bad_timer_rule", "engine.migration.timer_rules"))
    checked: dict[int, int] = {}
    if revisions is not None:
        if not isinstance(revisions, dict):
            problems.append(("revisions", "engine.migration.bad_revisions", "engine.migration.revisions_shape"))
        else:
            for course, revision in revisions.items():
                if not str(course).isdigit() or not isinstance(revision, int) or isinstance(revision, bool):
                    problems.append(("revisions", "engine.migration.bad_revisions", "engine.migration.revisions_shape"))
                    break
                checked[int(course)] = revision
    if problems:
        summary = problems[0][1]
        raise InvalidInput(Message(summary), errors=[{"field": name, "message": Message(detail)}
                                                     for name, _, detail in problems])
    return checked


def migrate_instances(engine: UnitsOfWork, actor: Actor, key: str, from_version: Any, to_version: Any,
                      dry_run: Any = True, mapping: Any = None, limit: Any = None,
                      instance_ids: Any = None,
                      progress: Callable[[int, int], None] | None = None,
                      timer_rule: Any = course_move.KEEP, revisions: Any = None) -> dict[str, Any]:
    """Dry run: whether and how each instance on ``from_version`` would move. Otherwise move those that can.

    ``instance_ids`` narrows the call to those instances and ``limit`` to the first so many: the
    workbench dry-runs once, then moves the movable ones in batches to show progress.
    ``revisions`` (course id -> the ``revision`` its dry run reported) makes the move refuse, as a
    conflict, a course that changed since. ``timer_rule``: see :mod:`engine.definitions.course_move`.
    """
    policy.require(engine.uow(), actor, "edit_diagrams", f"procesmodel {key!s:.80}: flyt forløb",
                   Message("engine.migration.forbidden"))
    expected = _check_options(dry_run, limit, instance_ids, timer_rule, revisions)
    checked_mapping = _parse_request(from_version, to_version, mapping)
    with engine.reader() as uow:
        the_plan = plan(uow, key, from_version, to_version, checked_mapping)
        ids = _instance_ids(uow, the_plan.from_id)
    gone: list[dict[str, Any]] = []
    if instance_ids is not None:
        wanted = set(instance_ids)
        gone = [{"id": i, "can_migrate": False, "conflict": True, "element_id": None,
                 "reason": Message("engine.migration.not_on_version", version=the_plan.from_version)}
                for i in sorted(wanted - set(ids))]  # moved or finished meanwhile, or never there
        ids = [i for i in ids if i in wanted]
    budget = min(limit or DEFAULT_LIMIT, len(ids))
    to_move = [] if dry_run else ids[:budget]
    to_check = ids if dry_run else ids[budget:]
    reports: list[dict[str, Any]] = []
    # Each course is its own transaction; on PostgreSQL a few run side by side, since most of a
    # course's time is spent waiting for the database. SQLite has one writer, so one at a time.
    workers = PARALLEL if engine.db.dialect.name == "postgresql" else 1
    with _migration_sessions(engine) as new_uow, ThreadPoolExecutor(max_workers=workers) as pool:
        named = instance_ids is not None
        jobs = [*(pool.submit(_move_one, new_uow, actor, the_plan, i, timer_rule, expected.get(i), named)
                  for i in to_move),
                *(pool.submit(_check_one, engine, the_plan, i, timer_rule) for i in to_check)]
        for index, job in enumerate(jobs):
            report = job.result()
            if report:
                reports.append(report)
            if progress is not None:
                progress(index + 1, len(jobs))
    reports.extend(gone)
    migration_report.name_courses(engine, actor, reports)
    moved = sum(1 for r in reports if r.get("migrated"))
    with engine.reader() as uow:
        remaining = uow.session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.process_version_id == the_plan.from_id, ProcessInstance.status.in_(MIGRATABLE)))
    result = {"from_version": the_plan.from_version, "to_version": the_plan.to_version, "dry_run": dry_run,
              "timer_rule": timer_rule, "migrated": moved, "remaining": remaining,
              "movable": sum(1 for r in reports if r["can_migrate"] and not r.get("migrated")),
              "conflicts": sum(1 for r in reports if r.get("conflict")),
              "instances": reports}
    if not dry_run and moved == 0 and result["conflicts"]:
        # Another move or a completion got there first: that one won, this one changed nothing.
        raise Conflict(Message("engine.migration.conflict"), **result)
    return result


def _check_one(engine: UnitsOfWork, the_plan: Plan, instance_id: int, timer_rule: str) -> dict[str, Any]:
    with engine.reader() as uow:
        instance = uow.session.get(ProcessInstance, instance_id)
        if instance is None or instance.process_version_id != the_plan.from_id:
            return {}
        workflow = uow.serializer.loads(instance.state, the_plan.old.spec, the_plan.old.subprocess_specs)
        workflow.script_engine = uow.script_engine
        report = migration_report.describe_before(instance, workflow)
        reason = blocker(the_plan, workflow)
        if reason is None:
            move(the_plan, workflow, timer_rule)  # in memory only: the report says what the move will do
            migration_report.describe_after(report, workflow)
        return migration_report.finish(report, reason)


@contextmanager
def _migration_sessions(engine: UnitsOfWork) -> Iterator[Callable[[], UnitOfWork]]:
    """Units of work for moving courses, one transaction each.

    On PostgreSQL they use their own small pool whose connections do not wait for the WAL flush of
    each of thousands of small commits, and are not pinged on every checkout. A crash may lose the
    last few migrations, but only whole: that course, its task rows, its event and its audit row
    stay together on the old version, and running the migration again moves it. Nothing is ever
    half-moved.
    """
    if engine.db.dialect.name != "postgresql":
        yield engine.uow
        return
    db = create_engine(engine.db.url, pool_size=PARALLEL, max_overflow=0,
                       connect_args={"options": "-c jit=off -c synchronous_commit=off"})
    try:
        factory = make_session_factory(db)
        yield lambda: UnitOfWork(engine.parts, factory, before_commit=engine.before_commit)
    finally:
        db.dispose()


def _move_one(new_uow: Callable[[], UnitOfWork], actor: Actor, the_plan: Plan, instance_id: int,
              timer_rule: str = course_move.KEEP, expected_revision: int | None = None,
              named: bool = False) -> dict[str, Any]:
    """Move one course in its own transaction; one the caller named that is busy or gone is a conflict.

    A running course's next steps run on the new version: that is diagram code, so on SQLite the
    transaction takes the write lock only once it has run (:func:`engine.platform.uow.while_code_runs`).
    """
    uow = new_uow()
    return while_code_runs(uow, lambda: _move_in(uow, actor, the_plan, instance_id, timer_rule,
                                                 expected_revision, named))


def _move_in(uow: UnitOfWork, actor: Actor, the_plan: Plan, instance_id: int, timer_rule: str,
             expected_revision: int | None, named: bool) -> dict[str, Any]:
    with uow:
        # The course and its open task rows in one round trip (thousands of courses pay for each).
        # NOWAIT-like: a course someone is completing a task on right now is not waited for but
        # reported as a conflict, and stays as that completion leaves it.
        rows = uow.session.execute(
            select(ProcessInstance, Task)
            .outerjoin(Task, and_(Task.instance_id == ProcessInstance.id, Task.state == "ready"))
            .where(ProcessInstance.id == instance_id, ProcessInstance.process_version_id == the_plan.from_id,
                   ProcessInstance.status.in_(MIGRATABLE))
            .with_for_update(of=ProcessInstance, skip_locked=True)).all()
        if not rows:
            return _busy(uow, instance_id) if named or expected_revision is not None else {}
        instance = rows[0][0]
        open_rows = [task for _, task in rows if task is not None]
        workflow = uow.serializer.loads(instance.state, the_plan.old.spec, the_plan.old.subprocess_specs)
        workflow.script_engine = uow.script_engine
        report = migration_report.describe_before(instance, workflow)
        if expected_revision is not None and instance.lock_version != expected_revision:
            report = migration_report.finish(report, (Message("engine.migration.changed_since_dry_run"), None))
            report["conflict"] = True
            return report
        reason = blocker(the_plan, workflow)
        if reason is not None:
            return migration_report.finish(report, reason)
        # Everything is written in one flush at commit: a 10,000-course batch pays for round trips.
        with uow.session.no_autoflush:
            move(the_plan, workflow, timer_rule)
            migration_report.describe_after(report, workflow)
            instance.process_version_id = the_plan.to_id
            run = Run(instance, workflow, the_plan.new, actor.username, uow.clock.now())
            run.open_rows = open_rows
            run.record("instance_migrated", detail={"from_version": the_plan.from_version,
                                                    "to_version": the_plan.to_version, "timer_rule": timer_rule})
            with moving(uow, run, actor, "instance_migrated",
                        f"forløb {instance_id} fra version {the_plan.from_version} til {the_plan.to_version}"):
                if instance.status == "running":
                    advance(run)
        revision = instance.lock_version  # the commit's flush gave the course its new revision
    report = migration_report.finish(report, None, migrated=True)
    report["revision"] = revision
    return report


def _busy(uow: UnitOfWork, instance_id: int) -> dict[str, Any]:
    """A course the owner confirmed that is locked right now, or no longer on the old version: a conflict."""
    instance = uow.session.get(ProcessInstance, instance_id)
    if instance is None:
        return {}
    return {"id": instance_id, "youth_id": instance.youth_id, "can_migrate": False, "conflict": True,
            "reason": Message("engine.migration.changed_since_dry_run"), "element_id": None}


def steps(uow: UnitOfWork, actor: Actor, key: str, version: int) -> list[dict[str, Any]]:
    """The steps of a version a waiting course may be mapped to (tasks and events), by name."""
    policy.require(uow, actor, "edit_diagrams", f"procesmodel {key!s:.80}: trin", Message("engine.migration.forbidden"))
    with uow:
        _, process = process_for(uow, find_version(uow, key, version).id)
    found = {element_id: getattr(spec, "bpmn_name", None) for element_id, (_, spec) in _specs_by_element(process).items()}
    return sorted(({"element_id": k, "name": v or k} for k, v in found.items()), key=lambda s: s["name"].lower())
