"""A course runs for years: its stored state must not grow with the follow-up rounds."""
from __future__ import annotations

import pytest

from engine.courses import events
from engine.platform.models import ProcessInstance
from tests.conftest import GUIDE
from tests.course import complete, follow_up, prepare_follow_up, to_follow_up
from web.sample_forms import self_assessment

pytestmark = pytest.mark.usefixtures("deployed")


def state_bytes(engine, instance_id: int) -> int:
    with engine.reader() as uow:
        return len(uow.session.get(ProcessInstance, instance_id).state)


def test_stored_state_stays_the_same_size_from_round_20_to_round_40(engine, clock):
    iid = to_follow_up(engine, birthdate="2012-01-01")
    sizes = {}
    for round_number in range(1, 41):
        clock.advance(days=93)
        assert events.fire_due_timers(engine) == 1
        prepare_follow_up(engine, iid, self_assessment(round_number % 10 + 1))
        complete(engine, GUIDE, iid, "opfoelgning", follow_up())
        sizes[round_number] = state_bytes(engine, iid)
    assert sizes[40] <= sizes[20] * 1.02
    assert sizes[20] <= 20 * 1024
