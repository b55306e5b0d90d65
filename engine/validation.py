"""What makes a diagram deployable, checked before SpiffWorkflow parses it.

Each rule returns :class:`Problem` rows naming the element, so the API, the CLI and the modeler
can point at it. Errors stop a deployment; warnings are shown but do not.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Iterator

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.bpmn.parser import timer_expression
from engine.bpmn.scripting import ScriptRejected, compile_expression, compile_script
from engine.errors import Problem
from engine.process_files import BPMN_NS, FileBundle

NS = {"bpmn": BPMN_NS, "camunda": "http://camunda.org/schema/1.0/bpmn",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FLOW_NODES = ("task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
              "businessRuleTask", "callActivity", "subProcess", "transaction", "startEvent", "endEvent",
              "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
              "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway")

Rule = Callable[[Any, FileBundle], Iterator[Problem]]


def _xpath(tree: Any, path: str) -> list[Any]:
    return tree.xpath(path, namespaces=NS)


def executable_processes(tree: Any) -> list[Any]:
    return _xpath(tree, "/bpmn:definitions/bpmn:process[@isExecutable='true']")


def rule_executable(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    processes = _xpath(tree, "/bpmn:definitions/bpmn:process")
    if not processes:
        yield Problem(None, "Filen indeholder ingen proces")
    elif not executable_processes(tree):
        for process in processes:
            yield Problem(process.get("id"), "Processen er ikke markeret som eksekverbar (isExecutable)")


def rule_unique_ids(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    ids = Counter(el.get("id") for el in tree.getroot().iter() if isinstance(el.tag, str) and el.get("id"))
    for element_id, count in ids.items():
        if count > 1:
            yield Problem(element_id, f"Id'et {element_id} bruges af {count} elementer")


def rule_references(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    ids = {el.get("id") for el in tree.getroot().iter() if isinstance(el.tag, str) and el.get("id")}
    for flow in _xpath(tree, "//bpmn:sequenceFlow"):
        for attribute in ("sourceRef", "targetRef"):
            if flow.get(attribute) not in ids:
                yield Problem(flow.get("id"), f"Sekvensflowet peger på et element der ikke findes: {flow.get(attribute)}")
    for node in _xpath(tree, "//bpmn:*[@default]"):
        if node.get("default") not in ids:
            yield Problem(node.get("id"), f"Standardflowet {node.get('default')} findes ikke")
    for event in _xpath(tree, "//bpmn:boundaryEvent"):
        if event.get("attachedToRef") not in ids:
            yield Problem(event.get("id"), f"Randhændelsen er knyttet til et element der ikke findes: {event.get('attachedToRef')}")
    for definition in _xpath(tree, "//bpmn:messageEventDefinition[@messageRef]"):
        if definition.get("messageRef") not in ids:
            yield Problem(definition.getparent().get("id"), f"Beskeden {definition.get('messageRef')} findes ikke")
    for ref in _xpath(tree, "//bpmn:flowNodeRef"):
        if (ref.text or "").strip() not in ids:
            yield Problem(ref.getparent().get("id"), f"Banen henviser til et element der ikke findes: {ref.text}")


def rule_named_lanes(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    for lane in _xpath(tree, "//bpmn:lane"):
        if not (lane.get("name") or "").strip():
            yield Problem(lane.get("id"), "Banen har intet navn; banens navn er den rolle der skal udføre dens opgaver")


def rule_code_compiles(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    for condition in _xpath(tree, "//bpmn:sequenceFlow/bpmn:conditionExpression"):
        yield from _compiles(condition.getparent().get("id"), condition.text, compile_expression, "Betingelsen")
    for script in _xpath(tree, "//bpmn:scriptTask/bpmn:script"):
        yield from _compiles(script.getparent().get("id"), script.text, compile_script, "Scriptet")
    for tag in ("timeDate", "timeDuration", "timeCycle"):
        for timer in _xpath(tree, f"//bpmn:{tag}"):
            owner = timer.getparent().getparent()
            if not (timer.text or "").strip():
                yield Problem(owner.get("id"), "Timeren mangler et udtryk")
            else:
                yield from _compiles(owner.get("id"), timer_expression(timer.text), compile_expression, "Timerudtrykket")


def _compiles(element_id: str | None, source: str | None, compile_: Callable[[str], Any], what: str) -> Iterator[Problem]:
    if not (source or "").strip():
        if what == "Scriptet":
            yield Problem(element_id, "Scriptopgaven har intet script")
        return
    try:
        compile_(source or "")
    except ScriptRejected as rejected:
        yield Problem(element_id, f"{what} kan ikke oversættes: {rejected}")


def rule_forms(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    for task in _xpath(tree, "//bpmn:userTask"):
        key = form_key_of(task)
        schema = bundle.forms.get(key) if key else None
        if schema is None:
            if key and key != task.get("id"):
                yield Problem(task.get("id"), f"Formularen {key}.json mangler; opgaven tager imod alle data", "warning")
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            yield Problem(task.get("id"), f"Formular-skemaet {key}.json er ugyldigt: {error.message}")


def form_key_of(task: Any) -> str | None:
    key = task.get("{%s}formKey" % NS["camunda"])
    if key:
        return key
    for prop in _xpath(task, "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"):
        if prop.get("name") == "formJsonSchemaFilename" and prop.get("value"):
            value = prop.get("value")
            return value[:-5] if value.endswith(".json") else value
    return task.get("id")


RULES: list[Rule] = [rule_executable, rule_unique_ids, rule_references, rule_named_lanes, rule_code_compiles,
                     rule_forms]


def check_bundle(bundle: FileBundle) -> list[Problem]:
    """Every problem the rules find in every BPMN file of the bundle."""
    problems = list(bundle.problems)
    if not bundle.bpmn and not bundle.problems:
        problems.append(Problem(None, "Der er ingen BPMN-fil"))
    for tree in bundle.bpmn.values():
        for rule in RULES:
            problems.extend(rule(tree, bundle))
    return problems
