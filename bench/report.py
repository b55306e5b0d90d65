"""The printed table: figures per database, the issue's targets beside them, and a verdict."""
from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

from bench.course_driver import CourseFigures
from bench.floor import FloorFigures
from bench.growth import GrowthFigures
from bench.inbox import InboxFigures
from bench.stats import Samples

KB = 1024


@dataclass
class DatabaseRun:
    name: str                      # "SQLite" / "PostgreSQL"
    server_version: str
    course: CourseFigures
    growth: GrowthFigures
    inbox: InboxFigures
    seconds: float
    notes: list[str] = field(default_factory=list)


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def pair(samples: Samples) -> str:
    return f"{ms(samples.p50)} / {ms(samples.p95)}"


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "n/a"
    if value <= limit:
        return f"met ({value / limit:.0%} of target)"
    return f"MISSED by {value - limit:.1f} ({value / limit:.1f}x)"


def machine(start_load: str) -> list[str]:
    mem_kb = 0
    try:
        with open("/proc/meminfo") as meminfo:
            mem_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        pass
    return [f"machine: {os.cpu_count()} CPU ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, {platform.platform()}",
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, SpiffWorkflow {version('SpiffWorkflow')}, "
            f"SQLAlchemy {version('SQLAlchemy')}, psycopg {version('psycopg')}",
            f"code: {revision()}",
            f"load average (1, 5, 15 min) at start: {start_load}"]


def load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def revision() -> str:
    """The commit measured, and whether engine/ or web/ had uncommitted changes (read-only git calls)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "engine", "web"]).returncode != 0
        return head + (" + uncommitted changes in engine/ or web/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def size_at(growth: GrowthFigures, rounds: int) -> Any:
    return next((s for s in growth.sizes if s.rounds == rounds), None)


def render(runs: list[DatabaseRun], floor: FloorFigures, args: Any, total_seconds: float, start_load: str) -> str:
    names = [r.name for r in runs]
    rows: list[tuple[str, list[str], str]] = []   # metric, value per database, target

    def row(metric: str, values: list[str], target: str = "") -> None:
        rows.append((metric, values, target))

    def limits(sqlite: float | None, postgres: float | None) -> list[float | None]:
        return [sqlite if r.name == "SQLite" else postgres for r in runs]

    row("start_instance p50 / p95 (ms)", [pair(r.course.start) + f"  n={len(r.course.start)}" for r in runs])
    row("complete_task, engine API p50 / p95 (ms)",
        [pair(r.course.complete) + f"  n={len(r.course.complete)}" for r in runs], "p50 ≤ 3 SQLite, ≤ 5 PostgreSQL")
    row("  of which follow-up (opfoelgning) p50 / p95",
        [pair(r.course.by_element["opfoelgning"]) + f"  n={len(r.course.by_element['opfoelgning'])}" for r in runs])
    row("  SQL statements / commits per engine-API completion",
        [f"{r.course.sql_statements / max(1, len(r.course.complete)):.1f} / "
         f"{r.course.sql_commits / max(1, len(r.course.complete)):.1f}" for r in runs])
    row("complete, REST POST /tasks/<id>/complete p50 / p95 (ms)",
        [pair(r.course.rest) + f"  n={len(r.course.rest)}" for r in runs], "p50 ≤ 6 SQLite")
    row("frafald message (correlate_message) p50 / p95 (ms)", [pair(r.course.message) for r in runs])
    row("worker: timers fired, mean ms per instance",
        [f"{r.course.timer_seconds / max(1, r.course.timers_fired) * 1000:.2f}  ({r.course.timers_fired} fired)"
         for r in runs])
    row("whole courses per second (driven end to end)",
        [f"{r.course.finished / max(1e-9, r.course.drive_seconds):.1f}  ({r.course.finished} courses in "
         f"{r.course.drive_seconds:.0f} s)" for r in runs])
    row("starts per second (all starts)",
        [f"{r.course.started / max(1e-9, r.course.start_seconds):.1f}  ({r.course.started} starts)" for r in runs])
    for rounds in (20, 40):
        sizes = [size_at(r.growth, rounds) for r in runs]
        row(f"state + data bytes/instance after {rounds} rounds",
            [f"{s.state + s.data:,.0f}  (state {s.state:,.0f} + data {s.data:,.0f})" if s else "—" for s in sizes],
            "≤ 20 KB (20,480 B), not growing" if rounds == 20 else "same as at 20 rounds")
    for rounds in (20, 40):
        sizes = [size_at(r.growth, rounds) for r in runs]
        row(f"history bytes/instance after {rounds} rounds",
            [f"{s.history:,.0f}  ({s.task_rows:.0f} task + {s.event_rows:.0f} event rows)" if s else "—"
             for s in sizes], "(grows by design: the case history)")
    row("follow-up complete p50, round 1 → 40 (ms)",
        [f"{ms(r.growth.complete_by_round[1].p50)} → {ms(r.growth.complete_by_round[max(r.growth.complete_by_round)].p50)}"
         for r in runs])
    row("inbox, guide: list_tasks(mine) page 1 p50 / p95 (ms)",
        [pair(r.inbox.guide) + f"  ({r.inbox.guide_total} of {r.inbox.open_tasks:,} open)" for r in runs],
        "≤ 20 ms with 100k open")
    row("inbox, ungekoordinator (pooled role) p50 / p95 (ms)",
        [pair(r.inbox.coordinator) + f"  ({r.inbox.coordinator_total:,} match)" for r in runs], "≤ 20 ms")
    row("floor: stock SpiffWorkflow + stock JSON round trip p50 / p95 (ms)",
        [pair(floor.stock)] * len(runs), "in memory, same follow-up task")
    floor_p50 = floor.stock.p50 or 1
    row("engine API p50 / floor p50", [f"{(r.course.complete.p50 or 0) / floor_p50:.1f}x  "
                                       f"(follow-up: {(r.course.by_element['opfoelgning'].p50 or 0) / floor_p50:.1f}x)"
                                       for r in runs], "≤ 3x")

    out = [f"Samspil benchmark: {args.youths:,} young people started per database, {args.full_courses:,} of them "
           f"driven through whole courses; inbox with {args.inbox_tasks:,} open tasks", ""]
    out.extend(machine(start_load))
    out.append("")
    width = max(len(m) for m, _, _ in rows)
    col = max(28, *(len(v) for _, values, _ in rows for v in values))
    header = f"{'metric':<{width}} | " + " | ".join(f"{n:<{col}}" for n in names) + " | target"
    out.append(header)
    out.append("-" * len(header))
    for metric, values, target in rows:
        out.append(f"{metric:<{width}} | " + " | ".join(f"{v:<{col}}" for v in values) + f" | {target}")
    out.append("")
    out.append("In-memory figures (once per run, the same follow-up task):")
    out.append(f"  floor, stock BpmnWorkflowSerializer (spec inside the JSON, {floor.stock_json_bytes:,} B): "
               f"{pair(floor.stock)} ms")
    out.append(f"  engine's own pieces, no database (sandboxed scripts, state-only pruned JSON, {floor.state_json_bytes:,} B): "
               f"{pair(floor.engine_pieces)} ms")
    out.append(f"  SpiffWorkflow only, no JSON (complete + do_engine_steps): {pair(floor.no_json)} ms")
    out.append("")
    out.append("Targets:")
    for r in runs:
        complete_limit = 3.0 if r.name == "SQLite" else 5.0
        out.append(f"  {r.name}: complete p50 ≤ {complete_limit:g} ms: {verdict(r.course.complete.p50, complete_limit)}")
        out.append(f"  {r.name}: complete p50 ≤ 3x floor ({3 * (floor.stock.p50 or 0):.2f} ms): "
                   f"{verdict(r.course.complete.p50, 3 * (floor.stock.p50 or 0))}")
        if r.name == "SQLite":
            out.append(f"  {r.name}: REST complete p50 ≤ 6 ms: {verdict(r.course.rest.p50, 6.0)}")
        s20, s40 = size_at(r.growth, 20), size_at(r.growth, 40)
        if s20 and s40:
            grew = (s40.state + s40.data) - (s20.state + s20.data)
            growing = "not growing" if grew <= 0.01 * (s20.state + s20.data) else "GROWING"
            out.append(f"  {r.name}: state ≤ 20 KB after 20 rounds: {verdict((s20.state + s20.data) / KB, 20.0)} "
                       f"(KB); 20 → 40 rounds: {grew:+,.0f} B ({growing})")
        out.append(f"  {r.name}: inbox ≤ 20 ms: guide {verdict(r.inbox.guide.p50, 20.0)}; "
                   f"ungekoordinator {verdict(r.inbox.coordinator.p50, 20.0)}")
    out.append("")
    for r in runs:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(r.course.outcomes.items()))
        out.append(f"{r.name} ({r.server_version}): {r.seconds:.0f} s. Course outcomes: {outcomes}; "
                   f"{r.course.rounds} follow-up rounds; {r.course.still_running} still in follow-up at the end.")
        out.extend("  " + note for note in r.notes)
    out.append(f"load average at end: {load()}; total {total_seconds:.0f} s")
    return "\n".join(out)
