"""Task and event specs that carry what Samspil needs beyond SpiffWorkflow's defaults."""
from __future__ import annotations

from copy import deepcopy
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import EventSubprocess as DefaultEventSubprocess
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask as DefaultServiceTask
from SpiffWorkflow.bpmn.specs.defaults import UserTask as DefaultUserTask
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)


class UserTask(DefaultUserTask):
    """A user task that knows its form key and who may act on it.

    ``form_key`` comes from ``camunda:formKey`` or spiff-arena's ``formJsonSchemaFilename``
    (with neither, the task id). ``assignee``, ``candidate_users`` and ``candidate_groups`` come
    from the Camunda attributes of the same names; ``due_date`` from ``camunda:dueDate``.
    """

    def __init__(self, wf_spec: Any, bpmn_id: str, form_key: str | None = None, assignee: str | None = None,
                 candidate_users: list[str] | None = None, candidate_groups: list[str] | None = None,
                 due_date: str | None = None, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.form_key = form_key
        self.assignee = assignee
        self.candidate_users = candidate_users or []
        self.candidate_groups = candidate_groups or []
        self.due_date = due_date


def _now(my_task: Any) -> datetime:
    return my_task.workflow.script_engine.clock.now()


class ClockTimeDate(TimeDateEventDefinition):
    """A timeDate timer that asks the engine clock for "now"."""

    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = str(my_task.workflow.script_engine.evaluate(my_task, self.expression))
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.parse_time_or_duration(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockDuration(DurationTimerEventDefinition):
    """A timeDuration timer that starts and fires by the engine clock."""

    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parsed = TimerEventDefinition.parse_iso_duration(expression)
            start = _now(my_task)
            event_value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            # When it started: moving a course to a changed definition may count again from here.
            my_task._set_internal_data(event_value=event_value, started_at=start.isoformat())
        if TimerEventDefinition.get_datetime(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockCycle(CycleTimerEventDefinition):
    """A timeCycle timer that counts its cycles by the engine clock."""

    def cycle_complete(self, my_task: Any) -> bool:
        now = _now(my_task)
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(expression)
            parts = expression.upper().replace("--", "/").strip("R").split("/")
            if len(parts) == 2 and parts[1].startswith("P"):
                start = now + duration  # a bare interval starts counting from now, by our clock
            event_value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now:
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


TIMER_CLASSES = {"timeDate": ClockTimeDate, "timeDuration": ClockDuration, "timeCycle": ClockCycle}


class ServiceTask(DefaultServiceTask):
    """A service task that calls a named connector (:mod:`engine.bpmn.connectors`) with its parameters."""

    def __init__(self, wf_spec: Any, bpmn_id: str, connector: str | None = None,
                 parameters: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.connector = connector
        self.parameters = dict(parameters or {})

    def _execute(self, my_task: Any) -> bool:
        from engine.bpmn import connectors  # the registry reads settings; specs stay importable without them
        my_task.data.update(connectors.run(self.connector or "", self.bpmn_id, self.parameters, my_task.data,
                                           str(my_task.id)))
        return True


class EventSubprocess(DefaultEventSubprocess):
    """An event sub-process that starts with the course's data as it stands when its event comes.

    BPMN gives an event sub-process its parent's data. SpiffWorkflow hangs the trigger under the
    process's start task and copies *that* task's data: a task in the sub-process would see the course
    as it began, without its people (``lane_owners``: the coordinating caseworker's task would go to
    every holder of the role) or its plan. Here the copy is of the main path's latest data, as the case
    page reads it. When the sub-process ends, what it added comes back; what the main path holds is
    kept as the main path has it meanwhile (a side path adds to the course's data, it does not roll
    the main path back).
    """

    def copy_data(self, my_task: Any, subworkflow: Any) -> None:
        start = subworkflow.get_next_task(spec_name="Start")
        start.set_data(**deepcopy(_main_data(my_task)))

    def update_data(self, my_task: Any, subworkflow: Any) -> None:
        added = deepcopy(subworkflow.last_task.data) if subworkflow.last_task is not None else {}
        my_task.data = {**added, **deepcopy(_main_data(my_task))}


def _main_data(my_task: Any) -> dict[str, Any]:
    """The data of the latest step of the workflow the event sub-process belongs to (its own task's otherwise)."""
    latest = my_task.workflow.last_task
    return dict(latest.data if latest is not None and latest is not my_task else my_task.data)
