"""``python -m bench.web_load``: the web app under load, over real HTTP.

A real server (gunicorn, 2 workers, PostgreSQL) is started as its own process; this process is
the load tool. In a fresh PostgreSQL database (dropped afterwards):

1. ``--courses`` young people get a course, each waiting at its referral task, personal to the
   caseworker who started it: her inbox then holds that many open tasks.
2. **Inbox page**: the caseworker, logged in through the login form, loads ``GET /`` (the whole
   page: filters with counts, the first 50 rows, the audit rows it writes) ``--inbox-runs`` times.
3. **Latency**: one client completes ``--latency-runs`` tasks one after another with
   ``POST /api/v1/tasks/{id}/complete``: p50/p95/p99.
4. **Throughput**: ``--clients`` clients complete tasks for ``--seconds`` seconds (referrals, then
   the k-meetings they lead to). One in twenty tasks is sent by two clients at once: exactly one
   of the two may win.
5. **Lost updates**: afterwards the database is checked against what the clients saw: every
   task answered 200 is completed exactly once, with one ``task_completed`` event; every course
   moved exactly as far as its completed tasks say; no other task changed.

Prints a report; with ``--markdown`` the section for BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from web.sample_forms import REFERRAL, k_meeting

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-password-123"


def log(message: str) -> None:
    print(f"[web-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))] * 1000


@contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from engine.platform.db import database_url

    name = f"samspil_webbench_{os.getpid()}"
    admin = create_engine(database_url(ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, courses: int, processes: int = 2) -> dict[str, str]:
    """Schema, the default course, users with tokens, and ``courses`` courses at their referral
    (started through the engine, by ``processes`` processes side by side)."""
    from concurrent.futures import ProcessPoolExecutor

    from engine.bootstrap import bootstrap
    from engine.definitions import deployment
    from engine.definitions.process_files import files_from_paths
    from engine.people import users
    from engine.people.access import Actor
    from engine.platform.schema import upgrade

    engine = bootstrap(url, secret_key="bench-secret")
    upgrade(engine.db)
    deployment.deploy(engine.uow(), files_from_paths([ROOT / "processes"]), Actor("bench", frozenset({"procesejer"})))
    tokens = {}
    for name, role in (("sara", "sagsbehandler"), ("kim", "ungekoordinator"), ("admin", "admin"),
                       ("gustav", "ungeguide"), ("karin", "koordinerende_sagsbehandler")):  # named by the k-meetings
        users.add_user(engine.uow(), name, PASSWORD, [role])
        tokens[name] = users.create_token(engine.uow(), name)
    engine.db.dispose()
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_start_courses, [url] * processes, range(processes), [processes] * processes,
                      [courses] * processes))
    return tokens


def _start_courses(url: str, part: int, parts: int, courses: int) -> None:
    from engine.bootstrap import bootstrap
    from engine.courses import instances
    from engine.people import youths
    from engine.people.access import Actor

    engine = bootstrap(url, secret_key="bench-secret")
    sara = Actor("sara", frozenset({"sagsbehandler"}))
    rng = random.Random(2026 + part)
    started = time.perf_counter()
    mine = range(part, courses, parts)
    for done, i in enumerate(mine, 1):
        born = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 365 * 8))
        youth = youths.create_youth(engine.uow(), sara, f"Ung {i:05d}", born.isoformat())
        instances.start_instance(engine.uow(), sara, "samarbejdsmodel", youth["id"])
        if done % 1000 == 0:
            log(f"  part {part}: {done:,} courses started ({done / (time.perf_counter() - started):.0f}/s)")
    engine.db.dispose()


@contextmanager
def gunicorn(url: str, workers: int, threads: int) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "SAMSPIL_DATABASE_URL": url, "SAMSPIL_SECRET_KEY": "bench-secret"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "web:create_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


class Client:
    """One keep-alive HTTP connection, with a session cookie if logged in."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie: str | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt == 2:
                    raise
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data

    def login(self, username: str) -> None:
        _, page = self.request("GET", "/login")
        found = re.search(rb'name="csrf-token" content="([^"]+)"', page)
        assert found is not None, "the login page holds its CSRF token"
        token = found.group(1).decode()
        form = f"username={username}&password={PASSWORD}&csrf_token={token}".encode()
        status, _ = self.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login as {username}: {status}")

    def complete(self, token: str, task_id: str, data: dict[str, Any]) -> int:
        status, _ = self.request("POST", f"/api/v1/tasks/{task_id}/complete", json.dumps({"data": data}).encode(),
                                 {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return status


def open_tasks(url: str, element_id: str) -> list[str]:
    from engine.platform.db import make_engine

    db = make_engine(url)
    with db.connect() as connection:
        rows = [r[0] for r in connection.execute(text(
            "select id from tasks where state = 'ready' and element_id = :e order by created_at, id"), {"e": element_id})]
    db.dispose()
    return rows


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    ok: dict[str, str] = field(default_factory=dict)       # task id -> element
    statuses: dict[int, int] = field(default_factory=dict)
    duplicates_sent: int = 0
    duplicate_wins: list[int] = field(default_factory=list)
    ran_out: bool = False


def run_load(port: int, tokens: dict[str, str], url: str, clients: int, seconds: float) -> LoadResult:
    """``clients`` threads complete tasks for ``seconds``; 1 in 20 is sent twice at once."""
    work: queue.Queue[tuple[str, str, int]] = queue.Queue()
    for task_id in open_tasks(url, "henvisning"):
        work.put((task_id, "henvisning", 1))
    result = LoadResult(seconds)
    lock = threading.Lock()
    pair_results: dict[str, list[int]] = {}
    stop_at = time.perf_counter() + seconds
    refill_lock = threading.Lock()
    rng = random.Random(7)

    def refill() -> bool:
        with refill_lock:
            if not work.empty():
                return True
            more = [t for t in open_tasks(url, "k_moede") if t not in result.ok]
            for task_id in more:
                work.put((task_id, "k_moede", 1))
            return bool(more)

    def worker() -> None:
        client = Client(port)
        while time.perf_counter() < stop_at:
            try:
                task_id, element, _ = work.get_nowait()
            except queue.Empty:
                if not refill():
                    result.ran_out = True
                    return
                continue
            user, data = ("sara", REFERRAL) if element == "henvisning" else ("kim", k_meeting())
            duplicate = rng.random() < 0.05
            if duplicate:
                with lock:
                    pair_results[task_id] = []
                    result.duplicates_sent += 1
                twin = threading.Thread(target=send_twin, args=(task_id, user, data))
                twin.start()
            started = time.perf_counter()
            status = client.complete(tokens[user], task_id, data)
            elapsed = time.perf_counter() - started
            if duplicate:
                twin.join()
            with lock:
                result.latencies.append(elapsed)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 200:
                    result.ok[task_id] = element
                if duplicate:
                    pair_results[task_id].append(status)

    def send_twin(task_id: str, user: str, data: dict[str, Any]) -> None:
        status = Client(port).complete(tokens[user], task_id, data)
        with lock:
            pair_results[task_id].append(status)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status == 200:
                result.ok[task_id] = result.ok.get(task_id, "") or ("henvisning" if user == "sara" else "k_moede")

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.duplicate_wins = [sum(1 for s in statuses if s == 200) for statuses in pair_results.values()]
    return result


def check_no_lost_update(url: str, result: LoadResult, wins_by_task: dict[str, str]) -> list[str]:
    """Compare the database with what the clients were told."""
    from engine.platform.db import make_engine

    problems = []
    db = make_engine(url)
    with db.connect() as connection:
        completed = {r.id: r.element_id for r in connection.execute(text(
            "select id, element_id from tasks where state = 'completed'"))}
        events: dict[str, int] = dict(connection.execute(text(
            "select task_id, count(*) from instance_events where kind = 'task_completed' group by task_id")).all())
        open_k = connection.execute(text(
            "select count(*) from tasks where state = 'ready' and element_id = 'k_moede'")).scalar_one()
        next_after_k = connection.execute(text(
            "select count(*) from tasks where element_id = 'accepter_guide'")).scalar_one()
        referral_done = sum(1 for e in completed.values() if e == "henvisning")
        k_done = sum(1 for e in completed.values() if e == "k_moede")
    db.dispose()
    if set(completed) != set(wins_by_task):
        problems.append(f"{len(set(wins_by_task) - set(completed))} answered 200 but not completed; "
                        f"{len(set(completed) - set(wins_by_task))} completed without a 200")
    twice = [t for t, n in events.items() if n != 1]
    if twice:
        problems.append(f"{len(twice)} tasks have {set(events[t] for t in twice)} task_completed events")
    if open_k + k_done != referral_done:
        problems.append(f"{referral_done} referrals done but {open_k + k_done} k-meetings exist")
    if next_after_k != k_done:
        problems.append(f"{k_done} k-meetings done but {next_after_k} guide tasks exist")
    if any(n != 1 for n in result.duplicate_wins):
        problems.append(f"double submissions with {sorted(set(result.duplicate_wins))} winners")
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web_load", description=__doc__.split("\n")[0])
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--inbox-runs", type=int, default=50)
    parser.add_argument("--latency-runs", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres-url", default=None, help="use this database as it is (default: a fresh one)")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    with fresh_database(args.postgres_url) as url:
        log(f"preparing {args.courses:,} courses")
        t0 = time.perf_counter()
        tokens = prepare(url, args.courses)
        log(f"prepared in {time.perf_counter() - t0:.0f} s; starting gunicorn ({args.workers} workers)")
        with gunicorn(url, args.workers, args.threads) as port:
            page = Client(port)
            page.login("sara")
            for _ in range(3):
                page.request("GET", "/")  # warm up both workers' caches
            inbox = []
            for _ in range(args.inbox_runs):
                started = time.perf_counter()
                status, body = page.request("GET", "/")
                inbox.append(time.perf_counter() - started)
                if status != 200 or f"{args.courses} opgaver".encode() not in body:
                    raise RuntimeError(f"inbox page: {status}")
            log(f"inbox page p50 {pct(inbox, 50):.1f} ms")

            single = Client(port)
            latency = []
            ids = open_tasks(url, "henvisning")[: args.latency_runs]
            latency_ok: dict[str, str] = {}
            for task_id in ids:
                started = time.perf_counter()
                status = single.complete(tokens["sara"], task_id, REFERRAL)
                latency.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"complete {task_id}: {status}")
                latency_ok[task_id] = "henvisning"
            log(f"complete p50 {pct(latency, 50):.1f} ms (one client)")

            log(f"load: {args.clients} clients for {args.seconds:.0f} s")
            load = run_load(port, tokens, url, args.clients, args.seconds)
        wins = {**latency_ok, **load.ok}
        problems = check_no_lost_update(url, load, wins)
        with create_engine(__import__("engine.platform.db", fromlist=["database_url"]).database_url(url)).connect() as c:
            server = c.execute(text("show server_version")).scalar()
    completions = sum(1 for _ in load.ok)
    errors = {s: n for s, n in load.statuses.items() if s not in (200, 409)}
    conflicts = load.statuses.get(409, 0)
    report = {
        "server": f"gunicorn {args.workers} workers × {args.threads} threads, PostgreSQL {server}",
        "inbox_open_tasks": args.courses, "inbox_p50_ms": pct(inbox, 50), "inbox_p95_ms": pct(inbox, 95),
        "complete_p50_ms": pct(latency, 50), "complete_p95_ms": pct(latency, 95), "complete_p99_ms": pct(latency, 99),
        "load_clients": args.clients, "load_seconds": load.seconds, "completions": completions,
        "completions_per_s": completions / load.seconds, "load_p50_ms": pct(load.latencies, 50),
        "load_p95_ms": pct(load.latencies, 95), "errors": errors, "conflicts_409": conflicts,
        "duplicate_pairs": load.duplicates_sent, "ran_out_of_tasks": load.ran_out, "lost_update_problems": problems,
    }
    print(render_markdown(report) if args.markdown else json.dumps(report, indent=2))
    if problems or errors:
        sys.exit(1)


def render_markdown(r: dict[str, Any]) -> str:
    ok = lambda good: "✅" if good else "❌"  # noqa: E731
    lines = [
        f"Server: {r['server']}; load from a second process (`python -m bench.web_load`), keep-alive HTTP/1.1.",
        "",
        "| figure | target | measured | |",
        "|---|---|---|---|",
        f"| inbox page `GET /`, {r['inbox_open_tasks']:,} open tasks for the user (p50 / p95) | ≤ 100 ms | "
        f"{r['inbox_p50_ms']:.1f} / {r['inbox_p95_ms']:.1f} ms | {ok(r['inbox_p50_ms'] <= 100)} |",
        f"| complete a task, `POST /api/v1/tasks/{{id}}/complete`, one client (p50 / p95 / p99) | p50 ≤ 10 ms | "
        f"{r['complete_p50_ms']:.1f} / {r['complete_p95_ms']:.1f} / {r['complete_p99_ms']:.1f} ms | "
        f"{ok(r['complete_p50_ms'] <= 10)} |",
        f"| completions/s, {r['load_clients']} clients for {r['load_seconds']:.0f} s | ≥ 150/s | "
        f"{r['completions_per_s']:.0f}/s ({r['completions']:,} completions; p50 {r['load_p50_ms']:.1f} ms, "
        f"p95 {r['load_p95_ms']:.1f} ms) | {ok(r['completions_per_s'] >= 150)} |",
        f"| errors (other than the expected 409 of a double submission) | 0 | {sum(r['errors'].values())} | "
        f"{ok(not r['errors'])} |",
        f"| double submissions: pairs sent at once / with exactly one winner | all | {r['duplicate_pairs']} / "
        f"{r['duplicate_pairs'] if not r['lost_update_problems'] else '?'} (409s: {r['conflicts_409']}) | "
        f"{ok(not r['lost_update_problems'])} |",
        f"| lost updates (database checked against every answer) | 0 | "
        f"{'none' if not r['lost_update_problems'] else '; '.join(r['lost_update_problems'])} | "
        f"{ok(not r['lost_update_problems'])} |",
    ]
    if r["ran_out_of_tasks"]:
        lines.append("\nThe load ran out of open tasks before the time was up; raise `--courses`.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
