"""The diagram conventions README.md promises ("Diagram conventions the engine honours"), each run by the engine."""
from __future__ import annotations

import json

import pytest

from engine.courses import events, instances
from engine.definitions import deployment
from engine.people import youths
from engine.people.access import Actor
from engine.platform.errors import Forbidden, InvalidInput
from engine.work import tasks
from tests.conftest import COORDINATOR, OWNER
from tests.diagrams import flow, process

SARA = Actor("sara", frozenset({"sagsbehandler"}))
BO = Actor("bo", frozenset({"sagsbehandler"}))

# Ids SpiffWorkflow uses itself (Start, End, Root), a Camunda form key, a spiff-arena form property,
# a plain ISO 8601 timer, an assignee expression, a candidate group, a due date, and a lane name
# in other case than the role.
CONVENTIONS = process("konventioner", (
    '<bpmn:startEvent id="Start"/>'
    '<bpmn:userTask id="Root" name="Camunda-formular" camunda:formKey="skema_a"/>'
    '<bpmn:userTask id="spiff" name="Spiff-formular"><bpmn:extensionElements><spiffworkflow:properties>'
    '<spiffworkflow:property name="formJsonSchemaFilename" value="skema-b.json"/></spiffworkflow:properties>'
    '</bpmn:extensionElements></bpmn:userTask>'
    '<bpmn:intermediateCatchEvent id="vent"><bpmn:timerEventDefinition><bpmn:timeDuration '
    'xsi:type="bpmn:tFormalExpression">PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
    '<bpmn:userTask id="personlig" name="Personlig" camunda:assignee="${ansvarlig}" camunda:dueDate="P5D"/>'
    '<bpmn:userTask id="gruppe" name="Til koordinator" camunda:candidateGroups="ungekoordinator"/>'
    '<bpmn:endEvent id="End"/>'
    + flow("f1", "Start", "Root") + flow("f2", "Root", "spiff") + flow("f3", "spiff", "vent")
    + flow("f4", "vent", "personlig") + flow("f5", "personlig", "gruppe") + flow("f6", "gruppe", "End")),
    {"Sagsbehandler": ["Start", "Root", "spiff", "vent", "personlig", "gruppe", "End"]})
FORMS = {"skema_a.json": json.dumps({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}),
         "skema-b.json": json.dumps({"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}})}


@pytest.fixture
def instance(engine):
    deployment.deploy(engine.uow(), {"konventioner.bpmn": CONVENTIONS, **FORMS}, OWNER)
    youth = youths.create_youth(engine.uow(), SARA, "Ung", "2009-01-01")
    return instances.start_instance(engine.uow(), SARA, "konventioner", youth["id"], {"ansvarlig": "sara"})


def only_task(view):
    ready = [t for t in view["tasks"] if t["state"] == "ready"]
    assert len(ready) == 1, ready
    return ready[0]


def test_reserved_ids_run_and_keep_their_own_element_ids(engine, instance):
    task = only_task(instance)
    assert (task["element_id"], task["role"]) == ("Root", "sagsbehandler")
    history = instances.get_instance(engine.uow(), COORDINATOR, instance["id"])["history"]
    assert history[1]["element_id"] == "Start"


def test_camunda_form_keys_and_spiff_form_properties_select_the_form(engine, instance):
    task = only_task(instance)
    assert task["form"] == "skema_a"
    with pytest.raises(InvalidInput):
        tasks.complete_task(engine.uow(), SARA, task["id"], {"b": 1})
    after = tasks.complete_task(engine.uow(), SARA, task["id"], {"a": "x"})
    spiff = only_task(after)
    assert spiff["form"] == "skema-b"
    with pytest.raises(InvalidInput):
        tasks.complete_task(engine.uow(), SARA, spiff["id"], {"b": "not a number"})


def test_a_plain_iso_duration_timer_waits_that_long_by_the_engine_clock(engine, clock, instance):
    task = only_task(instance)
    after = tasks.complete_task(engine.uow(), SARA, task["id"], {"a": "x"})
    tasks.complete_task(engine.uow(), SARA, only_task(after)["id"], {"b": 1})
    clock.advance(hours=1, minutes=59)
    assert events.fire_due_timers(engine) == 0
    clock.advance(minutes=2)
    assert events.fire_due_timers(engine) == 1
    view = instances.get_instance(engine.uow(), COORDINATOR, instance["id"])
    personal = only_task(view)
    assert personal["element_id"] == "personlig"
    assert personal["assignee"] == "sara"
    assert personal["due_at"] == (clock.now().replace(microsecond=0) + __import__("datetime").timedelta(days=5)).isoformat()


def test_assignee_narrows_a_task_to_one_person_and_candidate_groups_hand_it_to_a_role(engine, clock, instance):
    task = only_task(instance)
    after = tasks.complete_task(engine.uow(), SARA, task["id"], {"a": "x"})
    tasks.complete_task(engine.uow(), SARA, only_task(after)["id"], {"b": 1})
    clock.advance(hours=3)
    events.fire_due_timers(engine)
    personal = only_task(instances.get_instance(engine.uow(), COORDINATOR, instance["id"]))
    with pytest.raises(Forbidden):
        tasks.complete_task(engine.uow(), BO, personal["id"], {})
    after = tasks.complete_task(engine.uow(), SARA, personal["id"], {})
    group = only_task(after)
    assert (group["element_id"], group["role"]) == ("gruppe", "ungekoordinator")
    with pytest.raises(Forbidden):
        tasks.complete_task(engine.uow(), SARA, group["id"], {})
    assert tasks.complete_task(engine.uow(), COORDINATOR, group["id"], {})["status"] == "completed"
