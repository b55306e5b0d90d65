"""A service task calling the ``http`` connector, to an endpoint an administrator configured (issue 18)."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from tests.conformance.drive import deploy, drive, form, start, view
from tests.conformance.elements import START, chain, proc, user

RECEIVED: list[dict[str, Any]] = []


class School(BaseHTTPRequestHandler):
    """A school system: answers a POST with the young person's class, or fails when asked to."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        RECEIVED.append(body)
        status, answer = (500, b"{}") if body.get("skole") == "fejl" else (200, json.dumps({"klasse": "8b"}).encode())
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def school(monkeypatch) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), School)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SAMSPIL_HTTP_ENDPOINTS", json.dumps({"skolesystem": f"http://127.0.0.1:{server.server_port}/"}))
    RECEIVED.clear()
    yield "skolesystem"
    server.shutdown()
    server.server_close()


def diagram(endpoint: str) -> str:
    service = ('<bpmn:serviceTask id="spoerg_skole" name="Spørg skolen"><bpmn:extensionElements><camunda:connector>'
               '<camunda:connectorId>http</camunda:connectorId><camunda:inputOutput>'
               f'<camunda:inputParameter name="endpoint">{endpoint}</camunda:inputParameter>'
               '<camunda:inputParameter name="fields">skole</camunda:inputParameter>'
               '<camunda:inputParameter name="result">skolesvar</camunda:inputParameter>'
               '</camunda:inputOutput></camunda:connector></bpmn:extensionElements></bpmn:serviceTask>')
    return proc(START + service + user("efter") + '<bpmn:endEvent id="slut"/>'
                + chain("start", "spoerg_skole", "efter", "slut"), ["start", "spoerg_skole", "efter", "slut"])


def test_the_http_connector_sends_only_the_listed_fields_and_keeps_the_answer(api, school):
    deploy(api, {"c.bpmn": diagram(school), "efter.json": form()})
    instance = start(api, "c", {"skole": "Vestskolen", "cpr_note": "not for the school"})
    assert RECEIVED == [{"skole": "Vestskolen"}]
    assert view(api, instance["id"])["data"]["skolesvar"] == {"klasse": "8b"}
    assert drive(api, instance["id"]) == ["efter"]
    assert view(api, instance["id"])["status"] == "completed"


def test_a_failing_endpoint_stops_the_course_at_the_service_task_and_a_retry_calls_again(api, school):
    deploy(api, {"c.bpmn": diagram(school)})
    instance = start(api, "c", {"skole": "fejl"})
    failed = view(api, instance["id"])
    assert failed["status"] == "error" and failed["error"]["element_id"] == "spoerg_skole"
    assert "HTTPError" in failed["error"]["message"]
    retried = api.as_("admin").post(f"/instances/{instance['id']}/retry", json={"data": {"skole": "Vestskolen"}})
    assert retried.status_code == 200, retried.get_json()
    assert RECEIVED[-1] == {"skole": "Vestskolen"}
    assert view(api, instance["id"])["status"] == "running"
