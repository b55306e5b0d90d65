"""Domain errors. The web layer maps each class to one HTTP status in one place.

Every message is an :class:`engine.platform.messages.Message` (Danish, with its catalog key), so a page can
show it in the reader's language while the REST API keeps the Danish text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.platform.messages import Message


class EngineError(Exception):
    """Base class: every error the services raise on purpose."""

    def __init__(self, message: Message | str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        # Free-form by kind of error (``errors`` a list of problems, ``retry_after`` seconds, ...).
        self.details = details


class NotFound(EngineError):
    """An id that names nothing (or nothing the caller may know exists)."""


class Forbidden(EngineError):
    """The caller may not do this."""


class Conflict(EngineError):
    """The state moved on: a task no longer ready, claimed by another, or a lost race."""


class TooManyAttempts(EngineError):
    """Refused for now: too many recent failures (``details["retry_after"]`` seconds)."""


class InvalidInput(EngineError):
    """Input that breaks a rule; ``details["errors"]`` lists what and where."""


class Unreadable(EngineError):
    """Input of the wrong kind altogether, such as a file that is not BPMN."""


class TooLarge(EngineError):
    """A file over the size limit (413)."""


class Busy(EngineError):
    """Refused for now: the server is doing as much heavy work as it may (``details["retry_after"]`` seconds)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a diagram or in submitted data, tied to where it is."""

    element_id: str | None
    message: Message | str
    severity: str = "error"

    def as_dict(self) -> dict[str, Message | str | None]:
        return {"element_id": self.element_id, "message": self.message}


class InvalidDiagram(InvalidInput):
    """A deployment that cannot be accepted; ``problems`` names each element."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(Message("engine.diagram.invalid"), errors=[p.as_dict() for p in problems])
        self.problems = problems
