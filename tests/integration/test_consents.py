"""The consent register (issue 12, part 5): recorded by staff, filled by the referral, read and withdrawn
by staff and by the young person themselves; a withdrawal gives the coordinating caseworker a task and
hides the data types it covered from the recipient role."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.bootstrap import Engine
from engine.courses import referrals
from engine.people import cases, consents
from engine.people.access import Actor, youth_actor
from engine.platform.errors import Forbidden, InvalidInput
from engine.platform.models import AuditEntry, Consent, Notice
from engine.work import tasks
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
from tests.course import ACCEPT, PLAN, REFERRAL, complete, k_meeting, open_elements, open_task

pytestmark = pytest.mark.usefixtures("deployed")

ADULT = "2004-05-01"   # 21 on the suite's clock (January 2026)
MINOR = "2010-05-01"   # 15
SHARING = {"data_types": ["uddannelse", "sociale_forhold"], "recipient": "Ungeguiderne",
           "recipient_role": "ungeguide", "purpose": "Planlægning af uddannelse", "given_by": "den_unge"}


def _referred(engine: Engine, birthdate: str = ADULT, **referral: Any) -> dict[str, Any]:
    return referrals.register_referral(engine.uow(), CASEWORKER, {"name": "Ida Holm", "birthdate": birthdate},
                                       {**REFERRAL, **referral})


def _planned(engine: Engine, birthdate: str = ADULT) -> dict[str, Any]:
    """A course through k-meeting, guide and plan: gustav is the guide, karin the coordinating caseworker."""
    referred = _referred(engine, birthdate)
    iid = referred["instance_id"]
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting())
    complete(engine, GUIDE, iid, "accepter_guide", ACCEPT)
    complete(engine, CASE_COORDINATOR, iid, "uddannelsesplan", PLAN)
    return referred


def _log(engine: Engine, action: str) -> list[tuple[str | None, int | None, str | None]]:
    """(user, young person, detail) of each access-log row of ``action``, oldest first."""
    with engine.reader() as uow:
        return [(e.username, e.youth_id, e.detail) for e in uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def _consent_rows(engine: Engine) -> list[tuple[int, Any, Any]]:
    with engine.reader() as uow:
        return [(c.id, c.withdrawn_at, c.withdrawn_by) for c in uow.session.scalars(select(Consent).order_by(Consent.id))]


def test_the_referral_fills_the_first_consent_of_the_register(engine):
    youth_id = _referred(engine, birthdate=MINOR)["youth_id"]
    register = consents.list_consents(engine.uow(), CASEWORKER, youth_id)["consents"]
    assert [(c["source"], c["data_types"], c["recipient"], c["given_by"], c["status"]) for c in register] == [
        ("referral", ["uddannelse"], "Ungeteamet", "foraelder_vaerge", "active")]
    assert register[0]["data_type_titles"] == ["Uddannelse"]


def test_a_referral_where_a_young_person_under_18_consents_alone_is_refused_by_its_field(engine):
    with pytest.raises(InvalidInput) as refused:
        _referred(engine, birthdate=MINOR, samtykke_givet_af="den_unge")
    assert [e["path"] for e in refused.value.details["errors"]] == ["referral/samtykke_givet_af"]
    assert _consent_rows(engine) == []


def test_staff_record_a_consent_and_the_case_page_lists_the_register(engine):
    youth_id = _referred(engine)["youth_id"]
    recorded = consents.record_consent(engine.uow(), CASEWORKER, youth_id,
                                       {**SHARING, "expires_on": "2027-01-01"})
    assert recorded["status"] == "active" and recorded["recorded_by"] == "sara"
    assert recorded["given_on"] == "2026-01-05" and recorded["expires_on"] == "2027-01-01"
    case = cases.case_view(engine.uow(), CASEWORKER, youth_id)
    assert [c["id"] for c in case["consents"]] == [recorded["id"], recorded["id"] - 1]
    assert _log(engine, "consent_recorded") == [("sara", youth_id, f"samtykke {recorded['id']}")]


def test_under_18_a_consent_needs_a_parent_or_guardian(engine):
    youth_id = _referred(engine, birthdate=MINOR)["youth_id"]
    with pytest.raises(InvalidInput) as refused:
        consents.record_consent(engine.uow(), CASEWORKER, youth_id, SHARING)
    assert [(e["field"], e["message"]) for e in refused.value.details["errors"]] == [
        ("given_by", "Den unge er under 18 år: samtykket skal gives af forælder eller værge")]
    by_parent = consents.record_consent(engine.uow(), CASEWORKER, youth_id,
                                        {**SHARING, "given_by": "foraelder_vaerge", "guardian_name": "Mor Holm"})
    assert by_parent["given_by"] == "foraelder_vaerge" and by_parent["guardian_name"] == "Mor Holm"


def test_a_consent_given_before_the_18th_birthday_is_judged_on_the_day_it_was_given(engine):
    youth_id = _referred(engine, birthdate="2008-01-10")["youth_id"]   # 18 on 10 January 2026
    with pytest.raises(InvalidInput):
        consents.record_consent(engine.uow(), CASEWORKER, youth_id, {**SHARING, "given_on": "2026-01-02"})
    with pytest.raises(InvalidInput) as future:
        consents.record_consent(engine.uow(), CASEWORKER, youth_id, {**SHARING, "given_on": "2026-02-01"})
    assert [e["field"] for e in future.value.details["errors"]] == ["given_on"]


def test_each_wrong_field_of_a_consent_gets_its_own_error_and_nothing_is_recorded(engine):
    youth_id = _referred(engine)["youth_id"]
    before = _consent_rows(engine)
    with pytest.raises(InvalidInput) as refused:
        consents.record_consent(engine.uow(), CASEWORKER, youth_id, {
            "data_types": ["gaet"], "recipient": "", "recipient_role": "ingen_rolle", "purpose": " ",
            "given_by": "naboen", "given_on": "i går", "expires_on": "2020-01-01"})
    assert sorted(e["field"] for e in refused.value.details["errors"]) == [
        "data_types", "given_by", "given_on", "purpose", "recipient", "recipient_role"]
    assert _consent_rows(engine) == before


def test_the_young_person_reads_their_own_register_and_withdraws_a_consent(engine):
    referred = _planned(engine)
    youth_id, iid = referred["youth_id"], referred["instance_id"]
    recorded = consents.record_consent(engine.uow(), CASEWORKER, youth_id, SHARING)
    me = youth_actor(youth_id)
    own = consents.list_consents_for_youth(engine.uow(), me)
    assert {c["id"] for c in own} == {recorded["id"], recorded["id"] - 1}
    withdrawn = consents.withdraw_consent(engine.uow(), me, recorded["id"], "Jeg vil ikke dele det mere")
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_by_youth"]
    assert withdrawn["withdrawal_reason"] == "Jeg vil ikke dele det mere"
    assert _log(engine, "consent_withdrawn") == [(f"ung:{youth_id}", youth_id, f"samtykke {recorded['id']}")]
    # the coordinating caseworker (karin, the k-meeting's choice) has the task, in person
    task = open_task(engine, CASE_COORDINATOR, iid, "vurder_samtykke")
    assert task["name"] == "Samtykke trukket tilbage – vurder betydning"
    assert task["role"] == "koordinerende_sagsbehandler" and task["assignee"] in (None, "karin")
    inbox, _ = tasks.list_tasks(engine.uow(), CASE_COORDINATOR, tasks.TaskFilter(mine=True))
    assert "vurder_samtykke" in {t["element_id"] for t in inbox}
    colleague = Actor("kaj", frozenset({"koordinerende_sagsbehandler"}))   # the same role, not this course's
    theirs, _ = tasks.list_tasks(engine.uow(), colleague, tasks.TaskFilter(mine=True))
    assert "vurder_samtykke" not in {t["element_id"] for t in theirs}
    # the course goes on: the follow-up still waits, and the task is done like any other
    done = tasks.complete_task(engine.uow(), CASE_COORDINATOR, task["id"],
                               {"samtykke_vurdering": "Guiden får ikke længere uddannelsesoplysninger"})
    assert done["status"] == "running" and "vurder_samtykke" not in open_elements(done)
    # the side path started with the course's data as it stood, and gave it back whole
    after = cases.case_view(engine.uow(), CASE_COORDINATOR, youth_id)["course"]
    assert (after["people"]["guide"], after["people"]["case_coordinator"]) == ("gustav", "karin")
    assert after["plan"] is not None and after["plan"]["milestones"]


def test_staff_withdraw_a_consent_for_the_young_person_with_a_reason(engine):
    referred = _planned(engine)
    youth_id = referred["youth_id"]
    recorded = consents.record_consent(engine.uow(), CASEWORKER, youth_id, SHARING)
    with pytest.raises(InvalidInput) as no_reason:
        consents.withdraw_consent(engine.uow(), CASEWORKER, recorded["id"], "", youth_id=youth_id)
    assert [e["field"] for e in no_reason.value.details["errors"]] == ["reason"]
    withdrawn = consents.withdraw_consent(engine.uow(), CASEWORKER, recorded["id"], "Den unge ringede",
                                          youth_id=youth_id)
    assert (withdrawn["status"], withdrawn["withdrawn_by"], withdrawn["withdrawn_by_youth"]) == (
        "withdrawn", "sara", False)
    assert open_task(engine, CASE_COORDINATOR, referred["instance_id"], "vurder_samtykke")
    register = consents.list_consents(engine.uow(), CASEWORKER, youth_id)["consents"]
    assert [c["status"] for c in register] == ["active", "withdrawn"]


def test_a_course_not_waiting_for_the_message_leaves_the_coordinating_caseworker_a_notice(engine):
    referred = _planned(engine)
    youth_id, iid = referred["youth_id"], referred["instance_id"]
    recorded = consents.record_consent(engine.uow(), CASEWORKER, youth_id, SHARING)
    with engine.uow() as uow:   # as a course on a version without the event sub-process stands
        from engine.platform.models import ProcessInstance

        row = uow.session.get(ProcessInstance, iid)
        row.waiting_messages = [m for m in row.waiting_messages if m != consents.WITHDRAWN_MESSAGE]
        uow.commit()
    consents.withdraw_consent(engine.uow(), youth_actor(youth_id), recorded["id"])
    with engine.reader() as uow:
        notices = [(n.username, n.kind, n.detail) for n in uow.session.scalars(select(Notice))]
    assert notices == [("karin", "consent_withdrawn", {"consent_id": recorded["id"],
                                                       "data_types": ["uddannelse", "sociale_forhold"]})]


def _plan_and_referral_fields(case: dict[str, Any]) -> tuple[Any, set[str]]:
    keys = {f["key"] for entry in case["course"]["journal"] for f in entry.get("fields") or []}
    return case["course"]["plan"], keys


def test_after_a_withdrawal_the_recipient_role_no_longer_sees_the_data_types_it_covered(engine):
    referred = _planned(engine)
    youth_id = referred["youth_id"]
    recorded = consents.record_consent(engine.uow(), CASEWORKER, youth_id, SHARING)
    plan, keys = _plan_and_referral_fields(cases.case_view(engine.uow(), GUIDE, youth_id))
    assert plan is not None and {"positiv_destination", "henvisningsaarsag", "referat"} <= keys
    consents.withdraw_consent(engine.uow(), youth_actor(youth_id), recorded["id"])
    guide_case = cases.case_view(engine.uow(), GUIDE, youth_id)
    plan, keys = _plan_and_referral_fields(guide_case)
    assert plan is None
    assert not keys & {"positiv_destination", "milepaele", "henvisningsaarsag", "referat"}
    assert guide_case["course"]["withheld"] == ["Sociale forhold", "Uddannelse"]
    # other roles are not the recipient: they see as before
    plan, keys = _plan_and_referral_fields(cases.case_view(engine.uow(), CASE_COORDINATOR, youth_id))
    assert plan is not None and "henvisningsaarsag" in keys
    # a new active consent to the role gives the data types back
    consents.record_consent(engine.uow(), CASEWORKER, youth_id, {**SHARING, "data_types": ["uddannelse"]})
    plan, keys = _plan_and_referral_fields(cases.case_view(engine.uow(), GUIDE, youth_id))
    assert plan is not None and "henvisningsaarsag" not in keys


def test_an_expired_consent_hides_its_data_types_from_the_recipient_role_too(engine, clock):
    referred = _planned(engine)
    youth_id = referred["youth_id"]
    consents.record_consent(engine.uow(), CASEWORKER, youth_id,
                            {**SHARING, "data_types": ["uddannelse"], "expires_on": "2026-02-01"})
    assert cases.case_view(engine.uow(), GUIDE, youth_id)["course"]["plan"] is not None
    clock.advance(days=40)
    assert cases.case_view(engine.uow(), GUIDE, youth_id)["course"]["plan"] is None
    register = consents.list_consents(engine.uow(), CASEWORKER, youth_id)["consents"]
    assert [c["status"] for c in register] == ["active", "expired"]


def test_a_role_outside_the_course_sees_the_register_only_with_the_case(engine):
    youth_id = _referred(engine)["youth_id"]
    stranger = Actor("gitte", frozenset({"ungeguide"}))
    with pytest.raises(Forbidden):
        consents.list_consents(engine.uow(), stranger, youth_id)
    assert _log(engine, "access_denied")[-1][:2] == ("gitte", youth_id)


def test_a_withdrawal_while_the_course_is_paused_leaves_the_coordinating_caseworker_a_notice(engine):
    from engine.courses import control

    referred = _planned(engine)
    youth_id, iid = referred["youth_id"], referred["instance_id"]
    recorded = consents.record_consent(engine.uow(), CASEWORKER, youth_id, SHARING)
    control.pause_course(engine.uow(), COORDINATOR, iid, "Ophold i udlandet", "2026-03-01")
    consents.withdraw_consent(engine.uow(), youth_actor(youth_id), recorded["id"])
    with engine.reader() as uow:
        assert [(n.username, n.kind) for n in uow.session.scalars(select(Notice))] == [("karin", "consent_withdrawn")]
