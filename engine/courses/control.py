"""Stopping and holding a course by hand: drop-out (frafald), pause and resume, close.

Who may do what (decided here, once):

* **pause, resume, close**: the youth coordinator and admins. They run the model for every young
  person; a caseworker or guide asks them.
* **drop-out**: those, and the course's own guide and coordinating caseworker (the people the
  k-meeting chose, ``lane_owners``): they are the first to know that a young person stopped.
  Over the REST API a drop-out is the ``frafald`` message (``POST /messages``).

Every one of them is an event row with the person who did it and their reason, and an audit row.

**A paused course** (status ``paused``, with a ``course_holds`` row: reason, resume date, who)
fires no timers and its tasks cannot be completed until it is resumed: by a person, or by the
worker on the morning of the resume date. Waiting timers keep their due dates: a follow-up that
fell due during the pause is due at once when the course resumes (the young person is not pushed
further back by the pause). It stays on its guide's caseload.

**A closed course** (status ``terminated``) cancels its open tasks and waits for nothing more.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from sqlalchemy import select, update

from engine.courses.moving import moving
from engine.courses.runtime import advance
from engine.people import audit, policy, role_defaults
from engine.people.access import SYSTEM, Actor
from engine.people.youths import deny, parse_date
from engine.platform import tenancy
from engine.platform.errors import Conflict, InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import CourseHold, CoursePerson, InstanceEvent, ProcessInstance, Task
from engine.platform.uow import while_code_runs
from engine.platform.views import iso

if TYPE_CHECKING:
    from engine.platform.parts import UnitsOfWork
    from engine.platform.uow import UnitOfWork

DROPOUT_LANES = role_defaults.DROPOUT_LANES
DROPOUT_MESSAGE = "frafald"
MAX_REASON = 2000
PAUSED = "paused"


def hold_view(uow: UnitOfWork, instance: ProcessInstance) -> dict[str, Any] | None:
    hold = uow.session.get(CourseHold, instance.id) if instance.status == PAUSED else None
    if hold is None:
        return None
    return {"reason": hold.reason, "resume_on": iso(hold.resume_on), "paused_by": hold.paused_by,
            "paused_at": iso(hold.paused_at)}


def may_control(actor: Actor) -> bool:
    return policy.allows(actor, "control_courses")


def may_report_dropout(actor: Actor, data: dict[str, Any] | None) -> bool:
    """The coordinator, an admin, or this course's guide or coordinating caseworker."""
    if may_control(actor):
        return True
    owners = (data or {}).get("lane_owners")
    if not isinstance(owners, dict):
        return False
    return any(actor.username in (people if isinstance(people, list) else [people])
               for lane, people in owners.items() if str(lane).strip().lower() in DROPOUT_LANES)


def pause_course(uow: UnitOfWork, actor: Actor, instance_id: int, reason: Any, resume_on: Any) -> dict[str, Any]:
    """Hold a running course until ``resume_on`` (a date after today) for ``reason``."""
    with uow:
        today = uow.clock.now().date()
        errors = _reason_errors(reason)
        resume = parse_date(resume_on)
        if resume is None:
            errors.append({"field": "resume_on", "message": Message("engine.course.resume_on_date")})
        elif resume <= today:
            errors.append({"field": "resume_on", "message": Message("engine.course.resume_on_future")})
        instance = _locked(uow, actor, instance_id, may_control(actor), "pause")
        if errors:
            raise InvalidInput(Message("engine.course.invalid"), errors=errors)
        if instance.status != "running":
            raise Conflict(Message("engine.instance.not_running"), status=instance.status)
        now = uow.clock.now()
        instance.status = PAUSED
        instance.updated_at = now
        uow.session.add(CourseHold(instance_id=instance.id, youth_id=instance.youth_id, reason=reason.strip(),
                                   resume_on=resume, paused_by=actor.username, paused_at=now))
        _event(uow, instance, "course_paused", actor.username, {"reason": reason.strip(), "resume_on": iso(resume)})
        audit.record(uow, actor, "course_paused", instance.youth_id, f"forløb {instance.id}")
        uow.commit()
        return _summary(instance)


def resume_course(uow: UnitOfWork, actor: Actor, instance_id: int) -> dict[str, Any]:
    """Let a paused course go on; timers that fell due meanwhile fire on the worker's next pass."""
    with uow:
        instance = _locked(uow, actor, instance_id, may_control(actor), "resume")
        if instance.status != PAUSED:
            raise Conflict(Message("engine.course.not_paused"), status=instance.status)
        _resume(uow, instance, actor.username)
        audit.record(uow, actor, "course_resumed", instance.youth_id, f"forløb {instance.id}")
        uow.commit()
        return _summary(instance)


def resume_due(engine: UnitsOfWork) -> int:
    """Worker: resume every paused course whose resume date has come (from midnight UTC that day), in every tenant."""
    return sum(_resume_due_of_tenant(engine) for _tenant in tenancy.each_tenant(engine))


def _resume_due_of_tenant(engine: UnitsOfWork) -> int:
    today = engine.clock.now().date()
    with engine.reader() as uow:
        due = list(uow.session.scalars(select(CourseHold.instance_id).where(CourseHold.resume_on <= today)))
    resumed = 0
    for instance_id in due:
        with engine.uow() as uow:
            instance = uow.session.scalars(select(ProcessInstance).where(
                ProcessInstance.id == instance_id, ProcessInstance.status == PAUSED)
                .with_for_update(skip_locked=True)).one_or_none()
            if instance is None:
                continue
            _resume(uow, instance, None)
            audit.record(uow, SYSTEM, "course_resumed", instance.youth_id, f"forløb {instance.id}")
            uow.commit()
            resumed += 1
    return resumed


def close_course(uow: UnitOfWork, actor: Actor, instance_id: int, reason: Any) -> dict[str, Any]:
    """End a course for good (moved away, declined help): its open tasks are cancelled."""
    with uow:
        errors = _reason_errors(reason)
        instance = _locked(uow, actor, instance_id, may_control(actor), "close")
        if errors:
            raise InvalidInput(Message("engine.course.invalid"), errors=errors)
        if instance.status not in ("running", PAUSED, "error"):
            raise Conflict(Message("engine.instance.not_running"), status=instance.status)
        now = uow.clock.now()
        hold = uow.session.get(CourseHold, instance.id)
        if hold is not None:
            uow.session.delete(hold)
        for task in uow.session.scalars(select(Task).where(Task.instance_id == instance.id, Task.state == "ready")):
            task.state, task.completed_at = "cancelled", now
            _event(uow, instance, "task_cancelled", None, None, task)
        instance.status, instance.completed_at, instance.updated_at = "terminated", now, now
        instance.next_timer_at, instance.waiting_messages, instance.waiting_elements = None, [], []
        uow.session.execute(update(CoursePerson).where(CoursePerson.instance_id == instance.id).values(active=False))
        _event(uow, instance, "course_closed", actor.username, {"reason": reason.strip()})
        audit.record(uow, actor, "course_closed", instance.youth_id, f"forløb {instance.id}")
        uow.commit()
        return _summary(instance)


def report_dropout(uow: UnitOfWork, actor: Actor, instance_id: int, reason: Any) -> dict[str, Any]:
    """The young person dropped out: the course's ``frafald`` message, credited to the reporter."""
    errors = _reason_errors(reason)
    return while_code_runs(uow, lambda: _dropout(uow, actor, instance_id, reason, errors))


def _dropout(uow: UnitOfWork, actor: Actor, instance_id: int, reason: Any,
             errors: list[dict[str, Any]]) -> dict[str, Any]:
    with uow:
        row = _locked(uow, actor, instance_id, None, "frafald")
        if not may_report_dropout(actor, row.data):
            deny(uow, actor, row.youth_id, f"frafald forløb {instance_id}")
        if errors:
            raise InvalidInput(Message("engine.course.invalid"), errors=errors)
        if row.status != "running" or DROPOUT_MESSAGE not in (row.waiting_messages or []):
            raise Conflict(Message("engine.course.no_dropout_now"), status=row.status)
        with moving(uow, instance_id, actor, "dropout_reported", f"forløb {instance_id}") as run:
            catcher = next(task for task in run.workflow.event_manager.tasks.values()
                           if isinstance(task.task_spec.event_definition, MessageEventDefinition)
                           and task.task_spec.event_definition.name == DROPOUT_MESSAGE)
            run.record("dropout_reported", catcher, {"reason": reason.strip()})
            run.workflow.catch(BpmnEvent(catcher.task_spec.event_definition, payload={}))
            advance(run)
        return _summary(run.instance)


def _locked(uow: UnitOfWork, actor: Actor, instance_id: int, allowed: bool | None, what: str) -> ProcessInstance:
    """The instance row, locked; refused (and logged) when ``allowed`` is False."""
    instance = uow.session.scalars(select(ProcessInstance).where(ProcessInstance.id == instance_id)
                                   .with_for_update()).one_or_none()
    if instance is None:
        raise NotFound(Message("engine.instance.not_found"))
    if allowed is False:
        deny(uow, actor, instance.youth_id, f"{what} forløb {instance_id}")
    return instance


def _resume(uow: UnitOfWork, instance: ProcessInstance, username: str | None) -> None:
    hold = uow.session.get(CourseHold, instance.id)
    if hold is not None:
        uow.session.delete(hold)
    instance.status = "running"
    instance.updated_at = uow.clock.now()
    _event(uow, instance, "course_resumed", username, None)


def _event(uow: UnitOfWork, instance: ProcessInstance, kind: str, username: str | None,
           detail: dict[str, Any] | None, task: Task | None = None) -> None:
    uow.session.add(InstanceEvent(instance_id=instance.id, youth_id=instance.youth_id, at=uow.clock.now(),
                                  kind=kind, element_id=task.element_id if task else None,
                                  name=task.name if task else None, element_type="UserTask" if task else None,
                                  task_id=task.id if task else None, username=username, detail=detail))


def _reason_errors(reason: Any) -> list[dict[str, Any]]:
    if not isinstance(reason, str) or not reason.strip():
        return [{"field": "reason", "message": Message("engine.form.required")}]
    if len(reason) > MAX_REASON:
        return [{"field": "reason", "message": Message("engine.form.max_length", expected=MAX_REASON)}]
    return []


def _summary(instance: ProcessInstance) -> dict[str, Any]:
    return {"id": instance.id, "youth_id": instance.youth_id, "status": instance.status}


__all__ = ["pause_course", "resume_course", "resume_due", "close_course", "report_dropout", "hold_view",
           "may_control", "may_report_dropout"]
