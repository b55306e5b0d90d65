"""One benchmark database, set up as a municipality would: schema, the default course, users, tokens.

The engine runs on a :class:`FrozenClock`, so the benchmark moves time (months of follow-up) by
itself; the Flask app is built over the same engine, as tests/web/conftest.py does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.bootstrap import Engine, bootstrap
from engine.definitions import deployment
from engine.definitions.process_files import files_from_paths
from engine.people import users
from engine.people.access import Actor
from engine.platform.clock import FrozenClock
from engine.platform.models import User, UserRole
from engine.platform.schema import upgrade
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PASSWORD = "bench-password-123"

# How many people hold each role in the benchmark municipality.
PEOPLE = {"sagsbehandler": 6, "ungekoordinator": 3, "ungeguide": 24, "koordinerende_sagsbehandler": 8}
PREFIX = {"sagsbehandler": "sb", "ungekoordinator": "uk", "ungeguide": "guide", "koordinerende_sagsbehandler": "ks"}


@dataclass
class World:
    url: str
    dialect: str
    engine: Engine
    clock: FrozenClock
    client: FlaskClient
    people: dict[str, list[str]]                     # role -> usernames
    tokens: dict[str, str] = field(default_factory=dict)  # username -> bearer token

    def actor(self, username: str, role: str) -> Actor:
        return Actor(username, frozenset({role}))

    def close(self) -> None:
        self.engine.db.dispose()


def build_world(url: str) -> World:
    clock = FrozenClock(START)
    engine = bootstrap(url, clock, secret_key="bench-secret")
    upgrade(engine.db)
    owner = Actor("bench-owner", frozenset({"procesejer"}))
    deployment.deploy(engine.uow(), files_from_paths([PROCESSES]), owner)
    people: dict[str, list[str]] = {}
    tokens: dict[str, str] = {}
    users.add_user(engine.uow(), "bench-admin", PASSWORD, ["admin"])
    with engine.uow() as uow:  # one argon2 hash shared by every bench user: setup, not what we measure
        password_hash = uow.session.scalar(select(User.password_hash).where(User.username == "bench-admin"))
        for role, count in PEOPLE.items():
            people[role] = [f"{PREFIX[role]}{i:02d}" for i in range(1, count + 1)]
            for name in people[role]:
                uow.session.add(User(username=name, password_hash=password_hash, active=True, created_at=clock.now(),
                                     roles=[UserRole(role=role)]))
        uow.commit()
    for names in people.values():
        for name in names:
            tokens[name] = users.create_token(engine.uow(), name)
    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "bench-secret"})
    return World(url, engine.db.dialect.name, engine, clock, app.test_client(), people, tokens)


def rest_complete(world: World, username: str, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    response = world.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data},
                                 headers={"Authorization": f"Bearer {world.tokens[username]}"})
    if response.status_code != 200:
        raise RuntimeError(f"REST complete {task_id}: {response.status_code} {response.get_data(as_text=True)[:300]}")
    return response.get_json()
