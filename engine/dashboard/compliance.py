"""Compliance with the deadline rules (5 working days to contact, 30 days to an activity), per week."""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.dashboard.config import DeadlineRule
from engine.dashboard.scope import DONE, Scope, age_on, birthdate_bounds, envelope, local_date, resolve
from engine.dashboard.stats import epoch_seconds
from engine.dashboard.workdays import add_working_days
from engine.people.access import Actor
from engine.platform.models import Task, Youth

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

TARGET = 1.0


def deadline_for(rule: DeadlineRule, started: date) -> date:
    """The last day on which the rule is still met (see :class:`DeadlineRule`)."""
    if rule.unit == "working_days":
        return add_working_days(started, rule.limit)
    return started + timedelta(days=rule.limit)


def compliance(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Per rule and ISO week (Monday) of the period: courses whose clock started that week.

    ``met``: stopped by the deadline; ``missed``: stopped after it, or not stopped and the deadline has
    passed; ``pending``: not stopped and the deadline not yet passed (not counted in the share).
    ``share_met`` = met / (met + missed), against the target 1.0 (100 %). The age band filter, like
    the rule's own, is counted on the day the clock started.
    """
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        facts = _clock_times(uow, scope, scope.config.deadline_rules)
    weeks = _weeks(scope.start, scope.end)
    rows = []
    counted = 0
    for rule in scope.config.deadline_rules:
        tally: dict[date, dict[str, int]] = defaultdict(lambda: {"met": 0, "missed": 0, "pending": 0})
        for started, stopped, birthdate in facts[rule.key]:
            start_day = local_date(started)
            if not scope.start <= start_day <= scope.end:
                continue
            age = age_on(birthdate, start_day)
            if not rule.age_from <= age <= rule.age_to:
                continue
            if scope.age_band is not None and not scope.age_band[0] <= age <= scope.age_band[1]:
                continue
            deadline = deadline_for(rule, start_day)
            if stopped is not None and local_date(stopped) <= deadline:
                outcome = "met"
            elif stopped is not None or scope.today > deadline:
                outcome = "missed"
            else:
                outcome = "pending"
            tally[start_day - timedelta(days=start_day.weekday())][outcome] += 1
            counted += 1
        for monday in weeks:
            counts = tally[monday]
            due = counts["met"] + counts["missed"]
            iso = monday.isocalendar()
            rows.append({"rule": rule.key, "label": rule.label, "week": f"{iso.year}-W{iso.week:02d}",
                         "week_start": monday.isoformat(), "due": due, **counts,
                         "share_met": round(counts["met"] / due, 4) if due else None})
    return envelope(scope, rows, empty=counted == 0, target=TARGET)


def _weeks(first: date, last: date) -> list[date]:
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def _clock_times(uow: UnitOfWork, scope: Scope, rules: tuple[DeadlineRule, ...]
                 ) -> dict[str, list[tuple[datetime, datetime | None, date]]]:
    """Per rule: (first start-element completion, first end-element completion at or after it,
    birthdate) for each course whose start element was completed in the period (whether that was the
    course's first is checked here, from all its completions). One query serves every rule."""
    if not rules:
        return {}
    # Only young people who can be in a rule's age band on some day of the period (checked exactly below).
    born_after = min(birthdate_bounds(scope.start, rule.age_from, rule.age_to)[0] for rule in rules)
    born_by = max(birthdate_bounds(scope.end, rule.age_from, rule.age_to)[1] for rule in rules)
    starts_in_period = select(Task.instance_id).join(Youth, Youth.id == Task.youth_id).where(
        Task.element_id.in_(sorted({rule.start_element for rule in rules})), DONE,
        Task.completed_at >= scope.period_start, Task.completed_at < scope.period_end,
        Youth.birthdate > born_after, Youth.birthdate <= born_by, *scope.task_conditions(with_age=False))
    elements = sorted({rule.start_element for rule in rules} | {rule.end_element for rule in rules})
    found = uow.session.execute(
        select(Task.instance_id, Task.element_id, epoch_seconds(Task.completed_at), Youth.birthdate)
        .join(Youth, Youth.id == Task.youth_id)
        .where(DONE, Task.element_id.in_(elements), Task.instance_id.in_(starts_in_period))).all()
    done: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    born: dict[int, date] = {}
    for instance_id, element, at, birthdate in found:
        born[instance_id] = birthdate
        done[instance_id][element].append(at)
    result: dict[str, list[tuple[datetime, datetime | None, date]]] = {rule.key: [] for rule in rules}
    for instance_id, times in done.items():
        for rule in rules:
            if not times[rule.start_element]:
                continue
            start = min(times[rule.start_element])
            stop = min((at for at in times[rule.end_element] if at >= start), default=None)
            result[rule.key].append((_moment(start), _moment(stop) if stop is not None else None, born[instance_id]))
    return result


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(round(seconds, 3), tz=UTC)
