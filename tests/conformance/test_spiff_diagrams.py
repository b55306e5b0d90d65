"""SpiffWorkflow's own test diagrams, deployed and driven through the REST API (issue 18).

For each diagram in ``spiff_data/`` (their origin and licence: ``spiff_data/README.md``): deploy it;
if it is refused, the refusal names a reason; if it deploys, start a course and drive it a bounded
number of steps (complete each ready task with the data the file needs or ``{}``, fire each waiting
timer, deliver each message and signal the file names) until it finishes, stops in error with a
reason, or waits for nothing this driver can give. Never a 500, never more than :data:`MAX_STEPS`.
Each diagram's outcome is pinned in :data:`EXPECTED`, so README's list of those that finish is tested.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.conformance.drive import ready, upload, view

DATA = Path(__file__).parent / "spiff_data"
MAX_STEPS = 40
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}

# What each diagram does in Samspil: "completed", "error" (a course error naming the element and why),
# "refused" (at deploy, with a reason) or "waits" (running, waiting for something outside this driver).
EXPECTED: dict[str, str] = {
    "ad_hoc_subprocess.bpmn": "refused",           # ad hoc subprocesses are not supported
    "boundary_timer_on_task.bpmn": "completed",
    "bpmnLoopTask.bpmn": "refused",                # a loop with neither loopMaximum nor loopCondition
    "call_activity_end_event.bpmn": "refused",     # print; and its called process is in another file
    "conditional_event.bpmn": "error",             # a data object no task has written
    "correlation.bpmn": "error",                   # a correlation expression naming what the message lacks
    "data_object.bpmn": "completed",
    "event-gateway.bpmn": "completed",
    "event-subprocess.bpmn": "completed",
    "exclusive_gateway_no_default.bpmn": "completed",
    "exclusive_gateway_pmi.bpmn": "completed",     # Camunda multi-instance
    "external_message.bpmn": "completed",
    "gateway_loop_input.bpmn": "completed",        # a parallel join in a loop
    "inclusive_gateway.bpmn": "completed",
    "lanes.bpmn": "completed",                     # lanes A, B, C: roles no one holds, handed on by a coordinator
    "message_test.bpmn": "error",                  # a condition on a message field the driver did not send
    "multiple-start.bpmn": "completed",
    "no-tasks.bpmn": "completed",
    "parallel_multiinstance_loop_input.bpmn": "error", # an output item no task has written
    "ScriptTest.bpmn": "completed",
    "standard_loop.bpmn": "completed",
    "timer-cycle.bpmn": "refused",                 # print and a custom function the sandbox lacks
    "timer.bpmn": "completed",
    "transaction.bpmn": "refused",                 # print
}

# The data a diagram's course starts with, where SpiffWorkflow's own test gives its tasks that data: a
# task with no form takes only {} in Samspil (forms are closed), so the data comes in at the start.
START_DATA: dict[str, dict[str, Any]] = {
    "inclusive_gateway.bpmn": {"u": 1, "v": 0, "w": 1},
    "standard_loop.bpmn": {"done": False},
    "exclusive_gateway_no_default.bpmn": {"x": 2},
    "parallel_multiinstance_loop_input.bpmn": {"input_data": [1, 2, 3]},
    "data_object.bpmn": {"obj_1": "hello"},
    "lanes.bpmn": {"NeedClarification": "Yes"},
    "exclusive_gateway_pmi.bpmn": {"morestuff": "Yes"},
}


def names(tree: Any, path: str) -> list[str]:
    return [str(value) for value in tree.xpath(path, namespaces=NS)]


def outcome(api: Any, name: str) -> tuple[str, Any]:
    """Deploy and drive one diagram; what became of it, and the detail (reason, error, or waiting tasks)."""
    source = (DATA / name).read_bytes()
    tree = etree.fromstring(source)
    deployed = upload(api, {name: source})
    assert deployed.status_code != 500, deployed.get_json()
    if deployed.status_code != 201:
        body = deployed.get_json()
        assert deployed.status_code in (400, 413, 422), body
        reasons = [e["message"] for e in body.get("errors") or []] or [body["error"]]
        assert all(isinstance(r, str) and r for r in reasons), body
        return "refused", reasons
    started = api.as_("sara").post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    response = api.as_("sara").post("/instances", json={"process_key": deployed.get_json()["key"],
                                                        "youth_id": started["id"], "data": START_DATA.get(name, {})})
    assert response.status_code == 201, response.get_json()
    instance_id = response.get_json()["id"]
    timers = names(tree, "//bpmn:*[bpmn:timerEventDefinition]/@id")
    messages = names(tree, "//bpmn:message/@name")
    signals = names(tree, "//bpmn:signal/@name")
    for _ in range(MAX_STEPS):
        current = view(api, instance_id)
        if current["status"] != "running":
            break
        if not _step(api, instance_id, timers, messages, signals):
            break
    else:
        pytest.fail(f"{name}: still moving after {MAX_STEPS} steps")
    current = view(api, instance_id)
    if current["status"] == "error":
        assert current["error"]["message"], current
        return "error", current["error"]
    if current["status"] == "completed":
        return "completed", None
    return "waits", [t["element_id"] for t in ready(api, instance_id)]


def _step(api: Any, instance_id: int, timers: list[str], messages: list[str],
          signals: list[str]) -> bool:
    """One move: a ready task, else a timer, a message or a signal; False when nothing moved the course."""
    tasks = ready(api, instance_id)
    if tasks:
        task = tasks[0]
        response = api.as_("sara").post(f"/tasks/{task['id']}/complete", json={"data": {}})
        if response.status_code == 403:   # a lane named after a role no one holds (A, B): a coordinator hands it on
            given = api.as_("kim").post(f"/tasks/{task['id']}/assign", json={"user": "sara"})
            assert given.status_code == 200, (response.get_json(), given.get_json())
            response = api.as_("sara").post(f"/tasks/{task['id']}/complete", json={"data": {}})
        assert response.status_code in (200, 422), response.get_json()
        return response.status_code == 200
    attempts = [(f"/instances/{instance_id}/timers/fire", {"element_id": t}) for t in timers]
    attempts += [("/messages", {"name": m, "instance_id": instance_id, "data": {}}) for m in messages]
    attempts += [("/signals", {"name": s}) for s in signals]
    for path, body in attempts:
        response = api.as_("admin").post(path, json=body)
        assert response.status_code != 500, (path, body, response.get_json())
        if response.status_code == 200 and (path != "/signals" or response.get_json().get("instances")):
            return True
    return False


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.bpmn")))
def test_a_spiffworkflow_diagram_deploys_and_runs_or_is_refused_with_a_reason(api, name: str) -> None:
    result, detail = outcome(api, name)
    assert result == EXPECTED.get(name), (result, detail)


def test_every_diagram_has_an_expected_outcome() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in DATA.glob("*.bpmn"))
