"""A municipality's own role runs a course end to end; cover and handover move its people (issue 11).

The actors here are read from the database with their permissions (as every request is), so what
the roles may do is what an admin gave them, not the defaults.
"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.bootstrap import Engine
from engine.courses import cover, instances
from engine.dashboard import caseload
from engine.definitions import deployment
from engine.people import audit, roles, users, youths
from engine.people.access import Actor
from engine.platform.errors import Forbidden, InvalidInput
from engine.platform.models import AuditEntry, InstanceEvent
from engine.work import tasks
from tests import ballerup
from tests.conftest import PASSWORD

ADMIN_NAME = "ada"


def actor(engine: Engine, name: str) -> Actor:
    found = users.actor_for_username(engine.reader(), name)
    assert found is not None
    return found


@pytest.fixture
def ballerup_course(engine: Engine) -> dict[str, Any]:
    """Ballerup's users (tove and tom hold only ``tovholder``), the role's rights, and the diagram deployed."""
    users.add_user(engine.uow(), ADMIN_NAME, PASSWORD, ["admin"])
    users.add_user(engine.uow(), "per", PASSWORD, ["procesejer"])
    for name in ("tove", "tom"):
        users.add_user(engine.uow(), name, PASSWORD, [ballerup.ROLE], full_name=name.title())
    users.add_user(engine.uow(), "gustav", PASSWORD, ["ungeguide"])
    roles.set_permissions(engine.uow(), actor(engine, ADMIN_NAME), ballerup.ROLE,
                          ["register_youth", "send_messages", "reassign"])
    deployment.deploy(engine.uow(), ballerup.files(), actor(engine, "per"))
    return {"tove": actor(engine, "tove"), "tom": actor(engine, "tom")}


def start(engine: Engine, who: Actor, name: str = "Bo Ballerup") -> dict[str, Any]:
    youth = youths.create_youth(engine.uow(), who, name, "2009-03-01")
    return instances.start_instance(engine.uow(), who, ballerup.KEY, youth["id"])


def open_task(engine: Engine, who: Actor, instance_id: int, element_id: str) -> dict[str, Any]:
    rows, _ = tasks.list_tasks(engine.uow(), who, tasks.TaskFilter(instance_id=instance_id, element_id=element_id))
    assert rows, f"{who.username} sees no open {element_id}"
    return rows[0]


def mine(engine: Engine, who: Actor) -> list[str]:
    rows, _ = tasks.list_tasks(engine.uow(), who, tasks.TaskFilter(mine=True))
    return sorted(t["element_id"] for t in rows)


def test_a_user_with_a_role_the_code_does_not_know_can_be_created(engine):
    created = users.add_user(engine.uow(), "tove", PASSWORD, ["tovholder"])
    assert created["roles"] == ["tovholder"]


def test_a_role_name_that_is_not_a_plain_identifier_is_refused_for_a_user(engine):
    with pytest.raises(InvalidInput):
        users.add_user(engine.uow(), "tove", PASSWORD, ["Tov holder; drop"])
    assert users.list_users(engine.reader()) == []


def test_the_ballerup_course_runs_end_to_end_with_users_holding_only_the_tovholder_role(engine, ballerup_course):
    tove, tom = ballerup_course["tove"], ballerup_course["tom"]
    course = start(engine, tove)
    fordel = open_task(engine, tove, course["id"], "fordel")
    assert fordel["role"] == "tovholder"
    tasks.complete_task(engine.uow(), tove, fordel["id"], {"tovholder": "tom"})
    # narrowed by lane_owners: the conversation is tom's, not the lane's pool
    assert mine(engine, tom) == ["samtale"]
    assert mine(engine, tove) == []
    samtale = open_task(engine, tom, course["id"], "samtale")
    with pytest.raises(Forbidden):
        tasks.claim_task(engine.uow(), tove, samtale["id"])
    tasks.complete_task(engine.uow(), tom, samtale["id"], {"referat": "God samtale"})
    plan = open_task(engine, tom, course["id"], "plan")
    done = tasks.complete_task(engine.uow(), tom, plan["id"], {"maal": "EUD"})
    assert done["status"] == "completed"


def test_the_caseload_counts_the_lane_a_municipalitys_diagram_names(engine, ballerup_course):
    tove = ballerup_course["tove"]
    course = start(engine, tove)
    tasks.complete_task(engine.uow(), tove, open_task(engine, tove, course["id"], "fordel")["id"], {"tovholder": "tom"})
    admin = actor(engine, ADMIN_NAME)
    rows = caseload.caseload(engine.uow(), admin, ballerup.KEY)["rows"]
    assert [(r["lane"], r["username"], r["young_people"]) for r in rows] == [("tovholder", "tom", 1)]
    users.set_active(engine.uow(), "tom", False)
    assert caseload.caseload(engine.uow(), admin, ballerup.KEY)["rows"] == []


def test_changing_a_lanes_people_moves_its_open_task_at_once_and_later_tasks_follow(engine, ballerup_course):
    tove, tom = ballerup_course["tove"], ballerup_course["tom"]
    course = start(engine, tove)
    tasks.complete_task(engine.uow(), tove, open_task(engine, tove, course["id"], "fordel")["id"], {"tovholder": "tom"})
    tasks.claim_task(engine.uow(), tom, open_task(engine, tom, course["id"], "samtale")["id"])
    view = cover.set_lane_people(engine.uow(), tove, course["id"], "tovholder", ["tove"])
    assert view["data"]["lane_owners"] == {"Tovholder": ["tove"]}
    assert mine(engine, tom) == [] and mine(engine, tove) == ["samtale"]
    samtale = open_task(engine, tove, course["id"], "samtale")
    assert samtale["assignee"] is None  # tom's claim ended with the move
    tasks.complete_task(engine.uow(), tove, samtale["id"], {"referat": "Overtaget"})
    assert mine(engine, tove) == ["plan"] and mine(engine, tom) == []
    with engine.reader() as uow:
        kinds = list(uow.session.scalars(select(InstanceEvent.kind).where(InstanceEvent.instance_id == course["id"])))
        logged = list(uow.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "lane_people_changed")))
    assert "lane_people_changed" in kinds
    assert logged == [f"forløb {course['id']}: Tovholder -> tove"]


@pytest.mark.parametrize("lane, people, field", [("Ungeguide", ["tove"], "lane"), ("Tovholder", ["gustav"], "users"),
                                                 ("Tovholder", ["nobody"], "users"), ("", ["tove"], "lane"),
                                                 ("Tovholder", "tove", "users")])
def test_bad_lane_people_change_nothing_and_are_logged(engine, ballerup_course, lane, people, field):
    tove = ballerup_course["tove"]
    course = start(engine, tove)
    tasks.complete_task(engine.uow(), tove, open_task(engine, tove, course["id"], "fordel")["id"], {"tovholder": "tom"})
    with pytest.raises(InvalidInput) as refused:
        cover.set_lane_people(engine.uow(), tove, course["id"], lane, people)
    assert [e["field"] for e in refused.value.details["errors"]] == [field]
    assert instances.get_instance(engine.uow(), tove, course["id"])["data"]["lane_owners"] == {"Tovholder": ["tom"]}
    logged = audit.list_entries(engine.uow(), actor(engine, ADMIN_NAME), username="tove")
    assert [e["detail"] for e in logged if e["action"] == "reassign_refused"] == [field]


def test_a_guide_without_reassign_may_not_change_a_lanes_people(engine, ballerup_course):
    course = start(engine, ballerup_course["tove"])
    with pytest.raises(Forbidden):
        cover.set_lane_people(engine.uow(), actor(engine, "gustav"), course["id"], "Tovholder", ["tove"])


def test_a_handover_lists_first_then_moves_every_course_and_task(engine, ballerup_course):
    tove, tom = ballerup_course["tove"], ballerup_course["tom"]
    first, second = start(engine, tove, "Bo"), start(engine, tove, "Alma")
    for course in (first, second):
        tasks.complete_task(engine.uow(), tove, open_task(engine, tove, course["id"], "fordel")["id"],
                            {"tovholder": "tom"})
    plan = cover.handover(engine.uow(), tove, "tom", "tove", dry_run=True)
    assert sorted(c["youth_name"] for c in plan["courses"]) == ["Alma", "Bo"]
    assert sorted(t["name"] for t in plan["tasks"]) == ["Første samtale", "Første samtale"]
    assert mine(engine, tom) == ["samtale", "samtale"]  # a dry run moves nothing
    assert cover.holdings(engine.reader(), "tom") == {"courses": 2, "tasks": 2}
    cover.handover(engine.uow(), tove, "tom", "tove", dry_run=False)
    assert mine(engine, tom) == [] and mine(engine, tove) == ["samtale", "samtale"]
    assert cover.holdings(engine.reader(), "tom") == {"courses": 0, "tasks": 0}
    assert instances.get_instance(engine.uow(), tove, first["id"])["data"]["lane_owners"] == {"Tovholder": ["tove"]}


def test_a_handover_to_a_person_lacking_the_role_moves_nothing(engine, ballerup_course):
    tove, tom = ballerup_course["tove"], ballerup_course["tom"]
    course = start(engine, tove)
    tasks.complete_task(engine.uow(), tove, open_task(engine, tove, course["id"], "fordel")["id"], {"tovholder": "tom"})
    with pytest.raises(InvalidInput):
        cover.handover(engine.uow(), tove, "tom", "gustav", dry_run=False)
    assert mine(engine, tom) == ["samtale"]


def test_taking_a_permission_from_a_role_applies_on_the_next_request(engine, ballerup_course):
    admin = actor(engine, ADMIN_NAME)
    roles.set_permissions(engine.uow(), admin, ballerup.ROLE, [])
    with pytest.raises(Forbidden):
        start(engine, actor(engine, "tove"))
    with pytest.raises(InvalidInput):
        roles.set_permissions(engine.uow(), admin, ballerup.ROLE, ["rule_the_world"])
    with pytest.raises(InvalidInput):
        roles.set_permissions(engine.uow(), admin, "Tov-holder", ["register_youth"])
    assert {r["name"]: r["permissions"] for r in roles.list_roles(engine.uow(), admin)}[ballerup.ROLE] == []
