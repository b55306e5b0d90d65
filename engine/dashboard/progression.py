"""Progression: the young people's average change in their self-assessments, per quarter, by track and destination.

The change of one young person in a quarter is the mean score (over the scales) of their latest
self-assessment in that quarter minus the mean score of their very first one (their baseline, taken
whenever it was, on this process). A young person whose only assessment so far is the baseline has no
change yet and is not counted. The figure is the average of those changes over the young people with
an assessment in the quarter: overall, by the plan's positive destination, and by track (a young
person whose plan runs on two tracks counts in both), destination and tracks as the plan stood at the
quarter's latest assessment. Every quarter overlapping the period gets its overall row, empty or not.
"""
from __future__ import annotations

from collections import defaultdict
from statistics import fmean
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.dashboard.outcomes import _quarters, quarter_of
from engine.dashboard.scope import envelope, local_date, resolve
from engine.people.access import Actor
from engine.platform.models import ProcessInstance, SelfAssessment

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

DIMENSIONS = ("all", "destination", "track")


def mean_score(scores: dict[str, Any]) -> float | None:
    """The mean over the scales that hold a score (the stored shape: ``{scale: {"score": n, ...}}``)."""
    values = [entry.get("score") for entry in scores.values() if isinstance(entry, dict)]
    numbers = [value for value in values if isinstance(value, int)]
    return fmean(numbers) if numbers else None


def progression(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Rows ``{quarter, dimension, group, young_people, average_change}``; see the module's docstring."""
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        found = uow.session.execute(
            select(SelfAssessment.youth_id, SelfAssessment.taken_at, SelfAssessment.scores,
                   SelfAssessment.destination, SelfAssessment.tracks)
            .join(ProcessInstance, ProcessInstance.id == SelfAssessment.instance_id)
            .where(SelfAssessment.process_key == scope.process_key, SelfAssessment.taken_at < scope.period_end,
                   *scope.instance_conditions())
            .order_by(SelfAssessment.youth_id, SelfAssessment.taken_at, SelfAssessment.id)).all()
    baseline: dict[int, float] = {}
    latest: dict[tuple[str, int], tuple[float, str | None, list[str]]] = {}
    for youth_id, taken_at, scores, destination, tracks in found:
        score = mean_score(scores or {})
        if score is None:
            continue
        if youth_id not in baseline:
            baseline[youth_id] = score
            continue
        if taken_at >= scope.period_start:
            latest[(quarter_of(local_date(taken_at)), youth_id)] = (score, destination, list(tracks or []))
    changes: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for (quarter, youth_id), (score, destination, tracks) in latest.items():
        change = score - baseline[youth_id]
        changes[(quarter, "all", "")].append(change)
        changes[(quarter, "destination", destination or "")].append(change)
        for track in tracks:
            changes[(quarter, "track", track)].append(change)
    rows = []
    for quarter in _quarters(scope.start, scope.end):
        keys = sorted({(dim, group) for (q, dim, group) in changes if q == quarter} | {("all", "")},
                      key=lambda key: (DIMENSIONS.index(key[0]), key[1]))
        for dimension, group in keys:
            values = changes.get((quarter, dimension, group), [])
            rows.append({"quarter": quarter, "dimension": dimension, "group": group, "young_people": len(values),
                         "average_change": round(fmean(values), 2) if values else None})
    return envelope(scope, rows, empty=not latest)
