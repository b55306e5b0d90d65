"""What the migration report says about each course: where it stands, its deadlines before and
after the move, each waiting timer's due date, why it cannot move, and (to those who may see the
young person) whose course it is. No CPR, ever; each name shown is an audit row.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.courses.runtime import waits
from engine.definitions import course_move
from engine.people import audit, policy
from engine.people.access import Actor
from engine.people.youths import involved_filter
from engine.platform.models import ProcessInstance, Youth

if TYPE_CHECKING:
    from engine.platform.parts import UnitsOfWork

NAME_CHUNK = 5_000  # young people named per query: SQLite bounds the parameters of one statement


def name_courses(engine: UnitsOfWork, actor: Actor, reports: list[dict[str, Any]]) -> None:
    """The young person's name on each course the actor may see (never their CPR); each name shown is logged."""
    youth_ids = {r["youth_id"] for r in reports if r.get("youth_id") is not None}
    if not youth_ids:
        return
    names: dict[int, str] = {}
    ordered = sorted(youth_ids)
    with engine.uow() as uow:
        for start in range(0, len(ordered), NAME_CHUNK):
            query = select(Youth.id, Youth.name).where(Youth.id.in_(ordered[start:start + NAME_CHUNK]))
            if not policy.allows(actor, "see_all_youths"):
                query = query.where(involved_filter(actor))
            names.update({youth_id: name for youth_id, name in uow.session.execute(query)})
        audit.record_many(uow, actor, "migration_course_shown", names, "flytning af forløb")
        uow.commit()
    for report in reports:
        if report.get("youth_id") in names:
            report["youth_name"] = names[report["youth_id"]]


def describe_before(instance: ProcessInstance, workflow: Any) -> dict[str, Any]:
    """Where the course stands and its deadlines as they are (no personal data: the name is added later)."""
    next_deadline, _ = waits(workflow)
    return {"id": instance.id, "youth_id": instance.youth_id, "revision": instance.lock_version,
            "status": instance.status, "steps": current_steps(workflow),
            "next_deadline_before": iso(next_deadline),
            "_timers": {task_id: (task.task_spec, due)
                        for task_id, (task, due) in course_move.waiting_timers(workflow).items()}}


def describe_after(report: dict[str, Any], workflow: Any) -> None:
    """The deadlines once moved, and each waiting timer's due date before and after."""
    next_deadline, _ = waits(workflow)
    report["next_deadline_after"] = iso(next_deadline)
    after = course_move.waiting_timers(workflow)
    timers = []
    for task_id, (old_spec, due_before) in report["_timers"].items():
        moved = after.get(task_id)
        spec = moved[0].task_spec if moved else old_spec
        timers.append({"element_id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id,
                       "due_before": due_before, "due_after": moved[1] if moved else None,
                       "definition_changed": course_move.timer_changed(old_spec, spec)})
    report["timers"] = sorted(timers, key=lambda t: (t["due_before"] or "", t["element_id"]))


def current_steps(workflow: Any) -> list[str]:
    """The names of the open user tasks and the events the course waits at (not boundary timers)."""
    names = [t.task_spec.bpmn_name or t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True)]
    for task in workflow.get_tasks(state=TaskState.WAITING):
        spec, parent = task.task_spec, task.parent
        on_boundary = parent is not None and type(parent.task_spec).__name__ == "BoundaryEventSplit"
        if getattr(spec, "bpmn_id", None) and not on_boundary and getattr(spec, "event_definition", None) is not None:
            names.append(spec.bpmn_name or spec.bpmn_id)
    return sorted(names)


def iso(value: Any) -> str | None:
    """A due date as ISO 8601 text (timers store theirs as text already)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def finish(report: dict[str, Any], blocked: tuple[str, str | None] | None, migrated: bool = False) -> dict[str, Any]:
    """The report as answered: whether it can move and, if not, why (its deadlines then stay as they are)."""
    before_timers = report.pop("_timers", {})
    report["can_migrate"] = blocked is None
    if blocked:
        report["reason"], report["element_id"] = blocked
        report["next_deadline_after"] = report["next_deadline_before"]
        report["timers"] = [{"element_id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id,
                             "due_before": due, "due_after": due, "definition_changed": False}
                            for spec, due in before_timers.values()]
    if migrated:
        report["migrated"] = True
    return report
