"""Each BPMN element kind the engine claims, deployed and driven to its end through the REST API (issue 18).

The same kinds, and only these, are marked supported in README's "BPMN support" table.
"""
from __future__ import annotations

import pytest

from tests.conformance.drive import deploy, ready, start, view
from tests.conformance.elements import Case, cases

CASES = cases()


def step(api, instance_id: int, action: tuple) -> None:
    kind = action[0]
    if kind == "complete":
        _, element_id, data = action
        open_tasks = [t for t in ready(api, instance_id) if t["element_id"] == element_id]
        assert open_tasks, f"no ready task {element_id}: {[t['element_id'] for t in ready(api, instance_id)]}"
        response = api.as_("sara").post(f"/tasks/{open_tasks[0]['id']}/complete", json={"data": data})
    elif kind == "timer":
        response = api.as_("admin").post(f"/instances/{instance_id}/timers/fire", json={"element_id": action[1]})
    elif kind == "message":
        response = api.as_("sara").post("/messages", json={"name": action[1], "instance_id": instance_id,
                                                            "data": action[2]})
    else:
        response = api.as_("sara").post("/signals", json={"name": action[1]})
    assert response.status_code == 200, (action, response.get_json())
    assert view(api, instance_id)["status"] != "error", view(api, instance_id).get("error")


@pytest.mark.parametrize("case", CASES, ids=[case.kind for case in CASES])
def test_the_element_kind_runs_to_its_end_through_the_api(api, case: Case) -> None:
    deploy(api, {"c.bpmn": case.bpmn, **case.files})
    instance = start(api, "c", case.start_data)
    for action in case.steps:
        step(api, instance["id"], action)
    finished = view(api, instance["id"])
    assert finished["status"] == "completed", (finished["status"], finished.get("error"),
                                               [t["element_id"] for t in ready(api, instance["id"])])
    assert {name: finished["data"].get(name) for name in case.end_data} == case.end_data
    history = {event["element_id"] for event in finished["history"]}
    assert set(case.ran) <= history, sorted(set(case.ran) - history)
