"""Once-only forms: a form carries a random key, and the change it asks for happens once.

A person who double-clicks, or resends a form with the back button, sends the same key again.
:func:`once` is called inside the unit of work that makes the change: it stores the key in the
same transaction, so the second submission finds it and is refused with :class:`AlreadySubmitted`
(whose ``details["result"]`` holds what the first one stored).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from engine.people.access import Actor
from engine.platform.errors import Conflict
from engine.platform.messages import Message
from engine.platform.models import FormSubmission

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

MAX_KEY_LENGTH = 64


class AlreadySubmitted(Conflict):
    """The form with this key has been handled before."""


def not_yet(uow: UnitOfWork, key: str | None) -> None:
    """Refuse a key seen before, writing nothing: checked before diagram code runs, recorded by :func:`once` after."""
    if not key:
        return
    earlier = uow.session.get(FormSubmission, str(key)[:MAX_KEY_LENGTH])
    if earlier is not None:
        raise AlreadySubmitted(Message("engine.form.already_submitted"), result=earlier.result)


def once(uow: UnitOfWork, actor: Actor, key: str | None, result: dict[str, Any] | None = None) -> None:
    """Record the form key in the open unit of work; refuse a key seen before. No key: no check."""
    if not key:
        return
    not_yet(uow, key)
    key = str(key)[:MAX_KEY_LENGTH]
    uow.session.add(FormSubmission(key=key, username=actor.username, at=uow.clock.now(), result=result))
    try:
        uow.session.flush()
    except IntegrityError:  # the same key, committed by a concurrent request meanwhile
        raise AlreadySubmitted(Message("engine.form.already_submitted"), result=None) from None


def set_result(uow: UnitOfWork, key: str | None, result: dict[str, Any]) -> None:
    """Store what the change made (for example the new young person's id), for a resent form."""
    if not key:
        return
    row = uow.session.get(FormSubmission, str(key)[:MAX_KEY_LENGTH])
    if row is not None:
        row.result = result
