"""What several municipalities on one installation (issue 11, part 4) cost the inbox and a completion.

    python -m bench.tenants_cost [--courses 200] [--inbox-calls 300] [--postgres-url URL]

PostgreSQL only (SQLite has the service-layer filter but no row-level security). Two tenants of the
same size, each with a caseworker holding ``--courses`` referrals; measured through the REST API
(Flask test client, bearer token): ``GET /api/v1/tasks?mine=true`` and
``POST /api/v1/tasks/<id>/complete``. Calls alternate between

* **tenants + RLS**: the application as it runs, acting as ``samspil_app`` (row-level security
  applies), every ORM statement filtered by tenant, ``samspil.tenant`` set in each transaction;
* **off**: the same data and app with the service filter switched off, the per-transaction
  ``set_config`` left out and the connection acting as the tables' owner (RLS does not apply): what a
  single-municipality installation did before tenants.

Also printed: SQL statements per call (counted at the cursor), which shows the one ``set_config``
each transaction adds.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace
from typing import Any

from sqlalchemy import event

from bench.databases import postgres_database
from bench.stats import Samples
from bench.world import PASSWORD, build_world
from engine.courses import instances
from engine.people import tenants, users, youths
from engine.people.access import Actor
from engine.platform import tenancy
from engine.platform.db import make_engine, make_session_factory
from web import create_app
from web.sample_forms import REFERRAL

MODES = ("tenants + RLS", "off (before tenants)")


def _fill(engine: Any, caseworker: str, courses: int) -> None:
    actor = Actor(caseworker, frozenset({"sagsbehandler"}))
    for i in range(courses):
        youth = youths.create_youth(engine.uow(), actor, f"Bench Ung {i}", "2009-03-01")
        instances.start_instance(engine.uow(), actor, "samarbejdsmodel", youth["id"])


def measure(url: str, courses: int, inbox_calls: int) -> dict[str, dict[str, Any]]:
    world = build_world(url)  # the default tenant: users, tokens, the deployed course
    engine = world.engine
    caseworker = world.people["sagsbehandler"][0]
    _fill(engine, caseworker, courses)
    other = tenants.add_tenant(engine, "anden", "Anden Kommune")["id"]
    with tenancy.acting_in(other):  # a second municipality of the same size, so filters have rows to skip
        from bench.world import PROCESSES
        from engine.definitions import deployment
        from engine.definitions.process_files import files_from_paths

        deployment.deploy(engine.uow(), files_from_paths([PROCESSES]), Actor("owner2", frozenset({"procesejer"})))
        users.add_user(engine.uow(), "sb_anden", PASSWORD, ["sagsbehandler"])
        _fill(engine, "sb_anden", courses)
    owner_db = make_engine(url)  # the tables' owner: row-level security does not apply
    off_engine = replace(engine, db=owner_db, session_factory=make_session_factory(owner_db))
    apps = {MODES[0]: create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "bench-secret"}).test_client(),
            MODES[1]: create_app({"TESTING": True, "ENGINE": off_engine, "SECRET_KEY": "bench-secret"}).test_client()}
    statements = {"n": 0}

    def count(*_args: Any) -> None:
        statements["n"] += 1

    for db in (engine.db, owner_db):
        event.listen(db, "before_cursor_execute", count)
    headers = {"Authorization": f"Bearer {world.tokens[caseworker]}"}
    result: dict[str, dict[str, Any]] = {
        mode: {"inbox": Samples(), "complete": Samples(), "statements": {"inbox": 0, "complete": 0}} for mode in MODES}
    real_name = tenancy.name_transaction

    def call(mode: str, kind: str, path: str, body: dict[str, Any] | None = None) -> Any:
        off = mode == MODES[1]
        tenancy.service_filter_enabled = not off
        tenancy.name_transaction = (lambda *_: None) if off else real_name
        statements["n"] = 0
        started = time.perf_counter()
        client = apps[mode]
        response = client.post(path, json=body, headers=headers) if body is not None else client.get(path, headers=headers)
        result[mode][kind].add(time.perf_counter() - started)
        result[mode]["statements"][kind] = statements["n"]
        tenancy.service_filter_enabled, tenancy.name_transaction = True, real_name
        if response.status_code != 200:
            raise RuntimeError(f"{kind}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        return response

    try:
        for i in range(inbox_calls):
            call(MODES[i % 2], "inbox", "/api/v1/tasks?mine=true&limit=50")
        referrals = apps[MODES[0]].get(f"/api/v1/tasks?mine=true&limit={courses}", headers=headers).get_json()
        for i, task in enumerate(referrals):
            call(MODES[i % 2], "complete", f"/api/v1/tasks/{task['id']}/complete", {"data": REFERRAL})
    finally:
        tenancy.service_filter_enabled, tenancy.name_transaction = True, real_name
        owner_db.dispose()
        world.close()
    return result


def render(figures: dict[str, dict[str, Any]]) -> str:
    lines = ["| call | tenants | n | p50 ms | p95 ms | statements per call |", "|---|---|---|---|---|---|"]
    for kind in ("inbox", "complete"):
        for mode in MODES:
            samples = figures[mode][kind]
            lines.append(f"| {kind} | {mode} | {len(samples)} | {samples.p50:.1f} | {samples.p95:.1f} | "
                         f"{figures[mode]['statements'][kind]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--inbox-calls", type=int, default=300)
    parser.add_argument("--postgres-url")
    args = parser.parse_args(argv)
    with postgres_database(args.postgres_url) as url:
        print(render(measure(url, args.courses, args.inbox_calls)))


if __name__ == "__main__":
    main()
