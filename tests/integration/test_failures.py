"""Bad input and failures: each gets a clear error, and the last committed state stands."""
from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.bootstrap import bootstrap
from engine.courses import instances
from engine.definitions import deployment
from engine.people import youths
from engine.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.platform.models import InstanceEvent, ProcessInstance
from engine.work import tasks
from tests.conftest import ADMIN, CASEWORKER, COORDINATOR, OWNER
from tests.course import REFERRAL, open_task, start_course
from tests.diagrams import flow, process


def snapshot(engine, instance_id: int) -> tuple[Any, ...]:
    with engine.reader() as uow:
        row = uow.session.get(ProcessInstance, instance_id)
        events = uow.session.scalar(select(func.count()).select_from(InstanceEvent)
                                    .where(InstanceEvent.instance_id == instance_id))
        return row.state, row.lock_version, row.status, events


@pytest.mark.usefixtures("deployed")
def test_data_that_breaks_the_form_is_refused_with_field_paths_and_the_instance_does_not_move(engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    before = snapshot(engine, instance["id"])
    with pytest.raises(InvalidInput) as caught:
        tasks.complete_task(engine.uow(), CASEWORKER, task["id"], {"henvisningsaarsag": 7, "afdelinger_med_sag": ["x"]})
    paths = {e["path"] for e in caught.value.details["errors"]}
    assert {"henvisningsaarsag", "afdelinger_med_sag/0", "samtykke_givet"} <= paths
    assert snapshot(engine, instance["id"]) == before


@pytest.mark.usefixtures("deployed")
def test_a_task_completed_twice_gives_a_conflict_the_second_time(engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    tasks.complete_task(engine.uow(), CASEWORKER, task["id"], REFERRAL)
    before = snapshot(engine, instance["id"])
    with pytest.raises(Conflict):
        tasks.complete_task(engine.uow(), CASEWORKER, task["id"], REFERRAL)
    assert snapshot(engine, instance["id"]) == before


def test_unknown_ids_are_not_found(engine):
    with pytest.raises(NotFound):
        tasks.complete_task(engine.uow(), CASEWORKER, "not-a-uuid", {})
    with pytest.raises(NotFound):
        tasks.complete_task(engine.uow(), CASEWORKER, "9f0c8d5e-0000-4000-8000-000000000000", {})
    with pytest.raises(NotFound):
        instances.get_instance(engine.uow(), ADMIN, 999)
    with pytest.raises(NotFound):
        instances.start_instance(engine.uow(), CASEWORKER, "no-such-process", 1)


FAILING = process("regnestykke", (
    '<bpmn:startEvent id="start"/><bpmn:userTask id="a" name="A"/>'
    '<bpmn:scriptTask id="beregn" name="Beregn" scriptFormat="python"><bpmn:script>resultat = 10 / naevner</bpmn:script>'
    '</bpmn:scriptTask><bpmn:userTask id="b" name="B"/><bpmn:endEvent id="slut"/>'
    + flow("f1", "start", "a") + flow("f2", "a", "beregn") + flow("f3", "beregn", "b") + flow("f4", "b", "slut")),
    {"sagsbehandler": ["start", "a", "beregn", "b", "slut"]})


def test_a_failing_script_puts_the_instance_in_error_and_an_admin_retries_after_a_fix(engine):
    deployment.deploy(engine.uow(), {"r.bpmn": FAILING}, OWNER)
    youth = youths.create_youth(engine.uow(), CASEWORKER, "Ung", "2009-01-01")
    started = instances.start_instance(engine.uow(), CASEWORKER, "regnestykke", youth["id"], {"naevner": 0})
    task = started["tasks"][0]
    failed = tasks.complete_task(engine.uow(), CASEWORKER, task["id"], {})
    assert failed["status"] == "error"
    assert failed["error"]["element_id"] == "beregn"
    assert "ZeroDivisionError" in failed["error"]["message"]
    assert [t for t in failed["tasks"] if t["state"] == "ready"] == []
    with pytest.raises(Forbidden):
        instances.retry_instance(engine.uow(), COORDINATOR, started["id"], {"naevner": 2})
    retried = instances.retry_instance(engine.uow(), ADMIN, started["id"], {"naevner": 2})
    assert retried["status"] == "running" and retried["error"] is None
    assert retried["data"]["resultat"] == 5
    assert [t["element_id"] for t in retried["tasks"] if t["state"] == "ready"] == ["b"]


def _complete_in_a_process(url: str, task_id: str, barrier: Any, results: Any) -> None:
    engine = bootstrap(url, secret_key="test-secret")
    barrier.wait()
    try:
        tasks.complete_task(engine.uow(), CASEWORKER, task_id, REFERRAL)
        results.put("ok")
    except Conflict:
        results.put("conflict")
    except Exception as error:  # pragma: no cover - reported as a failure below
        results.put(f"{type(error).__name__}: {error}")


@pytest.mark.usefixtures("deployed")
def test_two_processes_completing_the_same_task_at_once_one_wins_the_other_gets_a_conflict(engine, database_url):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_complete_in_a_process, args=(database_url, task["id"], barrier, results))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == ["conflict", "ok"]
    history = instances.get_instance(engine.uow(), COORDINATOR, instance["id"])["history"]
    assert [e["kind"] for e in history].count("task_completed") == 1
    assert [e["element_id"] for e in history if e["kind"] == "task_created"] == ["henvisning", "k_moede"]


def _die_before_commit(url: str, task_id: str) -> None:
    engine = bootstrap(url, secret_key="test-secret")
    engine.before_commit = lambda uow: os._exit(3)
    tasks.complete_task(engine.uow(), CASEWORKER, task_id, REFERRAL)


@pytest.mark.usefixtures("deployed")
def test_a_process_killed_between_the_engine_step_and_the_commit_leaves_the_last_committed_state(engine, database_url):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    before = snapshot(engine, instance["id"])
    child = multiprocessing.get_context("spawn").Process(target=_die_before_commit, args=(database_url, task["id"]))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 3
    assert snapshot(engine, instance["id"]) == before
    after = tasks.complete_task(engine.uow(), CASEWORKER, task["id"], REFERRAL)
    assert [t["element_id"] for t in after["tasks"]] == ["k_moede"]


def _worker_pass(url: str, now_iso: str, barrier: Any, results: Any) -> None:
    from datetime import datetime

    from engine.courses import events
    from engine.platform.clock import FrozenClock

    engine = bootstrap(url, FrozenClock(datetime.fromisoformat(now_iso)), secret_key="test-secret")
    barrier.wait()
    results.put(events.fire_due_timers(engine))


@pytest.mark.usefixtures("deployed")
def test_two_workers_never_fire_the_same_timer_twice(engine, clock, database_url):
    from datetime import timedelta

    from tests.course import to_follow_up

    ids = [to_follow_up(engine, name=f"Ung {n}") for n in range(6)]
    due = (clock.now() + timedelta(days=95)).isoformat()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_worker_pass, args=(database_url, due, barrier, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    moved = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert sum(moved) == 6
    with engine.reader() as uow:
        fired = uow.session.scalars(select(InstanceEvent.instance_id).where(
            InstanceEvent.kind == "timer_fired", InstanceEvent.element_id == "vent_paa_opfoelgning")).all()
    assert sorted(fired) == sorted(ids)
