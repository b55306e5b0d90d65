"""What diagram code may be and do: compiled by RestrictedPython, run with explicit globals.

This module is shared by both ends of the sandbox (:mod:`engine.bpmn.sandbox_process`): the server
compiles code here to validate a diagram, and the sandbox process compiles and runs it. It imports
neither SpiffWorkflow nor the database, so a sandbox process stays small.

Code is refused before it runs when it is too long, nested too deeply for the compiler, imports,
or names dunder attributes. What it leaves behind must be plain JSON of bounded size
(:func:`plain_problem`); a date, a set, bytes, ``10**5000`` or ``float('nan')`` is refused with
a message naming the variable.
"""
from __future__ import annotations

import ast
import builtins
import math
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr

from engine.platform import limits
from engine.platform.messages import Message

# Builtins that end or interrupt a process, or reach the class tree, whatever RestrictedPython allows.
FORBIDDEN_BUILTINS = ("BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit", "__import__",
                      "open", "exit", "quit", "breakpoint", "input", "help", "memoryview", "compile", "eval",
                      "exec", "globals", "locals", "vars", "dir", "type", "object", "super", "property",
                      "classmethod", "staticmethod", "setattr", "delattr", "getattr", "id")


class ScriptRejected(Exception):
    """Diagram code that breaks the sandbox's rules (imports, dunder names, syntax, results)."""

    @property
    def reason(self) -> Message | str:
        """Why, as raised: a :class:`Message` when Samspil words it, RestrictedPython's text otherwise."""
        return self.args[0] if self.args else ""


class ScriptTimeout(Exception):
    """Diagram code that ran longer than its limit (one call, or one operation's budget)."""


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


def sandbox_builtins() -> dict[str, Any]:
    """RestrictedPython's safe builtins plus the pure functions diagram code commonly needs."""
    allowed = dict(safe_builtins)
    allowed.update(limited_builtins)
    for name in ("list", "dict", "set", "sum", "any", "all", "map", "filter", "enumerate",
                 "reversed", "min", "max", "sorted", "zip"):
        allowed[name] = getattr(builtins, name)
    for name in FORBIDDEN_BUILTINS:
        allowed.pop(name, None)
    return allowed


SANDBOX_GLOBALS: dict[str, Any] = {
    "__builtins__": sandbox_builtins(),
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


def _parse(source: str, mode: str, max_chars: int) -> ast.AST:
    """The syntax tree, refused when the code is too long or nests too deeply to compile safely.

    Python's compiler and RestrictedPython's transformer recurse over the tree: ``1+1+1+...``
    100,000 long would end in a RecursionError (or worse) before a line of it ran.
    """
    if len(source) > max_chars:
        raise ScriptRejected(Message("engine.script.too_long", max=max_chars))
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as error:
        raise ScriptRejected(Message("engine.script.syntax_error", line=error.lineno or 0,
                                     reason=error.msg or "")) from None
    except (RecursionError, MemoryError):
        raise ScriptRejected(Message("engine.script.too_deep", max=limits.CODE_NESTING)) from None
    except ValueError:  # NUL bytes, on some Python versions
        raise ScriptRejected(Message("engine.script.not_compilable")) from None
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.CODE_NESTING:
            raise ScriptRejected(Message("engine.script.too_deep", max=limits.CODE_NESTING))
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


def _guarded(compile_: Callable[[], Any]) -> Any:
    """RestrictedPython's transformer recurses; code near the nesting limit in a deep call stack could still overflow it."""
    try:
        return compile_()
    except (RecursionError, MemoryError):
        raise ScriptRejected(Message("engine.script.too_deep", max=limits.CODE_NESTING)) from None


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Any:
    """Compile an expression once per distinct text; raise ScriptRejected with the sandbox's reason."""
    text = source.strip()
    _parse(text, "eval", limits.EXPRESSION_CHARS)
    result = _guarded(lambda: compile_restricted_eval(text, "<expression>"))
    if result.errors or result.code is None:
        raise _rejected(result.errors)
    return result.code


@lru_cache(maxsize=4096)
def compile_script(source: str) -> Any:
    tree = _parse(source, "exec", limits.SCRIPT_CHARS)
    if any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree)):
        raise ScriptRejected(Message("engine.script.no_import"))
    result = _guarded(lambda: compile_restricted_exec(source, "<string>"))
    if result.errors or result.code is None:
        raise _rejected(result.errors)
    return result.code


@lru_cache(maxsize=4096)
def literal_value(source: str) -> tuple[bool, Any]:
    """``(True, value)`` when an expression is a plain literal (a timer's ``'P3M'``), which needs no sandbox."""
    text = source.strip()
    if len(text) > limits.EXPRESSION_CHARS:
        return False, None
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return False, None
    body = tree.body
    if isinstance(body, ast.Constant) and type(body.value) in (str, int, bool, type(None)):
        value = body.value
        if plain_problem(value, "") is None:
            return True, value
    return False, None


def plain_problem(value: Any, name: str) -> tuple[str, dict[str, Any]] | None:
    """Why ``value`` cannot be kept as plain JSON, as a message key and its parameters; None if it can."""
    problem = _plain_problem(value, name)
    return _named(problem) if problem is not None else None


def _plain_problem(value: Any, name: str) -> tuple[str, dict[str, Any]] | None:
    """Walks without recursion, so a deeply nested value cannot exhaust the stack, and stops as soon
    as the value is over :data:`limits.RESULT_BYTES` (counted roughly as its JSON text).
    """
    size = 0
    stack: list[tuple[Any, str, int]] = [(value, name, 0)]
    while stack:
        item, path, depth = stack.pop()
        kind = type(item)
        if kind is str:
            if len(item) > limits.STRING_CHARS:
                return "engine.script.text_too_long", {"name": path, "max": limits.STRING_CHARS}
            if "\x00" in item or not _encodable(item):
                return "engine.script.text_not_storable", {"name": path}
            size += len(item) + 2
        elif kind is bool or item is None:
            size += 5
        elif kind is int:
            if not -limits.MAX_INTEGER <= item <= limits.MAX_INTEGER:
                return "engine.script.number_too_large", {"name": path, "max": limits.MAX_INTEGER}
            size += 8
        elif kind is float:
            if not math.isfinite(item):
                return "engine.script.number_not_finite", {"name": path}
            size += 12
        elif kind in (list, tuple):
            if depth >= limits.NESTING_DEPTH:
                return "engine.script.nested_too_deep", {"name": path, "max": limits.NESTING_DEPTH}
            size += 2 + len(item)
            stack.extend((element, f"{path}[{index}]", depth + 1) for index, element in enumerate(item))
        elif kind is dict:
            if depth >= limits.NESTING_DEPTH:
                return "engine.script.nested_too_deep", {"name": path, "max": limits.NESTING_DEPTH}
            size += 2
            for key, element in item.items():
                if type(key) is not str:
                    return "engine.script.key_not_text", {"name": path}
                if len(key) > limits.STRING_CHARS or "\x00" in key or not _encodable(key):
                    return "engine.script.text_not_storable", {"name": path}
                size += len(key) + 4
                stack.append((element, f"{path}.{key}" if path else key, depth + 1))
        else:
            return "engine.script.not_plain", {"name": path, "kind": kind.__name__[:40]}
        if size > limits.RESULT_BYTES:
            return "engine.script.result_too_large", {"kilobytes": limits.RESULT_BYTES // 1024}
    return None


def _named(problem: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """A problem with a readable variable path (``x[0][0]...`` of a deep value is cut short)."""
    key, params = problem
    if len(params.get("name", "")) > 80:
        params["name"] = params["name"][:80] + "…"
    return key, params


def _encodable(text: str) -> bool:
    """False for lone surrogates, which neither UTF-8 nor PostgreSQL's JSON can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unavailable_names(source: str, mode: str = "exec") -> list[str]:
    """Python builtins the code reads that the sandbox does not give it, in order of first use.

    They compile (RestrictedPython turns ``print`` into a call of a ``_print_`` it does not supply)
    and then stop the course with a NameError, so validation names them at deploy. A name the code
    binds itself (``id = 3``), or that the task data could hold, is not judged: only builtins are.
    """
    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    bound = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    bound |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    bound |= {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    provided = set(SANDBOX_GLOBALS) | set(SANDBOX_GLOBALS["__builtins__"])
    found: list[str] = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and hasattr(builtins, node.id)
                and node.id not in provided and node.id not in bound and node.id not in found):
            found.append(node.id)
    return found

