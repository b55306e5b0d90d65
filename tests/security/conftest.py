"""One app over one database with a real course, shared by a security module's tests.

The course of "Walk Ung": registered by sara (caseworker), k-meeting by kim (coordinator) naming
gustav as guide and karin as coordinating caseworker, accepted by gustav; it now waits at the plan,
a task narrowed to karin. Each default role has a user involved in it and one who is not.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.bootstrap import Engine, bootstrap
from engine.definitions import deployment
from engine.definitions.process_files import files_from_paths
from engine.people import users
from engine.people.access import Actor
from engine.platform.clock import FrozenClock
from engine.platform.models import AuditEntry
from engine.work import tasks
from tests.conftest import PASSWORD, POSTGRES_URL, PROCESSES, START, _empty_postgres
from tests.course import ACCEPT, REFERRAL, complete, k_meeting, open_task
from web import create_app

# user -> (roles, involved in the walked course?)
WALKERS: dict[str, tuple[tuple[str, ...], bool]] = {
    "sara": (("sagsbehandler",), True), "bo": (("sagsbehandler",), False),
    "kim": (("ungekoordinator",), True), "lone": (("ungekoordinator",), False),
    "gustav": (("ungeguide",), True), "gitte": (("ungeguide",), False),
    "karin": (("koordinerende_sagsbehandler",), True), "kaj": (("koordinerende_sagsbehandler",), False),
    "per": (("procesejer",), False), "pia": (("procesejer",), False),
    "admin": (("admin",), True), "ulla": (("admin",), False),
    "skole": (("integration",), False), "skole2": (("integration",), False),
}

# The walked course's lane_owners: the guide and the coordinating caseworker chosen at the k-meeting.
LANE_HOLDERS = frozenset({"gustav", "karin"})


def actor_of(name: str) -> Actor:
    return Actor(name, frozenset(WALKERS[name][0]))


@dataclass
class World:
    engine: Engine
    app: Flask
    youth_id: int
    instance_id: int
    task_id: str
    tokens: dict[str, str]

    def denials(self, username: str | None) -> int:
        """How many refusals the access log holds for this user (None: anonymous)."""
        with self.engine.reader() as uow:
            who = AuditEntry.username.is_(None) if username is None else AuditEntry.username == username
            return uow.session.scalar(select(func.count()).select_from(AuditEntry)
                                      .where(AuditEntry.action == "access_denied", who)) or 0

    def last_denied_youth(self, username: str) -> int | None:
        """The young person named by the user's latest refusal."""
        with self.engine.reader() as uow:
            return uow.session.scalar(select(AuditEntry.youth_id).where(
                AuditEntry.action == "access_denied", AuditEntry.username == username)
                .order_by(AuditEntry.id.desc()).limit(1))

    def client(self, username: str | None) -> FlaskClient:
        """A test client; logged in to the pages as ``username`` unless None."""
        client = self.app.test_client()
        if username is not None:
            response = client.post("/login", data={"username": username, "password": PASSWORD})
            assert response.status_code == 302, f"login as {username}: {response.status_code}"
        return client


def _database(tmp_path_factory: pytest.TempPathFactory, template: Path | None) -> str:
    if POSTGRES_URL:
        _empty_postgres(POSTGRES_URL)
        return POSTGRES_URL
    assert template is not None
    path = tmp_path_factory.mktemp("walk") / "samspil.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from argon2 import PasswordHasher

    if POSTGRES_URL:
        request.getfixturevalue("postgres_migrated")
        url = _database(tmp_path_factory, None)
    else:
        url = _database(tmp_path_factory, request.getfixturevalue("sqlite_template"))
    engine = bootstrap(url, FrozenClock(START), secret_key="test-secret", workflow_cache_size=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        for name, (roles, _) in WALKERS.items():
            users.add_user(engine.uow(), name, PASSWORD, list(roles))
        walk_tokens = {name: users.create_token(engine.uow(), name) for name in WALKERS}
        deployment.deploy(engine.uow(), files_from_paths([PROCESSES]), actor_of("per"))
        from engine.courses import instances
        from engine.people import youths

        youth = youths.create_youth(engine.uow(), actor_of("sara"), "Walk Ung", "2009-03-01")
        instance = instances.start_instance(engine.uow(), actor_of("sara"), "samarbejdsmodel", youth["id"])
        complete(engine, actor_of("sara"), instance["id"], "henvisning", REFERRAL)
        complete(engine, actor_of("kim"), instance["id"], "k_moede", k_meeting("gustav", "karin"))
        complete(engine, actor_of("gustav"), instance["id"], "accepter_guide", ACCEPT)
        plan = open_task(engine, actor_of("karin"), instance["id"], "uddannelsesplan")
        assert tasks.get_task(engine.uow(), actor_of("karin"), plan["id"])["may_act"]
        walk_app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret",
                               "WTF_CSRF_ENABLED": False})
        yield World(engine, walk_app, youth["id"], instance["id"], plan["id"], walk_tokens)
    engine.db.dispose()


@pytest.fixture
def outsiders(engine: Engine, tokens: dict[str, str]) -> dict[str, str]:
    """Users of each kind who are involved in nothing, and an integration's token; added to ``tokens``."""
    for name, roles in (("bo", ["sagsbehandler"]), ("skole", ["integration"])):
        users.add_user(engine.uow(), name, PASSWORD, roles)
        tokens[name] = users.create_token(engine.uow(), name)
    return tokens


@pytest.fixture
def other_caseworker(engine: Engine, people: dict[str, list[str]]) -> Actor:
    """A second caseworker, sofie, whose own course must keep moving while another course's code runs."""
    users.add_user(engine.uow(), "sofie", PASSWORD, ["sagsbehandler"])
    return Actor("sofie", frozenset({"sagsbehandler"}))
