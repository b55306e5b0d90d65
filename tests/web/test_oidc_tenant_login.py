"""Each municipality logs its staff in through its own identity provider (issue 11): two real providers.

Ballerup's provider is the suite's ``oidc_provider``, Viborg's a second instance on another port
(``viborg_provider``, tests/oidc/provider.py); each is set as its tenant's own with
:func:`engine.people.login_providers.set_provider`, as ``samspil tenant oidc`` does. The app has no
provider in its environment. Each attack is written as the request an attacker would make.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from sqlalchemy import func, select

from engine.people import audit, login_providers, tenants, users, youths
from engine.people.access import Actor
from engine.platform import tenancy
from engine.platform.models import TenantLoginProvider, User, UserIdentity
from tests.conftest import PASSWORD, on_postgres
from web import create_app

# Ballerup's own map: its guides are *tovholdere* (Ballerup's own role), unlike the environment's map.
BALLERUP_MAP = {"ballerup-ungeguides": "tovholder", "ballerup-koordinatorer": "ungekoordinator"}
ADMIN = Actor("admin", frozenset({"admin"}))


@pytest.fixture
def towns(engine, oidc_provider, viborg_provider) -> dict[str, int]:
    """Ballerup and Viborg, each with its own provider and a young person of its own."""
    ids = {"ballerup": tenants.add_tenant(engine, "ballerup", "Ballerup Kommune")["id"],
           "viborg": tenants.add_tenant(engine, "viborg", "Viborg Kommune")["id"]}
    login_providers.set_provider(engine, "ballerup", **oidc_provider.tenant_settings(role_map=json.dumps(BALLERUP_MAP)))
    login_providers.set_provider(engine, "viborg", **viborg_provider.tenant_settings())
    for town, clerk, youth in (("ballerup", "bo_ballerup", "Aase Andersby"), ("viborg", "vi_viborg", "Bertram Bøgely")):
        with tenancy.acting_in(ids[town]):
            users.add_user(engine.uow(), clerk, PASSWORD, ["sagsbehandler"])
            youths.create_youth(engine.uow(), Actor(clerk, frozenset({"sagsbehandler"})), youth, "2009-03-01")
    return ids


@pytest.fixture
def app(engine, towns):
    return create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret"})


def start(client, town: str | None) -> str:
    """Click the tenant's "Log ind med ...": the authorization URL this browser is sent to."""
    response = client.get("/login/oidc" + (f"?tenant={town}" if town else ""))
    assert response.status_code == 302, response.headers.get("Location")
    return response.headers["Location"]


def with_params(url: str, **params: str | None) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode({k: v for k, v in query.items() if v is not None})))


def elsewhere(url: str, origin: str) -> str:
    """The same request sent to another origin (another tenant's provider)."""
    parts, target = urlsplit(url), urlsplit(origin)
    return urlunsplit(parts._replace(scheme=target.scheme, netloc=target.netloc))


def usernames(engine, tenant: int) -> set[str]:
    with engine.uow(write=False, tenant=tenant) as uow:
        return set(uow.session.scalars(select(User.username)))


def identities(engine, tenant: int) -> int:
    with engine.uow(write=False, tenant=tenant) as uow:
        return uow.session.scalar(select(func.count()).select_from(UserIdentity))


def log_of(engine, tenant: int, action: str) -> list[dict]:
    with tenancy.acting_in(tenant):
        return audit.list_entries(engine.uow(), ADMIN, action=action)


def flashed(client) -> str:
    return client.get("/login").get_data(as_text=True)


def test_the_login_page_offers_the_tenants_own_provider(client):
    ballerup = client.get("/login?tenant=ballerup").get_data(as_text=True)
    assert "Log ind med Ballerup Login" in ballerup and 'href="/login/oidc?tenant=ballerup"' in ballerup
    assert "Log ind med Viborg Login" in client.get("/login?tenant=viborg").get_data(as_text=True)
    default = client.get("/login").get_data(as_text=True)  # the default tenant has no provider here
    assert 'id="login-oidc"' not in default and 'name="password"' in default
    unknown = client.get("/login?tenant=aarhus").get_data(as_text=True)
    assert "Kommunen i adressen findes ikke" in unknown and 'id="login-oidc"' not in unknown


def test_a_ballerup_user_logs_in_through_ballerups_provider_and_lands_in_ballerup(client, oidc_provider, engine, towns):
    authorize = urlsplit(start(client, "ballerup"))
    assert f"{authorize.scheme}://{authorize.netloc}" == oidc_provider.issuer
    assert parse_qs(authorize.query)["redirect_uri"] == ["http://localhost/login/oidc/callback/ballerup"]
    response = client.get(oidc_provider.log_in_over_http(urlunsplit(authorize), "nina"))
    assert response.status_code == 303 and response.headers["Location"] == "/"
    young = client.get("/unge?q=e").get_data(as_text=True)  # a coordinator sees every young person of her tenant
    assert "Aase Andersby" in young and "Bertram Bøgely" not in young
    with tenancy.acting_in(towns["ballerup"]):
        assert users.get_user(engine.uow(), "nina")["roles"] == ["ungekoordinator"]
    assert "nina" not in usernames(engine, tenancy.DEFAULT_TENANT) | usernames(engine, towns["viborg"])
    assert (identities(engine, towns["ballerup"]), identities(engine, towns["viborg"])) == (1, 0)
    [login] = log_of(engine, towns["ballerup"], "login")
    assert login["user"] == "nina" and login["detail"] == "identitetsudbyder"


def test_roles_come_from_the_tenants_own_map(client, oidc_provider, engine, towns):
    client.get(oidc_provider.log_in_over_http(start(client, "ballerup"), "oline"))
    with tenancy.acting_in(towns["ballerup"]):  # the environment's map would have made her an ungeguide
        assert users.get_user(engine.uow(), "oline")["roles"] == ["tovholder"]
    assert "Mine opgaver" in client.get("/").get_data(as_text=True)


def test_viborgs_provider_logs_in_to_viborg_and_shows_nothing_of_ballerup(client, viborg_provider, engine, towns):
    response = client.get(viborg_provider.log_in_over_http(start(client, "viborg"), "vera"))
    assert response.headers["Location"] == "/"
    young = client.get("/unge?q=e").get_data(as_text=True)
    assert "Bertram Bøgely" in young and "Aase Andersby" not in young
    assert "vera" in usernames(engine, towns["viborg"]) and "vera" not in usernames(engine, towns["ballerup"])


def test_an_account_at_viborgs_provider_cannot_enter_ballerup_under_a_ballerup_name(
        app, oidc_provider, viborg_provider, engine, towns):
    client = app.test_client()
    client.get(oidc_provider.log_in_over_http(start(client, "ballerup"), "oline"))  # Ballerup's own oline
    intruder = app.test_client()
    # Viborg's provider vouches for "oline", in a group Ballerup's map knows: she must not become Ballerup's oline.
    response = intruder.get(viborg_provider.log_in_over_http(start(intruder, "viborg"), "oline"))
    assert response.headers["Location"] == "/login"
    assert "Der findes allerede en lokal bruger" in flashed(intruder)
    assert intruder.get("/").status_code == 302
    assert "oline" not in usernames(engine, towns["viborg"]) and identities(engine, towns["viborg"]) == 0
    with tenancy.acting_in(towns["ballerup"]):
        assert users.get_user(engine.uow(), "oline")["roles"] == ["tovholder"]
    [refused] = log_of(engine, towns["viborg"], "login_refused")
    assert refused["detail"] == "identitetsudbyder: username_taken"


def test_a_mix_up_ballerups_answer_at_viborgs_callback_is_refused_and_logged(app, oidc_provider, engine, towns):
    client = app.test_client()
    answer = urlsplit(oidc_provider.log_in_over_http(start(client, "ballerup"), "nina"))
    assert answer.path == "/login/oidc/callback/ballerup"
    response = client.get(urlunsplit(answer._replace(path="/login/oidc/callback/viborg")))
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "hørte til et login for en anden kommune" in flashed(client)
    assert client.get("/").status_code == 302
    for tenant in towns.values():
        assert "nina" not in usernames(engine, tenant)
    [refused] = log_of(engine, towns["ballerup"], "login_refused")  # in the log of the tenant the login began for
    assert refused["detail"] == "identitetsudbyder: tenant"
    assert log_of(engine, towns["viborg"], "login_refused") == []


def test_a_mix_up_a_login_begun_for_viborg_answered_with_ballerups_callback_is_refused(
        app, oidc_provider, viborg_provider, engine, towns):
    attacker, victim = app.test_client(), app.test_client()
    ballerup_answer = oidc_provider.log_in_over_http(start(attacker, "ballerup"), "nina")  # the attacker's own
    start(victim, "viborg")
    response = victim.get(ballerup_answer)  # the victim's browser, whose login was begun for Viborg
    assert response.headers["Location"] == "/login"
    assert victim.get("/").status_code == 302
    assert "nina" not in usernames(engine, towns["ballerup"])
    assert [e["detail"] for e in log_of(engine, towns["viborg"], "login_refused")] == ["identitetsudbyder: tenant"]


def test_an_answer_from_another_tenants_provider_is_refused(client, viborg_provider, engine, towns):
    # Viborg's provider (knowing Ballerup's public client id) answers a login begun for Ballerup:
    # the state is Ballerup's, the code and the issuer Viborg's.
    authorize = elsewhere(start(client, "ballerup"), viborg_provider.issuer)
    answer = viborg_provider.log_in_over_http(authorize, "vera")
    assert urlsplit(answer).path == "/login/oidc/callback/ballerup"
    assert client.get(with_params(answer, iss=viborg_provider.issuer)).headers["Location"] == "/login"
    assert "kunne ikke gennemføres" in flashed(client)
    # Without the issuer in the answer, the code is worth nothing at Ballerup's provider.
    authorize = elsewhere(start(client, "ballerup"), viborg_provider.issuer)
    answer = with_params(viborg_provider.log_in_over_http(authorize, "vera"), iss=None)
    assert client.get(answer).headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert "vera" not in usernames(engine, towns["ballerup"]) and identities(engine, towns["ballerup"]) == 0
    assert [e["detail"] for e in log_of(engine, towns["ballerup"], "login_refused")] == [
        "identitetsudbyder: provider:invalid_grant", "identitetsudbyder: issuer"]


def test_an_unknown_tenant_or_one_without_a_provider_is_told_plainly_and_logged(client, engine, towns):
    response = client.get("/login/oidc?tenant=aarhus")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Kommunen i adressen findes ikke" in flashed(client)
    assert log_of(engine, tenancy.DEFAULT_TENANT, "login_refused")[0]["detail"] == "identitetsudbyder: unknown_tenant"
    norddjurs = tenants.add_tenant(engine, "norddjurs", "Norddjurs Kommune")["id"]
    assert client.get("/login/oidc?tenant=norddjurs").headers["Location"] == "/login"
    assert "har ikke sat sit eget login op" in flashed(client)
    assert log_of(engine, norddjurs, "login_refused")[0]["detail"] == "identitetsudbyder: no_provider"
    assert client.get("/login?tenant=norddjurs").get_data(as_text=True).count('id="login-oidc"') == 0


def test_a_tenants_callback_no_login_was_begun_for_is_refused(client, engine):
    response = client.get("/login/oidc/callback/ballerup?code=stolen&state=guessed")
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert log_of(engine, tenancy.DEFAULT_TENANT, "login_refused")[0]["detail"] == "identitetsudbyder: state"


def test_the_environments_provider_stays_the_default_tenants_beside_the_tenants_own(engine, towns, oidc_provider,
                                                                                    viborg_provider):
    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret", **viborg_provider.app_config()})
    client = app.test_client()
    assert "Log ind med Viborg Login" in client.get("/login").get_data(as_text=True)
    assert "Log ind med Ballerup Login" in client.get("/login?tenant=ballerup").get_data(as_text=True)
    assert urlsplit(start(client, None)).netloc == urlsplit(viborg_provider.issuer).netloc
    # the environment's provider lands its users in the default tenant, as before tenants
    response = client.get(viborg_provider.log_in_over_http(start(client, None), "vera"))
    assert response.headers["Location"] == "/"
    assert "vera" in usernames(engine, tenancy.DEFAULT_TENANT) and "vera" not in usernames(engine, towns["viborg"])


@pytest.mark.parametrize("service_filter", [True, False] if on_postgres() else [True],
                         ids=["service-filter-and-rls", "rls-alone"][:2 if on_postgres() else 1])
def test_a_tenants_provider_is_read_in_that_tenant_only(engine, towns, oidc_provider, monkeypatch, service_filter):
    # On PostgreSQL the same holds with the service layer's filter off: row-level security alone (migration 0011).
    monkeypatch.setattr(tenancy, "service_filter_enabled", service_filter)
    issuers = {}
    for tenant in (tenancy.DEFAULT_TENANT, towns["ballerup"]):
        with engine.uow(write=False, tenant=tenant) as uow:
            issuers[tenant] = list(uow.session.scalars(select(TenantLoginProvider.issuer)))
    assert issuers == {tenancy.DEFAULT_TENANT: [], towns["ballerup"]: [oidc_provider.issuer]}
    assert login_providers.provider_of(engine, tenancy.DEFAULT_TENANT) is None
    assert login_providers.provider_of(engine, towns["ballerup"]).client_secret == oidc_provider.client_secret
