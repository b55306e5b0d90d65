"""Every dashboard figure against a generated history, computed again here in plain Python.

The history (tests/dashboard_history.py) drives the real engine under a frozen clock: many young
people, random paths, known times. The expected figures below are worked out from the generator's
own record of what happened, with their own percentile and working-day code, not the dashboard's.
"""
from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from engine.bootstrap import bootstrap
from engine.dashboard import caseload, compliance, config, funnel, heatmap, outcomes, overdue, steps, waiting
from engine.dashboard.workdays import danish_holidays
from engine.platform.clock import FrozenClock
from engine.platform.models import AuditEntry
from tests.conftest import ADMIN, COORDINATOR, OWNER, POSTGRES_URL, START, _empty_postgres
from tests.dashboard_history import History, make_history

LOCAL = ZoneInfo("Europe/Copenhagen")
PERIOD = {"start": "2026-01-05", "end": "2026-05-31"}
# Danish public holidays in 2026, written out by hand (Easter Sunday and Whit Sunday fall on Sundays).
HOLIDAYS_2026 = {date(2026, 1, 1), date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 5), date(2026, 4, 6),
                 date(2026, 5, 14), date(2026, 5, 24), date(2026, 5, 25), date(2026, 12, 25), date(2026, 12, 26)}


@pytest.fixture(scope="module")
def simulated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One engine and one history for the whole module (the simulation takes a while)."""
    from engine.definitions.process_files import files_from_paths
    from tests.conftest import PROCESSES

    if POSTGRES_URL:
        url = request.getfixturevalue("postgres_migrated")
        _empty_postgres(url)
    else:
        path = tmp_path_factory.mktemp("dashboard") / "samspil.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    clock = FrozenClock(START)
    engine = bootstrap(url, clock, secret_key="test-secret")
    history = make_history(engine, clock, files_from_paths([PROCESSES]))
    yield engine, history
    engine.db.dispose()


# Independent arithmetic -------------------------------------------------------------------------

def pct(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    below = int(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] * (1 - (rank - below)) + ordered[above] * (rank - below)


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    return abs(actual - expected) <= 0.0051


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def age(born: date, day: date) -> int:
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def working_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS_2026:
            count -= 1
    return day


PERIOD_START, PERIOD_END = midnight(date(2026, 1, 5)), midnight(date(2026, 6, 1))
REFERENCE = date(2026, 5, 31)


def kept(history: History, team: str | None = None, band: tuple[int, int] | None = None,
         version: int | None = None, on: date = REFERENCE) -> set[int]:
    return {c.instance_id for c in history.courses.values()
            if (team is None or c.team == team) and (version is None or c.version == version)
            and (band is None or band[0] <= age(c.birthdate, on) <= band[1])}


FILTERS = [({}, {}), ({"team": "nord"}, {"team": "nord"}), ({"age_band": "15-17"}, {"band": (15, 17)}),
           ({"version": "2"}, {"version": 2}), ({"team": "syd", "age_band": "18-24"}, {"team": "syd", "band": (18, 24)})]


# The figures ------------------------------------------------------------------------------------

def test_the_history_has_enough_of_everything_to_test_with(simulated):
    _, history = simulated
    elements = Counter(t.element_id for t in history.tasks.values())
    assert len(history.courses) == 60
    assert {"henvisning", "k_moede", "accepter_guide", "uddannelsesplan", "opfoelgning", "eskalering",
            "overdragelse"} <= set(elements)
    assert any(t.cancelled_at for t in history.tasks.values())
    assert sum(1 for t in history.tasks.values() if t.open) >= 5
    assert {c.version for c in history.courses.values()} == {1, 2}


def test_working_days_skip_weekends_and_danish_public_holidays():
    assert danish_holidays(2026) == HOLIDAYS_2026
    # Wednesday 1 April 2026: Maundy Thursday, Good Friday, the weekend and Easter Monday do not count.
    assert compliance.deadline_for(config.DEFAULT.deadline_rules[0], date(2026, 4, 1)) == date(2026, 4, 13)
    assert compliance.deadline_for(config.DEFAULT.deadline_rules[1], date(2026, 4, 1)) == date(2026, 5, 1)


@pytest.mark.parametrize("given, keep", FILTERS)
def test_the_heatmap_counts_who_waits_at_each_element_and_for_how_long(simulated, given, keep):
    engine, history = simulated
    courses = kept(history, on=local_day(history.now), **keep)
    now = history.now
    waiting_at: dict[str, list[Any]] = defaultdict(list)
    for task in history.tasks.values():
        if task.open and task.instance_id in courses:
            waiting_at[task.element_id].append(task)
    result = heatmap.heatmap(engine.reader(), COORDINATOR, "samarbejdsmodel", **given)
    rows = {row["element_id"]: row for row in result["rows"]}
    assert set(rows) == set(waiting_at)
    for element, open_tasks in waiting_at.items():
        waits = [hours(now - t.created_at) for t in open_tasks]
        row = rows[element]
        assert row["waiting"] == len(open_tasks)
        assert close(row["median_wait_hours"], pct(waits, 0.5))
        assert close(row["p90_wait_hours"], pct(waits, 0.9))
        assert row["overdue"] == sum(1 for t in open_tasks if t.due_at and t.due_at < now)


def test_the_waiting_list_names_everyone_waiting_at_the_busiest_element(simulated):
    engine, history = simulated
    now = history.now
    open_tasks = [t for t in history.tasks.values() if t.open]
    busiest = Counter(t.element_id for t in open_tasks).most_common(1)[0][0]
    result = waiting.waiting_at(engine.uow(), COORDINATOR, "samarbejdsmodel", busiest)
    expected = sorted((t for t in open_tasks if t.element_id == busiest), key=lambda t: (t.created_at, t.task_id))
    assert [row["task_id"] for row in result["rows"]] == [t.task_id for t in expected]
    for row, task in zip(result["rows"], expected, strict=True):
        assert close(row["waiting_hours"], hours(now - task.created_at))
        assert row["overdue"] == bool(task.due_at and task.due_at < now)
        assert row["youth_id"] == task.youth_id and row["youth_name"].startswith("Ung ")
    with engine.reader() as uow:
        logged = uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "dashboard_waiting_list", AuditEntry.username == COORDINATOR.username))
    assert logged == len({t.youth_id for t in expected})


@pytest.mark.parametrize("given, keep", FILTERS)
def test_step_statistics_over_a_period_match_the_history(simulated, given, keep):
    engine, history = simulated
    now = history.now
    courses = kept(history, **keep)
    result = steps.step_statistics(engine.reader(), COORDINATOR, "samarbejdsmodel", **PERIOD, **given)
    rows = {row["element_id"]: row for row in result["rows"]}
    mine = [t for t in history.tasks.values() if t.instance_id in courses]
    open_by = defaultdict(list)
    done_by = defaultdict(list)
    for task in mine:
        if task.open:
            open_by[task.element_id].append(task)
        elif task.completed_at and PERIOD_START <= task.completed_at < PERIOD_END:
            done_by[task.element_id].append(task)
    assert set(rows) == set(open_by) | set(done_by)
    for element, row in rows.items():
        waits = [hours(now - t.created_at) for t in open_by[element]]
        spent = [hours(t.completed_at - t.created_at) for t in done_by[element]]
        assert row["waiting_now"] == len(waits)
        assert close(row["median_wait_hours"], pct(waits, 0.5)) and close(row["p90_wait_hours"], pct(waits, 0.9))
        assert row["overdue_now"] == sum(1 for t in open_by[element] if t.due_at and t.due_at < now)
        assert row["completed"] == len(spent)
        assert close(row["median_hours_spent"], pct(spent, 0.5)) and close(row["p90_hours_spent"], pct(spent, 0.9))
        assert row["completed_late"] == sum(1 for t in done_by[element] if t.due_at and t.completed_at > t.due_at)


@pytest.mark.parametrize("given, keep", FILTERS)
def test_the_funnel_counts_courses_reaching_each_step_and_the_time_between_steps(simulated, given, keep):
    engine, history = simulated
    courses = kept(history, **keep)
    cohort = {c.instance_id for c in history.courses.values()
              if c.instance_id in courses and PERIOD_START <= c.created_at < PERIOD_END}
    first_done: dict[int, dict[str, datetime]] = defaultdict(dict)
    for task in history.tasks.values():
        if task.instance_id in cohort and task.completed_at:
            known = first_done[task.instance_id].get(task.element_id)
            first_done[task.instance_id][task.element_id] = min(known, task.completed_at) if known else task.completed_at
    order = ["henvisning", "k_moede", "accepter_guide", "uddannelsesplan", "opfoelgning", "overdragelse"]
    result = funnel.funnel(engine.reader(), COORDINATOR, "samarbejdsmodel", **PERIOD, **given)
    assert result["cohort"] == len(cohort)
    assert [row["element_id"] for row in result["rows"]] == order
    for index, (element, row) in enumerate(zip(order, result["rows"], strict=True)):
        reached = [done for done in first_done.values() if element in done]
        assert row["reached"] == len(reached)
        if index == 0:
            continue
        before = sum(1 for done in first_done.values() if order[index - 1] in done)
        first = sum(1 for done in first_done.values() if order[0] in done)
        assert row["conversion"] == (round(len(reached) / before, 4) if before else None)
        assert row["conversion_from_first"] == (round(len(reached) / first, 4) if first else None)
        gaps = [hours(done[element] - done[order[index - 1]]) for done in reached if order[index - 1] in done]
        from_first = [hours(done[element] - done[order[0]]) for done in reached if order[0] in done]
        assert close(row["median_hours_from_previous"], median(gaps) if gaps else None)
        assert close(row["median_hours_from_first"], median(from_first) if from_first else None)


@pytest.mark.parametrize("given, keep", FILTERS)
def test_overdue_tasks_follow_ups_and_escalations_match_the_history(simulated, given, keep):
    engine, history = simulated
    now = history.now
    courses = kept(history, **keep)
    result = overdue.overdue(engine.reader(), COORDINATOR, "samarbejdsmodel", **PERIOD, **given)
    rows = {row["element_id"]: row for row in result["rows"]}
    mine = [t for t in history.tasks.values() if t.instance_id in courses]
    elements = {t.element_id for t in mine if t.open or PERIOD_START <= t.created_at < PERIOD_END}
    assert set(rows) == elements
    for element in elements:
        open_tasks = [t for t in mine if t.element_id == element and t.open]
        assert rows[element]["open_now"] == len(open_tasks)
        assert rows[element]["overdue_now"] == sum(1 for t in open_tasks if t.due_at and t.due_at < now)
        assert rows[element]["created_in_period"] == sum(
            1 for t in mine if t.element_id == element and PERIOD_START <= t.created_at < PERIOD_END)
    follow_ups = [t for t in mine if t.element_id == "opfoelgning" and t.open and t.due_at < now]
    escalations = [t for t in mine if t.element_id == "eskalering"]
    assert result["totals"] == {
        "overdue_tasks": sum(1 for t in mine if t.open and t.due_at and t.due_at < now),
        "overdue_follow_ups": len(follow_ups),
        "escalations_open": sum(1 for t in escalations if t.open),
        "escalations_in_period": sum(1 for t in escalations if PERIOD_START <= t.created_at < PERIOD_END)}


@pytest.mark.parametrize("given, keep", FILTERS)
def test_weekly_compliance_with_the_five_working_day_and_thirty_day_rules(simulated, given, keep):
    engine, history = simulated
    today = local_day(history.now)
    band = keep.get("band")
    courses = kept(history, **{k: v for k, v in keep.items() if k != "band"})
    rules = [("kontakt_5_hverdage", "henvisning", "k_moede", lambda d: working_days_after(d, 5)),
             ("aktivitet_30_dage", "k_moede", "uddannelsesplan", lambda d: d + timedelta(days=30))]
    expected: dict[tuple[str, date], Counter[str]] = defaultdict(Counter)
    for rule, start_element, end_element, deadline_of in rules:
        for course in history.courses.values():
            if course.instance_id not in courses:
                continue
            done = [t for t in history.tasks.values() if t.instance_id == course.instance_id and t.completed_at]
            starts = sorted(t.completed_at for t in done if t.element_id == start_element)
            if not starts:
                continue
            started = starts[0]
            ends = sorted(t.completed_at for t in done if t.element_id == end_element and t.completed_at >= started)
            day = local_day(started)
            years = age(course.birthdate, day)
            if not (date(2026, 1, 5) <= day <= REFERENCE and 15 <= years <= 17):
                continue
            if band and not band[0] <= years <= band[1]:
                continue
            deadline = deadline_of(day)
            if ends and local_day(ends[0]) <= deadline:
                outcome = "met"
            elif ends or today > deadline:
                outcome = "missed"
            else:
                outcome = "pending"
            expected[(rule, day - timedelta(days=day.weekday()))][outcome] += 1
    result = compliance.compliance(engine.reader(), COORDINATOR, "samarbejdsmodel", **PERIOD, **given)
    assert result["target"] == 1.0
    assert len(result["rows"]) == 2 * 21  # two rules, the 21 weeks from Monday 5 January to Sunday 31 May
    for row in result["rows"]:
        counts = expected[(row["rule"], date.fromisoformat(row["week_start"]))]
        assert (row["met"], row["missed"], row["pending"]) == (counts["met"], counts["missed"], counts["pending"])
        due = counts["met"] + counts["missed"]
        assert row["share_met"] == (round(counts["met"] / due, 4) if due else None)
    assert sum(row["met"] + row["missed"] for row in result["rows"]) > 0 or given


@pytest.mark.parametrize("given, keep", FILTERS)
def test_caseload_per_guide_and_case_coordinator_flags_those_above_the_band(simulated, given, keep, monkeypatch):
    engine, history = simulated
    monkeypatch.setitem(config.CONFIGS, "samarbejdsmodel", replace(config.DEFAULT, caseload_band=(2, 4)))
    courses = kept(history, on=local_day(history.now), **keep)
    closed = {t.instance_id for t in history.tasks.values()
              if t.completed_at and t.element_id in ("overdragelse", "luk_henvisning")}
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    for course in history.courses.values():
        if course.instance_id in courses and course.instance_id not in closed:
            for lane, username in course.people.items():
                people[(lane, username)].add(course.youth_id)
    result = caseload.caseload(engine.reader(), COORDINATOR, "samarbejdsmodel", **given)
    assert result["band"] == {"low": 2, "high": 4}
    got = {(row["lane"], row["username"]): row for row in result["rows"]}
    assert {key: row["young_people"] for key, row in got.items()} == {key: len(v) for key, v in people.items()}
    assert {key for key, row in got.items() if row["above_band"]} == {key for key, v in people.items() if len(v) > 4}
    assert result["flagged"] == sum(1 for v in people.values() if len(v) > 4)


@pytest.mark.parametrize("given, keep", FILTERS)
def test_outcomes_per_quarter_by_destination(simulated, given, keep):
    engine, history = simulated
    courses = kept(history, **keep)
    period = {"start": "2026-01-05", "end": "2026-07-20"}
    counts: Counter[tuple[str, str]] = Counter()
    for course in history.courses.values():
        at = course.handed_over_at
        if course.instance_id in courses and at and midnight(date(2026, 1, 5)) <= at < midnight(date(2026, 7, 21)):
            day = local_day(at)
            where = {"uddannelse": "education", "job": "job"}.get(course.reason, "other")
            counts[(f"{day.year}-Q{(day.month - 1) // 3 + 1}", where)] += 1
    result = outcomes.outcomes(engine.reader(), COORDINATOR, "samarbejdsmodel", **period,
                               **{k: v for k, v in given.items()})
    assert [row["quarter"] for row in result["rows"]] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    for row in result["rows"]:
        for destination in ("education", "job", "other"):
            assert row[destination] == counts[(row["quarter"], destination)], (row["quarter"], destination)
        assert row["total"] == sum(counts[(row["quarter"], d)] for d in ("education", "job", "other"))


def test_someone_handed_over_in_the_history_counts_as_an_outcome(simulated):
    engine, history = simulated
    assert any(c.handed_over_at for c in history.courses.values())
    result = outcomes.outcomes(engine.reader(), ADMIN, "samarbejdsmodel", start="2026-01-01", end="2026-12-31")
    assert sum(row["total"] for row in result["rows"]) == sum(1 for c in history.courses.values() if c.handed_over_at)


def test_a_process_owner_sees_figures_but_not_who_waits(simulated):
    from engine.platform.errors import Forbidden

    engine, _ = simulated
    assert heatmap.heatmap(engine.reader(), OWNER, "samarbejdsmodel")["rows"]
    with pytest.raises(Forbidden):
        waiting.waiting_at(engine.uow(), OWNER, "samarbejdsmodel", "k_moede")
