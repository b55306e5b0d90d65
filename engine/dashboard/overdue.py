"""Overdue tasks, overdue follow-ups and escalations."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from engine.dashboard.scope import OPEN, envelope, resolve
from engine.people.access import Actor
from engine.platform.models import Task

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def overdue(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Per element with open or period tasks: ``open_now``, ``overdue_now`` (open and past the due time)
    and ``created_in_period``. ``kind`` says whether the element is a follow-up, an escalation (both
    from the process's dashboard configuration) or another task. The totals sum the rows by kind.
    """
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        base = scope.task_conditions()
        now_rows = {row[0]: row for row in uow.session.execute(
            select(Task.element_id, func.max(Task.name), func.count(),
                   func.sum(case((Task.due_at < scope.now, 1), else_=0)))
            .where(OPEN, *base).group_by(Task.element_id))}
        created = {row[0]: row for row in uow.session.execute(
            select(Task.element_id, func.max(Task.name), func.count())
            .where(Task.created_at >= scope.period_start, Task.created_at < scope.period_end, *base)
            .group_by(Task.element_id))}
    config = scope.config
    rows: list[dict[str, Any]] = []
    for element in sorted(set(now_rows) | set(created)):
        kind = ("follow_up" if element in config.follow_up_elements
                else "escalation" if element in config.escalation_elements else "task")
        open_row, created_row = now_rows.get(element), created.get(element)
        named = open_row if open_row is not None else created[element]  # the element is in one of them
        rows.append({"element_id": element, "name": named[1], "kind": kind,
                     "open_now": int(open_row[2]) if open_row else 0,
                     "overdue_now": int(open_row[3] or 0) if open_row else 0,
                     "created_in_period": int(created_row[2]) if created_row else 0})
    rows.sort(key=lambda r: (-r["overdue_now"], r["element_id"]))
    totals = {
        "overdue_tasks": sum(r["overdue_now"] for r in rows),
        "overdue_follow_ups": sum(r["overdue_now"] for r in rows if r["kind"] == "follow_up"),
        "escalations_open": sum(r["open_now"] for r in rows if r["kind"] == "escalation"),
        "escalations_in_period": sum(r["created_in_period"] for r in rows if r["kind"] == "escalation"),
    }
    return envelope(scope, rows, totals=totals)
