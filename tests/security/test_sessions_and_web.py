"""Attacks on sessions, secrets, CPR search, the admin trail, login throttling and the HTTP layer
(issue 10, findings 8, 9, 10 admin half, 11 and 13), each written as the attack it stops."""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from engine.bootstrap import bootstrap
from engine.people import users, youths
from engine.platform.models import AuditEntry, LoginFailure
from engine.platform.settings import DEVELOPMENT_SECRET, ConfigurationError, InsecureConfiguration, Settings
from tests.conftest import ADMIN, COORDINATOR, PASSWORD, ROOT
from tests.diagrams import simple
from tests.web.fixtures import Pages
from web import create_app

REAL_CPR = "0103094234"


def audit_rows(engine, action: str | None = None, username: str | None = None) -> list[AuditEntry]:
    with engine.reader() as uow:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        if username:
            query = query.where(AuditEntry.username == username)
        rows = uow.session.scalars(query).all()
        uow.session.expunge_all()
        return list(rows)


def session_cookie(client) -> str:
    cookie = client.get_cookie("samspil_session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def replay(app: Flask, cookie: str, path: str = "/") -> int:
    """The status a stolen copy of a session cookie gets, from another browser."""
    thief = app.test_client()
    thief.set_cookie("samspil_session", cookie)
    return thief.get(path).status_code


def signed_with(secret: str, session: dict) -> str:
    """A session cookie as Flask would sign it with ``secret``."""
    forger = Flask("forger")
    forger.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps(session)


# --- finding 9: sessions can be ended -------------------------------------------------------------

def test_a_copied_cookie_is_refused_after_logout_and_so_is_every_other_session_of_that_user(pages, app):
    pages.login("sara")
    copied = session_cookie(pages.client)
    elsewhere = Pages(app.test_client())
    elsewhere.login("sara")
    assert replay(app, copied) == 200  # the copy works while the session lives
    pages.post("/logout")
    assert replay(app, copied) == 302
    assert elsewhere.get("/").status_code == 302


def test_a_copied_cookie_is_refused_after_an_admin_sets_a_new_password(pages, app, engine):
    pages.login("sara")
    copied = session_cookie(pages.client)
    admin = Pages(app.test_client())
    admin.login("admin")
    saved = admin.post("/admin/brugere/sara", data={"full_name": "Sara", "email": "", "password": "et-nyt-kodeord-1"})
    assert saved.status_code == 303
    assert replay(app, copied) == 302
    [row] = audit_rows(engine, "password_changed")
    assert (row.username, row.detail) == ("admin", "sara")


def test_a_user_who_changes_their_own_password_keeps_this_session_and_ends_every_copy(pages, app, engine):
    pages.login("sara")
    copied = session_cookie(pages.client)
    wrong = pages.post("/konto/adgangskode", data={"current_password": "gaet-et-kodeord", "new_password": "x" * 12})
    assert wrong.status_code == 422 and "Den nuværende adgangskode er forkert" in wrong.get_data(as_text=True)
    short = pages.post("/konto/adgangskode", data={"current_password": PASSWORD, "new_password": "kort"})
    assert short.status_code == 422 and "mindst 10" in short.get_data(as_text=True).lower()
    changed = pages.post("/konto/adgangskode", data={"current_password": PASSWORD, "new_password": "et-nyt-kodeord-1"})
    assert changed.status_code == 303
    assert pages.get("/").status_code == 200
    assert replay(app, copied) == 302
    assert users.authenticate(engine.uow(), "sara", "et-nyt-kodeord-1") is not None
    [row] = audit_rows(engine, "password_changed")
    assert (row.username, row.detail) == ("sara", "sara")


def test_a_thief_with_a_session_cannot_guess_the_current_password_without_being_throttled(pages):
    pages.login("sara")
    for _ in range(users.FAILURES_BEFORE_DELAY):
        pages.post("/konto/adgangskode", data={"current_password": "gaet-et-kodeord", "new_password": "x" * 12})
    guess = pages.post("/konto/adgangskode", data={"current_password": PASSWORD, "new_password": "x" * 12})
    assert guess.status_code == 429


def test_a_copied_cookie_is_refused_after_deactivation_and_the_users_tokens_stop(pages, app, engine):
    token = users.create_token(engine.uow(), "sara")
    pages.login("sara")
    copied = session_cookie(pages.client)
    users.set_active(engine.uow(), "sara", False, actor=ADMIN)
    users.set_active(engine.uow(), "sara", True, actor=ADMIN)  # back again: the old session stays dead
    assert replay(app, copied) == 302
    users.set_active(engine.uow(), "sara", False, actor=ADMIN)
    response = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert [r.action for r in audit_rows(engine, username="admin")][-3:] == [
        "user_deactivated", "user_activated", "user_deactivated"]


def test_a_copied_cookie_is_refused_after_a_role_change_and_a_new_login_holds_the_new_roles(pages, app, engine):
    pages.login("sara")
    copied = session_cookie(pages.client)
    users.set_roles(engine.uow(), "sara", ["sagsbehandler", "ungekoordinator"], actor=ADMIN)
    assert replay(app, copied) == 302
    again = Pages(app.test_client())
    again.login("sara")
    assert again.get("/unge").status_code == 200


def test_a_cookie_signed_with_the_real_secret_but_without_a_session_number_is_refused(app, users_with_passwords):
    forged = signed_with(app.secret_key, {"user": "admin", "seen": int(time.time())})
    assert replay(app, forged, "/admin/brugere") == 302


# --- finding 11: no default secret outside development ---------------------------------------------

def test_a_cookie_forged_with_the_public_development_key_does_not_open_the_admin_pages(app, engine):
    users.add_user(engine.uow(), "admin", PASSWORD, ["admin"])
    forged = signed_with(DEVELOPMENT_SECRET, {"user": "admin", "seen": int(time.time()), "gen": 0})
    assert replay(app, forged, "/admin/brugere") == 302
    assert replay(app, forged, "/admin/adgangslog") == 302


def test_the_app_refuses_to_start_on_postgresql_without_a_secret(monkeypatch):
    monkeypatch.delenv("SAMSPIL_SECRET_KEY", raising=False)
    monkeypatch.delenv("SAMSPIL_ENV", raising=False)
    with pytest.raises(InsecureConfiguration, match="SAMSPIL_SECRET_KEY"):
        create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/samspil_never_used"})
    with pytest.raises(InsecureConfiguration):
        bootstrap("postgresql://postgres@127.0.0.1:5432/samspil_never_used")


def test_the_app_refuses_to_start_in_production_without_a_secret_or_with_the_public_one(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    monkeypatch.setenv("SAMSPIL_ENV", "production")
    monkeypatch.delenv("SAMSPIL_SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration, match="SAMSPIL_ENV=production"):
        create_app({"DATABASE_URL": url})
    monkeypatch.setenv("SAMSPIL_SECRET_KEY", DEVELOPMENT_SECRET)
    with pytest.raises(InsecureConfiguration):
        create_app({"DATABASE_URL": url})
    monkeypatch.setenv("SAMSPIL_SECRET_KEY", "a-real-secret-of-the-municipality")
    app = create_app({"DATABASE_URL": url})
    assert app.secret_key == "a-real-secret-of-the-municipality"
    app.extensions["samspil"].db.dispose()


def test_on_sqlite_in_development_the_public_key_is_used_and_it_is_written_in_one_place(monkeypatch, tmp_path):
    monkeypatch.delenv("SAMSPIL_SECRET_KEY", raising=False)
    monkeypatch.delenv("SAMSPIL_ENV", raising=False)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}"})
    assert app.secret_key == DEVELOPMENT_SECRET
    app.extensions["samspil"].db.dispose()
    sources = [p for folder in ("engine", "web") for p in (ROOT / folder).rglob("*.py")]
    holders = [p.relative_to(ROOT).as_posix() for p in sources if DEVELOPMENT_SECRET in p.read_text()]
    assert holders == ["engine/platform/settings.py"]


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]])
def test_serve_and_worker_exit_with_a_clear_message_in_production_without_a_secret(command, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SAMSPIL_SECRET_KEY"}
    env.update(SAMSPIL_ENV="production", SAMSPIL_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    result = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", *command], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SAMSPIL_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_make_run_keeps_a_local_secret_readable_only_by_its_owner():
    makefile = (ROOT / "Makefile").read_text()
    assert "instance/secret_key" in makefile and "umask 077" in makefile
    assert "$(WITH_SECRET) $(VENV)/bin/samspil init" in makefile


# --- finding 8: CPR search is no oracle ------------------------------------------------------------

@pytest.fixture
def known_youth(engine, people):
    return youths.create_youth(engine.uow(), COORDINATOR, "Emil Jensen", "2009-03-01", REAL_CPR)


def guesses(count: int) -> list[str]:
    """CPR numbers with the young person's birth date, the real one among them near the end."""
    wrong = [f"010309{n:04d}" for n in range(count) if f"010309{n:04d}" != REAL_CPR][:count - 1]
    return wrong[:count - 30] + [REAL_CPR] + wrong[count - 30:]


def test_236_cpr_guesses_are_stopped_after_the_limit_and_every_attempt_is_in_the_audit_log(pages, engine,
                                                                                          known_youth):
    pages.login("kim")  # a coordinator sees everyone: the strongest oracle there is
    statuses = []
    for guess in guesses(236):
        response = pages.post("/unge", data={"q": guess})
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert "Du har søgt på 10 CPR-numre inden for 10 minutter" in response.get_data(as_text=True)
            assert "Emil Jensen" not in response.get_data(as_text=True)
    assert statuses == [200] * youths.CPR_SEARCH_LIMIT + [429] * (236 - youths.CPR_SEARCH_LIMIT)
    looked_up = audit_rows(engine, youths.CPR_LOOKUP, "kim")
    refused = audit_rows(engine, "youth_search_refused", "kim")
    assert (len(looked_up), len(refused)) == (10, 226)
    assert {row.detail for row in looked_up} == {"0 fundet"}  # all misses, each logged
    assert not audit_rows(engine, "youth_search_result")
    assert not any(REAL_CPR[:6] in (row.detail or "") for row in audit_rows(engine))


def test_cpr_lookups_are_allowed_again_when_the_window_has_passed(pages, engine, known_youth, clock):
    pages.login("kim")
    for guess in guesses(11):
        pages.post("/unge", data={"q": guess})
    clock.advance(minutes=10, seconds=1)
    found = pages.post("/unge", data={"q": REAL_CPR})
    assert found.status_code == 200 and "Emil Jensen" in found.get_data(as_text=True)


def test_a_cpr_number_in_the_search_address_is_refused_logged_and_not_kept(pages, engine, known_youth):
    pages.login("kim")
    response = pages.get(f"/unge?q={REAL_CPR}")
    assert response.status_code == 303 and response.headers["Location"] == "/unge"
    [row] = audit_rows(engine, "youth_search_refused")
    assert (row.username, row.detail) == ("kim", "CPR-nummer i adressen")
    assert not audit_rows(engine, youths.CPR_LOOKUP)
    assert "et CPR-nummer må ikke stå i en adresse" in pages.get("/unge").get_data(as_text=True)


def test_a_name_search_that_finds_nothing_is_logged_too(pages, engine, known_youth):
    pages.login("sara")
    pages.get("/unge?q=Emil")  # sara is not involved with Emil: a miss
    [row] = audit_rows(engine, "youth_search", "sara")
    assert row.detail == "0 fundet"


def test_the_api_searches_cpr_only_in_a_body_and_with_the_same_limit(api, engine, known_youth):
    kim = api.as_("kim")
    refused = kim.get("/youths", query_string={"q": REAL_CPR})
    assert refused.status_code == 400 and "POST /api/v1/youths/search" in refused.get_json()["error"]
    assert [r.detail for r in audit_rows(engine, "youth_search_refused")] == ["CPR-nummer i adressen"]
    statuses = [kim.post("/youths/search", json={"q": guess}).status_code for guess in guesses(15)[:-1]]
    assert statuses == [200] * 10 + [429] * 4
    over = kim.post("/youths/search", json={"q": REAL_CPR})
    assert over.status_code == 429 and over.get_json()["retry_after"] > 0
    assert over.headers["Retry-After"] == str(over.get_json()["retry_after"])
    assert len(audit_rows(engine, "youth_search_refused", "kim")) == 1 + 5
    assert kim.post("/youths/search", json={"q": "Emil"}).get_json()[0]["cpr"] == "010309-XXXX"
    assert kim.post("/youths/search", json={"q": 7}).status_code == 400


# --- finding 10 (admin half): every admin change is logged with who and what ------------------------

def test_every_admin_change_on_the_pages_is_an_audit_row_naming_who_and_what(pages, engine):
    pages.login("admin")
    added = pages.post("/admin/brugere", data={"username": "bo", "full_name": "Bo", "password": "et-langt-kodeord",
                                               "roles": ["admin"]})
    assert added.status_code == 303
    pages.post("/admin/brugere/sara/roller", data=[("roles", "sagsbehandler"), ("roles", "admin")])
    pages.post("/admin/brugere/sara/roller", data={"roles": "sagsbehandler"})
    pages.post("/admin/brugere/gustav/aktiv", data={"active": "0"})
    created = pages.post("/admin/tokens", data={"username": "kim", "name": "integration"})
    token = re.search(r"sp_[A-Za-z0-9_-]+", created.get_data(as_text=True)).group()
    [row] = users.list_tokens(engine.reader(), "kim")
    pages.post(f"/admin/tokens/{row['id']}/tilbagekald")
    pages.post("/admin/brugere/kim",
               data={"full_name": "Kim K", "email": "kim@example.dk", "password": "nyt-kodeord-12"})
    trail = [(r.username, r.action, r.detail) for r in audit_rows(engine)
             if r.action not in ("login", "audit_read") and r.username == "admin"]
    assert trail == [
        ("admin", "user_created", "bo: roller admin"),
        ("admin", "admin_granted", "bo"),
        ("admin", "roles_changed", "sara: sagsbehandler -> admin, sagsbehandler"),
        ("admin", "admin_granted", "sara"),
        ("admin", "roles_changed", "sara: admin, sagsbehandler -> sagsbehandler"),
        ("admin", "admin_removed", "sara"),
        ("admin", "user_deactivated", "gustav"),
        ("admin", "token_created", f"kim: token {row['id']}"),
        ("admin", "token_revoked", f"kim: token {row['id']}"),
        ("admin", "user_updated", "kim: navn eller e-mail"),
        ("admin", "password_changed", "kim"),
    ]
    assert not any(token in (r.detail or "") for r in audit_rows(engine))


def test_the_command_line_logs_its_changes_as_cli(app, engine):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["user", "add", "bo", "--role", "admin"], input="et-langt-kodeord\n").exit_code == 0
    token = runner.invoke(args=["token", "create", "bo"]).output.strip()
    assert runner.invoke(args=["deploy", str(ROOT / "processes")]).exit_code == 0
    trail = [(r.username, r.action, r.detail) for r in audit_rows(engine)]
    assert trail == [("cli", "user_created", "bo: roller admin"), ("cli", "admin_granted", "bo"),
                     ("cli", "token_created", "bo: token 1"), ("cli", "process_deployed", "samarbejdsmodel version 1")]
    assert token.startswith("sp_") and not any(token in (r.detail or "") for r in audit_rows(engine))


def test_a_deploy_through_the_api_names_the_deployer_and_the_version(api, engine):
    response = api.as_("per").post("/process-models", data=simple(), content_type="application/xml")
    assert response.status_code == 201
    [row] = audit_rows(engine, "process_deployed")
    assert (row.username, row.detail) == ("per", f"{response.get_json()['key']} version 1")


def test_a_bad_api_token_is_refused_and_logged_without_the_token(api, engine, client):
    forged = "sp_" + "A" * 43
    response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    [row] = audit_rows(engine, "api_token_refused")
    assert (row.username, row.detail) == (None, "GET /api/v1/tasks")
    assert client.get("/api/v1/tasks").status_code == 401  # no token at all: refused, nothing to log
    assert len(audit_rows(engine, "api_token_refused")) == 1
    revoked = users.create_token(engine.uow(), "sara")
    users.revoke_token(engine.uow(), users.list_tokens(engine.reader(), "sara")[0]["id"], actor=ADMIN)
    assert client.post("/api/v1/youths", headers={"Authorization": f"Bearer {revoked}"}, json={}).status_code == 401
    assert [r.detail for r in audit_rows(engine, "api_token_refused")] == ["GET /api/v1/tasks", "POST /api/v1/youths"]
    assert not any(revoked in (r.detail or "") for r in audit_rows(engine))


# --- finding 13a: throttling that cannot lock others out -------------------------------------------

def login_from(pages: Pages, address: str, username: str, password: str):
    return pages.post("/login", data={"username": username, "password": password},
                      environ_base={"REMOTE_ADDR": address})


def test_a_strangers_wrong_passwords_do_not_lock_the_user_out_at_their_own_address(pages):
    for _ in range(30):
        login_from(pages, "198.51.100.7", "sara", "wrong-password")
    assert login_from(pages, "203.0.113.20", "sara", PASSWORD).status_code == 302


def test_after_wrong_passwords_even_the_right_one_waits_but_never_longer_than_the_cap(pages, clock):
    for _ in range(users.FAILURES_BEFORE_DELAY):
        assert login_from(pages, "198.51.100.7", "sara", "wrong-password").status_code == 401
    assert login_from(pages, "198.51.100.7", "sara", PASSWORD).status_code == 429
    clock.advance(seconds=users.MAX_DELAY.total_seconds())
    assert login_from(pages, "198.51.100.7", "sara", PASSWORD).status_code == 302


def test_the_wait_is_computed_as_growing_and_capped(engine, people, clock):
    waits = []
    for _ in range(11):
        while True:
            try:
                assert users.login(engine.uow(), "sara", "wrong-password", "198.51.100.7") is None
                break
            except users.TooManyAttempts as throttled:
                waits.append(throttled.details["retry_after"])
                clock.advance(seconds=throttled.details["retry_after"])
    assert waits == [15, 30, 60, 120, 240, 300]  # then 300 s, until failures age out of the 15-minute window


def test_twenty_failures_behind_one_address_do_not_lock_out_the_rest_of_the_office(pages, monkeypatch):
    quick_unknown_users(monkeypatch)
    for n in range(20):
        login_from(pages, "192.0.2.1", f"nobody{n}", "wrong-password")
    assert login_from(pages, "192.0.2.1", "kim", PASSWORD).status_code == 302


def quick_unknown_users(monkeypatch) -> None:
    """Unknown usernames are checked against a dummy hash of full cost; give it the tests' small cost."""
    monkeypatch.setattr(users, "_DUMMY_HASH", users._hasher.hash("dummy"))


def test_an_address_is_capped_after_many_failures_for_many_names(engine, people, clock, monkeypatch):
    quick_unknown_users(monkeypatch)
    for n in range(users.MAX_FAILURES_PER_SOURCE):
        users.login(engine.uow(), f"nobody{n}", "wrong-password", "192.0.2.1")
    with pytest.raises(users.TooManyAttempts):
        users.login(engine.uow(), "kim", PASSWORD, "192.0.2.1")
    assert users.login(engine.uow(), "kim", PASSWORD, "192.0.2.2") is not None


def failure_sources(engine) -> list[str | None]:
    with engine.reader() as uow:
        return list(uow.session.scalars(select(LoginFailure.source).order_by(LoginFailure.id)))


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(engine, people):
    spoofed = {"X-Forwarded-For": "203.0.113.99"}
    plain = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret", "TRUSTED_PROXIES": 0})
    Pages(plain.test_client()).post("/login", data={"username": "sara", "password": "wrong-password"},
                                    headers=spoofed, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    proxied = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret", "TRUSTED_PROXIES": 1})
    Pages(proxied.test_client()).post("/login", data={"username": "sara", "password": "wrong-password"},
                                      headers=spoofed, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert failure_sources(engine) == ["10.9.9.9", "203.0.113.99"]


def test_a_trusted_proxy_count_that_is_not_a_number_stops_the_app(monkeypatch):
    monkeypatch.setenv("SAMSPIL_TRUSTED_PROXIES", "alle")
    with pytest.raises(ConfigurationError, match="SAMSPIL_TRUSTED_PROXIES"):
        Settings.from_environment()


# --- finding 13b: JSON that cannot be stored or walked is a 400 ------------------------------------

@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '{"name": ' + '{"a": ' * 65 + "1" + "}" * 65 + ', "birthdate": "2009-03-01"}',
    '{"name": "Emil \\ud800", "birthdate": "2009-03-01"}',
    '{"name": "Emil", "birthdate": "2009-03-01", "\\udfff": 1}',
], ids=["deep-list", "deep-object", "lone-surrogate-value", "lone-surrogate-key"])
def test_deep_or_unstorable_json_is_a_400_json_error_never_a_500(api, body):
    response = api.as_("sara").post("/youths", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "Forespørgslens indhold er ikke gyldig JSON"


def test_paired_surrogates_are_ordinary_text_and_accepted(api):
    response = api.as_("sara").post("/youths", data='{"name": "Emil \\ud83d\\ude00", "birthdate": "2009-03-01"}',
                                    content_type="application/json")
    assert response.status_code == 201 and response.get_json()["name"] == "Emil \U0001F600"


# --- finding 13c: no forged lines in the request log -----------------------------------------------

def test_a_newline_in_a_path_cannot_forge_a_request_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="samspil.access")
    client.get('/login%0a127.0.0.1%20%22POST%20/admin/brugere%22%20200%0d', environ_base={"REMOTE_ADDR": "1.2.3.4"})
    [record] = [r for r in caplog.records if r.name == "samspil.access"]
    line = record.getMessage()
    assert "\n" not in line and "\r" not in line
    assert line.startswith('1.2.3.4 "GET /login\\x0a127.0.0.1 \\x22POST /admin/brugere\\x22 200\\x0d" 404 ')


def test_the_request_log_leaves_out_query_strings(client, caplog):
    caplog.set_level(logging.INFO, logger="samspil.access")
    client.get("/login?next=/unge%3Fq%3DEmil")
    [record] = [r for r in caplog.records if r.name == "samspil.access"]
    assert "Emil" not in record.getMessage() and '"GET /login"' in record.getMessage()


# --- finding 13d: headers -------------------------------------------------------------------------

def test_no_response_with_personal_data_may_be_stored_by_a_browser_or_proxy(pages, api, client):
    anonymous = client.get("/login")
    refused = api.get("/tasks")
    listed = api.as_("sara").get("/tasks")
    missing = api.as_("sara").get("/youths/999")
    pages.login("sara")
    page = pages.get("/unge")
    for response in (anonymous, refused, listed, missing, page):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_static_assets_may_be_cached_and_hsts_is_sent_only_with_secure_cookies(engine):
    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret", "SESSION_COOKIE_SECURE": False})
    asset = app.test_client().get("/static/css/samspil.css")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("Cache-Control", "")
    asset.close()
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


def test_the_search_page_never_puts_a_searched_cpr_back_in_the_page_or_address(pages, known_youth):
    pages.login("kim")
    response = pages.post("/unge", data={"q": REAL_CPR})
    html = response.get_data(as_text=True)
    assert REAL_CPR not in html and "010309-XXXX" in html
    assert 'method="post"' in html
    assert Path(ROOT / "web/templates/search.html").read_text().count('method="post"') == 1
