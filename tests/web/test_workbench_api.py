"""The workbench's API: validation, bad input, versions, drafts, diff and migrations over HTTP."""
from __future__ import annotations

import io

import pytest

from engine.definitions.process_files import MAX_FILE_BYTES
from tests.course import REFERRAL
from tests.small_diagrams import diagram, lane, linear
from tests.workbench import default_files_text, monthly

pytestmark = pytest.mark.usefixtures("deployed")


def test_validate_answers_errors_and_warnings_with_element_ids(api):
    xml = diagram(linear('<bpmn:userTask id="t1"/>', lanes=lane("L1", "vejleder", "start", "t1", "end")))
    response = api.as_("per").post("/process-models/validate", data=xml.replace(">", ">", 1))
    assert response.status_code == 200
    assert response.json["errors"] == []
    assert {"element_id": "L1", "message": "Ingen bruger har rollen «vejleder»; banens opgaver kan ikke udføres"} \
        in response.json["warnings"]


def test_validate_finds_no_lane_problem_when_a_user_holds_the_role(api):
    xml = diagram(linear('<bpmn:userTask id="t1"/>', lanes=lane("L1", "ungeguide", "start", "t1", "end")))
    assert api.as_("per").post("/process-models/validate", data=xml).json == {"errors": [], "warnings": []}


def test_validate_refuses_a_file_that_is_not_bpmn_with_400(api):
    response = api.as_("per").post("/process-models/validate", data=b"%PDF-1.4 not a diagram")
    assert response.status_code == 400 and response.json["error"]
    response = api.as_("per").post("/process-models/validate", data="<html/>")
    assert response.status_code == 400


def test_a_file_over_the_size_limit_is_413_on_validate_and_deploy(api):
    big = diagram(linear()).replace("<bpmn:process", "<!--" + "x" * MAX_FILE_BYTES + "--><bpmn:process")
    for path in ("/process-models/validate", "/process-models"):
        response = api.as_("per").post(path, data=big)
        assert response.status_code == 413 and response.json["error"]


def test_a_body_over_the_request_limit_is_413(api):
    response = api.as_("per").post("/process-models/validate", data=b"x" * (11 * 1024 * 1024))
    assert response.status_code == 413


def test_a_version_opens_with_its_files_and_downloads_as_bpmn(api):
    version = api.as_("per").get("/process-models/samarbejdsmodel/versions/1")
    assert version.status_code == 200 and version.json["deployed_by"] == "per"
    assert "forms/henvisning.json" in version.json["files"]
    download = api.as_("per").get("/process-models/samarbejdsmodel/versions/1/bpmn")
    assert download.status_code == 200 and download.data.startswith(b"<?xml")
    assert "samarbejdsmodel-v1.bpmn" in download.headers["Content-Disposition"]
    assert api.as_("per").get("/process-models/samarbejdsmodel/versions/9").status_code == 404
    assert api.as_("sara").get("/process-models/samarbejdsmodel/versions/1").status_code == 403


def test_two_owners_saving_the_same_draft_the_second_is_told(api):
    files = default_files_text()
    created = api.as_("per").client.put("/api/v1/process-drafts/samarbejdsmodel", json={"files": files},
                                        headers={"Authorization": f"Bearer {api.tokens['per']}"})
    assert created.status_code == 201 and created.json["revision"] == 1
    put = lambda user, body: api.client.put("/api/v1/process-drafts/samarbejdsmodel", json=body,  # noqa: E731
                                             headers={"Authorization": f"Bearer {api.tokens[user]}"})
    assert put("per", {"files": monthly(files), "revision": 1}).status_code == 200
    stale = put("admin", {"files": files, "revision": 1})
    assert stale.status_code == 409 and stale.json["revision"] == 2 and stale.json["updated_by"] == "per"
    draft = api.as_("per").get("/process-drafts/samarbejdsmodel").json
    assert draft["revision"] == 2 and ">P1M<" in draft["files"]["samarbejdsmodel.bpmn"]


def test_a_draft_validates_deploys_and_the_diff_shows_the_change(api):
    api.client.put("/api/v1/process-drafts/samarbejdsmodel", json={"files": monthly(default_files_text())},
                   headers={"Authorization": f"Bearer {api.tokens['per']}"})
    assert api.as_("per").post("/process-drafts/samarbejdsmodel/validate").json["errors"] == []
    deployed = api.as_("per").post("/process-drafts/samarbejdsmodel/deploy", json={"revision": 1})
    assert deployed.status_code == 201 and deployed.json["version"] == 2
    diff = api.as_("per").get("/process-models/samarbejdsmodel/diff?from=1&to=2")
    assert diff.status_code == 200
    assert diff.json["changed"] == [{"element_id": "vent_paa_opfoelgning", "type": "intermediateCatchEvent",
                                     "name": "Hver 3. måned", "changes": ["timer"]}]
    assert api.as_("per").get("/process-models/samarbejdsmodel/diff?from=1").status_code == 422


def test_migrations_dry_run_then_move_over_http(api):
    youth = api.as_("sara").post("/youths", json={"name": "Test Ung", "birthdate": "2009-03-01"}).json
    instance = api.as_("sara").post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}).json
    task_id = instance["tasks"][0]["id"]
    files = monthly(default_files_text())
    deployed = api.as_("per").post("/process-models", content_type="multipart/form-data", data={
        name: (io.BytesIO(text.encode()), name.split("/")[-1]) for name, text in files.items()})
    target = deployed.json["version"]
    assert target == 2
    dry = api.as_("per").post("/process-models/samarbejdsmodel/migrations",
                              json={"from_version": 1, "to_version": target, "dry_run": True})
    # The report says where each course stands and what the move does to its deadlines; a process
    # owner not involved with the young person sees the course, not their name.
    assert dry.status_code == 200 and [(r["id"], r["can_migrate"], r["steps"]) for r in dry.json["instances"]] \
        == [(instance["id"], True, ["Henvisning"])]
    assert "youth_name" not in dry.json["instances"][0]
    bad = api.as_("per").post("/process-models/samarbejdsmodel/migrations",
                              json={"from_version": 1, "to_version": target, "mapping": {"henvisning": "nej_findes_ikke"}})
    assert bad.status_code == 422
    assert api.as_("per").post("/process-models/nope/migrations",
                               json={"from_version": 1, "to_version": 2}).status_code == 404
    moved = api.as_("per").post("/process-models/samarbejdsmodel/migrations",
                                json={"from_version": 1, "to_version": target, "dry_run": False})
    assert moved.json["migrated"] == 1 and moved.json["remaining"] == 0
    after = api.as_("sara").get(f"/instances/{instance['id']}").json
    assert after["version"] == target and [t["id"] for t in after["tasks"] if t["state"] == "ready"] == [task_id]
    done = api.as_("sara").post(f"/tasks/{task_id}/complete", json={"data": REFERRAL})
    assert done.status_code == 200


def test_a_move_confirmed_on_a_course_that_changed_since_the_dry_run_is_a_409_and_bad_options_are_422(api):
    youth = api.as_("sara").post("/youths", json={"name": "Test Ung", "birthdate": "2009-03-01"}).json
    instance = api.as_("sara").post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}).json
    files = monthly(default_files_text())
    api.as_("per").post("/process-models", content_type="multipart/form-data", data={
        name: (io.BytesIO(text.encode()), name.split("/")[-1]) for name, text in files.items()})
    url = "/process-models/samarbejdsmodel/migrations"
    dry = api.as_("per").post(url, json={"from_version": 1, "to_version": 2, "dry_run": True}).json
    revision = dry["instances"][0]["revision"]
    assert api.as_("sara").post(f"/tasks/{instance['tasks'][0]['id']}/complete",
                                json={"data": REFERRAL}).status_code == 200
    late = api.as_("per").post(url, json={"from_version": 1, "to_version": 2, "dry_run": False,
                                          "instance_ids": [instance["id"]],
                                          "revisions": {str(instance["id"]): revision}})
    assert late.status_code == 409 and late.json["code"] == "engine.migration.conflict"
    assert late.json["migrated"] == 0 and late.json["instances"][0]["conflict"] is True
    assert "prøvekørslen" in late.json["instances"][0]["reason"]
    assert api.as_("sara").get(f"/instances/{instance['id']}").json["version"] == 1
    for body, field in (({"timer_rule": "from_now"}, "timer_rule"), ({"revisions": [1]}, "revisions"),
                        ({"revisions": {"x": 1}}, "revisions"), ({"revisions": {"1": "1"}}, "revisions")):
        refused = api.as_("per").post(url, json={"from_version": 1, "to_version": 2, "dry_run": False, **body})
        assert refused.status_code == 422 and refused.json["errors"][0]["field"] == field, refused.json
    assert api.as_("sara").get(f"/instances/{instance['id']}").json["version"] == 1
