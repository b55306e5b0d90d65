"""Deploy a small diagram and drive a course of it to its end through the REST API only."""
from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from tests.diagrams import flow, process

LANE = "sagsbehandler"


def deploy(api: Any, files: dict[str, str | dict[str, Any]]) -> None:
    deploy_files(api, files)


def deploy_files(api: Any, files: dict[str, str | dict[str, Any]]) -> dict[str, Any]:
    """Deploy as the process owner; the answer (version, warnings)."""
    response = upload(api, files)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def upload(api: Any, files: dict[str, str | bytes | dict[str, Any]]) -> Any:
    """POST the files to /process-models as the process owner; the response, whatever it is."""
    def raw(content: str | bytes | dict[str, Any]) -> bytes:
        return content if isinstance(content, bytes) else (
            content if isinstance(content, str) else json.dumps(content)).encode()

    data = {f"file{i}": (io.BytesIO(raw(content)), name) for i, (name, content) in enumerate(files.items())}
    return api.as_("per").post("/process-models", data=data, content_type="multipart/form-data")


def start(api: Any, key: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    response = sara.post("/instances", json={"process_key": key, "youth_id": youth["id"], "data": data or {}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def view(api: Any, instance_id: int) -> dict[str, Any]:
    return api.as_("admin").get(f"/instances/{instance_id}").get_json()


def ready(api: Any, instance_id: int) -> list[dict[str, Any]]:
    return [t for t in view(api, instance_id)["tasks"] if t["state"] == "ready"]


def drive(api: Any, instance_id: int, answer: Callable[[dict[str, Any]], dict[str, Any]] = lambda task: {},
          max_tasks: int = 50) -> list[str]:
    """Complete every ready task (as sara) until none is left; the element ids completed, in order."""
    done: list[str] = []
    while (open_tasks := ready(api, instance_id)) and len(done) < max_tasks:
        task = open_tasks[0]
        response = api.as_("sara").post(f"/tasks/{task['id']}/complete", json={"data": answer(task)})
        assert response.status_code == 200, response.get_json()
        done.append(task["element_id"])
    return done


def one_task_process(key: str, inner: str, task_id: str) -> str:
    """start -> ``inner`` (an element with id ``task_id``) -> end, in the case worker's lane."""
    return process(key, '<bpmn:startEvent id="start"/>' + inner + '<bpmn:endEvent id="slut"/>'
                   + flow("f1", "start", task_id) + flow("f2", task_id, "slut"), {LANE: ["start", task_id, "slut"]})


def form(*fields: str) -> dict[str, Any]:
    """A closed form of text fields, none required."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {name: {"type": "string"} for name in fields}}
