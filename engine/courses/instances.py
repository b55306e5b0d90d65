"""Starting courses, reading them, and retrying one that stopped on an error."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.bpmn.scripting import add_years
from engine.courses.moving import moving
from engine.courses.runtime import Run, advance, clear_errors, new_workflow, process_for
from engine.definitions.deployment import latest_version
from engine.people import audit, consents, policy
from engine.people.access import Actor
from engine.people.youths import ensure_may_view
from engine.platform.errors import Conflict, InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import InstanceEvent, ProcessInstance, ProcessVersion, Task, Youth
from engine.platform.uow import while_code_runs
from engine.platform.views import instance_view
from engine.work.forms import require_object

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def start_instance(uow: UnitOfWork, actor: Actor, process_key: Any, youth_id: Any,
                   data: Any = None) -> dict[str, Any]:
    """Start a course for a young person on the latest version of a process."""
    policy.require(uow, actor, "register_youth", "forløb: start", Message("engine.instance.may_not_start"))
    _check_data(data)
    if not isinstance(process_key, str) or not isinstance(youth_id, int) or isinstance(youth_id, bool):
        raise InvalidInput(Message("engine.instance.start_fields_required"),
                           errors=[{"field": "process_key", "message": Message("engine.field.required")},
                                   {"field": "youth_id", "message": Message("engine.field.required_integer")}])
    return while_code_runs(uow, lambda: _start(uow, actor, process_key, youth_id, data))


def _start(uow: UnitOfWork, actor: Actor, process_key: str, youth_id: int, data: dict[str, Any] | None) -> dict[str, Any]:
    with uow:
        version = latest_version(uow, process_key)
        if version is None:
            raise NotFound(Message("engine.process.not_found"))
        # Only for a young person the starter may see: a course opens the case (and earlier courses) to them.
        youth = ensure_may_view(uow, actor, youth_id, f"forløb: start {process_key}")
        instance = start_in(uow, actor, version, youth, data)
        uow.commit()
        return _view(uow, instance, version.version)


def start_in(uow: UnitOfWork, actor: Actor, version: ProcessVersion, youth: Youth,
             data: dict[str, Any] | None) -> ProcessInstance:
    """Start a course inside the open unit of work and run it to its first wait (not committed).

    The course's row is inserted only after its first steps have run: diagram code runs before
    anything is written (:func:`engine.platform.uow.while_code_runs`). Its events get its id then.
    """
    with moving(uow, started_run(uow, actor, version, youth, data), actor, "instance_started",
                commit=False) as run:
        uow.session.add(run.instance)
        uow.session.flush()
        for event in run.events:
            event["instance_id"] = run.instance.id
    uow.session.flush()
    return run.instance


def started_run(uow: UnitOfWork, actor: Actor, version: ProcessVersion, youth: Youth,
                data: dict[str, Any] | None, instance_id: int | None = None) -> Run:
    """A new course (with ``instance_id``, if reserved) run to its first wait; nothing written or added yet."""
    now = uow.clock.now()
    _, process = process_for(uow, version.id)
    start_data = {"youth_id": youth.id, "initiator": actor.username, "birthdate": youth.birthdate.isoformat(),
                  "birthdate_25": add_years(youth.birthdate, 25), **(data or {})}
    workflow = new_workflow(uow, process, start_data)
    instance = ProcessInstance(id=instance_id, process_version_id=version.id, process_key=version.key,
                               youth_id=youth.id, status="running", state=b"{}", data={}, created_at=now,
                               updated_at=now, waiting_messages=[])
    run = Run(instance, workflow, process, actor.username, now)
    run.record("instance_started", detail={"version": version.version})
    advance(run)
    return run


def _check_data(data: Any) -> None:
    """Start data and a retry's correction: an object, without the variables only the engine sets."""
    require_object(data)
    owned = sorted(key for key in (data or {}) if key in policy.ENGINE_OWNED)
    if owned:
        raise InvalidInput(Message("engine.instance.engine_owned_data"),
                           errors=[{"path": f"data/{key}", "message": Message("engine.form.engine_owned")}
                                   for key in owned])


def get_instance(uow: UnitOfWork, actor: Actor, instance_id: int) -> dict[str, Any]:
    with uow:
        instance = uow.session.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(Message("engine.instance.not_found"))
        ensure_may_view(uow, actor, instance.youth_id, f"forløb {instance_id}")
        audit.record(uow, actor, "instance_viewed", instance.youth_id, f"forløb {instance.id}")
        uow.commit()
        view = instance_view_in(uow, instance)
        # a consent to the reader's role withdrawn or expired: the data types it covered are left out
        view["data"] = consents.shown_data(uow, actor, instance.youth_id, instance.process_version_id, view["data"])
        return view


def _view(uow: UnitOfWork, instance: ProcessInstance, version: int) -> dict[str, Any]:
    tasks = uow.session.scalars(select(Task).where(Task.instance_id == instance.id)
                                .order_by(Task.created_at, Task.id)).all()
    history = uow.session.scalars(select(InstanceEvent).where(InstanceEvent.instance_id == instance.id)
                                  .order_by(InstanceEvent.id)).all()
    return instance_view(instance, version, list(tasks), list(history))


def instance_view_in(uow: UnitOfWork, instance: ProcessInstance) -> dict[str, Any]:
    """The full view of an instance inside an open unit of work."""
    version = uow.session.scalar(select(ProcessVersion.version).where(ProcessVersion.id == instance.process_version_id))
    return _view(uow, instance, version or 0)


def run_view(run: Run) -> dict[str, Any]:
    """The view of an instance right after an operation moved it, from what the operation wrote.

    ``tasks`` holds the open tasks only: what a caller needs to go on to the next task, at a cost
    that does not grow with the length of the course.
    """
    tasks = sorted(run.open_tasks, key=lambda t: (t.created_at, t.id))
    return instance_view(run.instance, run.process.version, tasks)


def retry_instance(uow: UnitOfWork, actor: Actor, instance_id: int, data: Any = None) -> dict[str, Any]:
    """After a fix (new data, or the instance moved to a fixed version), run the failed step again."""
    policy.require(uow, actor, "retry_courses", f"forløb {instance_id}: genstart",
                   Message("engine.instance.only_admins_retry"))
    _check_data(data)
    return while_code_runs(uow, lambda: _retry(uow, actor, instance_id, data))


def _retry(uow: UnitOfWork, actor: Actor, instance_id: int, data: dict[str, Any] | None) -> dict[str, Any]:
    with uow:
        with moving(uow, instance_id, actor, "instance_retried", f"forløb {instance_id}") as run:
            ensure_may_view(uow, actor, run.instance.youth_id, f"forløb {instance_id}: genstart")
            if run.instance.status != "error":
                raise Conflict(Message("engine.instance.not_failed"))
            clear_errors(run, data)
            run.record("instance_retried")
            advance(run)
        return run_view(run)
