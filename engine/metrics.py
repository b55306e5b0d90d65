"""Where young people wait: figures read from the task rows, never from workflow state."""
from __future__ import annotations

from collections import defaultdict
from statistics import median
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.access import Actor
from engine.errors import Forbidden
from engine.models import Task

if TYPE_CHECKING:
    from engine.uow import UnitOfWork

METRICS_ROLES = ("ungekoordinator", "admin", "procesejer")


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (the same as PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def bottlenecks(uow: UnitOfWork, actor: Actor, process_key: str | None) -> list[dict[str, Any]]:
    """Per element with open tasks: how many wait now, their median and p90 wait, how many are overdue."""
    if not actor.has_any(*METRICS_ROLES):
        raise Forbidden("Kun koordinatorer, procesejere og administratorer kan se nøgletal")
    with uow:
        now = uow.engine.clock.now()
        query = select(Task.element_id, Task.name, Task.role, Task.created_at, Task.due_at).where(Task.state == "ready")
        if process_key:
            query = query.where(Task.process_key == process_key)
        waits: dict[str, list[float]] = defaultdict(list)
        info: dict[str, tuple[str, str | None]] = {}
        overdue: dict[str, int] = defaultdict(int)
        for row in uow.session.execute(query):
            waits[row.element_id].append((now - row.created_at).total_seconds() / 3600)
            info[row.element_id] = (row.name, row.role)
            if row.due_at is not None and row.due_at < now:
                overdue[row.element_id] += 1
    result = [{"element_id": element, "name": info[element][0], "role": info[element][1], "waiting": len(hours),
               "median_wait_hours": round(median(hours), 2), "p90_wait_hours": round(percentile(hours, 0.9) or 0, 2),
               "overdue": overdue[element]} for element, hours in waits.items()]
    return sorted(result, key=lambda r: (-r["waiting"], r["element_id"]))
