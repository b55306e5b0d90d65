"""Self-assessments: which forms are one, storing each in the completion's transaction, and the series.

A process owner makes a form a self-assessment by marking it ``"x-progression": true``. Each of its
integer properties is a *scale* (the default: udsyn, indsigt, kompetencer and life areas, 1-10, the
range the form's ``minimum``/``maximum`` sets and the form check enforces); a string property named
``<scale>_note`` is that scale's optional note. When a task with such a form completes,
:func:`record` writes one :class:`SelfAssessment` row in the same transaction, so the case page's
chart, Min Plan and the dashboard read a plain table, never a workflow.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engine.people import audit, policy
from engine.people.access import Actor, youth_actor
from engine.platform.models import SelfAssessment, Task
from engine.platform.views import iso

if TYPE_CHECKING:
    from engine.courses.runtime import Run
    from engine.platform.uow import UnitOfWork

PROGRESSION_MARK = "x-progression"
# Where the plan (uddannelsesplan) keeps the positive destination and the milestones' tracks.
DESTINATION_VARIABLE, MILESTONES_VARIABLE, TRACK_FIELD = "positiv_destination", "milepaele", "spor"
NOTE_SUFFIX = "_note"


def is_self_assessment(schema: dict[str, Any] | None) -> bool:
    return isinstance(schema, dict) and schema.get(PROGRESSION_MARK) is True


def scales_of(schema: dict[str, Any] | None) -> dict[str, str]:
    """The form's scales in the form's order: key -> title (the key when untitled)."""
    if not is_self_assessment(schema):
        return {}
    assert schema is not None
    properties = schema.get("properties") or {}
    return {key: str(prop.get("title") or key) for key, prop in properties.items()
            if isinstance(prop, dict) and prop.get("type") == "integer"}


def record(uow: UnitOfWork, run: Run, task: Task, schema: dict[str, Any] | None, data: dict[str, Any],
           course_data: dict[str, Any]) -> None:
    """Store a completed self-assessment (the data already passed the form's check, ranges included).

    The follow-up number is the how-manyth time this course reached this task: the round of the
    follow-up loop, also when an earlier round's self-assessment was never filled in.
    """
    scales = scales_of(schema)
    if not scales:
        return
    rounds = uow.session.scalar(select(func.count()).select_from(Task).where(
        Task.instance_id == task.instance_id, Task.element_id == task.element_id,
        Task.created_at <= task.created_at)) or 1
    scores = {key: {"title": title, "score": data.get(key), "note": _note(data.get(key + NOTE_SUFFIX))}
              for key, title in scales.items() if isinstance(data.get(key), int)}
    destination, tracks = plan_groups(course_data)
    uow.session.add(SelfAssessment(youth_id=task.youth_id, instance_id=task.instance_id,
                                   process_key=task.process_key, task_id=task.id, follow_up=int(rounds),
                                   taken_at=run.now, scores=scores, destination=destination, tracks=tracks))


def plan_groups(data: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The plan's positive destination and its milestones' tracks (the default course's plan form)."""
    raw = data.get(DESTINATION_VARIABLE)
    destination = str(raw).strip()[:80] or None if raw is not None else None
    milestones = data.get(MILESTONES_VARIABLE)
    tracks = sorted({str(m[TRACK_FIELD]).strip()[:80] for m in milestones
                     if isinstance(m, dict) and m.get(TRACK_FIELD)}) if isinstance(milestones, list) else []
    return destination, tracks


def _note(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def series_in(uow: UnitOfWork, youth_id: int) -> dict[str, Any]:
    """The young person's self-assessments over time, oldest first, inside the caller's unit of work.

    ``scales`` lists every scale that occurs (in the order first seen), so a chart draws one line
    per scale and a table one column per scale; a scale a later form dropped is simply missing there.
    """
    rows = uow.session.scalars(select(SelfAssessment).where(SelfAssessment.youth_id == youth_id)
                               .order_by(SelfAssessment.taken_at, SelfAssessment.id)).all()
    scales: dict[str, str] = {}
    assessments = []
    for row in rows:
        for key, entry in (row.scores or {}).items():
            scales.setdefault(key, str(entry.get("title") or key))
        assessments.append({"follow_up": row.follow_up, "taken_at": iso(row.taken_at), "instance_id": row.instance_id,
                            "scores": {key: entry.get("score") for key, entry in (row.scores or {}).items()},
                            "notes": {key: entry.get("note") for key, entry in (row.scores or {}).items()
                                      if entry.get("note")}})
    return {"youth_id": youth_id, "scales": [{"key": key, "title": title} for key, title in scales.items()],
            "assessments": assessments}


def progression_for_youth(uow: UnitOfWork, youth_id: int, actor: Actor | None = None) -> dict[str, Any]:
    """The series for Min Plan (``actor`` omitted: the young person themselves) or for staff who may see the case.

    A young person sees only their own; staff need to be involved or see all. The read is logged.
    """
    from engine.people.youths import ensure_may_view

    who = actor or youth_actor(youth_id)
    with uow:
        if policy.acts_as_youth(who):
            if who.youth_id != youth_id:
                policy.refuse(uow, who, "progression", youth_id)
        else:
            ensure_may_view(uow, who, youth_id, "progression")
        series = series_in(uow, youth_id)
        audit.record(uow, who, "progression_viewed", youth_id)
        uow.commit()
        return series
