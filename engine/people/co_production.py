"""The young person co-produces their plan on Min Plan (issue 12, part 3): their dream, comments on
milestones, milestones they propose, and their own actions marked done.

Where it is stored, and why: in its own tenant-owned table (:class:`~engine.platform.models.YouthContribution`),
not in the course's data. The plan is the data of the running workflow; changing it means changing
SpiffWorkflow's serialized state, and engine/courses/ has no service that edits a running course's
data outside a task (the plan changes through the follow-up form, which the guide fills in). Writing
it behind the engine's back would break the rule that only the engine loads a workflow's state, and a
follow-up submitted later would overwrite it. So what the young person writes sits beside the course:
the guide sees it on the case page, and a proposal the guide accepts becomes a milestone of the plan
*as it is shown* (on Min Plan and the case page), with the young person responsible, until the guide
writes it into the plan at the next follow-up.

Who may do what: only the young person themselves writes (an actor with ``youth_id``); a
proposal is answered by staff who may see the case (:func:`engine.people.youths.ensure_may_view`).
Every change is logged; bad input (empty or too long text, a milestone that is not in their plan, a
proposal already answered or not theirs) is refused with a Danish message by its field, nothing
changed, and the refusal logged as ``co_production_refused``.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.people import audit, policy
from engine.people.access import Actor
from engine.people.youths import ensure_may_view
from engine.platform.errors import InvalidInput
from engine.platform.messages import Message
from engine.platform.models import ProcessInstance, YouthContribution
from engine.platform.views import iso

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

MAX_TEXT = 2000
MAX_TITLE = 200
DECISIONS = ("accept", "answer")


def write_dream(uow: UnitOfWork, actor: Actor, text: str | None) -> None:
    """The young person's dream and wishes, in their own words; the earlier versions stay."""
    youth_id = _own(uow, actor, "drøm")
    clean = _text(uow, actor, youth_id, "dream", text, "dream")
    _add(uow, actor, youth_id, "dream", clean)


def comment(uow: UnitOfWork, actor: Actor, milestone: str | None, text: str | None) -> None:
    """A comment on one milestone of their plan (named by its title, as the plan names it)."""
    youth_id = _own(uow, actor, "kommentar")
    title = (milestone or "").strip()
    if title not in milestone_titles(uow, youth_id):
        _invalid(uow, actor, youth_id, "comment", "milestone", "engine.co_production.no_such_milestone")
    clean = _text(uow, actor, youth_id, "comment", text, "text")
    _add(uow, actor, youth_id, "comment", clean, milestone=title)


def propose(uow: UnitOfWork, actor: Actor, title: str | None, due: str | None = None) -> int:
    """A milestone the young person proposes; the guide takes it into the plan or answers with a reason."""
    youth_id = _own(uow, actor, "forslag")
    clean = _text(uow, actor, youth_id, "proposal", title, "title", MAX_TITLE)
    when = None
    if due:
        try:
            when = date.fromisoformat(due.strip())
        except ValueError:
            _invalid(uow, actor, youth_id, "proposal", "due", "engine.co_production.bad_date")
    return _add(uow, actor, youth_id, "proposal", clean, due=when, status="open")


def mark_done(uow: UnitOfWork, actor: Actor, proposal_id: int | None) -> None:
    """A milestone of their own (an accepted proposal: the young person is responsible) marked done."""
    youth_id = _own(uow, actor, "udført")
    with uow:
        row = uow.session.get(YouthContribution, proposal_id) if proposal_id else None
        if row is None or row.youth_id != youth_id or row.kind != "proposal":
            # another young person's id (or none): an access attempt, logged as a refusal like any other
            audit.record(uow, actor, "access_denied", youth_id, "min plan udført: ikke den unges milepæl")
            uow.commit()
            raise InvalidInput(Message("engine.co_production.invalid"), errors=[
                {"path": "done", "message": Message("engine.co_production.not_yours")}])
        if row.status != "accepted":
            audit.record(uow, actor, "co_production_refused", youth_id, f"udført: forslag {row.id} er {row.status}")
            uow.commit()
            raise InvalidInput(Message("engine.co_production.invalid"), errors=[
                {"path": "done", "message": Message("engine.co_production.not_accepted")}])
        row.status = "done"
        audit.record(uow, actor, "co_production_done", youth_id, f"forslag {row.id}")
        uow.commit()


def answer_proposal(uow: UnitOfWork, actor: Actor, youth_id: int, proposal_id: int | None, decision: str | None,
                    answer: str | None) -> None:
    """Staff take a proposal into the plan (``accept``) or answer it with a reason (``answer``)."""
    with uow:
        ensure_may_view(uow, actor, youth_id)
        row = uow.session.get(YouthContribution, proposal_id) if proposal_id else None
        errors = []
        if row is None or row.youth_id != youth_id or row.kind != "proposal":
            errors.append({"path": "proposal", "message": Message("engine.co_production.no_such_proposal")})
        elif row.status != "open":
            errors.append({"path": "proposal", "message": Message("engine.co_production.already_answered")})
        reason = (answer or "").strip()
        if decision not in DECISIONS:
            errors.append({"path": "decision", "message": Message("engine.co_production.choose_decision")})
        elif decision == "answer" and not reason:
            errors.append({"path": "answer", "message": Message("engine.co_production.reason_required")})
        if len(reason) > MAX_TEXT:
            errors.append({"path": "answer", "message": Message("engine.co_production.too_long", max=MAX_TEXT)})
        if errors:
            audit.record(uow, actor, "co_production_refused", youth_id, "svar på forslag: " +
                         ", ".join(str(e["path"]) for e in errors))
            uow.commit()
            raise InvalidInput(Message("engine.co_production.invalid"), errors=errors)
        assert row is not None
        row.status = "accepted" if decision == "accept" else "answered"
        row.answer, row.answered_by, row.answered_at = reason or None, actor.username, uow.clock.now()
        audit.record(uow, actor, "proposal_answered", youth_id, f"forslag {row.id}: {row.status}")
        uow.commit()


def contributions(uow: UnitOfWork, youth_id: int) -> dict[str, Any]:
    """What the young person wrote, for Min Plan and the case page (inside the caller's unit of work)."""
    rows = uow.session.scalars(select(YouthContribution).where(YouthContribution.youth_id == youth_id)
                               .order_by(YouthContribution.created_at.desc(), YouthContribution.id.desc())).all()
    dreams = [_view(r) for r in rows if r.kind == "dream"]
    comments: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row.kind == "comment":
            comments.setdefault(row.milestone or "", []).append(_view(row))
    proposals = [_view(r) for r in rows if r.kind == "proposal"]
    return {"dream": dreams[0] if dreams else None, "dream_history": dreams[1:], "comments": comments,
            "proposals": proposals, "own_milestones": [p for p in proposals if p["status"] in ("accepted", "done")],
            "open_proposals": [p for p in proposals if p["status"] == "open"]}


def milestone_titles(uow: UnitOfWork, youth_id: int) -> set[str]:
    """The titles of the milestones in the young person's latest plan, and of their accepted proposals."""
    with uow.separate(write=False) as reader:
        instance = reader.session.scalars(select(ProcessInstance).where(ProcessInstance.youth_id == youth_id)
                                          .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id.desc())
                                          .limit(1)).one_or_none()
        milestones = (instance.data or {}).get("milepaele") if instance else None
        titles = {str(m.get("titel")) for m in milestones or [] if isinstance(m, dict) and m.get("titel")}
        titles |= set(reader.session.scalars(select(YouthContribution.text).where(
            YouthContribution.youth_id == youth_id, YouthContribution.kind == "proposal",
            YouthContribution.status.in_(("accepted", "done")))))
    return titles


def _view(row: YouthContribution) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "milestone": row.milestone, "text": row.text,
            "due": row.due.isoformat() if row.due else None, "at": iso(row.created_at), "status": row.status,
            "answer": row.answer, "answered_at": iso(row.answered_at)}


def _own(uow: UnitOfWork, actor: Actor, what: str) -> int:
    """Only a young person writes here, and only into their own plan."""
    if actor.youth_id is None:
        policy.refuse_outside(uow, actor, f"min plan {what}", None, Message("engine.citizen.only_young_person"))
    return actor.youth_id


def _text(uow: UnitOfWork, actor: Actor, youth_id: int, kind: str, text: str | None, field: str,
          limit: int = MAX_TEXT) -> str:
    clean = (text or "").strip()
    if not clean:
        _invalid(uow, actor, youth_id, kind, field, "engine.co_production.empty")
    if len(clean) > limit:
        _invalid(uow, actor, youth_id, kind, field, "engine.co_production.too_long", max=limit)
    return clean


def _invalid(uow: UnitOfWork, actor: Actor, youth_id: int, kind: str, field: str, key: str, **params: Any) -> None:
    """Refuse bad input by its field, logged (naming the field, never the text)."""
    with uow.separate() as writer:
        audit.record(writer, actor, "co_production_refused", youth_id, f"{kind}: {field}")
        writer.commit()
    raise InvalidInput(Message("engine.co_production.invalid"),
                       errors=[{"path": field, "message": Message(key, **params)}])


def _add(uow: UnitOfWork, actor: Actor, youth_id: int, kind: str, text: str, milestone: str | None = None,
         due: date | None = None, status: str | None = None) -> int:
    with uow:
        instance_id = uow.session.scalar(select(ProcessInstance.id).where(ProcessInstance.youth_id == youth_id)
                                         .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id.desc())
                                         .limit(1))
        row = YouthContribution(youth_id=youth_id, instance_id=instance_id, kind=kind, milestone=milestone,
                                text=text, due=due, created_at=uow.clock.now(), status=status)
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow, actor, f"co_production_{kind}", youth_id, f"{kind} {row.id}")
        uow.commit()
        return row.id
