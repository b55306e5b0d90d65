"""The in-memory floor: plain SpiffWorkflow completing the same follow-up task, with a JSON round trip.

The processes are parsed as the engine parses them (``engine.definitions.library.parse_files``), and a
BpmnWorkflow is run in memory to the first follow-up task. One floor iteration is what one
completion must do at the least: restore the workflow from JSON, complete the follow-up task, run
the engine to its next wait, and write the workflow back to JSON, with SpiffWorkflow's stock
``BpmnWorkflowSerializer`` (``deserialize_json`` / ``serialize_json``; its stock workflow converter
stores the spec inside the JSON). The script engine is SpiffWorkflow's stock ``PythonScriptEngine``
with the clock the engine's timer specs read.

Two more in-memory figures help read the engine's number: the same iteration with the engine's
own pieces (its sandboxed script engine and its state-only, pruning serializer), and a
SpiffWorkflow-only iteration without any JSON.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from bench.stats import Samples
from bench.world import PROCESSES, START
from engine.bpmn.scripting import ScriptEngine, add_years
from engine.bpmn.serializer import StateSerializer, UserTaskConverter
from engine.bpmn.specs import ClockCycle, ClockDuration, ClockTimeDate, UserTask
from engine.definitions.library import parse_files
from engine.definitions.process_files import files_from_paths
from engine.platform.clock import FrozenClock
from web.sample_forms import ACCEPT, PLAN, REFERRAL, SELF_ASSESSMENT, follow_up, k_meeting


@dataclass
class FloorFigures:
    stock: Samples            # the floor: stock serializer, stock script engine
    engine_pieces: Samples    # engine's sandboxed script engine + state-only serializer, no database
    no_json: Samples          # complete + do_engine_steps only
    stock_json_bytes: int
    state_json_bytes: int


class ClockedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's stock script engine, carrying the clock the engine's timer specs ask for."""

    def __init__(self, clock: FrozenClock) -> None:
        super().__init__()
        self.clock = clock


def stock_serializer() -> BpmnWorkflowSerializer:
    """SpiffWorkflow's stock serializer, told about the engine's task and timer spec classes."""
    config = deepcopy(CAMUNDA_CONFIG)
    # The engine's parser makes plain BPMN message definitions; the registry keys converters by class
    # name, so Camunda's converter of the same name must give way to the default one.
    config = {cls: conv for cls, conv in config.items() if cls.__name__ != "MessageEventDefinition"}
    config[MessageEventDefinition] = DEFAULT_CONFIG[MessageEventDefinition]
    config[UserTask] = UserTaskConverter
    for timer in (ClockTimeDate, ClockDuration, ClockCycle):
        config[timer] = TimerConditionalEventDefinitionConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


def _complete(workflow: BpmnWorkflow, element: str, data: dict[str, Any]) -> None:
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == element)
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()


def workflow_at_follow_up(script_engine: Any, clock: FrozenClock) -> BpmnWorkflow:
    parsed = parse_files(files_from_paths([PROCESSES])).processes["samarbejdsmodel"]
    workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=script_engine)
    birthdate = (START - timedelta(days=int(16 * 365.25))).date()
    workflow.get_tasks(state=TaskState.READY)[0].data.update(
        {"youth_id": 1, "birthdate": birthdate.isoformat(), "birthdate_25": add_years(birthdate, 25)})
    workflow.do_engine_steps()
    for element, data in (("henvisning", REFERRAL), ("k_moede", k_meeting("guide01", "ks01")),
                          ("accepter_guide", ACCEPT), ("uddannelsesplan", PLAN)):
        _complete(workflow, element, data)
    clock.advance(days=92)
    workflow.refresh_timers()
    workflow.do_engine_steps()
    _complete(workflow, "forbered_opfoelgning", SELF_ASSESSMENT)  # the young person prepares the follow-up
    assert any(t.task_spec.bpmn_id == "opfoelgning" for t in workflow.get_tasks(state=TaskState.READY, manual=True))
    return workflow


def _time(runs: int, one: Callable[[], None]) -> Samples:
    for _ in range(min(50, runs)):   # warm up caches (compiled expressions, imports)
        one()
    samples = Samples()
    for _ in range(runs):
        start = time.perf_counter()
        one()
        samples.add(time.perf_counter() - start)
    return samples


def measure(runs: int = 1000) -> FloorFigures:
    data = follow_up(False)

    clock = FrozenClock(START)
    stock = stock_serializer()
    stock_engine = ClockedScriptEngine(clock)
    snapshot = stock.serialize_json(workflow_at_follow_up(stock_engine, clock))

    def floor_once() -> None:
        workflow = stock.deserialize_json(snapshot)
        workflow.script_engine = stock_engine
        _complete(workflow, "opfoelgning", data)
        stock.serialize_json(workflow)

    engine_clock = FrozenClock(START)
    engine_script = ScriptEngine(engine_clock)
    parsed = parse_files(files_from_paths([PROCESSES])).processes["samarbejdsmodel"]
    state_serializer = StateSerializer()
    state = state_serializer.dumps(workflow_at_follow_up(engine_script, engine_clock))

    def engine_pieces_once() -> None:
        workflow = state_serializer.loads(state, parsed.spec, parsed.subprocess_specs)
        workflow.script_engine = engine_script
        _complete(workflow, "opfoelgning", data)
        state_serializer.dumps(workflow)

    def no_json_once() -> None:
        # Restoring costs no JSON here: a deep copy of the dict form, restored outside the timing would
        # hide nothing, so restore from the dict and time only the SpiffWorkflow work.
        workflow = stock.from_dict(deepcopy(snapshot_dict))  # from_dict consumes its argument
        workflow.script_engine = stock_engine
        started = time.perf_counter()
        _complete(workflow, "opfoelgning", data)
        no_json_samples.add(time.perf_counter() - started)

    snapshot_dict = json.loads(snapshot)
    no_json_samples = Samples()
    stock_samples = _time(runs, floor_once)
    engine_samples = _time(runs, engine_pieces_once)
    _time(runs, no_json_once)
    no_json_samples.values = no_json_samples.values[-runs:]
    return FloorFigures(stock_samples, engine_samples, no_json_samples, len(snapshot.encode()), len(state))
