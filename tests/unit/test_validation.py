"""Every validation rule, on the smallest diagram that breaks it (and one that does not)."""
from __future__ import annotations

import json

import pytest

from engine.definitions.library import parse_files
from engine.definitions.process_files import files_from_paths
from tests.small_diagrams import DEFAULT_BPMN, diagram, flow, lane, linear, timer_event

ROLES = {"sagsbehandler", "ungeguide"}


def problems(xml: str, held_roles: set[str] | None = ROLES, **files: str) -> tuple[dict, dict]:
    result = parse_files({"d.bpmn": xml, **files}, held_roles)
    return ({p.element_id: p.message for p in result.errors}, {p.element_id: p.message for p in result.warnings})


def test_a_clean_diagram_has_no_problems_and_parses() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1"/>', lanes=lane("L1", "sagsbehandler", "start", "t1", "end")))
    result = parse_files({"d.bpmn": xml}, ROLES)
    assert result.problems == [] and list(result.processes) == ["proc"]


def test_the_default_model_has_no_errors_or_warnings() -> None:
    result = parse_files(files_from_paths([DEFAULT_BPMN.parent]),
                         {"sagsbehandler", "ungekoordinator", "ungeguide", "koordinerende_sagsbehandler"})
    assert result.problems == [] and list(result.processes) == ["samarbejdsmodel"]


def test_a_process_not_marked_executable_is_an_error_on_the_process() -> None:
    errors, _ = problems(diagram(linear(), executable=False))
    assert "eksekverbar" in errors["proc"]


def test_a_lane_whose_role_no_user_holds_is_a_warning_on_the_lane() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1"/>', lanes=lane("L1", "Ungekoordinator", "start", "t1", "end")))
    errors, warnings = problems(xml)
    assert errors == {} and "ungekoordinator" in warnings["L1"]
    assert "L1" not in problems(xml, ROLES | {"ungekoordinator"})[1]


def test_a_lane_matches_a_role_by_its_id_too() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1"/>', lanes=lane("ungeguide", "Guiden", "start", "t1", "end")))
    assert "ungeguide" not in problems(xml)[1]


def test_without_held_roles_lanes_are_not_checked() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1"/>', lanes=lane("L1", "nogen", "start", "t1", "end")))
    assert problems(xml, None) == ({}, {})


def test_a_form_key_without_its_schema_is_reported_on_the_task() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1" camunda:formKey="plan"/>',
                         lanes=lane("L1", "sagsbehandler", "start", "t1", "end")))
    _, warnings = problems(xml)
    assert "plan.json mangler" in warnings["t1"]
    assert problems(xml, **{"plan.json": json.dumps({"type": "object"})}) == ({}, {})


def test_an_invalid_form_schema_is_an_error_on_the_task() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1" camunda:formKey="plan"/>',
                         lanes=lane("L1", "sagsbehandler", "start", "t1", "end")))
    errors, _ = problems(xml, **{"plan.json": json.dumps({"type": "tekst"})})
    assert "ugyldigt" in errors["t1"]


def test_a_form_field_asking_for_a_user_of_an_unknown_role_is_an_error_on_the_task() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1" camunda:formKey="plan"/>',
                         lanes=lane("L1", "sagsbehandler", "start", "t1", "end")))
    form = {"type": "object", "properties": {"guide": {"type": "string", "x-user-role": "ungguide"}}}
    errors, _ = problems(xml, **{"plan.json": json.dumps(form)})
    assert "«guide»" in errors["t1"] and "«ungguide»" in errors["t1"]
    form["properties"]["guide"]["x-user-role"] = "ungeguide"
    assert problems(xml, **{"plan.json": json.dumps(form)}) == ({}, {})


def test_a_condition_that_does_not_compile_is_an_error_on_the_flow() -> None:
    body = ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="g" default="f2"/>'
            '<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>'
            + flow("f0", "start", "g") + flow("f1", "g", "e1", "alder >= ") + flow("f2", "g", "e2"))
    errors, _ = problems(diagram(body))
    assert "Betingelsen kan ikke oversættes" in errors["f1"]


def test_a_script_that_does_not_compile_or_imports_is_an_error_on_the_task() -> None:
    errors, _ = problems(diagram(linear('<bpmn:scriptTask id="s1"><bpmn:script>import os</bpmn:script>'
                                        '</bpmn:scriptTask>')))
    assert "Scriptet kan ikke oversættes" in errors["s1"]
    errors, _ = problems(diagram(linear('<bpmn:scriptTask id="s1"><bpmn:script>x = (</bpmn:script>'
                                        '</bpmn:scriptTask>')))
    assert "Scriptet kan ikke oversættes" in errors["s1"]


def test_a_gateway_with_an_unconditioned_flow_and_no_default_is_an_error() -> None:
    body = ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="g"/><bpmn:endEvent id="e1"/>'
            '<bpmn:endEvent id="e2"/>' + flow("f0", "start", "g") + flow("f1", "g", "e1", "x == 1") + flow("f2", "g", "e2"))
    errors, _ = problems(diagram(body))
    assert "uden betingelse (f2)" in errors["g"] and "intet standardflow" in errors["g"]


def test_a_gateway_with_conditions_on_every_flow_but_no_default_is_a_warning() -> None:
    body = ('<bpmn:startEvent id="start"/><bpmn:inclusiveGateway id="g"/><bpmn:endEvent id="e1"/>'
            '<bpmn:endEvent id="e2"/>' + flow("f0", "start", "g") + flow("f1", "g", "e1", "x == 1")
            + flow("f2", "g", "e2", "x == 2"))
    errors, warnings = problems(diagram(body))
    assert errors == {} and "standardflow" in warnings["g"]


@pytest.mark.parametrize("tag, value", [("timeDuration", "P3X"), ("timeDuration", "2026-01-01"),
                                        ("timeDate", "2026-13-45"), ("timeCycle", "P1D"), ("timeCycle", "R3/PX")])
def test_a_timer_literal_that_does_not_parse_is_an_error_on_the_event(tag: str, value: str) -> None:
    errors, _ = problems(diagram(linear(timer_event("vent", tag, value))))
    assert "ISO 8601" in errors["vent"]


@pytest.mark.parametrize("tag, value", [("timeDuration", "P3M"), ("timeDuration", "PT36H"), ("timeDate", "birthdate_25"),
                                        ("timeDate", "2026-05-01T08:00:00Z"), ("timeCycle", "R/P1M"),
                                        ("timeDuration", "'P%dD' % frist")])
def test_a_valid_timer_literal_or_expression_passes(tag: str, value: str) -> None:
    assert problems(diagram(linear(timer_event("vent", tag, value)))) == ({}, {})


def test_a_timer_expression_that_does_not_compile_is_an_error() -> None:
    errors, _ = problems(diagram(linear(timer_event("vent", "timeDuration", "3 måneder"))))
    assert "Timerudtrykket kan ikke oversættes" in errors["vent"]


def test_an_empty_timer_is_an_error() -> None:
    errors, _ = problems(diagram(linear(timer_event("vent", "timeDuration", ""))))
    assert errors["vent"] == "Timeren mangler et udtryk"


def test_an_element_no_flow_reaches_is_a_warning() -> None:
    body = linear('<bpmn:task id="t1"/>') + '<bpmn:task id="ø"/>' + flow("fø", "ø", "end")
    xml = diagram(body.replace('<bpmn:startEvent id="start"/>', '<bpmn:startEvent id="start"/>'))
    _, warnings = problems(xml)
    # "ø" has no incoming flow, so BPMN starts it with the process: reachable. A loop with no way in is not.
    assert "ø" not in warnings
    loop = linear('<bpmn:task id="t1"/>') + '<bpmn:task id="a"/><bpmn:task id="b"/>' + flow("fa", "a", "b") + flow("fb", "b", "a")
    _, warnings = problems(diagram(loop))
    assert "kan ikke nås" in warnings["a"] and "kan ikke nås" in warnings["b"] and "t1" not in warnings


def test_boundary_events_and_subprocess_starts_are_reachable() -> None:
    sub = ('<bpmn:subProcess id="sub"><bpmn:startEvent id="s_start"/><bpmn:userTask id="s_task"/>'
           '<bpmn:endEvent id="s_end"/>' + flow("s1", "s_start", "s_task") + flow("s2", "s_task", "s_end")
           + "</bpmn:subProcess>")
    body = (linear(sub, lanes=lane("L1", "sagsbehandler", "start", "sub", "end", "b_task"))
            + '<bpmn:boundaryEvent id="b" attachedToRef="sub"><bpmn:timerEventDefinition id="bt">'
              '<bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            + '<bpmn:userTask id="b_task"/>' + flow("fb", "b", "b_task") + flow("fb2", "b_task", "end"))
    assert problems(diagram(body)) == ({}, {})


def test_a_user_task_outside_every_lane_is_a_warning() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1"/>', '<bpmn:userTask id="t2"/>',
                         lanes=lane("L1", "sagsbehandler", "start", "t1", "end")))
    _, warnings = problems(xml)
    assert "ikke i nogen bane" in warnings["t2"] and "t1" not in warnings


def test_a_user_task_with_candidate_groups_needs_no_lane() -> None:
    xml = diagram(linear('<bpmn:userTask id="t1" camunda:candidateGroups="ungeguide"/>'))
    assert problems(xml) == ({}, {})


def test_duplicate_ids_are_an_error_naming_the_id() -> None:
    xml = diagram(linear('<bpmn:task id="t1"/>', '<bpmn:task id="t1x"/>').replace('id="t1x"', 'id="t1"'))
    errors, _ = problems(xml)
    assert "bruges af" in errors["t1"]


def test_a_diagram_without_di_deploys_with_a_warning() -> None:
    result = parse_files({"d.bpmn": diagram(linear('<bpmn:task id="t1"/>'), drawn=False)})
    assert result.errors == [] and "proc" in result.processes
    assert ["ingen tegning" in p.message for p in result.warnings] == [True]


def test_an_element_missing_from_the_drawing_is_a_warning_on_it() -> None:
    xml = diagram(linear('<bpmn:task id="t1"/>')).replace('<bpmndi:BPMNShape id="t1_di" bpmnElement="t1">',
                                                         '<bpmndi:BPMNShape id="t1_di" bpmnElement="zz">')
    _, warnings = problems(xml)
    assert "ikke placeret i tegningen" in warnings["t1"]
