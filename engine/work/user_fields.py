"""Form fields that name a person: a string property with ``"x-user-role": "<role>"``.

The k-meeting names the young person's guide and coordinating caseworker, and the course then
hands their tasks to exactly those users. A mistyped username would hand a task to no one, so
such a field holds the username of an active user with the role: pages offer those users to
choose from, and completing the task refuses anyone else. Only a form's top-level properties
are looked at; that is where the people who take over a course are named.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.platform.messages import Message
from engine.platform.models import User, UserRole

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

ROLE_KEYWORD = "x-user-role"


def user_fields(schema: Mapping[str, Any] | None) -> dict[str, str]:
    """Property name -> the role its user must hold."""
    properties = (schema or {}).get("properties") or {}
    return {name: prop[ROLE_KEYWORD] for name, prop in properties.items()
            if isinstance(prop, Mapping) and isinstance(prop.get(ROLE_KEYWORD), str)}


def choices_in(uow: UnitOfWork, schema: Mapping[str, Any] | None) -> dict[str, list[tuple[str, str]]]:
    """For a form's user fields: role -> (username, full name) of its active users, to choose from.

    Inside the caller's unit of work (:func:`engine.work.task_page.task_page`).
    """
    roles = set(user_fields(schema).values())
    return _holders(uow, roles) if roles else {}


def _holders(uow: UnitOfWork, roles: set[str]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {role: [] for role in roles}
    rows = uow.session.execute(select(UserRole.role, User.username, User.full_name).join(User)
                               .where(UserRole.role.in_(roles), User.active.is_(True)))
    for role, username, full_name in rows:
        found[role].append((username, full_name or username))
    for people in found.values():
        people.sort(key=lambda person: (person[1].casefold(), person[0]))  # as people read the list: by name
    return found


def user_field_errors(uow: UnitOfWork, schema: Mapping[str, Any] | None, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An error for each filled user field whose value is not an active user with the field's role."""
    fields = {name: role for name, role in user_fields(schema).items() if isinstance(data.get(name), str) and data[name]}
    if not fields:
        return []
    valid = _holders(uow, set(fields.values()))
    return [{"path": name, "message": Message("engine.form.user_role")}
            for name, role in fields.items() if data[name] not in {username for username, _ in valid[role]}]
