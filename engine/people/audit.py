"""The access log: who read or changed which young person's data, when and how (principle 6).

Rows are only ever inserted; the migration adds database triggers that refuse UPDATE and DELETE.
Details name elements and ids, never personal data.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from engine.people.access import Actor
from engine.platform.messages import Message
from engine.platform.models import AuditEntry

MAX_ENTRIES = 100_000

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def record(uow: UnitOfWork, actor: Actor | None, action: str, youth_id: int | None, detail: str | None = None) -> None:
    """One audit row, as a plain Core insert: the log needs no ORM identity, and every request writes one.

    Every access to a young person's data is logged here, in the unit of work that made it, by the
    actor who made it: so here the policy checks that the two are of one tenant (it refuses otherwise).
    """
    _confine(uow, actor)
    write(uow, actor, action, youth_id, detail)


def write(uow: UnitOfWork, actor: Actor | None, action: str, youth_id: int | None, detail: str | None = None) -> None:
    """The row of :func:`record`, without the tenant check: for the policy's refusal of a crossing actor."""
    uow.session.execute(insert(AuditEntry.__table__), [{
        "at": uow.clock.now(), "username": actor.username if actor else None, "action": action,
        "youth_id": youth_id, "detail": detail}])


def _confine(uow: UnitOfWork, actor: Actor | None) -> None:
    if actor is not None and actor.tenant is not None and actor.tenant != uow.tenant:
        from engine.people import policy  # the policy logs through this module

        policy.confine_to_tenant(uow, actor, inside=True)


def record_many(uow: UnitOfWork, actor: Actor, action: str, youth_ids: Iterable[int], detail: str | None = None) -> None:
    """One row per young person whose data was shown, written in one statement."""
    _confine(uow, actor)
    now = uow.clock.now()
    rows = [{"at": now, "username": actor.username, "action": action, "youth_id": youth_id, "detail": detail}
            for youth_id in sorted(set(youth_ids))]
    if rows:
        uow.session.execute(insert(AuditEntry.__table__), rows)


def list_entries(uow: UnitOfWork, actor: Actor, youth_id: int | None = None, username: str | None = None,
                 since: datetime | None = None, limit: int = 1000, action: str | None = None,
                 until: datetime | None = None, offset: int = 0) -> list[dict]:
    """Log entries, newest first, filtered; only administrators may read the log, and reading it is logged."""
    _require_reader(uow, actor)
    with uow:
        entries = _entries_in(uow, actor, youth_id, username, since, limit, action, until, offset)
        uow.commit()
    return entries


def log_page(uow: UnitOfWork, actor: Actor, youth_id: int | None = None, username: str | None = None,
             since: datetime | None = None, limit: int = 1000, action: str | None = None,
             until: datetime | None = None, offset: int = 0) -> tuple[list[dict], list[str]]:
    """The access-log page's one call: :func:`list_entries` and the actions its filter offers."""
    _require_reader(uow, actor)
    with uow:
        entries = _entries_in(uow, actor, youth_id, username, since, limit, action, until, offset)
        offered = _actions_in(uow)
        uow.commit()
    return entries, offered


def _require_reader(uow: UnitOfWork, actor: Actor) -> None:
    from engine.people import policy  # policy writes through this module

    policy.require(uow, actor, "read_audit", "adgangslog", Message("engine.audit.forbidden"))


def _entries_in(uow: UnitOfWork, actor: Actor, youth_id: int | None, username: str | None, since: datetime | None,
                limit: int, action: str | None, until: datetime | None, offset: int) -> list[dict]:
    """The entries, read and their reading logged inside the caller's unit of work (not committed)."""
    query = (select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
             .limit(max(1, min(limit, MAX_ENTRIES))).offset(max(0, offset)))
    if youth_id is not None:
        query = query.where(AuditEntry.youth_id == youth_id)
    if username:
        query = query.where(AuditEntry.username == username)
    if action:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    entries = [{"at": row.at.isoformat(), "user": row.username, "action": row.action,
                "youth_id": row.youth_id, "detail": row.detail} for row in uow.session.scalars(query)]
    record(uow, actor, "audit_read", youth_id, f"{len(entries)} rækker")
    return entries


def _actions_in(uow: UnitOfWork) -> list[str]:
    """The actions the log holds, for a filter."""
    return sorted(a for a in uow.session.scalars(select(AuditEntry.action).distinct()) if a)
