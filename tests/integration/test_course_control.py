"""No dead ends: drop-out, pause and close by the people allowed to, credited to them; the referrer of a
closed referral hears why, in their inbox, on the case page and by mail."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.courses import control as course_control
from engine.courses import events, notices
from engine.people import audit, cases, users
from engine.platform.errors import Conflict, Forbidden, InvalidInput
from engine.platform.models import CoursePerson, ProcessInstance
from engine.work import mail, tasks
from tests.conftest import ADMIN, CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE, OTHER_GUIDE
from tests.course import (
    CLOSE,
    REFERRAL,
    REFERRAL_OUTSIDE,
    complete,
    follow_up,
    k_meeting,
    open_elements,
    open_task,
    prepare_follow_up,
    start_course,
    to_follow_up,
)

pytestmark = pytest.mark.usefixtures("deployed")


def _instance(engine, instance_id):
    with engine.reader() as uow:
        row = uow.session.get(ProcessInstance, instance_id)
        return {"status": row.status, "youth_id": row.youth_id, "next_timer_at": row.next_timer_at,
                "waiting": list(row.waiting_messages or [])}


def _journal(engine, youth_id):
    return cases.case_view(engine.uow(), COORDINATOR, youth_id)["course"]["journal"]


def test_the_guide_reports_a_drop_out_credited_to_them_and_the_case_goes_back_to_a_new_k_meeting(engine):
    iid = to_follow_up(engine)
    youth_id = _instance(engine, iid)["youth_id"]
    course_control.report_dropout(engine.uow(), GUIDE, iid, "Er stoppet i praktikken")
    course = cases.case_view(engine.uow(), COORDINATOR, youth_id)["course"]
    assert open_elements({"tasks": course["open_tasks"]}) == ["k_moede"]
    reported = next(e for e in course["journal"] if e["kind"] == "dropout_reported")
    assert reported["user"] == "gustav" and reported["detail"] == {"reason": "Er stoppet i praktikken"}
    received = next(e for e in course["timeline"] if e["kind"] == "message_received")
    assert received["user"] == "gustav"  # not "Systemet"
    assert "dropout_reported" in [e["action"] for e in audit.list_entries(engine.uow(), ADMIN, username="gustav")]


def test_a_drop_out_over_the_messages_api_is_credited_to_the_sender(engine):
    iid = to_follow_up(engine)
    events.correlate_message(engine.uow(), COORDINATOR, "frafald", instance_id=iid)
    timeline = cases.case_view(engine.uow(), COORDINATOR, _instance(engine, iid)["youth_id"])["course"]["timeline"]
    assert next(e for e in timeline if e["kind"] == "message_received")["user"] == "kim"


def test_another_guide_may_not_report_a_drop_out_and_the_refusal_is_logged(engine):
    iid = to_follow_up(engine)
    with pytest.raises(Forbidden):
        course_control.report_dropout(engine.uow(), OTHER_GUIDE, iid, "Forsøg")
    assert _instance(engine, iid)["waiting"] == ["frafald", "samtykke_tilbagekaldt"]
    denied = audit.list_entries(engine.uow(), ADMIN, username="gitte")
    assert [e["action"] for e in denied] == ["access_denied"]


def test_a_drop_out_needs_a_reason_and_a_course_that_waits_for_one(engine):
    iid = to_follow_up(engine)
    with pytest.raises(InvalidInput) as raised:
        course_control.report_dropout(engine.uow(), GUIDE, iid, "  ")
    assert [e["field"] for e in raised.value.details["errors"]] == ["reason"]
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    with pytest.raises(Conflict):
        course_control.report_dropout(engine.uow(), COORDINATOR, instance["id"], "For tidligt")


def test_a_paused_course_fires_no_timers_and_takes_no_completions_until_it_resumes_on_its_date(engine, clock):
    iid = to_follow_up(engine)
    due = _instance(engine, iid)["next_timer_at"]
    course_control.pause_course(engine.uow(), COORDINATOR, iid, "Indlagt på hospital", "2026-05-01")
    assert _instance(engine, iid)["status"] == "paused"
    clock.advance(days=100)  # past the follow-up's due date (5 April)
    assert course_control.resume_due(engine) == 0  # 15 April: not yet the resume date
    assert events.fire_due_timers(engine) == 0
    assert _instance(engine, iid)["next_timer_at"] == due  # the deadline keeps its date
    clock.advance(days=20)  # 5 May
    assert course_control.resume_due(engine) == 1
    assert events.fire_due_timers(engine) == 1  # the follow-up that fell due during the pause is due now
    prepare_follow_up(engine, iid)
    youth_id = _instance(engine, iid)["youth_id"]
    journal = _journal(engine, youth_id)
    paused = next(e for e in journal if e["kind"] == "course_paused")
    assert paused["user"] == "kim" and paused["detail"] == {"reason": "Indlagt på hospital", "resume_on": "2026-05-01"}
    assert next(e for e in journal if e["kind"] == "course_resumed")["user"] is None  # the worker, on the date
    assert open_task(engine, GUIDE, iid, "opfoelgning")


def test_a_task_of_a_paused_course_cannot_be_completed_and_a_person_can_resume_it(engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    course_control.pause_course(engine.uow(), COORDINATOR, instance["id"], "Venter på familien", "2026-02-01")
    with pytest.raises(Conflict):
        tasks.complete_task(engine.uow(), COORDINATOR, task["id"], k_meeting())
    with pytest.raises(Conflict):
        course_control.pause_course(engine.uow(), COORDINATOR, instance["id"], "Igen", "2026-03-01")
    course_control.resume_course(engine.uow(), ADMIN, instance["id"])
    after = tasks.complete_task(engine.uow(), COORDINATOR, task["id"], k_meeting())
    assert open_elements(after) == ["accepter_guide"]
    with pytest.raises(Conflict):
        course_control.resume_course(engine.uow(), ADMIN, instance["id"])


def test_a_pause_needs_a_reason_and_a_resume_date_after_today(engine):
    iid = to_follow_up(engine)
    with pytest.raises(InvalidInput) as raised:
        course_control.pause_course(engine.uow(), COORDINATOR, iid, "", "2026-01-05")
    assert sorted((e["field"], str(e["message"])) for e in raised.value.details["errors"]) == [
        ("reason", "skal udfyldes"), ("resume_on", "skal ligge efter i dag")]
    with pytest.raises(InvalidInput) as not_a_date:
        course_control.pause_course(engine.uow(), COORDINATOR, iid, "Rejse", "snart")
    assert [e["field"] for e in not_a_date.value.details["errors"]] == ["resume_on"]
    assert _instance(engine, iid)["status"] == "running"


def test_only_the_coordinator_and_admins_pause_or_close_and_each_refusal_is_logged(engine):
    iid = to_follow_up(engine)
    for actor in (GUIDE, CASE_COORDINATOR, CASEWORKER):
        with pytest.raises(Forbidden):
            course_control.pause_course(engine.uow(), actor, iid, "Forsøg", "2026-03-01")
        with pytest.raises(Forbidden):
            course_control.close_course(engine.uow(), actor, iid, "Forsøg")
    assert _instance(engine, iid)["status"] == "running"
    denied = [e["action"] for e in audit.list_entries(engine.uow(), ADMIN, action="access_denied")]
    assert len(denied) == 6


def test_closing_a_course_cancels_its_tasks_takes_it_off_the_caseload_and_names_who_closed_it(engine, clock):
    iid = to_follow_up(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)
    task = open_task(engine, GUIDE, iid, "opfoelgning")
    course_control.close_course(engine.uow(), COORDINATOR, iid, "Flyttet til en anden kommune")
    state = _instance(engine, iid)
    assert state["status"] == "terminated" and state["next_timer_at"] is None and state["waiting"] == []
    assert tasks.get_task(engine.uow(), GUIDE, task["id"])["state"] == "cancelled"
    with engine.reader() as uow:
        assert not any(uow.session.scalars(select(CoursePerson.active).where(CoursePerson.instance_id == iid)))
    closed = next(e for e in _journal(engine, state["youth_id"]) if e["kind"] == "course_closed")
    assert closed["user"] == "kim" and closed["detail"] == {"reason": "Flyttet til en anden kommune"}
    with pytest.raises(Conflict):
        course_control.close_course(engine.uow(), COORDINATOR, iid, "Igen")
    with pytest.raises(Conflict):
        tasks.complete_task(engine.uow(), GUIDE, task["id"], follow_up())


def test_the_referrer_of_a_closed_referral_gets_the_recommendation_in_the_inbox_and_on_the_case_page(engine):
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL_OUTSIDE)
    assert notices.unread_notices(engine.uow(), CASEWORKER) == []
    complete(engine, COORDINATOR, instance["id"], "luk_henvisning", CLOSE)
    [notice] = notices.unread_notices(engine.uow(), CASEWORKER)
    assert notice["youth_name"] == "Emil Jensen" and notice["kind"] == "referral_closed"
    assert notice["detail"] == {"anbefaling": "Kontakt UU direkte", "henvist_til": "UU"}
    assert notices.unread_notices(engine.uow(), COORDINATOR) == []
    course = cases.case_view(engine.uow(), CASEWORKER, instance["youth_id"])["course"]
    assert [n["detail"]["anbefaling"] for n in course["notices"]] == ["Kontakt UU direkte"]
    notices.mark_read(engine.uow(), CASEWORKER, notice["id"])
    assert notices.unread_notices(engine.uow(), CASEWORKER) == []
    assert cases.case_view(engine.uow(), CASEWORKER, instance["youth_id"])["course"]["notices"]  # still on the case


def test_nobody_else_may_mark_a_notice_read(engine):
    from engine.platform.errors import NotFound

    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL_OUTSIDE)
    complete(engine, COORDINATOR, instance["id"], "luk_henvisning", CLOSE)
    [notice] = notices.unread_notices(engine.uow(), CASEWORKER)
    with pytest.raises(NotFound):
        notices.mark_read(engine.uow(), COORDINATOR, notice["id"])
    assert len(notices.unread_notices(engine.uow(), CASEWORKER)) == 1


def test_the_referrer_gets_a_mail_that_links_to_the_case_and_holds_no_personal_data(engine, smtp):
    inbox, settings = smtp
    users.update_user(engine.uow(), "sara", "Sara Sagsbehandler", "sara@kommune.test")
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL_OUTSIDE)
    complete(engine, COORDINATOR, instance["id"], "luk_henvisning", CLOSE)
    assert mail.send_pending(engine, settings) == 1
    [message] = inbox.messages
    assert message["To"] == "sara@kommune.test"
    assert message["Subject"] == "Din henvisning er lukket med en anbefaling"
    body = message.get_content()
    assert f"https://samspil.kommune.test/unge/{instance['youth_id']}" in body
    assert "Emil" not in body and "Kontakt UU" not in body
    assert mail.send_pending(engine, settings) == 0  # once
