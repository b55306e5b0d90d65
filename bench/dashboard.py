"""Dashboard benchmark: generate many courses straight into the tables, then time every figure.

    python -m bench.dashboard                       # SQLite, 10,000 young people (a temporary file)
    SAMSPIL_BENCH_DATABASE_URL=postgresql://... python -m bench.dashboard   # 100,000 young people,
                                                   # 1,000,000 task rows; the database is emptied first

Rows are written with bulk inserts (COPY on PostgreSQL), shaped like the engine's: one course per
young person through referral, k-meeting, guide, plan, a follow-up every 91 days (escalated when left
open 14 days) and handover, over three years up to a fixed "now". Each figure is asked through the
REST API (the Flask test client, JSON encoding included) ``--repeats`` times; the page is every
request the dashboard page makes, one after another.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text

from engine.courses.assignment import NO_DUE_DATE
from engine.people.roles import seed_defaults

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PASSWORD = "bench-password-123"
TEAMS = ("nord", "syd", "oest", "vest")
REASONS = ("uddannelse", "uddannelse", "uddannelse", "job", "flyttet", "fravalgt", "andet")
NAMES = {"henvisning": "Henvisning", "luk_henvisning": "Luk henvisning med anbefaling",
         "k_moede": "Tværgående koordineringsmøde (k-møde)", "accepter_guide": "Accepter rollen som ungeguide",
         "uddannelsesplan": "Uddannelses- og jobplan", "opfoelgning": "Opfølgning på planen",
         "eskalering": "Eskalering: opfølgning overskredet", "overdragelse": "Overdragelse"}
ROLES = {"henvisning": "sagsbehandler", "luk_henvisning": "ungekoordinator", "k_moede": "ungekoordinator",
         "accepter_guide": "ungeguide", "uddannelsesplan": "koordinerende_sagsbehandler",
         "opfoelgning": "ungeguide", "eskalering": "ungekoordinator", "overdragelse": "koordinerende_sagsbehandler"}
TASK_COLUMNS = ("id", "instance_id", "youth_id", "process_key", "process_version_id", "element_id", "name", "role",
                "lane_id", "assignee", "personal", "state", "form_key", "created_at", "claimed_at", "completed_at",
                "completed_by", "due_at", "queue_at")


@dataclass
class Generated:
    youths: list[tuple] = field(default_factory=list)
    instances: list[tuple] = field(default_factory=list)
    facts: list[tuple] = field(default_factory=list)
    people: list[tuple] = field(default_factory=list)
    tasks: list[tuple] = field(default_factory=list)


def generate(young_people: int, task_rows: int, version_id: int, seed: int = 5) -> Generated:
    """Courses until both the number of young people and (about) the number of task rows are reached."""
    rng = random.Random(seed)
    out = Generated()
    per_youth = task_rows / young_people
    guides = [f"guide{n:04d}" for n in range(max(1, young_people // 60))]
    coordinators = [f"koord{n:04d}" for n in range(max(1, young_people // 70))]
    minutes = lambda low, high: timedelta(minutes=rng.randint(low, high))  # noqa: E731
    for youth_id in range(1, young_people + 1):
        remaining = max(1, task_rows - len(out.tasks))
        wanted_tasks = remaining / (young_people - youth_id + 1)
        span_days = int(4.3 * 365 * min(3.2, max(0.05, wanted_tasks / per_youth)))
        created = NOW - timedelta(days=rng.uniform(0, span_days))
        birthdate = (NOW - timedelta(days=rng.randint(15 * 365, 24 * 365))).date()
        out.youths.append((youth_id, f"Ung {youth_id}", birthdate, NOW, "bench"))
        team = rng.choice(TEAMS)
        guide = rng.choice(guides[: max(1, len(guides) // 3)] if rng.random() < 0.25 else guides)
        coordinator = rng.choice(coordinators)
        instance_id = youth_id
        tasks: list[tuple] = []
        people: list[tuple[str, str]] = []
        status, completed_at, outcome = "running", None, None

        # This course's guide, coordinator, ids and task list are bound as defaults, not read from the loop.
        def add(element: str, at: datetime, took: timedelta | None, due: datetime | None = None, *,
                guide: str = guide, coordinator: str = coordinator, tasks: list[tuple] = tasks,
                instance_id: int = instance_id, youth_id: int = youth_id) -> datetime | None:
            done = at + took if took is not None and at + took <= NOW else None
            by = {"accepter_guide": guide, "opfoelgning": guide, "uddannelsesplan": coordinator,
                  "overdragelse": coordinator}.get(element)
            tasks.append((str(uuid.UUID(int=rng.getrandbits(128))), instance_id, youth_id, "samarbejdsmodel",
                          version_id, element, NAMES[element], ROLES[element], None, by if done else None,
                          by is not None, "completed" if done else "ready", element, at, None, done,
                          (by or "bench") if done else None, due, due or NO_DUE_DATE))
            return done

        at = created
        done = add("henvisning", at, minutes(30, 6 * 24 * 60) if rng.random() > 0.03 else None)
        if done and rng.random() < 0.1:
            done = add("luk_henvisning", done, minutes(60, 8 * 24 * 60))
            status, completed_at = ("completed", done) if done else (status, None)
        elif done:
            done = add("k_moede", done, minutes(60, 14 * 24 * 60) if rng.random() > 0.04 else None)
            if done:
                people = [("ungeguide", guide), ("koordinerende_sagsbehandler", coordinator)]
                done = add("accepter_guide", done, minutes(30, 4 * 24 * 60) if rng.random() > 0.03 else None)
            if done:
                done = add("uddannelsesplan", done, minutes(60, 40 * 24 * 60) if rng.random() > 0.03 else None)
            while done and done < NOW:
                opened = done + timedelta(days=91)
                if opened > NOW:
                    break
                took = minutes(60, 24 * 24 * 60) if rng.random() > 0.02 else None
                due = opened + timedelta(days=14)
                done = add("opfoelgning", opened, took, due)
                if (done is None and due <= NOW) or (done is not None and done > due):
                    add("eskalering", due, minutes(60, 6 * 24 * 60) if rng.random() > 0.2 else None)
                if done and rng.random() < 0.03:
                    done = add("overdragelse", done, minutes(60, 12 * 24 * 60))
                    if done:
                        reason = rng.choice(REASONS)
                        outcome = ({"uddannelse": "education", "job": "job"}.get(reason, "other"), reason, done)
                        status, completed_at = "completed", done
                    break
        # Keep one task row for each young person still to come, so both counts come out exact.
        out.tasks.extend(tasks[: max(1, task_rows - len(out.tasks) - (young_people - youth_id))])
        out.instances.append((instance_id, version_id, "samarbejdsmodel", youth_id, status, b"{}",
                              json.dumps({"team": team}), 1, created, completed_at or NOW, completed_at, None,
                              "[]", None, None))
        out.facts.append((instance_id, team, *(outcome or (None, None, None))))
        out.people.extend((instance_id, lane, name, "samarbejdsmodel", youth_id, status == "running")
                          for lane, name in people)
    out.tasks.sort(key=lambda task: task[13])  # rows arrive in the order tasks are created, as in real use
    return out


INSTANCE_COLUMNS = ("id", "process_version_id", "process_key", "youth_id", "status", "state", "data", "lock_version",
                    "created_at", "updated_at", "completed_at", "next_timer_at", "waiting_messages", "error_message",
                    "error_element_id")


def load(db: Any, data: Generated) -> None:
    """Write the generated rows; COPY on PostgreSQL, executemany on SQLite."""
    tables = [("youths", ("id", "name", "birthdate", "created_at", "created_by"), data.youths),
              ("process_instances", INSTANCE_COLUMNS, data.instances),
              ("course_facts", ("instance_id", "team", "outcome", "outcome_reason", "outcome_at"), data.facts),
              ("course_people", ("instance_id", "lane", "username", "process_key", "youth_id", "active"), data.people),
              ("tasks", TASK_COLUMNS, data.tasks)]
    if db.dialect.name == "postgresql":
        raw = db.raw_connection()
        try:
            with raw.cursor() as cursor:
                for table, columns, rows in tables:
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                cursor.execute("SELECT setval('youths_id_seq', (SELECT max(id) FROM youths))")
                cursor.execute("SELECT setval('process_instances_id_seq', (SELECT max(id) FROM process_instances))")
            raw.commit()
            raw.driver_connection.autocommit = True
            raw.driver_connection.execute("VACUUM ANALYZE")
            raw.driver_connection.autocommit = False
        finally:
            raw.close()
        return
    from engine.platform.models import Base

    with db.begin() as connection:
        for table, columns, rows in tables:
            target = Base.metadata.tables[table]
            for start in range(0, len(rows), 20_000):
                connection.execute(insert(target), [dict(zip(columns, row, strict=True)) for row in rows[start:start + 20_000]])
        connection.exec_driver_sql("ANALYZE")


def prepare(url: str, young_people: int, task_rows: int) -> tuple[Any, str, dict[str, float]]:
    """An empty migrated database with the default process, generated courses and a coordinator token."""
    from engine.bootstrap import bootstrap
    from engine.definitions import deployment
    from engine.definitions.process_files import files_from_paths
    from engine.people import users
    from engine.people.access import Actor
    from engine.platform.clock import FrozenClock
    from engine.platform.models import Base
    from engine.platform.schema import upgrade

    engine = bootstrap(url, FrozenClock(NOW), secret_key="bench-secret")
    upgrade(engine.db)
    with engine.db.begin() as connection:
        if engine.db.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            seed_defaults(connection, NOW)
    root = os.path.join(os.path.dirname(__file__), "..", "processes")
    version = deployment.deploy(engine.uow(), files_from_paths([root]), Actor("bench", frozenset({"procesejer"})))[0]
    with engine.reader() as uow:
        version_id = uow.session.execute(text("SELECT id FROM process_versions WHERE version = :v"),
                                         {"v": version.version}).scalar_one()
    started = time.perf_counter()
    data = generate(young_people, task_rows, version_id)
    load(engine.db, data)
    seconds = time.perf_counter() - started
    users.add_user(engine.uow(), "kim", PASSWORD, ["ungekoordinator"])
    token = users.create_token(engine.uow(), "kim")
    return engine, token, {"young_people": len(data.youths), "task_rows": len(data.tasks),
                           "open_tasks": sum(1 for t in data.tasks if t[11] == "ready"),
                           "load_seconds": round(seconds, 1)}


def page_requests(busiest: str) -> list[tuple[str, str]]:
    """The requests the dashboard page makes on opening (default filters), plus the click on the busiest element."""
    base = "process_key=samarbejdsmodel"
    return [("diagram", f"/api/v1/metrics/diagram?{base}"), ("heatmap", f"/api/v1/metrics/heatmap?{base}"),
            ("steps", f"/api/v1/metrics/steps?{base}"), ("funnel", f"/api/v1/metrics/funnel?{base}"),
            ("overdue", f"/api/v1/metrics/overdue?{base}"), ("compliance", f"/api/v1/metrics/compliance?{base}"),
            ("caseload", f"/api/v1/metrics/caseload?{base}"), ("outcomes", f"/api/v1/metrics/outcomes?{base}"),
            ("waiting (busiest)", f"/api/v1/metrics/waiting?{base}&element_id={busiest}"),
            ("bottlenecks", f"/api/v1/metrics/bottlenecks?{base}")]


EXTRA = [("heatmap team+age", "/api/v1/metrics/heatmap?process_key=samarbejdsmodel&team=nord&age_band=15-17"),
         ("steps 1 year", "/api/v1/metrics/steps?process_key=samarbejdsmodel&start=2025-11-24&end=2026-11-23"),
         ("funnel 1 year", "/api/v1/metrics/funnel?process_key=samarbejdsmodel&start=2025-11-24&end=2026-11-23"),
         ("compliance 1 year",
          "/api/v1/metrics/compliance?process_key=samarbejdsmodel&start=2025-11-24&end=2026-11-23"),
         ("outcomes 3 years", "/api/v1/metrics/outcomes?process_key=samarbejdsmodel&start=2023-11-24&end=2026-11-23"),
         ("steps csv", "/api/v1/metrics/steps?process_key=samarbejdsmodel&format=csv")]


def _logged_in(app: Any) -> Any:
    """A test client with a coordinator's session, for the server-rendered page."""
    import re

    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": "kim", "password": PASSWORD, "csrf_token": token})
    return client


def measure(engine: Any, token: str, repeats: int) -> tuple[dict[str, float], list[float]]:
    from web import create_app

    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "bench-secret"})
    client = app.test_client()
    browser = _logged_in(app)
    headers = {"Authorization": f"Bearer {token}"}
    heat = client.get("/api/v1/metrics/heatmap?process_key=samarbejdsmodel", headers=headers).get_json()
    busiest = heat["rows"][0]["element_id"] if heat["rows"] else "k_moede"
    requests = page_requests(busiest) + EXTRA
    timings: dict[str, list[float]] = {name: [] for name, _ in requests}
    pages = []
    for _ in range(repeats):
        page = 0.0
        for name, path in requests:
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            took = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code} {response.get_data(as_text=True)[:200]}")
            timings[name].append(took * 1000)
            if (name, path) in page_requests(busiest):
                page += took * 1000
        pages.append(page)
        started = time.perf_counter()
        response = browser.get("/overblik/")
        timings.setdefault("page /overblik/ (HTML)", []).append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or b'id="heatmap"' not in response.data:
            raise SystemExit(f"/overblik/: {response.status_code}")
    return {name: statistics.median(values) for name, values in timings.items()}, pages


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="bench.dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("SAMSPIL_BENCH_DATABASE_URL"))
    parser.add_argument("--young-people", type=int)
    parser.add_argument("--task-rows", type=int)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    url = args.database_url
    scratch = None
    if not url:
        scratch = tempfile.TemporaryDirectory()
        url = f"sqlite:///{scratch.name}/bench.db"
    on_postgres = url.startswith("postgres")
    young_people = args.young_people or (100_000 if on_postgres else 10_000)
    task_rows = args.task_rows or young_people * 10
    engine, token, sizes = prepare(url, young_people, task_rows)
    medians, pages = measure(engine, token, args.repeats)
    engine.db.dispose()
    database = "PostgreSQL" if on_postgres else "SQLite"
    print(f"dashboard on {database}: {sizes['young_people']:,} young people, {sizes['task_rows']:,} task rows "
          f"({sizes['open_tasks']:,} open), loaded in {sizes['load_seconds']} s; {args.repeats} runs each")
    for name, value in medians.items():
        print(f"  {name:<22} p50 {value:8.1f} ms")
    print(f"  {'page as API calls':<22} p50 {statistics.median(pages):8.1f} ms   max {max(pages):8.1f} ms"
          "   (the page's figures fetched one after another through the REST API)")
    if scratch is not None:
        scratch.cleanup()
    return {"database": database, **sizes, "p50_ms": medians, "page_p50_ms": statistics.median(pages)}


if __name__ == "__main__":
    main(sys.argv[1:])
