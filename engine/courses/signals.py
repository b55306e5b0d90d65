"""Signals: one name broadcast to every course the sender may see that waits for it (BPMN signal events).

A message goes to one course; a signal to all of them, the way BPMN means it ("the school year has
started"). The access rules are a message's (:func:`engine.courses.events.correlate_message`): the sender
needs ``send_messages``, and reaches only the courses of young people they are involved with,
unless they see every young person or hold ``message_any_course``. Courses they may not see are
passed over, not refused, so the answer says nothing about them. The signal carries only what each
catching event's form declares; data one of them does not declare refuses the whole signal.
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from sqlalchemy import select

from engine.courses.events import check_declared
from engine.courses.moving import moving
from engine.courses.runtime import advance, load_run, process_for
from engine.people import policy
from engine.people.access import Actor
from engine.people.youths import involved_filter
from engine.platform.errors import InvalidInput
from engine.platform.messages import Message
from engine.platform.models import ProcessInstance, Youth
from engine.platform.uow import while_code_runs
from engine.work.forms import object_errors

if TYPE_CHECKING:
    from engine.definitions.library import ParsedProcess
    from engine.platform.uow import UnitOfWork


def broadcast_signal(uow: UnitOfWork, actor: Actor, name: Any, data: Any = None) -> dict[str, Any]:
    """Deliver the signal ``name`` to each running course the sender may see that waits for it.

    The answer lists ``{"instance_id", "status"}`` per course reached (possibly none): never their data.
    """
    policy.require(uow, actor, "send_messages", f"signal {name!s:.80}", Message("engine.signal.may_not_send"))
    errors = []
    if not isinstance(name, str) or not name.strip():
        errors.append({"field": "name", "message": Message("engine.field.required")})
    errors += object_errors(data)
    if errors:
        raise InvalidInput(Message("engine.signal.invalid"), errors=errors)
    payload = dict(data or {})
    with uow:  # which courses, and the data against every catching event's form, before anything moves
        courses = _courses_that_may_catch(uow, actor, name)
        for version_id in sorted({version_id for _, version_id in courses}):
            process = process_for(uow, version_id)[1]
            for element_id in signal_catchers(process, name):
                check_declared(process, element_id, payload)
    delivered = []
    for instance_id, _ in courses:
        # Each course in its own transaction, like the worker's timers; on SQLite no write lock is
        # held while its diagram code runs (:func:`engine.platform.uow.while_code_runs`).
        reached = while_code_runs(uow, partial(_deliver, uow, actor, name, payload, instance_id))
        if reached is not None:
            delivered.append(reached)
    return {"name": name, "instances": delivered}


def _deliver(uow: UnitOfWork, actor: Actor, name: str, payload: dict[str, Any],
             instance_id: int) -> dict[str, Any] | None:
    """Let one course catch the signal; None when it no longer waits for it."""
    with uow:
        run = load_run(uow, instance_id, actor.username)
        if run.instance.status != "running":
            return None
        catchers = [task for task in run.workflow.event_manager.tasks.values()
                    if isinstance(task.task_spec.event_definition, SignalEventDefinition)
                    and task.task_spec.event_definition.name == name]
        if not catchers:
            return None
        event = BpmnEvent(catchers[0].task_spec.event_definition, payload=payload)
        with moving(uow, run, actor, "signal_delivered", f"signal {name} til forløb {instance_id}"):
            advance(run, first=lambda: run.workflow.catch(event), at=catchers[0])
        return {"instance_id": run.instance.id, "status": run.instance.status}


def _courses_that_may_catch(uow: UnitOfWork, actor: Actor, name: str) -> list[tuple[int, int]]:
    """Running courses the sender may reach, of versions that have a catch event for the signal."""
    versions = list(uow.session.scalars(select(ProcessInstance.process_version_id).where(
        ProcessInstance.status == "running").distinct()))
    catching = [version_id for version_id in versions if catches_signal(process_for(uow, version_id)[1], name)]
    if not catching:
        return []
    query = select(ProcessInstance.id, ProcessInstance.process_version_id).where(
        ProcessInstance.status == "running", ProcessInstance.process_version_id.in_(catching))
    if not (policy.sees_all(actor) or policy.allows(actor, "message_any_course")):
        query = query.where(ProcessInstance.youth_id.in_(select(Youth.id).where(involved_filter(actor))))
    return [(row.id, row.process_version_id) for row in uow.session.execute(query.order_by(ProcessInstance.id))]


def catches_signal(process: ParsedProcess, name: str) -> bool:
    """Whether the process (or a subprocess of it) has a catch event for the signal ``name``."""
    return bool(signal_catchers(process, name))


def signal_catchers(process: ParsedProcess, name: str) -> list[str]:
    """The element ids of the process's (and its subprocesses') catch events for the signal ``name``."""
    return [task_spec.bpmn_id for spec in [process.spec, *process.subprocess_specs.values()]
            for task_spec in spec.task_specs.values()
            if isinstance(getattr(task_spec, "event_definition", None), SignalEventDefinition)
            and task_spec.event_definition.name == name and getattr(task_spec, "bpmn_id", None)]
