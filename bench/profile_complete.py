"""Where a completion's time goes: cProfile of N follow-up completions, and SQL statements per completion.

``python -m bench.profile_complete --db sqlite --completions 500 [--sort cumtime] [--limit 40]``

Sets up a throw-away database, takes N young people to their first follow-up task (untimed), then
completes those N follow-ups through ``engine.work.tasks.complete_task`` under cProfile. It also counts
the SQL statements and commits each completion issues, and times a bare one-row write transaction
on the same database (the commit floor: what the database alone costs per transaction).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time

from sqlalchemy import text

from bench.course_driver import CourseDriver, Odds, StatementCounter, who
from bench.databases import postgres_database, sqlite_database
from bench.world import World, build_world
from engine.work import tasks
from web.sample_forms import ACCEPT, PLAN, REFERRAL, follow_up, k_meeting


def to_follow_up(world: World, count: int) -> list[tuple[str, str]]:
    """``count`` instances waiting at a ready follow-up task; returns (task id, guide) pairs."""
    driver = CourseDriver(world, odds=Odds(outside=0, decline=0, frafald=0, lapse=0, reached=0, rest=0))
    ids = driver.start(driver.add_youths(count, min_age=15, max_age=16))
    id_set = set(ids)
    for element, data in (("henvisning", REFERRAL), ("k_moede", None), ("accepter_guide", ACCEPT),
                          ("uddannelsesplan", PLAN)):
        for row in driver.ready_tasks(id_set):
            if row.element_id != element:
                continue
            payload = data if data is not None else k_meeting(driver.rng.choice(world.people["ungeguide"]),
                                                              driver.rng.choice(world.people["koordinerende_sagsbehandler"]))
            tasks.complete_task(world.engine.uow(), world.actor(who(world, row), row.role),
                                row.id, payload)
    world.clock.advance(days=92)
    driver.fire()
    return [(row.id, who(world, row)) for row in driver.ready_tasks(id_set) if row.element_id == "opfoelgning"]


def commit_floor(world: World, runs: int = 200) -> float:
    """Median ms of a transaction that writes one small row and commits, on this database."""
    with world.engine.db.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS bench_commit_floor (id INTEGER PRIMARY KEY, v TEXT)"))
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        with world.engine.db.begin() as connection:
            connection.execute(text("INSERT INTO bench_commit_floor (id, v) VALUES (:i, 'x')"), {"i": i})
        samples.append(time.perf_counter() - start)
    with world.engine.db.begin() as connection:
        connection.execute(text("DROP TABLE bench_commit_floor"))
    return statistics.median(samples) * 1000


def profile(url: str, completions: int, sort: str, limit: int) -> str:
    world = build_world(url)
    try:
        todo = to_follow_up(world, completions)
        counter = StatementCounter(world.engine.db)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for task_id, guide in todo:
            tasks.complete_task(world.engine.uow(), world.actor(guide, "ungeguide"), task_id, follow_up(False))
        profiler.disable()
        elapsed = time.perf_counter() - started
        out = io.StringIO()
        n = len(todo)
        out.write(f"{world.dialect}: {n} follow-up completions in {elapsed:.2f} s under cProfile "
                  f"({elapsed / n * 1000:.2f} ms each, profiler overhead included)\n")
        out.write(f"SQL statements per completion: {counter.statements / n:.1f}; commits per completion: "
                  f"{counter.commits / n:.1f}\n")
        out.write(f"commit floor (one-row INSERT + COMMIT) p50: {commit_floor(world):.2f} ms\n\n")
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(limit)
        return out.getvalue()
    finally:
        world.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_complete", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--completions", type=int, default=500)
    parser.add_argument("--sort", default="cumtime")
    parser.add_argument("--limit", type=int, default=45)
    args = parser.parse_args()
    database = sqlite_database() if args.db == "sqlite" else postgres_database(args.postgres_url)
    with database as url:
        print(profile(url, args.completions, args.sort, args.limit))


if __name__ == "__main__":
    main()
