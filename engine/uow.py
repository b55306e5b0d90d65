"""The unit of work: one database transaction per service call (DESIGN principle 1).

Like cosmicpython's, it rolls back unless told to commit. A writing unit of work takes the write
lock up front (BEGIN IMMEDIATE on SQLite); on PostgreSQL the services lock the rows they change
with SELECT ... FOR UPDATE.
"""
from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Callable

from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict
from engine.messages import Message

if TYPE_CHECKING:
    from engine.bootstrap import Engine


class UnitOfWork:
    def __init__(self, engine: Engine, session_factory: sessionmaker[Session], write: bool = True) -> None:
        self.engine = engine
        self._session_factory = session_factory
        self.write = write
        self.session: Session
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        if self.write and self.session.bind is not None and self.session.bind.dialect.name == "sqlite":
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

    def commit(self) -> None:
        """Commit; a row changed by someone else since we read it (optimistic locking) is a Conflict."""
        try:
            self.session.flush()
            if self.engine.before_commit is not None:
                self.engine.before_commit(self)
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
