"""Demo data: one user per role and young people at every step of the default course.

The course history is played through the real engine with a clock that starts months ago, so
waiting times, overdue follow-ups and escalations look like a live municipality's.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from engine.bootstrap import Engine
from engine.courses import events, instances
from engine.definitions import deployment
from engine.definitions.process_files import files_from_paths
from engine.people import users, youths
from engine.people.access import Actor, youth_actor
from engine.platform.clock import FrozenClock
from engine.platform.errors import Conflict
from engine.platform.models import User, Youth
from engine.platform.schema import upgrade
from engine.work import tasks
from web.cli.support import engine as app_engine
from web.cli.support import in_tenant, tenant_option
from web.sample_forms import (
    ACCEPT,
    CLOSE,
    DECLINE,
    HANDOVER,
    PLAN,
    REFERRAL,
    REFERRAL_OUTSIDE,
    SCALES,
    follow_up,
    k_meeting,
)

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
DEMO_PASSWORD = "samspil-demo-2026"
DEMO_USERS = [
    ("sara", "Sara Sagsbehandler", ["sagsbehandler"]),
    ("kim", "Kim Ungekoordinator", ["ungekoordinator"]),
    ("gustav", "Gustav Ungeguide", ["ungeguide"]),
    ("gitte", "Gitte Ungeguide", ["ungeguide"]),
    ("karin", "Karin Koordinerende", ["koordinerende_sagsbehandler"]),
    ("per", "Per Procesejer", ["procesejer"]),
    ("admin", "Anne Administrator", ["admin"]),
]
FIRST = ["Ali", "Emma", "Noah", "Freja", "Mikkel", "Sofie", "Jonas", "Ida", "Lucas", "Maja", "Oliver", "Clara",
         "Elias", "Alma", "Malthe", "Laura", "William", "Anna", "Victor", "Nora"]
LAST = ["Hansen", "Nielsen", "Jensen", "Pedersen", "Andersen", "Larsen", "Sørensen", "Rasmussen", "Petersen",
        "Madsen"]

# How far each demo young person gets, as the steps to play; the names match the course's task ids.
JOURNEYS: list[list[str]] = [
    [], ["henvisning"], ["henvisning_udenfor"], ["henvisning_udenfor", "luk_henvisning"],
    ["henvisning", "k_moede"], ["henvisning", "k_moede", "accepter_guide"],
    ["henvisning", "k_moede", "accepter_guide", "uddannelsesplan"],
    ["henvisning", "k_moede", "accepter_guide", "uddannelsesplan", "wait", "forbered", "opfoelgning"],
    ["henvisning", "k_moede", "accepter_guide", "uddannelsesplan", "wait", "forbered", "overdue"],
    ["henvisning", "k_moede", "accepter_guide", "uddannelsesplan", "wait", "forbered", "opfoelgning_naaet",
     "overdragelse"],
    # Three follow-ups, each prepared by the young person: the case page draws their progression.
    ["henvisning", "k_moede", "accepter_guide", "uddannelsesplan", "wait", "forbered", "opfoelgning", "wait",
     "forbered", "opfoelgning", "wait", "forbered"],
    ["henvisning", "k_moede", "afvis_guide"],
    # The follow-up fell due two days ago: the young person's self-assessment waits for them now.
    ["henvisning", "k_moede", "accepter_guide", "uddannelsesplan", "wait_until_recently"],
]


def load_demo(engine: Engine, youths_per_journey: int = 2, seed: int = 2026, suffix: str = "") -> Iterator[str]:
    """Create demo users and young people in the current tenant; does nothing to data that is already there.

    ``suffix`` follows every demo username (``sara_viborg``): usernames are unique across tenants
    (:mod:`engine.platform.tenancy`), so a second tenant's demo people need names of their own.
    """
    yield from _users(engine, suffix)
    with engine.reader() as uow:
        if uow.session.scalar(select(func.count()).select_from(Youth)):
            yield "Demo-unge findes allerede; ingen nye oprettet."
            return
    owner = Actor("per" + suffix, frozenset({"procesejer"}))
    deployment.deploy(engine.uow(), files_from_paths([PROCESSES]), owner)
    rng = random.Random(seed)
    real_now = engine.clock.now()
    clock = FrozenClock(real_now - timedelta(days=200))
    past = engine.at(clock)  # the same engine, reading the demo's clock (its timers too)
    count = 0
    for journey in JOURNEYS:
        for _ in range(youths_per_journey):
            clock.set(real_now - timedelta(days=200 - rng.randint(0, 30)))
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            _play(past, clock, name, journey, rng, suffix, recently=real_now - timedelta(days=2))
            count += 1
    clock.set(real_now)
    events.fire_due_timers(past)
    yield f"{count} demo-unge oprettet på alle trin i forløbet."


def _users(engine: Engine, suffix: str) -> Iterator[str]:
    with engine.reader() as uow:
        existing = set(uow.session.scalars(select(User.username)))
    for username, full_name, roles in DEMO_USERS:
        if username + suffix not in existing:
            users.add_user(engine.uow(), username + suffix, DEMO_PASSWORD, roles, full_name,
                           f"{username + suffix}@samspil.local")
    yield f"Demo-brugere (adgangskode for alle: {DEMO_PASSWORD}):"
    for username, full_name, roles in DEMO_USERS:
        yield f"  {username + suffix:8} {full_name:22} {', '.join(roles)}"


def _play(engine: Engine, clock: FrozenClock, name: str, journey: list[str], rng: random.Random,
          suffix: str = "", recently: datetime | None = None) -> None:
    sara = Actor("sara" + suffix, frozenset({"sagsbehandler"}))
    kim = Actor("kim" + suffix, frozenset({"ungekoordinator"}))
    karin = Actor("karin" + suffix, frozenset({"koordinerende_sagsbehandler"}))
    guide_name = rng.choice(["gustav", "gitte"]) + suffix
    guide = Actor(guide_name, frozenset({"ungeguide"}))
    birth_year = rng.randint(2003, 2010)
    youth = youths.create_youth(engine.uow(), sara, name, f"{birth_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    instance = instances.start_instance(engine.uow(), sara, "samarbejdsmodel", youth["id"])
    iid = instance["id"]

    def step(actor: Actor, element: str, data: dict[str, Any]) -> None:
        clock.advance(days=rng.randint(2, 12), hours=rng.randint(0, 6))
        rows, _ = tasks.list_tasks(engine.uow(), actor, tasks.TaskFilter(instance_id=iid, element_id=element))
        if rows:
            tasks.complete_task(engine.uow(), actor, rows[0]["id"], data)

    def prepare() -> None:
        """The young person fills in the self-assessment before the follow-up, a little better each time."""
        clock.advance(days=rng.randint(1, 6))
        young = youth_actor(youth["id"])
        mine = [t for t in tasks.youth_tasks(engine.uow(), young) if t["instance_id"] == iid]
        if mine:
            rounds[0] += 1
            answer = {scale: min(10, max(1, 3 + rounds[0] + rng.randint(-1, 2))) for scale in SCALES}
            tasks.complete_task(engine.uow(), young, mine[0]["id"], answer)

    def wait_until(moment: datetime) -> None:
        clock.set(moment)
        events.fire_due_timers(engine)

    rounds = [0]
    plays: dict[str, Callable[[], object]] = {
        "henvisning": lambda: step(sara, "henvisning", REFERRAL),
        "henvisning_udenfor": lambda: step(sara, "henvisning", REFERRAL_OUTSIDE),
        "luk_henvisning": lambda: step(kim, "luk_henvisning", CLOSE),
        "k_moede": lambda: step(kim, "k_moede", k_meeting(guide_name, karin.username)),
        "accepter_guide": lambda: step(guide, "accepter_guide", ACCEPT),
        "afvis_guide": lambda: step(guide, "accepter_guide", DECLINE),
        "uddannelsesplan": lambda: step(karin, "uddannelsesplan", PLAN),
        "wait": lambda: (clock.advance(days=92), events.fire_due_timers(engine)),
        "wait_until_recently": lambda: wait_until(recently or clock.now()),
        "overdue": lambda: (clock.advance(days=15), events.fire_due_timers(engine)),
        "forbered": prepare,
        "opfoelgning": lambda: step(guide, "opfoelgning", follow_up(False)),
        "opfoelgning_naaet": lambda: step(guide, "opfoelgning", follow_up(True)),
        "overdragelse": lambda: step(karin, "overdragelse", HANDOVER),
    }
    for name_of_step in journey:
        try:
            plays[name_of_step]()
        except Conflict:
            pass  # a timer moved the course on first; the demo simply stops there


@click.command("demo")
@with_appcontext
@tenant_option
def demo_command(tenant_key: str | None) -> None:
    """Fill the database with demo users and young people at every step (in --tenant's municipality)."""
    upgrade(app_engine().db)
    with in_tenant(tenant_key):
        for line in load_demo(app_engine(), suffix=f"_{tenant_key}" if tenant_key else ""):
            click.echo(line)


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)
