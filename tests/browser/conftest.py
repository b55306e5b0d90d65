"""Browser tests: the app on a live server in a thread, driven by Playwright in Debian's Chromium.

Fixtures
--------
* ``live_server``: the app (with the test engine and its frozen clock) served on 127.0.0.1 at a free
  port; ``live_server.url`` is its base URL. Users of ``tests.conftest.PEOPLE`` exist, each
  with ``PASSWORD``.
* ``browser``: one Chromium for the whole session (``/usr/bin/chromium``, or ``SAMSPIL_CHROMIUM``).
* ``page``: a fresh browser context and page per test (own cookies), with ``page.base_url``.
* ``shot(page, name)``: saves a full-page screenshot to ``test-artifacts/NAME.png``.
* ``login(page, username)``: logs in through the login form.

Playwright's own browser downloads are never used; ``make install`` installs Debian's chromium.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from engine.bootstrap import Engine
from tests.conftest import PASSWORD, ROOT
from web import create_app

ARTIFACTS = ROOT / "test-artifacts"


def chromium_path() -> str | None:
    candidates = [os.environ.get("SAMSPIL_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"]
    return next((c for c in candidates if c and Path(c).exists()), None) or shutil.which("chromium")


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(engine: Engine, people: dict[str, list[str]]) -> Any:
    # TESTING stays off: the browser sees what a person sees (error pages, not exceptions).
    return create_app({"ENGINE": engine, "SECRET_KEY": "test-secret"})


@pytest.fixture
def live_server(live_app: Any) -> Iterator[LiveServer]:
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium not found: `make install` installs Debian's chromium (or set SAMSPIL_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A factory for more pages, each in its own context (another person at another computer)."""
    contexts = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url, locale="da-DK",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        other = context.new_page()
        other.base_url = live_server.url
        return other

    yield make
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)
