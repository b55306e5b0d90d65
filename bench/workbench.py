"""Workbench figures: deploying and validating the default model, migrating many running courses.

    python -m bench.workbench [--instances 10000] [--database-url postgresql://...]

The migration figure needs PostgreSQL (``--database-url`` or SAMSPIL_BENCH_DATABASE_URL); the
database is emptied first. Without one, the migration runs on a temporary SQLite file.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from engine.bootstrap import Engine, bootstrap
from engine.courses.runtime import Run, advance, new_workflow, process_for, save
from engine.definitions import deployment, instance_migration
from engine.definitions.library import ParsedProcess
from engine.definitions.process_files import files_from_paths
from engine.people.access import Actor
from engine.people.roles import seed_defaults
from engine.platform.clock import FrozenClock
from engine.platform.db import make_engine
from engine.platform.models import Base, ProcessInstance, Task, Youth
from engine.platform.schema import upgrade
from engine.platform.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
OWNER = Actor("per", frozenset({"procesejer"}))
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ROLES = {"sagsbehandler", "ungekoordinator", "ungeguide", "koordinerende_sagsbehandler"}


def _median_ms(action: Callable[[int], object], rounds: int) -> tuple[float, float]:
    timings = []
    for round_ in range(rounds):
        began = time.perf_counter()
        action(round_)
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings), max(timings)


def _sqlite_engine(folder: str) -> Engine:
    engine = bootstrap(f"sqlite:///{folder}/bench.db", FrozenClock(START), secret_key="bench")
    upgrade(engine.db)
    return engine


def bench_validate(rounds: int = 30) -> tuple[float, float]:
    files = files_from_paths([PROCESSES])
    return _median_ms(lambda _: deployment.validate_files(files, ROLES), rounds)


def bench_deploy(rounds: int = 30) -> tuple[float, float]:
    """Each round deploys different content (a comment changes), so each stores a new version."""
    files = files_from_paths([PROCESSES])
    bpmn = files["samarbejdsmodel.bpmn"]
    with tempfile.TemporaryDirectory() as folder:
        engine = _sqlite_engine(folder)
        try:
            def deploy(round_: int) -> None:
                changed = {**files, "samarbejdsmodel.bpmn": bpmn + f"<!-- {round_} -->".encode()}
                deployment.deploy(engine.uow(), changed, OWNER)
            return _median_ms(deploy, rounds)
        finally:
            engine.db.dispose()


def _empty(url: str) -> None:
    db = make_engine(url)
    upgrade(db)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        seed_defaults(connection, START)
    db.dispose()


def start_at_referral(uow: UnitOfWork, process: ParsedProcess, version_id: int, now: datetime, name: str,
                      user: str) -> Run:
    """A new young person's course run to its first task, written straight into ``uow``'s session.

    The benchmarks build thousands of courses this way, many to a transaction, where the services
    would take one transaction each; the caller saves the run (after moving it on, if it likes).
    """
    youth = Youth(name=name, birthdate=date(2009, 3, 1), created_at=now, created_by=user)
    uow.session.add(youth)
    uow.session.flush()
    workflow = new_workflow(uow, process, {"youth_id": youth.id, "initiator": user, "birthdate": "2009-03-01",
                                           "birthdate_25": "2034-03-01T00:00:00+00:00"})
    instance = ProcessInstance(process_version_id=version_id, process_key="samarbejdsmodel", youth_id=youth.id,
                               status="running", state=b"{}", data={}, created_at=now, updated_at=now,
                               waiting_messages=[])
    uow.session.add(instance)
    uow.session.flush()
    run = Run(instance, workflow, process, user, now)
    advance(run)
    return run


def _start_courses(engine: Engine, count: int) -> None:
    """``count`` courses waiting at the referral, created in batches of 500 per transaction."""
    with engine.uow() as uow:
        version = deployment.latest_version(uow, "samarbejdsmodel")
        assert version is not None, "the benchmark deploys the default process first"
        _, process = process_for(uow, version.id)
        version_id = version.id
    done = 0
    while done < count:
        with engine.uow() as uow:
            now = engine.clock.now()
            for _ in range(min(500, count - done)):
                save(uow, start_at_referral(uow, process, version_id, now, "Bench", "bench"))
                done += 1
            uow.commit()


def bench_migrate(url: str | None, count: int) -> dict[str, float]:
    files = files_from_paths([PROCESSES])
    monthly = {**files, "samarbejdsmodel.bpmn": files["samarbejdsmodel.bpmn"].replace(b">P3M<", b">P1M<")}
    with tempfile.TemporaryDirectory() as folder:
        if url:
            _empty(url)
            engine = bootstrap(url, FrozenClock(START), secret_key="bench")
        else:
            engine = _sqlite_engine(folder)
        try:
            deployment.deploy(engine.uow(), files, OWNER)
            began = time.perf_counter()
            _start_courses(engine, count)
            setup = time.perf_counter() - began
            deployment.deploy(engine.uow(), monthly, OWNER)
            began = time.perf_counter()
            dry = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=True)
            dry_run = time.perf_counter() - began
            began = time.perf_counter()
            moved = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False)
            migrate = time.perf_counter() - began
            with engine.reader() as uow:
                open_tasks = uow.session.query(Task).filter(Task.state == "ready", Task.process_version_id == 2).count()
            assert moved["migrated"] == count and moved["remaining"] == 0 and open_tasks == count, moved["migrated"]
            assert sum(1 for r in dry["instances"] if r["can_migrate"]) == count
            return {"setup_s": setup, "dry_run_s": dry_run, "migrate_s": migrate}
        finally:
            engine.db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.workbench", description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("SAMSPIL_BENCH_DATABASE_URL"))
    args = parser.parse_args(argv)
    median, worst = bench_validate()
    print(f"validate default model      median {median:7.1f} ms   max {worst:7.1f} ms   (target <= 100 ms)")
    median, worst = bench_deploy()
    print(f"deploy default model        median {median:7.1f} ms   max {worst:7.1f} ms   (target <= 300 ms)")
    where = "PostgreSQL" if args.database_url else "SQLite (pass --database-url for PostgreSQL)"
    figures = bench_migrate(args.database_url, args.instances)
    print(f"migrate {args.instances} courses on {where}: dry run {figures['dry_run_s']:.1f} s, "
          f"migration {figures['migrate_s']:.1f} s (target <= 60 s); setup {figures['setup_s']:.1f} s")


if __name__ == "__main__":
    main()
