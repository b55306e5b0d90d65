"""A staff member logs in through the municipality's OpenID provider in Chromium, and out again; a
coordinator of a second municipality logs in through that municipality's own provider.

The provider is a real one (npm's oidc-provider, tests/oidc/provider.mjs) on loopback; its login
page is its own, driven here as a person would.
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from engine.people import users
from tests.browser.conftest import shot
from tests.browser.test_accessibility import violations
from tests.oidc.provider import PASSWORD
from web import create_app


@pytest.fixture
def live_app(engine: Any, people: Any, oidc_provider: Any) -> Any:  # overrides conftest's
    return create_app({"ENGINE": engine, "SECRET_KEY": "test-secret", **oidc_provider.app_config()})


def log_in_at_provider(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Log ind med Ballerup Login").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_coordinator_logs_in_through_the_provider_lands_on_the_inbox_and_logs_out_there_too(page, engine,
                                                                                               oidc_provider):
    page.goto("/")
    expect(page.get_by_role("link", name="Log ind med Ballerup Login")).to_be_visible()
    shot(page, "login-with-provider")
    log_in_at_provider(page, "nina")
    expect(page.get_by_role("heading", name="Mine opgaver")).to_be_visible()
    expect(page.get_by_text("Logget ind som nina")).to_be_visible()
    # The mapped role decides what the menu offers: the overview is for coordinators.
    expect(page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Overblik")).to_be_visible()
    assert users.get_user(engine.uow(), "nina")["roles"] == ["ungekoordinator"]
    shot(page, "inbox-after-provider-login")

    page.get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile("^" + re.escape(oidc_provider.issuer)))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_text("Du er logget ud.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    # The provider's session ended too: logging in again asks for the password.
    page.get_by_role("link", name="Log ind med Ballerup Login").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_person_the_provider_knows_but_with_no_mapped_group_is_told_they_have_no_access(page, engine):
    log_in_at_provider(page, "kaj")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_contain_text("Du har ikke adgang til Samspil")
    shot(page, "login-provider-no-role")
    assert violations(page) == []  # the login page with the provider's button and a refusal, by axe-core
    assert "kaj" not in {u["username"] for u in users.list_users(engine.uow())}


def test_a_coordinator_of_another_municipality_logs_in_through_its_own_provider_and_lands_in_it(
        page: Any, engine: Any, viborg_provider: Any) -> None:
    from engine.people import login_providers, tenants, youths
    from engine.people.access import Actor
    from engine.platform import tenancy

    viborg = tenants.add_tenant(engine, "viborg", "Viborg Kommune")["id"]
    login_providers.set_provider(engine, "viborg", **viborg_provider.tenant_settings())  # as `samspil tenant oidc`
    youths.create_youth(engine.uow(), Actor("sara", frozenset({"sagsbehandler"})), "Aase Andersby", "2009-03-01")
    with tenancy.acting_in(viborg):
        youths.create_youth(engine.uow(), Actor("system_test", frozenset({"admin"})), "Bertram Bøgely", "2009-04-01")

    page.goto("/login?tenant=viborg")
    expect(page.get_by_role("link", name="Log ind med Ballerup Login")).to_have_count(0)
    shot(page, "login-tenant-provider")
    page.get_by_role("link", name="Log ind med Viborg Login").click()
    expect(page).to_have_url(re.compile("^" + re.escape(viborg_provider.issuer)))
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Logget ind som vera")).to_be_visible()
    with tenancy.acting_in(viborg):
        assert users.get_user(engine.uow(), "vera")["roles"] == ["ungekoordinator"]  # Viborg's map
    page.goto("/unge?q=e")  # she sees every young person of Viborg, and none of the default tenant's
    expect(page.get_by_text("Bertram Bøgely")).to_be_visible()
    expect(page.get_by_text("Aase Andersby")).to_have_count(0)
    shot(page, "tenant-provider-login-search")

    page.get_by_role("button", name="Log ud").click()  # at Viborg's provider too (its origin in form-action)
    expect(page).to_have_url(re.compile("^" + re.escape(viborg_provider.issuer)))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_text("Du er logget ud.")).to_be_visible()
