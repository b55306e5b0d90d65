"""Migration 0008 seeds today's defaults, so behaviour is unchanged for today's role names (issue 11)."""
from __future__ import annotations

from sqlalchemy import select

from engine.people.role_defaults import DEFAULT_ROLES, PERMISSIONS
from engine.platform.models import Role, RolePermission


def test_a_new_database_holds_the_default_roles_with_the_default_permissions(engine):
    with engine.reader() as uow:
        held = {(row.role, row.permission) for row in uow.session.scalars(select(RolePermission))}
        names = set(uow.session.scalars(select(Role.name)))
    assert names == set(DEFAULT_ROLES)
    assert held == {(role, permission) for permission, roles in PERMISSIONS.items() for role in roles}
