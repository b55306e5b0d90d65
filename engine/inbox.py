"""The inbox ("Mine opgaver"): the tasks a user may act on, with counts per filter.

Personal tasks (claimed by the user, or narrowed to them) come first, then the role queues; each
part is sorted by due date. Counts per filter value are computed over the tasks the other filters
leave, so a count always tells how many tasks choosing that value would show.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, or_, select

from engine import audit
from engine.access import Actor
from engine.models import Task, Youth
from engine.tasks import actionable
from engine.views import iso

if TYPE_CHECKING:
    from engine.uow import UnitOfWork

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
    now = uow.engine.clock.now()
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
    with uow:
        where = conditions(filters)
        total = uow.session.scalar(select(func.count()).select_from(Task).where(*where)) or 0
        overdue_count = uow.session.scalar(select(func.count()).select_from(Task).where(
            *conditions(replace(filters, overdue=False)), Task.due_at < now)) or 0
        roles = [{"value": role, "count": count} for role, count in grouped(Task.role, without={"role": None})
                 if role is not None]
        steps = [{"value": element_id, "name": name, "count": count}
                 for element_id, name, count in grouped(Task.element_id, Task.name, without={"element_id": None})]
        youth_counts = grouped(Task.youth_id, without={"youth_id": None}, limit=MAX_YOUTH_FACETS)
        rows = uow.session.execute(
            select(Task, Youth.name, case((mine, 0), else_=1).label("queue"))
            .join(Youth, Youth.id == Task.youth_id).where(*where)
            .order_by(case((mine, 0), else_=1), Task.due_at.is_(None), Task.due_at, Task.created_at, Task.id)
            .limit(size).offset((page - 1) * size)).all()
        names = {row.id: row.name for row in uow.session.execute(select(Youth.id, Youth.name).where(
            Youth.id.in_([youth_id for youth_id, _count in youth_counts])))} if youth_counts else {}
        youths = sorted(({"value": youth_id, "name": names.get(youth_id, ""), "count": count}
                         for youth_id, count in youth_counts), key=lambda y: y["name"].lower())
        tasks = [{**_row(task, now), "youth_name": youth_name, "personal": queue == 0}
                 for task, youth_name, queue in rows]
        audit.record_many(uow, actor, "inbox_viewed", [t["youth_id"] for t in tasks])
        uow.commit()
    return {"tasks": tasks, "total": int(total), "page": page, "pages": max(1, -(-int(total) // size)),
            "counts": {"roles": roles, "steps": steps, "youths": youths, "overdue": int(overdue_count)}}


def _row(task: Task, now: Any) -> dict[str, Any]:
    return {"id": task.id, "instance_id": task.instance_id, "youth_id": task.youth_id,
            "element_id": task.element_id, "name": task.name, "role": task.role, "assignee": task.assignee,
            "created_at": iso(task.created_at), "due_at": iso(task.due_at), "due": task.due_at,
            "overdue": task.due_at is not None and task.due_at < now}
