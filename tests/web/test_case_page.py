"""The case page, searching young people, and starting a course from the pages."""
from __future__ import annotations

import pytest

from engine.people import audit
from tests.conftest import ADMIN, CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, k_meeting, start_course

pytestmark = pytest.mark.usefixtures("deployed")

START_FORM = [("youth.name", "Emil <i>Jensen</i>"), ("youth.birthdate", "2009-03-01"), ("youth.cpr", "010309-4234"),
              ("referral.henvisningsaarsag", "Har svært ved at komme i skole"),
              ("referral.henviser_afdeling", "uddannelsesvejledning"), ("referral.afdelinger_med_sag", "familie"),
              ("referral.afdelinger_med_sag", "social"), ("referral.samtykke_givet", "on"),
              ("referral.samtykke_datatyper", "uddannelse"), ("referral.samtykke_modtager", "Ungeteamet"),
              ("referral.samtykke_formaal", "Koordinering"), ("referral.samtykke_givet_af", "foraelder_vaerge"),
              ("submission", "form-1")]


def test_a_caseworker_registers_a_referral_and_lands_on_the_case_page(pages, engine):
    pages.login("sara")
    response = pages.post("/unge/ny", data=START_FORM)
    assert response.status_code == 303
    page = pages.get(response.headers["Location"]).get_data(as_text=True)
    assert "Emil &lt;i&gt;Jensen&lt;/i&gt;" in page and "<i>Jensen" not in page
    assert "010309-xxxx" in page.lower() and "010309-4234" not in page
    assert "Tværgående koordineringsmøde" in page  # the course went on to the k-meeting


def test_the_same_referral_form_sent_twice_registers_one_young_person(pages, engine):
    pages.login("sara")
    first = pages.post("/unge/ny", data=START_FORM)
    second = pages.post("/unge/ny", data=START_FORM)
    assert first.headers["Location"] == second.headers["Location"]
    pages.post("/logout")
    pages.login("admin")
    assert pages.get("/unge?q=Emil").get_data(as_text=True).count("/unge/1\"") == 1


def test_a_referral_with_errors_shows_them_by_the_fields_and_keeps_the_input(pages):
    pages.login("sara")
    form = [(k, v) for k, v in START_FORM if k not in ("youth.birthdate", "referral.henvisningsaarsag")]
    response = pages.post("/unge/ny", data=form + [("youth.birthdate", "not a date")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="f-youth-birthdate-error">Fødselsdato skal være en dato' in page
    assert 'id="f-referral-henvisningsaarsag-error">skal udfyldes' in page
    assert 'value="not a date"' in page and "Ungeteamet" in page


def test_the_case_page_shows_the_course_plan_people_and_consent(pages, engine):
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    pages.login("kim")
    page = pages.get(f"/unge/{instance['youth_id']}").get_data(as_text=True)
    assert "Accepter rollen som ungeguide" in page  # where it stands
    assert "gustav" in page and "karin" in page  # guide and coordinating caseworker
    assert "Samtykker" in page and "Gælder" in page and "Uddannelse" in page  # the register's first consent
    assert 'id="case-diagram-data"' in page and '"active": ["accepter_guide"]' in page
    assert '"henvisning"' in page  # finished steps are passed to the diagram
    assert "Opgave afsluttet" in page  # the timeline


def test_the_guide_and_the_coordinating_caseworker_are_shown_by_name(pages, engine):
    from engine.people import users

    users.add_user(engine.uow(), "gunnar", "correct-horse-battery", ["ungeguide"], "Gunnar <b>Guide</b>")
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting(guide="gunnar"))
    pages.login("kim")
    page = pages.get(f"/unge/{instance['youth_id']}").get_data(as_text=True)
    assert 'Gunnar &lt;b&gt;Guide&lt;/b&gt; <span class="muted">(gunnar)</span>' in page
    assert "<dd>karin</dd>" in page  # a user without a full name is shown by username


def test_viewing_a_case_is_logged(pages, engine):
    instance = start_course(engine, CASEWORKER)
    pages.login("sara")
    pages.get(f"/unge/{instance['youth_id']}")
    entries = audit.list_entries(engine.uow(), ADMIN, youth_id=instance["youth_id"], username="sara")
    assert "case_viewed" in [e["action"] for e in entries]


def test_a_caseworker_cannot_open_another_caseworkers_case(pages, engine):
    from engine.people import users

    users.add_user(engine.uow(), "sofie", "correct-horse-battery", ["sagsbehandler"])
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    pages.login("sofie")
    response = pages.get(f"/unge/{instance['youth_id']}")
    assert response.status_code == 403
    assert "Adgang nægtet" in response.get_data(as_text=True)
    denied = audit.list_entries(engine.uow(), ADMIN, youth_id=instance["youth_id"], username="sofie")
    assert [e["action"] for e in denied] == ["access_denied"]


def test_search_finds_by_name_and_by_full_cpr_and_shows_the_cpr_masked(pages, engine):
    pages.login("sara")
    pages.post("/unge/ny", data=START_FORM)
    by_name = pages.get("/unge?q=emil").get_data(as_text=True)
    by_cpr = pages.post("/unge", data={"q": "0103094234"}).get_data(as_text=True)
    for page in (by_name, by_cpr):
        assert "Emil &lt;i&gt;Jensen&lt;/i&gt;" in page and "010309-4234" not in page


def test_search_results_are_logged_and_limited_to_visible_young_people(pages, engine):
    from engine.people import users

    users.add_user(engine.uow(), "sofie", "correct-horse-battery", ["sagsbehandler"])
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    pages.login("sofie")
    assert "Emil Jensen" not in pages.get("/unge?q=Emil").get_data(as_text=True)
    pages.post("/logout")
    pages.login("sara")
    assert "Emil Jensen" in pages.get("/unge?q=Emil").get_data(as_text=True)
    actions = [e["action"] for e in audit.list_entries(engine.uow(), ADMIN, username="sara")]
    assert "youth_search_result" in actions
