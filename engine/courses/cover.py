"""Cover and handover: who holds a lane of a running course, and moving one person's work to another.

When a guide is ill or leaves, a coordinator (permission ``reassign``) changes the people of a
course's lane (:func:`set_lane_people`) or hands all of one person's courses and open tasks to a
colleague (:func:`handover`, with a dry run first). Both go through the engine: ``lane_owners`` is
changed in the workflow's own data, so the lane's later tasks follow, and the lane's open tasks
are moved at once. Every change is an event in the course's journal and a row in the access log.
A person only ever gets a lane or task whose role they hold (:func:`engine.people.policy.holds_task_role`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, func, or_, select

from engine.courses.instances import run_view
from engine.courses.runtime import Run, load_open_rows, load_run, save
from engine.people import audit, policy
from engine.people.access import Actor, lane_role
from engine.people.users import active_actor
from engine.people.youths import ensure_may_view
from engine.platform.errors import Conflict, InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import CoursePerson, ProcessInstance, Task, TaskCandidate, User, Youth
from engine.work.mail import notify_assigned

if TYPE_CHECKING:

    from engine.platform.uow import UnitOfWork

CHANGEABLE = ("running", "paused", "error")
MAX_PEOPLE = 20


@dataclass(frozen=True)
class Lane:
    name: str           # as the diagram spells it (the key written to lane_owners)
    lane_id: str | None
    role: str | None


def lanes_of(run: Run) -> list[Lane]:
    return [Lane(name, lane_id, lane_role(name, lane_id)) for name, lane_id in run.process.lane_ids.items()]


def find_lane(run: Run, asked: str) -> Lane | None:
    """The diagram's lane by name (case-insensitive) or id."""
    wanted = asked.strip().lower()
    return next((lane for lane in lanes_of(run)
                 if lane.name.strip().lower() == wanted or (lane.lane_id or "").lower() == wanted), None)


def _lacks_role(username: str, role: str | None) -> dict[str, Any]:
    return {"field": "users", "message": Message("engine.people.lacks_role", username=username[:80], role=role or "-")}


def set_lane_people(uow: UnitOfWork, actor: Actor, instance_id: int, lane: Any, users: Any) -> dict[str, Any]:
    """Give a course's lane to these people: its open tasks move now, its later tasks follow.

    422 (nothing changed, the attempt logged) for a lane the course's diagram lacks, or a person
    who is not an active user holding the lane's role.
    """
    policy.require(uow, actor, "reassign", f"forløb {instance_id}: personer")
    if not isinstance(lane, str) or not lane.strip():
        _invalid(uow, actor, None, [{"field": "lane", "message": Message("engine.people.unknown_lane")}])
    if (not isinstance(users, list) or len(users) > MAX_PEOPLE
            or not all(isinstance(u, str) and u.strip() for u in users)):
        _invalid(uow, actor, None, [{"field": "users", "message": Message("engine.people.users_list")}])
    people = sorted({u.strip() for u in users})
    with uow:
        run = load_run(uow, instance_id, actor.username)
        ensure_may_view(uow, actor, run.instance.youth_id, f"forløb {instance_id}: personer")
        found = find_lane(run, lane)
        if found is None:
            _invalid(uow, actor, run.instance.youth_id,
                     [{"field": "lane", "message": Message("engine.people.unknown_lane")}], inside=True)
        if found.role == policy.YOUTH_ROLE:  # the young person's lane is theirs: it is never given to staff
            _invalid(uow, actor, run.instance.youth_id,
                     [{"field": "lane", "message": Message("engine.people.youth_lane")}], inside=True)
        errors = [_lacks_role(name, found.role) for name in people
                  if (holder := active_actor(uow.session, name)) is None or not policy.holds_task_role(holder, found.role)]
        if errors:
            _invalid(uow, actor, run.instance.youth_id, errors, inside=True)
        if run.instance.status not in CHANGEABLE:
            raise Conflict(Message("engine.instance.not_running"), status=run.instance.status)
        _change_lane(uow, run, found, lambda _before: people)
        _save(uow, run)
        audit.record(uow, actor, "lane_people_changed", run.instance.youth_id,
                     f"forløb {instance_id}: {found.name} -> {', '.join(people) or '-'}")
        uow.commit()
        return run_view(run)


def _invalid(uow: UnitOfWork, actor: Actor, youth_id: int | None, errors: list[dict[str, Any]],
             inside: bool = False) -> NoReturn:
    """Refuse bad input before any change: logged, nothing changed. ``inside``: ``uow`` is open (else one is)."""
    if not inside:
        with uow.separate() as writer:
            _invalid(writer, actor, youth_id, errors, inside=True)
    audit.record(uow, actor, "reassign_refused", youth_id, ", ".join(sorted({str(e["field"]) for e in errors})))
    uow.commit()  # the refusal only: nothing else has been changed yet
    raise InvalidInput(Message("engine.people.invalid"), errors=errors)


def _data_tasks(run: Run) -> list[Any]:
    """The workflow tasks whose data later steps inherit, and the latest one (what the case shows)."""
    tasks = run.workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK)
    if run.workflow.last_task is not None:
        tasks.append(run.workflow.last_task)
    return tasks


def _change_lane(uow: UnitOfWork, run: Run, lane: Lane, people_for: Any) -> list[str]:
    """Rewrite the lane's entry of ``lane_owners`` (``people_for(current people)`` gives the new ones)
    in the workflow data, and move the lane's open tasks to those people. Returns the new people."""
    wanted = {lane.name.strip().lower(), (lane.lane_id or "").lower()} - {""}
    current = _lane_people(run.instance.data, wanted)
    new = people_for(current)
    for task in _data_tasks(run):
        owners = task.data.get("lane_owners")
        owners = dict(owners) if isinstance(owners, dict) else {}
        for key in [k for k in owners if str(k).strip().lower() in wanted]:
            del owners[key]
        if new:
            owners[lane.name] = list(new)
        task.data["lane_owners"] = owners
    rows = [row for row in load_open_rows(uow, run.instance.id) if row.lane_id and row.lane_id == lane.lane_id]
    for row in rows:
        _give(uow, row, set(new))
    run.record_row("lane_people_changed", None, lane.name, "Lane", None, run.username,
                   {"lane": lane.name, "from": current, "to": list(new)})
    return list(new)


def _lane_people(data: dict[str, Any] | None, wanted: set[str]) -> list[str]:
    owners = (data or {}).get("lane_owners")
    if not isinstance(owners, dict):
        return []
    found: list[str] = []
    for key, value in owners.items():
        if str(key).strip().lower() in wanted:
            found += [value] if isinstance(value, str) else [str(v) for v in value or []]
    return sorted(set(found))


def _give(uow: UnitOfWork, row: Task, people: set[str]) -> None:
    """An open task now belongs to these people (none: back to its role's queue); a claim by anyone else ends."""
    uow.session.execute(delete(TaskCandidate).where(TaskCandidate.task_id == row.id))
    uow.session.add_all(TaskCandidate(task_id=row.id, username=name) for name in sorted(people))
    if row.assignee and row.assignee not in people:
        row.assignee, row.claimed_at = None, None
    row.personal = bool(people)
    if people:
        notify_assigned(uow, row, people)


def _save(uow: UnitOfWork, run: Run) -> None:
    """Save without moving the course: a paused course stays paused."""
    status = run.instance.status
    save(uow, run)
    if status == "paused":
        run.instance.status = status


# Handover: everything one person holds.

def holdings(uow: UnitOfWork, username: str) -> dict[str, int]:
    """How many active courses name the person for a lane, and how many open tasks are theirs."""
    with uow:
        courses = uow.session.scalar(select(func.count(func.distinct(CoursePerson.instance_id)))
                                     .where(CoursePerson.username == username, CoursePerson.active.is_(True)))
        tasks = uow.session.scalar(select(func.count()).select_from(Task).where(*_open_tasks_of(username)))
        return {"courses": int(courses or 0), "tasks": int(tasks or 0)}


def _open_tasks_of(username: str) -> tuple[Any, ...]:
    named = select(TaskCandidate.task_id).where(TaskCandidate.username == username)
    return Task.state == "ready", or_(Task.assignee == username, Task.id.in_(named))


def handover(uow: UnitOfWork, actor: Actor, from_user: Any, to_user: Any, dry_run: Any = True) -> dict[str, Any]:
    """List (``dry_run``) or move every course lane and open task ``from_user`` holds to ``to_user``.

    All or nothing: if ``to_user`` lacks the role of any lane or task, nothing moves (422, each
    listed). The listing names each young person, so it is logged as a read of their data.
    """
    policy.require(uow, actor, "reassign", "overdragelse")
    errors = []
    for field, value in (("from", from_user), ("to", to_user)):
        if not isinstance(value, str) or not value.strip():
            errors.append({"field": field, "message": Message("engine.handover.unknown_user")})
    if not isinstance(dry_run, bool):
        errors.append({"field": "dry_run", "message": Message("engine.field.must_be_boolean")})
    if not errors and from_user == to_user:
        errors.append({"field": "to", "message": Message("engine.handover.same_person")})
    if errors:
        _invalid(uow, actor, None, errors)
    with uow:
        if uow.session.scalar(select(User.id).where(User.username == from_user)) is None:
            raise NotFound(Message("engine.user.not_found"))
        receiver = active_actor(uow.session, to_user)
        if receiver is None:
            _invalid(uow, actor, None, [{"field": "to", "message": Message("engine.handover.unknown_user")}], inside=True)
        courses = _courses_of(uow, from_user)
        tasks = _tasks_of(uow, from_user)
        refused = sorted({lane_role_ for lane_role_ in [c["role"] for c in courses] + [t["role"] for t in tasks]
                          if not policy.holds_task_role(receiver, lane_role_)}, key=str)
        if refused:
            _invalid(uow, actor, None, [_lacks_role(to_user, role) for role in refused], inside=True)
        youth_ids = {c["youth_id"] for c in courses} | {t["youth_id"] for t in tasks}
        audit.record_many(uow, actor, "handover_listed" if dry_run else "handover_made", youth_ids,
                          f"{from_user} -> {to_user}")
        if not dry_run:
            _move(uow, actor, from_user, to_user, courses)
        uow.commit()
        return {"from": from_user, "to": to_user, "dry_run": dry_run, "courses": courses, "tasks": tasks}


def _courses_of(uow: UnitOfWork, username: str) -> list[dict[str, Any]]:
    rows = uow.session.execute(
        select(CoursePerson.instance_id, CoursePerson.lane, CoursePerson.youth_id, Youth.name,
               ProcessInstance.process_key, ProcessInstance.process_version_id)
        .join(Youth, Youth.id == CoursePerson.youth_id).join(ProcessInstance, ProcessInstance.id == CoursePerson.instance_id)
        .where(CoursePerson.username == username, CoursePerson.active.is_(True))
        .order_by(CoursePerson.instance_id, CoursePerson.lane)).all()
    from engine.courses.runtime import process_for

    found = []
    for row in rows:
        _, process = process_for(uow, row.process_version_id)
        lane_id = next((i for name, i in process.lane_ids.items() if name.strip().lower() == row.lane.strip().lower()
                        or (i or "").lower() == row.lane.strip().lower()), None)
        found.append({"instance_id": row.instance_id, "youth_id": row.youth_id, "youth_name": row.name,
                      "process_key": row.process_key, "lane": row.lane, "role": lane_role(row.lane, lane_id)})
    return found


def _tasks_of(uow: UnitOfWork, username: str) -> list[dict[str, Any]]:
    rows = uow.session.execute(
        select(Task.id, Task.instance_id, Task.youth_id, Task.name, Task.role, Task.lane_id, Youth.name.label("youth"))
        .join(Youth, Youth.id == Task.youth_id).where(*_open_tasks_of(username))
        .order_by(Task.created_at, Task.id)).all()
    return [{"id": row.id, "instance_id": row.instance_id, "youth_id": row.youth_id, "youth_name": row.youth,
             "name": row.name, "role": row.role} for row in rows]


def _move(uow: UnitOfWork, actor: Actor, from_user: str, to_user: str, courses: list[dict[str, Any]]) -> None:
    """Swap the person in each course's lanes (open tasks of those lanes follow), then in any other open task."""
    for instance_id in sorted({c["instance_id"] for c in courses}):
        run = load_run(uow, instance_id, actor.username)
        if run.instance.status not in CHANGEABLE:
            continue
        for course in (c for c in courses if c["instance_id"] == instance_id):
            lane = find_lane(run, course["lane"]) or Lane(course["lane"], None, course["role"])
            _change_lane(uow, run, lane, lambda before: sorted((set(before) - {from_user}) | {to_user}))
        _save(uow, run)
        audit.record(uow, actor, "lane_people_changed", run.instance.youth_id,
                     f"forløb {instance_id}: {from_user} -> {to_user}")
    uow.session.flush()
    for row in uow.session.scalars(select(Task).where(*_open_tasks_of(from_user))):
        named = set(uow.session.scalars(select(TaskCandidate.username).where(TaskCandidate.task_id == row.id)))
        claimed_by_them = row.assignee == from_user
        _give(uow, row, (named - {from_user}) | {to_user})
        if claimed_by_them:
            row.assignee, row.claimed_at = to_user, uow.clock.now()
        uow.session.add(_task_event(uow, row, actor))
        audit.record(uow, actor, "task_assigned", row.youth_id, f"opgave {row.element_id} til {to_user}")


def _task_event(uow: UnitOfWork, row: Task, actor: Actor) -> Any:
    from engine.platform.models import InstanceEvent

    return InstanceEvent(instance_id=row.instance_id, youth_id=row.youth_id, at=uow.clock.now(),
                         kind="task_assigned", element_id=row.element_id, name=row.name, element_type="UserTask",
                         task_id=row.id, username=actor.username)
