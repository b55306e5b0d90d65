"""What one service operation may spend on diagram code and engine steps before the course stops.

A completion, a start or a message holds the course's row lock (and on SQLite the database's write
lock) while the engine runs to its next wait. Each script has its own time limit, but a loop of
quick scripts, or a diagram that never waits, would hold the lock for ever. So the operation that
runs the engine opens a :class:`Budget` (:func:`operation`); the sandbox charges each call's time
to it and the engine charges each step. Over budget, the course stops in ``error``; the retry gives
it a fresh budget. Limits are in :mod:`engine.limits`.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterator

from engine import limits
from engine.messages import Message


class BudgetExceeded(Exception):
    """The operation ran too many engine steps or too long; ``task`` is the step it stopped after."""

    def __init__(self, message: Message, task: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.task = task


@dataclass
class Budget:
    script_seconds: float = limits.OPERATION_SCRIPT_SECONDS
    steps: int = limits.OPERATION_ENGINE_STEPS
    engine_seconds: float = limits.OPERATION_ENGINE_SECONDS
    started: float = field(default_factory=time.monotonic)
    script_seconds_spent: float = 0.0
    steps_taken: int = 0

    def script_seconds_left(self) -> float:
        return self.script_seconds - self.script_seconds_spent

    def spend(self, seconds: float) -> None:
        self.script_seconds_spent += seconds

    def step(self, task: Any = None) -> None:
        """Charge one engine step; raise :class:`BudgetExceeded` once the operation is over budget."""
        self.steps_taken += 1
        if self.steps_taken > self.steps:
            raise BudgetExceeded(Message("engine.script.too_many_steps", steps=self.steps), task)
        if time.monotonic() - self.started > self.engine_seconds:
            raise BudgetExceeded(Message("engine.script.engine_too_long", seconds=f"{self.engine_seconds:g}"), task)


_current: ContextVar[Budget | None] = ContextVar("samspil_operation_budget", default=None)


def current() -> Budget | None:
    """The budget of the operation running in this thread, if one is open."""
    return _current.get()


@contextmanager
def operation(budget: Budget | None = None) -> Iterator[Budget]:
    """Open a budget for this operation; inside an open one, keep charging that one."""
    existing = _current.get()
    if existing is not None:
        yield existing
        return
    opened = budget or Budget()
    token = _current.set(opened)
    try:
        yield opened
    finally:
        _current.reset(token)
