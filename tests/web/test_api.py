"""The REST API: a course driven over HTTP, and every bad request answered in JSON."""
from __future__ import annotations

import io

import pytest

from tests.course import ACCEPT, PLAN, REFERRAL, k_meeting


@pytest.fixture
def default_bpmn(default_files):
    return default_files


def deploy(api, files) -> dict:
    data = {f"file{i}": (io.BytesIO(content), name) for i, (name, content) in enumerate(files.items())}
    response = api.as_("per").post("/process-models", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_course_runs_over_the_api_with_claims_and_role_checks(api, default_files):
    deployed = deploy(api, default_files)
    assert (deployed["key"], deployed["version"], deployed["process_ids"]) == ("samarbejdsmodel", 1, ["samarbejdsmodel"])
    assert deploy(api, default_files)["version"] == 1
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Test Ung", "birthdate": "2009-03-01", "cpr": "010309-4321"}).get_json()
    assert youth["cpr"] == "010309-XXXX"
    instance = sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]})
    assert instance.status_code == 201
    task = sara.get("/tasks", query_string={"mine": "true"}).get_json()[0]
    assert task["element_id"] == "henvisning"
    assert sara.post(f"/tasks/{task['id']}/complete", json={"data": REFERRAL}).status_code == 200
    kim = api.as_("kim")
    inbox = kim.get("/tasks", query_string={"mine": "true", "role": "ungekoordinator"})
    assert inbox.headers["X-Total-Count"] == "1"
    k_task = inbox.get_json()[0]
    assert api.as_("gustav").post(f"/tasks/{k_task['id']}/claim").status_code == 403
    assert kim.post(f"/tasks/{k_task['id']}/claim").get_json()["assignee"] == "kim"
    after = kim.post(f"/tasks/{k_task['id']}/complete", json={"data": k_meeting("gustav")}).get_json()
    guide_task = after["tasks"][0]
    assert api.as_("gitte").post(f"/tasks/{guide_task['id']}/complete", json={"data": ACCEPT}).status_code == 403
    assert api.as_("gustav").post(f"/tasks/{guide_task['id']}/complete", json={"data": ACCEPT}).status_code == 200
    plan = api.as_("karin").get("/tasks", query_string={"mine": "true"}).get_json()[0]
    assert api.as_("karin").post(f"/tasks/{plan['id']}/complete", json={"data": PLAN}).status_code == 200
    view = kim.get(f"/instances/{instance.get_json()['id']}").get_json()
    assert view["status"] == "running" and view["version"] == 1
    assert [e["kind"] for e in view["history"]].count("task_completed") == 4


def test_form_errors_are_422_with_field_paths_and_a_second_completion_is_409(api, default_files):
    deploy(api, default_files)
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]})
    task = sara.get("/tasks", query_string={"mine": "true"}).get_json()[0]
    bad = sara.post(f"/tasks/{task['id']}/complete", json={"data": {"samtykke_givet": "ja"}})
    assert bad.status_code == 422
    assert {"henvisningsaarsag", "samtykke_givet"} <= {e["path"] for e in bad.get_json()["errors"]}
    assert sara.post(f"/tasks/{task['id']}/complete", json={"data": REFERRAL}).status_code == 200
    again = sara.post(f"/tasks/{task['id']}/complete", json={"data": REFERRAL})
    assert again.status_code == 409 and "error" in again.get_json()


def test_requests_without_a_valid_token_get_401_in_json(api, client):
    for response in (client.get("/api/v1/tasks"), client.get("/api/v1/tasks", headers={"Authorization": "Bearer nope"})):
        assert response.status_code == 401
        assert response.get_json()["error"]
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_malformed_json_is_400_and_unknown_ids_are_404(api, default_files):
    deploy(api, default_files)
    sara = api.as_("sara")
    malformed = sara.post("/youths", data="{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.get_json()["error"]
    assert sara.post("/youths", json=["a list"]).status_code == 400
    assert sara.get("/instances/12345").status_code == 404
    assert sara.post("/tasks/not-a-task/claim").status_code == 404
    assert sara.post("/instances", json={"process_key": "nope", "youth_id": 1}).status_code == 404
    assert sara.get("/no-such-endpoint").get_json()["error"]


def test_invalid_youth_fields_are_422_per_field(api):
    response = api.as_("sara").post("/youths", json={"name": "", "birthdate": "2099-01-01", "cpr": "123"})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"name", "birthdate", "cpr"}


def test_an_invalid_diagram_is_422_with_element_ids_and_validate_deploys_nothing(api, default_files):
    broken = dict(default_files)
    broken["samarbejdsmodel.bpmn"] = broken["samarbejdsmodel.bpmn"].replace(
        b"destination_naaet == True", b"destination_naaet === True")
    response = api.as_("per").post("/process-models", data=broken["samarbejdsmodel.bpmn"],
                                   content_type="application/xml")
    assert response.status_code == 422
    assert "destination_ja" in {e["element_id"] for e in response.get_json()["errors"]}
    report = api.as_("per").post("/process-models/validate", data=broken["samarbejdsmodel.bpmn"],
                                 content_type="application/xml").get_json()
    # The diagram alone lacks the young person's self-assessment form, which their lane's task must have.
    assert sorted(e["element_id"] for e in report["errors"]) == ["destination_ja", "forbered_opfoelgning"]
    assert api.as_("per").get("/process-models").get_json() == []
    assert api.as_("per").post("/process-models/validate", data=b"just text").status_code == 400
    assert api.as_("sara").post("/process-models", data=default_files["samarbejdsmodel.bpmn"]).status_code == 403


def test_a_message_nothing_waits_for_is_404(api, default_files):
    deploy(api, default_files)
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]})
    assert sara.post("/messages", json={"name": "frafald", "youth_id": youth["id"]}).status_code == 404
    assert sara.post("/messages", json={"name": "frafald"}).status_code == 422


def test_bottlenecks_count_the_young_people_waiting_at_each_step(api, default_files):
    deploy(api, default_files)
    sara = api.as_("sara")
    for name in ("A", "B"):
        youth = sara.post("/youths", json={"name": name, "birthdate": "2009-03-01"}).get_json()
        sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]})
    rows = api.as_("kim").get("/metrics/bottlenecks", query_string={"process_key": "samarbejdsmodel"}).get_json()
    assert [(r["element_id"], r["waiting"], r["role"], r["overdue"]) for r in rows] == [
        ("henvisning", 2, "sagsbehandler", 0)]
    assert api.as_("sara").get("/metrics/bottlenecks").status_code == 403


def test_the_audit_log_is_for_admins_and_lists_each_read(api, default_files):
    deploy(api, default_files)
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    instance = sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}).get_json()
    sara.get(f"/instances/{instance['id']}")
    assert sara.get("/audit").status_code == 403
    entries = api.as_("admin").get("/audit", query_string={"youth_id": youth["id"], "user": "sara"}).get_json()
    assert {"youth_created", "instance_started", "instance_viewed"} <= {e["action"] for e in entries}
    assert api.as_("admin").get("/audit", query_string={"since": "yesterday"}).status_code == 400


def test_an_oversized_body_is_413(api, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = api.as_("per").post("/process-models", data=b"x" * 4096, content_type="application/xml")
    assert response.status_code == 413 and response.get_json()["error"]
