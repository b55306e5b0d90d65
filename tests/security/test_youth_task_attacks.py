"""Attacks on the young person's own task ("Forbered opfølgning"): staff doing it for them, a coordinator
handing it to staff, another young person taking it, the young person reaching for a staff task.

Each is refused through the policy, logged as a refusal, and leaves the task as it was.
"""
from __future__ import annotations

from typing import Any

import pytest

from engine.courses import events, instances
from engine.people import audit
from engine.people.access import youth_actor
from engine.platform.errors import Conflict, Forbidden
from engine.work import tasks
from tests.conftest import ADMIN, COORDINATOR, GUIDE
from tests.course import prepare_follow_up, to_follow_up
from web.sample_forms import SELF_ASSESSMENT

pytestmark = pytest.mark.usefixtures("deployed")


def _prepare_task(engine: Any, clock: Any) -> tuple[int, int, str]:
    iid = to_follow_up(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    youth_id = instances.get_instance(engine.uow(), ADMIN, iid)["youth_id"]
    return iid, youth_id, tasks.youth_tasks(engine.uow(), youth_actor(youth_id))[0]["id"]


def _refusals(engine: Any, username: str) -> list[dict[str, Any]]:
    return [e for e in audit.list_entries(engine.uow(), ADMIN, username=username) if e["action"] == "access_denied"]


@pytest.mark.parametrize("staff", [GUIDE, COORDINATOR, ADMIN], ids=["the course's guide", "coordinator", "admin"])
def test_staff_cannot_fill_in_the_young_persons_self_assessment_for_them(engine, clock, staff):
    _, youth_id, task_id = _prepare_task(engine, clock)
    with pytest.raises(Forbidden) as raised:
        tasks.complete_task(engine.uow(), staff, task_id, SELF_ASSESSMENT)
    assert "kun den unge" in str(raised.value.message)
    with pytest.raises(Forbidden):
        tasks.claim_task(engine.uow(), staff, task_id)
    assert len(_refusals(engine, staff.username)) == 2
    view = tasks.get_task(engine.uow(), COORDINATOR, task_id)
    assert view["state"] == "ready" and view["assignee"] is None and view["may_act"] is False


def test_a_coordinator_cannot_hand_the_young_persons_task_to_a_staff_member(engine, clock):
    _, _, task_id = _prepare_task(engine, clock)
    with pytest.raises(Forbidden):
        tasks.assign_task(engine.uow(), COORDINATOR, task_id, "gustav")
    assert len(_refusals(engine, "kim")) == 1
    assert tasks.get_task(engine.uow(), COORDINATOR, task_id)["assignee"] is None


def test_staff_completing_it_over_the_api_get_403_and_nothing_changes(engine, clock, api):
    _, _, task_id = _prepare_task(engine, clock)
    for user in ("gustav", "kim", "admin"):
        response = api.as_(user).post(f"/tasks/{task_id}/complete", json={"data": SELF_ASSESSMENT})
        assert response.status_code == 403 and "error" in response.get_json()
    assert tasks.get_task(engine.uow(), COORDINATOR, task_id)["state"] == "ready"


def test_another_young_person_cannot_complete_it_and_learns_nothing(engine, clock):
    _, youth_id, task_id = _prepare_task(engine, clock)
    stranger = youth_actor(youth_id + 1)
    with pytest.raises(Forbidden) as raised:
        tasks.complete_task(engine.uow(), stranger, task_id, SELF_ASSESSMENT)
    assert "kun den unge" not in str(raised.value.message)  # the refusal that names nothing
    assert len(_refusals(engine, stranger.username)) == 1
    assert tasks.get_task(engine.uow(), COORDINATOR, task_id)["state"] == "ready"


def test_the_young_person_cannot_complete_the_guides_follow_up_or_list_a_staff_inbox(engine, clock):
    iid, youth_id, _ = _prepare_task(engine, clock)
    prepare_follow_up(engine, iid)
    follow_up_task = tasks.list_tasks(engine.uow(), GUIDE, tasks.TaskFilter(mine=True))[0][0]
    assert follow_up_task["element_id"] == "opfoelgning"
    young = youth_actor(youth_id)
    with pytest.raises(Forbidden):
        tasks.complete_task(engine.uow(), young, follow_up_task["id"], {"opfoelgningsdato": "2026-04-06",
                                                                       "fremskridt": "x", "destination_naaet": True})
    with pytest.raises(Forbidden):
        tasks.youth_tasks(engine.uow(), GUIDE)  # staff have no young person's inbox
    assert tasks.get_task(engine.uow(), GUIDE, follow_up_task["id"])["state"] == "ready"


def test_a_completed_self_assessment_cannot_be_sent_twice(engine, clock):
    _, youth_id, task_id = _prepare_task(engine, clock)
    tasks.complete_task(engine.uow(), youth_actor(youth_id), task_id, SELF_ASSESSMENT)
    with pytest.raises(Conflict):
        tasks.complete_task(engine.uow(), youth_actor(youth_id), task_id, SELF_ASSESSMENT)


def test_a_coordinator_cannot_give_the_young_persons_lane_to_staff_or_to_no_one(engine, clock):
    from engine.courses import cover
    from engine.platform.errors import InvalidInput

    iid, _, task_id = _prepare_task(engine, clock)
    for people in (["gustav"], []):
        with pytest.raises(InvalidInput) as raised:
            cover.set_lane_people(engine.uow(), COORDINATOR, iid, "Den unge", people)
        assert "den unges egen" in str(raised.value.details["errors"][0]["message"])
    view = tasks.get_task(engine.uow(), COORDINATOR, task_id)
    assert view["state"] == "ready" and view["assignee"] is None


def test_a_young_person_gets_no_staff_task_list_not_even_of_tasks_outside_every_lane(engine, clock):
    _, youth_id, _ = _prepare_task(engine, clock)
    young = youth_actor(youth_id)
    for filters in (tasks.TaskFilter(mine=True), tasks.TaskFilter(youth_id=youth_id), tasks.TaskFilter(state=None)):
        with pytest.raises(Forbidden):
            tasks.list_tasks(engine.uow(), young, filters)
    assert len(_refusals(engine, young.username)) == 3
