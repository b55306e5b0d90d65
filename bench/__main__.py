"""``python -m bench`` (``make bench``): measure the engine on SQLite and PostgreSQL and print a table.

Per database, in a throw-away database:
1. ``--youths`` young people are registered and every one gets a course started (start latency);
   the first ``--full-courses`` of them are driven through whole courses with random outcomes
   (complete latency through the engine API and, for a tenth of the completions, through the REST
   API; messages; the worker's timer passes; whole courses per second). Driving all of them through
   whole courses would take hours on a small machine, so the rest wait at their referral task,
   where they also count as open tasks for the inbox.
2. ``--growth-instances`` young people are taken through 40 follow-up rounds: stored bytes per
   instance after 20 and after 40 rounds.
3. Open task rows are bulk-inserted up to ``--inbox-tasks`` and the inbox is read.
The in-memory floor is measured once, in the same run, and so is what the out-of-process sandbox
for diagram code costs per completion (``bench/sandbox_cost.py``, ``--sandbox-courses``).
On PostgreSQL, ``--migrate-courses`` courses
with their real data (minutes, guide, plan; a third with the follow-up open) are then moved to a
changed version in a fresh database (:mod:`bench.migration`), and the inbox and a REST completion are
measured with tenants and row-level security on and off (:mod:`bench.tenants_cost`, ``--tenant-courses``).
"""
from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import func, select

from bench import floor, growth, inbox, migration, sandbox_cost, tenants_cost
from bench.course_driver import CourseDriver
from bench.databases import postgres_database, sqlite_database
from bench.report import DatabaseRun, load, render
from bench.world import build_world
from engine.platform.models import InstanceEvent


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_database(label: str, url: str, args: argparse.Namespace) -> DatabaseRun:
    started = time.perf_counter()
    world = build_world(url)
    try:
        with world.engine.db.connect() as connection:
            if world.dialect == "sqlite":
                version = connection.exec_driver_sql("select sqlite_version()").scalar()
                server = f"SQLite {version}, WAL, synchronous=NORMAL, temporary file"
            else:
                settings = {name: connection.exec_driver_sql(f"show {name}").scalar_one()
                            for name in ("server_version", "synchronous_commit", "fsync", "jit", "shared_buffers")}
                server = ("PostgreSQL " + settings.pop("server_version") + ", "
                          + ", ".join(f"{k}={v}" for k, v in settings.items()) + ", fresh database")
        driver = CourseDriver(world, seed=args.seed)
        log(f"{label}: starting {args.youths:,} courses")
        ids = driver.start(driver.add_youths(args.youths))
        full = ids[:args.full_courses]
        log(f"{label}: driving {len(full):,} whole courses")
        driver.drive(full)
        with world.engine.reader() as uow:
            birthdays = uow.session.scalar(select(func.count()).select_from(InstanceEvent).where(
                InstanceEvent.kind == "timer_fired", InstanceEvent.element_id == "fyldt_25",
                InstanceEvent.instance_id.in_(full)))
        driver.figures.outcomes["birthday_25_handover"] = birthdays or 0
        log(f"{label}: {args.growth_instances} instances through 40 follow-up rounds")
        grown = growth.run(world, args.growth_instances)
        log(f"{label}: inbox with {args.inbox_tasks:,} open tasks")
        box = inbox.run(world, args.inbox_tasks, runs=args.inbox_runs)
        notes = [f"inbox: {box.open_tasks:,} open task rows ({box.insert_seconds:.0f} s to bulk-insert)"]
        if args.explain:
            from engine.people.access import Actor
            notes.append(inbox.explain(world, Actor("guide07", frozenset({"ungeguide"}))).replace("\n", "\n  "))
        return DatabaseRun(label, server, driver.figures, grown, box, time.perf_counter() - started, notes)
    finally:
        world.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Samspil benchmark (see BENCHMARKS.md)")
    parser.add_argument("--youths", type=int, default=10_000, help="young people started per database (default 10,000)")
    parser.add_argument("--big", action="store_true", help="100,000 young people")
    parser.add_argument("--full-courses", type=int, default=250,
                        help="of them, how many are driven through whole courses (default 250)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres-url", default=None,
                        help="PostgreSQL URL to use as it is (default: a fresh database samspil_bench_<pid> on "
                             "postgresql://postgres@127.0.0.1:5432, dropped afterwards)")
    parser.add_argument("--inbox-tasks", type=int, default=100_000, help="open tasks for the inbox query (default 100,000)")
    parser.add_argument("--inbox-runs", type=int, default=50)
    parser.add_argument("--growth-instances", type=int, default=20)
    parser.add_argument("--floor-runs", type=int, default=1000)
    parser.add_argument("--migrate-courses", type=int, default=10_000,
                        help="courses with real data moved to a changed version on PostgreSQL (default 10,000; 0 skips)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sandbox-courses", type=int, default=100,
                        help="courses per script environment for the sandbox's cost (default 100; 0 skips it)")
    parser.add_argument("--explain", action="store_true", help="also print the inbox query's plan")
    parser.add_argument("--tenant-courses", type=int, default=100,
                        help="referrals per tenant for the cost of tenants and RLS on PostgreSQL (default 100; 0 skips)")
    args = parser.parse_args(argv)
    if args.big:
        args.youths = 100_000
    args.full_courses = min(args.full_courses, args.youths)

    started = time.perf_counter()
    start_load = load()
    log("floor: plain SpiffWorkflow in memory")
    floor_figures = floor.measure(args.floor_runs)
    runs = []
    if args.db in ("sqlite", "both"):
        with sqlite_database() as url:
            runs.append(run_database("SQLite", url, args))
    moved = None
    if args.db in ("postgres", "both"):
        with postgres_database(args.postgres_url) as url:
            runs.append(run_database("PostgreSQL", url, args))
        if args.migrate_courses:
            log(f"PostgreSQL: moving {args.migrate_courses:,} courses with their data to a changed version")
            with postgres_database(args.postgres_url) as url:
                moved = migration.run(url, args.migrate_courses, log)
    print(render(runs, floor_figures, args, time.perf_counter() - started, start_load))
    if moved is not None:
        print(migration.render(moved))
    if args.db in ("postgres", "both") and args.tenant_courses:
        log("PostgreSQL: the inbox and a completion with tenants and row-level security on vs off")
        with postgres_database(args.postgres_url) as url:
            print()
            print(tenants_cost.render(tenants_cost.measure(url, args.tenant_courses, 2 * args.tenant_courses)))
    if args.sandbox_courses:
        log("sandbox: completions with diagram code in a sandbox process vs in process")
        print()
        print(sandbox_cost.render(sandbox_cost.measure(args.sandbox_courses)))


if __name__ == "__main__":
    main()
