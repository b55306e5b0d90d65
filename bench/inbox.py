"""The inbox query with many open tasks: ``engine.work.tasks.list_tasks`` with ``TaskFilter(mine=True)``.

Open task rows are bulk-inserted with SQLAlchemy Core (creating them through the engine would take
hours), spread over the benchmark's instances, in a mix like a large municipality's:

* personal tasks (lane_owners) of 400 guides and 100 coordinating caseworkers, with a candidate row each;
* pooled tasks for the sagsbehandler and ungekoordinator roles, a third of them claimed by someone;
* escalations handed to the ungekoordinator role by candidateGroups.

Then the first page (100) of the inbox is read 50 times for a guide (personal tasks: ~125 of
them) and 20 times for an ungekoordinator (a pooled role: ~18,000 matching tasks, so the count and the sort
have the most to do). Each call is the whole service call: the query, the total count, the audit
rows it writes and its commit.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.stats import Samples, Timer
from bench.world import World
from engine.courses.assignment import NO_DUE_DATE
from engine.people.access import Actor
from engine.platform.models import ProcessInstance, Task, TaskCandidate
from engine.work import tasks

# (element, role, lane id, personal?, share)
MIX = [
    ("henvisning", "sagsbehandler", "Lane_sagsbehandler", False, 0.10),
    ("k_moede", "ungekoordinator", "Lane_ungekoordinator", False, 0.10),
    ("luk_henvisning", "ungekoordinator", "Lane_ungekoordinator", False, 0.03),
    ("eskalering", "ungekoordinator", None, False, 0.05),
    ("accepter_guide", "ungeguide", "Lane_ungeguide", True, 0.07),
    ("opfoelgning", "ungeguide", "Lane_ungeguide", True, 0.43),
    ("uddannelsesplan", "koordinerende_sagsbehandler", "Lane_koordinerende_sagsbehandler", True, 0.12),
    ("overdragelse", "koordinerende_sagsbehandler", "Lane_koordinerende_sagsbehandler", True, 0.10),
]
GUIDES = 400
CASE_COORDINATORS = 100


@dataclass
class InboxFigures:
    open_tasks: int
    insert_seconds: float
    guide: Samples
    guide_total: int
    coordinator: Samples
    coordinator_total: int


def fill(world: World, count: int, seed: int = 100) -> float:
    rng = random.Random(seed)
    now = world.clock.now()
    with world.engine.reader() as uow:
        instances = uow.session.execute(select(ProcessInstance.id, ProcessInstance.youth_id,
                                               ProcessInstance.process_version_id)).all()
    guides = [f"guide{i:02d}" for i in range(1, GUIDES + 1)]
    case_coordinators = [f"ks{i:02d}" for i in range(1, CASE_COORDINATORS + 1)]
    pooled_people = {"sagsbehandler": [f"sb{i:02d}" for i in range(1, 41)],
                     "ungekoordinator": [f"uk{i:02d}" for i in range(1, 21)]}
    elements = [m for m in MIX]
    weights = [m[4] for m in MIX]
    task_rows: list[dict[str, Any]] = []
    candidate_rows: list[dict[str, Any]] = []
    with Timer() as timer:
        with world.engine.uow() as uow:
            for i in range(count):
                element, role, lane_id, personal, _ = rng.choices(elements, weights)[0]
                instance = instances[i % len(instances)]
                task_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                assignee = None
                if personal:
                    person = rng.choice(guides if role == "ungeguide" else case_coordinators)
                    candidate_rows.append({"task_id": task_id, "username": person})
                elif rng.random() < 1 / 3:
                    assignee = rng.choice(pooled_people[role])
                created = now - timedelta(days=rng.uniform(0, 120))
                due = created + timedelta(days=14) if element in ("opfoelgning", "k_moede") or rng.random() < 0.3 else None
                task_rows.append({
                    "id": task_id, "instance_id": instance.id, "youth_id": instance.youth_id,
                    "process_key": "samarbejdsmodel", "process_version_id": instance.process_version_id,
                    "element_id": element, "name": element, "role": role, "lane_id": lane_id,
                    "assignee": assignee, "personal": personal, "state": "ready", "form_key": element,
                    "created_at": created, "claimed_at": created if assignee else None, "due_at": due,
                    "queue_at": due or NO_DUE_DATE})
                if len(task_rows) >= 5000:
                    _flush(uow, task_rows, candidate_rows)
            _flush(uow, task_rows, candidate_rows)
            uow.commit()
        if world.dialect == "postgresql":
            # Autovacuum would vacuum and analyze the table soon after a load like this; do it now, as it would.
            with world.engine.db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE tasks"))
                connection.execute(text("VACUUM ANALYZE task_candidates"))
    return timer.seconds


def _flush(uow: Any, task_rows: list[dict[str, Any]], candidate_rows: list[dict[str, Any]]) -> None:
    if task_rows:
        uow.session.execute(insert(Task), task_rows)
    if candidate_rows:
        uow.session.execute(insert(TaskCandidate), candidate_rows)
    task_rows.clear()
    candidate_rows.clear()


def _time(world: World, actor: Actor, runs: int) -> tuple[Samples, int]:
    samples = Samples()
    total = 0
    for _ in range(runs + 3):
        with Timer() as t:
            rows, total = tasks.list_tasks(world.engine.uow(), actor, tasks.TaskFilter(mine=True, limit=100))
        samples.add(t.seconds)
        assert len(rows) == min(100, total)
    samples.values = samples.values[3:]  # the first calls warm the caches
    return samples, total


def run(world: World, open_tasks: int, runs: int = 50) -> InboxFigures:
    with world.engine.reader() as uow:
        already = uow.session.scalar(select(func.count()).select_from(Task).where(Task.state == "ready")) or 0
    seconds = fill(world, max(0, open_tasks - already))
    with world.engine.reader() as uow:
        total_open = uow.session.scalar(select(func.count()).select_from(Task).where(Task.state == "ready")) or 0
    guide, guide_total = _time(world, Actor("guide07", frozenset({"ungeguide"})), runs)
    coordinator, coordinator_total = _time(world, Actor("uk02", frozenset({"ungekoordinator"})), min(runs, 20))
    return InboxFigures(total_open, seconds, guide, guide_total, coordinator, coordinator_total)


def role_queue(actor: Actor) -> Any:
    """The role-queue query list_tasks runs for ``TaskFilter(mine=True)``, for the actor's first role (for EXPLAIN)."""
    role = sorted(actor.roles)[0]
    return select(Task).where(Task.state == "ready", Task.assignee.is_(None), Task.personal.is_(False),
                              Task.role == role)


def explain(world: World, actor: Actor) -> str:
    """The database's plan for the inbox's role-queue page and its count, with timings where the database gives them."""
    page = role_queue(actor).order_by(*tasks.QUEUE_ORDER).limit(100)
    count = select(func.count()).select_from(role_queue(actor).subquery())
    lines = []
    with world.engine.db.connect() as connection:
        for label, query in (("page", page), ("count", count)):
            compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
            prefix = "EXPLAIN QUERY PLAN " if world.dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
            rows = connection.exec_driver_sql(prefix + str(compiled)).all()
            lines.append(f"-- {label} query, {world.dialect}:")
            lines.extend("   " + " | ".join(str(v) for v in row) for row in rows)
    return "\n".join(lines)
