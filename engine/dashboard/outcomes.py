"""Outcomes: handovers by destination (education, job, other) per quarter."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.dashboard.config import DESTINATIONS
from engine.dashboard.scope import envelope, local_date, resolve
from engine.people.access import Actor
from engine.platform.models import CourseFacts, ProcessInstance

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def outcomes(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Per calendar quarter overlapping the period: handovers (completions of the outcome element)
    in the period by destination, read from the outcome variable (``afslutningsaarsag`` in the
    default course: uddannelse → education, job → job, anything else → other), and the share that
    reached education or a job.
    """
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        found = uow.session.execute(
            select(CourseFacts.outcome, CourseFacts.outcome_at)
            .join(ProcessInstance, ProcessInstance.id == CourseFacts.instance_id)
            .where(CourseFacts.outcome_at >= scope.period_start, CourseFacts.outcome_at < scope.period_end,
                   *scope.instance_conditions())).all()
    counts: Counter[tuple[str, str]] = Counter()
    for outcome, at in found:
        assert at is not None  # the period filter only finds courses with an outcome
        counts[(quarter_of(local_date(at)), outcome if outcome in DESTINATIONS else "other")] += 1
    rows = []
    for quarter in _quarters(scope.start, scope.end):
        figures = {destination: counts[(quarter, destination)] for destination in DESTINATIONS}
        total = sum(figures.values())
        rows.append({"quarter": quarter, **figures, "total": total,
                     "share_education_or_job": round((figures["education"] + figures["job"]) / total, 4)
                     if total else None})
    return envelope(scope, rows, empty=not found)


def _quarters(first: date, last: date) -> list[str]:
    quarters = []
    year, index = first.year, (first.month - 1) // 3
    while (year, index) <= (last.year, (last.month - 1) // 3):
        quarters.append(f"{year}-Q{index + 1}")
        year, index = (year + 1, 0) if index == 3 else (year, index + 1)
    return quarters
