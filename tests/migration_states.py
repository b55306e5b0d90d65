"""Courses driven to every wait state a course can stand in, and what a move must leave as it was.

Used by the property tests of moving courses and by the browser test of the workbench.
"""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.bootstrap import Engine
from engine.courses import events, instances
from engine.courses.runtime import process_for
from engine.people import youths
from engine.platform.clock import FrozenClock
from engine.platform.models import ProcessInstance, Task, TaskCandidate
from engine.work import tasks
from tests import subprocess_diagram
from tests.conftest import CASEWORKER, COORDINATOR, GUIDE
from tests.course import (
    ACCEPT,
    DECLINE,
    REFERRAL,
    REFERRAL_OUTSIDE,
    complete,
    follow_up,
    k_meeting,
    prepare_follow_up,
    start_course,
    to_follow_up,
)


def default_course_states(engine: Engine, clock: FrozenClock) -> dict[str, int]:
    """One course of the default model at each of its wait states: state name -> instance id.

    Courses that need time to pass are driven first, so later courses' timers do not fire.
    """
    courses: dict[str, int] = {}
    courses["eskalering"] = to_follow_up(engine, "Eva Eskalering")
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, courses["eskalering"])
    clock.advance(days=15)
    events.fire_due_timers(engine)
    courses["forbered_opfoelgning"] = to_follow_up(engine, "Frida Forbereder")
    courses["opfoelgning"] = to_follow_up(engine, "Otto Opfølgning")
    courses["overdragelse"] = to_follow_up(engine, "Olga Overdragelse")
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, courses["opfoelgning"])
    prepare_follow_up(engine, courses["overdragelse"])
    complete(engine, GUIDE, courses["overdragelse"], "opfoelgning", follow_up(reached=True))
    courses["vent_paa_opfoelgning"] = to_follow_up(engine, "Vera Venter")
    courses["henvisning"] = start_course(engine, CASEWORKER, "Henrik Henvist")["id"]
    courses["luk_henvisning"] = _referred(engine, "Lise Lukket", REFERRAL_OUTSIDE)
    courses["k_moede"] = _referred(engine, "Karl Kmøde", REFERRAL)
    courses["accepter_guide"] = _referred(engine, "Anna Accept", REFERRAL)
    complete(engine, COORDINATOR, courses["accepter_guide"], "k_moede", k_meeting())
    courses["k_moede_igen"] = _referred(engine, "Ib Igen", REFERRAL)
    complete(engine, COORDINATOR, courses["k_moede_igen"], "k_moede", k_meeting())
    complete(engine, GUIDE, courses["k_moede_igen"], "accepter_guide", DECLINE)
    courses["uddannelsesplan"] = _referred(engine, "Ulla Plan", REFERRAL)
    complete(engine, COORDINATOR, courses["uddannelsesplan"], "k_moede", k_meeting())
    complete(engine, GUIDE, courses["uddannelsesplan"], "accepter_guide", ACCEPT)
    return courses


def _referred(engine: Engine, name: str, referral: dict[str, Any]) -> int:
    iid = start_course(engine, CASEWORKER, name)["id"]
    complete(engine, CASEWORKER, iid, "henvisning", referral)
    return iid


def subprocess_course_states(engine: Engine, clock: FrozenClock) -> dict[str, int]:
    """One course of :mod:`tests.subprocess_diagram` at each of its wait states."""
    courses: dict[str, int] = {}
    courses["close_expired"] = _intake_done(engine, "Udløbet")
    clock.advance(days=31)
    events.fire_due_timers(engine)
    courses["reminder"] = _intake_done(engine, "Påmindet")
    clock.advance(days=8)
    events.fire_due_timers(engine)
    clock.advance(days=4)
    events.fire_due_timers(engine)
    courses["talk"] = _intake_done(engine, "Samtale")
    courses["close"] = _intake_done(engine, "Afslutning")
    clock.advance(days=8)
    events.fire_due_timers(engine)
    complete(engine, GUIDE, courses["close"], "talk", {"note": "god samtale"})
    courses["wait"] = _intake_done(engine, "Venter")
    youth = youths.create_youth(engine.uow(), CASEWORKER, "Ny Modtaget", "2009-03-01")
    courses["intake"] = instances.start_instance(engine.uow(), CASEWORKER, subprocess_diagram.KEY, youth["id"])["id"]
    return courses


def _intake_done(engine: Engine, name: str) -> int:
    youth = youths.create_youth(engine.uow(), CASEWORKER, name, "2009-03-01")
    iid = instances.start_instance(engine.uow(), CASEWORKER, subprocess_diagram.KEY, youth["id"])["id"]
    complete(engine, CASEWORKER, iid, "intake", {"guide": "gustav", "reason": "skolefravær"})
    return iid


def snapshot(engine: Engine, instance_id: int) -> dict[str, Any]:
    """What a move must keep: the data, each open task (id, step, role, assignee, people, due date),
    the data each open step holds, every waiting timer's due date, and the course's next deadline."""
    with engine.reader() as uow:
        instance = uow.session.get(ProcessInstance, instance_id)
        rows = uow.session.scalars(select(Task).where(Task.instance_id == instance_id, Task.state == "ready")).all()
        people = {row.id: sorted(uow.session.scalars(select(TaskCandidate.username)
                                                     .where(TaskCandidate.task_id == row.id))) for row in rows}
        _, process = process_for(uow, instance.process_version_id)
        workflow = engine.parts.serializer.loads(instance.state, process.spec, process.subprocess_specs)
        waiting = sorted((t.task_spec.bpmn_id, str(t.id), t.internal_data.get("event_value"))
                         for t in workflow.get_tasks(state=TaskState.WAITING)
                         if getattr(t.task_spec, "event_definition", None) is not None)
        open_steps = {str(t.id): t.data for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        return {"status": instance.status, "data": instance.data, "next_timer_at": instance.next_timer_at,
                "waiting_messages": instance.waiting_messages, "waiting": waiting, "open_step_data": open_steps,
                "tasks": sorted((row.id, row.element_id, row.role, row.assignee, row.claimed_at, row.due_at,
                                 row.personal, tuple(people[row.id])) for row in rows)}


def history_kinds(engine: Engine, instance_id: int) -> list[str]:
    from engine.platform.models import InstanceEvent

    with engine.reader() as uow:
        return list(uow.session.scalars(select(InstanceEvent.kind).where(InstanceEvent.instance_id == instance_id)
                                        .order_by(InstanceEvent.id)))


def claim(engine: Engine, actor: Any, instance_id: int, element_id: str) -> None:
    """Claim a course's open task, so a move must keep the claim."""
    from tests.course import open_task

    tasks.claim_task(engine.uow(), actor, open_task(engine, actor, instance_id, element_id)["id"])

