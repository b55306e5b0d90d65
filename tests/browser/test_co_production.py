"""The young person proposes a milestone on a phone (390 px), the guide takes it into the plan on the
case page, and the young person sees it in their plan and marks it done (issue 12, part 3).

axe-core checks the new parts of Min Plan and the case page; screenshots go to test-artifacts/
(co-production-390.png, co-production-case.png).
"""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from engine.people import citizen_login
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import violations
from tests.conftest import ADMIN
from tests.web.test_min_plan import course_with_plan

pytestmark = pytest.mark.usefixtures("deployed")


def test_a_proposed_milestone_accepted_by_the_guide_reaches_the_young_persons_plan(browser: Any, live_server: Any,
                                                                                   engine: Any) -> None:
    youth_id, _ = course_with_plan(engine)
    token = citizen_login.create_invite(engine.uow(), ADMIN, youth_id, production=False)
    phone = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": 390, "height": 844})
    laptop = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": 1366, "height": 900})
    for context in (phone, laptop):
        context.set_default_timeout(10_000)
    young, staff = phone.new_page(), laptop.new_page()
    try:
        young.goto(f"/min-plan/invitation?t={token}")
        young.get_by_role("button", name="Se min plan").click()
        young.wait_for_url(lambda url: url.endswith("/min-plan"))
        young.get_by_label("Skriv med dine egne ord").fill("At blive tømrer")
        young.get_by_role("button", name="Gem min drøm").click()
        expect(young.get_by_text("Din drøm er gemt")).to_be_visible()
        young.get_by_role("button", name="Send forslag").click()  # empty: refused by the field
        expect(young.locator("#proposal-title-error")).to_have_text("Skriv noget, før du gemmer.")
        assert violations(young) == []
        young.get_by_label("Hvad vil du gerne nå?").fill("Tage kørekort")
        young.get_by_role("button", name="Send forslag").click()
        expect(young.get_by_text("Dit forslag er sendt")).to_be_visible()
        expect(young.get_by_text("Venter på svar")).to_be_visible()

        login(staff, "gustav")
        staff.goto(f"/unge/{youth_id}")
        expect(staff.get_by_text("At blive tømrer")).to_be_visible()
        staff.get_by_role("button", name="Tag med i planen").click()
        expect(staff.get_by_text("Forslaget er besvaret")).to_be_visible()
        found = violations(staff)
        assert found == [], found
        shot(staff, "co-production-case")

        young.reload()
        own = young.locator("#done")
        expect(own.get_by_text("Tage kørekort", exact=True)).to_be_visible()
        expect(own.get_by_text("Med i planen")).to_be_visible()
        assert young.evaluate("() => document.documentElement.scrollWidth") <= 390
        found = violations(young)
        assert found == [], found
        shot(young, "co-production-390")
        own.get_by_role("button", name="Jeg har gjort det: Tage kørekort").click()
        expect(young.locator("#done").get_by_text("Udført")).to_be_visible()
    finally:
        phone.close()
        laptop.close()
