"""A coordinator lets a waiting timer fire now: the follow-up held early, the escalation sent at once."""
from __future__ import annotations

import pytest

from engine.courses import events, instances
from engine.people import audit
from engine.platform.errors import Conflict, Forbidden, InvalidInput
from tests.conftest import ADMIN, CASE_COORDINATOR, COORDINATOR, GUIDE
from tests.course import complete, follow_up, open_elements, prepare_follow_up, to_follow_up

pytestmark = pytest.mark.usefixtures("deployed")
FOLLOW_UP_TIMER = "vent_paa_opfoelgning"


def test_the_coordinator_holds_the_follow_up_now_instead_of_in_three_months(engine, clock):
    iid = to_follow_up(engine)
    moved = events.fire_timer_now(engine.uow(), COORDINATOR, iid, FOLLOW_UP_TIMER)
    assert open_elements(moved) == ["forbered_opfoelgning"]
    prepare_follow_up(engine, iid)
    history = instances.get_instance(engine.uow(), COORDINATOR, iid)["history"]
    kinds = [(e["kind"], e["element_id"], e["user"]) for e in history]
    assert ("timer_advanced", FOLLOW_UP_TIMER, "kim") in kinds
    assert ("timer_fired", FOLLOW_UP_TIMER, None) in kinds
    logged = audit.list_entries(engine.uow(), ADMIN, username="kim")
    assert "timer_advanced" in [e["action"] for e in logged]
    # The course goes on as usual: the next follow-up is three months after this one, by the clock.
    complete(engine, GUIDE, iid, "opfoelgning", follow_up(reached=False))
    clock.advance(days=89)
    assert events.fire_due_timers(engine) == 0
    clock.advance(days=3)
    assert events.fire_due_timers(engine) == 1


def test_a_timer_fired_now_is_not_fired_again_by_the_worker(engine, clock):
    iid = to_follow_up(engine)
    events.fire_timer_now(engine.uow(), ADMIN, iid, FOLLOW_UP_TIMER)
    prepare_follow_up(engine, iid)
    clock.advance(days=91)
    events.fire_due_timers(engine)
    tasks_now = instances.get_instance(engine.uow(), COORDINATOR, iid)["tasks"]
    # Three months on, the one follow-up is overdue (escalated), not doubled.
    assert sorted(t["element_id"] for t in tasks_now if t["state"] == "ready") == ["eskalering", "opfoelgning"]


def test_only_coordinators_and_admins_may_and_a_refusal_is_logged_and_changes_nothing(engine):
    iid = to_follow_up(engine)
    before = instances.get_instance(engine.uow(), COORDINATOR, iid)
    with pytest.raises(Forbidden):
        events.fire_timer_now(engine.uow(), CASE_COORDINATOR, iid, FOLLOW_UP_TIMER)
    after = instances.get_instance(engine.uow(), COORDINATOR, iid)
    assert after["history"] == before["history"] and open_elements(after) == []
    denied = audit.list_entries(engine.uow(), ADMIN, username=CASE_COORDINATOR.username)
    assert [e["action"] for e in denied if e["detail"] == f"tidsfrist {FOLLOW_UP_TIMER}"] == ["access_denied"]


def test_a_timer_the_course_does_not_wait_for_is_a_conflict(engine):
    iid = to_follow_up(engine)
    with pytest.raises(Conflict):
        events.fire_timer_now(engine.uow(), COORDINATOR, iid, "fyldt_25x")
    with pytest.raises(InvalidInput):
        events.fire_timer_now(engine.uow(), COORDINATOR, iid, "")
    events.fire_timer_now(engine.uow(), COORDINATOR, iid, FOLLOW_UP_TIMER)
    with pytest.raises(Conflict):  # the course now waits at the follow-up task, not at the timer
        events.fire_timer_now(engine.uow(), COORDINATOR, iid, FOLLOW_UP_TIMER)
