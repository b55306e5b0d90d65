"""The k-meeting names the guide and the coordinating caseworker: only active users with the role will do."""
from __future__ import annotations

import pytest

from engine.courses import instances
from engine.people import users
from engine.platform.errors import InvalidInput
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, k_meeting, open_elements, open_task, start_course

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def at_k_meeting(engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    return instance["id"]


@pytest.mark.parametrize("guide, coordinator, wrong", [
    ("gustv", "karin", ["ungeguide"]),                     # a typo: no such user
    ("karin", "karin", ["ungeguide"]),                     # a user, but not a guide
    ("gustav", "gustav", ["koordinerende_sagsbehandler"]),
    ("nobody", "no one", ["koordinerende_sagsbehandler", "ungeguide"]),
])
def test_a_k_meeting_naming_someone_who_cannot_take_the_role_is_refused_and_changes_nothing(
        engine, at_k_meeting, guide, coordinator, wrong):
    with pytest.raises(InvalidInput) as refused:
        complete(engine, COORDINATOR, at_k_meeting, "k_moede", k_meeting(guide=guide, case_coordinator=coordinator))
    assert [e["path"] for e in refused.value.details["errors"]] == wrong
    assert refused.value.details["errors"][0]["message"] == "skal være en aktiv bruger med feltets rolle"
    assert open_elements(instances.get_instance(engine.uow(), COORDINATOR, at_k_meeting)) == ["k_moede"]


def test_a_deactivated_guide_cannot_be_named(engine, at_k_meeting):
    users.set_active(engine.uow(), "gitte", False)
    with pytest.raises(InvalidInput):
        complete(engine, COORDINATOR, at_k_meeting, "k_moede", k_meeting(guide="gitte"))
    after = complete(engine, COORDINATOR, at_k_meeting, "k_moede", k_meeting(guide="gustav"))
    assert open_elements(after) == ["accepter_guide"]


def test_other_form_errors_and_user_errors_are_reported_together(engine, at_k_meeting):
    data = {**k_meeting(guide="gustv"), "moededato": "i går"}
    with pytest.raises(InvalidInput) as refused:
        complete(engine, COORDINATOR, at_k_meeting, "k_moede", data)
    assert sorted(e["path"] for e in refused.value.details["errors"]) == ["moededato", "ungeguide"]
    assert open_task(engine, COORDINATOR, at_k_meeting, "k_moede")["state"] == "ready"
