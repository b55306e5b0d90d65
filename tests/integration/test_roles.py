"""Who may act on a task: lanes name roles, lane_owners and claims narrow them to people."""
from __future__ import annotations

import pytest

from engine.courses import instances
from engine.people.access import Actor
from engine.platform.errors import Conflict, Forbidden
from engine.work import tasks
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE, OTHER_GUIDE
from tests.course import REFERRAL, complete, k_meeting, open_task, start_course

pytestmark = pytest.mark.usefixtures("deployed")
OTHER_COORDINATOR = Actor("lone", frozenset({"ungekoordinator"}))


def at_k_meeting(engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    return instance["id"], open_task(engine, COORDINATOR, instance["id"], "k_moede")


def test_only_holders_of_the_lanes_role_may_act_on_a_pooled_task(engine):
    _, task = at_k_meeting(engine)
    for outsider in (CASEWORKER, GUIDE, CASE_COORDINATOR):
        with pytest.raises(Forbidden):
            tasks.claim_task(engine.uow(), outsider, task["id"])
    assert tasks.claim_task(engine.uow(), COORDINATOR, task["id"])["assignee"] == "kim"


def test_a_claimed_task_belongs_to_its_assignee_until_released(engine):
    _, task = at_k_meeting(engine)
    tasks.claim_task(engine.uow(), COORDINATOR, task["id"])
    with pytest.raises(Conflict):
        tasks.claim_task(engine.uow(), OTHER_COORDINATOR, task["id"])
    with pytest.raises(Conflict):
        tasks.complete_task(engine.uow(), OTHER_COORDINATOR, task["id"], k_meeting())
    mine, _ = tasks.list_tasks(engine.uow(), OTHER_COORDINATOR, tasks.TaskFilter(mine=True))
    assert mine == []
    tasks.unclaim_task(engine.uow(), COORDINATOR, task["id"])
    mine, _ = tasks.list_tasks(engine.uow(), OTHER_COORDINATOR, tasks.TaskFilter(mine=True))
    assert [t["id"] for t in mine] == [task["id"]]


def test_the_inbox_lists_personal_tasks_before_role_queues(engine):
    iid, task = at_k_meeting(engine)
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting(guide="gustav"))
    second = start_course(engine, CASEWORKER, name="Anden Ung")
    complete(engine, CASEWORKER, second["id"], "henvisning", REFERRAL)
    tasks.claim_task(engine.uow(), COORDINATOR, open_task(engine, COORDINATOR, second["id"], "k_moede")["id"])
    third = start_course(engine, CASEWORKER, name="Tredje Ung")
    complete(engine, CASEWORKER, third["id"], "henvisning", REFERRAL)
    inbox, total = tasks.list_tasks(engine.uow(), COORDINATOR, tasks.TaskFilter(mine=True))
    assert total == 2
    assert [t["instance_id"] for t in inbox] == [second["id"], third["id"]]
    guide_inbox, _ = tasks.list_tasks(engine.uow(), GUIDE, tasks.TaskFilter(mine=True))
    assert [(t["element_id"], t["instance_id"]) for t in guide_inbox] == [("accepter_guide", iid)]
    assert tasks.list_tasks(engine.uow(), OTHER_GUIDE, tasks.TaskFilter(mine=True))[1] == 0


def test_a_caseworker_cannot_read_a_case_they_are_not_involved_in_and_the_refusal_is_logged(engine):
    from engine.people import audit
    from tests.conftest import ADMIN

    iid, _ = at_k_meeting(engine)
    stranger = Actor("bo", frozenset({"sagsbehandler"}))
    with pytest.raises(Forbidden):
        instances.get_instance(engine.uow(), stranger, iid)
    assert instances.get_instance(engine.uow(), CASEWORKER, iid)["id"] == iid
    log = audit.list_entries(engine.uow(), ADMIN, username="bo")
    assert [e["action"] for e in log] == ["access_denied"]
