"""Driving the default course in tests: the shared valid answers (:mod:`web.sample_forms`) and small helpers."""
from __future__ import annotations

from typing import Any

from engine.bootstrap import Engine
from engine.courses import instances
from engine.people import youths
from engine.people.access import Actor, youth_actor
from engine.work import tasks
from web.sample_forms import (  # noqa: F401  (the tests take the shared answers from here)
    ACCEPT,
    CLOSE,
    DECLINE,
    ESCALATION,
    HANDOVER,
    PLAN,
    REFERRAL,
    REFERRAL_OUTSIDE,
    SELF_ASSESSMENT,
    follow_up,
    k_meeting,
)


def start_course(engine: Engine, actor: Actor, name: str = "Test Ung", birthdate: str = "2009-03-01") -> dict[str, Any]:
    youth = youths.create_youth(engine.uow(), actor, name, birthdate)
    return instances.start_instance(engine.uow(), actor, "samarbejdsmodel", youth["id"])


def open_task(engine: Engine, actor: Actor, instance_id: int, element_id: str) -> dict[str, Any]:
    rows, _ = tasks.list_tasks(engine.uow(), actor, tasks.TaskFilter(instance_id=instance_id, element_id=element_id))
    assert rows, f"no open task {element_id} on instance {instance_id}"
    return rows[0]


def complete(engine: Engine, actor: Actor, instance_id: int, element_id: str, data: dict[str, Any]) -> dict[str, Any]:
    task = open_task(engine, actor, instance_id, element_id)
    return tasks.complete_task(engine.uow(), actor, task["id"], data)


def open_elements(instance: dict[str, Any]) -> list[str]:
    return sorted(t["element_id"] for t in instance["tasks"] if t["state"] == "ready")


def to_follow_up(engine: Engine, name: str = "Test Ung", birthdate: str = "2009-03-01") -> int:
    """A course through referral, k-meeting, guide and plan, now waiting for its first follow-up."""
    from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE

    iid = start_course(engine, CASEWORKER, name, birthdate)["id"]
    complete(engine, CASEWORKER, iid, "henvisning", REFERRAL)
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting())
    complete(engine, GUIDE, iid, "accepter_guide", ACCEPT)
    after_plan = complete(engine, CASE_COORDINATOR, iid, "uddannelsesplan", PLAN)
    assert open_elements(after_plan) == []
    return iid


def prepare_follow_up(engine: Engine, instance_id: int, answer: dict[str, Any] | None = None) -> dict[str, Any]:
    """The young person fills in their self-assessment (forbered_opfoelgning), so the follow-up opens."""
    youth_id = instances.get_instance(engine.uow(), _admin(), instance_id)["youth_id"]
    young = youth_actor(youth_id)
    mine = [t for t in tasks.youth_tasks(engine.uow(), young)
            if t["instance_id"] == instance_id and t["element_id"] == "forbered_opfoelgning"]
    assert mine, f"no self-assessment waits on instance {instance_id}"
    return tasks.complete_task(engine.uow(), young, mine[0]["id"], answer or SELF_ASSESSMENT)


def _admin() -> Actor:
    from tests.conftest import ADMIN

    return ADMIN
