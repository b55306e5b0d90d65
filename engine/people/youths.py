"""Young people: registering them, finding them, and who may see them."""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import func, select

from engine.people import audit, policy
from engine.people.access import Actor
from engine.platform.crypto import cpr_birthdate, mask_cpr, normalize_cpr
from engine.platform.errors import InvalidInput, NotFound, TooManyAttempts
from engine.platform.messages import Message
from engine.platform.models import AuditEntry, Task, TaskCandidate, User, Youth
from engine.platform.views import youth_view

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork



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
    born = parse_date(birthdate)
    today = uow.clock.now().date()
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


def new_youth(uow: UnitOfWork, actor: Actor, name: str, born: date, digits: str | None,
              youth_id: int | None = None) -> Youth:
    """A checked young person, not yet in the session (a referral adds it only once its code has run)."""
    return Youth(id=youth_id, name=name, birthdate=born, created_at=uow.clock.now(), created_by=actor.username,
                 cpr_encrypted=uow.vault.encrypt(digits) if digits else None,
                 cpr_hash=uow.vault.search_hash(digits) if digits else None,
                 cpr_masked=mask_cpr(digits) if digits else None)


def add_youth(uow: UnitOfWork, actor: Actor, name: str, born: date, digits: str | None) -> Youth:
    """Insert a checked young person in the open unit of work (not committed)."""
    youth = new_youth(uow, actor, name, born, digits)
    uow.session.add(youth)
    uow.session.flush()
    audit.record(uow, actor, "youth_created", youth.id)
    return youth


def parse_date(value: Any) -> date | None:
    """A date typed as ÅÅÅÅ-MM-DD (or already a date); None when it is not one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def involved_filter(actor: Actor) -> Any:
    """SQL condition on the youth table: the actor is involved (see :func:`engine.people.policy.involved_sql`)."""
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


def deny(uow: UnitOfWork, actor: Actor, youth_id: int | None, what: str) -> NoReturn:
    """Log a refused access and refuse (:func:`engine.people.policy.refuse`). Call before any change."""
    policy.refuse(uow, actor, what, youth_id)


def get_youth(uow: UnitOfWork, actor: Actor, youth_id: int) -> dict[str, Any]:
    with uow:
        youth = ensure_may_view(uow, actor, youth_id)
        audit.record(uow, actor, "youth_viewed", youth.id)
        uow.commit()
        return youth_view(youth)


def search_youths(uow: UnitOfWork, actor: Actor, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """By name (part of it) or by a full CPR number; only young people the actor may see.

    Every search, hit or miss, is an audit row saying what kind it was and how many it found (never
    the text searched for), plus a row per young person shown. A full CPR number is an exact test of
    whether someone is known, so a user gets :data:`CPR_SEARCH_LIMIT` of those per
    :data:`CPR_SEARCH_WINDOW`; past that a lookup is refused (:class:`TooManyAttempts`) and logged.
    """
    text = (text or "").strip()
    digits = normalize_cpr(text) if text else None
    with uow:
        if digits:
            _allow_cpr_lookup(uow, actor)
        query = select(Youth).order_by(Youth.name).limit(limit)
        if digits:
            query = query.where(Youth.cpr_hash == uow.vault.search_hash(digits))
        elif text:
            query = query.where(Youth.name.ilike(f"%{text}%"))
        if not policy.sees_all(actor):
            query = query.where(involved_filter(actor))
        youths = uow.session.scalars(query).all()
        audit.record(uow, actor, CPR_LOOKUP if digits else "youth_search", None, f"{len(youths)} fundet")
        audit.record_many(uow, actor, "youth_search_result", [y.id for y in youths])
        uow.commit()
        return [youth_view(y) for y in youths]


CPR_LOOKUP = "youth_search_cpr"
CPR_SEARCH_LIMIT = 10
CPR_SEARCH_WINDOW = timedelta(minutes=10)


def _allow_cpr_lookup(uow: UnitOfWork, actor: Actor) -> None:
    """Refuse (and log) a CPR lookup past the user's limit; the audit log itself is the counter.

    The user's row is locked first (PostgreSQL), so two lookups at once cannot both take the last one.
    """
    uow.session.execute(select(User.id).where(User.username == actor.username).with_for_update())
    now = uow.clock.now()
    recent = uow.session.execute(select(func.count(), func.min(AuditEntry.at)).where(
        AuditEntry.username == actor.username, AuditEntry.action == CPR_LOOKUP,
        AuditEntry.at > now - CPR_SEARCH_WINDOW)).one()
    count, oldest = recent
    if count < CPR_SEARCH_LIMIT:
        return
    audit.record(uow, actor, "youth_search_refused", None, f"CPR-søgning: over {CPR_SEARCH_LIMIT} på "
                 f"{int(CPR_SEARCH_WINDOW.total_seconds() // 60)} minutter")
    uow.commit()
    wait = max(1, int((oldest + CPR_SEARCH_WINDOW - now).total_seconds()))
    raise TooManyAttempts(Message("engine.youth.too_many_cpr_searches", limit=CPR_SEARCH_LIMIT,
                                  minutes=int(CPR_SEARCH_WINDOW.total_seconds() // 60)), retry_after=wait)


def refuse_cpr_in_address(uow: UnitOfWork, actor: Actor) -> None:
    """Log a search that put a CPR number in a URL (the caller refuses it; the number is not kept)."""
    with uow:
        audit.record(uow, actor, "youth_search_refused", None, "CPR-nummer i adressen")
        uow.commit()
