"""On Min Plan the young person fills their self-assessment, sees their progression and withdraws a consent;
the coordinating caseworker then finds the task for it in the inbox. At 390 px (a phone) and 1366 px.

axe-core checks every page on the way against WCAG 2.1 A and AA; screenshots go to test-artifacts/
(min-plan-own-<width>-form.png, -errors, -plan) to be looked at.
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from engine.courses import events
from engine.people import citizen_login, consents
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import violations
from tests.conftest import ADMIN, CASEWORKER
from tests.web.test_min_plan import course_with_plan

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.mark.parametrize("width", [390, 1366])
def test_the_young_person_assesses_themselves_sees_the_chart_and_withdraws_a_consent(
        browser: Any, live_server: Any, engine: Any, clock: Any, width: int) -> None:
    youth_id, _ = course_with_plan(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)  # the follow-up is due: the young person's self-assessment opens first
    consents.record_consent(engine.uow(), CASEWORKER, youth_id, {
        "data_types": ["uddannelse"], "recipient": "Jobcentret", "recipient_role": "sagsbehandler",
        "purpose": "Afklaring af job", "given_by": "foraelder_vaerge", "guardian_name": "Mor"})
    token = citizen_login.create_invite(engine.uow(), ADMIN, youth_id, production=False)
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/min-plan/invitation?t={token}")
        page.get_by_role("button", name="Se min plan").click()
        page.wait_for_url(lambda url: url.endswith("/min-plan"))
        expect(page.get_by_role("heading", name="Det skal du gøre")).to_be_visible()
        expect(page.locator(".progression .empty")).to_be_visible()  # no self-assessment yet
        page.locator("#tasks").get_by_role("link", name=re.compile("Udfyld.*Forbered opfølgning")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Forbered")
        assert violations(page) == []
        page.locator("#f-udsyn").fill("11")  # out of range first: told by the field, kept
        for scale in ("indsigt", "kompetencer", "bolig", "helbred", "netvaerk", "oekonomi"):
            page.locator(f"#f-{scale}").fill("6")
        page.get_by_role("button", name="Send").click()
        expect(page.locator("#f-udsyn-error")).to_contain_text("må højst være 10")
        expect(page.locator("#f-udsyn")).to_have_value("11")
        assert violations(page) == []
        shot(page, f"min-plan-own-{width}-errors")
        page.locator("#f-udsyn").fill("7")
        page.locator("#f-udsyn_note").fill("Jeg ved bedre, hvad jeg vil")
        shot(page, f"min-plan-own-{width}-form")
        page.get_by_role("button", name="Send").click()
        page.wait_for_url(lambda url: url.endswith("/min-plan#tasks"))
        expect(page.get_by_text("Du har ingen opgaver lige nu.")).to_be_visible()
        expect(page.locator("#progression-chart")).to_be_visible()
        page.get_by_text("Vis tallene som tabel").click()
        expect(page.locator("#progression-table")).to_contain_text("7")
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator(".consents summary").first.click()
        page.get_by_role("button", name="Træk tilbage").first.click()
        page.wait_for_url(lambda url: url.endswith("/min-plan#consents"))
        expect(page.get_by_text("Dit samtykke er trukket tilbage.")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        found = violations(page)
        assert found == [], found
        shot(page, f"min-plan-own-{width}-plan")
        page.get_by_role("button", name="Log ud").click()
        page.wait_for_url(lambda url: url.endswith("/min-plan/login"))

        login(page, "karin")  # the coordinating caseworker: the task for the withdrawal waits in the inbox
        page.goto("/")
        expect(page.get_by_role("link", name=re.compile("Samtykke trukket tilbage")).first).to_be_visible()
        assert violations(page) == []
        shot(page, f"min-plan-own-{width}-inbox")
    finally:
        context.close()
