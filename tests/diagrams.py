"""Small BPMN documents for tests, written the way the modelers write them."""
from __future__ import annotations

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
          'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
          'id="Definitions_1" targetNamespace="http://samspil.dk/test">\n')


def definitions(body: str) -> str:
    return HEADER + body + "\n</bpmn:definitions>\n"


def process(process_id: str, body: str, lanes: dict[str, list[str]] | None = None, executable: bool = True,
            extra: str = "") -> str:
    """A process whose flow nodes are ``body``; ``lanes`` maps lane name to the node ids in it."""
    lane_set = ""
    if lanes:
        lane_set = '<bpmn:laneSet id="LaneSet_1">' + "".join(
            f'<bpmn:lane id="Lane_{i}" name="{name}">' + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
            + "</bpmn:lane>" for i, (name, nodes) in enumerate(lanes.items())) + "</bpmn:laneSet>"
    return definitions(extra + f'<bpmn:process id="{process_id}" isExecutable="{"true" if executable else "false"}">'
                       + lane_set + body + "</bpmn:process>")


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
            "</bpmn:sequenceFlow>")


def simple(process_id: str = "enkel", task_attributes: str = "", lane: str = "sagsbehandler") -> str:
    """Start, one user task, end, in one lane."""
    body = ('<bpmn:startEvent id="start"/>'
            f'<bpmn:userTask id="opgave" name="Opgave" {task_attributes}/>'
            '<bpmn:endEvent id="slut"/>' + flow("f1", "start", "opgave") + flow("f2", "opgave", "slut"))
    return process(process_id, body, {lane: ["start", "opgave", "slut"]})
