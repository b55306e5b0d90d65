"""Where young people wait: per diagram element, how many wait there now and for how long.

Two readings of the same figures, read from the task rows (never from workflow state), grouped in the
database with percentiles from :mod:`engine.dashboard.stats`: the dashboard's heatmap, within the
coordinator's scope and filters, and the bottleneck list that BI tools read from
``/api/v1/metrics/bottlenecks``.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func

from engine.dashboard.scope import OPEN, envelope, resolve
from engine.dashboard.stats import epoch_seconds, grouped_figures, rounded
from engine.people import policy
from engine.people.access import Actor
from engine.platform.messages import Message
from engine.platform.models import Task

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def heatmap(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Each element with open tasks: waiting now, median and p90 hours waited so far, overdue now.

    Waiting time runs from the task's creation to now. The period does not apply (this is now);
    the age band is counted on the reference date (see :class:`engine.dashboard.scope.Scope`).
    """
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        rows = _waiting(uow, scope.now, [OPEN, *scope.task_conditions()])
    for row in rows:
        del row["role"]
    return envelope(scope, rows)


def bottlenecks(uow: UnitOfWork, actor: Actor, process_key: str | None) -> list[dict[str, Any]]:
    """The heatmap's figures over every open task (of one process, if named), with each element's role."""
    policy.require(uow, actor, "view_metrics", "tal: flaskehalse", Message("engine.metrics.forbidden"))
    with uow:
        rows = _waiting(uow, uow.clock.now(), [OPEN] + ([Task.process_key == process_key] if process_key else []))
    for row in rows:
        row["median_wait_hours"] = row["median_wait_hours"] or 0.0
        row["p90_wait_hours"] = row["p90_wait_hours"] or 0.0
    return rows


def _waiting(uow: UnitOfWork, now: datetime, where: list[Any]) -> list[dict[str, Any]]:
    """Per element among the tasks ``where`` selects: name, role, waiting, p50/p90 hours, overdue; most waiting first."""
    figures = grouped_figures(
        uow.session, Task.element_id,
        [func.max(Task.name), func.max(Task.role), func.count(), func.sum(case((Task.due_at < now, 1), else_=0))],
        (now.timestamp() - epoch_seconds(Task.created_at)) / 3600.0, where)
    rows = [{"element_id": element, "name": name, "role": role, "waiting": int(count),
             "median_wait_hours": rounded(p50), "p90_wait_hours": rounded(p90), "overdue": int(overdue or 0)}
            for element, ((name, role, count, overdue), (p50, p90)) in figures.items()]
    return sorted(rows, key=lambda r: (-r["waiting"], r["element_id"]))
