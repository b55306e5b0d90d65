"""The OpenAPI document: a valid 3.0 document, in step with the routes, and true to real responses."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from engine.definitions.process_files import files_from_paths
from tests.conftest import PROCESSES
from tests.course import REFERRAL

PREFIX = "/api/v1"
DOCUMENT_URI = "urn:samspil:openapi"
FLASK_ONLY_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def spec(client: Any) -> dict[str, Any]:
    response = client.get(PREFIX + "/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operation_schema(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    """The JSON schema the document gives for this response, with $ref left to the registry."""
    response = spec["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response["content"]["application/json"]["schema"]


def assert_documented(spec: dict[str, Any], method: str, path: str, response: Any, status: int = 200) -> Any:
    """The response has this status and its body validates against the schema documented for it."""
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    schema = operation_schema(spec, method, path, status)
    registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=spec, specification=DRAFT4))
    validator = OAS30Validator(rooted(schema), registry=registry, format_checker=oas30_format_checker)
    errors = list(validator.iter_errors(body))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
    return body


def rooted(schema: Any) -> Any:
    """The schema with each local ``#/components/...`` reference pointed into the whole document."""
    if isinstance(schema, dict):
        return {k: DOCUMENT_URI + v if k == "$ref" else rooted(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [rooted(v) for v in schema]
    return schema


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule[len(PREFIX):])


def test_the_served_document_is_valid_openapi_3_0(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.0.3"
    validate(spec)


def test_the_document_names_every_route_and_method_and_no_others(app: Flask, spec: dict[str, Any]) -> None:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            routes.setdefault(openapi_path(rule.rule), set()).update(
                m.lower() for m in rule.methods or () if m not in FLASK_ONLY_METHODS)
    documented = {path: {m for m in item if m != "parameters"} for path, item in spec["paths"].items()}
    assert documented == routes
    for path, item in spec["paths"].items():
        assert {p["name"] for p in item.get("parameters", [])} == set(re.findall(r"{(\w+)}", path)), path


def test_every_operation_but_the_document_needs_a_token_and_lists_401(spec: dict[str, Any]) -> None:
    assert spec["security"] == [{"bearerAuth": []}]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            public = path == "/openapi.json"
            assert (operation.get("security") == []) is public, (method, path)
            assert ("401" in operation["responses"]) is not public, (method, path)


def test_the_document_is_served_without_a_token(client: Any) -> None:
    assert client.get(PREFIX + "/openapi.json").status_code == 200
    assert client.get(PREFIX + "/tasks").status_code == 401


@pytest.mark.usefixtures("deployed")
def test_a_course_through_the_api_matches_the_documented_shapes(api: Any, spec: dict[str, Any]) -> None:
    sara = api.as_("sara")
    youth = assert_documented(spec, "post", "/youths", sara.post(
        "/youths", json={"name": "Test Ung", "birthdate": "2009-03-01", "cpr": "010309-4234"}), 201)
    assert assert_documented(spec, "get", "/youths/{youth_id}", sara.get(f"/youths/{youth['id']}"))["cpr"]
    assert_documented(spec, "get", "/youths", sara.get("/youths", query_string={"q": "Test"}))

    instance = assert_documented(spec, "post", "/instances", sara.post(
        "/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}), 201)
    assert instance["tasks"]

    listed = sara.get("/tasks", query_string={"instance_id": instance["id"], "mine": "true"})
    tasks = assert_documented(spec, "get", "/tasks", listed)
    assert listed.headers["X-Total-Count"] == str(len(tasks)) == "1"
    task_id = tasks[0]["id"]
    assert_documented(spec, "post", "/tasks/{task_id}/claim", sara.post(f"/tasks/{task_id}/claim"))
    detail = assert_documented(spec, "get", "/tasks/{task_id}", sara.get(f"/tasks/{task_id}"))
    assert detail["form_schema"] and detail["may_act"] is True

    invalid = sara.post(f"/tasks/{task_id}/complete", json={"data": {}})
    assert assert_documented(spec, "post", "/tasks/{task_id}/complete", invalid, 422)["errors"]
    after = assert_documented(spec, "post", "/tasks/{task_id}/complete",
                              sara.post(f"/tasks/{task_id}/complete", json={"data": REFERRAL}))
    assert "history" not in after
    again = sara.post(f"/tasks/{task_id}/claim")
    assert assert_documented(spec, "post", "/tasks/{task_id}/claim", again, 409)["state"] == "completed"

    full = assert_documented(spec, "get", "/instances/{instance_id}", sara.get(f"/instances/{instance['id']}"))
    assert full["history"]
    assert_documented(spec, "get", "/metrics/bottlenecks", api.as_("kim").get("/metrics/bottlenecks"))
    assert_documented(spec, "get", "/audit", api.as_("admin").get("/audit", query_string={"youth_id": youth["id"]}))


def test_error_responses_match_the_error_schema(api: Any, spec: dict[str, Any]) -> None:
    sara = api.as_("sara")
    invalid = sara.post("/youths", json={"name": "", "birthdate": "i går"})
    body = assert_documented(spec, "post", "/youths", invalid, 422)
    assert {e["field"] for e in body["errors"]} == {"name", "birthdate"}
    malformed = sara.post("/youths", data="{", content_type="application/json")
    assert_documented(spec, "post", "/youths", malformed, 400)
    # Only those who see every young person learn that an id names no one; others are refused alike (issue 10).
    assert_documented(spec, "get", "/youths/{youth_id}", api.as_("admin").get("/youths/999"), 404)
    assert_documented(spec, "get", "/youths/{youth_id}", sara.get("/youths/999"), 403)
    assert_documented(spec, "get", "/audit", sara.get("/audit"), 403)
    assert_documented(spec, "get", "/tasks", sara.get("/tasks", query_string={"limit": "ti"}), 400)
    unauthorized = api.get("/tasks")
    assert assert_documented(spec, "get", "/tasks", unauthorized, 401)["error"]
    assert unauthorized.headers["WWW-Authenticate"] == "Bearer"
    assert_documented(spec, "post", "/messages", sara.post("/messages", json={"name": "frafald"}), 422)
    too_large = sara.post("/youths", data=b"x" * (11 * 1024 * 1024), content_type="application/json")
    assert_documented(spec, "post", "/youths", too_large, 413)


def test_process_model_uploads_match_the_documented_shapes(api: Any, spec: dict[str, Any]) -> None:
    files = files_from_paths([PROCESSES])
    per = api.as_("per")

    def multipart() -> dict[str, Any]:
        return {f"file{i}": (io.BytesIO(content), name) for i, (name, content) in enumerate(sorted(files.items()))}

    report = assert_documented(spec, "post", "/process-models/validate",
                               per.post("/process-models/validate", data=multipart()))
    assert report["errors"] == []
    deployed = assert_documented(spec, "post", "/process-models", per.post("/process-models", data=multipart()), 201)
    assert deployed["key"] == "samarbejdsmodel"
    assert_documented(spec, "get", "/process-models", per.get("/process-models"))
    broken = per.post("/process-models", data=b"<definitions/>", content_type="application/xml")
    assert assert_documented(spec, "post", "/process-models", broken, 422)["errors"]
    assert_documented(spec, "post", "/process-models", api.as_("sara").post("/process-models", data=multipart()), 403)
