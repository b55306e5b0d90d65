"""The young person's lane in a diagram: what validation accepts there and what it refuses, by the element."""
from __future__ import annotations

import json

from engine.definitions.library import parse_files
from engine.people.access import is_youth_lane, lane_role
from tests.small_diagrams import diagram, lane, linear

FORM = json.dumps({"type": "object", "properties": {"svar": {"type": "string"}}})
ROLES = {"sagsbehandler"}


def problems(xml: str, **files: str) -> dict[str | None, str]:
    result = parse_files({"d.bpmn": xml, **files}, ROLES)
    return {p.element_id: str(p.message) for p in result.errors}


def youth_diagram(task: str, lane_name: str = "Den unge") -> str:
    return diagram(linear(task, lanes=lane("L_ung", lane_name, "t1") + lane("L1", "sagsbehandler", "start", "end")))


def test_a_lane_named_ung_or_den_unge_belongs_to_the_young_person_and_its_role_is_ung() -> None:
    assert is_youth_lane("ung") and is_youth_lane(" Den  unge ") and is_youth_lane("UNG")
    assert not is_youth_lane("ungeguide") and not is_youth_lane("unge")
    assert lane_role("Den unge", "Lane_x") == "ung" and lane_role("ungeguide", "Lane_ungeguide") == "ungeguide"


def test_a_user_task_with_a_form_in_the_young_persons_lane_deploys_and_is_theirs() -> None:
    result = parse_files({"d.bpmn": youth_diagram('<bpmn:userTask id="t1" camunda:formKey="svar"/>'),
                          "svar.json": FORM}, ROLES)
    assert result.errors == [] and result.warnings == []
    assert result.processes["proc"].spec.task_specs["t1"].lane == "Den unge"


def test_a_task_of_the_young_persons_lane_without_a_form_is_refused_by_the_task() -> None:
    errors = problems(youth_diagram('<bpmn:userTask id="t1"/>'))
    assert "skal have en formular" in errors["t1"]


def test_camunda_people_in_the_young_persons_lane_are_staff_only_and_refused() -> None:
    for attribute in ("candidateGroups", "candidateUsers", "assignee"):
        errors = problems(youth_diagram(f'<bpmn:userTask id="t1" camunda:formKey="svar" camunda:{attribute}="x"/>'),
                          **{"svar.json": FORM})
        assert f"camunda:{attribute}" in errors["t1"] and "den unges bane" in errors["t1"]


def test_a_form_picking_a_staff_member_is_refused_in_the_young_persons_lane() -> None:
    picker = json.dumps({"type": "object", "properties": {"guide": {"type": "string", "x-user-role": "sagsbehandler"}}})
    errors = problems(youth_diagram('<bpmn:userTask id="t1" camunda:formKey="svar"/>'), **{"svar.json": picker})
    assert "x-user-role" in errors["t1"]


def test_work_of_another_kind_in_the_young_persons_lane_is_refused() -> None:
    errors = problems(youth_diagram('<bpmn:scriptTask id="t1" scriptFormat="python"><bpmn:script>a = 1</bpmn:script>'
                                    '</bpmn:scriptTask>', lane_name="ung"))
    assert "scriptTask" in errors["t1"]


def test_a_self_assessment_scale_without_bounds_is_refused() -> None:
    unbounded = json.dumps({"type": "object", "x-progression": True, "properties": {"udsyn": {"type": "integer"}}})
    errors = problems(youth_diagram('<bpmn:userTask id="t1" camunda:formKey="svar"/>'), **{"svar.json": unbounded})
    assert "udsyn" in errors["t1"] and "minimum" in errors["t1"]
