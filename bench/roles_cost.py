"""What reading a role's permissions from the database (issue 11) costs the inbox and a completion.

    python -m bench.roles_cost [--db sqlite|postgresql|both] [--courses 200] [--inbox-calls 300]

Every request now resolves its actor with the actor's permissions (one more indexed query on
``role_permissions``, in the same transaction as the token or session lookup). Measured through the
REST API (Flask test client, bearer token), as a browser or integration would call it:
``GET /api/v1/tasks?mine=true`` for a caseworker with ``--courses`` referrals in her inbox, and
``POST /api/v1/tasks/<id>/complete`` of those referrals. Calls alternate between the real lookup and
the same app with the lookup replaced by the built-in defaults (what issue 10's code did), so both
see the same machine load and the same data.
"""
from __future__ import annotations

import argparse
import time
from functools import partial
from typing import Any

from bench.databases import postgres_database, sqlite_database
from bench.stats import Samples
from bench.world import build_world
from engine.courses import instances
from engine.people import users, youths
from engine.people.access import Actor
from web.sample_forms import REFERRAL

MODES = ("permissions from the database", "built-in defaults (before)")


def _defaults(session: Any, username: str, roles: frozenset[str]) -> Actor:
    return Actor(username, roles)


def measure(url: str, courses: int, inbox_calls: int) -> dict[str, dict[str, Samples]]:
    world = build_world(url)
    caseworker = world.people["sagsbehandler"][0]
    actor = Actor(caseworker, frozenset({"sagsbehandler"}))
    for i in range(courses):
        youth = youths.create_youth(world.engine.uow(), actor, f"Bench Ung {i}", "2009-03-01")
        instances.start_instance(world.engine.uow(), actor, "samarbejdsmodel", youth["id"])
    headers = {"Authorization": f"Bearer {world.tokens[caseworker]}"}
    real = users.actor_with_permissions
    result = {mode: {"inbox": Samples(), "complete": Samples()} for mode in MODES}

    def call(mode: str, kind: str, run: Any) -> Any:
        users.actor_with_permissions = real if mode == MODES[0] else _defaults
        started = time.perf_counter()
        response = run()
        result[mode][kind].add(time.perf_counter() - started)
        users.actor_with_permissions = real
        if response.status_code != 200:
            raise RuntimeError(f"{kind}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        return response

    try:
        for i in range(inbox_calls):
            call(MODES[i % 2], "inbox", lambda: world.client.get("/api/v1/tasks?mine=true&limit=50", headers=headers))
        referrals = world.client.get(f"/api/v1/tasks?mine=true&limit={courses}", headers=headers).get_json()
        for i, task in enumerate(referrals):
            call(MODES[i % 2], "complete", partial(world.client.post, f"/api/v1/tasks/{task['id']}/complete",
                                                   json={"data": REFERRAL}, headers=headers))
    finally:
        users.actor_with_permissions = real
        world.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--inbox-calls", type=int, default=300)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    print("| database | call | lookup | n | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    for name in ("sqlite", "postgresql"):
        if args.db not in (name, "both"):
            continue
        database = sqlite_database() if name == "sqlite" else postgres_database(args.postgres_url)
        with database as url:
            figures = measure(url, args.courses, args.inbox_calls)
        for kind in ("inbox", "complete"):
            for mode in MODES:
                samples = figures[mode][kind]
                print(f"| {name} | {kind} | {mode} | {len(samples)} | {samples.p50:.1f} | "
                      f"{samples.p95:.1f} |")


if __name__ == "__main__":
    main()
