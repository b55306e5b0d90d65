"""What moves a course without a person completing a task: messages and due timers."""
from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from sqlalchemy import select

from engine.courses.instances import run_view
from engine.courses.moving import moving
from engine.courses.runtime import Run, advance, event_definitions, event_subprocess_messages
from engine.people import policy
from engine.people.access import SYSTEM, Actor
from engine.people.youths import ensure_may_view
from engine.platform import tenancy
from engine.platform.errors import Conflict, InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import ProcessInstance
from engine.platform.uow import while_code_runs
from engine.work.forms import form_errors, object_errors
from engine.work.tasks import undeclared_errors

if TYPE_CHECKING:
    from engine.definitions.library import ParsedProcess
    from engine.platform.parts import UnitsOfWork
    from engine.platform.uow import UnitOfWork

log = logging.getLogger(__name__)


def correlate_message(uow: UnitOfWork, actor: Actor, name: Any, youth_id: Any = None, instance_id: Any = None,
                      data: Any = None) -> dict[str, Any]:
    """Deliver a message to the one instance (the oldest, if several) that waits for it.

    The sender must be involved with the young person (or see every young person); anyone else is
    refused the same way whether the young person exists and whether anything waits. A sender
    with ``message_any_course`` (a school system's token) may deliver to any course, and is told
    only whether it arrived. The message carries only what the catching event's form declares.
    The answer is ``{"instance_id", "status"}``: never the course's data.
    """
    policy.require(uow, actor, "send_messages", f"besked {name!s:.80}", Message("engine.message.may_not_send"))
    errors = []
    if not isinstance(name, str) or not name.strip():
        errors.append({"field": "name", "message": Message("engine.field.required")})
    if (youth_id is None) == (instance_id is None):
        errors.append({"field": "youth_id", "message": Message("engine.message.youth_or_instance")})
    for field, value in (("youth_id", youth_id), ("instance_id", instance_id)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            errors.append({"field": field, "message": Message("engine.field.must_be_integer")})
    errors += object_errors(data)
    if errors:
        raise InvalidInput(Message("engine.message.invalid"), errors=errors)
    return while_code_runs(uow, lambda: _deliver(uow, actor, name, youth_id, instance_id, data))


def _deliver(uow: UnitOfWork, actor: Actor, name: str, youth_id: int | None, instance_id: int | None,
             data: dict[str, Any] | None) -> dict[str, Any]:
    with uow:
        _ensure_may_message(uow, actor, name, youth_id, instance_id)
        query = select(ProcessInstance.id, ProcessInstance.waiting_messages).where(
            ProcessInstance.status == "running").order_by(ProcessInstance.id)
        query = query.where(ProcessInstance.youth_id == youth_id) if youth_id is not None else \
            query.where(ProcessInstance.id == instance_id)
        target = next((row.id for row in uow.session.execute(query) if name in (row.waiting_messages or [])), None)
        if target is None:
            raise NotFound(Message("engine.message.nobody_waits"))
        run = deliver_to(uow, actor, target, name, data or {})
        return {"instance_id": run.instance.id, "status": run.instance.status}


def deliver_to(uow: UnitOfWork, actor: Actor, target: int, name: str, data: dict[str, Any], *,
               commit: bool = True) -> Run:
    """Deliver the message ``name`` to the course ``target`` in the caller's unit of work.

    The caller has decided that the actor may (and, with ``commit=False``, writes more in the same
    transaction: a consent's withdrawal and the message it sends, :mod:`engine.people.consents`).
    """
    with moving(uow, target, actor, "message_delivered", f"besked {name} til forløb {target}",
                commit=commit) as run:
        catcher, definition = _message_catcher(run, name)
        _check_payload(run, catcher, data)
        event = BpmnEvent(definition, payload=dict(data))
        advance(run, first=lambda: run.workflow.catch(event),
                at=catcher if hasattr(catcher, "has_state") else None)
    return run


def _message_catcher(run: Run, name: str) -> tuple[Any, MessageEventDefinition]:
    """What catches the message: a waiting task (an event-based gateway's branch too), else an event subprocess's start.

    The first is a task, the second a start event's spec; either has the ``task_spec``-like element
    id the payload is checked against.
    """
    for task in run.workflow.event_manager.tasks.values():
        for definition in event_definitions(task.task_spec.event_definition):
            if isinstance(definition, MessageEventDefinition) and definition.name == name:
                return task, definition
    start = event_subprocess_messages(run.workflow).get(name)
    if start is None:
        raise NotFound(Message("engine.message.nobody_waits"))
    return SimpleNamespace(task_spec=start), start.event_definition


def _ensure_may_message(uow: UnitOfWork, actor: Actor, name: str, youth_id: int | None,
                        instance_id: int | None) -> None:
    """Refuse (logged) a sender who may not see the young person the message is for."""
    if policy.allows(actor, "message_any_course"):
        return
    what = f"besked {name[:80]}"
    if youth_id is None:
        youth_id = uow.session.scalar(select(ProcessInstance.youth_id).where(ProcessInstance.id == instance_id))
        if youth_id is None:
            policy.refuse(uow, actor, f"{what} til forløb {instance_id}")
    ensure_may_view(uow, actor, youth_id, what)


def _check_payload(run: Run, catcher: Any, data: dict[str, Any]) -> None:
    """The message's data against the form its catching event declares (closed; none: only ``{}``)."""
    check_declared(run.process, getattr(catcher.task_spec, "bpmn_id", None), data)


def check_declared(process: ParsedProcess, element_id: str | None, data: dict[str, Any]) -> None:
    """Data sent to the catch event ``element_id`` against the form it declares; :class:`InvalidInput` if not."""
    key = process.message_forms.get(element_id, element_id) if element_id is not None else None
    validator = process.validator(key)
    errors = undeclared_errors(process.form(key), data)
    if validator is not None:
        errors += form_errors(validator, data)
    if errors:
        raise InvalidInput(Message("engine.message.undeclared_data"),
                           errors=[{**error, "path": f"data/{error['path']}" if error["path"] else "data"}
                                   for error in errors])


def fire_due_timers(engine: UnitsOfWork, limit: int = 10_000) -> int:
    """One worker pass: every instance with a timer due by the engine clock moves on, in every tenant.

    Each instance moves in its own transaction, taken with FOR UPDATE SKIP LOCKED so that several
    workers never fire the same timer; an instance is visited at most once per pass.
    """
    return sum(_fire_due_timers_of_tenant(engine, limit) for _tenant in tenancy.each_tenant(engine))


def _fire_due_timers_of_tenant(engine: UnitsOfWork, limit: int) -> int:
    now = engine.clock.now()
    with engine.reader() as uow:
        due = list(uow.session.scalars(select(ProcessInstance.id).where(
            ProcessInstance.status == "running", ProcessInstance.next_timer_at <= now)
            .order_by(ProcessInstance.next_timer_at).limit(limit)))
    moved = 0
    for instance_id in due:
        uow = engine.uow()
        try:
            moved += while_code_runs(uow, partial(_fire_due, uow, instance_id, now))
        except Conflict:  # lost every race to other writers: the next pass fires it
            log.warning("timers of instance %s not fired this pass: the course kept changing", instance_id)
    log.info("worker pass moved %d instance(s)", moved)
    return moved


def _fire_due(uow: UnitOfWork, instance_id: int, now: datetime) -> int:
    """Fire one instance's due timers; 0 when another worker has it or it moved on meanwhile."""
    with uow:
        locked = uow.session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.id == instance_id, ProcessInstance.status == "running",
            ProcessInstance.next_timer_at <= now).with_for_update(skip_locked=True))
        if locked is None:
            return 0
        with moving(uow, instance_id, SYSTEM, "timers_fired", f"forløb {instance_id}") as run:
            run.workflow.refresh_timers()
            advance(run)
        return 1


def fire_timer_now(uow: UnitOfWork, actor: Actor, instance_id: int, element_id: Any) -> dict[str, Any]:
    """Let a waiting timer fire now, as if its time had come: a follow-up held early, an escalation sent at once.

    Only the coordinator and admins may do it; the event row and the audit row say who did. The
    timer's own path runs exactly as when the worker fires it (principle: one way to move a course).
    """
    if not isinstance(element_id, str) or not element_id:
        raise InvalidInput(Message("engine.timer.element_required"),
                           errors=[{"field": "element_id", "message": Message("engine.form.required")}])
    return while_code_runs(uow, lambda: _fire_now(uow, actor, instance_id, element_id))


def _fire_now(uow: UnitOfWork, actor: Actor, instance_id: int, element_id: str) -> dict[str, Any]:
    with uow:
        if not policy.allows(actor, "fire_timers"):
            youth_id = uow.session.scalar(select(ProcessInstance.youth_id).where(ProcessInstance.id == instance_id))
            policy.refuse(uow, actor, f"tidsfrist {element_id}", youth_id)
        with moving(uow, instance_id, actor, "timer_advanced", f"forløb {instance_id}, {element_id}") as run:
            ensure_may_view(uow, actor, run.instance.youth_id, f"tidsfrist {element_id}")
            if run.instance.status != "running":
                raise Conflict(Message("engine.instance.not_running"), status=run.instance.status)
            waiting = _timers_at(run, element_id)
            if not waiting:
                raise Conflict(Message("engine.timer.not_waiting"))
            for task in waiting:
                _due_now(task, run.now)
            run.record("timer_advanced", waiting[0])
            run.workflow.refresh_timers()
            advance(run)
        return run_view(run)


def _timers_at(run: Run, element_id: str) -> list[Any]:
    """The waiting timers of ``element_id``: its own task, or the event-based gateway whose branch it is."""
    found = []
    for task in run.workflow.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        own_id = getattr(task.task_spec, "bpmn_id", None)
        if isinstance(definition, TimerEventDefinition) and own_id == element_id:
            found.append(task)
        elif isinstance(definition, MultipleEventDefinition) and any(
                isinstance(each, TimerEventDefinition) for each in definition.event_definitions):
            branches = {getattr(child.task_spec, "bpmn_id", None) for child in task.children}
            if element_id == own_id or element_id in branches:
                found.append(task)
    return found


def _due_now(task: Any, now: datetime) -> None:
    """Move a waiting timer's time to ``now``: the timer definitions keep it in ``event_value``."""
    value = task._get_internal_data("event_value")
    if value is None:  # a timer that has not yet been asked computes its time first
        task.task_spec.event_definition.has_fired(task)
        value = task._get_internal_data("event_value")
    if isinstance(value, dict):  # a cycle: its next round is now
        task._set_internal_data(event_value={**value, "next": now.isoformat()})
    else:
        task._set_internal_data(event_value=now.isoformat())
