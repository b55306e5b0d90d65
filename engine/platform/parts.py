"""The parts a service call needs besides its arguments, built once by :mod:`engine.bootstrap`.

Each unit of work is handed these (:class:`engine.platform.uow.UnitOfWork` exposes them as
``uow.clock``, ``uow.library``, ...), so a service never looks them up and nothing in the engine
depends on bootstrap. The library and the workflow cache are typed by the :class:`Protocol`\\ s
below: their modules import the unit of work, and importing them here would make a cycle.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine as SqlEngine

    from engine.bpmn.scripting import ScriptEngine
    from engine.bpmn.serializer import StateSerializer
    from engine.platform.clock import Clock
    from engine.platform.crypto import CprVault
    from engine.platform.settings import Settings
    from engine.platform.uow import UnitOfWork


class Library(Protocol):
    """Parsed process versions kept in memory (:class:`engine.definitions.library.ProcessLibrary`).

    The parsed process is typed ``Any`` here; :func:`engine.courses.runtime.process_for` gives it
    its type (``ParsedProcess``) where it is used.
    """

    def peek(self, version_id: int) -> Any | None: ...

    def get(self, version_id: int, key: str, files: dict[str, str], version: int = 0) -> Any: ...


class Workflows(Protocol):
    """Restored workflows kept between calls (:class:`engine.courses.workflow_cache.WorkflowCache`)."""

    def take(self, instance_id: int, version: int) -> Any | None: ...

    def put(self, instance_id: int, version: int, workflow: Any) -> None: ...


class UnitsOfWork(Protocol):
    """Where a job that needs several transactions gets them: the Engine that bootstrap built.

    Batch passes (timers, mail, migration) open one unit of work per course; they take this rather
    than the concrete Engine, so that their modules need not import bootstrap.
    """

    db: SqlEngine
    session_factory: Any  # sessionmaker: the few reads outside any tenant (engine.platform.tenancy)
    parts: Parts
    settings: Settings
    before_commit: Callable[[UnitOfWork], None] | None

    @property
    def clock(self) -> Clock: ...

    def uow(self, write: bool = True, tenant: int | None = None) -> UnitOfWork: ...

    def reader(self) -> UnitOfWork: ...


@dataclass(frozen=True)
class Parts:
    """Built once per engine; shared by every unit of work it opens.

    ``clock`` is the one clock: the script engine holds the same object (timers read it from
    there), so nothing has to be kept in step. ``sandbox`` builds a separate engine on a fresh
    in-memory database with a given clock, for draft test runs (:mod:`engine.definitions.sandbox`).
    """

    clock: Clock
    library: Library
    serializer: StateSerializer
    script_engine: ScriptEngine
    vault: CprVault
    workflows: Workflows
    sandbox: Callable[[Clock], UnitsOfWork]
