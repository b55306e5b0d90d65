"""Diagram code is untrusted (SECURITY.md, "Diagram code and diagrams"): SpiffWorkflow's seam to the sandbox processes.

SpiffWorkflow asks its script environment to ``evaluate`` an expression or ``execute`` a script over
a task's data. :class:`RestrictedEnvironment` sends both to a sandbox process
(:mod:`engine.bpmn.sandbox_process`), which compiles them with RestrictedPython
(:mod:`engine.bpmn.restricted`: no imports, no dunder attributes, no file or network access), runs
them under a memory limit and a wall-clock limit that the code cannot catch, and answers with plain
JSON values only. A violation raises :class:`ScriptRejected` or :class:`ScriptTimeout`, an error of
the code's own keeps its class name; SpiffWorkflow wraps each in an error on the element that ran it.
"""
from __future__ import annotations

import builtins
import json
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.bpmn import budget, sandbox_process
from engine.bpmn.restricted import (  # noqa: F401 - the names callers import from here
    SANDBOX_GLOBALS,
    ScriptRejected,
    ScriptTimeout,
    add_years,
    compile_expression,
    compile_script,
    literal_value,
)
from engine.platform import limits
from engine.platform.clock import Clock, SystemClock
from engine.platform.messages import Message, catalog

SCRIPT_TIME_LIMIT_SECONDS = limits.SCRIPT_CALL_SECONDS

# Errors of the code's own that keep their built-in class in the server (tests and diagrams name them).
KEPT_ERRORS = (ArithmeticError, ZeroDivisionError, OverflowError, AssertionError, AttributeError, IndexError,
               KeyError, LookupError, NameError, UnboundLocalError, TypeError, ValueError, RuntimeError,
               NotImplementedError, RecursionError)


class ScriptError(Exception):
    """An error the diagram code raised in the sandbox, under its own class name."""

    script_line = 0


@lru_cache(maxsize=256)
def _error_class(name: str) -> type[Exception]:
    kept = getattr(builtins, name, None)
    if isinstance(kept, type) and kept in KEPT_ERRORS:
        return kept
    return type(name if name.isidentifier() else "ScriptError", (ScriptError,), {})


def _failure(reply: dict[str, Any]) -> Exception:
    """The exception a sandbox's refusal or error stands for in the server."""
    if reply.get("kind") == "rejected":
        key, params = reply.get("key"), reply.get("params")
        if isinstance(key, str) and key in catalog("da") and isinstance(params, dict):
            if params.get("name") == "":
                params["name"] = Message("engine.script.the_result")
            try:
                return ScriptRejected(Message(key, **params))
            except (KeyError, IndexError, ValueError):
                pass
        return ScriptRejected(str(reply.get("text") or "") or Message("engine.script.not_compilable"))
    error = _error_class(str(reply.get("type") or "ScriptError")[:100])(str(reply.get("text") or ""))
    line = reply.get("line")
    error.script_line = line if isinstance(line, int) else 0  # type: ignore[attr-defined]
    return error


def run_in_sandbox(request: dict[str, Any]) -> dict[str, Any]:
    """One call in a sandbox process, within the call's limit and what is left of the operation's budget."""
    spending = budget.current()
    seconds = limits.SCRIPT_CALL_SECONDS
    if spending is not None and spending.script_seconds_left() < seconds:
        seconds = spending.script_seconds_left()
        if seconds <= 0:
            raise ScriptTimeout(Message("engine.script.operation_too_long",
                                        seconds=f"{spending.script_seconds_limit():g}"))
    try:
        reply, took = sandbox_process.pool().call(request, seconds)
    except sandbox_process.SandboxTimeout:
        if spending is not None:
            spending.spend(seconds)
            if seconds < limits.SCRIPT_CALL_SECONDS:
                raise ScriptTimeout(Message("engine.script.operation_too_long",
                                            seconds=f"{spending.script_seconds_limit():g}")) from None
        raise ScriptTimeout(Message("engine.script.timeout", seconds=f"{limits.SCRIPT_CALL_SECONDS:g}")) from None
    except sandbox_process.SandboxCrashed:
        raise ScriptRejected(Message("engine.script.sandbox_stopped",
                                     megabytes=limits.SANDBOX_MEMORY_BYTES // 1024 // 1024)) from None
    except (TypeError, ValueError, RecursionError):   # task data that is not plain JSON cannot be sent
        raise ScriptRejected(Message("engine.script.data_not_plain")) from None
    if spending is not None:
        spending.spend(took)
    if reply.get("ok") is True:
        return reply
    raise _failure(reply)


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment, running code in a sandbox process instead of eval/exec.

    ``extra_globals`` travel to the sandbox with each call, so they must be plain JSON values.
    """

    def __init__(self, extra_globals: dict[str, Any] | None = None) -> None:
        self.extra_globals = dict(extra_globals or {})
        json.dumps(self.extra_globals, allow_nan=False)   # refuse at once what could not be sent
        super().__init__({**SANDBOX_GLOBALS, **self.extra_globals})

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        is_literal, value = literal_value(expression)
        if is_literal:   # a timer's 'P3M': nothing to run
            return value
        return run_in_sandbox({"op": "eval", "code": expression, "context": context,
                               "external": external_context or {}, "globals": self.extra_globals})["value"]

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        self.check_for_overwrite(context, external_context or {})
        reply = run_in_sandbox({"op": "exec", "code": script, "context": context,
                                "external": external_context or {}, "globals": self.extra_globals})
        # Only now, when the whole result is known to be plain: a failing script changes nothing.
        context.clear()
        context.update(reply["data"])
        return True


class ScriptEngine(PythonScriptEngine):
    """The script engine every workflow gets; it also carries the engine clock for timers."""

    def __init__(self, clock: Clock | None = None, environment: RestrictedEnvironment | None = None) -> None:
        super().__init__(environment=environment or RestrictedEnvironment())
        self.clock: Clock = clock or SystemClock()

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        """As SpiffWorkflow's, but a refusal or time-out says why instead of only which expression failed."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except (ScriptRejected, ScriptTimeout) as error:
            raise WorkflowTaskException(error.args[0], task=task, exception=error) from None
        except SpiffWorkflowException as error:
            error.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as error:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}'", task=task,
                                        exception=error) from None

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        if isinstance(err, (ScriptRejected, ScriptTimeout)):
            return WorkflowTaskException(err.args[0], task=task, exception=err)
        return super().create_task_exec_exception(task, script, err)

    def get_error_line_number_and_content(self, script: str, err: Exception) -> tuple[int, str]:
        """The line the sandbox reported (the traceback stayed in the sandbox process)."""
        line = getattr(err, "script_line", 0)
        lines = script.splitlines()
        if isinstance(line, int) and 0 < line <= len(lines):
            return line, lines[line - 1]
        return super().get_error_line_number_and_content(script, err)

    def validate(self, expression: str) -> None:
        """Raise SyntaxError for code the sandbox will not run; the DMN engine relies on that type."""
        try:
            compile_expression(expression)
        except ScriptRejected as rejected:
            raise SyntaxError(str(rejected)) from None

    def validate_script(self, script: str) -> None:
        compile_script(script)
