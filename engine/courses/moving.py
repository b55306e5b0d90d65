"""The one way a course moves: load it, let the caller run it, save it, audit it, commit.

Every operation that moves a course (completing a task, a message, a signal, a timer, a retry, a
drop-out, a start, a move to a new version) goes through :func:`moving`, so the sequence and its
order are written once:

    with uow:
        ...                                   # checks that need no loaded course
        with moving(uow, instance_id, actor, "instance_retried") as run:
            ...                               # checks on the course, then advance(run)
        return run_view(run)

The caller opens the unit of work (its checks and the view it returns after the commit share the
transaction) and wraps the whole in :func:`engine.platform.uow.while_code_runs`: a move runs
diagram code, and on SQLite :func:`moving` refuses a unit of work that took the write lock up
front. It writes nothing before the body has run, so on SQLite no write lock is held while the
code runs, and a stale snapshot at the first write (the save) runs the operation again.
An exception in the body leaves the course as it was: nothing is saved, the caller's unit of work
rolls back.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ScalarSelect

from engine.courses.runtime import Run, load_run, save
from engine.people import audit
from engine.people.access import SYSTEM, Actor
from engine.platform.uow import UnitOfWork, ensure_no_write_lock_while_code_runs


@contextmanager
def moving(uow: UnitOfWork, course: int | ScalarSelect[int] | Run, actor: Actor, action: str | None,
           what: str | None = None, *, commit: bool = True) -> Iterator[Run]:
    """Load ``course`` (locked, :func:`engine.courses.runtime.load_run`), yield it, then save, audit and commit.

    ``course`` is an instance id (or a subquery giving one), or a :class:`Run` the caller has already
    built: a course just started, or one it had to look at before deciding to move it at all (a
    signal it no longer waits for, a migration that is blocked), loaded in the same transaction.

    The audit row is ``action`` for the course's young person, with ``what`` (default ``forløb <id>``,
    the id known only after a start's insert). ``action`` None writes none (the caller wrote its own).
    ``commit=False`` leaves the commit to a caller that has more to write in the same transaction.
    Moves by the engine itself (:data:`SYSTEM`) are credited to no one in the course's journal.
    """
    ensure_no_write_lock_while_code_runs(uow)
    run = course if isinstance(course, Run) else load_run(uow, course, None if actor is SYSTEM else actor.username)
    yield run
    save(uow, run)
    if action is not None:
        audit.record(uow, actor, action, run.instance.youth_id, what or f"forløb {run.instance.id}")
    if commit:
        uow.commit()
