"""The case page as a journal, the explicit guide decision, course actions, notices, and where a
completion lands, through the pages and the API."""
from __future__ import annotations

import re

import pytest

from engine.courses import events
from engine.people import audit, users
from engine.work import tasks
from tests.conftest import ADMIN, CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
from tests.course import (
    ACCEPT,
    CLOSE,
    REFERRAL,
    REFERRAL_OUTSIDE,
    complete,
    k_meeting,
    open_task,
    prepare_follow_up,
    start_course,
    to_follow_up,
)

pytestmark = pytest.mark.usefixtures("deployed")


def _at_accept(engine, name="Mikkel Jensen"):
    instance = start_course(engine, CASEWORKER, name=name)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    return instance


def _youth_of(engine, instance_id):
    from engine.platform.models import ProcessInstance

    with engine.reader() as uow:
        return uow.session.get(ProcessInstance, instance_id).youth_id


def test_the_case_page_shows_the_referral_in_danish_before_the_k_meeting(pages, engine):
    users.update_user(engine.uow(), "sara", "Sara Sagsbehandler", None)
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", {**REFERRAL, "henvisningsaarsag": "Pjækker <b>meget</b>"})
    pages.login("kim")
    page = pages.get(f"/unge/{instance['youth_id']}").get_data(as_text=True)
    journal = page[page.index('id="journal"'):page.index('id="timeline-heading"')]
    assert "Henvisningsårsag" in journal and "Pjækker &lt;b&gt;meget&lt;/b&gt;" in journal
    assert "Uddannelsesvejledning (UU)" in journal and "uddannelsesvejledning<" not in journal
    assert "Familie og børn, Socialområdet" in journal
    assert re.search(r"Samtykke til deling af oplysninger på tværs af afdelinger er givet</dt><dd[^>]*>Ja</dd>", journal)
    assert "Sara Sagsbehandler" in journal
    assert "Den unge har sager i to eller flere afdelinger" in journal  # the screening's reason
    assert "case_viewed" in [e["action"] for e in audit.list_entries(engine.uow(), ADMIN, username="kim")]


def test_the_journal_shows_comments_from_every_task_and_the_english_catalog_too(pages, engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    pages.login("sara")
    pages.post(f"/opgaver/{task['id']}/kommentarer", data={"body": "Ringet til mor", "submission": "c1"})
    page = pages.get(f"/unge/{instance['youth_id']}").get_data(as_text=True)
    assert "Kommentar til »Henvisning«" in page and "Ringet til mor" in page
    english = pages.get(f"/unge/{instance['youth_id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Comment on “Henvisning”" in english or "Kommentar til" in english


def test_a_completed_task_page_shows_what_was_submitted_read_only(pages, engine):
    instance = _at_accept(engine)
    task = open_task(engine, GUIDE, instance["id"], "accepter_guide")
    complete(engine, GUIDE, instance["id"], "accepter_guide", ACCEPT)
    pages.login("gustav")
    page = pages.get(f"/opgaver/{task['id']}").get_data(as_text=True)
    assert "Det blev indsendt" in page and "Jeg påtager mig rollen som ungeguide" in page
    assert 'type="radio"' not in page and 'class="form task-form"' not in page  # no empty form to misread


def test_the_api_gives_a_completed_tasks_submitted_data(api, engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    assert "data" not in api.as_("sara").get(f"/tasks/{task['id']}").get_json()
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    body = api.as_("kim").get(f"/tasks/{task['id']}").get_json()
    assert body["state"] == "completed" and body["data"] == REFERRAL


def test_the_guide_chooses_explicitly_and_a_decline_without_reason_is_refused_by_the_field(pages, engine):
    instance = _at_accept(engine)
    task = open_task(engine, GUIDE, instance["id"], "accepter_guide")
    pages.login("gustav")
    form = pages.get(f"/opgaver/{task['id']}").get_data(as_text=True)
    assert 'type="radio" id="f-accepteret-true" name="accepteret" value="true">' in form  # nothing chosen yet
    assert 'value="false" data-confirm="Vil du afslå rollen som ungeguide?' in form
    nothing = pages.post(f"/opgaver/{task['id']}", data={"bemaerkning": ""})
    assert nothing.status_code == 422
    assert 'id="f-accepteret-error">skal udfyldes' in nothing.get_data(as_text=True)
    no_reason = pages.post(f"/opgaver/{task['id']}", data={"accepteret": "false", "bemaerkning": ""})
    assert no_reason.status_code == 422
    assert 'id="f-bemaerkning-error">skal udfyldes' in no_reason.get_data(as_text=True)
    assert tasks.get_task(engine.uow(), GUIDE, task["id"])["state"] == "ready"


def test_a_guide_who_declines_is_told_what_happens_next_and_is_no_longer_named_on_the_case(pages, engine):
    users.update_user(engine.uow(), "gustav", "Gustav Guide", None)
    instance = _at_accept(engine)
    task = open_task(engine, GUIDE, instance["id"], "accepter_guide")
    pages.login("gustav")
    done = pages.post(f"/opgaver/{task['id']}", data={"accepteret": "false", "bemaerkning": "Har ikke tid"},
                      follow_redirects=True).get_data(as_text=True)
    assert "sagen går tilbage til koordinatoren, som holder et nyt k-møde" in done
    pages.post("/logout")
    pages.login("kim")
    page = pages.get(f"/unge/{instance['youth_id']}").get_data(as_text=True)
    summary = page[page.index('id="youth-heading"'):]
    summary = summary[:summary.index("</section>")]
    assert "Gustav Guide" not in summary and "Ikke valgt endnu" in summary
    assert "Jeg afslår rollen" in page and "Har ikke tid" in page  # the decision stays in the journal


def test_accepting_says_what_happens_next(pages, engine):
    instance = _at_accept(engine)
    task = open_task(engine, GUIDE, instance["id"], "accepter_guide")
    pages.login("gustav")
    done = pages.post(f"/opgaver/{task['id']}", data={"accepteret": "true"}, follow_redirects=True)
    assert "Du er nu den unges ungeguide" in done.get_data(as_text=True)


def test_the_next_task_stays_with_the_same_young_person_or_goes_to_the_inbox(pages, engine, clock):
    other = to_follow_up(engine, name="Mikkel Madsen")
    clock.advance(days=92)
    events.fire_due_timers(engine)  # the guide has an overdue-looking follow-up for another young person
    prepare_follow_up(engine, other)
    instance = _at_accept(engine, name="Mikkel Jensen")
    task = open_task(engine, GUIDE, instance["id"], "accepter_guide")
    assert open_task(engine, GUIDE, other, "opfoelgning")
    pages.login("gustav")
    done = pages.post(f"/opgaver/{task['id']}", data={"accepteret": "true"})
    assert done.headers["Location"] == "/"  # the inbox, not Mikkel Madsen's follow-up


def test_the_next_task_for_the_same_young_person_opens_when_there_is_one(pages, engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    start_course(engine, CASEWORKER, name="En Anden")  # kim has no task there, sara has
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting(guide="gustav", case_coordinator="karin"))
    complete(engine, GUIDE, instance["id"], "accepter_guide", ACCEPT)
    plan = open_task(engine, CASE_COORDINATOR, instance["id"], "uddannelsesplan")
    pages.login("karin")
    assert pages.get(f"/opgaver/{plan['id']}").status_code == 200
    assert task  # the k-meeting was kim's; karin's next task after the plan: none for this young person
    form = [("positiv_destination", "uddannelse"), ("destination_beskrivelse", "EUD"),
            ("milepaele.0._row", "1"), ("milepaele.0.titel", "Praktik"), ("milepaele.0.spor", "virksomhedssporet"),
            ("milepaele.0.ansvarlig_afdeling", "beskaeftigelse"), ("milepaele.0.frist", "2026-06-01"),
            ("milepaele.0.status", "ikke_startet")]
    done = pages.post(f"/opgaver/{plan['id']}", data=form)
    assert done.status_code == 303 and done.headers["Location"] == "/"


def test_a_double_submit_shows_the_first_result_on_the_same_young_persons_page(pages, engine):
    start_course(engine, CASEWORKER, name="Anden Ung")  # sara has a referral open for another young person
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    pages.login("sara")
    form = [("henvisningsaarsag", "Skolefravær"), ("henviser_afdeling", "skole"), ("afdelinger_med_sag", "familie"),
            ("afdelinger_med_sag", "social"), ("samtykke_givet", "on"), ("samtykke_givet_af", "foraelder_vaerge")]
    first = pages.post(f"/opgaver/{task['id']}", data=form)
    second = pages.post(f"/opgaver/{task['id']}", data=form)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == f"/unge/{instance['youth_id']}#journal"
    page = pages.get(second.headers["Location"]).get_data(as_text=True)
    assert "var allerede afsluttet" in page and "Emil Jensen" in page and "Skolefravær" in page


def test_the_follow_up_offers_the_plans_milestones_and_refuses_another_title_by_its_field(pages, engine, clock):
    iid = to_follow_up(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)
    task = open_task(engine, GUIDE, iid, "opfoelgning")
    pages.login("gustav")
    form = pages.get(f"/opgaver/{task['id']}").get_data(as_text=True)
    assert "Status på milepæle" in form
    wrong = [("opfoelgningsdato", "2026-04-06"), ("fremskridt", "Godt"), ("milepaele_status.0._row", "1"),
             ("milepaele_status.0.titel", "Kørekort"), ("milepaele_status.0.status", "naaet")]
    response = pages.post(f"/opgaver/{task['id']}", data=wrong)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="f-milepaele_status-0-titel-error">findes ikke i forløbet' in page
    assert '<option value="Praktik">Praktik</option>' in page  # the plan's milestone to choose instead
    right = [(k, "Praktik" if k == "milepaele_status.0.titel" else v) for k, v in wrong]
    assert pages.post(f"/opgaver/{task['id']}", data=right).status_code == 303
    pages.post("/logout")
    pages.login("kim")
    case = pages.get(f"/unge/{_youth_of(engine, iid)}").get_data(as_text=True)
    plan = case[case.index('id="plan-heading"'):]
    assert re.search(r"<strong>Praktik</strong>\s*<span class=\"badge badge--ok\">Nået</span>", plan)


def test_the_coordinator_pauses_resumes_and_closes_from_the_case_page(pages, engine):
    users.update_user(engine.uow(), "kim", "Kim Koordinator", None)
    iid = to_follow_up(engine)
    youth_id = _youth_of(engine, iid)
    pages.login("kim")
    page = pages.get(f"/unge/{youth_id}").get_data(as_text=True)
    assert "Sæt forløbet på pause" in page and "Luk forløbet" in page and "Meld frafald" in page
    bad = pages.post(f"/unge/{youth_id}/forloeb/{iid}/pause", data={"reason": "", "resume_on": "2020-01-01"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert 'id="pause-reason-error">skal udfyldes' in text and 'id="pause-resume-on-error">skal ligge efter i dag' in text
    ok = pages.post(f"/unge/{youth_id}/forloeb/{iid}/pause", data={"reason": "Indlagt", "resume_on": "2026-03-01"},
                    follow_redirects=True).get_data(as_text=True)
    assert "Forløbet er sat på pause." in ok and "På pause" in ok
    assert "Forløbet er sat på pause til 01.03.2026" in ok or "Forløbet er sat på pause til" in ok
    journal = ok[ok.index('id="journal"'):ok.index('id="timeline-heading"')]
    assert "Kim Koordinator" in journal and "Indlagt" in journal
    resumed = pages.post(f"/unge/{youth_id}/forloeb/{iid}/genoptag", follow_redirects=True).get_data(as_text=True)
    assert "Forløbet er genoptaget" in resumed
    closed = pages.post(f"/unge/{youth_id}/forloeb/{iid}/luk", data={"reason": "Flyttet"},
                        follow_redirects=True).get_data(as_text=True)
    assert "Forløbet er lukket." in closed and "Stoppet" in closed and "Flyttet" in closed


def test_the_guide_reports_a_drop_out_from_the_case_page_but_may_not_pause(pages, engine):
    users.update_user(engine.uow(), "gustav", "Gustav Guide", None)
    iid = to_follow_up(engine)
    youth_id = _youth_of(engine, iid)
    pages.login("gustav")
    page = pages.get(f"/unge/{youth_id}").get_data(as_text=True)
    assert "Meld frafald" in page and "Sæt forløbet på pause" not in page and "Luk forløbet" not in page
    assert pages.post(f"/unge/{youth_id}/forloeb/{iid}/pause", data={"reason": "x", "resume_on": "2026-03-01"}
                      ).status_code == 403
    assert pages.post(f"/unge/{youth_id}/forloeb/{iid}/luk", data={"reason": "x"}).status_code == 403
    done = pages.post(f"/unge/{youth_id}/forloeb/{iid}/frafald", data={"reason": "Stoppet i praktik"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Frafaldet er meldt" in done
    timeline = done[done.index('id="timeline-heading"'):]
    assert "Besked modtaget</strong>: Frafald" in timeline and "– Gustav Guide" in timeline


def test_the_referrer_sees_the_recommendation_in_the_inbox_and_on_the_case_page(pages, engine):
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL_OUTSIDE)
    complete(engine, COORDINATOR, instance["id"], "luk_henvisning", CLOSE)
    pages.login("sara")
    inbox = pages.get("/").get_data(as_text=True)
    assert "Din henvisning af Emil Jensen er lukket" in inbox and "Kontakt UU direkte" in inbox
    case = pages.get(f"/unge/{instance['youth_id']}").get_data(as_text=True)
    assert "Henvisningen er lukket med en anbefaling" in case and "Kontakt UU direkte" in case
    notice_id = re.search(r'/beskeder/(\d+)/laest', inbox).group(1)
    assert pages.post(f"/beskeder/{notice_id}/laest").status_code == 303
    assert "Kontakt UU direkte" not in pages.get("/").get_data(as_text=True)


def test_the_api_pauses_resumes_and_closes_with_errors_as_json(api, engine):
    iid = to_follow_up(engine)
    kim = api.as_("kim")
    assert api.as_("gustav").post(f"/instances/{iid}/pause", json={"reason": "x", "resume_on": "2026-03-01"}
                                  ).status_code == 403
    bad = kim.post(f"/instances/{iid}/pause", json={"reason": "x", "resume_on": "i morgen"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.get_json()["errors"]] == ["resume_on"]
    paused = kim.post(f"/instances/{iid}/pause", json={"reason": "Rejse", "resume_on": "2026-03-01"})
    assert paused.status_code == 200 and paused.get_json()["status"] == "paused"
    assert kim.get(f"/instances/{iid}").get_json()["status"] == "paused"
    assert kim.post(f"/instances/{iid}/pause", json={"reason": "Igen", "resume_on": "2026-03-01"}).status_code == 409
    assert kim.post(f"/instances/{iid}/resume").get_json()["status"] == "running"
    assert kim.post(f"/instances/{iid}/resume").status_code == 409
    assert kim.post(f"/instances/{iid}/close", json={}).status_code == 422
    assert kim.post(f"/instances/{iid}/close", json={"reason": "Flyttet"}).get_json()["status"] == "terminated"
    assert kim.post("/instances/999999/close", json={"reason": "x"}).status_code == 404


def test_a_drop_out_over_the_messages_api_shows_who_sent_it(api, engine, pages):
    iid = to_follow_up(engine)
    assert api.as_("gustav").post("/messages", json={"name": "frafald", "instance_id": iid}).status_code == 200
    pages.login("kim")
    page = pages.get(f"/unge/{_youth_of(engine, iid)}").get_data(as_text=True)
    timeline = page[page.index('id="timeline-heading"'):]
    assert "Besked modtaget</strong>: Frafald" in timeline and "– gustav" in timeline


def test_a_referral_from_the_pages_needs_a_department_with_a_case(pages, engine):
    pages.login("sara")
    response = pages.post("/unge/ny", data=[("youth.name", "Emil"), ("youth.birthdate", "2009-03-01"),
                                            ("referral.henvisningsaarsag", "Fravær"), ("referral.samtykke_givet", "on"),
                                            ("submission", "r1")])
    assert response.status_code == 422
    assert 'id="f-referral-afdelinger_med_sag-error">' in response.get_data(as_text=True)


def test_a_task_of_a_paused_course_says_so_and_offers_no_complete_button(pages, engine):
    from engine.courses import control as course_control

    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    course_control.pause_course(engine.uow(), COORDINATOR, instance["id"], "Venter på familien", "2026-02-01")
    pages.login("kim")
    page = pages.get(f"/opgaver/{task['id']}").get_data(as_text=True)
    assert "Forløbet er sat på pause." in page and "Afslut opgaven" not in page
