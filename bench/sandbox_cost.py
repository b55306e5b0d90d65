"""What the out-of-process sandbox (issue 10) costs per completion.

    python -m bench.sandbox_cost [--courses 100] [--calls 2000]

Two SQLite engines, set up alike (``bench.world.build_world``), differ only in their script
environment: the engine's own, which sends every script and expression to a sandbox process
(``engine.bpmn.sandbox_process``), and the in-process one it replaced (RestrictedPython run under
a ``sys.settrace`` time limit in the server's own interpreter, copied below as it was). Courses are
driven alternately on the two, referral -> k-meeting -> accept -> plan, so both see the same machine
load; each completion is timed through ``engine.work.tasks.complete_task``. The calls into diagram code
are counted, and one call's round trip is timed on its own.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from bench.databases import sqlite_database
from bench.stats import Samples
from bench.world import World, build_world
from engine.bpmn.restricted import SANDBOX_GLOBALS, ScriptTimeout, compile_expression, compile_script
from engine.bpmn.sandbox_process import pool
from engine.bpmn.scripting import RestrictedEnvironment, ScriptEngine
from engine.courses import instances
from engine.people import youths
from engine.people.access import Actor
from engine.work import tasks
from web.sample_forms import ACCEPT, PLAN, REFERRAL, k_meeting


def _run_traced(run: Callable[[], Any], limit: float = 1.0) -> Any:
    """The limit before issue 10: an exception from a tracer, which the code it stops can catch."""
    deadline = time.perf_counter() + limit

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if time.perf_counter() > deadline:
            raise ScriptTimeout("too long")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return run()
    finally:
        sys.settrace(previous)


class InProcessEnvironment(TaskDataEnvironment):
    """The script environment before issue 10, for comparison only: it contains nothing."""

    def __init__(self) -> None:
        super().__init__(dict(SANDBOX_GLOBALS))

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = compile_expression(expression)
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        return _run_traced(lambda: eval(code, scope))  # noqa: S307 - benchmark of the old way

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = compile_script(script)
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        try:
            _run_traced(lambda: exec(code, context))  # noqa: S102 - benchmark of the old way
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
            for name in [k for k in context if k.startswith("_")]:
                context.pop(name)
        return True


@dataclass
class SandboxCost:
    sandboxed: Samples            # completions, engine's sandbox process
    in_process: Samples           # completions, the old in-process environment
    calls_per_completion: float   # sandbox calls (scripts, expressions; literals need none), the start's included
    call_round_trip: Samples      # one expression in the sandbox process
    call_in_process: Samples      # the same expression in process


def _drive(world: World, timings: Samples) -> None:
    """One course to its first follow-up; each completion timed."""
    caseworker = world.people["sagsbehandler"][0]
    guide, case_coordinator = world.people["ungeguide"][0], world.people["koordinerende_sagsbehandler"][0]
    starter = world.actor(caseworker, "sagsbehandler")
    youth = youths.create_youth(world.engine.uow(), starter, "Bench Ung", "2009-03-01")
    instance = instances.start_instance(world.engine.uow(), starter, "samarbejdsmodel", youth["id"])
    steps = [("henvisning", world.actor(caseworker, "sagsbehandler"), REFERRAL),
             ("k_moede", world.actor(world.people["ungekoordinator"][0], "ungekoordinator"),
              k_meeting(guide, case_coordinator)),
             ("accepter_guide", world.actor(guide, "ungeguide"), ACCEPT),
             ("uddannelsesplan", world.actor(case_coordinator, "koordinerende_sagsbehandler"), PLAN)]
    for element, actor, data in steps:
        rows, _ = tasks.list_tasks(world.engine.uow(), Actor("bench-admin", frozenset({"admin"})),
                                   tasks.TaskFilter(instance_id=instance["id"], element_id=element))
        started = time.perf_counter()
        tasks.complete_task(world.engine.uow(), actor, rows[0]["id"], data)
        timings.add(time.perf_counter() - started)


def _time_calls(environment: Any, calls: int) -> Samples:
    data = {**ACCEPT, **REFERRAL, "youth_id": 1, "birthdate": "2009-03-01", "lane_owners": {"ungeguide": ["g"]}}
    samples = Samples()
    for _ in range(calls):
        started = time.perf_counter()
        environment.evaluate("accepteret == True", data)
        samples.add(time.perf_counter() - started)
    return samples


def measure(courses: int = 100, calls: int = 2000) -> SandboxCost:
    with sqlite_database() as sandboxed_url, sqlite_database() as in_process_url:
        sandboxed, in_process = build_world(sandboxed_url), build_world(in_process_url)
        try:
            in_process.engine.parts = replace(in_process.engine.parts,
                                              script_engine=ScriptEngine(in_process.clock, InProcessEnvironment()))
            warm = Samples()
            for world in (sandboxed, in_process):   # parse caches, compiled code, the sandbox process
                for _ in range(3):
                    _drive(world, warm)
            figures = SandboxCost(Samples(), Samples(), 0.0, Samples(), Samples())
            calls_before = pool().calls
            for course in range(courses):   # alternately first, so neither always runs on a warmer cache
                pair = [(sandboxed, figures.sandboxed), (in_process, figures.in_process)]
                for world, timings in (pair if course % 2 == 0 else pair[::-1]):
                    _drive(world, timings)
            figures.calls_per_completion = (pool().calls - calls_before) / max(1, len(figures.sandboxed))
            figures.call_round_trip = _time_calls(RestrictedEnvironment(), calls)
            figures.call_in_process = _time_calls(InProcessEnvironment(), calls)
            return figures
        finally:
            sandboxed.close()
            in_process.close()
            pool().close()


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render(figures: SandboxCost) -> str:
    extra = (figures.sandboxed.p50 or 0) - (figures.in_process.p50 or 0)
    return "\n".join([
        "Diagram code in a sandbox process (issue 10), SQLite, completions referral -> k-meeting -> accept -> plan:",
        "",
        "| script environment | completions | p50 ms | p95 ms |",
        "|---|---|---|---|",
        f"| sandbox process (now) | {len(figures.sandboxed)} | {_ms(figures.sandboxed.p50)} | {_ms(figures.sandboxed.p95)} |",
        f"| in process, tracer limit (before) | {len(figures.in_process)} | {_ms(figures.in_process.p50)} "
        f"| {_ms(figures.in_process.p95)} |",
        "",
        f"cost per completion (p50 difference): {extra:+.2f} ms; "
        f"{figures.calls_per_completion:.1f} sandbox calls per completion; one call "
        f"p50 {_ms(figures.call_round_trip.p50)} ms in the sandbox process vs {_ms(figures.call_in_process.p50)} ms "
        f"in process (p95 {_ms(figures.call_round_trip.p95)} vs {_ms(figures.call_in_process.p95)})",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sandbox_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--courses", type=int, default=100, help="courses per environment (4 completions each)")
    parser.add_argument("--calls", type=int, default=2000, help="single calls timed per environment")
    args = parser.parse_args(argv)
    print(render(measure(args.courses, args.calls)))


if __name__ == "__main__":
    main()
