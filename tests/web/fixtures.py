"""The app factory over the test engine, a test client, and API tokens per role.

A pytest plugin (registered in tests/conftest.py), so the web, security and conformance suites share it.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.people import users
from tests.conftest import PASSWORD
from web import create_app


@pytest.fixture
def app(engine: Engine) -> Iterator[Flask]:
    yield create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret"})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def tokens(engine: Engine, people: dict[str, list[str]]) -> dict[str, str]:
    return {name: users.create_token(engine.uow(), name) for name in people}


class Api:
    """Calls the API as a named user: ``api.as_("sara").post("/youths", json=...)``."""

    def __init__(self, client: FlaskClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens, self.user = client, tokens, None

    def as_(self, user: str) -> Api:
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


class Pages:
    """Uses the pages as a named user through the test client, CSRF token included.

    ``pages.login("sara")`` logs in; ``pages.get("/")`` and ``pages.post("/path", data={...})`` then
    act in that session (``post`` adds the current CSRF token unless ``csrf=False``).
    """

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._token: str | None = None

    def csrf_token(self) -> str:
        """The session's CSRF token, read off a page (login page, or the search page once logged in)."""
        if self._token is None:
            response = self.client.get("/login")
            if response.status_code == 302:
                response = self.client.get("/unge")
            self._token = csrf_from(response.get_data(as_text=True))
        return self._token

    def login(self, username: str, password: str = PASSWORD) -> Any:
        response = self.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, f"login as {username} failed: {response.status_code}"
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: Any = None, csrf: bool = True, **kwargs: Any) -> Any:
        data = dict(data or {}) if not isinstance(data, list) else list(data)
        if csrf:
            token = self.csrf_token()
            if isinstance(data, list):
                data.append(("csrf_token", token))
            else:
                data["csrf_token"] = token
        if isinstance(data, list):
            from werkzeug.datastructures import MultiDict

            data = MultiDict(data)
        response = self.client.post(path, data=data, **kwargs)
        if path in ("/login", "/logout"):
            self._token = None  # a new session has a new token
        return response


def csrf_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def users_with_passwords(people: dict[str, list[str]]) -> dict[str, str]:
    """The users of ROLES, each with PASSWORD (no tokens)."""
    return {name: PASSWORD for name in people}


@pytest.fixture
def pages(client: FlaskClient, users_with_passwords: dict[str, str]) -> Pages:
    return Pages(client)
