"""Putting a waiting course on a new version's specs without losing anything it holds.

SpiffWorkflow's ``migrate_workflow`` resets every ready and waiting task with ``reset_branch``,
which copies the *parent's* data into the task and clears its internal data. Our stored state is
pruned (``engine.bpmn.serializer.prune_history``): a waiting task hangs right under the root, whose
data is the course's start data. Resetting there wiped the referral, minutes, ``lane_owners`` and
plan, and cleared each timer's stored due date, so timers restarted from the moment of the move.

Here a reset task keeps its own data and internal data (a timer's ``event_value`` is its due
date). Only its predicted children are rebuilt from the new spec, so the course follows the new
version's paths from where it stands. Task ids stay, so each open task keeps its row, claim and people.

**Timers whose definition changed** (``timer_rule``):
- ``keep`` (the default): the due date stays as it was. Nothing a young person waits for moves;
  a due date that has passed fires with the move, as it would have at the worker's next pass.
- ``from_start``: the due date is worked out again with the new definition from when that timer
  *started* (never from the moment of the move); a date already past fires at once.
  A ``timeDate`` is evaluated again; a ``timeCycle`` keeps its count and next date either way.
"""
from __future__ import annotations

from copy import deepcopy
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.util.task import TaskState

KEEP, FROM_START = "keep", "from_start"
TIMER_RULES = (KEEP, FROM_START)
RESET = TaskState.READY | TaskState.WAITING


def processes(workflow: Any) -> list[tuple[Any, str | None]]:
    """The workflow and each live subprocess, with the spec name their alignment is under."""
    return [(workflow, None), *((sub, sub.spec.name) for sub in workflow.subprocesses.values())]


def move_workflow(workflow: Any, alignments: dict[str | None, dict[Any, Any] | None], new_spec: Any,
                  new_subprocess_specs: dict[str, Any], timer_rule: str = KEEP) -> None:
    """Put the workflow (checked movable) on the new specs; ``alignments``: spec name -> old spec -> new."""
    for process, name in processes(workflow):
        target = new_spec if name is None else new_subprocess_specs.get(name)
        _move_process(process, alignments.get(name) or {}, target, timer_rule)
    workflow.subprocess_specs = new_subprocess_specs
    # Reset tasks were re-registered with the event manager; dropped ones must not linger there.
    workflow.event_manager.tasks = {t.id: t for t in workflow.get_tasks(state=TaskState.WAITING)
                                    if isinstance(t.task_spec, CatchingEvent)}


def _move_process(process: Any, alignment: dict[Any, Any], spec: Any, timer_rule: str) -> None:
    process.spec = spec
    old_specs: dict[Any, Any] = {}
    for task in process.tasks.values():
        target = alignment.get(task.task_spec)
        if target is not None:
            old_specs[task.id] = task.task_spec
            task.task_spec = target
    for task in list(process.get_tasks(state=RESET, skip_subprocesses=True)):
        if task.id in process.tasks:  # an earlier reset may have dropped it
            _reset_keeping(task, old_specs.get(task.id), timer_rule)
    if process.last_task is not None and process.last_task.id not in process.tasks:
        process.last_task = None


def _reset_keeping(task: Any, old_spec: Any, timer_rule: str) -> None:
    """``Task.reset_branch`` that keeps the task's own data and (a timer's due date) internal data."""
    data = deepcopy(task.data)
    internal = deepcopy(task.internal_data)
    if timer_rule == FROM_START and old_spec is not None:
        internal = _recomputed(task, old_spec, internal)
    task._drop_children(force=True)
    task._set_state(TaskState.FUTURE)
    task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)
    task.internal_data = internal
    task.data = data
    task.task_spec._update(task)  # becomes ready or waiting again; it merges in the parent's data,
    task.data = data              # which is older than the task's own


def timer_changed(old_spec: Any, new_spec: Any) -> bool:
    """Whether a timer's definition (kind or expression) differs between the versions."""
    old, new = getattr(old_spec, "event_definition", None), getattr(new_spec, "event_definition", None)
    if not isinstance(old, TimerEventDefinition) or not isinstance(new, TimerEventDefinition):
        return False
    return type(old) is not type(new) or old.expression != new.expression


def _recomputed(task: Any, old_spec: Any, internal: dict[str, Any]) -> dict[str, Any]:
    new_definition = getattr(task.task_spec, "event_definition", None)
    if new_definition is None or not timer_changed(old_spec, task.task_spec) or "event_value" not in internal \
            or isinstance(new_definition, CycleTimerEventDefinition):
        return internal
    evaluate = task.workflow.script_engine.evaluate
    try:
        if isinstance(new_definition, TimeDateEventDefinition):
            return {**internal, "event_value": str(evaluate(task, new_definition.expression))}
        started = started_at(task, old_spec.event_definition, internal)
        duration = TimerEventDefinition.parse_iso_duration(evaluate(task, new_definition.expression))
        due = started + TimerEventDefinition.get_timedelta_from_start(duration, started)
    except Exception:  # an expression that cannot be evaluated here keeps the due date it had
        return internal
    return {**internal, "event_value": due.isoformat(), "started_at": started.isoformat()}


def started_at(task: Any, old_definition: Any, internal: dict[str, Any]) -> datetime:
    """When a duration timer started: stored since this release, else its due date less its duration."""
    if internal.get("started_at"):
        return TimerEventDefinition.get_datetime(internal["started_at"])
    due = TimerEventDefinition.get_datetime(internal["event_value"])
    if isinstance(old_definition, TimeDateEventDefinition):
        return due
    duration = TimerEventDefinition.parse_iso_duration(
        task.workflow.script_engine.evaluate(task, old_definition.expression))
    return due - TimerEventDefinition.get_timedelta_from_end(duration, due)


def waiting_timers(workflow: Any) -> dict[Any, tuple[Any, str | None]]:
    """Each waiting timer task id -> (its task, its due date as stored)."""
    found = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            value = task.internal_data.get("event_value")
            found[task.id] = (task, value if isinstance(value, str) else None)
    return found
