"""Finding 12 for tasks made before the fix: the migration hands stuck tasks back."""
from __future__ import annotations

import importlib.util

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import delete, select, update

from engine.courses import instances
from engine.people import youths
from engine.platform.db import make_engine
from engine.platform.models import Task, TaskCandidate
from engine.platform.schema import MIGRATIONS
from engine.work import tasks
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, open_task


def _run_migration(engine) -> None:
    spec = importlib.util.spec_from_file_location("m0007", MIGRATIONS / "versions" / "0007_policy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    owner = make_engine(engine.db.url.render_as_string(hide_password=False))  # migrations run as the owner
    with owner.begin() as connection:  # (the app's role is under row-level security: engine.platform.db)
        with Operations.context(MigrationContext.configure(connection)):
            module.upgrade()
    owner.dispose()


def test_the_migration_gives_assigned_tasks_their_person_and_returns_released_ones_to_the_queue(engine, deployed):
    first = instances.start_instance(engine.uow(), CASEWORKER, "samarbejdsmodel",
                                     youths.create_youth(engine.uow(), CASEWORKER, "A", "2009-03-01")["id"])
    second = instances.start_instance(engine.uow(), CASEWORKER, "samarbejdsmodel",
                                      youths.create_youth(engine.uow(), CASEWORKER, "B", "2009-03-01")["id"])
    assigned = open_task(engine, CASEWORKER, first["id"], "henvisning")["id"]
    released = open_task(engine, CASEWORKER, second["id"], "henvisning")["id"]
    with engine.uow() as uow:  # as the rows were before the fix: no candidate row; the second released
        uow.session.execute(delete(TaskCandidate).where(TaskCandidate.task_id.in_([assigned, released])))
        uow.session.execute(update(Task).where(Task.id == released).values(assignee=None))
        uow.commit()
    _run_migration(engine)
    with engine.reader() as uow:
        assert list(uow.session.scalars(select(TaskCandidate.username).where(TaskCandidate.task_id == assigned))) \
            == ["sara"]
        assert uow.session.get(Task, released).personal is False
    tasks.unclaim_task(engine.uow(), CASEWORKER, assigned)
    assert tasks.claim_task(engine.uow(), CASEWORKER, assigned)["assignee"] == "sara"
    assert tasks.claim_task(engine.uow(), CASEWORKER, released)["assignee"] == "sara"  # the caseworkers' queue
    assert tasks.complete_task(engine.uow(), CASEWORKER, released, REFERRAL)["status"] == "running"
    assert open_task(engine, COORDINATOR, second["id"], "k_moede")
