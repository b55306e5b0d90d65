"""The page foundation in a real browser: login, Danish texts, language switch, logout."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, shot


def test_a_caseworker_logs_in_sees_danish_texts_and_logs_out(page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    shot(page, "login")
    login(page, "sara")
    expect(page.get_by_role("heading", name="Mine opgaver")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()
    shot(page, "inbox-empty")
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_text("Du er logget ud.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_wrong_password_is_told_clearly(page):
    page.goto("/login")
    page.get_by_label("Brugernavn").fill("sara")
    page.get_by_label("Adgangskode").fill("not-the-password")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_have_text("Forkert brugernavn eller adgangskode.")
    shot(page, "login-wrong-password")


def test_the_language_switches_to_english_and_back(page):
    login(page, "sara")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_role("heading", name="Mine opgaver")).to_be_visible()
