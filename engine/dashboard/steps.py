"""Step statistics: per element, waiting now, time spent on completed tasks, time open tasks have waited."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from engine.access import Actor
from engine.dashboard.scope import DONE, OPEN, envelope, resolve
from engine.dashboard.stats import epoch_seconds, grouped_percentiles, hours_between, rounded
from engine.models import Task

if TYPE_CHECKING:
    from engine.uow import UnitOfWork


def step_statistics(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Per element (user task) that has open tasks now or tasks completed in the period:

    - ``waiting_now``, ``median_wait_hours``, ``p90_wait_hours``, ``overdue_now``: open tasks now, hours
      from creation to now, and those past their due time;
    - ``completed``, ``median_hours_spent``, ``p90_hours_spent``, ``completed_late``: tasks completed in
      the period, hours from creation to completion, and those completed after their due time.
    Cancelled tasks count in neither.
    """
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        base = scope.task_conditions()
        open_where = [OPEN, *base]
        done_where = [DONE, Task.completed_at >= scope.period_start,
                      Task.completed_at < scope.period_end, *base]
        session = uow.session
        open_counts = {row[0]: row for row in session.execute(
            select(Task.element_id, func.max(Task.name), func.count(),
                   func.sum(case((Task.due_at < scope.now, 1), else_=0))).where(*open_where).group_by(Task.element_id))}
        done_counts = {row[0]: row for row in session.execute(
            select(Task.element_id, func.max(Task.name), func.count(),
                   func.sum(case((Task.completed_at > Task.due_at, 1), else_=0))).where(*done_where)
            .group_by(Task.element_id))}
        waits = grouped_percentiles(session, Task.element_id,
                                    (scope.now.timestamp() - epoch_seconds(Task.created_at)) / 3600.0, open_where)
        spent = grouped_percentiles(session, Task.element_id, hours_between(Task.created_at, Task.completed_at),
                                    done_where)
    order = {step.element_id: index for index, step in enumerate(scope.config.funnel)}
    rows = []
    for element in sorted(set(open_counts) | set(done_counts), key=lambda e: (order.get(e, len(order)), e)):
        opened, done = open_counts.get(element), done_counts.get(element)
        wait, took = waits.get(element, (None, None)), spent.get(element, (None, None))
        rows.append({"element_id": element, "name": (opened or done)[1],
                     "waiting_now": int(opened[2]) if opened else 0,
                     "median_wait_hours": rounded(wait[0]), "p90_wait_hours": rounded(wait[1]),
                     "overdue_now": int(opened[3] or 0) if opened else 0,
                     "completed": int(done[2]) if done else 0,
                     "median_hours_spent": rounded(took[0]), "p90_hours_spent": rounded(took[1]),
                     "completed_late": int(done[3] or 0) if done else 0})
    return envelope(scope, rows)
