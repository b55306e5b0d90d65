"""Wires the engine's parts in one place (cosmicpython's bootstrap).

``create_app`` and the CLI call :func:`bootstrap`; tests call it with their own clock or database.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine as SqlEngine
from sqlalchemy.orm import Session, sessionmaker

from engine.bpmn.scripting import ScriptEngine
from engine.bpmn.serializer import StateSerializer
from engine.courses.workflow_cache import WorkflowCache
from engine.definitions.library import ProcessLibrary
from engine.platform import settings
from engine.platform.clock import Clock, SystemClock
from engine.platform.crypto import CprVault
from engine.platform.db import database_url as resolve_database_url
from engine.platform.db import make_engine, make_session_factory
from engine.platform.uow import UnitOfWork


@dataclass
class Engine:
    """Everything a service call needs besides its arguments."""

    db: SqlEngine
    session_factory: sessionmaker[Session]
    clock: Clock
    library: ProcessLibrary
    serializer: StateSerializer
    script_engine: ScriptEngine
    vault: CprVault
    workflows: WorkflowCache = field(default_factory=WorkflowCache)
    before_commit: Callable[[UnitOfWork], None] | None = field(default=None)

    def uow(self, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self, self.session_factory, write=write)

    def reader(self) -> UnitOfWork:
        """A unit of work that only reads: it takes no write lock, and refuses to write, commit or lock rows."""
        return self.uow(write=False)


def bootstrap(database_url: str | None = None, clock: Clock | None = None, secret_key: str | None = None,
              workflow_cache_size: int = 2000) -> Engine:
    clock = clock or SystemClock()
    # Before anything is built: on a shared database or in production the public key is refused.
    secret = settings.secret_key(secret_key, resolve_database_url(database_url))
    db = make_engine(database_url)
    return Engine(
        db=db,
        session_factory=make_session_factory(db),
        clock=clock,
        library=ProcessLibrary(),
        serializer=StateSerializer(),
        script_engine=ScriptEngine(clock),
        vault=CprVault(secret),
        workflows=WorkflowCache(workflow_cache_size),
    )
