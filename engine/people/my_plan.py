"""Min Plan: the young person's own view of their plan (issue 12, part 2), for the page and ``GET /api/v1/me``.

Built on what the staff case page reads (:mod:`engine.people.cases`: :func:`~engine.people.cases.plan_of`
and the course's people), never a second reader of the course data. It shows what the young person
needs, in their words: the positive destination; the milestones by track with status, responsible
department and due date; their guide and coordinating caseworker with how to reach them; the next
meeting or follow-up; the minutes of the meetings about them; the agreed next steps. It leaves out
what is staff's working material (the diagram, the journal of every step, consents' internals).

Only the young person themselves (:func:`engine.people.access.youth_actor`) may read it; anyone
else, or a young person asking for another one's plan, is refused and logged. Every read is logged.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.courses import journal
from engine.people import audit, co_production, policy
from engine.people.access import Actor
from engine.people.cases import _forms, plan_of
from engine.people.cases import _people as case_people
from engine.people.my_plan_own import sections_in
from engine.platform.messages import Message
from engine.platform.models import ProcessInstance, ProcessVersion, Task, User, Youth
from engine.platform.views import iso

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

# The meetings whose minutes the young person gets ("Den unge får også referatet"): form -> its fields.
MINUTES_FORMS: dict[str, dict[str, str]] = {
    "k_moede": {"date": "moededato", "text": "referat", "participants": "deltagere"},
    "opfoelgning": {"date": "opfoelgningsdato", "text": "fremskridt", "changes": "plan_justering"},
}
# The young person's people, as the case page names them (engine.people.cases reads them from the course).
PEOPLE = ("guide", "case_coordinator")


def my_plan(uow: UnitOfWork, actor: Actor, youth_id: int | None = None) -> dict[str, Any]:
    """The young person's plan; ``youth_id`` (asked for by id) must be their own."""
    wanted = actor.youth_id if youth_id is None else youth_id
    if actor.youth_id is None or wanted != actor.youth_id:
        policy.refuse_outside(uow, actor, "min plan", wanted, Message("engine.citizen.only_own"))
    with uow:
        youth = uow.session.get(Youth, actor.youth_id)
        if youth is None:
            policy.refuse(uow, actor, "min plan", actor.youth_id, Message("engine.citizen.only_own"))
        instance = uow.session.scalars(select(ProcessInstance).where(ProcessInstance.youth_id == youth.id)
                                       .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id.desc())
                                       .limit(1)).one_or_none()
        view = {"youth": {"id": youth.id, "name": youth.name}, "course": _course(uow, instance) if instance else None,
                "co_production": co_production.contributions(uow, youth.id)}
        view.update(sections_in(uow, actor))  # their own tasks, consents and progression (engine.people.my_plan_own)
        audit.record(uow, actor, "my_plan_viewed", youth.id)
        uow.commit()
        return view


def _course(uow: UnitOfWork, instance: ProcessInstance) -> dict[str, Any]:
    version = uow.session.get(ProcessVersion, instance.process_version_id)
    forms = _forms(version)
    data = instance.data or {}
    submissions = journal.submissions_of(uow, instance.id)
    tasks = uow.session.scalars(select(Task).where(Task.instance_id == instance.id)
                                .order_by(Task.created_at, Task.id)).all()
    plan = plan_of(data, forms, journal.latest_milestone_status(submissions.values()))
    people = _people(uow, data)
    names = {person["username"]: person["name"] for person in people.values() if person}
    return {
        "status": instance.status,
        "destination": {"title": plan["destination"], "in_own_words": plan["description"]} if plan else None,
        "tracks": _by_track(plan["milestones"]) if plan else [],
        "people": people,
        "next": _next(instance, tasks),
        "minutes": _minutes(tasks, submissions),
        "next_steps": [{"what": step.get("handling"), "who": names.get(step.get("ansvarlig"), step.get("ansvarlig")),
                        "by": step.get("frist")} for step in (plan["first_actions"] if plan else [])],
    }


def _by_track(milestones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The milestones grouped by track, tracks in the order their first milestone comes."""
    tracks: dict[str, list[dict[str, Any]]] = {}
    for row in milestones:
        tracks.setdefault(row["track"] or "", []).append(
            {"title": row["title"], "status": row["status"], "status_value": row["status_value"],
             "responsible": row["department"], "due": row["due"]})
    return [{"track": track or None, "milestones": rows} for track, rows in tracks.items()]


def _people(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    """The guide and the coordinating caseworker: name and how to reach them (what their user holds)."""
    usernames = {key: username for key, username in case_people(uow, data).items() if key in PEOPLE and username}
    rows = {row.username: row for row in uow.session.execute(
        select(User.username, User.full_name, User.email).where(User.username.in_(set(usernames.values()))))}
    people: dict[str, Any] = {}
    for key in PEOPLE:
        row = rows.get(usernames.get(key) or "")
        people[key] = {"username": row.username, "name": row.full_name or row.username, "email": row.email} \
            if row else None
    return people


def _next(instance: ProcessInstance, tasks: Any) -> dict[str, Any]:
    """The next meeting or follow-up: the meetings open now (with their due dates), else when the course
    waits for the next one (a timer it stands at: not a deadline watching over it, like turning 25).

    Staff's own steps (an escalation, accepting the guide) are not the young person's business here.
    """
    open_steps = [{"name": t.name, "due": iso(t.due_at)} for t in tasks
                  if t.state == "ready" and (t.form_key or "") in MINUTES_FORMS]
    waiting = instance.status == "running" and bool(instance.waiting_elements) and not open_steps
    return {"at": iso(instance.next_timer_at) if waiting else None, "open_steps": open_steps}


def _minutes(tasks: Any, submissions: dict[str, Any]) -> list[dict[str, Any]]:
    """The minutes of each meeting held about the young person, newest first."""
    minutes = []
    for task in tasks:
        fields = MINUTES_FORMS.get(task.form_key or "")
        row = submissions.get(task.id)
        if fields is None or row is None:
            continue
        entry = {"meeting": task.name, **{key: _text((row.data or {}).get(name)) for key, name in fields.items()}}
        minutes.append((row.at, entry))
    return [entry for _, entry in sorted(minutes, key=lambda pair: pair[0], reverse=True)]


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
