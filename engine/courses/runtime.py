"""Loading, running and saving one instance's workflow inside a unit of work.

Every operation that moves an instance goes: load the row (locked), restore the workflow with the
version's parsed spec, let SpiffWorkflow run to its next wait, then save the state together with
the task rows, the event rows and the instance's plain columns, in the same transaction. Nothing
is written before the run (:func:`engine.platform.uow.while_code_runs`): diagram code runs with no write
lock held on SQLite. :func:`engine.courses.moving.moving` strings these steps together, once.
"""
from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import ScalarSelect, insert, select

from engine.bpmn import budget, connectors
from engine.courses import notices
from engine.courses.assignment import move_row, new_task_row
from engine.dashboard import facts
from engine.definitions.library import ParsedProcess
from engine.platform.errors import NotFound
from engine.platform.messages import Message
from engine.platform.models import InstanceEvent, ProcessInstance, ProcessVersion, Task, TaskCandidate

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

log = logging.getLogger(__name__)
BY_CALLER = object()  # Run.record's default: the event is the caller's doing


@dataclass
class Run:
    """A loaded instance with its workflow, and what happened to it during this operation."""

    instance: ProcessInstance
    workflow: BpmnWorkflow
    process: ParsedProcess
    username: str | None
    now: datetime
    events: list[dict[str, Any]] = field(default_factory=list)   # instance_events rows to insert
    finished_task_ids: set[str] = field(default_factory=set)
    open_tasks: list[Task] = field(default_factory=list)     # the instance's ready task rows after save
    open_rows: list[Task] | None = None                       # ready task rows as loaded, if loaded
    mails: list[connectors.OwedMail] = field(default_factory=list)   # owed by mail service tasks; save writes them

    def record(self, kind: str, task: Any = None, detail: dict[str, Any] | None = None,
               username: str | None | object = BY_CALLER) -> None:
        """An event for ``task``'s element; by whoever called the operation unless ``username`` says otherwise."""
        spec = task.task_spec if task is not None else None
        self.record_row(kind, getattr(spec, "bpmn_id", None), getattr(spec, "bpmn_name", None),
                        type(spec).__name__ if spec is not None else None,
                        str(task.id) if task is not None else None,
                        self.username if username is BY_CALLER else username, detail)  # type: ignore[arg-type]

    def record_row(self, kind: str, element_id: str | None, name: str | None, element_type: str | None,
                   task_id: str | None, username: str | None, detail: dict[str, Any] | None = None) -> None:
        self.events.append({"instance_id": self.instance.id, "youth_id": self.instance.youth_id, "at": self.now,
                            "kind": kind, "element_id": element_id, "name": name, "element_type": element_type,
                            "task_id": task_id, "username": username, "detail": detail})


def process_for(uow: UnitOfWork, version_id: int) -> tuple[ProcessVersion | None, ParsedProcess]:
    """The parsed process of a version, from the in-memory library when it is there."""
    library = uow.library
    cached = library.peek(version_id)
    if cached is not None:
        return None, cached
    version = uow.session.get(ProcessVersion, version_id)
    if version is None:
        raise NotFound(Message("engine.version.not_found"))
    return version, library.get(version.id, version.key, version.files, version.version)


def new_workflow(uow: UnitOfWork, process: ParsedProcess, data: dict[str, Any]) -> BpmnWorkflow:
    workflow = BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=uow.script_engine)
    start = workflow.get_tasks(state=TaskState.READY)[0]
    start.data.update(data)
    return workflow


def load_run(uow: UnitOfWork, instance_id: int | ScalarSelect[int], username: str | None) -> Run:
    """Lock the instance row and restore its workflow.

    ``instance_id`` may be a scalar subquery (the instance of a task): finding and locking the
    instance is then one round trip, and still only the instance row is locked.

    On PostgreSQL the lock is kept, on purpose, while the course's diagram code runs: it is one
    row lock on this one course, so it serialises only operations on the same course, which must
    be serialised anyway (two completions of one task: one wins, one event), and no other
    writer waits for it; the per-operation budget (:mod:`engine.bpmn.budget`) bounds how long.
    Optimistic-only would run the loser's diagram code in full only to throw it away with a 409.
    On SQLite ``FOR UPDATE`` is not emitted: there the unit of work begins DEFERRED and SQLite's
    snapshot check plays this part (:func:`engine.platform.uow.while_code_runs`); ``lock_version`` stays
    the last guard on both.
    """
    instance = uow.session.scalars(
        select(ProcessInstance).where(ProcessInstance.id == instance_id).with_for_update()).one_or_none()
    if instance is None:
        raise NotFound(Message("engine.instance.not_found"))
    _, process = process_for(uow, instance.process_version_id)
    workflow = uow.workflows.take(instance.id, instance.lock_version)
    if workflow is None:
        workflow = uow.serializer.loads(instance.state, process.spec, process.subprocess_specs)
    workflow.script_engine = uow.script_engine
    return Run(instance, workflow, process, username, uow.clock.now())


def advance(run: Run, first: Callable[[], Any] | None = None, at: Any = None) -> None:
    """Let the engine run to its next wait; anything a diagram makes go wrong puts the instance in error.

    ``first`` (completing a person's task, catching a message) runs under the same guard, ``at``
    being the task it concerns: SpiffWorkflow raises while completing it too (a data object no task
    has written, a correlation expression naming something the message lacks). Whatever is raised,
    the course stops in ``error`` at the element concerned with a catalog message, and the workflow
    keeps every step done before it: the failing task is put in ERROR (its unfinished children if it
    had itself completed), so a retry runs it again; a waiting catch event stays waiting. Never a 500.

    The run is bounded (:mod:`engine.bpmn.budget`): past the operation's engine steps or time, or its
    diagram code's total time, the instance stops in error after the last step, so the lock this
    operation holds is released in time. A retry continues from there with a fresh budget.
    """
    current = [at]
    with budget.operation() as spending, connectors.outbox() as owed:
        def starting(task: Any) -> None:
            current[0] = task

        def completed(task: Any) -> None:
            spending.step(task)
            spec = task.task_spec
            if getattr(spec, "bpmn_id", None) is None:
                return
            event_definition = getattr(spec, "event_definition", None)
            kind = "timer_fired" if isinstance(event_definition, TimerEventDefinition) else (
                "message_received" if isinstance(event_definition, MessageEventDefinition)
                and isinstance(spec, CatchingEvent) else "step_completed")
            # A message is someone's doing (a drop-out reported): it is credited to them; the rest to the system.
            run.record(kind, task, username=run.username if kind == "message_received" else None)

        try:
            if first is not None:
                first()
            run.workflow.do_engine_steps(will_complete_task=starting, did_complete_task=completed)
        except budget.BudgetExceeded as stopped:
            _stop(run, stopped.task, str(stopped.message))
        except WorkflowException as error:
            task = getattr(error, "task", None) or current[0]
            _hold(task)
            _stop(run, task, _error_text(error))
        except Exception as error:  # any diagram can make SpiffWorkflow or an expression raise anything
            task = _task_raising(error) or current[0]
            _hold(task)
            _stop(run, task, Message("engine.run.failed", kind=type(error).__name__, reason=_first_line(error)))
        finally:
            run.mails.extend(owed)  # a mail task that completed stands, like every step before an error


def _task_raising(error: BaseException) -> Any:
    """The innermost SpiffWorkflow task the failing code was working on (its specs call it ``my_task``).

    A task's completion updates its children, so the one that raised is often not the one that ran.
    """
    found = None
    trace = error.__traceback__
    while trace is not None:
        candidate = trace.tb_frame.f_locals.get("my_task")
        if candidate is not None and hasattr(candidate, "task_spec") and hasattr(candidate, "has_state"):
            found = candidate
        trace = trace.tb_next
    return found


def _hold(task: Any) -> None:
    """Keep the failed step for a retry: the task itself in ERROR, or what it had not yet reached."""
    if task is None or task.has_state(TaskState.WAITING | TaskState.ERROR | TaskState.CANCELLED):
        return
    if not task.has_state(TaskState.COMPLETED):
        task._set_state(TaskState.ERROR)
        return
    for child in task.children:  # a branch not taken (MAYBE, LIKELY) stays as it is
        if child.has_state(TaskState.FUTURE):
            child._set_state(TaskState.ERROR)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else "")[:300]


def _stop(run: Run, task: Any, message: str) -> None:
    element = getattr(getattr(task, "task_spec", None), "bpmn_id", None)
    run.instance.status = "error"
    run.instance.error_message = message
    run.instance.error_element_id = element
    run.record("instance_error", task, {"message": run.instance.error_message}, username=None)
    log.warning("instance %s stopped with an error at element %s", run.instance.id, element)


def _error_text(error: WorkflowException) -> str:
    text = str(error.args[0]) if error.args else type(error).__name__
    notes = getattr(error, "notes", None) or getattr(error, "__notes__", None) or []
    return " ".join([text, *notes])[:2000]


def save(uow: UnitOfWork, run: Run) -> None:
    """Write state, plain columns, task rows and event rows for this run (not yet committed)."""
    workflow, instance = run.workflow, run.instance
    before = (instance.status, instance.data)
    instance.data = _data_snapshot(workflow)
    if instance.status != "error":
        instance.status = "completed" if workflow.is_completed() else "running"
        instance.error_message = instance.error_element_id = None
    if instance.status == "completed" and instance.completed_at is None:
        instance.completed_at = run.now
        run.record("instance_completed", username=None)
    instance.next_timer_at, instance.waiting_messages = waits(workflow)
    instance.waiting_elements = _waiting_elements(workflow)
    if instance.status != "running":
        instance.next_timer_at = None
    sync_tasks(uow, run, run.open_rows if run.open_rows is not None else load_open_rows(uow, run.instance.id))
    instance.state = uow.serializer.dumps(workflow)
    instance.updated_at = run.now
    # Plain Core inserts in one statement: history rows need no ORM identity, and there are several per step.
    if run.events:
        uow.session.execute(insert(InstanceEvent.__table__), run.events)
    notices.write_diagram_mails(uow, run)
    facts.record(uow, run, before)
    uow.after_commit(lambda: uow.workflows.put(instance.id, instance.lock_version, workflow))


def _data_snapshot(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The instance data as of the latest step: what the case page and the API show."""
    if workflow.is_completed():
        return copy.deepcopy(workflow.data)
    source = workflow.last_task
    if source is None:  # nothing has run yet: the first task that will (walking the tree only then)
        ready = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR)
        source = ready[0] if ready else workflow.task_tree
    return copy.deepcopy(source.data)


def waits(workflow: BpmnWorkflow) -> tuple[datetime | None, list[str]]:
    """The earliest waiting timer's due date and the messages the course waits for."""
    timers: list[datetime] = []
    messages: set[str] = set(event_subprocess_messages(workflow))
    for task in list(workflow.event_manager.tasks.values()):
        for definition in event_definitions(task.task_spec.event_definition):
            if isinstance(definition, TimerEventDefinition):
                value = definition.details(task).value
                if isinstance(value, (str, datetime)) and value:
                    timers.append(TimerEventDefinition.get_datetime(value) if isinstance(value, str) else value)
            elif isinstance(definition, MessageEventDefinition):
                messages.add(definition.name)
    return (min(timers) if timers else None), sorted(messages)


def event_definitions(definition: Any) -> list[Any]:
    """The definitions a waiting task catches: an event-based gateway's are those of its branches."""
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition] if definition is not None else []


def event_subprocess_messages(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Message name -> start event spec of the event subprocesses a running course can still start."""
    found: dict[str, Any] = {}
    if workflow.is_completed():
        return found
    for name in getattr(workflow.spec.start, "trigger_specs", []):
        spec = workflow.subprocess_specs.get(name)
        for start in getattr(spec, "bpmn_start_events", []):
            if isinstance(start.event_definition, MessageEventDefinition):
                found.setdefault(start.event_definition.name, start)
    return found


def _waiting_elements(workflow: BpmnWorkflow) -> list[str]:
    """The catch events the course stands at (a timer or message in its path, not on a boundary)."""
    waiting = set()
    for task in list(workflow.event_manager.tasks.values()):
        parent = task.parent
        on_boundary = parent is not None and type(parent.task_spec).__name__ == "BoundaryEventSplit"
        element_id = getattr(task.task_spec, "bpmn_id", None)
        if element_id and not on_boundary:
            waiting.add(element_id)
    return sorted(waiting)


def sync_tasks(uow: UnitOfWork, run: Run, open_rows: list[Task]) -> None:
    """Make the task rows match the workflow's ready human tasks, given the rows open so far."""
    ready = {str(t.id): t for t in run.workflow.get_tasks(state=TaskState.READY, manual=True)}
    for row in open_rows:
        if row.state != "ready":
            continue
        if row.id not in ready and row.id not in run.finished_task_ids:
            row.state = "cancelled"
            row.completed_at = run.now
            run.record_row("task_cancelled", row.element_id, row.name, "UserTask", row.id, None)
        elif row.id in ready and row.process_version_id != run.instance.process_version_id:
            move_row(run, row, ready[row.id])
    known = {row.id for row in open_rows}
    run.open_tasks = [row for row in open_rows if row.id in ready and row.state == "ready"]
    for task_id, task in ready.items():
        if task_id not in known:
            run.open_tasks.append(new_task_row(uow, run, task))


def pending_candidates(uow: UnitOfWork, task: Task) -> set[str]:
    """The people a task row not yet written is narrowed to (from the session's pending rows)."""
    return {row.username for row in uow.session.new if isinstance(row, TaskCandidate) and row.task_id == task.id}


def load_open_rows(uow: UnitOfWork, instance_id: int) -> list[Task]:
    """The instance's ready task rows; the caller holds the instance's lock, so they cannot move."""
    return list(uow.session.scalars(select(Task).where(*_open_rows_of(instance_id))))


def load_open_rows_and_candidates(uow: UnitOfWork, instance_id: int) -> tuple[list[Task], dict[str, set[str]]]:
    """Like :func:`load_open_rows`, with the people each row is narrowed to, in the same round trip."""
    rows: dict[str, Task] = {}
    candidates: dict[str, set[str]] = {}
    query = (select(Task, TaskCandidate.username).outerjoin(TaskCandidate, TaskCandidate.task_id == Task.id)
             .where(*_open_rows_of(instance_id)))
    for row, username in uow.session.execute(query):
        rows[row.id] = row
        names = candidates.setdefault(row.id, set())
        if username is not None:
            names.add(username)
    return list(rows.values()), candidates


def _open_rows_of(instance_id: int) -> tuple[Any, ...]:
    return Task.instance_id == instance_id, Task.state == "ready"


def clear_errors(run: Run, data: dict[str, Any] | None) -> int:
    """Make errored tasks ready again from their input data (plus a correction), for a retry."""
    count = 0
    for task in run.workflow.get_tasks(state=TaskState.ERROR):
        task.data = copy.deepcopy(task.parent.data) if task.parent is not None else {}
        task.data.update(data or {})
        task._set_state(TaskState.READY)
        count += 1
    run.instance.status = "running"
    run.instance.error_message = run.instance.error_element_id = None
    return count

