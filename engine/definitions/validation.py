"""What makes a diagram deployable, checked before SpiffWorkflow parses it.

Each rule returns :class:`Problem` rows naming the element, so the API, the CLI and the modeler
can point at it. Errors stop a deployment; warnings are shown but do not.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.bpmn.connectors import problems as connector_problems
from engine.bpmn.parser import ISO_CYCLE, ISO_DATETIME, ISO_DURATION, connector_of, timer_expression
from engine.bpmn.restricted import unavailable_names
from engine.bpmn.scripting import ScriptRejected, compile_expression, compile_script
from engine.definitions.process_files import BPMN_NS, FileBundle
from engine.people.access import ROLES, is_youth_lane, normalize_role
from engine.platform import limits
from engine.platform.errors import Problem
from engine.platform.messages import Message
from engine.progression.assessments import scales_of
from engine.work.user_fields import user_fields

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"

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
        yield Problem(None, Message("engine.diagram.no_process"))
    elif not executable_processes(tree):
        for process in processes:
            yield Problem(process.get("id"), Message("engine.diagram.not_executable"))


def rule_unique_ids(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """Ids are unique among BPMN's own elements (model and drawing); an extension's ids are its own.

    ``camunda:formField`` and ``camunda:value`` ids, say, name a form field and an enum value, and
    the same field in ten forms is no clash.
    """
    ids = Counter(el.get("id") for el in bpmn_elements(tree) if el.get("id"))
    for element_id, count in ids.items():
        if count > 1:
            yield Problem(element_id, Message("engine.diagram.duplicate_id", element_id=element_id, count=count))


OMG_NAMESPACES = "http://www.omg.org/spec/"


def bpmn_elements(tree: Any) -> Iterator[Any]:
    """Every element of BPMN's own namespaces (model, DI, DC), outside extension elements."""
    extension = f"{{{BPMN_NS}}}extensionElements"

    def walk(element: Any) -> Iterator[Any]:
        for child in element:
            if not isinstance(child.tag, str) or not child.tag.startswith("{" + OMG_NAMESPACES):
                continue
            yield child
            if child.tag != extension:
                yield from walk(child)

    root = tree.getroot()
    yield root
    yield from walk(root)


def rule_references(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    ids = {el.get("id") for el in tree.getroot().iter() if isinstance(el.tag, str) and el.get("id")}
    for flow in _xpath(tree, "//bpmn:sequenceFlow"):
        for attribute in ("sourceRef", "targetRef"):
            if flow.get(attribute) not in ids:
                yield Problem(flow.get("id"),
                              Message("engine.diagram.flow_target_missing", element_id=flow.get(attribute)))
    for node in _xpath(tree, "//bpmn:*[@default]"):
        if node.get("default") not in ids:
            yield Problem(node.get("id"), Message("engine.diagram.default_flow_missing", flow_id=node.get("default")))
    for event in _xpath(tree, "//bpmn:boundaryEvent"):
        if event.get("attachedToRef") not in ids:
            yield Problem(event.get("id"),
                          Message("engine.diagram.boundary_target_missing", element_id=event.get("attachedToRef")))
    for definition in _xpath(tree, "//bpmn:messageEventDefinition[@messageRef]"):
        if definition.get("messageRef") not in ids:
            yield Problem(definition.getparent().get("id"),
                          Message("engine.diagram.message_missing", message_id=definition.get("messageRef")))
    for ref in _xpath(tree, "//bpmn:flowNodeRef"):
        if (ref.text or "").strip() not in ids:
            yield Problem(ref.getparent().get("id"),
                          Message("engine.diagram.lane_element_missing", element_id=ref.text))


def rule_named_lanes(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    for lane in _xpath(tree, "//bpmn:lane"):
        if not (lane.get("name") or "").strip():
            yield Problem(lane.get("id"), Message("engine.diagram.lane_unnamed"))


def rule_code_compiles(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    for condition in _xpath(tree, "//bpmn:sequenceFlow/bpmn:conditionExpression"):
        yield from _compiles(condition.getparent().get("id"), condition.text, compile_expression, "condition")
    for script in _xpath(tree, "//bpmn:scriptTask/bpmn:script"):
        yield from _compiles(script.getparent().get("id"), script.text, compile_script, "script")
    for loop in _xpath(tree, "//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition"
                             " | //bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality"):
        yield from _compiles(loop.getparent().getparent().get("id"), loop.text, compile_expression, "condition")


def _compiles(element_id: str | None, source: str | None, compile_: Callable[[str], Any], what: str) -> Iterator[Problem]:
    """``what`` is ``condition``, ``script`` or ``timer``: the code's kind names its message."""
    if not (source or "").strip():
        if what == "script":
            yield Problem(element_id, Message("engine.diagram.script_missing"))
        return
    try:
        compile_(source or "")
    except ScriptRejected as rejected:
        yield Problem(element_id, Message(f"engine.diagram.{what}_rejected", reason=rejected.reason))
        return
    for name in unavailable_names(source or "", "exec" if what == "script" else "eval"):
        # print has nowhere to go: a script's output is the data it leaves (chosen over a log, issue 18).
        reason = Message("engine.script.no_print") if name == "print" else Message("engine.script.name_unavailable",
                                                                                 name=name)
        yield Problem(element_id, Message(f"engine.diagram.{what}_rejected", reason=reason))


def rule_forms(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    # A person picker may ask for a default role or a role a lane of this diagram names (Ballerup's
    # Tovholder); anything else is most likely a typo.
    roles = set(ROLES) | {normalize_role(lane.get("name")) for lane in _xpath(tree, "//bpmn:lane")}
    for task in _xpath(tree, "//bpmn:userTask"):
        key = form_key_of(task)
        schema = bundle.forms.get(key) if key else None
        if schema is None:
            if key and key != task.get("id"):
                yield Problem(task.get("id"), Message("engine.diagram.form_missing", form=key), "warning")
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            yield Problem(task.get("id"), Message("engine.diagram.form_invalid", form=key, reason=error.message))
            continue
        for field, role in user_fields(schema).items():
            if role not in roles:
                yield Problem(task.get("id"), Message("engine.diagram.form_user_role_unknown", form=key, field=field,
                                                      role=role, roles=", ".join(ROLES)))


def form_key_of(task: Any) -> str | None:
    key = task.get(f"{{{NS['camunda']}}}formKey")
    if key:
        return key
    for prop in _xpath(task, "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"):
        if prop.get("name") == "formJsonSchemaFilename" and prop.get("value"):
            value = prop.get("value")
            return value[:-5] if value.endswith(".json") else value
    return task.get("id")


MESSAGE_CATCHERS = ("startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask")


def message_catch_forms(process: Any) -> dict[str, str]:
    """Catching message (or signal) event id -> the key of the form declaring its message's data.

    The same convention as a user task's form: ``camunda:formKey``, spiff-arena's
    ``formJsonSchemaFilename``, else the event's id. A message whose form does not exist carries
    nothing (``{}``); see :func:`engine.courses.events.correlate_message`.
    """
    found = {}
    for tag in MESSAGE_CATCHERS:
        condition = "" if tag == "receiveTask" else "[bpmn:messageEventDefinition or bpmn:signalEventDefinition]"
        for event in _xpath(process, f".//bpmn:{tag}{condition}"):
            key = form_key_of(event)
            if key:
                found[event.get("id")] = key
    return found


# Something that was meant as an ISO 8601 literal (P3M, R/P1D, 2026-05-01) but is not one; as a Python
# expression it would read an undefined variable and stop the course only when the timer starts.
LOOKS_ISO = re.compile(r"^(P[\dT]|R\d*/|\d{4}-)", re.IGNORECASE)
TIMER_PARSERS: dict[str, Callable[[str], Any]] = {
    "timeDate": TimerEventDefinition.parse_time_or_duration,
    "timeDuration": TimerEventDefinition.parse_iso_duration,
    "timeCycle": TimerEventDefinition.parse_iso_recurring_interval,
}
TIMER_WORDS = {"timeDate": "engine.diagram.timer_date", "timeDuration": "engine.diagram.timer_duration",
               "timeCycle": "engine.diagram.timer_cycle"}


def rule_timers(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """Each timer: an ISO 8601 literal of the right kind that parses, or an expression that compiles."""
    for tag, parse in TIMER_PARSERS.items():
        for timer in _xpath(tree, f"//bpmn:{tag}"):
            owner = timer.getparent().getparent()
            element = owner.get("id") if owner is not None else None
            text = (timer.text or "").strip()
            if not text:
                yield Problem(element, Message("engine.diagram.timer_empty"))
                continue
            literal = ISO_DURATION.match(text) or ISO_DATETIME.match(text) or ISO_CYCLE.match(text)
            if literal or LOOKS_ISO.match(text):
                try:
                    parse(text)
                except Exception:  # SpiffWorkflow raises ValueError or a bare Exception for bad literals
                    yield Problem(element, Message("engine.diagram.timer_bad_literal", value=text,
                                                   expected=Message(TIMER_WORDS[tag])))
                continue
            yield from _compiles(element, timer_expression(text), compile_expression, "timer")


def rule_gateways(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """A choosing gateway needs a condition on every flow but the default, and ideally a default."""
    flows_from: dict[str | None, list[Any]] = {}
    for flow in _xpath(tree, "//bpmn:sequenceFlow"):   # once, not once per gateway
        flows_from.setdefault(flow.get("sourceRef"), []).append(flow)
    for gateway in _xpath(tree, "//bpmn:exclusiveGateway | //bpmn:inclusiveGateway"):
        gateway_id = gateway.get("id")
        outgoing = flows_from.get(gateway_id, [])
        if len(outgoing) < 2:
            continue
        default = gateway.get("default")
        unconditioned = [f for f in outgoing if f.get("id") != default and not _has_condition(f)]
        if unconditioned:
            names = ", ".join(f.get("name") or f.get("id") for f in unconditioned)
            key = ("engine.diagram.gateway_unconditioned" if default
                   else "engine.diagram.gateway_unconditioned_no_default")
            yield Problem(gateway_id, Message(key, flows=names))
        elif not default:
            yield Problem(gateway_id, Message("engine.diagram.gateway_no_default"), "warning")


def _has_condition(flow: Any) -> bool:
    return any((c.text or "").strip() for c in _xpath(flow, "./bpmn:conditionExpression"))


CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")


def rule_reachable(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """Every flow node can be reached from a start, a boundary event or a link; else it never runs."""
    for process in _xpath(tree, "/bpmn:definitions/bpmn:process"):
        yield from _unreachable_in(tree, process)


def _unreachable_in(tree: Any, container: Any) -> Iterator[Problem]:
    nodes = {n.get("id"): n for n in container if isinstance(n.tag, str)
             and n.tag.startswith(f"{{{BPMN_NS}}}") and n.tag.split("}")[1] in FLOW_NODES}
    if not nodes:
        return
    successors: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    has_incoming: set[str] = set()
    for flow in container.iterchildren(f"{{{BPMN_NS}}}sequenceFlow"):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in successors and target in nodes:
            successors[source].add(target)
            has_incoming.add(target)
    links: dict[str, set[str]] = {}
    for node_id, node in nodes.items():
        for link in _xpath(node, "./bpmn:linkEventDefinition"):
            links.setdefault(link.get("name") or "", set()).add(node_id)
    for node_id, node in nodes.items():
        local = node.tag.split("}")[1]
        if local == "intermediateThrowEvent":
            for link in _xpath(node, "./bpmn:linkEventDefinition"):
                successors[node_id].update(n for n in links.get(link.get("name") or "", set())
                                           if nodes[n].tag.endswith("intermediateCatchEvent"))
    for node_id, node in nodes.items():
        if node.tag.endswith("}boundaryEvent") and node.get("attachedToRef") in successors:
            successors[node.get("attachedToRef")].add(node_id)
    starts = [node_id for node_id, node in nodes.items()
              if node.tag.endswith("}startEvent")
              or node.get("triggeredByEvent") == "true" or node.get("isForCompensation") == "true"
              # An element without incoming flow is instantiated when its scope starts (BPMN 2.0, 10.5.2).
              or (node_id not in has_incoming and not node.tag.endswith("}boundaryEvent")
                  and not _xpath(node, "./bpmn:linkEventDefinition"))]
    reached: set[str] = set()
    stack = list(starts)
    while stack:
        node_id = stack.pop()
        if node_id in reached:
            continue
        reached.add(node_id)
        stack.extend(successors[node_id] - reached)
    for node_id, node in nodes.items():
        if node_id not in reached:
            yield Problem(node_id, Message("engine.diagram.unreachable"), "warning")
        elif node.tag.split("}")[1] in CONTAINERS:
            yield from _unreachable_in(tree, node)


def rule_tasks_in_lanes(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """A user task outside every lane goes to no role: any user may do it, which is seldom meant."""
    in_lane = {(ref.text or "").strip() for ref in _xpath(tree, "//bpmn:lane/bpmn:flowNodeRef")}
    camunda = f"{{{NS['camunda']}}}"
    for task in _xpath(tree, "//bpmn:userTask"):
        if any(task.get(camunda + name) for name in ("candidateGroups", "candidateUsers", "assignee")):
            continue
        ancestors = [task, *task.iterancestors()]
        if not any(a.get("id") in in_lane for a in ancestors if a.tag != f"{{{BPMN_NS}}}process"):
            yield Problem(task.get("id"), Message("engine.diagram.task_outside_lanes"),
                          "warning")


def rule_diagram_drawn(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """Without DI (the drawing) the modeler cannot show an element; the engine runs it all the same."""
    shapes = list(tree.getroot().iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge"))
    drawn = {el.get("bpmnElement") for el in shapes}
    collapsed = {el.get("bpmnElement") for el in shapes if el.get("isExpanded") != "true"}
    nodes = [n for process in _xpath(tree, "/bpmn:definitions/bpmn:process")
             for n in process.iter() if isinstance(n.tag, str) and n.tag.split("}")[-1] in FLOW_NODES]
    if nodes and not drawn:
        yield Problem(None, Message("engine.diagram.not_drawn"), "warning")
        return
    for node in nodes:
        if node.get("id") not in drawn and not any(a.get("id") in collapsed for a in node.iterancestors()):
            yield Problem(node.get("id"), Message("engine.diagram.element_not_drawn"), "warning")


def rule_service_tasks(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """A service task must name a connector Samspil has, with what it needs (:mod:`engine.bpmn.connectors`).

    Without one, SpiffWorkflow would leave the course started at the task for ever; so it is
    refused here with the reason, rather than a course that says "running" and waits for no one.
    """
    for task in _xpath(tree, "//bpmn:serviceTask"):
        connector, parameters = connector_of(task)
        for reason in connector_problems(connector, task.get("id"), parameters):
            yield Problem(task.get("id"), Message("engine.diagram.service_task_refused", reason=reason))


def rule_unsupported_elements(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """Elements SpiffWorkflow parses but Samspil cannot run as drawn are refused, with the reason.

    An ad hoc subprocess leaves the choice of its next task to the application, and Samspil offers
    none: the course would stand "running" with nothing to do. A link event is read by SpiffWorkflow
    (3.2) as a plain throw or catch: the throw would end its path and the catch never be reached, so
    a course would skip what follows the link.
    """
    for node in _xpath(tree, "//bpmn:adHocSubProcess"):
        yield Problem(node.get("id"), Message("engine.diagram.ad_hoc_refused"))
    for definition in _xpath(tree, "//bpmn:linkEventDefinition"):
        yield Problem(definition.getparent().get("id"), Message("engine.diagram.link_event_refused"))


def rule_no_call_cycles(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """A call activity that leads back to its own process (itself, or through others) starts sub-courses for ever.

    SpiffWorkflow would instantiate the called process again and again while the request holds the
    course's lock, so the cycle is refused here, on each call activity that lies on one.
    """
    calls: dict[str, list[str]] = {}
    for other in bundle.bpmn.values():
        for process in _xpath(other, "/bpmn:definitions/bpmn:process"):
            calls.setdefault(process.get("id"), []).extend(c.get("calledElement") for c in _calls_in(process))
    for process in _xpath(tree, "/bpmn:definitions/bpmn:process"):
        for activity in _calls_in(process):
            path = _path_to(calls, activity.get("calledElement"), process.get("id"))
            if path is not None:
                yield Problem(activity.get("id"), Message(
                    "engine.diagram.call_cycle", called=activity.get("calledElement"), process=process.get("id"),
                    path=" \u2192 ".join([process.get("id"), *path])))


def _calls_in(process: Any) -> list[Any]:
    return [c for c in _xpath(process, ".//bpmn:callActivity[@calledElement]") if c.get("calledElement")]


def _path_to(calls: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The chain of calls from ``start`` to ``goal`` (both included), if there is one."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == goal:
            path = [current]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for called in calls.get(current, []):
            if called not in came_from:
                came_from[called] = current
                queue.append(called)
    return None


def lane_role_problems(tree: Any, held_roles: Iterable[str]) -> Iterator[Problem]:
    """Warn about each lane whose role no user holds: its tasks would wait for no one."""
    held = {normalize_role(r) for r in held_roles}
    for lane in _xpath(tree, "//bpmn:lane"):
        role = normalize_role(lane.get("name"))
        if role is None or _xpath(lane, "./bpmn:childLaneSet/bpmn:lane") or is_youth_lane(lane.get("name")):
            continue  # the young person's lane is held by the course's young person, not by a user
        if role not in held and (lane.get("id") or "").lower() not in held:
            yield Problem(lane.get("id"), Message("engine.diagram.role_unheld", role=role),
                          "warning")


# What may not lie in the young person's lane: work the engine or staff do, and containers whose
# every task would silently become the young person's.
STAFF_ONLY_IN_YOUTH_LANE = ("task", "manualTask", "serviceTask", "sendTask", "receiveTask", "scriptTask",
                            "businessRuleTask", "callActivity", "subProcess", "transaction")
STAFF_ATTRIBUTES = ("assignee", "candidateUsers", "candidateGroups")


def youth_lane_elements(tree: Any) -> list[Any]:
    """The elements of every lane that belongs to the young person (a lane named ``ung`` or "Den unge")."""
    ids = {(ref.text or "").strip() for lane in _xpath(tree, "//bpmn:lane") if is_youth_lane(lane.get("name"))
           for ref in _xpath(lane, "./bpmn:flowNodeRef")}
    return [element for element in bpmn_elements(tree) if element.get("id") in ids]


def rule_youth_lanes(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """The young person's lane holds only user tasks with a form that hand nothing to staff.

    Its tasks appear on Min Plan and only the course's young person may do them, so a task there
    without a form (nothing to fill in), one naming staff (``camunda:assignee``, ``candidateUsers``,
    ``candidateGroups``), one whose form picks a staff member, or work of another kind is refused.
    """
    camunda = f"{{{NS['camunda']}}}"
    for element in youth_lane_elements(tree):
        kind = element.tag.split("}")[1]
        if kind in STAFF_ONLY_IN_YOUTH_LANE:
            yield Problem(element.get("id"), Message("engine.diagram.youth_lane_staff_element", kind=kind))
        if kind != "userTask":
            continue
        for attribute in STAFF_ATTRIBUTES:
            if element.get(camunda + attribute):
                yield Problem(element.get("id"), Message("engine.diagram.youth_task_staff_only",
                                                         attribute=f"camunda:{attribute}"))
        key = form_key_of(element) or element.get("id")
        schema = bundle.forms.get(key) if key else None
        if schema is None:
            yield Problem(element.get("id"), Message("engine.diagram.youth_task_without_form"))
        elif user_fields(schema):
            yield Problem(element.get("id"), Message("engine.diagram.youth_task_staff_only",
                                                     attribute="x-user-role"))


def rule_progression_forms(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    """A self-assessment form's scales are bounded, so a score out of range is refused, never stored."""
    for task in _xpath(tree, "//bpmn:userTask"):
        key = form_key_of(task) or task.get("id")
        schema = bundle.forms.get(key) if key else None
        for field in scales_of(schema):
            prop = (schema or {}).get("properties", {}).get(field, {})
            if not isinstance(prop.get("minimum"), int) or not isinstance(prop.get("maximum"), int):
                yield Problem(task.get("id"), Message("engine.diagram.progression_scale_unbounded", form=key,
                                                      field=field))


RULES: list[Rule] = [rule_executable, rule_unique_ids, rule_references, rule_named_lanes, rule_code_compiles,
                     rule_timers, rule_gateways, rule_forms, rule_reachable, rule_tasks_in_lanes, rule_diagram_drawn,
                     rule_no_call_cycles, rule_service_tasks, rule_unsupported_elements, rule_youth_lanes,
                     rule_progression_forms]


def element_count(bundle: FileBundle) -> int:
    """Flow nodes and sequence flows of every process, and rules of every decision table."""
    flow_tags = {f"{{{BPMN_NS}}}{name}" for name in (*FLOW_NODES, "sequenceFlow")}
    count = sum(1 for tree in bundle.bpmn.values() for element in tree.getroot().iter(*flow_tags))
    return count + sum(1 for tree in bundle.dmn.values() for element in tree.getroot().iter()
                       if isinstance(element.tag, str) and element.tag.endswith("}rule"))


def check_bundle(bundle: FileBundle, held_roles: Iterable[str] | None = None) -> list[Problem]:
    """Every problem the rules find in every BPMN file of the bundle.

    ``held_roles`` (the roles users hold) is passed in rather than looked up, so checking stays pure;
    without it, lanes are not checked against users. A bundle over the element limit is checked no
    further: the rules and SpiffWorkflow's parser grow with its size.
    """
    problems = list(bundle.problems)
    if not bundle.bpmn and not bundle.problems:
        problems.append(Problem(None, Message("engine.diagram.no_bpmn_file")))
    count = element_count(bundle)
    if count > limits.FLOW_ELEMENTS:
        return [*problems, Problem(None, Message("engine.diagram.too_many_elements", count=count,
                                                 max=limits.FLOW_ELEMENTS))]
    roles = list(held_roles) if held_roles is not None else None
    for tree in bundle.bpmn.values():
        for rule in RULES:
            problems.extend(rule(tree, bundle))
        if roles is not None:
            problems.extend(lane_role_problems(tree, roles))
    return problems
