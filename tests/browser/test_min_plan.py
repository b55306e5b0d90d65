"""A young person opens their one-time link and reads Min Plan, on a phone (390 px) and a laptop (1366 px).

axe-core checks the invitation page and the plan against WCAG 2.1 A and AA; the screenshots are saved
to test-artifacts/ (min-plan-390.png, min-plan-1366.png and their -print copies) to be looked at. The
plan downloads as a PDF.
"""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from engine.people import citizen_login
from tests.browser.conftest import shot
from tests.browser.test_accessibility import violations
from tests.conftest import ADMIN
from tests.web.test_min_plan import course_with_plan

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.mark.parametrize("width", [390, 1366])
def test_a_young_person_opens_the_invite_link_and_reads_their_plan(browser: Any, live_server: Any, engine: Any,
                                                                   width: int) -> None:
    youth_id, _ = course_with_plan(engine)
    token = citizen_login.create_invite(engine.uow(), ADMIN, youth_id, production=False)
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/min-plan/invitation?t={token}")
        assert violations(page) == []
        page.get_by_role("button", name="Se min plan").click()
        page.wait_for_url(lambda url: url.endswith("/min-plan"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Hej Mira Ung")
        for heading in ("Dit mål", "Dine delmål", "Det har I aftalt", "Det næste der sker", "Dine kontaktpersoner",
                        "Referater fra jeres møder"):
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_text("Start på EUD")).to_be_visible()
        expect(page.get_by_role("link", name="gustav@kommune.example")).to_be_visible()
        expect(page.get_by_role("button", name="Udskriv planen")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Hent planen som PDF").click()
        assert download.value.suggested_filename == "min-plan.pdf"
        # Nothing is wider than the screen: a phone reads it without scrolling sideways.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        found = violations(page)
        assert found == [], found
        shot(page, f"min-plan-{width}")
        page.emulate_media(media="print")
        expect(page.get_by_role("button", name="Udskriv planen")).to_be_hidden()
        shot(page, f"min-plan-{width}-print")
        page.emulate_media(media="screen")
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", name="Your milestones")).to_be_visible()
        assert violations(page) == []
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url(lambda url: url.endswith("/min-plan/login"))
        assert violations(page) == []
    finally:
        context.close()
