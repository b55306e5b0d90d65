"""A few slots per server process for heavy work: validating, deploying, a draft's test run.

Parsing a large diagram and running a draft take CPU that every other request of the process
shares (threads, one interpreter lock). Eight parallel 5 MB validations used to stall a server
for 30 s. Now at most :data:`limits.HEAVY_SLOTS` run at once; a request that cannot get a slot
within :data:`limits.HEAVY_WAIT_SECONDS` is refused with :class:`Busy` (503 with Retry-After).
The slots are re-entrant in a thread (a test run deploys its draft inside its own slot) and made
anew after a fork, so a gunicorn worker never inherits a slot another thread held.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from engine.platform import limits
from engine.platform.errors import Busy
from engine.platform.messages import Message

_slots = threading.BoundedSemaphore(limits.HEAVY_SLOTS)
_held = threading.local()


@contextmanager
def heavy_slot() -> Iterator[None]:
    """Hold one slot for the block; refuse with :class:`Busy` when none frees up in time."""
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
        return
    slots = _slots
    if not slots.acquire(timeout=limits.HEAVY_WAIT_SECONDS):
        raise Busy(Message("engine.deploy.busy"), retry_after=limits.HEAVY_RETRY_AFTER_SECONDS)
    _held.depth = 1
    try:
        yield
    finally:
        _held.depth = 0
        slots.release()


def _after_fork_in_child() -> None:
    global _slots, _held
    _slots = threading.BoundedSemaphore(limits.HEAVY_SLOTS)
    _held = threading.local()


os.register_at_fork(after_in_child=_after_fork_in_child)
