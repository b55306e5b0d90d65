"""Diagrams that make SpiffWorkflow raise: the course stops in error, the request never fails (issue 18)."""
from __future__ import annotations

import io

from tests.failing_diagrams import CORRELATED_MESSAGE, DATA_OBJECT_MISSING, SELF_CALLING, calling
from tests.web.test_api import deploy


def start(api, process_key: str) -> dict:
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    response = sara.post("/instances", json={"process_key": process_key, "youth_id": youth["id"]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_data_object_a_task_cannot_write_stops_the_course_at_that_task_not_the_request(api):
    deploy(api, {"d.bpmn": DATA_OBJECT_MISSING.encode()})
    instance = start(api, "dataobjekt")
    sara = api.as_("sara")
    first = instance["tasks"][0]
    response = sara.post(f"/tasks/{first['id']}/complete", json={"data": {}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "error"
    view = api.as_("admin").get(f"/instances/{instance['id']}").get_json()
    assert view["status"] == "error"
    assert view["error"]["element_id"] == "a"
    assert "DO_plan" in view["error"]["message"]
    assert [t["element_id"] for t in view["tasks"] if t["state"] == "ready"] == []
    # A's completion stands; the step after it was held, and the retry (with the value) runs on to B.
    retried = api.as_("admin").post(f"/instances/{instance['id']}/retry", json={"data": {"DO_plan": "x"}})
    assert retried.status_code == 200, retried.get_json()
    again = api.as_("admin").get(f"/instances/{instance['id']}").get_json()
    assert again["status"] == "running"
    assert [t["element_id"] for t in again["tasks"] if t["state"] == "ready"] == ["b"]
    assert [e["kind"] for e in again["history"]].count("task_completed") == 1


def test_a_correlation_expression_the_message_cannot_answer_stops_the_course_not_the_request(api):
    deploy(api, {"k.bpmn": CORRELATED_MESSAGE.encode()})
    instance = start(api, "korrelation")
    response = api.as_("sara").post("/messages", json={"name": "svar", "instance_id": instance["id"]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"instance_id": instance["id"], "status": "error"}
    view = api.as_("admin").get(f"/instances/{instance['id']}").get_json()
    assert view["error"]["element_id"] == "vent"
    assert "NameError" in view["error"]["message"] and "sags_id" in view["error"]["message"]
    # The catch event still waits: after a retry the course is running and waiting for the message again.
    assert api.as_("admin").post(f"/instances/{instance['id']}/retry", json={}).status_code == 200
    assert api.as_("admin").get(f"/instances/{instance['id']}").get_json()["status"] == "running"


def test_a_call_activity_that_calls_its_own_process_is_refused_at_deploy(api):
    response = api.as_("per").post("/process-models/validate", data=SELF_CALLING.encode(),
                                   content_type="application/xml")
    report = response.get_json()
    assert [e["element_id"] for e in report["errors"]] == ["kald_selv"]
    assert "selv \u2192 selv" in report["errors"][0]["message"]


def test_a_cycle_of_call_activities_across_files_is_refused_on_each_call_in_it(api):
    files = {"a.bpmn": calling("a", "b"), "b.bpmn": calling("b", "c"), "c.bpmn": calling("c", "a")}
    data = {f"file{i}": (io.BytesIO(xml.encode()), name) for i, (name, xml) in enumerate(files.items())}
    response = api.as_("per").post("/process-models", data=data, content_type="multipart/form-data")
    assert response.status_code == 422, response.get_json()
    assert sorted(e["element_id"] for e in response.get_json()["errors"]) == ["kald_a", "kald_b", "kald_c"]
    assert api.as_("per").get("/process-models").get_json() == []


def test_a_timer_expression_of_the_wrong_type_stops_the_course_at_the_timer_not_the_request(api):
    from tests.conformance.elements import START, chain, proc, timer
    deploy(api, {"t.bpmn": proc(START + timer("vent", "timeDuration", "frist") + '<bpmn:endEvent id="slut"/>'
                                + chain("start", "vent", "slut"), ["start", "vent", "slut"], key="t").encode()})
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    response = sara.post("/instances", json={"process_key": "t", "youth_id": youth["id"], "data": {"frist": [5]}})
    assert response.status_code == 201, response.get_json()
    view = api.as_("admin").get(f"/instances/{response.get_json()['id']}").get_json()
    assert view["status"] == "error" and view["error"]["element_id"] == "vent", view
