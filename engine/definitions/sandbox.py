"""Test runs of a draft: the engine runs it in a sandbox that touches no real data.

Each call builds a fresh in-memory SQLite engine with a :class:`FrozenClock` (``uow.parts.sandbox``), deploys the draft's
files there, starts one course for a made-up young person and replays the steps the owner has
taken so far (complete a task as a role, let time pass, send a message). Replaying instead of
keeping a sandbox alive between requests means nothing is kept on the server and any web process
can answer; a test run has a handful of steps, so replaying them is cheap.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.bpmn import budget
from engine.courses import events, instances
from engine.definitions import deployment
from engine.people import policy, role_defaults, users, youths
from engine.people.access import Actor, youth_actor
from engine.platform import limits, tenancy
from engine.platform.clock import FrozenClock, as_utc
from engine.platform.errors import EngineError, InvalidInput
from engine.platform.heavy_work import heavy_slot
from engine.platform.messages import Message
from engine.platform.models import TaskCandidate, User
from engine.platform.schema import upgrade
from engine.work import tasks
from engine.work.user_fields import user_fields

if TYPE_CHECKING:
    from engine.platform.clock import Clock
    from engine.platform.parts import UnitsOfWork
    from engine.platform.uow import UnitOfWork

SETUP = Actor("testkoersel", frozenset(role_defaults.SANDBOX_ROLES))
MAX_STEPS = 200
ACTIONS = ("complete", "advance", "message")
DEFAULT_START = datetime(2026, 1, 5, 9, 0)


def _problem(index: int, message: Message) -> dict[str, Any]:
    return {"field": f"steps/{index}", "message": message}


def _checked(steps: Any, start: Any, birthdate: Any) -> tuple[list[dict[str, Any]], datetime, str]:
    errors = []
    if steps is None:
        steps = []
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        too_many = Message("engine.sandbox.at_most_steps", max=MAX_STEPS)
        raise InvalidInput(Message("engine.sandbox.bad_steps"), errors=[{"field": "steps", "message": too_many}])
    for index, step in enumerate(steps):
        if not isinstance(step, dict) or step.get("action") not in ACTIONS:
            errors.append(_problem(index, Message("engine.sandbox.bad_action")))
    try:
        moment = as_utc(datetime.fromisoformat(start)) if start else as_utc(DEFAULT_START)
    except (TypeError, ValueError):
        errors.append({"field": "start", "message": Message("engine.field.iso_timestamp")})
        moment = as_utc(DEFAULT_START)
    born = birthdate if isinstance(birthdate, str) else "2009-03-01"
    if errors:
        raise InvalidInput(Message("engine.sandbox.invalid"), errors=errors)
    return steps, moment, born


def test_run(uow: UnitOfWork, actor: Actor, files: dict[str, str], steps: Any = None, start: Any = None,
             birthdate: Any = None, data: Any = None) -> dict[str, Any]:
    """Replay ``steps`` on the draft in a sandbox and report where the course stands.

    A test run is heavy work (:func:`heavy_slot`), and all of its operations together get one
    budget of engine steps and diagram-code time on top of each operation's own: a hostile draft
    stops in ``error`` like a deployed course, without deploying anything.
    """
    # ``uow`` is the real engine's: a refusal is logged there, like every refusal (policy.refuse).
    policy.require(uow, actor, "edit_diagrams", "testkørsel af kladde", Message("engine.sandbox.forbidden"))
    checked_steps, moment, born = _checked(steps, start, birthdate)
    whole_run = budget.Budget(script_seconds=limits.TEST_RUN_SCRIPT_SECONDS, steps=limits.TEST_RUN_ENGINE_STEPS,
                              engine_seconds=limits.TEST_RUN_ENGINE_SECONDS)
    with heavy_slot(), budget.operation(whole_run):
        return _replay(uow.parts.sandbox, files, checked_steps, moment, born, data)


def _replay(new_sandbox: Callable[[Clock], UnitsOfWork], files: dict[str, str], checked_steps: list[dict[str, Any]],
            moment: datetime, born: str, data: Any) -> dict[str, Any]:
    clock = FrozenClock(moment)
    sandbox = new_sandbox(clock)  # a fresh engine on an in-memory database, reading this clock
    # Its database is its own and knows the default tenant only, whichever tenant's draft it runs.
    with tenancy.acting_in(tenancy.DEFAULT_TENANT):
        return _replay_in(sandbox, clock, files, checked_steps, moment, born, data)


def _replay_in(sandbox: UnitsOfWork, clock: FrozenClock, files: dict[str, str], checked_steps: list[dict[str, Any]],
               moment: datetime, born: str, data: Any) -> dict[str, Any]:
    try:
        upgrade(sandbox.db)
        key = deployment.deploy(sandbox.uow(), files, SETUP)[0].key
        youth = youths.create_youth(sandbox.uow(), SETUP, "Testperson", born)
        instance = instances.start_instance(sandbox.uow(), SETUP, key, youth["id"],
                                            data if isinstance(data, dict) else None)
        failed: dict[str, Any] | None = None
        for index, step in enumerate(checked_steps):
            try:
                _apply(sandbox, clock, instance["id"], step)
            except EngineError as error:
                failed = {"step": index, "error": error.message, **error.details}
                break
        return _state(sandbox, clock, instance["id"], len(checked_steps) if failed is None else failed["step"], failed)
    finally:
        sandbox.db.dispose()


def _apply(sandbox: Any, clock: FrozenClock, instance_id: int, step: dict[str, Any]) -> None:
    action = step["action"]
    if action == "advance":
        clock.advance(days=float(step.get("days") or 0), hours=float(step.get("hours") or 0))
        events.fire_due_timers(sandbox)
    elif action == "message":
        events.correlate_message(sandbox.uow(), SETUP,
                                 step.get("name"), instance_id=instance_id, data=step.get("data"))
    else:
        rows, _ = tasks.list_tasks(sandbox.uow(), Actor("testkoersel", frozenset({role_defaults.ADMIN_ROLE})),
                                   tasks.TaskFilter(instance_id=instance_id, element_id=step.get("element_id")))
        if not rows:
            raise InvalidInput(Message("engine.sandbox.step_not_waiting", element_id=step.get('element_id')))
        task = rows[0]
        role = step.get("role") or task["role"]
        user = step.get("user") or task["assignee"] or _first_candidate(sandbox, task["id"]) or f"test_{role}"
        actor = (youth_actor(task["youth_id"]) if role == role_defaults.YOUTH_ROLE
                 else Actor(user, frozenset({role} if role else set())))
        data = step.get("data") or {}
        _make_up_people(sandbox, task["id"], data)
        tasks.complete_task(sandbox.uow(), actor, task["id"], data)


def _make_up_people(sandbox: Any, task_id: str, data: Any) -> None:
    """The people a form names (``x-user-role`` fields) become users of the sandbox, like its young person."""
    admin = Actor("testkoersel", frozenset({role_defaults.ADMIN_ROLE}))
    schema = tasks.get_task(sandbox.uow(), admin, task_id).get("form_schema")
    if not isinstance(data, dict):
        return
    for name, role in user_fields(schema).items():
        username = data.get(name)
        if isinstance(username, str) and username.strip():
            with sandbox.reader() as uow:
                exists = uow.session.scalar(select(User.id).where(User.username == username))
            if exists is None:
                try:
                    users.add_user(sandbox.uow(), username, secrets.token_urlsafe(16), [role])
                except InvalidInput:
                    pass  # not a possible username: completing the task says so by the field


def _first_candidate(sandbox: Any, task_id: str) -> str | None:
    with sandbox.reader() as uow:
        return uow.session.scalar(select(TaskCandidate.username).where(TaskCandidate.task_id == task_id)
                                  .order_by(TaskCandidate.username).limit(1))


def _state(sandbox: Any, clock: FrozenClock, instance_id: int, steps_done: int,
           failed: dict[str, Any] | None) -> dict[str, Any]:
    view = instances.get_instance(sandbox.uow(), Actor("testkoersel", frozenset({role_defaults.ADMIN_ROLE})), instance_id)
    open_tasks = [{"id": t["id"], "element_id": t["element_id"], "name": t["name"], "role": t["role"],
                   "assignee": t["assignee"], "form": t["form"], "due_at": t["due_at"]}
                  for t in view["tasks"] if t["state"] == "ready"]
    for task in open_tasks:
        task["candidates"] = _candidates(sandbox, task["id"])
    return {"now": clock.now().isoformat(), "status": view["status"], "error": view["error"],
            "open_tasks": open_tasks, "data": view["data"], "steps_done": steps_done, "failed": failed,
            "history": [{"at": e["at"], "kind": e["kind"], "element_id": e["element_id"], "name": e["name"],
                         "user": e["user"]} for e in view["history"]]}


def _candidates(sandbox: Any, task_id: str) -> list[str]:
    with sandbox.reader() as uow:
        return list(uow.session.scalars(select(TaskCandidate.username).where(TaskCandidate.task_id == task_id)
                                        .order_by(TaskCandidate.username)))
