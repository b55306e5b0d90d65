"""Every step and branch of the default course, through the engine's services."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.courses import events, instances
from engine.platform.errors import Forbidden
from engine.work import tasks
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE, OTHER_GUIDE
from tests.course import (
    ACCEPT,
    CLOSE,
    DECLINE,
    ESCALATION,
    HANDOVER,
    REFERRAL,
    REFERRAL_OUTSIDE,
    complete,
    follow_up,
    k_meeting,
    open_elements,
    prepare_follow_up,
    start_course,
    to_follow_up,
)

pytestmark = pytest.mark.usefixtures("deployed")


def test_a_referral_in_the_target_group_goes_to_the_k_meeting(engine):
    instance = start_course(engine, CASEWORKER)
    assert open_elements(instance) == ["henvisning"]
    after = complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    assert open_elements(after) == ["k_moede"]
    assert after["data"]["i_maalgruppe"] is True


def test_a_referral_outside_the_target_group_is_closed_with_a_recommendation(engine):
    instance = start_course(engine, CASEWORKER)
    after = complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL_OUTSIDE)
    assert open_elements(after) == ["luk_henvisning"]
    assert after["data"]["i_maalgruppe"] is False
    closed = complete(engine, COORDINATOR, instance["id"], "luk_henvisning", CLOSE)
    assert closed["status"] == "completed"
    history = instances.get_instance(engine.uow(), COORDINATOR, instance["id"])["history"]
    assert any(e["element_id"] == "henvisning_lukket" for e in history)


def test_the_guide_task_is_personal_to_the_guide_chosen_at_the_k_meeting(engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    after = complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting(guide="gustav"))
    assert open_elements(after) == ["accepter_guide"]
    mine, _ = tasks.list_tasks(engine.uow(), GUIDE, tasks.TaskFilter(mine=True))
    others, _ = tasks.list_tasks(engine.uow(), OTHER_GUIDE, tasks.TaskFilter(mine=True))
    assert [t["element_id"] for t in mine] == ["accepter_guide"]
    assert others == []
    with pytest.raises(Forbidden):
        tasks.complete_task(engine.uow(), OTHER_GUIDE, mine[0]["id"], ACCEPT)


def test_a_guide_who_declines_sends_the_case_back_to_the_k_meeting(engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    after = complete(engine, GUIDE, instance["id"], "accepter_guide", DECLINE)
    assert open_elements(after) == ["k_moede"]


def test_follow_up_comes_every_three_months_until_the_destination_is_reached(engine, clock):
    iid = to_follow_up(engine)
    clock.advance(days=89)
    assert events.fire_due_timers(engine) == 0
    clock.advance(days=2)
    assert events.fire_due_timers(engine) == 1
    # The young person prepares each follow-up first (their own lane), then the guide follows up.
    assert open_elements(instances.get_instance(engine.uow(), COORDINATOR, iid)) == ["forbered_opfoelgning"]
    assert open_elements(prepare_follow_up(engine, iid)) == ["opfoelgning"]
    after = complete(engine, GUIDE, iid, "opfoelgning", follow_up(reached=False))
    assert open_elements(after) == []
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)
    after = complete(engine, GUIDE, iid, "opfoelgning", follow_up(reached=True))
    assert open_elements(after) == ["overdragelse"]
    done = complete(engine, CASE_COORDINATOR, iid, "overdragelse", HANDOVER)
    assert done["status"] == "completed"


def test_a_follow_up_left_open_fourteen_days_is_escalated_to_the_coordinator(engine, clock):
    iid = to_follow_up(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)
    view = instances.get_instance(engine.uow(), COORDINATOR, iid)
    task = next(t for t in view["tasks"] if t["element_id"] == "opfoelgning" and t["state"] == "ready")
    assert task["due_at"] is not None
    clock.advance(days=15)
    events.fire_due_timers(engine)
    view = instances.get_instance(engine.uow(), COORDINATOR, iid)
    assert open_elements(view) == ["eskalering", "opfoelgning"]
    escalation = next(t for t in view["tasks"] if t["element_id"] == "eskalering")
    assert escalation["role"] == "ungekoordinator"
    complete(engine, COORDINATOR, iid, "eskalering", ESCALATION)
    after = complete(engine, GUIDE, iid, "opfoelgning", follow_up())
    assert open_elements(after) == []


def test_a_drop_out_message_interrupts_follow_up_and_calls_a_new_k_meeting(engine, clock):
    iid = to_follow_up(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)
    view = instances.get_instance(engine.uow(), COORDINATOR, iid)
    delivered = events.correlate_message(engine.uow(), CASEWORKER, "frafald", youth_id=view["youth_id"],
                                         data={"frafald_aarsag": "Stoppet i skolen"})
    assert delivered == {"instance_id": iid, "status": "running"}  # never the course's data (issue 10)
    after = instances.get_instance(engine.uow(), CASEWORKER, iid)
    assert open_elements(after) == ["k_moede"]
    assert after["data"]["frafald_aarsag"] == "Stoppet i skolen"
    cancelled = instances.get_instance(engine.uow(), COORDINATOR, iid)["tasks"]
    assert any(t["element_id"] == "opfoelgning" and t["state"] == "cancelled" for t in cancelled)


def test_the_twenty_fifth_birthday_ends_follow_up_in_handover(engine, clock):
    iid = to_follow_up(engine, birthdate="2001-02-01")
    clock.advance(days=26)  # 2026-01-31 09:00: the day before the 25th birthday
    assert events.fire_due_timers(engine) == 0
    clock.advance(days=1)
    assert events.fire_due_timers(engine) == 1
    view = instances.get_instance(engine.uow(), COORDINATOR, iid)
    assert open_elements(view) == ["overdragelse"]
    assert view["data"]["birthdate_25"].startswith("2026-02-01")


def test_history_records_who_did_each_step_and_when(engine, clock):
    instance = start_course(engine, CASEWORKER)
    clock.advance(hours=2)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    history = instances.get_instance(engine.uow(), COORDINATOR, instance["id"])["history"]
    done = next(e for e in history if e["kind"] == "task_completed")
    assert (done["element_id"], done["user"]) == ("henvisning", "sara")
    assert done["at"] == (clock.now()).isoformat()
    steps = [e["element_id"] for e in history if e["kind"] == "step_completed"]
    assert steps == ["henvisning_modtaget", "visitation", "i_maalgruppe_gateway"]
    started = next(e for e in history if e["kind"] == "instance_started")
    assert started["user"] == "sara" and started["at"] == (clock.now() - timedelta(hours=2)).isoformat()
