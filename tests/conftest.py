"""Fixtures shared by every kind of test.

The same suite runs on SQLite (default: a fresh file per test, copied from a migrated template)
and on PostgreSQL when SAMSPIL_TEST_DATABASE_URL is set (migrated once, emptied between tests).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from engine.bootstrap import Engine, bootstrap
from engine.definitions.process_files import files_from_paths
from engine.people.access import Actor
from engine.people.roles import seed_defaults
from engine.platform.clock import FrozenClock
from engine.platform.db import make_engine
from engine.platform.models import Base
from engine.platform.schema import upgrade

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday
POSTGRES_URL = os.environ.get("SAMSPIL_TEST_DATABASE_URL")

# Fixtures shared across folders, as plugins so no test module imports a fixture: the web fixtures (app,
# client, tokens, api, pages, ...) serve the web, security and conformance suites; the OpenID provider.
pytest_plugins = ["tests.web.fixtures", "tests.oidc.provider"]


def on_postgres() -> bool:
    return bool(POSTGRES_URL)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = make_engine(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str | None:
    if not POSTGRES_URL:
        return None
    db = make_engine(POSTGRES_URL)
    upgrade(db)
    db.dispose()
    return POSTGRES_URL


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for this test."""
    if POSTGRES_URL:
        url = request.getfixturevalue("postgres_migrated")
        _empty_postgres(url)
        yield url
    else:
        yield _sqlite_copy(request, tmp_path)


@pytest.fixture
def sqlite_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty SQLite database, on either run: for tests of SQLite's own locking.

    A module overrides ``database_url`` with it, so those tests run on the PostgreSQL run too.
    """
    return _sqlite_copy(request, tmp_path)


def _sqlite_copy(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "samspil.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def _empty_postgres(url: str) -> None:
    db = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        seed_defaults(connection, START)  # what migration 0008 seeds: the default roles and permissions
    db.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def engine(database_url: str, clock: FrozenClock) -> Iterator[Engine]:
    """An engine without the live-workflow cache, so every operation restores state from the database.

    tests/integration/test_workflow_cache.py checks that the cache changes nothing.
    """
    built = bootstrap(database_url, clock, secret_key="test-secret", workflow_cache_size=0)
    yield built
    built.db.dispose()


PASSWORD = "correct-horse-battery"
PEOPLE = {"admin": ["admin"], "per": ["procesejer"], "sara": ["sagsbehandler"], "kim": ["ungekoordinator"],
          "gustav": ["ungeguide"], "gitte": ["ungeguide"], "karin": ["koordinerende_sagsbehandler"]}
ADMIN = Actor("admin", frozenset({"admin"}))
OWNER = Actor("per", frozenset({"procesejer"}))
CASEWORKER = Actor("sara", frozenset({"sagsbehandler"}))
COORDINATOR = Actor("kim", frozenset({"ungekoordinator"}))
GUIDE = Actor("gustav", frozenset({"ungeguide"}))
OTHER_GUIDE = Actor("gitte", frozenset({"ungeguide"}))
CASE_COORDINATOR = Actor("karin", frozenset({"koordinerende_sagsbehandler"}))


@pytest.fixture
def actors() -> dict[str, Actor]:
    return {"admin": ADMIN, "owner": OWNER, "caseworker": CASEWORKER, "coordinator": COORDINATOR,
            "guide": GUIDE, "other_guide": OTHER_GUIDE, "case_coordinator": CASE_COORDINATOR}


@pytest.fixture
def default_files() -> dict[str, bytes]:
    return files_from_paths([PROCESSES])


def add_people(engine: Engine) -> dict[str, list[str]]:
    """The users behind the test actors, each with PASSWORD: a k-meeting may only name real users."""
    from engine.people import users

    for name, roles in PEOPLE.items():
        users.add_user(engine.uow(), name, PASSWORD, roles)
    return PEOPLE


@pytest.fixture
def people(engine: Engine) -> dict[str, list[str]]:
    return add_people(engine)


@pytest.fixture
def deployed(engine: Engine, default_files: dict[str, bytes], people: dict[str, list[str]]) -> Any:
    from engine.definitions import deployment

    return deployment.deploy(engine.uow(), default_files, OWNER)[0]


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small costs: tests create and check many passwords; the algorithm is the same."""
    from argon2 import PasswordHasher

    from engine.people import users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
