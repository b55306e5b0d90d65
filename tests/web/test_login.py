"""Logging in and out of the pages: sessions, CSRF, throttling."""
from __future__ import annotations

import pytest

from engine.people import users
from tests.conftest import PASSWORD


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/")


def test_a_user_logs_in_and_sees_the_inbox_in_danish(pages):
    response = pages.login("sara")
    assert response.headers["Location"] == "/"
    page = pages.get("/").get_data(as_text=True)
    assert "Mine opgaver" in page and 'lang="da"' in page


def test_login_sends_the_user_back_where_they_were_going_but_only_on_this_site(pages):
    assert pages.post("/login", data={"username": "sara", "password": PASSWORD, "next": "/unge"}).headers["Location"] == "/unge"
    pages.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = pages.post("/login", data={"username": "sara", "password": PASSWORD, "next": evil})
        assert response.headers["Location"] == "/"
        pages.post("/logout")


def test_a_wrong_password_gives_a_clear_message_and_no_session(pages):
    response = pages.post("/login", data={"username": "sara", "password": "wrong-password"})
    assert response.status_code == 401
    assert "Forkert brugernavn eller adgangskode." in response.get_data(as_text=True)
    assert pages.get("/").status_code == 302


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(pages):
    response = pages.post("/login", data={"username": "nobody", "password": "wrong-password"})
    assert response.status_code == 401
    assert "Forkert brugernavn eller adgangskode." in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused_with_a_clear_message(pages):
    response = pages.post("/login", data={"username": "sara", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "sikkerhedsnøgle" in response.get_data(as_text=True)
    assert pages.get("/").status_code == 302


def test_repeated_failed_logins_are_throttled_even_with_the_right_password(pages):
    for _ in range(users.FAILURES_BEFORE_DELAY):
        assert pages.post("/login", data={"username": "sara", "password": "wrong-password"}).status_code == 401
    response = pages.post("/login", data={"username": "sara", "password": PASSWORD})
    assert response.status_code == 429
    assert "For mange mislykkede forsøg" in response.get_data(as_text=True)


def test_throttling_ends_when_the_window_has_passed(pages, clock):
    for _ in range(users.FAILURES_BEFORE_DELAY):
        pages.post("/login", data={"username": "sara", "password": "wrong-password"})
    clock.advance(minutes=16)
    assert pages.post("/login", data={"username": "sara", "password": PASSWORD}).status_code == 302


def test_logout_ends_the_session(pages):
    pages.login("sara")
    assert pages.post("/logout").status_code == 302
    assert pages.get("/").status_code == 302


def test_an_idle_session_expires_with_a_message(pages, app):
    pages.login("sara")
    with pages.client.session_transaction() as session:
        session["seen"] = 0
    response = pages.get("/", follow_redirects=True)
    assert "Din session er udløbet. Log ind igen." in response.get_data(as_text=True)


def test_a_deactivated_user_is_logged_out_at_once(pages, engine):
    pages.login("sara")
    users.set_active(engine.uow(), "sara", False)
    assert pages.get("/").status_code == 302
    assert pages.post("/login", data={"username": "sara", "password": PASSWORD}).status_code == 401


def test_the_session_cookie_is_httponly_and_samesite(pages):
    response = pages.login("sara")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_language_can_be_switched_to_english(pages):
    pages.login("sara")
    pages.post("/sprog", data={"lang": "en", "next": "/"})
    page = pages.get("/").get_data(as_text=True)
    assert "My tasks" in page and 'lang="en"' in page


@pytest.mark.parametrize("path", ["/", "/unge", "/admin/brugere"])
def test_pages_need_a_login(client, path):
    assert client.get(path).status_code == 302


def test_an_admin_page_is_refused_to_others_and_the_refusal_is_logged(pages, engine):
    pages.login("sara")
    assert pages.get("/admin/brugere").status_code == 403
    pages.post("/logout")
    pages.login("admin")
    assert pages.get("/admin/brugere").status_code == 200
    from engine.people import audit
    from tests.conftest import ADMIN

    entries = audit.list_entries(engine.uow(), ADMIN, username="sara")
    assert any(e["action"] == "access_denied" for e in entries)
