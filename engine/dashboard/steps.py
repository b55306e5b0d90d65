"""Step statistics: per element, waiting now, time spent on completed tasks, time open tasks have waited."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func

from engine.dashboard.scope import DONE, OPEN, envelope, resolve
from engine.dashboard.stats import epoch_seconds, grouped_figures, hours_between, rounded
from engine.people.access import Actor
from engine.platform.models import Task

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


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
        open_figures = grouped_figures(
            uow.session, Task.element_id,
            [func.max(Task.name), func.count(), func.sum(case((Task.due_at < scope.now, 1), else_=0))],
            (scope.now.timestamp() - epoch_seconds(Task.created_at)) / 3600.0, open_where)
        done_figures = grouped_figures(
            uow.session, Task.element_id,
            [func.max(Task.name), func.count(), func.sum(case((Task.completed_at > Task.due_at, 1), else_=0))],
            hours_between(Task.created_at, Task.completed_at), done_where)
    order = {step.element_id: index for index, step in enumerate(scope.config.funnel)}
    rows = []
    for element in sorted(set(open_figures) | set(done_figures), key=lambda e: (order.get(e, len(order)), e)):
        (open_name, waiting, overdue), (wait_p50, wait_p90) = open_figures.get(element, ((None, 0, 0), (None, None)))
        (done_name, completed, late), (spent_p50, spent_p90) = done_figures.get(element, ((None, 0, 0), (None, None)))
        rows.append({"element_id": element, "name": open_name or done_name, "waiting_now": int(waiting),
                     "median_wait_hours": rounded(wait_p50), "p90_wait_hours": rounded(wait_p90),
                     "overdue_now": int(overdue or 0), "completed": int(completed),
                     "median_hours_spent": rounded(spent_p50), "p90_hours_spent": rounded(spent_p90),
                     "completed_late": int(late or 0)})
    return envelope(scope, rows)
