"""Database connections: SQLite by default, PostgreSQL when configured (principle 7)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_SQLITE_PATH = Path("instance") / "samspil.db"
# The PostgreSQL role the application acts as (migration 0010 makes it): row-level security applies
# to it, as it does not to the owner of the tables or a superuser.
APP_ROLE = "samspil_app"
APP_ROLE_SET = "samspil_app_role"  # DBAPI connection info key: this connection acts as APP_ROLE


def database_url(url: str | None = None) -> str:
    """The URL to use (the configured one is passed in: :class:`engine.platform.settings.Settings`);
    a plain ``postgresql://`` URL is driven by psycopg 3."""
    url = url or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str | None = None, synchronous_commit: str | None = None, act_as_app: bool = False,
                **kwargs: Any) -> SqlEngine:
    """The engine for ``url``; with ``act_as_app`` every PostgreSQL connection acts as :data:`APP_ROLE`.

    The application's engine acts as that role (:func:`engine.bootstrap.bootstrap`), so row-level
    security confines it; tests, benchmarks and migrations connect as the owner.
    """
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
    engine = create_engine(url, pool_pre_ping=True, connect_args={"options": options}, **kwargs)
    if act_as_app:
        _act_as_app(engine)
    return engine


def _act_as_app(engine: SqlEngine) -> None:
    """``SET ROLE samspil_app`` on each new connection, once the migration has made the role.

    Before that (``samspil init`` on an empty database) the connection stays the owner's, which is
    also what the migration needs. The setting is committed so a rollback does not undo it.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT set_config('role', %s, false) FROM pg_roles WHERE rolname = %s", (APP_ROLE, APP_ROLE))
        acting = cursor.fetchone() is not None
        cursor.close()
        dbapi_connection.commit()
        record.info[APP_ROLE_SET] = acting


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
