"""Database connections: SQLite by default, PostgreSQL when configured (principle 7)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_SQLITE_PATH = Path("instance") / "samspil.db"


def database_url(url: str | None = None) -> str:
    """The URL to use (the configured one is passed in: :class:`engine.platform.settings.Settings`);
    a plain ``postgresql://`` URL is driven by psycopg 3."""
    url = url or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str | None = None, synchronous_commit: str | None = None, **kwargs: Any) -> SqlEngine:
    url = database_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    # JIT compilation pays off for analytics, not for the short queries of a workflow engine: on
    # large tables the planner would otherwise compile every inbox query anew.
    options = "-c jit=off"
    # synchronous_commit=off trades the last fraction of a second of commits on a server crash
    # (never consistency) for commits that do not wait for the disk. Off only when asked for
    # (``SAMSPIL_PG_SYNCHRONOUS_COMMIT``, passed in from the settings).
    if synchronous_commit in ("on", "off", "local", "remote_write", "remote_apply"):
        options += f" -c synchronous_commit={synchronous_commit}"
    return create_engine(url, pool_pre_ping=True, connect_args={"options": options}, **kwargs)


def _configure_sqlite(engine: SqlEngine) -> None:
    """WAL for concurrent readers, and BEGIN IMMEDIATE for writers.

    A writer that starts with a plain BEGIN may fail to upgrade its lock when another process has
    written meanwhile; starting writes with BEGIN IMMEDIATE makes them wait their turn instead.
    The exception is an operation that runs diagram code: it begins DEFERRED, so that no write lock
    is held while the code runs, and is run again when its upgrade fails
    (:func:`engine.platform.uow.while_code_runs`).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: SqlEngine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
