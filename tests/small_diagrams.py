"""Small BPMN documents for tests: one process, optional lanes, drawn or not."""
from __future__ import annotations

from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIWG = ROOT.parent / "shared" / "miwg" / "Reference"
DEFAULT_BPMN = ROOT / "processes" / "samarbejdsmodel.bpmn"

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://samspil.dk/test">\n')


def diagram(body: str, executable: bool = True, process_id: str = "proc", drawn: bool = True) -> str:
    """A definitions document around ``body`` (the process content), with a shape per element id."""
    import re

    ids = re.findall(r'<bpmn:(?:\w+Task|task|startEvent|endEvent|\w+Gateway|intermediate\w+Event|boundaryEvent|'
                     r'subProcess|callActivity|lane)\b[^>]*\bid="([^"]+)"', body)
    shapes = "".join(f'<bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}"><dc:Bounds x="{100 * n}" y="100" '
                     f'width="50" height="50"/></bpmndi:BPMNShape>' for n, i in enumerate(ids))
    di = (f'<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="{process_id}">{shapes}'
          f'</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>') if drawn else ""
    return (HEAD + f'<bpmn:process id="{process_id}" isExecutable="{"true" if executable else "false"}">'
            + body + "</bpmn:process>" + di + "</bpmn:definitions>")


def lane(lane_id: str, name: str, *members: str) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{m}</bpmn:flowNodeRef>" for m in members)
    return f'<bpmn:lane id="{lane_id}" name="{name}">{refs}</bpmn:lane>'


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    inner = (f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
             if condition is not None else "")
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">{inner}</bpmn:sequenceFlow>'


def linear(*middle: str, lanes: str = "") -> str:
    """start -> each middle element (given as XML with ids n1, n2 ...) -> end, in order."""
    import re

    ids = ["start"] + [re.search(r'id="([^"]+)"', m).group(1) for m in middle] + ["end"]
    flows = "".join(flow(f"f{i}", a, b) for i, (a, b) in enumerate(pairwise(ids)))
    lane_set = f'<bpmn:laneSet id="ls">{lanes}</bpmn:laneSet>' if lanes else ""
    return (lane_set + '<bpmn:startEvent id="start"/>' + "".join(middle) + '<bpmn:endEvent id="end"/>' + flows)


def timer_event(event_id: str, tag: str, value: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{event_id}"><bpmn:timerEventDefinition id="{event_id}_t">'
            f'<bpmn:{tag} xsi:type="bpmn:tFormalExpression">{value}</bpmn:{tag}>'
            f'</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
