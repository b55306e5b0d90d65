"""What one service operation may spend on diagram code and engine steps before the course stops.

A completion, a start or a message holds the course's row lock (and on SQLite the database's write
lock) while the engine runs to its next wait. Each script has its own time limit, but a loop of
quick scripts, or a diagram that never waits, would hold the lock for ever. So the operation that
runs the engine opens a :class:`Budget` (:func:`operation`); the sandbox charges each call's time
to it and the engine charges each step. Over budget, the course stops in ``error``; the retry gives
it a fresh budget. Limits are in :mod:`engine.platform.limits`.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from engine.platform import limits
from engine.platform.messages import Message


class BudgetExceeded(Exception):
    """The operation ran too many engine steps or too long; ``task`` is the step it stopped after."""

    def __init__(self, message: Message, task: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.task = task


@dataclass
class Budget:
    """Limits for one operation; inside a larger job (a draft's test run) each charge counts for both."""

    script_seconds: float = limits.OPERATION_SCRIPT_SECONDS
    steps: int = limits.OPERATION_ENGINE_STEPS
    engine_seconds: float = limits.OPERATION_ENGINE_SECONDS
    parent: Budget | None = None
    started: float = field(default_factory=time.monotonic)
    script_seconds_spent: float = 0.0
    steps_taken: int = 0

    def _chain(self) -> Iterator[Budget]:
        budget: Budget | None = self
        while budget is not None:
            yield budget
            budget = budget.parent

    def script_seconds_left(self) -> float:
        return min(b.script_seconds - b.script_seconds_spent for b in self._chain())

    def script_seconds_limit(self) -> float:
        """The limit that runs out first, for the message."""
        return min(self._chain(), key=lambda b: b.script_seconds - b.script_seconds_spent).script_seconds

    def spend(self, seconds: float) -> None:
        for budget in self._chain():
            budget.script_seconds_spent += seconds

    def step(self, task: Any = None) -> None:
        """Charge one engine step; raise :class:`BudgetExceeded` once the operation is over budget."""
        now = time.monotonic()
        for budget in self._chain():
            budget.steps_taken += 1
            if budget.steps_taken > budget.steps:
                raise BudgetExceeded(Message("engine.script.too_many_steps", steps=budget.steps), task)
            if now - budget.started > budget.engine_seconds:
                raise BudgetExceeded(Message("engine.script.engine_too_long",
                                             seconds=f"{budget.engine_seconds:g}"), task)


_current: ContextVar[Budget | None] = ContextVar("samspil_operation_budget", default=None)


def current() -> Budget | None:
    """The budget of the operation running in this thread, if one is open."""
    return _current.get()


@contextmanager
def operation(budget: Budget | None = None) -> Iterator[Budget]:
    """Open a budget for this operation (by default the limits of one service operation).

    Inside an open one (a test run's), the new budget charges that one too.
    """
    opened = budget or Budget()
    opened.parent = _current.get()
    token = _current.set(opened)
    try:
        yield opened
    finally:
        _current.reset(token)
