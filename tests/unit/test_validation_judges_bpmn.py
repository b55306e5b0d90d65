"""Validation judges what is BPMN and catches at deploy what would stop a course later (issue 18)."""
from __future__ import annotations

import pytest

from engine.definitions.library import parse_files
from tests.diagrams import flow, process

LANE = "sagsbehandler"


def script_process(script: str) -> str:
    return process("p", (
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:scriptTask id="s" name="S" scriptFormat="python"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:endEvent id="slut"/>' + flow("f1", "start", "s") + flow("f2", "s", "slut")), {LANE: ["start", "s", "slut"]})


def errors_of(xml: str) -> dict[str | None, str]:
    return {p.element_id: str(p.message) for p in parse_files({"d.bpmn": xml}).errors}


def test_form_field_and_value_ids_shared_by_several_tasks_are_not_duplicate_element_ids() -> None:
    fields = ('<bpmn:extensionElements><camunda:formData><camunda:formField id="description" type="enum">'
              '<camunda:value id="ja" name="Ja"/></camunda:formField></camunda:formData></bpmn:extensionElements>')
    xml = process("p", (
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:userTask id="a" name="A">{fields}</bpmn:userTask><bpmn:userTask id="b" name="B">{fields}</bpmn:userTask>'
        '<bpmn:endEvent id="slut"/>' + flow("f1", "start", "a") + flow("f2", "a", "b") + flow("f3", "b", "slut")),
        {LANE: ["start", "a", "b", "slut"]})
    assert errors_of(xml) == {}


def test_two_bpmn_elements_with_one_id_are_still_an_error() -> None:
    xml = process("p", '<bpmn:startEvent id="start"/><bpmn:userTask id="start" name="A"/>' + flow("f1", "start", "start"))
    assert "start" in errors_of(xml)["start"]


def test_print_is_refused_at_deploy_with_where_the_value_should_go() -> None:
    errors = errors_of(script_process("print(navn)"))
    assert set(errors) == {"s"}
    assert "print" in errors["s"] and "variabel" in errors["s"]


@pytest.mark.parametrize("code", ["x = open('f')", "x = vars()", "x = getattr(y, 'z')", "x = input()"])
def test_a_builtin_the_sandbox_does_not_give_is_refused_at_deploy(code: str) -> None:
    errors = errors_of(script_process(code))
    name = code.split("= ")[1].split("(")[0]
    assert name in errors["s"] and "findes ikke" in errors["s"]


@pytest.mark.parametrize("code", ["x = len([1, 2])", "id = 3\ny = id + 1", "def f(input):\n    return input\nz = f(2)",
                                  "x = sorted(afdelinger)", "x = add_years(foedselsdato, 18)"])
def test_builtins_the_sandbox_gives_and_names_the_code_binds_itself_pass(code: str) -> None:
    assert errors_of(script_process(code)) == {}


def test_an_unavailable_name_in_a_condition_is_refused_on_the_flow() -> None:
    xml = process("p", (
        '<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="g" default="nej"/>'
        '<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>' + flow("f1", "start", "g")
        + flow("ja", "g", "e1", "vars() != {}") + flow("nej", "g", "e2")), {LANE: ["start", "g", "e1", "e2"]})
    assert "vars" in errors_of(xml)["ja"]


def test_a_multi_instance_completion_condition_is_checked_like_any_condition() -> None:
    xml = process("p", (
        '<bpmn:startEvent id="start"/><bpmn:userTask id="t" name="T"><bpmn:multiInstanceLoopCharacteristics>'
        '<bpmn:loopCardinality>2</bpmn:loopCardinality><bpmn:completionCondition>print(1)</bpmn:completionCondition>'
        '</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask><bpmn:endEvent id="slut"/>'
        + flow("f1", "start", "t") + flow("f2", "t", "slut")), {LANE: ["start", "t", "slut"]})
    assert "print" in errors_of(xml)["t"]


def service_process(extension: str) -> str:
    return process("p", (
        f'<bpmn:startEvent id="start"/><bpmn:serviceTask id="send" name="Send">{extension}</bpmn:serviceTask>'
        '<bpmn:endEvent id="slut"/>' + flow("f1", "start", "send") + flow("f2", "send", "slut")),
        {LANE: ["start", "send", "slut"]})


def connector(connector_id: str, **parameters: str) -> str:
    inputs = "".join(f'<camunda:inputParameter name="{k}">{v}</camunda:inputParameter>' for k, v in parameters.items())
    return (f"<bpmn:extensionElements><camunda:connector><camunda:connectorId>{connector_id}</camunda:connectorId>"
            f"<camunda:inputOutput>{inputs}</camunda:inputOutput></camunda:connector></bpmn:extensionElements>")


def test_a_service_task_without_a_connector_is_refused_at_deploy_naming_the_ones_there_are() -> None:
    message = errors_of(service_process(""))["send"]
    assert "forbindelse" in message and "http" in message


def test_a_connector_samspil_does_not_have_is_refused_at_deploy() -> None:
    assert "mail-send" in errors_of(service_process(connector("mail-send")))["send"]


def test_an_http_endpoint_no_administrator_configured_is_refused_at_deploy(monkeypatch) -> None:
    monkeypatch.setenv("SAMSPIL_HTTP_ENDPOINTS", '{"skolesystem": "http://127.0.0.1:9/"}')
    assert "https://evil" in errors_of(service_process(connector("http", endpoint="https://evil")))["send"]
    assert errors_of(service_process(connector("http", endpoint="skolesystem"))) == {}
