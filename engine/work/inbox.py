"""The inbox ("Mine opgaver"): the tasks a user may act on, with counts per filter.

Personal tasks (claimed by the user, or narrowed to them) come first, then the role queues; each
part is sorted by due date. Counts per filter value are computed over the tasks the other filters
leave, so a count always tells how many tasks choosing that value would show.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, or_, select

from engine.courses.notices import unread_notices_in
from engine.people import audit
from engine.people.access import Actor
from engine.platform.models import Task, Youth
from engine.platform.views import iso
from engine.work.tasks import actionable

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

PAGE_SIZE = 50
MAX_YOUTH_FACETS = 100


@dataclass(frozen=True)
class InboxFilter:
    role: str | None = None
    element_id: str | None = None
    overdue: bool = False
    youth_id: int | None = None
    page: int = 1
    page_size: int = PAGE_SIZE


def inbox(uow: UnitOfWork, actor: Actor, filters: InboxFilter) -> dict[str, Any]:
    """The actor's open tasks, one page of them, with the counts the filters offer; the view logged."""
    with uow:
        found = inbox_in(uow, actor, filters)
        uow.commit()
        return found


def inbox_page(uow: UnitOfWork, actor: Actor, filters: InboxFilter) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The inbox page's one call: :func:`inbox` and the actor's unread notices, in one transaction."""
    with uow:
        found = inbox_in(uow, actor, filters)
        unread = unread_notices_in(uow, actor)
        uow.commit()
        return found, unread


def inbox_in(uow: UnitOfWork, actor: Actor, filters: InboxFilter) -> dict[str, Any]:
    """:func:`inbox` inside the caller's unit of work (not committed)."""
    now = uow.clock.now()
    mine = or_(Task.assignee == actor.username, Task.personal.is_(True))

    def conditions(f: InboxFilter) -> list[Any]:
        where = [actionable(actor)]
        if f.role:
            where.append(Task.role == f.role)
        if f.element_id:
            where.append(Task.element_id == f.element_id)
        if f.overdue:
            where.append(Task.due_at < now)
        if f.youth_id is not None:
            where.append(Task.youth_id == f.youth_id)
        return where

    def grouped(column: Any, *extra: Any, without: dict[str, Any], limit: int | None = None) -> list[Any]:
        query = (select(column, *extra, func.count()).where(*conditions(replace(filters, **without)))
                 .group_by(column, *extra).order_by(func.count().desc(), column))
        return list(uow.session.execute(query.limit(limit) if limit else query))

    page = max(1, filters.page)
    size = max(1, min(filters.page_size, 200))
    where = conditions(filters)
    # One pass over the tasks the role and step filters would leave, grouped by both: the
    # role counts, the step counts, the total and the overdue count all follow from it.
    late = case((Task.due_at < now, 1), else_=0)
    cells = uow.session.execute(
        select(Task.role, Task.element_id, Task.name, func.count(), func.sum(late))
        .where(*conditions(replace(filters, role=None, element_id=None)))
        .group_by(Task.role, Task.element_id, Task.name)).all()
    role_counts: dict[str, int] = {}
    step_counts: dict[tuple[str, str], int] = {}
    total = overdue_count = 0
    for role, element_id, name, count, overdue in cells:
        if filters.element_id in (None, element_id) and role is not None:
            role_counts[role] = role_counts.get(role, 0) + count
        if filters.role in (None, role):
            step_counts[(element_id, name)] = step_counts.get((element_id, name), 0) + count
            if filters.element_id in (None, element_id):
                total += count
                overdue_count += int(overdue or 0)
    if filters.overdue:  # the overdue count does not follow the overdue filter itself
        overdue_count = uow.session.scalar(select(func.count()).select_from(Task).where(
            *conditions(replace(filters, overdue=False)), Task.due_at < now)) or 0
    roles = [{"value": role, "count": count}
             for role, count in sorted(role_counts.items(), key=lambda item: (-item[1], item[0]))]
    steps = [{"value": element_id, "name": name, "count": count}
             for (element_id, name), count in sorted(step_counts.items(), key=lambda item: (-item[1], item[0]))]
    youth_counts = grouped(Task.youth_id, without={"youth_id": None}, limit=MAX_YOUTH_FACETS)
    rows = uow.session.execute(
        select(Task, case((mine, 0), else_=1).label("queue")).where(*where)
        .order_by(case((mine, 0), else_=1), Task.due_at.is_(None), Task.due_at, Task.created_at, Task.id)
        .limit(size).offset((page - 1) * size)).all()
    wanted = {youth_id for youth_id, _count in youth_counts} | {task.youth_id for task, _queue in rows}
    names = {row.id: row.name for row in uow.session.execute(
        select(Youth.id, Youth.name).where(Youth.id.in_(wanted)))} if wanted else {}
    youths = sorted(({"value": youth_id, "name": names.get(youth_id, ""), "count": count}
                     for youth_id, count in youth_counts), key=lambda y: y["name"].lower())
    tasks = [{**_row(task, now), "youth_name": names.get(task.youth_id, ""), "personal": queue == 0}
             for task, queue in rows]
    audit.record_many(uow, actor, "inbox_viewed", [t["youth_id"] for t in tasks])
    return {"tasks": tasks, "total": int(total), "page": page, "pages": max(1, -(-int(total) // size)),
            "counts": {"roles": roles, "steps": steps, "youths": youths, "overdue": int(overdue_count)}}


def _row(task: Task, now: Any) -> dict[str, Any]:
    return {"id": task.id, "instance_id": task.instance_id, "youth_id": task.youth_id,
            "element_id": task.element_id, "name": task.name, "role": task.role, "assignee": task.assignee,
            "created_at": iso(task.created_at), "due_at": iso(task.due_at), "due": task.due_at,
            "overdue": task.due_at is not None and task.due_at < now}
