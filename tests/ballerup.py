"""Ballerup's course, small: a municipality's own role (``Tovholder``) names the lane, and a script
narrows the lane to the person chosen at the first step (``lane_owners``), as in spiff-arena."""
from __future__ import annotations

import json

from tests.small_diagrams import diagram, lane, linear

KEY = "ballerup"
ROLE = "tovholder"

FORDEL = {"type": "object", "properties": {
    "tovholder": {"type": "string", "title": "Tovholder", "x-user-role": ROLE},
    "note": {"type": "string"}}, "required": ["tovholder"]}
SAMTALE = {"type": "object", "properties": {"referat": {"type": "string"}}, "required": ["referat"]}
PLAN = {"type": "object", "properties": {"maal": {"type": "string"}}, "required": ["maal"]}


def files() -> dict[str, bytes]:
    body = linear(
        '<bpmn:userTask id="fordel" name="Fordel tovholder" camunda:formKey="fordel"/>',
        '<bpmn:scriptTask id="saet_tovholder" name="Sæt tovholder" scriptFormat="python">'
        '<bpmn:script>lane_owners = {"Tovholder": [tovholder]}</bpmn:script></bpmn:scriptTask>',
        '<bpmn:userTask id="samtale" name="Første samtale" camunda:formKey="samtale"/>',
        '<bpmn:userTask id="plan" name="Plan" camunda:formKey="plan"/>',
        lanes=lane("Lane_Tovholder", "Tovholder", "start", "fordel", "saet_tovholder", "samtale", "plan", "end"))
    return {"ballerup.bpmn": diagram(body, process_id=KEY).encode(),
            "forms/fordel.json": json.dumps(FORDEL).encode(),
            "forms/samtale.json": json.dumps(SAMTALE).encode(),
            "forms/plan.json": json.dumps(PLAN).encode()}
