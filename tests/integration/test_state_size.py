"""A course runs for years: its stored state must not grow with the follow-up rounds."""
from __future__ import annotations

import pytest

from engine import events
from engine.models import ProcessInstance
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
from tests.course import ACCEPT, PLAN, REFERRAL, complete, follow_up, k_meeting, start_course

pytestmark = pytest.mark.usefixtures("deployed")


def state_bytes(engine, instance_id: int) -> int:
    with engine.reader() as uow:
        return len(uow.session.get(ProcessInstance, instance_id).state)


def test_stored_state_stays_the_same_size_from_round_20_to_round_40(engine, clock):
    instance = start_course(engine, CASEWORKER, birthdate="2012-01-01")
    iid = instance["id"]
    complete(engine, CASEWORKER, iid, "henvisning", REFERRAL)
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting())
    complete(engine, GUIDE, iid, "accepter_guide", ACCEPT)
    complete(engine, CASE_COORDINATOR, iid, "uddannelsesplan", PLAN)
    sizes = {}
    for round_number in range(1, 41):
        clock.advance(days=93)
        assert events.fire_due_timers(engine) == 1
        complete(engine, GUIDE, iid, "opfoelgning", follow_up())
        sizes[round_number] = state_bytes(engine, iid)
    assert sizes[40] <= sizes[20] * 1.02
    assert sizes[20] <= 20 * 1024
