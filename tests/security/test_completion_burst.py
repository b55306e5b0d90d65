"""Concurrent completions on different courses all succeed, each once (issue 10, "Diagram code is contained").

On SQLite an operation that runs diagram code begins DEFERRED and reruns on a stale snapshot
(:func:`engine.platform.uow.while_code_runs`); on PostgreSQL it locks only its own course's row. Either way a
burst of completions on different courses must lose nothing and apply nothing twice. Runs on both
databases (the SQLite-only lock tests are in ``test_no_lock_while_code_runs.py``).
"""
from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.conftest import CASEWORKER
from tests.security.test_diagram_code import complete_first, deploy, in_threads, start, with_script
from tests.security.test_no_lock_while_code_runs import LOCK_FREE_WAIT, ORDINARY, completions_of


@pytest.mark.usefixtures("people")
def test_a_burst_of_completions_on_different_courses_all_succeed_and_none_is_lost(engine):
    key = deploy(engine, with_script("almindelig", ORDINARY))
    courses = [start(engine, key) for _ in range(8)]
    barrier = threading.Barrier(len(courses))

    def complete_after_barrier(course: dict[str, Any]) -> Any:
        barrier.wait(timeout=LOCK_FREE_WAIT)
        return complete_first(engine, CASEWORKER, course)

    results = in_threads(*[lambda c=course: complete_after_barrier(c) for course in courses])
    assert [r for r in results if isinstance(r, BaseException)] == []
    for course, moved in zip(courses, results, strict=True):
        assert moved["id"] == course["id"] and moved["status"] == "running"
        assert [t["element_id"] for t in moved["tasks"] if t["state"] == "ready"] == ["efter"]
        assert completions_of(engine, course["id"]) == 1
