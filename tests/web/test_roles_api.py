"""The roles, lane people and handover endpoints, and their bad input (issue 11)."""
from __future__ import annotations

import pytest

from engine.bootstrap import Engine
from engine.people import audit, users
from engine.work import tasks
from tests.conftest import ADMIN, CASEWORKER, COORDINATOR, PASSWORD
from tests.course import REFERRAL, complete, k_meeting, start_course


@pytest.fixture
def course(engine: Engine, deployed) -> int:
    """A default course past the k-meeting: gustav is its guide, karin its coordinating caseworker."""
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting(guide="gustav"))
    return instance["id"]


def refusals(engine: Engine, action: str) -> int:
    return sum(1 for e in audit.list_entries(engine.uow(), ADMIN) if e["action"] == action)


def test_an_admin_lists_roles_with_their_permissions(api):
    response = api.as_("admin").get("/roles")
    assert response.status_code == 200
    by_name = {r["name"]: r["permissions"] for r in response.json["roles"]}
    assert "manage_users" in by_name["admin"] and "reassign" in by_name["ungekoordinator"]
    assert by_name["ungeguide"] == ["send_messages"]
    assert "reassign" in response.json["permissions"]


def test_only_those_who_manage_users_may_read_or_change_roles(api, engine):
    assert api.as_("kim").get("/roles").status_code == 403
    response = api.as_("kim").client.put("/api/v1/roles/ungeguide", json={"permissions": ["see_all_youths"]},
                                         headers={"Authorization": f"Bearer {api.tokens['kim']}"})
    assert response.status_code == 403
    assert refusals(engine, "access_denied") == 2


def put(api, user: str, name: str, body) -> object:
    return api.client.put(f"/api/v1/roles/{name}", json=body, headers={"Authorization": f"Bearer {api.tokens[user]}"})


def test_an_admin_gives_a_new_role_rights_and_its_holders_have_them_on_their_next_request(api, engine):
    users.add_user(engine.uow(), "tove", PASSWORD, ["tovholder"])
    token = users.create_token(engine.uow(), "tove")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/roles", headers=headers).status_code == 403
    response = put(api, "admin", "tovholder", {"permissions": ["manage_users", "register_youth"]})
    assert response.status_code == 200 and response.json == {"name": "tovholder",
                                                               "permissions": ["manage_users", "register_youth"]}
    assert api.client.get("/api/v1/roles", headers=headers).status_code == 200
    logged = [e["detail"] for e in audit.list_entries(engine.uow(), ADMIN) if e["action"] == "role_permissions_changed"]
    assert logged == ["tovholder: - -> manage_users, register_youth"]


@pytest.mark.parametrize("name, body, field", [
    ("ungeguide", {"permissions": ["rule_the_world"]}, "permissions"),
    ("ungeguide", {"permissions": "send_messages"}, "permissions"),
    ("Tov-Holder", {"permissions": ["send_messages"]}, "name"),
    ("system", {"permissions": ["see_all_youths"]}, "name"),
])
def test_an_unknown_permission_or_a_bad_role_name_is_422_and_changes_nothing(api, engine, name, body, field):
    response = put(api, "admin", name, body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == [field]
    by_name = {r["name"]: r["permissions"] for r in api.as_("admin").get("/roles").json["roles"]}
    assert by_name["ungeguide"] == ["send_messages"]
    assert name == "ungeguide" or name not in by_name
    assert refusals(engine, "role_change_refused") == 1


def test_a_coordinator_changes_who_holds_a_lane_and_the_open_task_moves(api, engine, course):
    response = api.as_("kim").post(f"/instances/{course}/people", json={"lane": "Ungeguide", "users": ["gitte"]})
    assert response.status_code == 200, response.json
    assert response.json["data"]["lane_owners"]["ungeguide"] == ["gitte"]
    rows, _ = tasks.list_tasks(engine.uow(), users.actor_for_username(engine.reader(), "gitte"),
                               tasks.TaskFilter(mine=True))
    assert [t["element_id"] for t in rows] == ["accepter_guide"]
    journal = api.as_("kim").get(f"/instances/{course}").json["history"]
    assert any(e["kind"] == "lane_people_changed" for e in journal)


@pytest.mark.parametrize("body, field", [
    ({"lane": "Tovholder", "users": ["gitte"]}, "lane"),       # a lane the course's diagram does not have
    ({"lane": "Ungeguide", "users": ["sara"]}, "users"),       # sara lacks the guide's role
    ({"lane": "Ungeguide", "users": "gitte"}, "users"),
    ({"users": ["gitte"]}, "lane"),
])
def test_bad_lane_people_are_422_and_change_nothing(api, engine, course, body, field):
    response = api.as_("kim").post(f"/instances/{course}/people", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == [field]
    assert api.as_("kim").get(f"/instances/{course}").json["data"]["lane_owners"]["ungeguide"] == ["gustav"]


def test_a_guide_may_not_change_a_lanes_people(api, course):
    assert api.as_("gustav").post(f"/instances/{course}/people",
                                  json={"lane": "Ungeguide", "users": ["gustav", "gitte"]}).status_code == 403


def test_an_unknown_course_is_404(api, deployed):
    assert api.as_("kim").post("/instances/999999/people", json={"lane": "Ungeguide", "users": []}).status_code == 404


def test_a_handover_dry_run_lists_and_moves_nothing_then_the_handover_moves(api, engine, course):
    dry = api.as_("kim").post("/handovers", json={"from": "gustav", "to": "gitte", "dry_run": True})
    assert dry.status_code == 200
    assert [(c["instance_id"], c["lane"], c["youth_name"]) for c in dry.json["courses"]] == [
        (course, "ungeguide", "Test Ung")]
    assert [t["name"] for t in dry.json["tasks"]] == ["Accepter rollen som ungeguide"]
    assert api.as_("kim").get(f"/instances/{course}").json["data"]["lane_owners"]["ungeguide"] == ["gustav"]
    done = api.as_("kim").post("/handovers", json={"from": "gustav", "to": "gitte", "dry_run": False})
    assert done.status_code == 200 and done.json["dry_run"] is False
    assert api.as_("kim").get(f"/instances/{course}").json["data"]["lane_owners"]["ungeguide"] == ["gitte"]
    again = api.as_("kim").post("/handovers", json={"from": "gustav", "to": "gitte", "dry_run": True})
    assert again.json["courses"] == [] and again.json["tasks"] == []


@pytest.mark.parametrize("body, status, field", [
    ({"from": "gustav", "to": "sara", "dry_run": False}, 422, "users"),   # sara lacks the guide's role
    ({"from": "gustav", "to": "gustav", "dry_run": True}, 422, "to"),
    ({"from": "gustav", "to": "nobody", "dry_run": True}, 422, "to"),
    ({"from": "gustav", "to": "gitte", "dry_run": "no"}, 422, "dry_run"),
    ({"from": "nobody", "to": "gitte", "dry_run": True}, 404, None),
])
def test_a_bad_handover_is_refused_and_moves_nothing(api, engine, course, body, status, field):
    response = api.as_("kim").post("/handovers", json=body)
    assert response.status_code == status, response.json
    assert "error" in response.json
    if field:
        assert [e["field"] for e in response.json["errors"]] == [field]
    assert api.as_("kim").get(f"/instances/{course}").json["data"]["lane_owners"]["ungeguide"] == ["gustav"]


def test_a_handover_needs_the_reassign_permission(api, engine, course):
    assert api.as_("gitte").post("/handovers", json={"from": "gustav", "to": "gitte"}).status_code == 403


def test_assigning_one_task_needs_reassign_and_a_person_holding_its_role(api, engine, course):
    task = api.as_("kim").get(f"/tasks?instance_id={course}").json[0]
    assert api.as_("kim").post(f"/tasks/{task['id']}/assign", json={"user": "sara"}).status_code == 422
    moved = api.as_("kim").post(f"/tasks/{task['id']}/assign", json={"user": "gitte"})
    assert moved.status_code == 200 and moved.json["assignee"] == "gitte"
