"""The app factory over the test engine, a test client, and API tokens per role."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import users
from engine.bootstrap import Engine
from web import create_app

PASSWORD = "correct-horse-battery"
ROLES = {"admin": ["admin"], "per": ["procesejer"], "sara": ["sagsbehandler"], "kim": ["ungekoordinator"],
         "gustav": ["ungeguide"], "gitte": ["ungeguide"], "karin": ["koordinerende_sagsbehandler"]}


@pytest.fixture
def app(engine: Engine) -> Iterator[Flask]:
    yield create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret"})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def tokens(engine: Engine) -> dict[str, str]:
    result = {}
    for name, roles in ROLES.items():
        users.add_user(engine.uow(), name, PASSWORD, roles)
        result[name] = users.create_token(engine.uow(), name)
    return result


class Api:
    """Calls the API as a named user: ``api.as_("sara").post("/youths", json=...)``."""

    def __init__(self, client: FlaskClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens, self.user = client, tokens, None

    def as_(self, user: str) -> "Api":
        other = Api(self.client, self.tokens)
        other.user = user
        return other

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.tokens[self.user]}"} if self.user else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get("/api/v1" + path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post("/api/v1" + path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def api(client: FlaskClient, tokens: dict[str, str]) -> Api:
    return Api(client, tokens)
