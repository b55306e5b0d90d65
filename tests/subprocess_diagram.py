"""A second course for migration tests: an embedded subprocess with timers inside and on its boundary.

intake (caseworker) -> assign (script: lane_owners) -> subprocess [wait P7D -> talk (the guide, a
non-interrupting P3D reminder on it -> remind) -> end] -> close (caseworker). An interrupting P30D
timer on the subprocess leads to close_expired. :func:`changed` shortens every timer, so a course
moved to it and back must come out exactly as it went in.
"""
from __future__ import annotations

import json

from tests.small_diagrams import HEAD

KEY = "toklip"
DURATIONS = {"wait": "P7D", "remind": "P3D", "expire": "P30D"}
CHANGED = {"wait": "P5D", "remind": "P2D", "expire": "P20D"}


def _timer(tag_id: str, value: str) -> str:
    return (f'<bpmn:timerEventDefinition id="{tag_id}_def"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">'
            f'{value}</bpmn:timeDuration></bpmn:timerEventDefinition>')


def _flow(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'


def bpmn(durations: dict[str, str] = DURATIONS) -> str:
    inner = (
        '<bpmn:startEvent id="sub_start"/>'
        f'<bpmn:intermediateCatchEvent id="wait" name="Vent en uge">{_timer("wait", durations["wait"])}'
        '</bpmn:intermediateCatchEvent>'
        '<bpmn:userTask id="talk" name="Samtale"/>'
        f'<bpmn:boundaryEvent id="remind" name="Påmind" cancelActivity="false" attachedToRef="talk">'
        f'{_timer("remind", durations["remind"])}</bpmn:boundaryEvent>'
        '<bpmn:userTask id="reminder" name="Påmindelse"/>'
        '<bpmn:endEvent id="reminder_end"/><bpmn:endEvent id="sub_end"/>'
        + _flow("s1", "sub_start", "wait") + _flow("s2", "wait", "talk") + _flow("s3", "talk", "sub_end")
        + _flow("s4", "remind", "reminder") + _flow("s5", "reminder", "reminder_end"))
    body = (
        '<bpmn:laneSet id="lanes">'
        '<bpmn:lane id="Lane_sagsbehandler" name="sagsbehandler"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>intake</bpmn:flowNodeRef><bpmn:flowNodeRef>assign</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>close</bpmn:flowNodeRef><bpmn:flowNodeRef>close_expired</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>end</bpmn:flowNodeRef><bpmn:flowNodeRef>end_expired</bpmn:flowNodeRef></bpmn:lane>'
        '<bpmn:lane id="Lane_ungeguide" name="ungeguide"><bpmn:flowNodeRef>course</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>expire</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
        '<bpmn:startEvent id="start"/>'
        '<bpmn:userTask id="intake" name="Modtag" camunda:assignee="${initiator}"/>'
        '<bpmn:scriptTask id="assign" name="Tildel guide" scriptFormat="python">'
        '<bpmn:script>lane_owners = {"ungeguide": [guide]}</bpmn:script></bpmn:scriptTask>'
        f'<bpmn:subProcess id="course" name="Forløb">{inner}</bpmn:subProcess>'
        f'<bpmn:boundaryEvent id="expire" name="Udløbet" cancelActivity="true" attachedToRef="course">'
        f'{_timer("expire", durations["expire"])}</bpmn:boundaryEvent>'
        '<bpmn:userTask id="close" name="Afslut"/>'
        '<bpmn:userTask id="close_expired" name="Afslut udløbet"/>'
        '<bpmn:endEvent id="end"/><bpmn:endEvent id="end_expired"/>'
        + _flow("f1", "start", "intake") + _flow("f2", "intake", "assign") + _flow("f3", "assign", "course")
        + _flow("f4", "course", "close") + _flow("f5", "close", "end")
        + _flow("f6", "expire", "close_expired") + _flow("f7", "close_expired", "end_expired"))
    return (HEAD + f'<bpmn:process id="{KEY}" name="To klip" isExecutable="true">' + body
            + "</bpmn:process></bpmn:definitions>")


# Forms are closed: the intake declares what it takes (the guide's name feeds the script's lane_owners).
TALK_FORM = json.dumps({"type": "object", "properties": {"note": {"type": "string"}}})
INTAKE_FORM = json.dumps({"type": "object", "properties": {"guide": {"type": "string"}, "reason": {"type": "string"}}})


def files(durations: dict[str, str] = DURATIONS) -> dict[str, str]:
    return {f"{KEY}.bpmn": bpmn(durations), "forms/intake.json": INTAKE_FORM, "forms/talk.json": TALK_FORM}


def changed() -> dict[str, str]:
    return files(CHANGED)
