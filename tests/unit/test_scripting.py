"""Diagram code runs in a sandbox: no imports, no dunder attributes, no files, bounded time.

The time limit is now the sandbox process's (issue 10): the server stops waiting after
``SCRIPT_CALL_SECONDS`` and kills the process, so the test runs a loop through the environment
instead of the tracer that used to stop it in-process.
"""
from __future__ import annotations

import pytest

from engine.bpmn.scripting import (
    RestrictedEnvironment,
    ScriptRejected,
    ScriptTimeout,
    add_years,
    compile_script,
)


@pytest.fixture
def environment() -> RestrictedEnvironment:
    return RestrictedEnvironment()


def test_expressions_read_the_instance_data(environment):
    assert environment.evaluate("len(afdelinger) >= 2", {"afdelinger": ["a", "b"]}) is True


def test_scripts_write_plain_variables_back_to_the_data(environment):
    data = {"ungeguide": "gustav"}
    environment.execute('lane_owners = {"ungeguide": [ungeguide]}\nantal = sum([1, 2])', data)
    assert data == {"ungeguide": "gustav", "lane_owners": {"ungeguide": ["gustav"]}, "antal": 3}


@pytest.mark.parametrize("source", ["import os", "from os import path", "__import__('os')", "x.__class__",
                                    "().__class__.__bases__"])
def test_imports_and_dunder_names_are_refused_before_running(source):
    with pytest.raises(ScriptRejected):
        compile_script(source)


@pytest.mark.parametrize("source", ["open('/etc/passwd')", "getattr(x, 'y')", "eval('1')", "exec('x=1')",
                                    "globals()", "vars()"])
def test_builtins_that_reach_outside_are_refused_or_missing(environment, source):
    with pytest.raises((NameError, ScriptRejected)):
        environment.evaluate(source, {"x": 1})


def test_a_script_that_runs_too_long_is_stopped(environment):
    with pytest.raises(ScriptTimeout):
        environment.execute("while True:\n    pass", {})


def test_add_years_keeps_the_calendar_day_and_handles_leap_days():
    assert add_years("2008-03-01", 25) == "2033-03-01T00:00:00+00:00"
    assert add_years("2004-02-29", 25) == "2029-02-28T00:00:00+00:00"
