"""Young people: registering them, finding them, and who may see them."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine import audit, policy
from engine.access import Actor
from engine.crypto import cpr_birthdate, mask_cpr, normalize_cpr
from engine.errors import InvalidInput, NotFound
from engine.messages import Message
from engine.models import Task, TaskCandidate, Youth
from engine.views import youth_view

if TYPE_CHECKING:
    from engine.uow import UnitOfWork

REGISTRAR_ROLES = policy.roles_with("register_youth")
SEE_ALL_ROLES = policy.roles_with("see_all_youths")


def create_youth(uow: UnitOfWork, actor: Actor, name: Any, birthdate: Any, cpr: Any = None) -> dict[str, Any]:
    if not policy.allows(actor, "register_youth"):
        policy.refuse_outside(uow, actor, "unge: opret", message=Message("engine.youth.may_not_create"))
    name, born, digits = check_youth(uow, name, birthdate, cpr)
    with uow:
        youth = add_youth(uow, actor, name, born, digits)
        uow.commit()
        return youth_view(youth)


def youth_errors(uow: UnitOfWork, name: Any, birthdate: Any, cpr: Any) -> list[dict[str, str]]:
    """What is wrong with a young person's details, as ``{"field", "message"}``; empty when valid."""
    try:
        check_youth(uow, name, birthdate, cpr)
    except InvalidInput as invalid:
        return list(invalid.details["errors"])
    return []


def check_youth(uow: UnitOfWork, name: Any, birthdate: Any, cpr: Any) -> tuple[str, date, str | None]:
    """The name, birthdate and CPR digits, checked; :class:`InvalidInput` names each wrong field."""
    errors = []
    if not isinstance(name, str) or not name.strip():
        errors.append({"field": "name", "message": Message("engine.youth.name_required")})
    elif len(name.strip()) > 200:
        errors.append({"field": "name", "message": Message("engine.youth.name_too_long")})
    born = _parse_date(birthdate)
    today = uow.engine.clock.now().date()
    if born is None:
        errors.append({"field": "birthdate", "message": Message("engine.youth.bad_birthdate")})
    elif born > today or born.year < today.year - 40:
        errors.append({"field": "birthdate", "message": Message("engine.youth.impossible_birthdate")})
    digits = None
    if cpr not in (None, ""):
        digits = normalize_cpr(cpr) if isinstance(cpr, str) else None
        if digits is None:
            errors.append({"field": "cpr", "message": Message("engine.youth.bad_cpr")})
        elif born is not None and cpr_birthdate(digits) != born:
            errors.append({"field": "cpr", "message": Message("engine.youth.cpr_mismatch")})
    if errors:
        raise InvalidInput(Message("engine.youth.invalid"), errors=errors)
    assert born is not None and isinstance(name, str)
    return name.strip(), born, digits


def add_youth(uow: UnitOfWork, actor: Actor, name: str, born: date, digits: str | None) -> Youth:
    """Insert a checked young person in the open unit of work (not committed)."""
    youth = Youth(name=name, birthdate=born, created_at=uow.engine.clock.now(), created_by=actor.username,
                  cpr_encrypted=uow.engine.vault.encrypt(digits) if digits else None,
                  cpr_hash=uow.engine.vault.search_hash(digits) if digits else None,
                  cpr_masked=mask_cpr(digits) if digits else None)
    uow.session.add(youth)
    uow.session.flush()
    audit.record(uow, actor, "youth_created", youth.id)
    return youth


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def involved_filter(actor: Actor) -> Any:
    """SQL condition on the youth table: the actor is involved (see :func:`engine.policy.involved_sql`)."""
    return policy.involved_sql(actor, Youth, Task, TaskCandidate)


def may_view(uow: UnitOfWork, actor: Actor, youth_id: int) -> bool:
    """True when the young person exists and the actor may see their case."""
    if policy.sees_all(actor):
        return uow.session.get(Youth, youth_id) is not None
    return uow.session.scalar(select(Youth.id).where(Youth.id == youth_id, involved_filter(actor))) is not None


def ensure_may_view(uow: UnitOfWork, actor: Actor, youth_id: int, what: str = "case") -> Youth:
    """The youth, if the actor may see their case; a denied attempt is logged and refused.

    Only those who see every young person learn that an id names no one (404); anyone else gets
    the same refusal whether the young person exists or not, so ids reveal nothing.
    """
    if policy.sees_all(actor):
        youth = uow.session.get(Youth, youth_id)
        if youth is None:
            raise NotFound(Message("engine.youth.not_found"))
        return youth
    youth = uow.session.scalars(select(Youth).where(Youth.id == youth_id, involved_filter(actor))).one_or_none()
    if youth is None:
        deny(uow, actor, youth_id, what)  # the id asked for is logged, whether it names anyone or not
    return youth


def deny(uow: UnitOfWork, actor: Actor, youth_id: int | None, what: str) -> None:
    """Log a refused access and refuse (:func:`engine.policy.refuse`). Call before any change."""
    policy.refuse(uow, actor, what, youth_id)


def get_youth(uow: UnitOfWork, actor: Actor, youth_id: int) -> dict[str, Any]:
    with uow:
        youth = ensure_may_view(uow, actor, youth_id)
        audit.record(uow, actor, "youth_viewed", youth.id)
        uow.commit()
        return youth_view(youth)


def search_youths(uow: UnitOfWork, actor: Actor, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """By name (part of it) or by a full CPR number; only young people the actor may see."""
    text = (text or "").strip()
    with uow:
        query = select(Youth).order_by(Youth.name).limit(limit)
        digits = normalize_cpr(text) if text else None
        if digits:
            query = query.where(Youth.cpr_hash == uow.engine.vault.search_hash(digits))
        elif text:
            query = query.where(Youth.name.ilike(f"%{text}%"))
        if not policy.sees_all(actor):
            query = query.where(involved_filter(actor))
        youths = uow.session.scalars(query).all()
        audit.record_many(uow, actor, "youth_search_result", [y.id for y in youths])
        uow.commit()
        return [youth_view(y) for y in youths]
