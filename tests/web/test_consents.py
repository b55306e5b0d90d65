"""The consent register on the case page and over the REST API (issue 12, part 5)."""
from __future__ import annotations

from typing import Any

import pytest
from flask import render_template_string
from sqlalchemy import select

from engine.bootstrap import Engine
from engine.courses import referrals
from engine.platform.models import Consent
from tests.conftest import CASEWORKER
from tests.course import REFERRAL
from tests.web.test_case_page import START_FORM
from tests.web.test_openapi import assert_documented

pytestmark = pytest.mark.usefixtures("deployed")

SHARING = {"data_types": ["uddannelse"], "recipient": "Jobcentret", "recipient_role": "sagsbehandler",
           "purpose": "Afklaring af job", "given_by": "den_unge"}


def _youth(engine: Engine, birthdate: str = "2004-05-01") -> int:
    return referrals.register_referral(engine.uow(), CASEWORKER, {"name": "Ida Holm", "birthdate": birthdate},
                                       REFERRAL)["youth_id"]


def _rows(engine: Engine) -> list[tuple[int, str, Any]]:
    with engine.reader() as uow:
        return [(c.id, c.recipient, c.withdrawn_at) for c in uow.session.scalars(select(Consent).order_by(Consent.id))]


def test_staff_record_a_consent_on_the_case_page_and_see_it_in_the_register(pages, engine):
    youth_id = _youth(engine)
    pages.login("sara")
    response = pages.post(f"/unge/{youth_id}/samtykker", data=[
        ("data_types", "uddannelse"), ("data_types", "beskaeftigelse"), ("recipient", "Jobcentret"),
        ("recipient_role", "sagsbehandler"), ("purpose", "Afklaring af job"), ("given_by", "den_unge"),
        ("expires_on", "2027-01-01")])
    assert response.status_code == 303 and response.headers["Location"].endswith("#consents")
    page = pages.get(f"/unge/{youth_id}").get_data(as_text=True)
    register = page[page.index('id="consents-heading"'):]
    assert "Uddannelse, Beskæftigelse</strong>\n        → Jobcentret" in register
    assert "Samtykket er registreret." in page and register.count("Gælder") == 2  # and the referral's


def test_a_consent_with_errors_shows_them_by_the_fields_and_keeps_what_was_typed(pages, engine):
    youth_id = _youth(engine, birthdate="2010-05-01")   # 15
    pages.login("sara")
    response = pages.post(f"/unge/{youth_id}/samtykker", data=[
        ("recipient", "FGU <b>Nord</b>"), ("purpose", ""), ("given_by", "den_unge")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="consent-data_types-error">Vælg mindst én slags oplysninger' in page
    assert 'id="consent-purpose-error">skal udfyldes' in page
    assert 'id="consent-recipient" name="recipient" value="FGU &lt;b&gt;Nord&lt;/b&gt;"' in page
    assert '<details class="consent-new" open>' in page
    assert _rows(engine) == [(1, "Ungeteamet", None)]   # only the referral's
    under_age = pages.post(f"/unge/{youth_id}/samtykker", data=[
        ("data_types", "helbred"), ("recipient", "PPR"), ("purpose", "Udredning"), ("given_by", "den_unge")])
    assert under_age.status_code == 422
    assert ('id="consent-given_by-error">Den unge er under 18 år: samtykket skal gives af forælder eller værge'
            in under_age.get_data(as_text=True))


def test_staff_withdraw_a_consent_from_the_case_page_with_a_reason(pages, engine):
    youth_id = _youth(engine)
    pages.login("sara")
    without = pages.post(f"/unge/{youth_id}/samtykker/1/tilbagekald", data={"reason": " "})
    assert without.status_code == 422
    assert 'id="consent-1-reason-error">skal udfyldes' in without.get_data(as_text=True)
    done = pages.post(f"/unge/{youth_id}/samtykker/1/tilbagekald", data={"reason": "Den unge ringede"})
    assert done.status_code == 303
    page = pages.get(f"/unge/{youth_id}").get_data(as_text=True)
    register = page[page.index('id="consents-heading"'):]
    assert "Trukket tilbage</span>" in register and "Den unge ringede" in register and "– sara" in register
    assert f'action="/unge/{youth_id}/samtykker/1/tilbagekald"' not in page   # no second withdrawal offered


def test_a_referral_where_a_young_person_under_18_consents_alone_is_refused_by_the_field(pages, engine):
    pages.login("sara")
    form = [(k, "den_unge" if k == "referral.samtykke_givet_af" else v) for k, v in START_FORM]
    response = pages.post("/unge/ny", data=form)   # born 2009: 16
    assert response.status_code == 422
    assert ('id="f-referral-samtykke_givet_af-error">Den unge er under 18 år'
            in response.get_data(as_text=True))


def test_the_api_lists_records_and_withdraws_consents_as_documented(api, engine, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    youth_id = _youth(engine)
    sara = api.as_("sara")
    recorded = assert_documented(spec, "post", "/youths/{youth_id}/consents",
                                 sara.post(f"/youths/{youth_id}/consents", json=SHARING), 201)
    assert (recorded["status"], recorded["recipient_role"], recorded["recorded_by"]) == ("active", "sagsbehandler", "sara")
    register = assert_documented(spec, "get", "/youths/{youth_id}/consents", sara.get(f"/youths/{youth_id}/consents"))
    assert [c["id"] for c in register["consents"]] == [recorded["id"], 1]
    assert ["uddannelse", "Uddannelse"] in register["choices"]["data_types"]
    withdrawn = assert_documented(
        spec, "post", "/youths/{youth_id}/consents/{consent_id}/withdrawal",
        sara.post(f"/youths/{youth_id}/consents/{recorded['id']}/withdrawal", json={"reason": "Ønsket af den unge"}))
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawal_reason"] == "Ønsket af den unge"


def test_the_api_answers_a_wrong_consent_with_json_errors_by_field(api, engine):
    youth_id = _youth(engine)
    response = api.as_("sara").post(f"/youths/{youth_id}/consents",
                                    json={**SHARING, "data_types": "alt", "expires_on": "1999-01-01"})
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.get_json()["errors"]) == ["data_types", "expires_on"]
    not_json = api.as_("sara").post(f"/youths/{youth_id}/consents", data="x", content_type="text/plain")
    assert not_json.status_code in (400, 415) and "error" in not_json.get_json()
    unknown = api.as_("sara").post(f"/youths/{youth_id}/consents/999/withdrawal", json={"reason": "x"})
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "Samtykket findes ikke"
    assert len(_rows(engine)) == 1


def test_the_young_persons_own_register_reads_in_their_words_and_asks_no_reason(app):
    consent = {"id": 7, "status": "active", "data_type_titles": ["Uddannelse"], "recipient": "FGU Nord",
               "purpose": "Optag", "given_by": "den_unge", "guardian_name": None, "given_on": "2026-01-05",
               "expires_on": None, "withdrawn_by_youth": False}
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "macros/consents.html" import consent_register %}'
            '{{ consent_register(consents, withdraw_endpoint="cases.withdraw_consent", '
            'withdraw_args={"youth_id": 3}, own=true) }}', consents=[consent])
    assert "Dine samtykker" in html and "Hvorfor? (valgfrit)" in html
    assert 'action="/unge/3/samtykker/7/tilbagekald"' in html and " required" not in html


def test_after_a_withdrawal_the_recipient_role_no_longer_reads_the_covered_fields_over_the_api(api, engine):
    youth_id = _youth(engine)
    instance_id = 1   # the referral's course
    recorded = api.as_("sara").post(f"/youths/{youth_id}/consents",
                                    json={**SHARING, "data_types": ["sociale_forhold"]}).get_json()
    assert "henvisningsaarsag" in api.as_("sara").get(f"/instances/{instance_id}").get_json()["data"]
    api.as_("sara").post(f"/youths/{youth_id}/consents/{recorded['id']}/withdrawal", json={"reason": "Ønsket"})
    data = api.as_("sara").get(f"/instances/{instance_id}").get_json()["data"]   # sara's role was the recipient
    assert "henvisningsaarsag" not in data and "afdelinger_med_sag" in data
    assert "henvisningsaarsag" in api.as_("kim").get(f"/instances/{instance_id}").get_json()["data"]
    referral = next(t for t in api.as_("sara").get(f"/tasks?instance_id={instance_id}&state=completed").get_json()
                    if t["element_id"] == "henvisning")
    submitted = api.as_("sara").get(f"/tasks/{referral['id']}").get_json()["data"]
    assert "henvisningsaarsag" not in submitted and submitted["samtykke_givet"] is True
