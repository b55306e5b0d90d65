"""Roles and what each may do, as this installation's data (issue 11).

A role is any plain identifier (:func:`engine.people.access.is_role_name`): one a lane or
``candidateGroups`` names, one given with ``samspil user add --role``, or one an admin creates by
giving it permissions. What a role may do is the set of permissions in ``role_permissions``
(the names of :data:`engine.people.role_defaults.PERMISSIONS`). Every change is an audit row; the actor of
each request is read with its permissions (:func:`permissions_for`), so a change holds from the
next request on, in every process.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.people import audit, policy
from engine.people.access import Actor, is_role_name
from engine.people.role_defaults import YOUTH_ROLE
from engine.platform.errors import InvalidInput
from engine.platform.messages import Message
from engine.platform.models import Role, RolePermission, Tenant, User, UserRole
from engine.platform.tenancy import DEFAULT_TENANT, current_tenant

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.platform.uow import UnitOfWork


def permissions_for(session: Session, roles: Iterable[str]) -> frozenset[str]:
    """The permissions these roles hold, in one query."""
    names = sorted(set(roles))
    if not names:
        return frozenset()
    return frozenset(session.scalars(select(RolePermission.permission).where(RolePermission.role.in_(names))))


def actor_with_permissions(session: Session, username: str, roles: frozenset[str]) -> Actor:
    """The actor, in the tenant of the unit of work that read it."""
    return Actor(username, roles, permissions_for(session, roles), tenant=current_tenant())


def seed_defaults(connection: Any, now: Any, tenant: int = DEFAULT_TENANT) -> None:
    """Write the default roles and permissions of ``tenant`` into empty tables: a database emptied by a
    test or a benchmark (which also gets the default tenant back), or a new tenant."""
    from sqlalchemy import insert

    from engine.people.role_defaults import DEFAULT_ROLES

    if tenant == DEFAULT_TENANT and connection.execute(select(Tenant.id).where(Tenant.id == tenant)).first() is None:
        connection.execute(insert(Tenant.__table__), [{"id": tenant, "key": "default", "name": "Standard",
                                                       "created_at": now}])
        if connection.dialect.name == "postgresql":  # the next tenant added gets 2, not this one's id
            connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('tenants', 'id'), 1)")
    connection.execute(insert(Role.__table__), [{"name": name, "created_at": now, "tenant_id": tenant}
                                                for name in DEFAULT_ROLES])
    connection.execute(insert(RolePermission.__table__), [
        {"role": role, "permission": permission, "tenant_id": tenant}
        for permission, holders in policy.PERMISSIONS.items() for role in holders])


def ensure_roles(uow: UnitOfWork, names: Iterable[str]) -> None:
    """Give each of these role names a row (without permissions) where it has none; not committed."""
    wanted = set(names)
    known = set(uow.session.scalars(select(Role.name).where(Role.name.in_(sorted(wanted))))) if wanted else set()
    for name in sorted(wanted - known):
        uow.session.add(Role(name=name, created_at=uow.clock.now()))
    if wanted - known:
        uow.session.flush()


def role_name_errors(roles: Any, field: str = "roles") -> list[dict[str, Any]]:
    """A field error unless ``roles`` is a non-empty list of plain role names."""
    if not isinstance(roles, list) or not roles or not all(is_role_name(r) for r in roles):
        return [{"field": field, "message": Message("engine.role.bad_name")}]
    if YOUTH_ROLE in roles:  # the young person's own role is never a staff user's
        return [{"field": field, "message": Message("engine.role.youth_role", role=YOUTH_ROLE)}]
    return []


def list_roles(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """Every role with its permissions and how many active users hold it; for those who manage users."""
    policy.require(uow, actor, "manage_users", "roller: vis")
    with uow:
        rows = {role.name: role for role in uow.session.scalars(select(Role).order_by(Role.name))}
        holders: dict[str, int] = {}
        for role, in uow.session.execute(select(UserRole.role).join(User, User.id == UserRole.user_id)
                                         .where(User.active.is_(True))):
            holders[role] = holders.get(role, 0) + 1
        names = sorted(set(rows) | set(holders))
        return [{"name": name, "permissions": sorted(rows[name].permission_names) if name in rows else [],
                 "users": holders.get(name, 0)} for name in names]


def all_permissions() -> list[str]:
    return list(policy.PERMISSIONS)


def set_permissions(uow: UnitOfWork, actor: Actor, name: Any, permissions: Any) -> dict[str, Any]:
    """Replace what a role may do (creating the role if it is new); logged with before and after.

    An unknown permission or a name that is not a plain identifier changes nothing (422).
    """
    policy.require(uow, actor, "manage_users", f"rolle {str(name)[:40]}: ret rettigheder")
    errors = []
    if not is_role_name(name):
        errors.append({"field": "name", "message": Message("engine.role.bad_name")})
    elif name == YOUTH_ROLE:
        errors.append({"field": "name", "message": Message("engine.role.youth_role", role=YOUTH_ROLE)})
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        errors.append({"field": "permissions", "message": Message("engine.role.permissions_list")})
    else:
        unknown = sorted({p for p in permissions if p not in policy.PERMISSIONS})
        if unknown:
            errors.append({"field": "permissions",
                           "message": Message("engine.role.unknown_permission", permissions=", ".join(unknown)[:200])})
    if errors:
        with uow.separate() as writer:
            audit.record(writer, actor, "role_change_refused", None, "ugyldig rolle eller rettighed")
            writer.commit()
        raise InvalidInput(Message("engine.role.invalid"), errors=errors)
    with uow:
        ensure_roles(uow, [name])
        role = uow.session.scalars(select(Role).where(Role.name == name)).one()  # ensure_roles made it
        before, after = role.permission_names, frozenset(permissions)
        if before != after:
            role.permissions = [RolePermission(role=name, permission=p) for p in sorted(after)]
            audit.record(uow, actor, "role_permissions_changed", None,
                         f"{name}: {', '.join(sorted(before)) or '-'} -> {', '.join(sorted(after)) or '-'}")
        uow.commit()
        return {"name": name, "permissions": sorted(after)}
