"""Diagrams that plain SpiffWorkflow runs into exceptions with, for the never-a-500 tests."""
from __future__ import annotations

from tests.diagrams import definitions, flow, process

LANE = "sagsbehandler"

# A writes a data object its data do not hold: SpiffWorkflow raises WorkflowDataException when A completes.
DATA_OBJECT_MISSING = process("dataobjekt", (
    '<bpmn:dataObject id="DO_plan" name="plan"/>'
    '<bpmn:dataObjectReference id="ref_plan" dataObjectRef="DO_plan"/>'
    '<bpmn:startEvent id="start"/><bpmn:userTask id="a" name="A"><bpmn:dataOutputAssociation id="doa">'
    '<bpmn:targetRef>ref_plan</bpmn:targetRef></bpmn:dataOutputAssociation></bpmn:userTask>'
    '<bpmn:userTask id="b" name="B"/>'
    '<bpmn:endEvent id="slut"/>'
    + flow("f1", "start", "a") + flow("f2", "a", "b") + flow("f3", "b", "slut")),
    {LANE: ["start", "a", "b", "slut"]})

# spiff-arena's correlation: the message's key is read from its payload, which carries nothing here.
CORRELATED_MESSAGE = definitions(
    '<bpmn:collaboration id="samarbejde"><bpmn:participant id="p" processRef="korrelation"/>'
    '<bpmn:correlationKey id="sagsnoegle" name="sagsnoegle"><bpmn:correlationPropertyRef>sag</bpmn:correlationPropertyRef>'
    '</bpmn:correlationKey></bpmn:collaboration>'
    '<bpmn:message id="msg_svar" name="svar"/>'
    '<bpmn:correlationProperty id="sag" name="sag"><bpmn:correlationPropertyRetrievalExpression messageRef="msg_svar">'
    '<bpmn:formalExpression>sags_id</bpmn:formalExpression></bpmn:correlationPropertyRetrievalExpression>'
    '</bpmn:correlationProperty>'
    '<bpmn:process id="korrelation" isExecutable="true">'
    f'<bpmn:laneSet id="ls"><bpmn:lane id="l" name="{LANE}"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
    '<bpmn:flowNodeRef>vent</bpmn:flowNodeRef><bpmn:flowNodeRef>slut</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
    '<bpmn:startEvent id="start"/>'
    '<bpmn:intermediateCatchEvent id="vent" name="Svar"><bpmn:messageEventDefinition id="md" messageRef="msg_svar"/>'
    '</bpmn:intermediateCatchEvent><bpmn:endEvent id="slut"/>'
    + flow("f1", "start", "vent") + flow("f2", "vent", "slut") + "</bpmn:process>")


def calling(process_id: str, called: str) -> str:
    """A process whose only step is a call activity calling ``called``."""
    return process(process_id, (
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:callActivity id="kald_{called}" name="Kald" calledElement="{called}"/>'
        '<bpmn:endEvent id="slut"/>'
        + flow("f1", "start", f"kald_{called}") + flow("f2", f"kald_{called}", "slut")))


SELF_CALLING = calling("selv", "selv")
