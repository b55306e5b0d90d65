"""Every page people use, checked by axe-core against WCAG 2.1 A and AA in a real browser.

axe-core comes from npm (package.json) and is evaluated in the page from node_modules by the test,
past the page's Content-Security-Policy; the pages themselves load nothing of it. A violation
fails the test with its rule, impact and elements.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import login
from tests.conftest import CASEWORKER, COORDINATOR, ROOT
from tests.course import REFERRAL, complete, open_task, start_course

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.usefixtures("deployed")


def violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated through the browser's devtools protocol, so the page's CSP stays as it is.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def check(page: Any, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert not found, f"{path}: " + json.dumps(found, ensure_ascii=False, indent=1)


@pytest.fixture
def course(engine: Any) -> dict[str, Any]:
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    return {"youth_id": instance["youth_id"], "task_id": open_task(engine, COORDINATOR, instance["id"], "k_moede")["id"]}


def test_the_login_page_is_accessible(page):
    check(page, "/login")


def test_the_caseworkers_pages_are_accessible(page, course):
    login(page, "sara")
    for path in ("/", "/unge", "/unge/ny", f"/unge/{course['youth_id']}"):
        check(page, path)


def test_the_coordinators_pages_are_accessible(page, course):
    login(page, "kim")
    for path in ("/", f"/opgaver/{course['task_id']}", f"/unge/{course['youth_id']}", "/overblik/"):
        check(page, path)


def test_the_admin_and_process_owner_pages_are_accessible(page, new_page, course):
    login(page, "admin")
    for path in ("/admin/brugere", "/admin/adgangslog"):
        check(page, path)
    owner = new_page()
    login(owner, "per")
    for path in ("/procesmodeller", "/procesmodeller/samarbejdsmodel/modeller?version=1",
                 "/procesmodeller/samarbejdsmodel/forskel", "/procesmodeller/samarbejdsmodel/migrering"):
        check(owner, path)


def test_a_page_with_form_errors_is_accessible(page):
    login(page, "sara")
    page.goto("/unge/ny")
    page.get_by_role("button", name="Registrér henvisning").click()
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
