"""Where a task gets its role, its person and its due date.

When a run makes a human task ready, :func:`new_task_row` writes its row: the role is the task's
``candidateGroups`` or else its lane's role; the people are the course's ``lane_owners`` for that lane
plus the task's Camunda ``candidateUsers``/``assignee`` (``${variable}`` reads course data); the due
date is ``camunda:dueDate`` or the earliest boundary timer. Those named are told by mail.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.specs import UserTask
from engine.people.access import lane_role, normalize_role, youth_actor
from engine.people.role_defaults import YOUTH_ROLE
from engine.platform.models import Task, TaskCandidate
from engine.work.mail import notify_assigned

if TYPE_CHECKING:
    from engine.courses.runtime import Run
    from engine.platform.uow import UnitOfWork

log = logging.getLogger(__name__)
# Where a task without a due date sorts in a queue: after every real date, on SQLite as on PostgreSQL.
NO_DUE_DATE = datetime(9999, 12, 31, tzinfo=UTC)


def move_row(run: Run, row: Task, task: Any) -> None:
    """An open task that lived through a migration keeps its row (and claim); it takes the new step's names."""
    spec = task.task_spec
    form_key = getattr(spec, "form_key", None)
    row.process_version_id = run.instance.process_version_id
    row.element_id, row.name = spec.bpmn_id, spec.bpmn_name or spec.bpmn_id
    row.form_key = form_key if run.process.validator(form_key) else None
    # A waiting boundary timer's due date, as the move left it; a camunda:dueDate, or a timer that
    # has fired already (the task is overdue), keeps the due date the task had.
    boundary_due = None if getattr(spec, "due_date", None) else _boundary_due(task)
    if boundary_due is not None:
        row.due_at = row.queue_at = boundary_due


def new_task_row(uow: UnitOfWork, run: Run, task: Any) -> Task:
    """The row of a human task the run made ready: its role, its people and its due date."""
    spec = task.task_spec
    lane = getattr(spec, "lane", None)
    groups = getattr(spec, "candidate_groups", []) or []
    lane_id = None if groups else run.process.lane_ids.get((lane or "").strip())
    role = normalize_role(groups[0]) if groups else lane_role(lane, lane_id)
    if role == YOUTH_ROLE:
        # The young person's lane: the task is the course's young person's and no one else's (their
        # actor's name is the one candidate); lane_owners and Camunda's people do not apply.
        assignee, candidates = None, {youth_actor(run.instance.youth_id).username}
    else:
        # candidateGroups hand the task to another role than the lane, so the lane's owners do not apply.
        assignee, candidates = _people(run, task, None if groups else lane, lane_id)
    due_at = _due_at(run, task)
    row = Task(
        id=str(task.id), instance_id=run.instance.id, youth_id=run.instance.youth_id,
        process_key=run.instance.process_key, process_version_id=run.instance.process_version_id,
        element_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id, role=role, lane_id=lane_id,
        assignee=assignee, personal=bool(candidates or assignee), state="ready",
        form_key=getattr(spec, "form_key", None) if run.process.validator(getattr(spec, "form_key", None)) else None,
        created_at=run.now, due_at=due_at, queue_at=due_at or NO_DUE_DATE,
    )
    # The assignee is a candidate too: released, the task goes back to them, never to no one (finding 12).
    named = candidates | ({assignee} if assignee else set())
    uow.session.add(row)
    uow.session.add_all(TaskCandidate(task_id=row.id, username=name) for name in sorted(named))
    if row.personal and role != YOUTH_ROLE:  # the young person hears of it on Min Plan, not by staff mail
        notify_assigned(uow, row, named)
    run.record("task_created", task, {"role": role, "assignee": assignee} if (role or assignee) else None,
               username=None)
    return row


def _people(run: Run, task: Any, lane: str | None, lane_id: str | None) -> tuple[str | None, set[str]]:
    """The assignee and the people a task is narrowed to, from lane_owners and Camunda attributes."""
    spec = task.task_spec
    candidates: set[str] = set()
    owners = task.data.get("lane_owners")
    if isinstance(owners, dict) and lane:
        wanted = {lane.strip().lower(), (lane_id or "").lower()}
        for lane_name, people in owners.items():
            if str(lane_name).strip().lower() in wanted:
                candidates.update(_names(people))
    if isinstance(spec, UserTask):
        candidates.update(name for value in spec.candidate_users for name in _names(_resolve(task, value)))
        assignee = next(iter(_names(_resolve(task, spec.assignee))), None) if spec.assignee else None
        return assignee, candidates
    return None, candidates


def _names(value: Any) -> set[str]:
    if isinstance(value, str):
        return {part.strip() for part in value.split(",") if part.strip()}
    if isinstance(value, (list, tuple, set)):
        return {str(v).strip() for v in value if str(v).strip()}
    return set()


def _resolve(task: Any, value: str | None) -> Any:
    """``${name}`` (Camunda's expression syntax) reads a variable; anything else is literal."""
    if value and value.startswith("${") and value.endswith("}"):
        return task.data.get(value[2:-1].strip())
    return value


def _due_at(run: Run, task: Any) -> datetime | None:
    """camunda:dueDate (a duration from now, a date, or ${variable}); else the earliest boundary timer."""
    spec = task.task_spec
    due = _resolve(task, getattr(spec, "due_date", None))
    if isinstance(due, str) and due.strip():
        try:
            parsed = TimerEventDefinition.parse_time_or_duration(due.strip())
            if isinstance(parsed, datetime):
                return parsed
            return run.now + TimerEventDefinition.get_timedelta_from_start(parsed, run.now)
        except Exception:  # an unusable due date leaves the task without one, it does not stop the course
            log.warning("unusable due date on element %s", spec.bpmn_id)
    return _boundary_due(task)


def _boundary_due(task: Any) -> datetime | None:
    """The earliest waiting timer on the task's boundary."""
    parent = task.parent
    timers = []
    if parent is not None and type(parent.task_spec).__name__ == "BoundaryEventSplit":
        for sibling in parent.children:
            definition = getattr(sibling.task_spec, "event_definition", None)
            if isinstance(definition, TimerEventDefinition) and sibling.has_state(TaskState.WAITING):
                value = definition.details(sibling).value
                if isinstance(value, str):
                    timers.append(TimerEventDefinition.get_datetime(value))
    return min(timers) if timers else None
