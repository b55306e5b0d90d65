"""Wires the engine's parts in one place (cosmicpython's bootstrap).

``create_app`` and the CLI call :func:`bootstrap`; tests call it with their own clock or database.
The parts are built here once (:class:`engine.platform.parts.Parts`) and handed to every unit of
work; no other module in ``engine/`` imports this one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import Engine as SqlEngine
from sqlalchemy.orm import Session, sessionmaker

from engine.bpmn.scripting import ScriptEngine
from engine.bpmn.serializer import StateSerializer
from engine.courses.workflow_cache import WorkflowCache
from engine.definitions.library import ProcessLibrary
from engine.platform.clock import Clock, SystemClock
from engine.platform.crypto import CprVault
from engine.platform.db import database_url as resolve_database_url
from engine.platform.db import make_engine, make_session_factory
from engine.platform.parts import Parts
from engine.platform.settings import Settings
from engine.platform.uow import UnitOfWork


@dataclass
class Engine:
    """The database and the parts; it opens units of work (:class:`engine.platform.parts.UnitsOfWork`)."""

    db: SqlEngine
    session_factory: sessionmaker[Session]
    parts: Parts
    settings: Settings
    before_commit: Callable[[UnitOfWork], None] | None = field(default=None)

    @property
    def clock(self) -> Clock:
        """The one clock (the script engine's timers read the same object)."""
        return self.parts.clock

    def uow(self, write: bool = True, tenant: int | None = None) -> UnitOfWork:
        """A unit of work for ``tenant`` (default: the current one, :func:`engine.platform.tenancy.current_tenant`)."""
        return UnitOfWork(self.parts, self.session_factory, write=write, before_commit=self.before_commit,
                          tenant=tenant)

    def reader(self) -> UnitOfWork:
        """A unit of work that only reads: it takes no write lock, and refuses to write, commit or lock rows."""
        return self.uow(write=False)

    def at(self, clock: Clock) -> Engine:
        """This engine on the same database and parts, but reading ``clock``: for the worker's
        ``--now`` and the demo's history. Its script engine gets the same clock object, so timers
        and services read one clock and nothing has to be kept in step."""
        script_engine = ScriptEngine(clock, self.parts.script_engine.environment)
        return replace(self, parts=replace(self.parts, clock=clock, script_engine=script_engine))


def bootstrap(database_url: str | None = None, clock: Clock | None = None, secret_key: str | None = None,
              workflow_cache_size: int = 2000, settings: Settings | None = None) -> Engine:
    """Build the engine; ``settings`` are read from the environment here unless given (once, by the app)."""
    settings = settings or Settings.from_environment()
    clock = clock or SystemClock()
    url = resolve_database_url(database_url or settings.database_url)
    # Before anything is built: on a shared database or in production the public key is refused.
    secret = settings.secret(secret_key, url)
    db = make_engine(url, synchronous_commit=settings.pg_synchronous_commit, act_as_app=True)

    def sandbox(sandbox_clock: Clock) -> Engine:
        return bootstrap("sqlite://", sandbox_clock, secret_key="sandbox", settings=settings)

    parts = Parts(clock=clock, library=ProcessLibrary(), serializer=StateSerializer(),
                  script_engine=ScriptEngine(clock), vault=CprVault(secret),
                  workflows=WorkflowCache(workflow_cache_size), sandbox=sandbox)
    return Engine(db=db, session_factory=make_session_factory(db), parts=parts, settings=settings)
