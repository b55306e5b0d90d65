"""Where young people wait: figures read from the task rows, never from workflow state.

The dashboard's fuller figures are in :mod:`engine.dashboard`; this is the original bottleneck list,
computed the same way (grouped in the database, percentiles by :mod:`engine.dashboard.stats`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func

from engine.dashboard.scope import OPEN
from engine.dashboard.stats import epoch_seconds, grouped_figures, percentile, rounded
from engine.people import policy
from engine.people.access import Actor
from engine.platform.messages import Message
from engine.platform.models import Task

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

__all__ = ["bottlenecks", "percentile"]


def bottlenecks(uow: UnitOfWork, actor: Actor, process_key: str | None) -> list[dict[str, Any]]:
    """Per element with open tasks: how many wait now, their median and p90 wait, how many are overdue."""
    policy.require(uow, actor, "view_metrics", "tal: flaskehalse", Message("engine.metrics.forbidden"))
    with uow:
        now = uow.engine.clock.now()
        where = [OPEN] + ([Task.process_key == process_key] if process_key else [])
        figures = grouped_figures(
            uow.session, Task.element_id,
            [func.max(Task.name), func.max(Task.role), func.count(), func.sum(case((Task.due_at < now, 1), else_=0))],
            (now.timestamp() - epoch_seconds(Task.created_at)) / 3600.0, where)
    result = [{"element_id": element, "name": name, "role": role, "waiting": int(count),
               "median_wait_hours": rounded(p50) or 0.0, "p90_wait_hours": rounded(p90) or 0.0,
               "overdue": int(overdue or 0)}
              for element, ((name, role, count, overdue), (p50, p90)) in figures.items()]
    return sorted(result, key=lambda r: (-r["waiting"], r["element_id"]))
