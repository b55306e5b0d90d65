"""What moves a course without a person completing a task: messages and due timers."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent

from engine import audit
from engine.access import SYSTEM, Actor
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.messages import Message
from engine.instances import run_view
from engine.models import ProcessInstance
from engine.runtime import advance, load_run, save

if TYPE_CHECKING:
    from engine.bootstrap import Engine
    from engine.uow import UnitOfWork

log = logging.getLogger(__name__)
SENDER_ROLES = ("sagsbehandler", "ungekoordinator", "koordinerende_sagsbehandler", "ungeguide", "admin", "integration")


def correlate_message(uow: UnitOfWork, actor: Actor, name: Any, youth_id: Any = None, instance_id: Any = None,
                      data: Any = None) -> dict[str, Any]:
    """Deliver a message to the one instance (the oldest, if several) that waits for it."""
    if not actor.has_any(*SENDER_ROLES):
        raise Forbidden(Message("engine.message.may_not_send"))
    errors = []
    if not isinstance(name, str) or not name.strip():
        errors.append({"field": "name", "message": Message("engine.field.required")})
    if (youth_id is None) == (instance_id is None):
        errors.append({"field": "youth_id", "message": Message("engine.message.youth_or_instance")})
    for field, value in (("youth_id", youth_id), ("instance_id", instance_id)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            errors.append({"field": field, "message": Message("engine.field.must_be_integer")})
    if data is not None and not isinstance(data, dict):
        errors.append({"field": "data", "message": Message("engine.field.must_be_object")})
    if errors:
        raise InvalidInput(Message("engine.message.invalid"), errors=errors)
    with uow:
        query = select(ProcessInstance.id, ProcessInstance.waiting_messages).where(
            ProcessInstance.status == "running").order_by(ProcessInstance.id)
        query = query.where(ProcessInstance.youth_id == youth_id) if youth_id is not None else \
            query.where(ProcessInstance.id == instance_id)
        target = next((row.id for row in uow.session.execute(query) if name in (row.waiting_messages or [])), None)
        if target is None:
            raise NotFound(Message("engine.message.nobody_waits"))
        run = load_run(uow, target, actor.username)
        catcher = next(task for task in run.workflow.event_manager.tasks.values()
                       if isinstance(task.task_spec.event_definition, MessageEventDefinition)
                       and task.task_spec.event_definition.name == name)
        run.workflow.catch(BpmnEvent(catcher.task_spec.event_definition, payload=dict(data or {})))
        advance(run)
        save(uow, run)
        audit.record(uow, actor, "message_delivered", run.instance.youth_id, f"besked {name} til forløb {target}")
        uow.commit()
        return run_view(run)


def fire_due_timers(engine: Engine, limit: int = 10_000) -> int:
    """One worker pass: every instance with a timer due by the engine clock moves on.

    Each instance moves in its own transaction, taken with FOR UPDATE SKIP LOCKED so that several
    workers never fire the same timer; an instance is visited at most once per pass.
    """
    now = engine.clock.now()
    with engine.reader() as uow:
        due = list(uow.session.scalars(select(ProcessInstance.id).where(
            ProcessInstance.status == "running", ProcessInstance.next_timer_at <= now)
            .order_by(ProcessInstance.next_timer_at).limit(limit)))
    moved = 0
    for instance_id in due:
        with engine.uow() as uow:
            locked = uow.session.scalar(select(ProcessInstance.id).where(
                ProcessInstance.id == instance_id, ProcessInstance.status == "running",
                ProcessInstance.next_timer_at <= now).with_for_update(skip_locked=True))
            if locked is None:
                continue  # another worker has it, or it moved on meanwhile
            run = load_run(uow, instance_id, None)
            run.workflow.refresh_timers()
            advance(run)
            save(uow, run)
            audit.record(uow, SYSTEM, "timers_fired", run.instance.youth_id, f"forløb {instance_id}")
            uow.commit()
            moved += 1
    log.info("worker pass moved %d instance(s)", moved)
    return moved
