"""Staff log in through the municipality's identity provider: a real OpenID provider on loopback.

The provider is npm's oidc-provider (tests/oidc/provider.mjs); these tests play the browser with the
app's test client on Samspil's side and plain HTTP at the provider. Each attack is written as the
request an attacker would make.
"""
from __future__ import annotations

import re
import socket
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import select

from engine.people import audit, users
from engine.platform.models import UserIdentity
from engine.platform.settings import ConfigurationError
from tests.conftest import ADMIN, PASSWORD
from tests.web.fixtures import csrf_from
from web import create_app


@pytest.fixture
def app(engine, people, oidc_provider):
    return create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret", **oidc_provider.app_config()})


def start(client, next_path: str | None = None) -> str:
    """Click "Log ind med ...": the provider's authorization URL this browser is sent to."""
    response = client.get("/login/oidc" + (f"?next={next_path}" if next_path else ""))
    assert response.status_code == 302
    return response.headers["Location"]


def log_in(client, provider, username: str, next_path: str | None = None):
    return client.get(provider.log_in_over_http(start(client, next_path), username))


def with_params(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **params})))


def refusals(engine) -> list[dict]:
    return audit.list_entries(engine.uow(), ADMIN, action="login_refused")


def flashed_on_login_page(client) -> str:
    return client.get("/login").get_data(as_text=True)


def test_the_login_page_offers_the_provider_beside_passwords(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Log ind med Ballerup Login" in page and 'name="password"' in page


def test_discovery_authorization_code_with_pkce_s256_state_and_nonce(client, oidc_provider):
    authorize = urlsplit(start(client))
    params = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}" == oidc_provider.issuer
    assert params["response_type"] == ["code"] and params["code_challenge_method"] == ["S256"]
    assert params["code_challenge"][0] and params["state"][0] and params["nonce"][0]
    assert params["redirect_uri"] == ["http://localhost/login/oidc/callback"]


def test_a_first_login_creates_the_user_with_the_mapped_roles_and_lands_on_the_inbox(client, oidc_provider, engine):
    response = log_in(client, oidc_provider, "oline", next_path="/unge")
    assert response.status_code == 303 and response.headers["Location"] == "/unge"
    assert "Mine opgaver" in client.get("/").get_data(as_text=True)
    user = users.get_user(engine.uow(), "oline")
    assert user["roles"] == ["ungeguide"] and user["active"]
    assert (user["full_name"], user["email"]) == ("Oline Guide", "oline@ballerup.example")
    with engine.reader() as uow:
        identity = uow.session.scalars(select(UserIdentity)).one()
        assert (identity.issuer, identity.subject) == (oidc_provider.issuer, "a1f0-oline")
    logins = audit.list_entries(engine.uow(), ADMIN, username="oline", action="login")
    assert len(logins) == 1


def test_a_user_from_the_provider_has_no_password_to_log_in_with(client, oidc_provider, engine):
    log_in(client, oidc_provider, "oline")
    for guess in ("", "!external-login", PASSWORD):
        assert users.authenticate(engine.uow(), "oline", guess) is None


def test_every_login_refreshes_the_roles_and_a_change_ends_the_other_sessions(app, oidc_provider, engine):
    oidc_provider.set_claims("b2e1-rolf", groups=["ballerup-ungeguides"])
    at_work, at_home = app.test_client(), app.test_client()
    log_in(at_work, oidc_provider, "rolf")
    assert users.get_user(engine.uow(), "rolf")["roles"] == ["ungeguide"]

    oidc_provider.set_claims("b2e1-rolf", groups=["ballerup-koordinatorer", "ballerup-admins"])
    log_in(at_home, oidc_provider, "rolf")
    assert users.get_user(engine.uow(), "rolf")["roles"] == ["admin", "procesejer", "ungekoordinator"]
    assert at_home.get("/").status_code == 200
    assert at_work.get("/").status_code == 302  # the session that held the old roles has ended
    changes = audit.list_entries(engine.uow(), ADMIN, action="roles_changed")
    assert [e["detail"] for e in changes] == ["rolf: ungeguide -> admin, procesejer, ungekoordinator"]

    again = app.test_client()
    log_in(again, oidc_provider, "rolf")  # the same roles: nobody's session ends
    assert at_home.get("/").status_code == 200 and again.get("/").status_code == 200


def test_a_login_whose_claims_map_to_no_role_is_refused_and_nothing_is_created(client, oidc_provider, engine):
    response = log_in(client, oidc_provider, "kaj")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Du har ikke adgang til Samspil" in flashed_on_login_page(client)
    assert client.get("/").status_code == 302
    assert "kaj" not in {u["username"] for u in users.list_users(engine.uow())}
    with engine.reader() as uow:
        assert uow.session.scalars(select(UserIdentity)).all() == []
    [refused] = refusals(engine)
    assert refused["user"] == "kaj" and refused["detail"] == "identitetsudbyder: no_role"


def test_a_user_who_loses_every_mapped_group_is_refused_and_keeps_no_session(app, oidc_provider, engine):
    oidc_provider.set_claims("b2e1-rolf", groups=["ballerup-ungeguides"])
    before = app.test_client()
    log_in(before, oidc_provider, "rolf")
    oidc_provider.set_claims("b2e1-rolf", groups=[])
    assert log_in(app.test_client(), oidc_provider, "rolf").headers["Location"] == "/login"
    assert users.get_user(engine.uow(), "rolf")["roles"] == ["ungeguide"]  # refused: nothing changed
    assert [e["user"] for e in refusals(engine)] == ["rolf"]


def test_a_deactivated_user_is_refused_at_the_provider_login(client, oidc_provider, engine):
    log_in(client, oidc_provider, "oline")
    users.set_active(engine.uow(), "oline", False, actor=ADMIN)
    other = client.application.test_client()
    assert log_in(other, oidc_provider, "oline").headers["Location"] == "/login"
    assert "deaktiveret" in flashed_on_login_page(other)
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: inactive"


def test_a_provider_account_does_not_take_over_a_local_user_of_the_same_name(client, oidc_provider, engine):
    response = log_in(client, oidc_provider, "gustav")  # the provider says "gustav", in the admins' group
    assert response.headers["Location"] == "/login"
    assert "Der findes allerede en lokal bruger" in flashed_on_login_page(client)
    assert users.get_user(engine.uow(), "gustav")["roles"] == ["ungeguide"]
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: username_taken"


def test_an_installation_may_link_its_existing_users_by_username(engine, people, oidc_provider):
    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret",
                      **oidc_provider.app_config(OIDC_LINK_BY_USERNAME="1")})
    client = app.test_client()
    log_in(client, oidc_provider, "gustav")
    assert users.get_user(engine.uow(), "gustav")["roles"] == ["admin", "procesejer"]
    assert client.get("/").status_code == 200


def test_a_callback_this_browser_did_not_start_is_refused(app, oidc_provider, engine):
    # Login CSRF: the attacker logs in at the provider and sends the victim their callback link.
    attacker, victim = app.test_client(), app.test_client()
    callback = oidc_provider.log_in_over_http(start(attacker), "oline")
    start(victim)  # the victim's own login attempt has another state
    response = victim.get(callback)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "kunne ikke gennemføres" in flashed_on_login_page(victim)
    assert victim.get("/").status_code == 302
    assert "oline" not in {u["username"] for u in users.list_users(engine.uow())}
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: state"


def test_a_replayed_callback_is_refused(client, oidc_provider, engine):
    callback = oidc_provider.log_in_over_http(start(client), "oline")
    assert client.get(callback).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    assert client.get(callback).headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: state"


def test_an_id_token_for_another_nonce_is_refused(client, oidc_provider, engine):
    # The provider issues an ID token for a nonce other than the one this browser's login was given
    # (a token replayed from another login): state and PKCE hold, the nonce does not.
    authorize = with_params(start(client), nonce="a-nonce-from-another-login")
    response = client.get(oidc_provider.log_in_over_http(authorize, "nina"))
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert "nina" not in {u["username"] for u in users.list_users(engine.uow())}
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: nonce"


def test_a_forged_code_is_refused_by_the_provider(client, oidc_provider, engine):
    callback = with_params(oidc_provider.log_in_over_http(start(client), "nina"), code="forged-code")
    assert client.get(callback).headers["Location"] == "/login"
    assert "nina" not in {u["username"] for u in users.list_users(engine.uow())}
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: provider:invalid_grant"


def test_a_code_from_another_browsers_login_fails_pkce(app, oidc_provider, engine):
    # A stolen code put into this browser's own callback: its PKCE verifier does not match the code.
    thief, victim = app.test_client(), app.test_client()
    stolen = parse_qs(urlsplit(oidc_provider.log_in_over_http(start(victim), "nina")).query)["code"][0]
    own_callback = oidc_provider.log_in_over_http(start(thief), "kaj")
    assert thief.get(with_params(own_callback, code=stolen)).headers["Location"] == "/login"
    assert "nina" not in {u["username"] for u in users.list_users(engine.uow())}
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: provider:invalid_grant"


def test_an_answer_naming_another_issuer_is_refused(client, oidc_provider, engine):
    callback = with_params(oidc_provider.log_in_over_http(start(client), "nina"), iss="https://idp.evil.example")
    assert client.get(callback).headers["Location"] == "/login"
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: issuer"


def test_the_provider_reporting_an_error_is_refused(client, oidc_provider, engine):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(f"/login/oidc/callback?error=access_denied&state={state}")
    assert response.headers["Location"] == "/login"
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: provider:access_denied"


def test_logout_ends_the_session_here_and_at_the_provider(client, oidc_provider):
    browser = requests.Session()  # the provider's cookies, as the same browser keeps them
    client.get(oidc_provider.log_in_over_http(start(client), "oline", browser=browser))
    # Still logged in at the provider: a new login there goes straight back without its form.
    assert not oidc_provider.log_in_over_http(start(client.application.test_client()), "?", browser=browser
                                              ).startswith(oidc_provider.issuer)

    response = client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    assert response.status_code == 303
    end_session = urlsplit(response.headers["Location"])
    params = parse_qs(end_session.query)
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{oidc_provider.issuer}/session/end"
    assert params["post_logout_redirect_uri"] == ["http://localhost/login"] and params["id_token_hint"][0]
    assert client.get("/").status_code == 302  # logged out here at once

    confirm = browser.get(response.headers["Location"], timeout=10)
    form = re.search(r'<form[^>]*action="([^"]+)"', confirm.text).group(1)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', confirm.text))
    back = browser.post(form, data={**fields, "logout": "yes"}, allow_redirects=False, timeout=10)
    assert back.headers["Location"].startswith("http://localhost/login")
    assert "Du er logget ud" in client.get("/login").get_data(as_text=True)
    # Logged out at the provider too: a new login there asks for the password again.
    page = browser.get(start(client.application.test_client()), timeout=10)
    assert 'name="login"' in page.text


def test_the_logout_form_may_lead_to_the_providers_logout_page(client, oidc_provider):
    log_in(client, oidc_provider, "oline")
    policy = client.get("/").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer}" in policy


def test_password_login_switched_off_hides_the_form_and_refuses_a_password(engine, people, oidc_provider):
    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret",
                      **oidc_provider.app_config(LOCAL_LOGIN="0")})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "Log ind med Ballerup Login" in page and 'name="password"' not in page
    response = client.post("/login", data={"username": "sara", "password": PASSWORD,
                                           "csrf_token": csrf_from(page)})
    assert response.status_code == 403
    assert "Login med adgangskode er slået fra" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    [refused] = refusals(engine)
    assert refused["user"] == "sara" and refused["detail"] == "adgangskode slået fra"
    log_in(client, oidc_provider, "oline")  # the provider still logs people in
    assert "Skift adgangskode" not in client.get("/").get_data(as_text=True)
    assert client.get("/konto/adgangskode").status_code == 404


def test_a_configuration_nobody_could_log_in_with_is_refused_at_start(engine, oidc_provider):
    base = {"ENGINE": engine, "SECRET_KEY": "test-secret"}
    with pytest.raises(ConfigurationError, match="SAMSPIL_OIDC_ISSUER"):
        create_app({**base, "LOCAL_LOGIN": "0"})
    with pytest.raises(ConfigurationError, match="SAMSPIL_OIDC_ROLE_MAP"):
        create_app({**base, **oidc_provider.app_config(OIDC_ROLE_MAP='{"ballerup-ungeguides": "Ungeguide!"}')})
    with pytest.raises(ConfigurationError, match="SAMSPIL_OIDC_CLIENT_SECRET"):
        create_app({**base, **oidc_provider.app_config(OIDC_CLIENT_SECRET="")})


def test_a_discovery_document_naming_another_issuer_is_refused(engine, people, oidc_provider):
    # The same provider reached under another name: its discovery document names its real issuer,
    # which is not the one configured, so nothing it signs is trusted here.
    elsewhere = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret",
                      **oidc_provider.app_config(OIDC_ISSUER=elsewhere)})
    client = app.test_client()
    assert client.get("/login/oidc").headers["Location"] == "/login"
    assert "kunne ikke gennemføres" in flashed_on_login_page(client)
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: issuer"


def test_an_unreachable_provider_is_told_plainly(engine, people, oidc_provider):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{closed.getsockname()[1]}"
    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret",
                      **oidc_provider.app_config(OIDC_ISSUER=nobody)})
    client = app.test_client()
    assert client.get("/login/oidc").headers["Location"] == "/login"
    assert "kunne ikke gennemføres" in flashed_on_login_page(client)
    assert refusals(engine)[0]["detail"] == "identitetsudbyder: unreachable"


def test_in_production_the_issuer_must_be_https(engine, oidc_provider, monkeypatch):
    monkeypatch.setenv("SAMSPIL_ENV", "production")
    with pytest.raises(ConfigurationError, match="https"):
        create_app({"ENGINE": engine, "SECRET_KEY": "a-real-secret-for-this-test", **oidc_provider.app_config()})


def test_only_the_newest_login_attempt_is_remembered_so_the_cookie_stays_small(client, oidc_provider, engine):
    first = oidc_provider.log_in_over_http(start(client), "nina")
    for _ in range(10):
        latest = start(client)
    assert len(client.get_cookie("samspil_session").value) < 2000
    assert client.get(first).headers["Location"] == "/login"  # an older attempt's answer is refused
    assert client.get(oidc_provider.log_in_over_http(latest, "nina")).headers["Location"] == "/"
