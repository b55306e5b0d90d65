"""The unit of work: one database transaction per service call.

Like cosmicpython's, it rolls back unless told to commit. A writing unit of work takes the write
lock up front (BEGIN IMMEDIATE on SQLite); on PostgreSQL the services lock the rows they change
with SELECT ... FOR UPDATE. A reading one (``Engine.reader()``) refuses to write or lock: a flush
with changes, a commit, an INSERT/UPDATE/DELETE or a ``FOR UPDATE`` under it raises
:class:`ReadOnlyViolation`, so a service handed a reader can never change data unnoticed.

An operation that runs diagram code goes through :func:`while_code_runs` instead: on SQLite its
unit of work begins DEFERRED, so while the code runs it holds only a WAL read snapshot and every
other writer goes on (issue 10, "no engine write held open while untrusted code runs"). Its first
write takes the lock; if someone committed meanwhile, SQLite refuses that write at once (the
snapshot is stale) and the whole operation runs again, a bounded number of times.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.platform import tenancy
from engine.platform.errors import Conflict
from engine.platform.messages import Message

if TYPE_CHECKING:
    from engine.platform.parts import Parts

log = logging.getLogger(__name__)
T = TypeVar("T")
# How often an operation that ran diagram code is run again after losing the race for SQLite's
# write lock. Each attempt re-runs the code (bounded by its budget); the last lost race is a Conflict.
CODE_ATTEMPTS = 12
# SQLITE_BUSY (another writer holds the lock: a reader is not made to wait for it, that could
# deadlock) and SQLITE_BUSY_SNAPSHOT (someone committed since our snapshot was taken).
_SQLITE_BUSY_CODES = frozenset({5, 517})
_READ_ONLY = "samspil_read_only"  # Session.info key of a reading unit of work's session


class ReadOnlyViolation(RuntimeError):
    """A reading unit of work was asked to write or lock: a programming error, never the user's."""


@event.listens_for(Session, "before_flush")
def _refuse_flush(session: Session, _context: object, _instances: object) -> None:
    if session.info.get(_READ_ONLY):
        raise ReadOnlyViolation("a reading unit of work may not write (flush)")


@event.listens_for(Session, "before_commit")
def _refuse_commit(session: Session) -> None:
    if session.info.get(_READ_ONLY):
        raise ReadOnlyViolation("a reading unit of work may not commit")


@event.listens_for(Session, "do_orm_execute")
def _refuse_write_or_lock(state: ORMExecuteState) -> None:
    if not state.session.info.get(_READ_ONLY):
        return
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyViolation("a reading unit of work may not write")
    if state.is_select and getattr(state.statement, "_for_update_arg", None) is not None:
        raise ReadOnlyViolation("a reading unit of work may not lock rows (FOR UPDATE)")


class UnitOfWork:
    """One transaction, and the parts its service needs (``uow.clock``, ``uow.library``, ...).

    The parts are handed in (built once by bootstrap, :class:`engine.platform.parts.Parts`), so a
    service reads exactly what it uses and never reaches for the whole engine.
    """

    def __init__(self, parts: Parts, session_factory: sessionmaker[Session], write: bool = True,
                 before_commit: Callable[[UnitOfWork], None] | None = None, tenant: int | None = None) -> None:
        self.parts = parts
        # The municipality this unit of work is for (the one current where it was opened): its session
        # sees and writes that tenant's rows only (engine.platform.tenancy).
        self.tenant = tenancy.current_tenant() if tenant is None else tenant
        self.clock = parts.clock
        self.library = parts.library
        self.serializer = parts.serializer
        self.script_engine = parts.script_engine
        self.vault = parts.vault
        self.workflows = parts.workflows
        self._session_factory = session_factory
        self._before_commit = before_commit
        self.write = write
        self.session: Session
        self._committed = False
        self.deferred = False  # set by :func:`while_code_runs`: take SQLite's write lock at the first write

    def separate(self, write: bool = True) -> UnitOfWork:
        """A unit of work of its own on the same database and parts (not yet entered).

        For what must not share this one's fate: a refusal logged even though this one rolls back,
        or a short read that must not see this one's pending changes.
        """
        return UnitOfWork(self.parts, self._session_factory, write=write, before_commit=self._before_commit,
                          tenant=self.tenant)

    @property
    def dialect(self) -> str:
        """The database's dialect name (``sqlite`` or ``postgresql``), known before the session opens."""
        return str(self._session_factory.kw["bind"].dialect.name)

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        tenancy.open_session(self.session, self.tenant)
        self._tenant_token = tenancy.set_current(self.tenant)  # new rows are stamped with it
        if not self.write:
            self.session.info[_READ_ONLY] = True
        if self.write and not self.deferred and self.session.bind is not None and self.session.bind.dialect.name == "sqlite":
            self.session.connection(execution_options={"sqlite_immediate": True})
        self._committed = False
        self._after_commit: list[Callable[[], None]] = []
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
            tenancy.reset_current(self._tenant_token)

    def commit(self) -> None:
        """Commit; a row changed by someone else since we read it (optimistic locking) is a Conflict."""
        if not self.write:
            raise ReadOnlyViolation("a reading unit of work may not commit")
        try:
            self.session.flush()
            if self._before_commit is not None:
                self._before_commit(self)
            self.session.commit()
        except StaleDataError:
            raise Conflict(Message("engine.instance.changed_meanwhile")) from None
        self._committed = True
        for callback in self._after_commit:
            callback()
        self._after_commit.clear()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this unit of work has committed; never if it rolls back."""
        self._after_commit.append(callback)


def while_code_runs(uow: UnitOfWork, operation: Callable[[], T]) -> T:
    """Run ``operation`` (which enters ``uow`` and commits) holding no write lock while diagram code runs.

    On SQLite the unit of work begins DEFERRED: until its first write it holds a WAL read snapshot
    only, which blocks no one. The operation must therefore write nothing before the engine has
    run (no flush, no autoflush of a pending change, no insert). Its first write then either takes
    the lock or fails at once because another writer holds it or committed since the snapshot was
    taken; the operation is then rolled back and run again from the start, on fresh data, after a
    short random pause. SQLite's snapshot check makes this as strict as the lock was: nothing the
    operation read can have changed under it. After :data:`CODE_ATTEMPTS` lost races it is a
    :class:`Conflict` (409), as a lost race was before.

    On PostgreSQL the operation runs once as it is: it locks only the one course's row
    (``SELECT ... FOR UPDATE`` in :func:`engine.courses.runtime.load_run`), which serialises operations on
    that same course, as they must be, and no other; the per-operation budget bounds how long.
    """
    if not _is_sqlite(uow):
        return operation()
    uow.deferred = True
    try:
        for attempt in range(1, CODE_ATTEMPTS + 1):
            try:
                return operation()
            except OperationalError as error:
                if not _lost_race(error):
                    raise
                log.info("write lock race lost (attempt %d of %d), running the operation again",
                         attempt, CODE_ATTEMPTS)
                time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** attempt)))
        raise Conflict(Message("engine.instance.changed_meanwhile"))
    finally:
        uow.deferred = False


def ensure_no_write_lock_while_code_runs(uow: UnitOfWork) -> None:
    """Refuse to run diagram code in a unit of work that took SQLite's write lock up front.

    Such a unit of work (not entered through :func:`while_code_runs`) would hold the one write lock
    of the server while untrusted code runs: every other writer would wait for it (issue 10).
    """
    if _is_sqlite(uow) and not uow.deferred:
        raise RuntimeError("an operation that runs diagram code must go through while_code_runs")


def reserve_id(uow: UnitOfWork, model: type) -> int:
    """The id the next row of ``model``'s table gets, known before anything is written.

    For an operation that must run diagram code before its first write yet needs a new row's id
    (a referral's young person and course). On SQLite it is the next rowid as of this unit of
    work's snapshot: had anyone inserted meanwhile, the snapshot is stale and the first write fails,
    so the id is never taken twice. On PostgreSQL it is drawn from the table's sequence.
    """
    table = model.__table__  # type: ignore[attr-defined]
    if _is_sqlite(uow):
        return int(uow.session.execute(select(func.coalesce(func.max(table.c.id), 0) + 1)).scalar_one())
    return int(uow.session.execute(select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))).scalar_one())


def _is_sqlite(uow: UnitOfWork) -> bool:
    return uow.dialect == "sqlite"


def _lost_race(error: OperationalError) -> bool:
    return getattr(error.orig, "sqlite_errorcode", None) in _SQLITE_BUSY_CODES
