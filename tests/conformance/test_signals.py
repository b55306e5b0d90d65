"""Signal catch events (intermediate, boundary interrupting and not) and POST /signals (issue 18)."""
from __future__ import annotations

from tests.conformance.drive import LANE, deploy, drive, form, ready, start, view
from tests.diagrams import definitions, flow

SIGNAL = '<bpmn:signal id="sig_skoleaar" name="skoleaar"/>'


def signal_process(key: str, body: str, nodes: list[str]) -> str:
    lanes = (f'<bpmn:laneSet id="ls"><bpmn:lane id="l" name="{LANE}">'
             + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes) + "</bpmn:lane></bpmn:laneSet>")
    return definitions(SIGNAL + f'<bpmn:process id="{key}" isExecutable="true">' + lanes + body + "</bpmn:process>")


INTERMEDIATE = signal_process("signal_vent", (
    '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="vent" name="Skoleår">'
    '<bpmn:signalEventDefinition id="sd" signalRef="sig_skoleaar"/></bpmn:intermediateCatchEvent>'
    '<bpmn:userTask id="efter" name="Efter"/><bpmn:endEvent id="slut"/>'
    + flow("f1", "start", "vent") + flow("f2", "vent", "efter") + flow("f3", "efter", "slut")),
    ["start", "vent", "efter", "slut"])


def boundary(interrupting: bool) -> str:
    return signal_process("signal_kant", (
        '<bpmn:startEvent id="start"/><bpmn:userTask id="arbejde" name="Arbejde"/>'
        f'<bpmn:boundaryEvent id="kant" attachedToRef="arbejde" cancelActivity="{str(interrupting).lower()}">'
        '<bpmn:signalEventDefinition id="sd" signalRef="sig_skoleaar"/></bpmn:boundaryEvent>'
        '<bpmn:userTask id="opfoelgning" name="Opfølgning"/><bpmn:endEvent id="slut"/><bpmn:endEvent id="slut2"/>'
        + flow("f1", "start", "arbejde") + flow("f2", "arbejde", "slut") + flow("f3", "kant", "opfoelgning")
        + flow("f4", "opfoelgning", "slut2")), ["start", "arbejde", "kant", "opfoelgning", "slut", "slut2"])


def test_a_signal_moves_every_waiting_course_the_sender_sees_with_the_data_the_event_declares(api):
    deploy(api, {"s.bpmn": INTERMEDIATE, "vent.json": form("aar")})
    first, second = start(api, "signal_vent"), start(api, "signal_vent")
    response = api.as_("sara").post("/signals", json={"name": "skoleaar", "data": {"aar": "2026"}})
    assert response.status_code == 200, response.get_json()
    reached = {row["instance_id"]: row["status"] for row in response.get_json()["instances"]}
    assert reached == {first["id"]: "running", second["id"]: "running"}
    assert [t["element_id"] for t in ready(api, first["id"])] == ["efter"]
    assert view(api, first["id"])["data"]["aar"] == "2026"
    assert drive(api, first["id"]) == ["efter"] and view(api, first["id"])["status"] == "completed"


def test_data_a_catching_event_does_not_declare_refuses_the_whole_signal(api):
    deploy(api, {"s.bpmn": INTERMEDIATE})
    instance = start(api, "signal_vent")
    response = api.as_("sara").post("/signals", json={"name": "skoleaar", "data": {"cpr": "x"}})
    assert response.status_code == 422
    assert ready(api, instance["id"]) == []
    # nothing moved: the course still waits, and a signal without data then reaches it
    assert api.as_("sara").post("/signals", json={"name": "skoleaar"}).get_json()["instances"] == [
        {"instance_id": instance["id"], "status": "running"}]


def test_a_sender_reaches_only_courses_they_may_see(api):
    deploy(api, {"s.bpmn": INTERMEDIATE})
    instance = start(api, "signal_vent")   # sara registered the young person: gustav (a guide) is not involved
    response = api.as_("gustav").post("/signals", json={"name": "skoleaar"})
    assert response.status_code == 200 and response.get_json()["instances"] == []
    assert ready(api, instance["id"]) == []
    assert api.as_("per").post("/signals", json={"name": "skoleaar"}).status_code == 403   # no send_messages
    # kim, a coordinator, sees every young person: the signal reaches the course.
    reached = api.as_("kim").post("/signals", json={"name": "skoleaar"}).get_json()["instances"]
    assert [row["instance_id"] for row in reached] == [instance["id"]]
    assert [t["element_id"] for t in ready(api, instance["id"])] == ["efter"]


def test_a_signal_nobody_waits_for_reaches_no_one_and_a_bad_body_is_422(api):
    assert api.as_("sara").post("/signals", json={"name": "intet"}).get_json() == {"name": "intet", "instances": []}
    bad = api.as_("sara").post("/signals", json={"data": []})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"name", "data"}


def test_an_interrupting_signal_boundary_event_cancels_the_task_and_takes_its_path(api):
    deploy(api, {"s.bpmn": boundary(True)})
    instance = start(api, "signal_kant")
    api.as_("sara").post("/signals", json={"name": "skoleaar"})
    assert [t["element_id"] for t in ready(api, instance["id"])] == ["opfoelgning"]
    assert drive(api, instance["id"]) == ["opfoelgning"]
    assert view(api, instance["id"])["status"] == "completed"


def test_a_non_interrupting_signal_boundary_event_adds_a_path_beside_the_task(api):
    deploy(api, {"s.bpmn": boundary(False)})
    instance = start(api, "signal_kant")
    api.as_("sara").post("/signals", json={"name": "skoleaar"})
    assert sorted(t["element_id"] for t in ready(api, instance["id"])) == ["arbejde", "opfoelgning"]
    assert sorted(drive(api, instance["id"])) == ["arbejde", "opfoelgning"]
    assert view(api, instance["id"])["status"] == "completed"
