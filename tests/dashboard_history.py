"""A made-up history for the dashboard tests: many young people on random paths, driven through the
real engine services under a frozen clock.

The generator decides when each task is completed (in whole minutes) and writes down what it did:
each task's element, creation, completion or cancellation, due time, the people chosen at the
k-meeting, the team, the version and the handover reason. The tests compute every figure from these
facts in plain Python. The engine is only asked which tasks are open after each step (and when the
next timer is due), so the generator can follow the course the diagram takes.
"""
from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.bootstrap import Engine
from engine.courses import events, instances
from engine.definitions import deployment
from engine.people import users, youths
from engine.people.access import Actor, youth_actor
from engine.platform.clock import FrozenClock
from engine.platform.models import ProcessInstance, Task
from engine.work import tasks
from tests.conftest import CASEWORKER, COORDINATOR, OWNER, START
from tests.course import ACCEPT, CLOSE, DECLINE, ESCALATION, PLAN, REFERRAL, REFERRAL_OUTSIDE, follow_up, k_meeting
from web.sample_forms import SCALES

GUIDES = ("gustav", "gitte", "gorm")
CASE_COORDINATORS = ("karin", "kurt")
TEAMS = ("nord", "syd")
REASONS = ("uddannelse", "job", "flyttet", "fravalgt", "andet")


@dataclass
class TaskFact:
    task_id: str
    element_id: str
    instance_id: int
    youth_id: int
    created_at: datetime
    due_at: datetime | None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None


@dataclass
class CourseFact:
    instance_id: int
    youth_id: int
    birthdate: date
    team: str
    version: int
    created_at: datetime
    status: str = "running"
    people: dict[str, str] = field(default_factory=dict)   # lane -> username (latest k-meeting)
    reason: str | None = None
    handed_over_at: datetime | None = None
    destination: str | None = None   # the plan's positiv_destination
    tracks: set[str] = field(default_factory=set)   # the plan's milestones' spor


@dataclass
class AssessmentFact:
    """A self-assessment the young person handed in: when, and the score per scale."""

    youth_id: int
    instance_id: int
    taken_at: datetime
    scores: dict[str, int]
    destination: str | None   # the plan as it stood then
    tracks: set[str]


@dataclass
class History:
    now: datetime
    tasks: dict[str, TaskFact] = field(default_factory=dict)
    courses: dict[int, CourseFact] = field(default_factory=dict)
    assessments: list[AssessmentFact] = field(default_factory=list)


def make_history(engine: Engine, clock: FrozenClock, default_files: dict[str, bytes], seed: int = 5,
                 young_people: int = 60, days: int = 200) -> History:
    rng = random.Random(seed)
    end = START + timedelta(days=days)
    history = History(now=end)
    queue: list[tuple[datetime, int, str, Any]] = []
    counter = iter(range(10**9))
    timers: set[tuple[int, datetime]] = set()

    def push(at: datetime, kind: str, payload: Any) -> None:
        heapq.heappush(queue, (at, next(counter), kind, payload))

    deployment.deploy(engine.uow(), default_files, OWNER)
    for name in GUIDES:  # the k-meeting names them, so they are users
        users.add_user(engine.uow(), name, "correct-horse-battery", ["ungeguide"])
    for name in CASE_COORDINATORS:
        users.add_user(engine.uow(), name, "correct-horse-battery", ["koordinerende_sagsbehandler"])
    for index in range(young_people):
        at = START + timedelta(days=rng.randint(0, 70), minutes=rng.randint(0, 9 * 60))
        push(at, "start", index)
    # Halfway through the referrals a second version is deployed; later courses start on it.
    push(START + timedelta(days=35), "deploy", None)
    version = 1

    def observe(now: datetime) -> None:
        with engine.reader() as uow:
            ready = {row.id: row for row in uow.session.execute(
                select(Task.id, Task.element_id, Task.instance_id, Task.youth_id, Task.due_at)
                .where(Task.state == "ready"))}
            running = uow.session.execute(select(ProcessInstance.id, ProcessInstance.status,
                                                 ProcessInstance.next_timer_at)).all()
        for fact in history.tasks.values():
            if fact.open and fact.task_id not in ready:
                fact.cancelled_at = now
        for task_id, row in ready.items():
            if task_id not in history.tasks:
                # The follow-up's escalation timer, and the young person's 14 days to prepare it.
                due = now + timedelta(days=14) if row.element_id in ("opfoelgning", "forbered_opfoelgning") else None
                assert row.due_at == due, f"due time of {row.element_id}"
                fact = TaskFact(task_id, row.element_id, row.instance_id, row.youth_id, now, due)
                history.tasks[task_id] = fact
                plan(fact, now)
        for instance_id, status, next_timer in running:
            history.courses[instance_id].status = status
            if next_timer is not None and (instance_id, next_timer) not in timers:
                timers.add((instance_id, next_timer))
                push(next_timer, "timer", instance_id)

    def plan(fact: TaskFact, now: datetime) -> None:
        """Decide when (and whether) a new task is completed, and with what."""
        limits = {"henvisning": 4 * 24 * 60, "luk_henvisning": 5 * 24 * 60, "k_moede": 12 * 24 * 60,
                  "accepter_guide": 3 * 24 * 60, "uddannelsesplan": 45 * 24 * 60, "opfoelgning": 20 * 24 * 60,
                  "eskalering": 5 * 24 * 60, "overdragelse": 10 * 24 * 60,
                  "forbered_opfoelgning": 16 * 24 * 60}   # past 14 days the follow-up goes ahead without it
        stall = {"henvisning": 0.05, "k_moede": 0.08, "uddannelsesplan": 0.08, "eskalering": 0.3,
                 "forbered_opfoelgning": 0.1}.get(
            fact.element_id, 0.05)
        if rng.random() < stall:
            return
        if fact.element_id == "opfoelgning" and rng.random() < 0.06:
            push(now + timedelta(minutes=rng.randint(60, 10 * 24 * 60)), "dropout", fact.instance_id)
            return
        push(now + timedelta(minutes=rng.randint(30, limits[fact.element_id])), "complete", fact.task_id)

    def form_data(fact: TaskFact) -> tuple[Actor, dict[str, Any]]:
        course = history.courses[fact.instance_id]
        element = fact.element_id
        if element == "henvisning":
            return CASEWORKER, dict(REFERRAL if rng.random() < 0.9 else REFERRAL_OUTSIDE)
        if element in ("luk_henvisning", "k_moede", "eskalering"):
            if element == "k_moede":
                guide, coordinator = rng.choice(GUIDES), rng.choice(CASE_COORDINATORS)
                course.people = {"ungeguide": guide, "koordinerende_sagsbehandler": coordinator}
                return COORDINATOR, k_meeting(guide=guide, case_coordinator=coordinator)
            return COORDINATOR, dict(CLOSE if element == "luk_henvisning" else ESCALATION)
        if element == "forbered_opfoelgning":
            scores = {scale: rng.randint(1, 10) for scale in SCALES}
            return youth_actor(fact.youth_id), dict(scores)
        if element in ("accepter_guide", "opfoelgning"):
            actor = Actor(course.people["ungeguide"], frozenset({"ungeguide"}))
            if element == "accepter_guide":
                if rng.random() < 0.8:
                    return actor, dict(ACCEPT)
                # A guide who declines is released (the diagram's fritag_ungeguide): off the caseload.
                course.people = {lane: name for lane, name in course.people.items() if lane != "ungeguide"}
                return actor, dict(DECLINE)
            return actor, follow_up(reached=rng.random() < 0.5)
        actor = Actor(course.people["koordinerende_sagsbehandler"], frozenset({"koordinerende_sagsbehandler"}))
        if element == "uddannelsesplan":
            destination = rng.choice(("uddannelse", "job"))
            track = rng.choice(("virksomhedssporet", "vejledningssporet"))
            course.destination, course.tracks = destination, {track}
            milestone = {**PLAN["milepaele"][0], "spor": track}
            return actor, {**PLAN, "positiv_destination": destination, "milepaele": [milestone]}
        reason = rng.choice(REASONS)
        course.reason = reason
        return actor, {"afslutningsaarsag": reason, "afslutningsnote": "Afsluttet", "overtages_af": "UU"}

    while queue and queue[0][0] <= end:
        at, _, kind, payload = heapq.heappop(queue)
        clock.set(at)
        if kind == "deploy":
            changed = {name: (content.replace(b'name="Henvisning"', b'name="Henvisning (v2)"')
                              if name.endswith(".bpmn") else content) for name, content in default_files.items()}
            version = deployment.deploy(engine.uow(), changed, OWNER)[0].version
            continue
        if kind == "start":
            age_years = rng.randint(15, 23)
            birthdate = (at - timedelta(days=365 * age_years + rng.randint(0, 364))).date()
            team = rng.choice(TEAMS)
            youth = youths.create_youth(engine.uow(), CASEWORKER, f"Ung {payload:03d}", birthdate.isoformat())
            instance = instances.start_instance(engine.uow(), CASEWORKER, "samarbejdsmodel", youth["id"],
                                                {"team": team})
            history.courses[instance["id"]] = CourseFact(instance["id"], youth["id"], birthdate, team, version, at)
        elif kind == "complete":
            fact = history.tasks[payload]
            if not fact.open:
                continue
            actor, data = form_data(fact)
            tasks.complete_task(engine.uow(), actor, fact.task_id, data)
            fact.completed_at = at
            if fact.element_id == "forbered_opfoelgning":
                course = history.courses[fact.instance_id]
                history.assessments.append(AssessmentFact(fact.youth_id, fact.instance_id, at, data,
                                                          course.destination, set(course.tracks)))
            if fact.element_id == "overdragelse":
                history.courses[fact.instance_id].handed_over_at = at
        elif kind == "dropout":
            if not any(f.open and f.instance_id == payload and f.element_id == "opfoelgning"
                       for f in history.tasks.values()):
                continue
            events.correlate_message(engine.uow(), COORDINATOR, "frafald", instance_id=payload)
        elif kind == "timer":
            events.fire_due_timers(engine)
        observe(at)
    clock.set(end)
    return history
