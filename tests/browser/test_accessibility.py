"""Every page people use, checked by axe-core against WCAG 2.1 A and AA in a real browser.

axe-core comes from npm (package.json) and is evaluated in the page from node_modules by the test,
past the page's Content-Security-Policy; the pages themselves load nothing of it. A violation
fails the test with its rule, impact and elements.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from engine.work import tasks
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
    for path in ("/", "/unge", "/unge/ny", f"/unge/{course['youth_id']}", "/konto/adgangskode"):
        check(page, path)


def test_the_coordinators_pages_are_accessible(page, course):
    login(page, "kim")
    for path in ("/", f"/opgaver/{course['task_id']}", f"/unge/{course['youth_id']}", "/overblik/"):
        check(page, path)


def test_the_admin_and_process_owner_pages_are_accessible(page, new_page, course):
    login(page, "admin")
    for path in ("/admin/brugere", "/admin/brugere/sara", "/admin/adgangslog"):
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


def focused(page: Any) -> str:
    return page.evaluate("() => { const e = document.activeElement;"
                         " return e.id || e.getAttribute('name') || e.textContent.trim(); }")


def tab_to(page: Any, target: str, limit: int = 40) -> list[str]:
    """Press Tab until ``target`` (an id, name or text) has the focus; the stops on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1] == target:
            return stops
    raise AssertionError(f"{target!r} never got the focus; the stops were {stops}")


def test_a_caseworker_logs_in_and_completes_a_form_with_the_keyboard_alone(page, engine):
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    page.goto("/login")
    assert focused(page) == "username"  # the login form has the focus from the start
    page.keyboard.type("sara")
    tab_to(page, "password")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.keyboard.press("Tab")
    assert focused(page) == "Gå til indhold"  # on every page, the skip link is the first stop
    tab_to(page, page.get_by_role("link", name="Henvisning").first.text_content().strip())
    page.keyboard.press("Enter")
    page.wait_for_url("**/opgaver/*")
    # Sent with the reason left empty: the error shows next to the field and nothing moves.
    tab_to(page, "f-afdelinger_med_sag-2")
    page.keyboard.press("Space")  # checks "Familie og børn"
    tab_to(page, "Afslut opgaven")
    page.keyboard.press("Enter")
    expect(page.locator("#f-henvisningsaarsag-error")).to_have_text("skal udfyldes")
    assert page.locator("#f-afdelinger_med_sag-2").is_checked()  # what was chosen is kept
    assert open_task(engine, CASEWORKER, instance["id"], "henvisning")["state"] == "ready"
    # Corrected and sent again, still without a mouse.
    tab_to(page, "f-henvisningsaarsag")
    page.keyboard.type("Har svært ved at komme i skole")
    tab_to(page, "Afslut opgaven")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Opgaven »Henvisning« er afsluttet.")).to_be_visible()
    rows, _ = tasks.list_tasks(engine.uow(), COORDINATOR, tasks.TaskFilter(instance_id=instance["id"]))
    assert [row["element_id"] for row in rows] == ["luk_henvisning"]  # one department: outside the target group
