"""Human tasks: the inbox, claiming, and completing with the form's rules."""
from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import case, func, or_, select, text

from engine.courses.instances import run_view
from engine.courses.journal import record_submission, submitted_data
from engine.courses.moving import moving
from engine.courses.runtime import Run, advance, load_open_rows_and_candidates, load_run
from engine.people import audit, policy
from engine.people.access import Actor
from engine.people.policy import may_act
from engine.people.youths import deny, ensure_may_view, involved_filter, may_view
from engine.platform.errors import Conflict, InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import CLAIMED_PREDICATE, QUEUE_PREDICATE, Task, TaskCandidate, Youth
from engine.platform.uow import while_code_runs
from engine.platform.views import task_view
from engine.progression import assessments
from engine.work.data_choices import data_choice_errors
from engine.work.forms import form_errors, require_object
from engine.work.user_fields import user_field_errors

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

MAX_PAGE = 1000


@dataclass(frozen=True)
class TaskFilter:
    state: str | None = "ready"
    mine: bool = False
    instance_id: int | None = None
    youth_id: int | None = None
    role: str | None = None
    element_id: str | None = None
    overdue: bool = False
    limit: int = 100
    offset: int = 0


def actionable(actor: Actor) -> Any:
    """SQL for "the actor may act on this ready task": :func:`engine.people.policy.may_act` as a query."""
    return policy.actionable_sql(actor, Task, TaskCandidate)


QUEUE_ORDER = (Task.queue_at, Task.created_at, Task.id)
# A task's columns as plain rows, through the mapped class: the tenant filter (engine.platform.tenancy)
# applies to ORM entities, which a bare ``Task.__table__`` is not.
TASK_ROW = tuple(getattr(Task, column.key) for column in Task.__table__.columns)


def _queue_key(task: Any) -> tuple[Any, ...]:
    return task.queue_at, task.created_at, task.id


def _filtered(query: Any, filters: TaskFilter, now: Any) -> Any:
    for column, value in ((Task.instance_id, filters.instance_id), (Task.youth_id, filters.youth_id),
                          (Task.role, filters.role), (Task.element_id, filters.element_id)):
        if value is not None:
            query = query.where(column == value)
    if filters.overdue:
        query = query.where(Task.due_at < now)
    return query


def _my_inbox(uow: UnitOfWork, actor: Actor, filters: TaskFilter, limit: int) -> tuple[list[Any], int]:
    """The tasks the actor may act on: their own first, then each role's queue, by due date.

    Each part is one index-driven query (claimed: ``ix_tasks_claimed``; narrowed to them:
    the candidates' username index; each role's queue: the partial index ``ix_tasks_queue``), so
    the inbox stays fast with a hundred thousand open tasks. The parts are merged here. Rows are
    read as plain rows, not ORM objects: the inbox only shows them.
    """
    now = uow.clock.now()
    wanted = filters.offset + limit
    in_person = policy.task_role_sql(actor, Task.role)  # a name alone grants nothing: the role too
    claimed = select(*TASK_ROW).where(Task.assignee == actor.username, text(CLAIMED_PREDICATE), in_person)
    narrowed = select(*TASK_ROW).where(
        Task.id.in_(select(TaskCandidate.task_id).where(TaskCandidate.username == actor.username)),
        Task.state == "ready", Task.assignee.is_(None), Task.personal.is_(True), in_person)
    personal = {row.id: row for query in (claimed, narrowed) for row in uow.session.execute(_filtered(query, filters, now))}
    own = sorted(personal.values(), key=_queue_key)
    total = len(own)
    queues = []
    for role in [*sorted(actor.roles), None]:
        pooled = _filtered(select(*TASK_ROW).where(text(QUEUE_PREDICATE),
                                              Task.role == role if role is not None else Task.role.is_(None)),
                           filters, now)
        total += uow.session.scalar(pooled.with_only_columns(func.count(), maintain_column_froms=False)
                                    .select_from(Task)) or 0
        queues.append(uow.session.execute(pooled.order_by(*QUEUE_ORDER).limit(wanted)).all())
    merged = own + list(heapq.merge(*queues, key=_queue_key))
    return merged[filters.offset:wanted], total


def list_tasks(uow: UnitOfWork, actor: Actor, filters: TaskFilter) -> tuple[list[dict[str, Any]], int]:
    """A page of tasks and the total count: with ``mine``, the actor's inbox; else what they may see."""
    with uow:
        found = list_tasks_in(uow, actor, filters)
        uow.commit()
        return found


def list_tasks_in(uow: UnitOfWork, actor: Actor, filters: TaskFilter) -> tuple[list[dict[str, Any]], int]:
    """:func:`list_tasks` inside the caller's unit of work, the listing logged (not committed).

    Staff only: a young person's list is :func:`youth_tasks` (the queues here would show them
    tasks outside every lane).
    """
    if policy.acts_as_youth(actor):
        policy.refuse(uow, actor, "opgaveliste")
    limit = max(1, min(filters.limit, MAX_PAGE))
    if filters.mine and filters.state == "ready":
        rows, total = _my_inbox(uow, actor, filters, limit)
    else:
        query = select(Task)
        if filters.state:
            query = query.where(Task.state == filters.state)
        if filters.mine:
            query = query.where(actionable(actor))
        elif not policy.sees_all(actor):
            query = query.where(or_(actionable(actor), Task.completed_by == actor.username,
                                    Task.youth_id.in_(select(Youth.id).where(involved_filter(actor)))))
        query = _filtered(query, filters, uow.clock.now())
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        personal_first = case((or_(Task.assignee == actor.username, Task.personal.is_(True)), 0), else_=1)
        rows = list(uow.session.scalars(query.order_by(personal_first, *QUEUE_ORDER)
                                        .limit(limit).offset(max(0, filters.offset))))
    audit.record_many(uow, actor, "tasks_listed", [row.youth_id for row in rows])
    return [task_view(row) for row in rows], int(total)


def youth_tasks(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """The young person's own open tasks (their lane's, narrowed to them), for Min Plan; by due date.

    Only a young person acting as themselves has such an inbox: anyone else is refused (logged).
    Completing one is :func:`complete_task` with the same actor.
    """
    if not policy.acts_as_youth(actor):
        policy.refuse_outside(uow, actor, "den unges opgaver")
    with uow:
        rows = youth_tasks_in(uow, actor)
        uow.commit()
        return rows


def youth_tasks_in(uow: UnitOfWork, actor: Actor, log: bool = True) -> list[dict[str, Any]]:
    """:func:`youth_tasks` inside the caller's unit of work (Min Plan's own read), the listing logged unless ``log``."""
    rows = uow.session.scalars(select(Task).where(
        Task.state == "ready", Task.youth_id == actor.youth_id, policy.task_role_sql(actor, Task.role),
        Task.id.in_(select(TaskCandidate.task_id).where(TaskCandidate.username == actor.username)))
        .order_by(*QUEUE_ORDER)).all()
    if log:
        audit.record_many(uow, actor, "tasks_listed", [row.youth_id for row in rows])
    return [task_view(row) for row in rows]


def _task_row(uow: UnitOfWork, task_id: str) -> Task:
    """The task row, read without a lock."""
    task = uow.session.get(Task, _task_id(task_id))
    if task is None:
        raise NotFound(Message("engine.task.not_found"))
    return task


def _task_id(task_id: str) -> str:
    """Task ids are UUIDs; anything else names no task."""
    try:
        return str(UUID(task_id))
    except (ValueError, TypeError, AttributeError):
        raise NotFound(Message("engine.task.not_found")) from None


def _task_for_update(uow: UnitOfWork, task_id: str) -> Task:
    """The task row, locked: for the services that change it (claim, release, give)."""
    task = uow.session.scalars(select(Task).where(Task.id == _task_id(task_id)).with_for_update()).one_or_none()
    if task is None:
        raise NotFound(Message("engine.task.not_found"))
    return task


def _candidates(uow: UnitOfWork, task: Task) -> set[str]:
    if not task.personal:
        return set()
    return set(uow.session.scalars(select(TaskCandidate.username).where(TaskCandidate.task_id == task.id)))


def _ensure_may_act(uow: UnitOfWork, actor: Actor, task: Task, candidates: set[str] | None = None) -> None:
    """Refuse unless the actor may act; the task's candidates are read unless given (or not needed)."""
    if task.state != "ready":
        raise Conflict(Message("engine.task.not_ready"), state=task.state)
    if task.assignee == actor.username:
        return
    if candidates is None:
        candidates = _candidates(uow, task)
    if task.assignee:
        if may_act(actor, task.role, None, task.personal, candidates):
            raise Conflict(Message("engine.task.claimed_by_other"), assignee=task.assignee)
    if not may_act(actor, task.role, task.assignee, task.personal, candidates):
        _refuse_to_act(uow, actor, task, candidates)


def _refuse_to_act(uow: UnitOfWork, actor: Actor, task: Task, candidates: set[str]) -> NoReturn:
    """Refuse (logged) an actor who may not act on a task: why, to one who may see the young person's case.

    Someone who may not see the case learns nothing (the refusal that names nothing). Someone who
    may is told whose the task is: another person's, or a role's they do not hold; and when no
    active user holds that role (a lane named after no role, say), that a coordinator can give the
    task to a person (:func:`assign_task`), so the course is not left stuck behind a riddle.
    """
    from engine.people.users import held_roles_in

    what = f"opgave {task.element_id}"
    if policy.acts_as_youth(actor):  # a young person learns nothing of tasks that are not theirs
        policy.refuse(uow, actor, what, task.youth_id)
    if not may_view(uow, actor, task.youth_id):
        deny(uow, actor, task.youth_id, what)
    if task.role == policy.YOUTH_ROLE:  # staff see it exists, but it is the young person's own to do
        policy.refuse(uow, actor, what, task.youth_id, Message("engine.task.youth_only"))
    people = {task.assignee} if task.assignee else (candidates if task.personal else set())
    if people and actor.username not in people:
        message = Message("engine.task.for_other_person")
    elif task.role and not held_roles_in(uow.session, task.role):
        message = Message("engine.task.role_held_by_none", role=task.role)
    else:
        message = Message("engine.task.role_not_yours", role=task.role or "")
    policy.refuse(uow, actor, what, task.youth_id, message)


def ensure_may_act(uow: UnitOfWork, actor: Actor, task_id: str) -> None:
    """Refuse (logged) unless the actor may act on the ready task: for a page, before it reads a form."""
    with uow:
        task = _task_row(uow, task_id)
        if task.state == "ready":
            _ensure_may_act(uow, actor, task)


def get_task(uow: UnitOfWork, actor: Actor, task_id: str) -> dict[str, Any]:
    """One task with its form schema, for whoever may act on it or see the young person."""
    with uow:
        view = get_task_in(uow, actor, _task_row(uow, task_id))  # read, not changed: no lock
        uow.commit()
        return view


def get_task_in(uow: UnitOfWork, actor: Actor, task: Task) -> dict[str, Any]:
    """:func:`get_task`'s view of a task row inside the caller's unit of work, the view logged (not committed)."""
    from engine.courses.runtime import process_for

    ensure_may_view(uow, actor, task.youth_id)
    view = task_view(task)
    _, process = process_for(uow, task.process_version_id)
    view["form_schema"] = process.forms.get(task.form_key) if task.form_key else None
    view["may_act"] = task.state == "ready" and may_act(actor, task.role, task.assignee,
                                                         task.personal, _candidates(uow, task))
    if task.state == "completed":  # less what a consent to the reader's role no longer covers
        from engine.people.consents import shown_data

        view["data"] = shown_data(uow, actor, task.youth_id, task.process_version_id, submitted_data(uow, task.id))
    audit.record(uow, actor, "task_viewed", task.youth_id, f"opgave {task.element_id}")
    return view


def claim_task(uow: UnitOfWork, actor: Actor, task_id: str) -> dict[str, Any]:
    with uow:
        task = _task_for_update(uow, task_id)
        _ensure_may_act(uow, actor, task)
        if task.assignee != actor.username:
            task.assignee = actor.username
            task.claimed_at = uow.clock.now()
            _event(uow, task, "task_claimed", actor)
        audit.record(uow, actor, "task_claimed", task.youth_id, f"opgave {task.element_id}")
        uow.commit()
        return task_view(task)


def unclaim_task(uow: UnitOfWork, actor: Actor, task_id: str) -> dict[str, Any]:
    with uow:
        task = _task_for_update(uow, task_id)
        if task.state != "ready":
            raise Conflict(Message("engine.task.not_ready"), state=task.state)
        if task.assignee != actor.username:
            if not policy.allows(actor, "release_any_task"):
                deny(uow, actor, task.youth_id, f"opgave {task.element_id}")
            ensure_may_view(uow, actor, task.youth_id, f"opgave {task.element_id}")
        task.assignee = None
        task.claimed_at = None
        _event(uow, task, "task_unclaimed", actor)
        audit.record(uow, actor, "task_unclaimed", task.youth_id, f"opgave {task.element_id}")
        uow.commit()
        return task_view(task)


def undeclared_errors(schema: dict[str, Any] | None, data: dict[str, Any]) -> list[dict[str, Any]]:
    """A field error for each key the form does not declare, and for each engine-owned key.

    A form is closed: only its top-level ``properties`` are stored (a task without a form takes
    only ``{}``). Engine-owned variables are refused even where a form declares them.
    """
    declared = set((schema or {}).get("properties") or {})
    return [{"path": key, "message": Message("engine.form.engine_owned" if key in policy.ENGINE_OWNED
                                             else "engine.form.undeclared")}
            for key in sorted(data, key=str) if key in policy.ENGINE_OWNED or key not in declared]


def assign_task(uow: UnitOfWork, actor: Actor, task_id: str, username: Any) -> dict[str, Any]:
    """Give an open task to one person: a coordinator moving a task whose person is away or gone.

    Whoever may reassign (and sees the young person) may do it. The person must be an
    active user who holds the task's role (:func:`engine.people.policy.holds_task_role`): a name alone
    grants nothing. The task is then theirs; released, it goes back to them.

    A task whose role no active user holds (a lane named after no role) would wait for no one: it
    may be given to any active user, and the role is taken off the task so that person may do it.
    """
    from sqlalchemy import delete

    from engine.people.users import active_actor, held_roles_in

    policy.require(uow, actor, "reassign", f"opgave {task_id!s:.40}: giv til")
    with uow:
        person = active_actor(uow.session, username) if isinstance(username, str) and username else None
        task = _task_for_update(uow, task_id)
        ensure_may_view(uow, actor, task.youth_id, f"opgave {task.element_id}: giv til")
        if task.state != "ready":
            raise Conflict(Message("engine.task.not_ready"), state=task.state)
        if task.role == policy.YOUTH_ROLE:  # the young person's task is never given to staff
            policy.refuse(uow, actor, f"opgave {task.element_id}: giv til", task.youth_id,
                          Message("engine.task.youth_only"))
        unheld = bool(task.role) and not held_roles_in(uow.session, task.role)
        if person is None or not (unheld or policy.holds_task_role(person, task.role)):
            raise InvalidInput(Message("engine.task.assignee_invalid"),
                               errors=[{"field": "user", "message": Message("engine.form.user_role")}])
        uow.session.execute(delete(TaskCandidate).where(TaskCandidate.task_id == task.id))
        uow.session.add(TaskCandidate(task_id=task.id, username=person.username))
        note = f" (rollen {task.role} har ingen)" if unheld else ""
        if unheld:
            task.role = None
        task.personal, task.assignee, task.claimed_at = True, person.username, uow.clock.now()
        _event(uow, task, "task_assigned", actor)
        audit.record(uow, actor, "task_assigned", task.youth_id,
                     f"opgave {task.element_id} til {person.username}{note}")
        uow.commit()
        return task_view(task)


def _event(uow: UnitOfWork, task: Task, kind: str, actor: Actor) -> None:
    from engine.platform.models import InstanceEvent

    uow.session.add(InstanceEvent(instance_id=task.instance_id, youth_id=task.youth_id, at=uow.clock.now(),
                                  kind=kind, element_id=task.element_id, name=task.name, element_type="UserTask",
                                  task_id=task.id, username=actor.username))


def complete_task(uow: UnitOfWork, actor: Actor, task_id: str, data: Any) -> dict[str, Any]:
    """Validate the data against the task's form, complete it and run the course to its next wait.

    The instance row is locked before the task row is read, the same order every operation that
    moves an instance uses, so two of them can never wait for each other.
    """
    require_object(data, optional=False, key="path", name="")
    def attempt() -> dict[str, Any]:
        with uow:
            return run_view(complete_in(uow, actor, task_id, data))

    return while_code_runs(uow, attempt)


def complete_in(uow: UnitOfWork, actor: Actor, task_id: str, data: dict[str, Any], commit: bool = True) -> Run:
    """Complete a task inside the open unit of work, run the course on and commit (unless told not to).

    The instance row is locked before the task row is read, the same order every operation that
    moves an instance uses, so two of them can never wait for each other.
    """
    try:
        run = load_run(uow, select(Task.instance_id).where(Task.id == _task_id(task_id)).scalar_subquery(),
                       actor.username)
    except NotFound:
        raise NotFound(Message("engine.task.not_found")) from None
    run.open_rows, candidates = load_open_rows_and_candidates(uow, run.instance.id)
    task = next((row for row in run.open_rows if row.id == task_id), None)
    if task is None:
        raise Conflict(Message("engine.task.not_ready"))
    with moving(uow, run, actor, "task_completed", f"opgave {task.element_id}", commit=commit):
        complete_loaded(uow, actor, run, task, candidates[task.id], data)
    return run


def complete_loaded(uow: UnitOfWork, actor: Actor, run: Run, task: Task, candidates: set[str],
                    data: dict[str, Any], write: Callable[[], None] | None = None) -> None:
    """Complete ``task`` of a loaded ``run`` and run the course on; ``write`` is called once the code has run.

    Called inside :func:`engine.courses.moving.moving`, which saves the course and audits the
    completion. Nothing is written before the diagram's code has run
    (:func:`engine.platform.uow.while_code_runs`); ``write`` lets a caller whose rows are still
    pending (a referral) flush them only then.
    """
    task_id = task.id
    _ensure_may_act(uow, actor, task, candidates)
    if run.instance.status != "running":
        raise Conflict(Message("engine.instance.not_running"), status=run.instance.status)
    spiff_task = run.workflow.get_task_from_id(UUID(task_id))
    if spiff_task is None or not spiff_task.has_state(TaskState.READY):
        raise Conflict(Message("engine.task.not_ready"))
    validator = run.process.validator(task.form_key)
    schema = run.process.form(task.form_key)
    errors = undeclared_errors(schema, data)
    if validator is not None:
        errors += form_errors(validator, data)
        wrong = {error["path"] for error in errors}
        errors += [e for e in user_field_errors(uow, schema, data) + data_choice_errors(schema, data, spiff_task.data)
                   if e["path"] not in wrong]
    errors.sort(key=lambda e: (e["path"], str(e["message"])))
    if errors:
        raise InvalidInput(Message("engine.form.invalid_submission"), errors=errors)
    spiff_task.data.update(data)
    run.finished_task_ids.add(task.id)
    run.record("task_completed", spiff_task, {"fields": sorted(data)})
    advance(run, first=spiff_task.run, at=spiff_task)  # what completing it raises stops the course, not the request
    # Only now, with the diagram's code run, is anything written (:func:`engine.platform.uow.while_code_runs`).
    if write is not None:
        write()
    task.state = "completed"
    task.completed_at = run.now
    task.completed_by = actor.username
    task.assignee = task.assignee or actor.username
    record_submission(uow, task, actor.username, data, run.now)
    assessments.record(uow, run, task, schema, data, spiff_task.data)
