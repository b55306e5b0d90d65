"""More pages in the browser: search with the CPR masked, claiming from the inbox (htmx), admin."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot
from tests.conftest import CASEWORKER
from tests.course import REFERRAL, complete

pytestmark = pytest.mark.usefixtures("deployed")


def test_a_coordinator_claims_a_task_in_the_inbox_and_searches_by_cpr(page, engine):
    from engine.people import youths

    youth = youths.create_youth(engine.uow(), CASEWORKER, "Ida <Holm>", "2009-03-01", "010309-4234")
    from engine.courses import instances

    instance = instances.start_instance(engine.uow(), CASEWORKER, "samarbejdsmodel", youth["id"])
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    login(page, "kim")
    row = page.locator("tr", has_text="Ida <Holm>")
    expect(row).to_contain_text("Ingen")
    row.get_by_role("button", name="Tag").click()
    expect(page.get_by_role("heading", name="Mine personlige opgaver")).to_be_visible()
    expect(page.locator("tr", has_text="Ida <Holm>")).to_contain_text("kim")
    shot(page, "inbox-claimed")
    page.get_by_role("link", name="Unge").click()
    page.get_by_label("Navn eller CPR-nummer").fill("010309-4234")
    page.get_by_role("button", name="Søg").click()
    expect(page.get_by_role("link", name="Ida <Holm>")).to_be_visible()
    expect(page.get_by_role("cell", name="010309-XXXX")).to_be_visible()
    assert "4234" not in page.content()
    shot(page, "search")


def test_the_admin_adds_a_user_and_creates_a_token(page):
    login(page, "admin")
    page.get_by_role("link", name="Brugere").click()
    page.get_by_role("textbox", name="Brugernavn").fill("bo")
    page.get_by_label("Navn", exact=True).fill("Bo Berg")
    page.get_by_label("Adgangskode (mindst 10 tegn)").fill("kort")
    page.locator("#add-user-heading + form").get_by_role("checkbox", name="Ungeguide").check()
    page.get_by_role("button", name="Opret bruger").click()
    expect(page.locator("#new-password-error")).to_contain_text("mindst 10 tegn")
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Bo Berg")
    page.get_by_label("Adgangskode (mindst 10 tegn)").fill("et-langt-kodeord")
    page.locator("#add-user-heading + form").get_by_role("checkbox", name="Ungeguide").check()
    page.get_by_role("button", name="Opret bruger").click()
    expect(page.get_by_text("Brugeren bo er oprettet.")).to_be_visible()
    page.get_by_label("Formål (fx systemets navn)").fill("Skolesystem")
    page.get_by_role("button", name="Opret token").click()
    expect(page.get_by_text("Kopiér tokenet nu.")).to_be_visible()
    shot(page, "admin-users")


def test_the_pages_work_in_english(page):
    login(page, "sara")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    page.get_by_role("link", name="Start course").click()
    expect(page.get_by_role("heading", name="Start a course")).to_be_visible()
    shot(page, "start-course-english")
