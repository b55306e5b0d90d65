"""Administration pages: users, roles, API tokens, and the access log with CSV export."""
from __future__ import annotations

import csv
import io
import re

import pytest

from engine.people import users
from tests.conftest import CASEWORKER, PASSWORD
from tests.course import start_course


@pytest.fixture
def admin(pages):
    pages.login("admin")
    return pages


def test_an_admin_adds_a_user_who_can_then_log_in(admin, client):
    response = admin.post("/admin/brugere", data=[("username", "bo"), ("full_name", "Bo Berg"), ("password", PASSWORD),
                                                  ("roles", "ungeguide")])
    assert response.status_code == 303
    assert users.get_user(admin.client.application.extensions["samspil"].reader(), "bo")["roles"] == ["ungeguide"]


def test_adding_a_user_with_a_short_password_shows_the_error_by_the_field_and_keeps_the_input(admin):
    response = admin.post("/admin/brugere", data=[("username", "bo"), ("full_name", "Bo <b>Berg</b>"),
                                                  ("password", "short"), ("roles", "ungeguide")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="new-password-error">Adgangskoden skal have mindst 10 tegn' in page
    assert 'value="Bo &lt;b&gt;Berg&lt;/b&gt;"' in page


def test_an_admin_changes_roles_and_deactivates_a_user(admin, engine):
    admin.post("/admin/brugere/sara/roller", data=[("roles", "sagsbehandler"), ("roles", "ungeguide")])
    assert users.get_user(engine.reader(), "sara")["roles"] == ["sagsbehandler", "ungeguide"]
    admin.post("/admin/brugere/sara/aktiv", data={"active": "0"})
    assert users.get_user(engine.reader(), "sara")["active"] is False
    assert users.authenticate(engine.uow(), "sara", PASSWORD) is None


def test_an_admin_cannot_deactivate_themself(admin, engine):
    admin.post("/admin/brugere/admin/aktiv", data={"active": "0"})
    assert users.get_user(engine.reader(), "admin")["active"] is True


def test_a_token_is_shown_once_works_on_the_api_and_stops_when_revoked(admin, client, engine):
    page = admin.post("/admin/tokens", data={"username": "sara", "name": "Skolesystem"}).get_data(as_text=True)
    token = re.search(r'id="new-token" type="text" readonly value="(sp_[^"]+)"', page).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    token_id = users.list_tokens(engine.reader(), "sara")[0]["id"]
    admin.post(f"/admin/tokens/{token_id}/tilbagekald")
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401
    assert token not in admin.get("/admin/brugere").get_data(as_text=True)


def test_the_access_log_filters_by_user_and_exports_csv(admin, engine, deployed):
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    page = admin.get(f"/admin/adgangslog?user=sara&youth_id={instance['youth_id']}").get_data(as_text=True)
    assert "Ung oprettet" in page and "Forløb startet" in page
    response = admin.get("/admin/adgangslog.csv?user=sara")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["at", "user", "action", "youth_id", "detail"]
    assert {"youth_created", "instance_started"} <= {r[2] for r in rows[1:]}
    assert all(r[1] == "sara" for r in rows[1:])


def test_reading_the_access_log_is_itself_logged(admin, engine):
    admin.get("/admin/adgangslog")
    from engine.people import audit
    from tests.conftest import ADMIN

    assert "audit_read" in [e["action"] for e in audit.list_entries(engine.uow(), ADMIN, username="admin")]


def test_the_access_log_page_is_one_transaction_with_its_action_filter(admin, engine):
    """Before, the page read the entries and the filter's actions in two calls, two transactions (issue 14)."""
    from tests.security.test_one_transaction_and_read_only import transactions

    with transactions(engine) as seen:
        page = admin.get("/admin/adgangslog").get_data(as_text=True)
    assert '<option value="login"' in page  # the filter offers the actions the log holds
    assert seen == {"begin": 2, "commit": 1}  # the session check (a reader) and the page, which logs its reading


@pytest.mark.parametrize("path", ["/admin/brugere", "/admin/adgangslog", "/admin/adgangslog.csv"])
def test_admin_pages_are_refused_to_a_caseworker(pages, path):
    pages.login("sara")
    assert pages.get(path).status_code == 403


def test_an_oversized_form_is_refused_with_413(pages, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    pages.login("sara")
    response = pages.post("/unge/ny", data={"youth.name": "x" * 5000})
    assert response.status_code == 413
    assert "Indholdet er for stort" in response.get_data(as_text=True)


def test_malformed_json_to_the_api_is_a_400(api):
    response = api.as_("sara").post("/youths", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.is_json


def test_an_admin_corrects_a_users_name_and_email_and_sets_a_new_password(admin, engine, client):
    page = admin.get("/admin/brugere/sara").get_data(as_text=True)
    assert 'id="edit-full_name"' in page and 'id="edit-password-hint"' in page
    response = admin.post("/admin/brugere/sara", data={"full_name": "Sara Sørensen", "email": "sara@kommune.dk",
                                                        "password": "a-new-password-2026"})
    assert response.status_code == 303
    assert {k: users.get_user(engine.reader(), "sara")[k] for k in ("full_name", "email")} == {
        "full_name": "Sara Sørensen", "email": "sara@kommune.dk"}
    assert users.authenticate(engine.uow(), "sara", "a-new-password-2026") is not None
    assert users.authenticate(engine.uow(), "sara", PASSWORD) is None


def test_an_empty_password_keeps_the_current_one(admin, engine):
    assert admin.post("/admin/brugere/sara", data={"full_name": "Sara S", "email": "", "password": ""}).status_code == 303
    assert users.authenticate(engine.uow(), "sara", PASSWORD) is not None
    assert users.get_user(engine.reader(), "sara")["email"] is None


def test_a_bad_email_or_short_password_is_shown_by_its_field_and_nothing_is_saved(admin, engine):
    response = admin.post("/admin/brugere/sara", data={"full_name": "Sara <i>S</i>", "email": "sara.kommune.dk",
                                                        "password": "short"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="edit-email-error">Skriv en e-mailadresse som navn@kommune.dk' in page
    assert 'id="edit-password-error">Adgangskoden skal have mindst 10 tegn' in page
    assert 'value="Sara &lt;i&gt;S&lt;/i&gt;"' in page and 'value="sara.kommune.dk"' in page  # kept, escaped
    assert users.get_user(engine.reader(), "sara")["full_name"] == ""
    assert users.authenticate(engine.uow(), "sara", PASSWORD) is not None


def test_only_admins_edit_users_and_an_unknown_user_is_404(pages, admin):
    assert admin.get("/admin/brugere/nobody").status_code == 404
    admin.post("/logout")
    pages.login("kim")
    assert pages.get("/admin/brugere/sara").status_code == 403
    assert pages.post("/admin/brugere/sara", data={"full_name": "X", "email": ""}).status_code == 403
