"""Throw-away databases: a temporary SQLite file, or a fresh PostgreSQL database dropped afterwards."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.platform.db import database_url

DEFAULT_POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    directory = tempfile.mkdtemp(prefix="samspil-bench-")
    try:
        yield f"sqlite:///{os.path.join(directory, 'bench.db')}"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def postgres_database(url: str | None) -> Iterator[str]:
    """The given URL as it is, or a fresh ``samspil_bench_<pid>`` database that is dropped after."""
    if url:
        yield url
        return
    name = f"samspil_bench_{os.getpid()}"
    server = make_url(database_url(DEFAULT_POSTGRES_SERVER))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
