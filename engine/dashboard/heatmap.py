"""Heatmap: per diagram element, how many young people wait there now and for how long."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func

from engine.dashboard.scope import OPEN, envelope, resolve
from engine.dashboard.stats import epoch_seconds, grouped_figures, rounded
from engine.people.access import Actor
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
        where = [OPEN, *scope.task_conditions()]
        figures = grouped_figures(uow.session, Task.element_id,
                                  [func.max(Task.name), func.count(), func.sum(case((Task.due_at < scope.now, 1), else_=0))],
                                  (scope.now.timestamp() - epoch_seconds(Task.created_at)) / 3600.0, where)
    rows = [{"element_id": element, "name": name, "waiting": int(count), "median_wait_hours": rounded(p50),
             "p90_wait_hours": rounded(p90), "overdue": int(overdue or 0)}
            for element, ((name, count, overdue), (p50, p90)) in figures.items()]
    rows.sort(key=lambda r: (-r["waiting"], r["element_id"]))
    return envelope(scope, rows)
