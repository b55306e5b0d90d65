"""Diagram code is untrusted (DESIGN principle 8).

Scripts and expressions from diagrams are compiled with RestrictedPython and run with explicit
globals: no imports, no dunder attributes, no file or network access, and a time limit. A violation
raises :class:`ScriptRejected` or :class:`ScriptTimeout`; SpiffWorkflow wraps it in an error on the
element that ran it.
"""
from __future__ import annotations

import ast
import builtins
import sys
import time
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Callable, Iterable

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from engine.clock import Clock, SystemClock
from engine.messages import Message

SCRIPT_TIME_LIMIT_SECONDS = 1.0


class ScriptRejected(Exception):
    """Diagram code that breaks the sandbox's rules (imports, dunder names, syntax)."""

    @property
    def reason(self) -> Message | str:
        """Why, as raised: a :class:`Message` when Samspil words it, RestrictedPython's text otherwise."""
        return self.args[0] if self.args else ""


class ScriptTimeout(Exception):
    """Diagram code that ran longer than the time limit."""


def add_years(value: str | date, years: int) -> str:
    """The same calendar day ``years`` later (29 February becomes 28 February), as an ISO datetime.

    Diagrams use it for birthdays: ``add_years(birthdate, 25)``.
    """
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    try:
        moved = day.replace(year=day.year + years)
    except ValueError:
        moved = day.replace(year=day.year + years, day=28)
    return datetime(moved.year, moved.month, moved.day).isoformat() + "+00:00"


def _inplace(op: str, left: Any, right: Any) -> Any:
    operations: dict[str, Callable[[Any, Any], Any]] = {
        "+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b,
        "/=": lambda a, b: a / b, "//=": lambda a, b: a // b, "%=": lambda a, b: a % b,
        "|=": lambda a, b: a | b, "&=": lambda a, b: a & b,
    }
    if op not in operations:
        raise ScriptRejected(Message("engine.script.operator_not_allowed", operator=op))
    return operations[op](left, right)


def _sandbox_builtins() -> dict[str, Any]:
    """RestrictedPython's safe builtins plus the pure functions diagram code commonly needs."""
    allowed = dict(safe_builtins)
    allowed.update(limited_builtins)
    for name in ("list", "dict", "set", "sum", "any", "all", "map", "filter", "enumerate",
                 "reversed", "min", "max"):
        allowed[name] = getattr(builtins, name)
    allowed.pop("__import__", None)
    return allowed


SANDBOX_GLOBALS: dict[str, Any] = {
    "__builtins__": _sandbox_builtins(),
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
    "datetime": datetime,
    "date": date,
    "timedelta": timedelta,
    "add_years": add_years,
}


def _rejected(errors: Iterable[str]) -> ScriptRejected:
    """RestrictedPython's reasons (its own English text), or ours when it gives none."""
    reasons = "; ".join(errors)
    return ScriptRejected(reasons or Message("engine.script.not_compilable"))


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Any:
    """Compile an expression once per distinct text; raise ScriptRejected with the sandbox's reason."""
    result = compile_restricted_eval(source.strip(), "<expression>")
    if result.errors or result.code is None:
        raise _rejected(result.errors)
    return result.code


@lru_cache(maxsize=4096)
def compile_script(source: str) -> Any:
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ScriptRejected(Message("engine.script.syntax_error", line=error.lineno, reason=error.msg)) from None
    if any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree)):
        raise ScriptRejected(Message("engine.script.no_import"))
    result = compile_restricted_exec(source, "<string>")
    if result.errors or result.code is None:
        raise _rejected(result.errors)
    return result.code


def _run_bounded(run: Callable[[], Any], limit: float = SCRIPT_TIME_LIMIT_SECONDS) -> Any:
    """Run diagram code with a line tracer that stops it after ``limit`` seconds."""
    deadline = time.perf_counter() + limit

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        # Opcode events, because a one-line loop such as ``while True: pass`` emits no line events.
        frame.f_trace_opcodes = True
        if time.perf_counter() > deadline:
            raise ScriptTimeout(f"Koden kørte længere end {limit:g} sekund")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return run()
    finally:
        sys.settrace(previous)


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment, with RestrictedPython in place of eval/exec."""

    def __init__(self, extra_globals: dict[str, Any] | None = None) -> None:
        super().__init__({**SANDBOX_GLOBALS, **(extra_globals or {})})

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = compile_expression(expression)
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        return _run_bounded(lambda: eval(code, scope))  # noqa: S307 - restricted code, guarded globals

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = compile_script(script)
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        try:
            _run_bounded(lambda: exec(code, context))  # noqa: S102 - restricted code, guarded globals
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
            for name in [k for k in context if k.startswith("_")]:
                context.pop(name)
        return True


class ScriptEngine(PythonScriptEngine):
    """The script engine every workflow gets; it also carries the engine clock for timers."""

    def __init__(self, clock: Clock | None = None, environment: RestrictedEnvironment | None = None) -> None:
        super().__init__(environment=environment or RestrictedEnvironment())
        self.clock: Clock = clock or SystemClock()

    def validate(self, expression: str) -> None:
        """Raise SyntaxError for code the sandbox will not run; the DMN engine relies on that type."""
        try:
            compile_expression(expression)
        except ScriptRejected as rejected:
            raise SyntaxError(str(rejected)) from None

    def validate_script(self, script: str) -> None:
        compile_script(script)
