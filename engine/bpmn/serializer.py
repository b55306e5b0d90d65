"""How an instance is stored: its own state only, and only the part of its past it still needs.

A process version is stored once (README.md, "How state is kept"), so the workflow converter leaves the spec out
and takes it back from the parsed process version when it loads. A course runs for years with a
follow-up loop, and SpiffWorkflow keeps every finished task (and a copy of its data); before each
save, :func:`prune_history` cuts the finished tasks that lie above every unfinished one, so the
stored state stays the same size however many rounds have run. The history people see lives in
event rows, not in the workflow.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter
from SpiffWorkflow.bpmn.serializer.helpers.spec import TaskSpecConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import EventSubprocess as DefaultEventSubprocess
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.specs import ClockCycle, ClockDuration, ClockTimeDate, EventSubprocess, ServiceTask, UserTask


class UserTaskConverter(TaskSpecConverter):
    """Serializes :class:`engine.bpmn.specs.UserTask` with its form key and people."""

    ATTRIBUTES: tuple[str, ...] = ("form_key", "assignee", "candidate_users", "candidate_groups", "due_date")

    def to_dict(self, spec: UserTask) -> dict[str, Any]:
        dct = self.get_default_attributes(spec)
        dct.update({name: getattr(spec, name) for name in self.ATTRIBUTES})
        return dct

    def from_dict(self, dct: dict[str, Any]) -> UserTask:
        return self.task_spec_from_dict(dct)


class ServiceTaskConverter(UserTaskConverter):
    """Serializes :class:`engine.bpmn.specs.ServiceTask` with its connector and parameters."""

    ATTRIBUTES = ("connector", "parameters")


# Tasks SpiffWorkflow expects (FUTURE) or imagines (LIKELY, MAYBE) hold a stale copy of their
# parent's data, which it replaces when they become ready (Task._inherit_data). Storing that copy
# is most of a waiting course's state; storing none changes nothing that runs.
PREDICTED = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE


class CompactTaskConverter(TaskConverter):
    """SpiffWorkflow's task converter, without the data of tasks that have not happened yet."""

    def to_dict(self, task: Any) -> dict[str, Any]:
        dct = super().to_dict(task)
        if task.has_state(PREDICTED) and task.parent is not None:
            dct["delta"] = {}
        return dct


class StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """A BpmnWorkflow converter that stores no spec; loading takes the specs as arguments."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: dict | None = None) -> BpmnWorkflow:
        dct = {**dct, "spec": None, "subprocess_specs": {}}
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _config() -> dict:
    config = deepcopy(CAMUNDA_CONFIG)
    config[UserTask] = UserTaskConverter
    config[ServiceTask] = ServiceTaskConverter
    config[EventSubprocess] = config[DefaultEventSubprocess]
    for timer in (ClockTimeDate, ClockDuration, ClockCycle):
        config[timer] = TimerConditionalEventDefinitionConverter
    config[BpmnWorkflow] = StateOnlyWorkflowConverter
    config[Task] = CompactTaskConverter
    return config


class StateSerializer:
    """Turns a live workflow into compact JSON bytes and back, given the version's specs."""

    def __init__(self) -> None:
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config()))

    def dumps(self, workflow: BpmnWorkflow) -> bytes:
        prune_history(workflow)
        registry = self.serializer.registry
        registry._encoder_mode = True
        try:
            dct = self.serializer.to_dict(workflow)
        finally:
            registry._encoder_mode = False
        dct[BpmnWorkflowSerializer.VERSION_KEY] = VERSION
        return orjson.dumps(dct, default=_json_default)

    def loads(self, state: bytes | str, spec: Any, subprocess_specs: dict) -> BpmnWorkflow:
        dct = orjson.loads(state)
        self.serializer.migrate(dct)
        return self.serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


# A task in ERROR is not done: an admin retries it, so it must survive pruning.
DONE = TaskState.COMPLETED | TaskState.CANCELLED


def prune_history(workflow: BpmnWorkflow) -> None:
    """Drop what no unfinished task can reach back to, in the workflow and each subprocess.

    Predicted tasks also forget their stale data (see :class:`CompactTaskConverter`), so a live
    workflow after a save is exactly what loading the saved state gives.
    """
    for process in [workflow, *workflow.subprocesses.values()]:
        _prune_above_common_ancestor(process)
        for task in process.tasks.values():
            if task.has_state(PREDICTED) and task.parent is not None:
                task.data = {}
    live_ids = set(workflow.tasks)
    for process in workflow.subprocesses.values():
        live_ids.update(process.tasks)
    for parent_id in [pid for pid in workflow.subprocesses if pid not in live_ids]:
        del workflow.subprocesses[parent_id]


def _prune_above_common_ancestor(process: Any) -> None:
    """Re-hang the deepest common ancestor of all unfinished tasks under the root; drop the rest.

    Everything below that ancestor (parallel branches, boundary events, waiting joins) is kept
    as it is, so SpiffWorkflow sees exactly the tasks it may still consult.
    """
    unfinished = [t for t in process.tasks.values() if not t.has_state(DONE)]
    root = process.task_tree
    if not unfinished or root is None:
        return
    common: list[UUID] | None = None
    for task in unfinished:
        path = _path_from_root(task)
        if common is None:
            common = path
        else:
            length = 0
            for a, b in zip(common, path, strict=False):  # the common prefix: lengths differ
                if a != b:
                    break
                length += 1
            common = common[:length]
        if len(common) <= 2:
            return
    assert common is not None
    keep_id = common[-1]
    keep = process.tasks[keep_id]
    if keep.parent is root:
        return
    chain = _join_inputs_above(process, common)
    if chain == common[1:-1]:
        return   # nothing to cut
    kept = {root.id, *chain}
    stack = [keep_id]
    while stack:
        task_id = stack.pop()
        kept.add(task_id)
        stack.extend(process.tasks[task_id]._children)
    for task_id in [t for t in process.tasks if t not in kept]:
        del process.tasks[task_id]
    # Data is stored as a delta against the parent, so re-parenting is exact: each kept task's
    # data is recomputed against its new parent's when it is serialized.
    above = root
    for task_id in [*chain, keep_id]:
        process.tasks[task_id]._parent = above.id
        above._children = [task_id]
        above = process.tasks[task_id]
    if process.last_task is not None and process.last_task.id not in kept:
        process.last_task = None


def _join_inputs_above(process: Any, common: list[UUID]) -> list[UUID]:
    """The ancestors a join still to come will look back at, nearest first: one per input of the join.

    A parallel or inclusive gateway in a loop (SpiffWorkflow's ``UnstructuredJoin``) counts an input
    as arrived by walking up from its next round's predicted task to an ancestor of that input's
    spec, which may lie many rounds back (the task before the loop). Cutting it away leaves the join
    waiting for a token that never comes. So the nearest ancestor of each input spec is kept, in a
    chain above the kept part: one task per input, however many rounds have run.
    """
    wanted: set[str] = set()
    stack = [common[-1]]
    while stack:
        task = process.tasks[stack.pop()]
        if isinstance(task.task_spec, UnstructuredJoin):
            wanted.update(spec.name for spec in task.task_spec.inputs)
        stack.extend(task._children)
    chain: list[UUID] = []
    for task_id in reversed(common[1:-1]):
        name = process.tasks[task_id].task_spec.name
        if name in wanted:
            wanted.discard(name)
            chain.append(task_id)
    return chain[::-1]


def _path_from_root(task: Any) -> list[UUID]:
    path = []
    node = task
    while node is not None:
        path.append(node.id)
        node = node.parent
    path.reverse()
    return path
