"""The progression figure against a generated history of a year, computed again here in plain Python.

The history (tests/dashboard_history.py) lets young people fill in their self-assessment before each
follow-up (or not: then the follow-up goes ahead without it) with random scores. The expected figure
is worked out from the generator's own record of what was handed in, when, and how the plan stood.
"""
from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from statistics import fmean
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.bootstrap import bootstrap
from engine.dashboard import progression
from engine.platform.clock import FrozenClock
from engine.platform.errors import Forbidden
from tests.conftest import COORDINATOR, GUIDE, POSTGRES_URL, START, _empty_postgres
from tests.dashboard_history import History, make_history

LOCAL = ZoneInfo("Europe/Copenhagen")
PERIOD = {"start": "2026-01-05", "end": "2027-03-31"}


@pytest.fixture(scope="module")
def simulated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A year and a bit of courses, long enough for several follow-ups each."""
    from engine.definitions.process_files import files_from_paths
    from tests.conftest import PROCESSES

    if POSTGRES_URL:
        url = request.getfixturevalue("postgres_migrated")
        _empty_postgres(url)
    else:
        path = tmp_path_factory.mktemp("progression") / "samspil.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    clock = FrozenClock(START)
    engine = bootstrap(url, clock, secret_key="test-secret")
    history = make_history(engine, clock, files_from_paths([PROCESSES]), seed=12, young_people=24, days=440)
    yield engine, history
    engine.db.dispose()


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)


def quarter(moment: datetime) -> str:
    day = moment.astimezone(LOCAL).date()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def expected_changes(history: History, start: date, end: date, team: str | None = None) -> dict[tuple[str, str, str],
                                                                                                   list[float]]:
    """(quarter, dimension, group) -> each young person's change: latest in the quarter minus their first."""
    by_youth = defaultdict(list)
    for fact in sorted(history.assessments, key=lambda a: a.taken_at):
        if team is None or history.courses[fact.instance_id].team == team:
            by_youth[fact.youth_id].append(fact)
    changes: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for facts in by_youth.values():
        first = fmean(facts[0].scores.values())
        latest_in = {}
        for fact in facts[1:]:
            if midnight(start) <= fact.taken_at < midnight(end + timedelta(days=1)):
                latest_in[quarter(fact.taken_at)] = fact
        for q, fact in latest_in.items():
            change = fmean(fact.scores.values()) - first
            changes[(q, "all", "")].append(change)
            changes[(q, "destination", fact.destination or "")].append(change)
            for track in fact.tracks:
                changes[(q, "track", track)].append(change)
    return changes


@pytest.mark.parametrize("team", [None, "nord"])
def test_the_average_change_per_quarter_by_track_and_destination_matches_the_history(simulated, team):
    engine, history = simulated
    assert sum(1 for fact in history.assessments) >= 20, "the history should hold enough self-assessments"
    expected = expected_changes(history, date(2026, 1, 5), date(2027, 3, 31), team)
    assert any(dimension == "all" and len(values) >= (3 if team is None else 1)
               for (_, dimension, _), values in expected.items())
    filters = {**PERIOD, **({"team": team} if team else {})}
    result = progression.progression(engine.reader(), COORDINATOR, "samarbejdsmodel", **filters)
    rows = {(row["quarter"], row["dimension"], row["group"]): row for row in result["rows"]}
    assert [q for (q, d, _) in rows if d == "all"] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    for key, values in expected.items():
        assert rows[key]["young_people"] == len(values), key
        assert rows[key]["average_change"] == pytest.approx(fmean(values), abs=0.0051), key
    assert {key for key, row in rows.items() if row["young_people"]} == set(expected)


def test_the_progression_figure_comes_as_csv_and_is_refused_to_a_guide(simulated):
    engine, _ = simulated
    from web.figures import FIGURES

    assert FIGURES["progression"].columns == ["quarter", "dimension", "group", "young_people", "average_change"]
    with pytest.raises(Forbidden):
        progression.progression(engine.reader(), GUIDE, "samarbejdsmodel", **PERIOD)
