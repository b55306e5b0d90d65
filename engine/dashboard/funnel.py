"""The funnel referral → k-meeting → guide → plan → follow-up → handover, with the time between steps."""
from __future__ import annotations

from collections.abc import Sequence
from statistics import median
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from engine.dashboard.scope import DONE, envelope, resolve
from engine.dashboard.stats import epoch_seconds, rounded
from engine.people.access import Actor
from engine.platform.models import ProcessInstance, Task

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def funnel(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Courses started in the period (the cohort), and how many of them reached each step.

    A course reaches a step when a task of the step's element is first completed (the steps come from
    :class:`engine.dashboard.config.DashboardConfig`). Per step: ``reached``; ``conversion`` from the
    step before and ``conversion_from_first``; and the median hours from the step before and from the
    first step (over the courses that reached both), e.g. referral to guide.
    """
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        steps = scope.config.funnel
        cohort = select(ProcessInstance.id).where(ProcessInstance.created_at >= scope.period_start,
                                                  ProcessInstance.created_at < scope.period_end,
                                                  *scope.instance_conditions())
        columns = [func.min(case((Task.element_id == step.element_id, epoch_seconds(Task.completed_at))))
                   for step in steps]
        reached_at = uow.session.execute(
            select(Task.instance_id, *columns)
            .where(DONE, Task.element_id.in_([s.element_id for s in steps]),
                   Task.instance_id.in_(cohort))
            .group_by(Task.instance_id)).all()
        cohort_size = uow.session.scalar(select(func.count()).select_from(cohort.subquery())) or 0
    rows: list[dict[str, Any]] = []
    for index, step in enumerate(steps):
        times = [row[index + 1] for row in reached_at]
        reached = sum(1 for t in times if t is not None)
        previous = rows[-1]["reached"] if rows else None
        first = rows[0]["reached"] if rows else reached
        rows.append({
            "step": index + 1, "element_id": step.element_id, "label": step.label, "reached": reached,
            "conversion": round(reached / previous, 4) if previous else None,
            "conversion_from_first": round(reached / first, 4) if first else None,
            "median_hours_from_previous": _median_gap(reached_at, index, index + 1) if index else None,
            "median_hours_from_first": _median_gap(reached_at, 1, index + 1) if index else None,
        })
    return envelope(scope, rows, empty=cohort_size == 0, cohort=int(cohort_size))


def _median_gap(rows: Sequence[Any], start_column: int, end_column: int) -> float | None:
    gaps = [(row[end_column] - row[start_column]) / 3600 for row in rows
            if row[start_column] is not None and row[end_column] is not None]
    return rounded(median(gaps)) if gaps else None
