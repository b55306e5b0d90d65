"""One small diagram per BPMN element kind the engine claims, and how to drive a course of it to its end.

Each :class:`Case` is deployed and driven through the REST API by ``test_elements.py``; README's
"BPMN support" table lists the same kinds. A step is ``("complete", element_id, data)``,
``("timer", element_id)`` (POST /instances/{id}/timers/fire), ``("message", name, data)`` or
``("signal", name)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from tests.conformance.drive import LANE, form
from tests.diagrams import definitions, flow

TF = 'xsi:type="bpmn:tFormalExpression"'


@dataclass
class Case:
    kind: str
    bpmn: str
    steps: list[tuple[Any, ...]]
    start_data: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    end_data: dict[str, Any] = field(default_factory=dict)   # fields the finished course's data must hold
    ran: list[str] = field(default_factory=list)             # elements the history must show as run


def proc(body: str, nodes: list[str], key: str = "c", extra: str = "") -> str:
    """Process ``key`` with ``body``; ``nodes`` in the case worker's lane."""
    lanes = (f'<bpmn:laneSet id="ls_{key}"><bpmn:lane id="lane_{key}" name="{LANE}">'
             + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes) + "</bpmn:lane></bpmn:laneSet>")
    return definitions(extra + f'<bpmn:process id="{key}" isExecutable="true">' + lanes + body + "</bpmn:process>")


def chain(*ids: str) -> str:
    return "".join(flow(f"f_{a}_{b}", a, b) for a, b in pairwise(ids))


def user(element_id: str) -> str:
    return f'<bpmn:userTask id="{element_id}" name="{element_id}"/>'


def script(element_id: str, code: str) -> str:
    return (f'<bpmn:scriptTask id="{element_id}" name="{element_id}" scriptFormat="python">'
            f"<bpmn:script>{code}</bpmn:script></bpmn:scriptTask>")


def timer(element_id: str, tag: str, value: str, attached: str | None = None, cancel: bool = True) -> str:
    definition = f'<bpmn:timerEventDefinition><bpmn:{tag} {TF}>{value}</bpmn:{tag}></bpmn:timerEventDefinition>'
    if attached:
        return (f'<bpmn:boundaryEvent id="{element_id}" attachedToRef="{attached}" '
                f'cancelActivity="{str(cancel).lower()}">{definition}</bpmn:boundaryEvent>')
    return f'<bpmn:intermediateCatchEvent id="{element_id}">{definition}</bpmn:intermediateCatchEvent>'


START, END = '<bpmn:startEvent id="start"/>', '<bpmn:endEvent id="slut"/>'
MESSAGE = '<bpmn:message id="msg_svar" name="svar"/>'
DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://samspil.dk/dmn">
  <decision id="niveau" name="Niveau"><decisionTable id="tabel" hitPolicy="UNIQUE">
    <input id="in_alder" label="Alder"><inputExpression id="ie" typeRef="integer"><text>alder</text></inputExpression></input>
    <output id="out" label="Niveau" name="niveau" typeRef="string"/>
    <rule id="r1"><inputEntry id="r1i"><text>&lt; 18</text></inputEntry>
      <outputEntry id="r1o"><text>"ung"</text></outputEntry></rule>
    <rule id="r2"><inputEntry id="r2i"><text>&gt;= 18</text></inputEntry>
      <outputEntry id="r2o"><text>"voksen"</text></outputEntry></rule>
  </decisionTable></decision>
</definitions>
"""


def cases() -> list[Case]:
    found = [
        Case("user task", proc(START + user("a") + END + chain("start", "a", "slut"), ["start", "a", "slut"]),
             [("complete", "a", {})]),
        Case("script task", proc(START + script("s", "resultat = 6 * 7") + END + chain("start", "s", "slut"),
                                 ["start", "s", "slut"]), [], end_data={"resultat": 42}),
        Case("manual task", proc(START + '<bpmn:manualTask id="m" name="M"/>' + END + chain("start", "m", "slut"),
                                 ["start", "m", "slut"]), [("complete", "m", {})]),
        Case("none task", proc(START + '<bpmn:task id="t" name="T"/>' + END + chain("start", "t", "slut"),
                               ["start", "t", "slut"]), [("complete", "t", {})]),
        Case("exclusive gateway", proc(
            START + '<bpmn:exclusiveGateway id="g" default="f_nej"/>' + user("ja") + user("nej")
            + '<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>' + flow("f0", "start", "g")
            + flow("f_ja", "g", "ja", "alder &gt;= 18") + flow("f_nej", "g", "nej") + chain("ja", "e1")
            + chain("nej", "e2"), ["start", "g", "ja", "nej", "e1", "e2"]),
            [("complete", "ja", {})], start_data={"alder": 19}),
        Case("parallel gateway", proc(
            START + '<bpmn:parallelGateway id="split"/>' + user("a") + user("b") + '<bpmn:parallelGateway id="join"/>'
            + END + flow("f0", "start", "split") + flow("f1", "split", "a") + flow("f2", "split", "b")
            + flow("f3", "a", "join") + flow("f4", "b", "join") + flow("f5", "join", "slut"),
            ["start", "split", "a", "b", "join", "slut"]), [("complete", "a", {}), ("complete", "b", {})]),
        Case("inclusive gateway", proc(
            START + '<bpmn:inclusiveGateway id="split" default="f3"/>' + user("a") + user("b") + user("cc")
            + '<bpmn:inclusiveGateway id="join"/>' + END + flow("f0", "start", "split")
            + flow("f1", "split", "a", "x &gt; 1") + flow("f2", "split", "b", "x &gt; 2") + flow("f3", "split", "cc")
            + flow("f4", "a", "join") + flow("f5", "b", "join") + flow("f6", "cc", "join") + flow("f7", "join", "slut"),
            ["start", "split", "a", "b", "cc", "join", "slut"]),
            [("complete", "a", {}), ("complete", "b", {})], start_data={"x": 5}),
        Case("event-based gateway, message branch", proc(
            START + '<bpmn:eventBasedGateway id="g"/>'
            + '<bpmn:intermediateCatchEvent id="svar"><bpmn:messageEventDefinition messageRef="msg_svar"/>'
              '</bpmn:intermediateCatchEvent>' + timer("frist", "timeDuration", "P14D") + user("efter_svar")
            + user("efter_frist") + '<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>'
            + chain("start", "g") + flow("f1", "g", "svar") + flow("f2", "g", "frist")
            + chain("svar", "efter_svar", "e1") + chain("frist", "efter_frist", "e2"),
            ["start", "g", "svar", "frist", "efter_svar", "efter_frist", "e1", "e2"], extra=MESSAGE),
            [("message", "svar", {}), ("complete", "efter_svar", {})], ran=["svar"]),
        Case("event-based gateway, timer branch", proc(
            START + '<bpmn:eventBasedGateway id="g"/>'
            + '<bpmn:intermediateCatchEvent id="svar"><bpmn:messageEventDefinition messageRef="msg_svar"/>'
              '</bpmn:intermediateCatchEvent>' + timer("frist", "timeDuration", "P14D") + user("efter_svar")
            + user("efter_frist") + '<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>'
            + chain("start", "g") + flow("f1", "g", "svar") + flow("f2", "g", "frist")
            + chain("svar", "efter_svar", "e1") + chain("frist", "efter_frist", "e2"),
            ["start", "g", "svar", "frist", "efter_svar", "efter_frist", "e1", "e2"], extra=MESSAGE),
            [("timer", "frist"), ("complete", "efter_frist", {})], ran=["frist"]),
        Case("timer: duration", proc(START + timer("vent", "timeDuration", "P3D") + END + chain("start", "vent", "slut"),
                                     ["start", "vent", "slut"]), [("timer", "vent")]),
        Case("timer: date", proc(START + timer("vent", "timeDate", "2030-01-01T09:00:00Z") + END
                                 + chain("start", "vent", "slut"), ["start", "vent", "slut"]), [("timer", "vent")]),
        Case("timer: expression", proc(START + timer("vent", "timeDuration", "frist") + END
                                       + chain("start", "vent", "slut"), ["start", "vent", "slut"]),
             [("timer", "vent")], start_data={"frist": "P2W"}),
        Case("timer: cycle (boundary, non-interrupting)", proc(
            START + user("a") + timer("paamind", "timeCycle", "R2/P1W", attached="a", cancel=False)
            + script("noter", "paamindet = True") + END + '<bpmn:endEvent id="e2"/>'
            + chain("start", "a", "slut") + chain("paamind", "noter", "e2"),
            ["start", "a", "paamind", "noter", "slut", "e2"]),
            [("timer", "paamind"), ("complete", "a", {})], ran=["paamind", "noter"]),
        Case("boundary timer, interrupting", proc(
            START + user("a") + timer("frist", "timeDuration", "P1D", attached="a") + user("eskaler") + END
            + '<bpmn:endEvent id="e2"/>' + chain("start", "a", "slut") + chain("frist", "eskaler", "e2"),
            ["start", "a", "frist", "eskaler", "slut", "e2"]), [("timer", "frist"), ("complete", "eskaler", {})]),
        Case("message: intermediate catch", proc(
            START + '<bpmn:intermediateCatchEvent id="svar"><bpmn:messageEventDefinition messageRef="msg_svar"/>'
            '</bpmn:intermediateCatchEvent>' + END + chain("start", "svar", "slut"), ["start", "svar", "slut"],
            extra=MESSAGE), [("message", "svar", {"svar": "ja"})], files={"svar.json": form("svar")},
            end_data={"svar": "ja"}),
        Case("message: receive task", proc(
            START + '<bpmn:receiveTask id="modtag" messageRef="msg_svar"/>' + END + chain("start", "modtag", "slut"),
            ["start", "modtag", "slut"], extra=MESSAGE), [("message", "svar", {})]),
        Case("message: boundary, interrupting", proc(
            START + user("a") + '<bpmn:boundaryEvent id="afbryd" attachedToRef="a"><bpmn:messageEventDefinition '
            'messageRef="msg_svar"/></bpmn:boundaryEvent>' + END + '<bpmn:endEvent id="e2"/>'
            + chain("start", "a", "slut") + chain("afbryd", "e2"), ["start", "a", "afbryd", "slut", "e2"],
            extra=MESSAGE), [("message", "svar", {})], ran=["afbryd"]),
        Case("signal: intermediate catch", proc(
            START + '<bpmn:intermediateCatchEvent id="vent"><bpmn:signalEventDefinition signalRef="sig"/>'
            '</bpmn:intermediateCatchEvent>' + END + chain("start", "vent", "slut"), ["start", "vent", "slut"],
            extra='<bpmn:signal id="sig" name="skoleaar"/>'), [("signal", "skoleaar")]),
        Case("error: end event caught by a boundary event", proc(
            START
            + '<bpmn:subProcess id="sub"><bpmn:startEvent id="s_start"/>' + user("vurder")
            + '<bpmn:endEvent id="s_fejl"><bpmn:errorEventDefinition errorRef="err"/></bpmn:endEvent>'
            + chain("s_start", "vurder", "s_fejl") + "</bpmn:subProcess>"
            + '<bpmn:boundaryEvent id="fanget" attachedToRef="sub"><bpmn:errorEventDefinition errorRef="err"/>'
              '</bpmn:boundaryEvent>' + user("efter_fejl") + END + '<bpmn:endEvent id="e2"/>'
            + chain("start", "sub", "slut") + chain("fanget", "efter_fejl", "e2"),
            ["start", "sub", "fanget", "efter_fejl", "slut", "e2"], extra='<bpmn:error id="err" errorCode="afvist"/>'),
            [("complete", "vurder", {}), ("complete", "efter_fejl", {})], ran=["fanget"]),
        Case("escalation: throw caught by a non-interrupting boundary event", proc(
            START + '<bpmn:subProcess id="sub"><bpmn:startEvent id="s_start"/>'
            + '<bpmn:intermediateThrowEvent id="s_esk"><bpmn:escalationEventDefinition escalationRef="esk"/>'
              '</bpmn:intermediateThrowEvent>' + user("videre") + '<bpmn:endEvent id="s_slut"/>'
            + chain("s_start", "s_esk", "videre", "s_slut") + "</bpmn:subProcess>"
            + '<bpmn:boundaryEvent id="fanget" attachedToRef="sub" cancelActivity="false">'
              '<bpmn:escalationEventDefinition escalationRef="esk"/></bpmn:boundaryEvent>'
            + user("koordinator_besked") + END + '<bpmn:endEvent id="e2"/>'
            + chain("start", "sub", "slut") + chain("fanget", "koordinator_besked", "e2"),
            ["start", "sub", "fanget", "koordinator_besked", "slut", "e2"],
            extra='<bpmn:escalation id="esk" escalationCode="haster"/>'),
            [("complete", "koordinator_besked", {}), ("complete", "videre", {})], ran=["s_esk", "fanget"]),
        Case("embedded subprocess", proc(
            START + '<bpmn:subProcess id="sub"><bpmn:startEvent id="s_start"/>' + user("indeni")
            + '<bpmn:endEvent id="s_slut"/>' + chain("s_start", "indeni", "s_slut") + "</bpmn:subProcess>"
            + END + chain("start", "sub", "slut"), ["start", "sub", "slut"]), [("complete", "indeni", {})]),
        Case("event subprocess (message start)", proc(
            START + user("a") + END + chain("start", "a", "slut")
            + '<bpmn:subProcess id="ved_frafald" triggeredByEvent="true">'
              '<bpmn:startEvent id="es_start"><bpmn:messageEventDefinition messageRef="msg_svar"/></bpmn:startEvent>'
            + script("es_noter", "frafaldet = True") + '<bpmn:endEvent id="es_slut"/>'
            + chain("es_start", "es_noter", "es_slut") + "</bpmn:subProcess>",
            ["start", "a", "slut", "ved_frafald"], extra=MESSAGE), [("message", "svar", {}), ("complete", "a", {})],
            ran=["es_start", "es_noter"]),
        Case("event subprocess (error start)", proc(
            START + user("a") + '<bpmn:endEvent id="fejl"><bpmn:errorEventDefinition errorRef="err"/></bpmn:endEvent>'
            + chain("start", "a", "fejl")
            + '<bpmn:subProcess id="ved_fejl" triggeredByEvent="true">'
              '<bpmn:startEvent id="es_start"><bpmn:errorEventDefinition errorRef="err"/></bpmn:startEvent>'
            + user("ryd_op") + '<bpmn:endEvent id="es_slut"/>' + chain("es_start", "ryd_op", "es_slut")
            + "</bpmn:subProcess>", ["start", "a", "fejl", "ved_fejl"], extra='<bpmn:error id="err" errorCode="x"/>'),
            [("complete", "a", {}), ("complete", "ryd_op", {})], ran=["es_start"]),
        Case("call activity", definitions(
            f'<bpmn:process id="c" isExecutable="true"><bpmn:laneSet id="ls"><bpmn:lane id="l" name="{LANE}">'
            '<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>kald</bpmn:flowNodeRef>'
            '<bpmn:flowNodeRef>slut</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
            + START + '<bpmn:callActivity id="kald" calledElement="under"/>' + END + chain("start", "kald", "slut")
            + '</bpmn:process><bpmn:process id="under" isExecutable="true">'
            f'<bpmn:laneSet id="ls2"><bpmn:lane id="l2" name="{LANE}"><bpmn:flowNodeRef>u_start</bpmn:flowNodeRef>'
            '<bpmn:flowNodeRef>u_opgave</bpmn:flowNodeRef><bpmn:flowNodeRef>u_slut</bpmn:flowNodeRef></bpmn:lane>'
            '</bpmn:laneSet><bpmn:startEvent id="u_start"/>' + user("u_opgave") + '<bpmn:endEvent id="u_slut"/>'
            + chain("u_start", "u_opgave", "u_slut") + "</bpmn:process>"), [("complete", "u_opgave", {})]),
        Case("transaction", proc(
            START + '<bpmn:transaction id="tx"><bpmn:startEvent id="t_start"/>' + user("indeni")
            + '<bpmn:endEvent id="t_slut"/>' + chain("t_start", "indeni", "t_slut") + "</bpmn:transaction>"
            + END + chain("start", "tx", "slut"), ["start", "tx", "slut"]), [("complete", "indeni", {})]),
        Case("standard loop", proc(
            START + '<bpmn:scriptTask id="tael" scriptFormat="python"><bpmn:standardLoopCharacteristics>'
            f'<bpmn:loopCondition {TF}>n &lt; 3</bpmn:loopCondition></bpmn:standardLoopCharacteristics>'
            '<bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>' + END + chain("start", "tael", "slut"),
            ["start", "tael", "slut"]), [], start_data={"n": 0}, end_data={"n": 3}),
        Case("loop through a gateway", proc(
            START + '<bpmn:exclusiveGateway id="igen"/>' + user("forsoeg") + script("tael", "n = n + 1")
            + '<bpmn:exclusiveGateway id="nok" default="f_tilbage"/>' + END
            + chain("start", "igen", "forsoeg", "tael", "nok") + flow("f_tilbage", "nok", "igen")
            + flow("f_ud", "nok", "slut", "n &gt;= 2"), ["start", "igen", "forsoeg", "tael", "nok", "slut"]),
            [("complete", "forsoeg", {}), ("complete", "forsoeg", {})], start_data={"n": 0}, end_data={"n": 2}),
        Case("data objects", proc(
            '<bpmn:dataObject id="plan"/><bpmn:dataObjectReference id="plan_ref" dataObjectRef="plan"/>'
            + START + '<bpmn:scriptTask id="skriv" scriptFormat="python"><bpmn:dataOutputAssociation id="out">'
              '<bpmn:targetRef>plan_ref</bpmn:targetRef></bpmn:dataOutputAssociation>'
              '<bpmn:script>plan = "klar"</bpmn:script></bpmn:scriptTask>'
            + '<bpmn:scriptTask id="laes" scriptFormat="python"><bpmn:dataInputAssociation id="in">'
              '<bpmn:sourceRef>plan_ref</bpmn:sourceRef></bpmn:dataInputAssociation>'
              '<bpmn:script>status = plan</bpmn:script></bpmn:scriptTask>'
            + END + chain("start", "skriv", "laes", "slut"), ["start", "skriv", "laes", "slut"]),
            [], end_data={"status": "klar"}),
        Case("business rule task (DMN)", proc(
            START + '<bpmn:businessRuleTask id="regel" camunda:decisionRef="niveau"/>' + END
            + chain("start", "regel", "slut"), ["start", "regel", "slut"]), [], start_data={"alder": 15},
            files={"niveau.dmn": DMN}, end_data={"niveau": "ung"}),
        Case("terminate end event", proc(
            START + '<bpmn:parallelGateway id="split"/>' + user("a") + user("b")
            + '<bpmn:endEvent id="stop"><bpmn:terminateEventDefinition/></bpmn:endEvent><bpmn:endEvent id="e2"/>'
            + chain("start", "split") + flow("f1", "split", "a") + flow("f2", "split", "b") + chain("a", "stop")
            + chain("b", "e2"), ["start", "split", "a", "b", "stop", "e2"]), [("complete", "a", {})]),
    ]
    return found
