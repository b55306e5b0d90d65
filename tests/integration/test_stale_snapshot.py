"""The rerun of :func:`engine.platform.uow.while_code_runs` on SQLite: a real stale WAL snapshot, not a stand-in.

An operation that has read (its snapshot taken) and then finds that another writer committed
before its first write is refused by SQLite at once; it runs again from the start on fresh data,
and one that keeps losing ends as a Conflict (409), never half-applied.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.platform import uow as uow_module
from engine.platform.errors import Conflict
from engine.platform.models import User
from engine.platform.uow import CODE_ATTEMPTS, while_code_runs


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """These tests are about SQLite's write lock and WAL snapshots: SQLite on every run, PostgreSQL's too."""
    return sqlite_database_url


def rename(engine, username: str, full_name: str) -> None:
    with engine.uow() as other:
        other.session.scalars(select(User).where(User.username == username)).one().full_name = full_name
        other.commit()


@pytest.fixture
def no_pause(monkeypatch):
    monkeypatch.setattr(uow_module.time, "sleep", lambda seconds: None)


@pytest.mark.usefixtures("people", "no_pause")
def test_an_operation_whose_snapshot_went_stale_runs_again_on_fresh_data(engine):
    unit = engine.uow()
    seen: list[str] = []

    def operation() -> str:
        with unit:
            user = unit.session.scalars(select(User).where(User.username == "sara")).one()   # snapshot taken
            seen.append(user.full_name or "")
            if len(seen) == 1:
                rename(engine, "sara", "Sara Ny")   # another writer commits meanwhile: no wait, no lock held
            user.email = "sara@example.org"
            unit.commit()                            # the first write: refused on the stale snapshot
            return user.full_name or ""

    assert while_code_runs(unit, operation) == "Sara Ny"
    assert len(seen) == 2 and seen[1] == "Sara Ny"
    with engine.reader() as reader:
        user = reader.session.scalars(select(User).where(User.username == "sara")).one()
        assert (user.full_name, user.email) == ("Sara Ny", "sara@example.org")


@pytest.mark.usefixtures("people", "no_pause")
def test_an_operation_that_always_loses_the_race_is_a_conflict_and_writes_nothing(engine):
    unit = engine.uow()
    attempts: list[int] = []

    def operation() -> None:
        with unit:
            unit.session.scalars(select(User).where(User.username == "sara")).one()
            attempts.append(1)
            rename(engine, "sara", f"Sara {len(attempts)}")
            unit.session.scalars(select(User).where(User.username == "kim")).one().email = "kim@example.org"
            unit.commit()

    with pytest.raises(Conflict):
        while_code_runs(unit, operation)
    assert len(attempts) == CODE_ATTEMPTS
    with engine.reader() as reader:
        assert reader.session.scalars(select(User).where(User.username == "kim")).one().email != "kim@example.org"
