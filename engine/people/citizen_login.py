"""The young person logs in to Min Plan as themselves (issue 12): by MitID, or by a one-time invite link.

* In production the municipality's MitID broker vouches for the login (OpenID Connect, verified by
  ``web/oidc.py`` like the staff login) and sends the CPR number in a configured claim;
  :func:`sign_in_by_cpr` finds the one young person with that number (by the keyed hash, never by
  decrypting) who has an open course. A number that matches nobody, or two people, is refused.
* For development and the demo, :func:`create_invite` makes a one-time link (``samspil youth
  invite``); it is refused when ``SAMSPIL_ENV=production``. Only the token's hash is stored; a link
  works once and for :data:`INVITE_LIFETIME`.

The session of a young person is the :func:`engine.people.access.youth_actor` of their young
person; it names no staff role and holds no permission. :func:`actor_for_session` reloads it on every
request, so a logout (which raises the young person's session generation) or the end of their
course ends every copy of the session. Every login, refusal and logout is in the access log; a
refusal says nothing about who exists.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import select

from engine.people import audit, policy
from engine.people.access import Actor, youth_actor
from engine.platform.crypto import normalize_cpr
from engine.platform.errors import NotFound
from engine.platform.messages import Message
from engine.platform.models import ProcessInstance, Youth, YouthInvite
from engine.platform.tenancy import DEFAULT_TENANT

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

INVITE_LIFETIME = timedelta(hours=72)
# A course the young person can still follow: not completed, not closed.
OPEN_STATUSES = ("running", "paused", "error")
# Who the access log names for a login attempt before anyone is known.
UNKNOWN = Actor("?")


def invite_prefix(tenant: int) -> str:
    """An invite names its tenant in the clear (``ung_t2.``; the default tenant's plain ``ung_``), as API
    tokens do: the link is looked up in that tenant only, and a forged prefix finds nothing."""
    return "ung_" if tenant == DEFAULT_TENANT else f"ung_t{tenant}."


def invite_tenant(token: str) -> int:
    """The tenant an invite token names (:func:`invite_prefix`)."""
    head, dot, _rest = token.partition(".")
    if dot and head.startswith("ung_t") and head[5:].isdigit() and len(head) < 16:
        return int(head[5:])
    return DEFAULT_TENANT


def create_invite(uow: UnitOfWork, actor: Actor, youth_id: int, production: bool) -> str:
    """A new one-time login token for the young person ``youth_id`` (shown once; only its hash is kept).

    Refused (logged) in production, where only MitID logs a young person in, and for a young person
    who is unknown or has no open course.
    """
    with uow:
        if production:
            policy.refuse(uow, actor, "min plan: invitation i produktion", None,
                          Message("engine.citizen.invite_production"))
        youth = uow.session.get(Youth, youth_id)
        if youth is None or not _has_open_course(uow, youth.id):
            policy.refuse(uow, actor, "min plan: invitation til ung uden åbent forløb", youth_id if youth else None,
                          Message("engine.citizen.no_open_course"))
        token = invite_prefix(uow.tenant) + secrets.token_urlsafe(32)
        now = uow.clock.now()
        uow.session.add(YouthInvite(youth_id=youth.id, token_hash=_hash(token), created_at=now,
                                    expires_at=now + INVITE_LIFETIME, created_by=actor.username))
        audit.record(uow, actor, "youth_invite_created", youth.id)
        uow.commit()
        return token


def sign_in_by_invite(uow: UnitOfWork, token: str) -> tuple[Actor, int]:
    """Log in with an invite token: the young person's actor and their session generation.

    The token is used up in the same transaction, so two tabs racing with one link log in once.
    A token that is unknown, used, expired, or whose young person has no open course any more is
    refused (:class:`Forbidden`, logged; the message tells the young person what to do).
    """
    with uow:
        invite = uow.session.scalars(select(YouthInvite).where(YouthInvite.token_hash == _hash(token))
                                     .with_for_update()).one_or_none()
        now = uow.clock.now()
        if invite is None:
            _refuse(uow, None, "ukendt invitation", "engine.citizen.invite_unknown")
        if invite.used_at is not None:
            _refuse(uow, invite.youth_id, "brugt invitation", "engine.citizen.invite_used")
        if invite.expires_at <= now:
            _refuse(uow, invite.youth_id, "udløbet invitation", "engine.citizen.invite_expired")
        youth = uow.session.get(Youth, invite.youth_id)
        if youth is None or not _has_open_course(uow, youth.id):
            _refuse(uow, invite.youth_id, "invitation til ung uden åbent forløb", "engine.citizen.no_open_course")
        invite.used_at = now
        return _signed_in(uow, youth, "invitation")


def sign_in_by_cpr(uow: UnitOfWork, claims: Mapping[str, Any], cpr_claim: str) -> tuple[Actor, int]:
    """Log in the young person whose CPR number the (verified) claims name: their actor and session generation.

    Refused (logged, naming no number) when the claim is missing or not a CPR number, when the
    number matches no young person or more than one, or when theirs has no open course.
    """
    value = claims.get(cpr_claim)
    digits = normalize_cpr(value) if isinstance(value, str) else None
    with uow:
        if digits is None:
            _refuse(uow, None, "MitID: intet gyldigt CPR-nummer", "engine.citizen.cpr_missing")
        found = uow.session.scalars(select(Youth).where(Youth.cpr_hash == uow.vault.search_hash(digits))
                                    .limit(2)).all()
        if not found:
            _refuse(uow, None, "MitID: CPR-nummeret passer ikke på nogen ung", "engine.citizen.cpr_unknown")
        if len(found) > 1:
            _refuse(uow, None, "MitID: CPR-nummeret passer på flere unge", "engine.citizen.cpr_ambiguous")
        youth = found[0]
        if not _has_open_course(uow, youth.id):
            _refuse(uow, youth.id, "MitID: ung uden åbent forløb", "engine.citizen.no_open_course")
        return _signed_in(uow, youth, "MitID")


def actor_for_session(uow: UnitOfWork, youth_id: Any, generation: Any) -> Actor | None:
    """The young person of a session, if it still holds: same generation, and a course still open."""
    if not isinstance(youth_id, int):
        return None
    with uow:
        youth = uow.session.get(Youth, youth_id)
        if youth is None or youth.session_generation != generation or not _has_open_course(uow, youth.id):
            return None
        return youth_actor(youth.id, uow.tenant)


def logout(uow: UnitOfWork, actor: Actor) -> None:
    """End every session of the young person (all copies of the cookie), logged."""
    with uow:
        youth = uow.session.get(Youth, actor.youth_id) if actor.youth_id is not None else None
        if youth is None:
            raise NotFound(Message("engine.youth.not_found"))
        youth.session_generation = (youth.session_generation or 0) + 1
        audit.record(uow, actor, "logout", youth.id, "min plan")
        uow.commit()


def refuse_failed_login(uow: UnitOfWork, reason: str) -> None:
    """Log a MitID answer that failed a check (state, nonce, signature): the reason only, no claim."""
    with uow:
        audit.record(uow, UNKNOWN, "login_refused", None, f"min plan, MitID: {reason}"[:200])
        uow.commit()


def _signed_in(uow: UnitOfWork, youth: Youth, how: str) -> tuple[Actor, int]:
    actor = youth_actor(youth.id, uow.tenant)
    audit.record(uow, actor, "login", youth.id, f"min plan: {how}")
    generation = youth.session_generation or 0
    uow.commit()
    return actor, generation


def _has_open_course(uow: UnitOfWork, youth_id: int) -> bool:
    return uow.session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.youth_id == youth_id, ProcessInstance.status.in_(OPEN_STATUSES)).limit(1)) is not None


def _refuse(uow: UnitOfWork, youth_id: int | None, what: str, key: str) -> NoReturn:
    """A refused login: logged as ``login_refused`` (the young person's id where known), then refused."""
    uow.session.rollback()
    audit.record(uow, UNKNOWN, "login_refused", youth_id, f"min plan: {what}")
    policy.refuse(uow, UNKNOWN, f"min plan: {what}", youth_id, Message(key))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

