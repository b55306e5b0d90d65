"""The case journal: what each completion submitted is kept and read back as the form's fields, the
plan shows each milestone's latest status, and a follow-up names only the plan's milestones."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.people import audit, cases, users
from engine.platform.errors import InvalidInput
from engine.platform.models import CoursePerson, TaskSubmission
from engine.work import tasks
from tests.conftest import ADMIN, CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
from tests.course import (
    ACCEPT,
    DECLINE,
    PLAN,
    REFERRAL,
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


def _names(engine):
    for username, name in (("sara", "Sara Sagsbehandler"), ("kim", "Kim Koordinator"), ("gustav", "Gustav Guide"),
                           ("karin", "Karin Koordinerende")):
        users.update_user(engine.uow(), username, name, None)


def _entry(journal, name):
    return next(e for e in journal if e["kind"] == "task_completed" and e["name"] == name)


def _field(entry, label):
    return next(f for f in entry["fields"] if f["label"] == label)


def test_the_coordinator_reads_the_referral_in_the_journal_before_the_k_meeting(engine):
    _names(engine)
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    case = cases.case_view(engine.uow(), COORDINATOR, instance["youth_id"])
    course = case["course"]
    referral = _entry(course["journal"], "Henvisning")
    assert referral["user"] == "sara" and course["names"]["sara"] == "Sara Sagsbehandler"
    assert _field(referral, "Henvisningsårsag")["value"] == "Har svært ved at komme i skole"
    assert _field(referral, "Henvisende afdeling")["value"] == "Uddannelsesvejledning (UU)"  # the title, not the key
    assert _field(referral, "Afdelinger hvor den unge har en sag")["value"] == ["Familie og børn", "Socialområdet"]
    assert _field(referral, "Samtykke til deling af oplysninger på tværs af afdelinger er givet") == {
        "key": "samtykke_givet", "label": "Samtykke til deling af oplysninger på tværs af afdelinger er givet",
        "type": "bool", "value": True}
    screening = next(e for e in course["journal"] if e["kind"] == "screening")
    assert screening["text"] == "Den unge har sager i to eller flere afdelinger"
    assert open_elements({"tasks": course["open_tasks"]}) == ["k_moede"]
    viewed = audit.list_entries(engine.uow(), ADMIN, youth_id=instance["youth_id"], username="kim")
    assert [e["action"] for e in viewed] == ["case_viewed"]


def test_the_k_meeting_minutes_show_people_by_name_and_the_first_actions_as_a_table(engine):
    _names(engine)
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    course = cases.case_view(engine.uow(), COORDINATOR, instance["youth_id"])["course"]
    minutes = _entry(course["journal"], "Tværgående koordineringsmøde (k-møde)")
    assert _field(minutes, "Referat")["value"] == "Aftalt praktik"
    assert _field(minutes, "Mødedato") == {"key": "moededato", "label": "Mødedato", "type": "date",
                                           "value": "2026-01-12"}
    assert _field(minutes, "Ungeguide") == {"key": "ungeguide", "label": "Ungeguide", "type": "user",
                                            "value": "gustav"}
    assert course["names"]["gustav"] == "Gustav Guide"
    actions = _field(minutes, "Første handlinger")
    assert actions["type"] == "table"
    assert actions["value"]["columns"] == ["Handling", "Ansvarlig", "Frist"]
    assert [c["value"] for c in actions["value"]["rows"][0]] == ["Besøg virksomhed", "gustav", "2026-02-01"]


def test_a_completed_task_returns_what_was_submitted(engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    assert "data" not in tasks.get_task(engine.uow(), CASEWORKER, task["id"])  # nothing submitted yet
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    done = tasks.get_task(engine.uow(), COORDINATOR, task["id"])
    assert done["state"] == "completed" and done["data"] == REFERRAL


def test_a_milestone_set_to_reached_at_a_follow_up_shows_reached_in_the_plan(engine, clock):
    from engine.courses import events

    iid = to_follow_up(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)
    complete(engine, GUIDE, iid, "opfoelgning", {**follow_up(), "milepaele_status": [
        {"titel": "Praktik", "status": "naaet"}]})
    youth_id = _youth_of(engine, iid)
    plan = cases.case_view(engine.uow(), COORDINATOR, youth_id)["course"]["plan"]
    assert [(m["title"], m["status"]) for m in plan["milestones"]] == [("Praktik", "Nået")]
    follow_ups = [e for e in cases.case_view(engine.uow(), COORDINATOR, youth_id)["course"]["journal"]
                  if e["name"] == "Opfølgning på planen"]
    statuses = _field(follow_ups[0], "Status på milepæle")["value"]["rows"]
    assert [[c["value"] for c in row] for row in statuses] == [["Praktik", "Nået"]]


def _youth_of(engine, instance_id):
    from engine.platform.models import ProcessInstance

    with engine.reader() as uow:
        return uow.session.get(ProcessInstance, instance_id).youth_id


def test_a_follow_up_naming_a_milestone_not_in_the_plan_is_a_field_error_and_changes_nothing(engine, clock):
    from engine.courses import events

    iid = to_follow_up(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)
    task = open_task(engine, GUIDE, iid, "opfoelgning")
    wrong = {**follow_up(), "milepaele_status": [{"titel": "Praktik", "status": "naaet"},
                                                 {"titel": "Kørekort", "status": "naaet"}]}
    with pytest.raises(InvalidInput) as raised:
        tasks.complete_task(engine.uow(), GUIDE, task["id"], wrong)
    assert [(e["path"], str(e["message"])) for e in raised.value.details["errors"]] == [
        ("milepaele_status/1/titel", "findes ikke i forløbet (vælg en af planens milepæle)")]
    assert tasks.get_task(engine.uow(), GUIDE, task["id"])["state"] == "ready"
    with engine.reader() as uow:
        assert uow.session.scalar(select(func.count()).select_from(TaskSubmission)
                                  .where(TaskSubmission.task_id == task["id"])) == 0


def test_a_referral_needs_at_least_one_department_with_a_case(engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    with pytest.raises(InvalidInput) as raised:
        tasks.complete_task(engine.uow(), CASEWORKER, task["id"], {**REFERRAL, "afdelinger_med_sag": []})
    assert [e["path"] for e in raised.value.details["errors"]] == ["afdelinger_med_sag"]


def test_the_guide_must_choose_and_a_decline_needs_a_reason(engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    task = open_task(engine, GUIDE, instance["id"], "accepter_guide")
    with pytest.raises(InvalidInput) as no_choice:
        tasks.complete_task(engine.uow(), GUIDE, task["id"], {"bemaerkning": ""})
    assert [e["path"] for e in no_choice.value.details["errors"]] == ["accepteret"]
    with pytest.raises(InvalidInput) as no_reason:
        tasks.complete_task(engine.uow(), GUIDE, task["id"], {"accepteret": False})
    assert [e["path"] for e in no_reason.value.details["errors"]] == ["bemaerkning"]
    assert tasks.get_task(engine.uow(), GUIDE, task["id"])["state"] == "ready"


def test_a_guide_who_declines_is_no_longer_the_guide_nor_on_their_caseload(engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    with engine.reader() as uow:
        assert ("ungeguide", "gustav") in set(uow.session.execute(select(CoursePerson.lane, CoursePerson.username)
                                                                  .where(CoursePerson.instance_id == instance["id"])))
    after = complete(engine, GUIDE, instance["id"], "accepter_guide", DECLINE)
    assert open_elements(after) == ["k_moede"]
    course = cases.case_view(engine.uow(), COORDINATOR, instance["youth_id"])["course"]
    assert course["people"]["guide"] is None and course["people"]["case_coordinator"] == "karin"
    with engine.reader() as uow:
        lanes = set(uow.session.execute(select(CoursePerson.lane, CoursePerson.username)
                                        .where(CoursePerson.instance_id == instance["id"])))
    assert lanes == {("koordinerende_sagsbehandler", "karin")}
    declined = _entry(course["journal"], "Accepter rollen som ungeguide")
    assert _field(declined, "Din beslutning")["value"] == "Jeg afslår rollen"
    assert _field(declined, "Bemærkning")["value"] == "Har ikke tid"


def test_an_accepting_guide_stays_the_guide(engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    after = complete(engine, GUIDE, instance["id"], "accepter_guide", ACCEPT)
    assert open_elements(after) == ["uddannelsesplan"]
    course = cases.case_view(engine.uow(), COORDINATOR, instance["youth_id"])["course"]
    assert course["people"]["guide"] == "gustav"
    accepted = _entry(course["journal"], "Accepter rollen som ungeguide")
    assert _field(accepted, "Din beslutning")["value"] == "Jeg påtager mig rollen som ungeguide"
    complete(engine, CASE_COORDINATOR, instance["id"], "uddannelsesplan", PLAN)
    plan = _entry(cases.case_view(engine.uow(), COORDINATOR, instance["youth_id"])["course"]["journal"],
                  "Uddannelses- og jobplan")
    assert _field(plan, "Positiv destination")["value"] == "Uddannelse"
