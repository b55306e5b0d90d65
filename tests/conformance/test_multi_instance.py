"""Multi-instance of each kind, deployed and driven to its end through the REST API (issue 18)."""
from __future__ import annotations

import pytest

from tests.conformance.drive import deploy, drive, form, one_task_process, start, view

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"


def standard(sequential: bool, condition: str = "") -> str:
    """One user task per department, written as standard BPMN (and spiff-arena) writes it."""
    return one_task_process("mi", (
        '<bpmn:userTask id="svar" name="Svar">'
        f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}">'
        '<bpmn:loopDataInputRef>afdelinger</bpmn:loopDataInputRef>'
        '<bpmn:loopDataOutputRef>svar_liste</bpmn:loopDataOutputRef>'
        '<bpmn:inputDataItem id="afdeling" name="afdeling"/><bpmn:outputDataItem id="svar_item" name="svar_item"/>'
        + (f'<bpmn:completionCondition>{condition}</bpmn:completionCondition>' if condition else "")
        + '</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>'), "svar")


@pytest.mark.parametrize("sequential", [False, True], ids=["parallel", "sequential"])
def test_standard_multi_instance_makes_one_task_per_item_and_collects_the_answers(api, sequential):
    deploy(api, {"mi.bpmn": standard(sequential), "svar.json": form("svar_item")})
    instance = start(api, "mi", {"afdelinger": ["skole", "psykiatri", "jobcenter"]})
    opened = len([t for t in instance["tasks"] if t["state"] == "ready"])
    assert opened == (1 if sequential else 3)
    done = drive(api, instance["id"], lambda task: {"svar_item": f"svar {task['id'][:4]}"})
    assert done == ["svar"] * 3
    finished = view(api, instance["id"])
    assert finished["status"] == "completed"
    assert len(finished["data"]["svar_liste"]) == 3


def test_a_completion_condition_ends_the_multi_instance_early(api):
    deploy(api, {"mi.bpmn": standard(True, "svar_item == 'nok'"), "svar.json": form("svar_item")})
    instance = start(api, "mi", {"afdelinger": ["skole", "psykiatri", "jobcenter"]})
    assert drive(api, instance["id"], lambda task: {"svar_item": "nok"}) == ["svar"]
    assert view(api, instance["id"])["status"] == "completed"


@pytest.mark.parametrize("sequential", [False, True], ids=["parallel", "sequential"])
def test_camunda_multi_instance_over_a_collection_still_runs(api, sequential):
    diagram = one_task_process("mi", (
        '<bpmn:userTask id="svar" name="Svar">'
        f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}" '
        'camunda:collection="afdelinger" camunda:elementVariable="afdeling"/></bpmn:userTask>'), "svar")
    deploy(api, {"mi.bpmn": diagram})
    instance = start(api, "mi", {"afdelinger": ["skole", "psykiatri"]})
    assert drive(api, instance["id"]) == ["svar", "svar"]
    assert view(api, instance["id"])["status"] == "completed"


def test_a_cardinality_makes_that_many_tasks(api):
    diagram = one_task_process("mi", (
        '<bpmn:userTask id="svar" name="Svar"><bpmn:multiInstanceLoopCharacteristics>'
        '<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>'), "svar")
    deploy(api, {"mi.bpmn": diagram})
    instance = start(api, "mi")
    assert drive(api, instance["id"]) == ["svar", "svar"]
    assert view(api, instance["id"])["status"] == "completed"
