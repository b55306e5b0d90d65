"""Parser classes that accept diagrams from our modeler, Camunda Modeler, spiff-arena or by hand.

Extends SpiffWorkflow through its parser classes (README.md, "Diagram conventions the engine honours"):
- user tasks read ``camunda:formKey`` or spiff-arena's ``formJsonSchemaFilename`` property,
  ``camunda:assignee``, ``camunda:candidateUsers``, ``camunda:candidateGroups`` and ``camunda:dueDate``;
- business rule tasks read ``camunda:decisionRef`` or spiff-arena's ``calledDecisionId``;
- timers take a plain ISO 8601 literal (as Camunda Modeler writes it) or a Python expression,
  and run by the engine clock;
- multi-instance in standard BPMN (``loopDataInputRef``/``inputDataItem``, ``loopDataOutputRef``/
  ``outputDataItem``, ``completionCondition``), as spiff-arena and most modelers write it, through
  SpiffWorkflow's own BPMN task parser; Camunda's ``camunda:collection``/``elementVariable`` as before;
- any element id a modeler may write works: ids that SpiffWorkflow uses for its own task specs
  (``Start``, ``End``, ``Root``, ``*.EndJoin``...) get an internal spec name; ``bpmn_id`` keeps the original.
"""
from __future__ import annotations

import re
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import (
    BoundaryEventParser,
    EndEventParser,
    EventDefinitionParser,
    IntermediateCatchEventParser,
    IntermediateThrowEventParser,
    StartEventParser,
)
from SpiffWorkflow.bpmn.parser.task_parsers import SubprocessParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    CallActivity,
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    StartEvent,
)
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP as CAMUNDA_NSMAP
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, CamundaTaskParser
from SpiffWorkflow.camunda.parser.task_spec import BusinessRuleTaskParser as CamundaBusinessRuleTaskParser
from SpiffWorkflow.camunda.parser.task_spec import SubWorkflowParser as CamundaSubWorkflowParser
from SpiffWorkflow.camunda.specs.business_rule_task import BusinessRuleTask

from engine.bpmn.specs import TIMER_CLASSES, EventSubprocess, ServiceTask, UserTask

BPMN_MODEL_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {**CAMUNDA_NSMAP, "spiffworkflow": SPIFF_NS}

ISO_DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
ISO_CYCLE = re.compile(r"^R\d*/[^\s'\"()]+$")

# Spec names SpiffWorkflow reserves for its own tasks; a diagram element may still carry them as ids.
RESERVED_NAMES = {"Start", "End", "Root"}
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin")
INTERNAL_SUFFIX = "\u00b7element"


def timer_expression(text: str | None) -> str:
    """A plain ISO 8601 literal becomes a Python string literal; anything else stays an expression."""
    value = (text or "").strip()
    if ISO_DURATION.match(value) or ISO_DATETIME.match(value) or ISO_CYCLE.match(value):
        return repr(value)
    return value


def spec_name(element_id: str) -> str:
    """The task-spec name for a diagram element id, clear of SpiffWorkflow's own names."""
    if element_id in RESERVED_NAMES or element_id.endswith(RESERVED_SUFFIXES):
        return element_id + INTERNAL_SUFFIX
    return element_id


def element_id(name: str) -> str:
    """The diagram element id for a task-spec name (the inverse of :func:`spec_name`)."""
    return name[: -len(INTERNAL_SUFFIX)] if name.endswith(INTERNAL_SUFFIX) else name


class ClockTimerParser(EventDefinitionParser):
    """Timers with ISO 8601 literals or expressions, running by the engine clock."""

    def parse_timer_event(self, event: Any) -> Any:
        name = self.node.get("name", self.node.get("id"))
        description = self.get_event_description(event)
        for tag, timer_class in TIMER_CLASSES.items():
            node = first(self.xpath(f".//bpmn:{tag}"))
            if node is not None:
                expression = timer_expression(node.text)
                if not expression:
                    raise ValidationException("Timeren mangler et udtryk", node=self.node, file_name=self.filename)
                return timer_class(name, expression, description=description)
        raise ValidationException("Timeren mangler timeDate, timeDuration eller timeCycle",
                                  node=self.node, file_name=self.filename)


class SamspilStartEventParser(ClockTimerParser, StartEventParser):
    pass


class SamspilEndEventParser(ClockTimerParser, EndEventParser):
    pass


class SamspilIntermediateCatchEventParser(ClockTimerParser, IntermediateCatchEventParser):
    pass


class SamspilIntermediateThrowEventParser(ClockTimerParser, IntermediateThrowEventParser):
    pass


class SamspilBoundaryEventParser(ClockTimerParser, BoundaryEventParser):
    pass


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


STANDARD_MI_TAGS = ("loopDataInputRef", "inputDataItem", "loopDataOutputRef", "outputDataItem")


class StandardMultiInstance:
    """Multi-instance written in standard BPMN goes to SpiffWorkflow's BPMN parser, Camunda's to Camunda's.

    The Camunda parser alone knows only ``camunda:collection`` and a cardinality, and refuses the
    standard form ("must specify a cardinality or a collection"), which plain SpiffWorkflow runs.
    """

    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        camunda = "{" + CAMUNDA_MODEL_NS + "}"
        camunda_style = any(loop_characteristics.get(camunda + name) is not None
                            for name in ("collection", "elementVariable"))
        standard = any(self.xpath(f"./bpmn:multiInstanceLoopCharacteristics/bpmn:{tag}")  # type: ignore[attr-defined]
                       for tag in STANDARD_MI_TAGS)
        if standard and not camunda_style:
            TaskParser._add_multiinstance_task(self, loop_characteristics)
        else:
            super()._add_multiinstance_task(loop_characteristics)  # type: ignore[misc]


def with_standard_multi_instance(parser_class: type) -> type:
    """``parser_class`` reading both multi-instance spellings (Camunda task parsers only; others as they are)."""
    if issubclass(parser_class, CamundaTaskParser) and not issubclass(parser_class, StandardMultiInstance):
        return type(parser_class.__name__, (StandardMultiInstance, parser_class), {})
    return parser_class


class UserTaskParser(StandardMultiInstance, CamundaTaskParser):
    """Reads the form key and the people of a user task, in Camunda's or spiff-arena's spelling.

    A user task that a lane names itself (its id among the lane's ``flowNodeRef``) takes that lane,
    also inside an embedded sub-process, where SpiffWorkflow would give it the sub-process's lane:
    so the young person's "prepare the follow-up" task in the follow-up loop is theirs (a lane
    named ``ung`` or "Den unge", :func:`engine.people.access.is_youth_lane`), while the loop's
    other tasks stay the guide's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own_lane = self.process_parser.get_lane_name(self.bpmn_id)
        if own_lane is not None:
            self.lane = own_lane

    def parse_extensions(self, node: Any = None) -> dict[str, str]:
        extensions = super().parse_extensions(node)
        for prop in self.xpath(".//bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"):
            extensions[prop.get("name")] = prop.get("value")
        return extensions

    def create_task(self) -> UserTask:
        camunda = "{" + CAMUNDA_MODEL_NS + "}"
        extensions = self.parse_extensions()
        form_key = self.node.get(camunda + "formKey")
        if not form_key and extensions.get("formJsonSchemaFilename"):
            form_key = re.sub(r"\.json$", "", extensions["formJsonSchemaFilename"])
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            form_key=form_key or self.bpmn_id,
            assignee=self.node.get(camunda + "assignee"),
            candidate_users=_csv(self.node.get(camunda + "candidateUsers")),
            candidate_groups=_csv(self.node.get(camunda + "candidateGroups")),
            due_date=self.node.get(camunda + "dueDate"),
            **self.bpmn_attributes,
        )


def connector_of(node: Any) -> tuple[str | None, dict[str, str]]:
    """A service task's ``camunda:connectorId`` and its literal ``camunda:inputParameter`` values."""
    camunda = {"camunda": CAMUNDA_MODEL_NS}
    connector = node.find(f"./{{{BPMN_MODEL_NS}}}extensionElements/{{{CAMUNDA_MODEL_NS}}}connector")
    if connector is None:
        return None, {}
    ids = connector.xpath("./camunda:connectorId/text()", namespaces=camunda)
    parameters = {p.get("name"): (p.text or "").strip()
                  for p in connector.xpath("./camunda:inputOutput/camunda:inputParameter", namespaces=camunda)
                  if p.get("name")}
    return (ids[0].strip() if ids else None), parameters


class ServiceTaskParser(StandardMultiInstance, CamundaTaskParser):
    """A service task with the connector it names (checked at deploy, :mod:`engine.bpmn.connectors`)."""

    def create_task(self) -> ServiceTask:
        connector, parameters = connector_of(self.node)
        return self.spec_class(self.spec, self.bpmn_id, connector=connector, parameters=parameters,
                               **self.bpmn_attributes)


class BusinessRuleTaskParser(StandardMultiInstance, CamundaBusinessRuleTaskParser):
    """``camunda:decisionRef`` or spiff-arena's ``spiffworkflow:calledDecisionId``."""

    @staticmethod
    def get_decision_ref(node: Any) -> str:
        ref = node.get("{" + CAMUNDA_MODEL_NS + "}decisionRef")
        if ref:
            return ref
        called = node.find(f".//{{{SPIFF_NS}}}calledDecisionId")
        if called is not None and called.text:
            return called.text.strip()
        raise ValidationException("Forretningsregel-opgaven mangler en reference til en beslutningstabel", node=node)


class SubWorkflowParser(StandardMultiInstance, CamundaSubWorkflowParser):
    """An embedded subprocess; with ``triggeredByEvent`` an event subprocess, as SpiffWorkflow's BPMN parser makes it.

    Camunda's parser makes every subprocess a plain one, so an event subprocess never started. An event
    subprocess is :class:`engine.bpmn.specs.EventSubprocess`: it starts with the course's current data.
    """

    EVENT_SUBPROCESS_CLASS = EventSubprocess

    def create_task(self) -> Any:
        spec_id = SubprocessParser.get_subprocess_spec(self)
        # Not self.attribute(): it looks the attribute up in the BPMN namespace, where a modeler never
        # writes it, so SpiffWorkflow's own check never finds an event subprocess.
        event = self.node.get("triggeredByEvent") == "true"
        spec_class = self.EVENT_SUBPROCESS_CLASS if event else self.spec_class
        return spec_class(self.spec, self.bpmn_id, subworkflow_spec=spec_id, **self.bpmn_attributes)


class SamspilParser(CamundaParser):
    """The parser every deployment goes through."""

    OVERRIDE_PARSER_CLASSES = {
        **{tag: (with_standard_multi_instance(parser), spec)
           for tag, (parser, spec) in CamundaParser.OVERRIDE_PARSER_CLASSES.items()},
        full_tag("userTask"): (UserTaskParser, UserTask),
        full_tag("subProcess"): (SubWorkflowParser, CallActivity),
        full_tag("serviceTask"): (ServiceTaskParser, ServiceTask),
        full_tag("businessRuleTask"): (BusinessRuleTaskParser, BusinessRuleTask),
        full_tag("startEvent"): (SamspilStartEventParser, StartEvent),
        full_tag("endEvent"): (SamspilEndEventParser, EndEvent),
        full_tag("intermediateCatchEvent"): (SamspilIntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (SamspilIntermediateThrowEventParser, IntermediateThrowEvent),
        full_tag("boundaryEvent"): (SamspilBoundaryEventParser, BoundaryEvent),
    }

    def __init__(self) -> None:
        super().__init__(namespaces=NSMAP, validator=None)

    def add_bpmn_xml(self, bpmn: Any, filename: str | None = None) -> None:
        rename_reserved_ids(bpmn)
        super().add_bpmn_xml(bpmn, filename)


REFERENCE_ATTRIBUTES = ("sourceRef", "targetRef", "default", "attachedToRef", "bpmnElement", "processRef",
                        "calledElement")


def rename_reserved_ids(tree: Any) -> None:
    """Give elements whose id SpiffWorkflow reserves an internal id, and fix every reference to them.

    The renamed spec keeps the original id as ``bpmn_id`` (see :func:`restore_element_ids`).
    """
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    renamed = {el.get("id"): spec_name(el.get("id")) for el in root.iter()
               if isinstance(el.tag, str) and el.get("id") and spec_name(el.get("id")) != el.get("id")}
    if not renamed:
        return
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("id") in renamed:
            el.set("id", renamed[el.get("id")])
        for attribute in REFERENCE_ATTRIBUTES:
            if el.get(attribute) in renamed:
                el.set(attribute, renamed[el.get(attribute)])
        local = etree.QName(el).localname
        if local in ("incoming", "outgoing", "flowNodeRef") and el.text and el.text.strip() in renamed:
            el.text = renamed[el.text.strip()]


def restore_element_ids(spec: Any) -> None:
    """After parsing: every spec that stands for a renamed element reports the element's own id."""
    for task_spec in spec.task_specs.values():
        bpmn_id = getattr(task_spec, "bpmn_id", None)
        if bpmn_id is not None:
            task_spec.bpmn_id = element_id(bpmn_id)
