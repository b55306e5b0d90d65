"""A lane whose name is no role anyone holds (issue 18): deploy says so, a refusal says why, a coordinator hands it on."""
from __future__ import annotations

from typing import Any

from tests.conformance.drive import LANE, deploy, deploy_files, ready, start, view
from tests.conformance.elements import START, chain, user
from tests.diagrams import process


def two_lanes() -> str:
    """The case worker's task, then one in the lane »Tovholder«, a role no user holds."""
    body = START + user("forst") + user("tovholder_opgave") + '<bpmn:endEvent id="slut"/>' + chain(
        "start", "forst", "tovholder_opgave", "slut")
    return process("tov", body, {LANE: ["start", "forst"], "Tovholder": ["tovholder_opgave", "slut"]})


def deployed_course(api: Any) -> int:
    deploy(api, {"tov.bpmn": two_lanes()})
    return start(api, "tov")["id"]


def refusal(response: Any) -> str:
    assert response.status_code == 403, response.get_json()
    return response.get_json()["error"]


def test_deploy_warns_about_the_lane_whose_role_no_active_user_holds(api):
    body = deploy_files(api, {"tov.bpmn": two_lanes()})
    lanes = [w for w in body["warnings"] if w["element_id"] == "Lane_1"]
    assert [w["message"] for w in lanes] == ["Ingen bruger har rollen «tovholder»; banens opgaver kan ikke udføres"]
    assert not [w for w in body["warnings"] if w["element_id"] == "Lane_0"]   # sagsbehandler: sara holds it


def test_a_task_for_a_role_nobody_holds_is_refused_with_the_reason_and_a_coordinator_can_hand_it_on(api):
    instance = deployed_course(api)
    first = ready(api, instance)[0]
    assert api.as_("sara").post(f"/tasks/{first['id']}/complete", json={"data": {}}).status_code == 200
    task = ready(api, instance)[0]
    assert task["element_id"] == "tovholder_opgave" and task["role"] == "tovholder"
    for who in ("sara", "admin"):   # both may see the case; neither holds the role, and no one does
        assert refusal(api.as_(who).post(f"/tasks/{task['id']}/claim")) == (
            "Opgaven er til rollen »tovholder«, som ingen bruger har; en koordinator kan give opgaven til en person")
        assert refusal(api.as_(who).post(f"/tasks/{task['id']}/complete", json={"data": {}})).startswith(
            "Opgaven er til rollen »tovholder«")
    given = api.as_("kim").post(f"/tasks/{task['id']}/assign", json={"user": "sara"})
    assert given.status_code == 200, given.get_json()
    assert given.get_json()["assignee"] == "sara" and given.get_json()["role"] is None
    assert refusal(api.as_("gustav").post(f"/tasks/{task['id']}/claim")) == "Du har ikke adgang til denne unges sag"
    assert refusal(api.as_("admin").post(f"/tasks/{task['id']}/complete", json={"data": {}})) == (
        "Opgaven er givet til en anden person")
    done = api.as_("sara").post(f"/tasks/{task['id']}/complete", json={"data": {}})
    assert done.status_code == 200, done.get_json()
    assert view(api, instance)["status"] == "completed"


def test_a_task_for_a_role_someone_holds_names_the_role_and_someone_elses_task_says_so(api):
    instance = deployed_course(api)
    task = ready(api, instance)[0]
    assert refusal(api.as_("admin").post(f"/tasks/{task['id']}/claim")) == (
        "Opgaven er til rollen »sagsbehandler«, som du ikke har")
    assert refusal(api.as_("gustav").post(f"/tasks/{task['id']}/claim")) == "Du har ikke adgang til denne unges sag"
    assert api.as_("sara").post(f"/tasks/{task['id']}/claim").status_code == 200
    assert refusal(api.as_("kim").post(f"/tasks/{task['id']}/claim")) == "Opgaven er givet til en anden person"


def test_a_coordinator_still_gives_a_held_roles_task_only_to_a_holder(api):
    instance = deployed_course(api)
    task = ready(api, instance)[0]
    assert api.as_("kim").post(f"/tasks/{task['id']}/assign", json={"user": "gustav"}).status_code == 422
    assert api.as_("kim").post(f"/tasks/{task['id']}/assign", json={"user": "sara"}).status_code == 200


def test_the_refusals_read_in_english_too():
    from engine.platform.messages import Message
    from web.i18n import localize

    assert localize(Message("engine.task.role_not_yours", role="tovholder"), "en") == (
        "The task is for the role »tovholder«, which you do not have")
    assert localize(Message("engine.task.for_other_person"), "en") == "The task has been given to another person"
