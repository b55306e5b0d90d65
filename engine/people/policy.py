"""Who may do what: every role rule of Samspil in one place, and the one way to refuse.

A role grants *what* one may do: a set of the permissions below, kept as data an admin edits
(:mod:`engine.people.roles`; the defaults, today's role names, are in :mod:`engine.people.role_defaults`).
An actor read from the database carries its roles' permissions; one built in code uses the defaults.
Whether one may do it *for this young person* is involvement: a task of theirs, a lane they hold, the
young person they registered, or the ``see_all_youths`` permission. Data alone (form fields, message
payloads, a name in a diagram) never grants anything: a person a task is narrowed to still needs the task's role.

Every refusal goes through :func:`refuse`: it writes an audit row (who, what, which young person)
and raises :class:`Forbidden` with a message that says nothing about what exists.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import and_, exists, false, func, or_

from engine.people import audit, role_defaults
from engine.people.access import SYSTEM, Actor
from engine.platform.errors import Forbidden
from engine.platform.messages import Message

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

# The defaults live in engine.people.role_defaults; the database holds each installation's own.
PERMISSIONS = role_defaults.PERMISSIONS
IN_PERSON_STAND_INS = role_defaults.IN_PERSON_STAND_INS
YOUTH_ROLE = role_defaults.YOUTH_ROLE

# Variables the engine owns: who the course is for and who narrowed its tasks. Only the engine (at
# start) and diagram scripts set them; a completion, a message, start data or a retry never does.
ENGINE_OWNED = frozenset({"lane_owners", "youth_id", "birthdate", "birthdate_25", "initiator"})


def roles_with(permission: str) -> tuple[str, ...]:
    """The roles holding a permission by default (what a new installation starts with)."""
    return PERMISSIONS[permission]


def permissions_of(actor: Actor) -> frozenset[str]:
    """The actor's permissions: as read from the database with the actor, else the defaults."""
    if actor.permissions is not None:
        return actor.permissions
    return role_defaults.default_permissions_of(actor.roles)


def allows(actor: Actor, permission: str) -> bool:
    """True when one of the actor's roles holds the permission (in the database, see :class:`Actor`)."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)
    return permission in permissions_of(actor)


def sees_all(actor: Actor) -> bool:
    """True for the engine itself (timers, the worker) and for holders of ``see_all_youths``.

    The engine is known by its role, not its name: no user can be granted the role ``system``.
    """
    return actor == SYSTEM or allows(actor, "see_all_youths")


def refuse(uow: UnitOfWork, actor: Actor | None, what: str, youth_id: int | None = None,
           message: Message | None = None) -> NoReturn:
    """Log a refused attempt and refuse; call inside an open unit of work, before any change.

    The audit row is committed (the unit of work holds nothing else yet); a reading unit of work
    may not write, so under one the row is written by a writing one of its own. ``message``
    defaults to one that names nothing: the same whether the young person or the thing asked for exists.
    """
    if not uow.write:
        refuse_outside(uow, actor, what, youth_id, message)
    audit.record(uow, actor, "access_denied", youth_id, what)
    uow.commit()
    raise Forbidden(message or Message("engine.youth.no_access"))


def refuse_outside(uow: UnitOfWork, actor: Actor | None, what: str, youth_id: int | None = None,
                   message: Message | None = None) -> NoReturn:
    """:func:`refuse` where no unit of work is open yet: opens a writing one (of the same engine) for the row."""
    with uow.separate() as writer:
        refuse(writer, actor, what, youth_id, message)


def require(uow: UnitOfWork, actor: Actor, permission: str, what: str, message: Message | None = None) -> None:
    """Refuse (logged) unless the actor's roles hold ``permission``; call before ``with uow``."""
    confine_to_tenant(uow, actor, inside=False)
    if not allows(actor, permission):
        refuse_outside(uow, actor, what, None, message)


def confine_to_tenant(uow: UnitOfWork, actor: Actor | None, inside: bool) -> None:
    """Refuse (logged, in the unit of work's tenant) an actor of one tenant in a unit of work of another.

    The tenant wall's last line in the service layer: a request whose tenant was set wrong, or a
    service handed another tenant's actor, must not act there with the actor's rights. It runs
    where an actor and a unit of work meet: :func:`require` (before ``with uow``, ``inside`` false)
    and every access-log row (:func:`engine.people.audit.record`, inside the open unit of work,
    whose changes so far are rolled back: nothing of the refused call is kept). An actor built
    in code (``tenant`` None: the engine, the command line) acts in any tenant.
    """
    if actor is None or actor.tenant is None or actor.tenant == uow.tenant:
        return
    detail = f"anden kommune: aktøren hører til kommune {actor.tenant}"
    if inside and uow.write:
        uow.session.rollback()
        audit.write(uow, actor, "access_denied", None, detail)
        uow.commit()
    else:
        with uow.separate() as writer:
            audit.write(writer, actor, "access_denied", None, detail)
            writer.commit()
    raise Forbidden(Message("engine.youth.no_access"))


# Acting on tasks: role AND involvement.

def in_person_roles(actor: Actor) -> set[str]:
    """The lane roles whose tasks the actor may do when a task is narrowed to them."""
    roles = set(actor.roles)
    for lane_role, stand_ins in IN_PERSON_STAND_INS.items():
        if actor.has_any(*stand_ins):
            roles.add(lane_role)
    return roles


def acts_as_youth(actor: Actor) -> bool:
    """True for a young person acting as themselves (:func:`engine.people.access.youth_actor`)."""
    return actor.youth_id is not None


def holds_task_role(actor: Actor, role: str | None) -> bool:
    """The role half of "may act": a task outside every lane needs none.

    The young person's lane is theirs alone: no staff role, not even ``act_in_any_lane``, reaches
    it, and a young person holds no other lane's role, nor the "no role" of a task outside every lane.
    """
    if acts_as_youth(actor) or role == YOUTH_ROLE:
        return acts_as_youth(actor) and role == YOUTH_ROLE
    return role is None or allows(actor, "act_in_any_lane") or role in in_person_roles(actor)


def may_act(actor: Actor, role: str | None, assignee: str | None, personal: bool, candidates: set[str]) -> bool:
    """True when the actor may claim or complete a task with these attributes.

    A claimed task belongs to its assignee; a task narrowed to people (lane_owners, assignee,
    candidate users) belongs to them; in both cases they must also hold the task's role. Otherwise
    anyone holding the role may act; a task outside every lane, narrowed to no one, is open to all.
    A task of the young person's lane is narrowed to the course's young person (the one candidate):
    only they may act on it, and they on nothing else. Mirrored in SQL by :func:`actionable_sql`.
    """
    if acts_as_youth(actor) or role == YOUTH_ROLE:
        return (acts_as_youth(actor) and role == YOUTH_ROLE and personal and actor.username in candidates
                and assignee in (None, actor.username))
    if assignee:
        return assignee == actor.username and holds_task_role(actor, role)
    if personal:
        return actor.username in candidates and holds_task_role(actor, role)
    return role is None or role in actor.roles


def task_role_sql(actor: Actor, role_column: Any) -> Any:
    """SQL for :func:`holds_task_role` over a task's role column."""
    if acts_as_youth(actor):
        return role_column == YOUTH_ROLE
    if allows(actor, "act_in_any_lane"):
        return or_(role_column.is_(None), role_column != YOUTH_ROLE)
    return or_(role_column.is_(None), role_column.in_(sorted(in_person_roles(actor) - {YOUTH_ROLE})))


def actionable_sql(actor: Actor, task: Any, candidate: Any) -> Any:
    """SQL for "the actor may act on this ready task": :func:`may_act` as a query.

    ``task`` is the Task model; ``candidate`` the TaskCandidate model.
    """
    named = exists().where(candidate.task_id == task.id, candidate.username == actor.username)
    in_person = task_role_sql(actor, task.role)
    pooled = false() if acts_as_youth(actor) else and_(
        task.assignee.is_(None), task.personal.is_(False),
        or_(task.role.is_(None), task.role.in_(actor.roles)) if actor.roles else task.role.is_(None))
    return and_(task.state == "ready",
                or_(and_(task.assignee == actor.username, in_person),
                    and_(task.assignee.is_(None), task.personal.is_(True), named, in_person),
                    pooled))


def involved_sql(actor: Actor, youth: Any, task: Any, candidate: Any) -> Any:
    """SQL condition on a youth row: the actor is involved in the young person's case.

    Involved is: an open task of the course waits in a role queue of theirs (they may have to act
    on it); a task is or was theirs in person (claimed, completed, or narrowed to them, and they
    hold its role: a name alone grants nothing); or they registered the young person. Tasks that
    were for their role once and were done by someone else do not count: otherwise every caseworker
    would see every young person ever referred. A young person (``actor.youth_id``) is involved in
    their own case only, whatever lane or task names their role.
    """
    if actor.youth_id is not None:  # a young person acting as themselves sees their own case, no other
        return youth.id == actor.youth_id
    roles = sorted(actor.roles)
    in_person = task_role_sql(actor, task.role)
    queue = (and_(task.state == "ready", task.personal.is_(False), task.assignee.is_(None),
                  or_(task.role.in_(roles), func.lower(task.lane_id).in_(roles))) if roles else false())
    return or_(
        exists().where(task.youth_id == youth.id, queue),
        exists().where(task.youth_id == youth.id, task.completed_by == actor.username),
        exists().where(task.youth_id == youth.id, task.assignee == actor.username, in_person),
        exists().where(task.youth_id == youth.id, candidate.task_id == task.id,
                       candidate.username == actor.username, in_person),
        youth.created_by == actor.username,
    )
