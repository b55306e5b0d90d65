"""The live-workflow cache is an optimisation only: with it, every saved state is the same."""
from __future__ import annotations

import os
import re

from engine.bootstrap import bootstrap
from engine.courses import events
from engine.courses.workflow_cache import WorkflowCache
from engine.definitions import deployment
from engine.platform.clock import FrozenClock
from engine.platform.db import make_engine
from engine.platform.models import ProcessInstance
from engine.platform.schema import upgrade
from tests.conftest import (
    CASE_COORDINATOR,
    CASEWORKER,
    COORDINATOR,
    GUIDE,
    OWNER,
    START,
    _empty_postgres,
    add_people,
    on_postgres,
)
from tests.course import (
    ACCEPT,
    ESCALATION,
    HANDOVER,
    PLAN,
    REFERRAL,
    complete,
    follow_up,
    k_meeting,
    prepare_follow_up,
    start_course,
)


def run_course(url: str, cache_size: int, files: dict) -> list[bytes]:
    clock = FrozenClock(START)
    engine = bootstrap(url, clock, secret_key="test-secret", workflow_cache_size=cache_size)
    deployment.deploy(engine.uow(), files, OWNER)
    add_people(engine)
    instance = start_course(engine, CASEWORKER)
    iid = instance["id"]
    states = []

    def saved() -> None:
        with engine.reader() as uow:
            states.append(uow.session.get(ProcessInstance, iid).state)

    for actor, element, data in ((CASEWORKER, "henvisning", REFERRAL), (COORDINATOR, "k_moede", k_meeting()),
                                 (GUIDE, "accepter_guide", ACCEPT), (CASE_COORDINATOR, "uddannelsesplan", PLAN)):
        complete(engine, actor, iid, element, data)
        saved()
    for reached in (False, False, True):
        clock.advance(days=92)
        events.fire_due_timers(engine)
        prepare_follow_up(engine, iid)
        clock.advance(days=15)
        events.fire_due_timers(engine)
        complete(engine, COORDINATOR, iid, "eskalering", ESCALATION)
        complete(engine, GUIDE, iid, "opfoelgning", follow_up(reached))
        saved()
    complete(engine, CASE_COORDINATOR, iid, "overdragelse", HANDOVER)
    saved()
    engine.db.dispose()
    if cache_size:
        assert engine.parts.workflows.hits >= len(states)  # the cached run really used the cache
    return states


def strip_ids(state: bytes) -> bytes:
    """Task ids are random and SpiffWorkflow stamps state changes with wall-clock time: neither is behaviour."""
    state = re.sub(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", b"<id>", state)
    return re.sub(rb'"last_state_change":[0-9.]+', b'"last_state_change":0', state)


def test_a_course_saves_the_same_states_with_and_without_the_cache(database_url, default_files):
    cached = run_course(database_url, 100, default_files)
    if on_postgres():
        _empty_postgres(database_url)
    else:
        os.remove(database_url.split("///", 1)[1])
        db = make_engine(database_url)
        upgrade(db)
        db.dispose()
    uncached = run_course(database_url, 0, default_files)
    assert [strip_ids(s) for s in cached] == [strip_ids(s) for s in uncached]


def test_an_entry_is_used_only_for_the_version_it_was_saved_at():
    cache = WorkflowCache(2)
    cache.put(1, 3, "workflow")
    assert cache.take(1, 2) is None
    assert cache.take(1, 3) is None  # a miss removes the stale entry
    cache.put(1, 3, "workflow")
    assert cache.take(1, 3) == "workflow"
    assert cache.take(1, 3) is None  # taken: no one else can use it until it is put back
    for instance_id in (1, 2, 3):
        cache.put(instance_id, 1, instance_id)
    assert cache.take(1, 1) is None and cache.take(3, 1) == 3
