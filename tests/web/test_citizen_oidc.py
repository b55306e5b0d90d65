"""The young person logs in to Min Plan through MitID: OpenID Connect against the real provider the suite
starts (tests/oidc), which sends the CPR number in ``dk:gov:saml:attribute:CprNumberIdentifier``.

The CPR number is matched to the young person by its keyed hash; a number that matches nobody or two
people, or no number at all, is refused with a Danish message and logged (without the number).
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from engine.people import youths
from engine.platform.models import AuditEntry
from tests.conftest import CASEWORKER
from tests.course import REFERRAL, complete
from web import create_app

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def app(engine, people, oidc_provider):
    return create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret", **oidc_provider.citizen_config()})


def young_person(engine, name: str, birthdate: str, cpr: str) -> int:
    from engine.courses import instances

    youth = youths.create_youth(engine.uow(), CASEWORKER, name, birthdate, cpr)
    instance = instances.start_instance(engine.uow(), CASEWORKER, "samarbejdsmodel", youth["id"])
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    return youth["id"]


def log_in(client, provider, username: str):
    start = client.get("/min-plan/mitid")
    assert start.status_code == 302
    authorize = urlsplit(start.headers["Location"])
    query = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}" == provider.issuer
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    assert "mitid" in query["scope"][0].split()
    return client.get(provider.log_in_over_http(start.headers["Location"], username))


def entries(engine, action: str) -> list[tuple]:
    with engine.reader() as uow:
        return list(uow.session.execute(select(AuditEntry.username, AuditEntry.youth_id, AuditEntry.detail)
                                        .where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_the_login_page_offers_mitid(client):
    assert "Log ind med MitID" in client.get("/min-plan/login").get_data(as_text=True)


def test_mitid_logs_in_the_young_person_the_cpr_claim_names(app, engine, oidc_provider):
    mira = young_person(engine, "Mira MitID", "2009-03-01", "010309-4123")
    young_person(engine, "Ikke Mira", "2009-03-01", "010309-4131")
    client = app.test_client()
    response = log_in(client, oidc_provider, "mira")
    assert response.headers["Location"] == "/min-plan"
    page = client.get("/min-plan").get_data(as_text=True)
    assert "Mira MitID" in page and "Ikke Mira" not in page
    assert client.get("/api/v1/me").get_json()["youth"]["id"] == mira
    assert entries(engine, "login")[-1] == (f"ung:{mira}", mira, "min plan: MitID")
    assert client.get("/unge").status_code == 403  # a young person's session, not a staff one


@pytest.mark.parametrize(("username", "message", "detail"), [
    ("nemo", "Vi kan ikke finde en plan til dig", "min plan: MitID: CPR-nummeret passer ikke på nogen ung"),
    ("tvilling", "passer på mere end én person", "min plan: MitID: CPR-nummeret passer på flere unge"),
    ("uden", "MitID sendte ikke et CPR-nummer", "min plan: MitID: intet gyldigt CPR-nummer"),
])
def test_a_cpr_claim_matching_nobody_two_people_or_missing_is_refused_and_logged(app, engine, oidc_provider,
                                                                               username, message, detail):
    young_person(engine, "Tvilling En", "2007-03-03", "030307-4222")
    young_person(engine, "Tvilling To", "2007-03-03", "030307-4222")  # the same number registered twice
    client = app.test_client()
    response = log_in(client, oidc_provider, username)
    assert response.headers["Location"] == "/min-plan/login"
    assert message in client.get("/min-plan/login").get_data(as_text=True)
    assert client.get("/min-plan").headers["Location"] == "/min-plan/login"  # no session
    assert entries(engine, "login_refused")[-1] == ("?", None, detail)
    assert not entries(engine, "login")
    logged = " ".join(str(row) for action in ("login_refused", "access_denied") for row in entries(engine, action))
    assert "0303074222" not in logged and "030307" not in logged and "0202084111" not in logged


def test_a_young_person_whose_course_has_ended_is_refused(app, engine, oidc_provider):
    from engine.courses import control
    from engine.platform.models import ProcessInstance
    from tests.conftest import ADMIN

    mira = young_person(engine, "Mira MitID", "2009-03-01", "010309-4123")
    with engine.reader() as uow:
        iid = uow.session.scalars(select(ProcessInstance.id).where(ProcessInstance.youth_id == mira)).one()
    control.close_course(engine.uow(), ADMIN, iid, "Flyttet")
    client = app.test_client()
    assert log_in(client, oidc_provider, "mira").headers["Location"] == "/min-plan/login"
    assert entries(engine, "login_refused")[-1] == ("?", mira, "min plan: MitID: ung uden åbent forløb")


def test_a_callback_this_browser_did_not_start_is_refused(app, engine, oidc_provider):
    young_person(engine, "Mira MitID", "2009-03-01", "010309-4123")
    attacker = app.test_client()
    callback = oidc_provider.log_in_over_http(attacker.get("/min-plan/mitid").headers["Location"], "mira")
    victim = app.test_client()
    assert victim.get(callback).headers["Location"] == "/min-plan/login"
    assert victim.get("/min-plan").headers["Location"] == "/min-plan/login"
    assert entries(engine, "login_refused")[-1] == ("?", None, "min plan, MitID: state")
