"""One transaction per service call, and a reading unit of work that cannot write or lock (issue 14).

Before, ``Engine.reader()`` handed out a unit of work that let a service take ``SELECT ... FOR
UPDATE`` and commit: a service given "a reader" could change data, and a page reading a task
locked it. ``users.login`` ran three transactions and ``register_referral`` two, so a failure
between them left half an operation behind. Each test is the bug it stops.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from engine.courses import referrals
from engine.people import users
from engine.platform.models import AuditEntry, LoginFailure, User
from engine.platform.uow import ReadOnlyViolation
from engine.work import tasks
from tests.conftest import CASEWORKER, PASSWORD
from tests.course import REFERRAL, open_task, start_course


@contextmanager
def transactions(engine: Any) -> Iterator[dict[str, int]]:
    """How many transactions begin and commit on the engine's connections meanwhile."""
    seen = {"begin": 0, "commit": 0}

    def began(*_: Any) -> None:
        seen["begin"] += 1

    def committed(*_: Any) -> None:
        seen["commit"] += 1

    event.listen(engine.db, "begin", began)
    event.listen(engine.db, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine.db, "begin", began)
        event.remove(engine.db, "commit", committed)


@contextmanager
def row_locks() -> Iterator[list[str]]:
    """Every ``SELECT ... FOR UPDATE`` the ORM is asked for meanwhile (SQLite drops the clause; this sees it)."""
    locks: list[str] = []

    def executing(state: ORMExecuteState) -> None:
        if state.is_select and getattr(state.statement, "_for_update_arg", None) is not None:
            locks.append(str(state.statement))

    event.listen(Session, "do_orm_execute", executing)
    try:
        yield locks
    finally:
        event.remove(Session, "do_orm_execute", executing)


def audit_rows(engine: Any) -> int:
    with engine.reader() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@pytest.mark.usefixtures("people")
def test_a_reader_that_adds_a_row_and_commits_is_refused_and_writes_nothing(engine):
    with pytest.raises(ReadOnlyViolation), engine.reader() as uow:
        uow.session.add(LoginFailure(username="mallory", source=None, at=engine.clock.now()))
        uow.commit()
    with pytest.raises(ReadOnlyViolation), engine.reader() as uow:   # committing the session itself: refused too
        uow.session.add(LoginFailure(username="mallory", source=None, at=engine.clock.now()))
        uow.session.commit()
    with pytest.raises(ReadOnlyViolation), engine.reader() as uow:   # a change flushed by the next query
        uow.session.scalars(select(User).where(User.username == "sara")).one().full_name = "Ændret"
        uow.session.scalars(select(User)).all()
    with engine.reader() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LoginFailure)) == 0
        assert uow.session.scalars(select(User).where(User.username == "sara")).one().full_name != "Ændret"


@pytest.mark.usefixtures("people")
def test_a_reader_that_asks_for_a_row_lock_or_a_core_write_is_refused(engine):
    before = audit_rows(engine)
    with pytest.raises(ReadOnlyViolation), engine.reader() as uow:
        uow.session.scalars(select(User).where(User.username == "sara").with_for_update()).all()
    with pytest.raises(ReadOnlyViolation), engine.reader() as uow:   # audit rows are plain Core inserts
        from engine.people import audit
        audit.record(uow, CASEWORKER, "task_viewed", None)
    assert audit_rows(engine) == before


@pytest.mark.usefixtures("deployed")
def test_reading_a_task_takes_no_row_lock(engine):
    course = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, course["id"], "henvisning")
    with row_locks() as locks:
        view = tasks.get_task(engine.uow(), CASEWORKER, task["id"])
    assert view["id"] == task["id"] and locks == []


@pytest.mark.usefixtures("people")
def test_a_login_is_one_transaction_whether_the_password_is_right_or_wrong(engine):
    with transactions(engine) as seen:
        assert users.login(engine.uow(), "sara", PASSWORD, "192.0.2.9") is not None
    assert seen == {"begin": 1, "commit": 1}
    with transactions(engine) as seen:
        assert users.login(engine.uow(), "sara", "wrong-password", "192.0.2.9") is None
    assert seen == {"begin": 1, "commit": 1}
    with engine.reader() as uow:   # the wrong one was counted in that same transaction
        assert uow.session.scalar(select(func.count()).select_from(LoginFailure)) == 1


@pytest.mark.usefixtures("people")
def test_the_login_page_signs_in_logs_and_reads_the_session_generation_in_one_transaction(engine):
    before = audit_rows(engine)
    with transactions(engine) as seen:
        actor, generation = users.sign_in(engine.uow(), "sara", PASSWORD, "192.0.2.9")
    assert seen == {"begin": 1, "commit": 1}
    assert actor is not None and generation == users.session_generation(engine.reader(), "sara")
    assert audit_rows(engine) == before + 1


@pytest.mark.usefixtures("people")
def test_changing_ones_password_is_one_transaction(engine):
    with transactions(engine) as seen:
        users.change_own_password(engine.uow(), CASEWORKER, PASSWORD, "a-new-password-1", "192.0.2.9")
    assert seen == {"begin": 1, "commit": 1}


@pytest.mark.usefixtures("deployed")
def test_a_referral_is_one_transaction(engine):
    with transactions(engine) as seen:
        result = referrals.register_referral(engine.uow(), CASEWORKER, {"name": "Henvist Ung",
                                                                        "birthdate": "2009-03-01"}, REFERRAL, "key-1")
    assert result["youth_id"] and seen == {"begin": 1, "commit": 1}


@pytest.mark.usefixtures("deployed")
def test_completing_a_task_is_one_transaction(engine):
    course = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, course["id"], "henvisning")
    with transactions(engine) as seen:
        tasks.complete_task(engine.uow(), CASEWORKER, task["id"], REFERRAL)
    assert seen == {"begin": 1, "commit": 1}
