"""Users, their roles, passwords (argon2), API tokens and sessions.

Every change an administrator makes (a user created, roles granted or taken, a user deactivated, a
new password, a token created or revoked) is an audit row naming who did it and to whom; the
services take that ``actor`` (the CLI passes its own). A change that should end a user's sessions
(logout, password, deactivation, roles) raises the user's ``session_generation``: a session issued
under an older number is refused on its next request, wherever the cookie is.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from engine.people import audit
from engine.people.access import ROLES, Actor
from engine.people.role_defaults import ADMIN_ROLE
from engine.people.roles import actor_with_permissions, ensure_roles, role_name_errors
from engine.platform import tenancy
from engine.platform.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from engine.platform.messages import Message
from engine.platform.models import ApiToken, LoginFailure, User, UserRole
from engine.platform.tenancy import DEFAULT_TENANT

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.platform.uow import UnitOfWork

DEFAULT_ROLES = ROLES  # what the admin page offers first; any plain role name is accepted
# Enough to catch a typo; whether the address exists only the mail server can tell.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD_LENGTH = 10
# Throttling, so that guessing is slow but nobody can lock others out for long:
# * per username *and* address: FAILURES_BEFORE_DELAY free failures in the window, then each attempt
#   waits FIRST_DELAY after the latest failure, doubling per failure up to MAX_DELAY. A stranger's
#   guesses from elsewhere never slow the user down at their own address.
# * per address: MAX_FAILURES_PER_SOURCE failures in the window (generous, as a whole office may sit
#   behind one address), then that address waits until the oldest failure leaves the window.
FAILURES_BEFORE_DELAY = 5
FIRST_DELAY = timedelta(seconds=15)
MAX_DELAY = timedelta(minutes=5)
MAX_FAILURES_PER_SOURCE = 100
FAILURE_WINDOW = timedelta(minutes=15)
_hasher = PasswordHasher()
# Verifying against a fixed hash when the user does not exist takes as long as a real check,
# so response times do not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("samspil-dummy-password")


def add_user(uow: UnitOfWork, username: str, password: str, roles: list[str], full_name: str = "",
             email: str | None = None, *, actor: Actor | None = None) -> dict[str, Any]:
    """Create a user. ``actor`` is who does it (None: the engine itself, as in demo data); it is logged."""
    username = (username or "").strip()
    errors = []
    if not username or len(username) > 80 or not all(c.isalnum() or c in "._-" for c in username):
        errors.append({"field": "username", "message": Message("engine.user.bad_username")})
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors.append({"field": "password",
                       "message": Message("engine.user.password_too_short", min=MIN_PASSWORD_LENGTH)})
    errors += role_name_errors(roles)
    errors += _details_errors(full_name, email)
    if errors:
        raise InvalidInput(Message("engine.user.invalid"), errors=errors)
    with uow:
        if uow.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(Message("engine.user.username_taken"))
        ensure_roles(uow, roles)
        user = User(username=username, full_name=full_name, email=email, password_hash=_hasher.hash(password),
                    active=True, created_at=uow.clock.now(),
                    roles=[UserRole(role=role) for role in sorted(set(roles))])
        uow.session.add(user)
        audit.record(uow, actor, "user_created", None, f"{username}: roller {', '.join(sorted(set(roles)))}")
        if ADMIN_ROLE in roles:
            audit.record(uow, actor, "admin_granted", None, username)
        uow.commit()
        return {"username": user.username, "roles": sorted(user.role_names)}


def update_user(uow: UnitOfWork, username: str, full_name: str, email: str | None,
                password: str | None = None, *, actor: Actor | None = None) -> dict[str, Any]:
    """An admin corrects a user's name and e-mail (where mail about tasks goes) and may set a new password.

    An empty ``password`` keeps the current one. Every field is checked before anything is saved.
    A new password ends every session of the user (whoever knew the old one is out).
    """
    full_name, email = (full_name or "").strip(), (email or "").strip() or None
    errors = _details_errors(full_name, email)
    if password and len(password) < MIN_PASSWORD_LENGTH:
        errors.append({"field": "password",
                       "message": Message("engine.user.password_too_short", min=MIN_PASSWORD_LENGTH)})
    if errors:
        raise InvalidInput(Message("engine.user.invalid"), errors=errors)
    with uow:
        user = _user(uow, username)
        if (user.full_name, user.email) != (full_name, email):
            audit.record(uow, actor, "user_updated", None, f"{username}: navn eller e-mail")
        user.full_name, user.email = full_name, email
        if password:
            user.password_hash = _hasher.hash(password)
            _end_sessions(user)
            audit.record(uow, actor, "password_changed", None, username)
        view = user_view(user)
        uow.commit()
        return view


def _details_errors(full_name: str | None, email: str | None) -> list[dict[str, Any]]:
    errors = []
    if len(full_name or "") > 200:
        errors.append({"field": "full_name", "message": Message("engine.user.name_too_long")})
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        errors.append({"field": "email", "message": Message("engine.user.bad_email")})
    return errors


def authenticate(uow: UnitOfWork, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password of an active user; None otherwise."""
    with uow:
        return _authenticated(uow, username, password)


def _authenticated(uow: UnitOfWork, username: str, password: str) -> Actor | None:
    user = uow.session.scalars(select(User).where(User.username == (username or "").strip())).one_or_none()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return actor_with_permissions(uow.session, user.username, user.role_names)


def create_token(uow: UnitOfWork, username: str, name: str = "", *, actor: Actor | None = None) -> str:
    """A new API token for the user; only its hash is stored, so it is shown once (and never logged)."""
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            raise NotFound(Message("engine.user.not_found"))
        token = token_prefix(uow.tenant) + secrets.token_urlsafe(32)
        row = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token), created_at=uow.clock.now())
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow, actor, "token_created", None, f"{username}: token {row.id}")
        uow.commit()
        return token


def actor_for_token(uow: UnitOfWork, token: str) -> Actor | None:
    """The token's user, with roles, in one statement: every API call pays for this lookup."""
    with uow:
        rows = uow.session.execute(
            select(User.username, UserRole.role).join(ApiToken, ApiToken.user_id == User.id)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None), User.active)).all()
        if not rows:
            return None
        return actor_with_permissions(uow.session, rows[0].username,
                                      frozenset(row.role for row in rows if row.role is not None))


def refuse_api_call(uow: UnitOfWork, method: str, path: str, header: bool, token: bool) -> None:
    """Log an API call refused for want of a valid bearer token, in one transaction (never the token).

    A token that was sent but is unknown, revoked or its user's deactivated is logged as such too.
    """
    with uow:
        if token:
            audit.record(uow, None, "api_token_refused", None, f"{method} {path}"[:200])
        audit.record(uow, None, "access_denied", None,
                     f"api {method} {path[:200]!r}: {'ugyldigt' if header else 'intet'} token")
        uow.commit()


def token_prefix(tenant: int) -> str:
    """A token names its tenant in the clear (``sp_t2.``; the default tenant's plain ``sp_``), so the API
    looks it up in that tenant only and never across tenants. A forged prefix gains nothing: the hash
    is looked up in the named tenant alone, where no such token exists."""
    return "sp_" if tenant == DEFAULT_TENANT else f"sp_t{tenant}."


def token_tenant(token: str) -> int:
    """The tenant a token names (:func:`token_prefix`); the default tenant for a plain ``sp_`` token."""
    head, dot, _rest = token.partition(".")
    if dot and head.startswith("sp_t") and head[4:].isdigit() and len(head) < 16:
        return int(head[4:])
    return DEFAULT_TENANT


def login_tenant(session_factory: Any, username: str) -> int:
    """The tenant a login by this username runs in: its user's (usernames are global), else the default
    one, where an unknown name fails as it always did."""
    return tenancy.tenant_of_username(session_factory, username) or DEFAULT_TENANT


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(uow: UnitOfWork, username: str, password: str, source: str | None = None) -> Actor | None:
    """Like :func:`authenticate`, with throttling (see :data:`FAILURES_BEFORE_DELAY`); one transaction.

    Raises :class:`TooManyAttempts` (with ``retry_after`` seconds) while this username from this
    source (an IP address), or the source as a whole, must wait; the password is then not even checked.
    """
    with uow:
        actor = _login_in(uow, username, password, source)
        uow.commit()
        return actor


def sign_in(uow: UnitOfWork, username: str, password: str,
            source: str | None = None) -> tuple[Actor | None, int | None]:
    """The login page's one call: :func:`login`, its audit row, and the new session's generation.

    Returns ``(actor, session generation)``, ``(None, None)`` for a wrong password. A throttled
    attempt is logged as failed too, then :class:`TooManyAttempts` is raised.
    """
    name = (username or "").strip()
    with uow:
        try:
            actor = _login_in(uow, name, password, source)
        except TooManyAttempts:
            audit.record(uow, Actor(name[:80] or "?"), "login_failed", None)
            uow.commit()
            raise
        audit.record(uow, actor or Actor(name[:80] or "?"), "login" if actor else "login_failed", None)
        generation = _generation(uow, actor.username) if actor is not None else None
        uow.commit()
        return actor, generation


def refuse_password_login(uow: UnitOfWork, username: str) -> None:
    """Log a password login tried while passwords are switched off (only the identity provider logs in)."""
    with uow:
        audit.record(uow, Actor((username or "").strip()[:80] or "?"), "login_refused", None, "adgangskode slået fra")
        uow.commit()


def _login_in(uow: UnitOfWork, username: str, password: str, source: str | None) -> Actor | None:
    """:func:`login` inside the caller's open unit of work: throttle, check, count the outcome (not committed)."""
    username = (username or "").strip()[:80]
    source = (source or None) and source[:64]
    now = uow.clock.now()
    since = now - FAILURE_WINDOW
    from_here = LoginFailure.source == source if source else LoginFailure.source.is_(None)
    pair_count, latest = uow.session.execute(select(func.count(), func.max(LoginFailure.at)).where(
        LoginFailure.username == username, from_here, LoginFailure.at >= since)).one()
    waits = []
    if pair_count >= FAILURES_BEFORE_DELAY:
        delay = min(FIRST_DELAY * 2 ** (pair_count - FAILURES_BEFORE_DELAY), MAX_DELAY)
        waits.append(latest + delay - now)
    if source:
        source_count, oldest = uow.session.execute(select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.source == source, LoginFailure.at >= since)).one()
        if source_count >= MAX_FAILURES_PER_SOURCE:
            waits.append(oldest + FAILURE_WINDOW - now)
    wait = max(waits, default=timedelta(0))
    if wait > timedelta(0):
        raise TooManyAttempts(Message("engine.user.too_many_attempts"),
                              retry_after=max(1, int(wait.total_seconds())))
    actor = _authenticated(uow, username, password)
    if actor is None:
        uow.session.add(LoginFailure(username=username, source=source, at=now))
    else:
        uow.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    uow.session.execute(delete(LoginFailure).where(LoginFailure.at < now - 4 * FAILURE_WINDOW))
    return actor


def change_own_password(uow: UnitOfWork, actor: Actor, current: str, new: str, source: str | None = None) -> int:
    """A user sets a new password, proving the current one; every other session of theirs ends.

    The current password is checked like a login (throttled, failures counted), so someone holding a
    stolen session cannot guess it. Returns the new session generation, for the session that asked.
    One transaction; a wrong current password commits only its counted failure.
    """
    if len(new or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(Message("engine.user.invalid"), errors=[{
            "field": "new_password", "message": Message("engine.user.password_too_short", min=MIN_PASSWORD_LENGTH)}])
    with uow:
        if _login_in(uow, actor.username, current, source) is None:
            uow.commit()
            raise InvalidInput(Message("engine.user.invalid"), errors=[{
                "field": "current_password", "message": Message("engine.user.wrong_current_password")}])
        user = _user(uow, actor.username)
        user.password_hash = _hasher.hash(new)
        _end_sessions(user)
        audit.record(uow, actor, "password_changed", None, actor.username)
        generation = user.session_generation
        uow.commit()
        return generation


def logout(uow: UnitOfWork, actor: Actor) -> None:
    """End every session of the actor (a copied cookie too) and log it."""
    with uow:
        user = uow.session.scalars(select(User).where(User.username == actor.username)).one_or_none()
        if user is not None:
            _end_sessions(user)
        audit.record(uow, actor, "logout", None)
        uow.commit()


def session_generation(uow: UnitOfWork, username: str) -> int | None:
    """The number a new session of the user is issued under; None for no such user."""
    with uow:
        return _generation(uow, username)


def _generation(uow: UnitOfWork, username: str) -> int | None:
    return uow.session.scalar(select(User.session_generation).where(User.username == username))


def actor_for_session(uow: UnitOfWork, username: str, generation: Any) -> Actor | None:
    """The actor for a session cookie: an active user whose sessions have not been ended since it was issued."""
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None or not user.active or generation != user.session_generation:
            return None
        return actor_with_permissions(uow.session, user.username, user.role_names)


def _end_sessions(user: User) -> None:
    user.session_generation = (user.session_generation or 0) + 1


def actor_for_username(uow: UnitOfWork, username: str) -> Actor | None:
    """The actor for an active user (a logged-in session names its user; deactivation ends it)."""
    with uow:
        return active_actor(uow.session, username)


def active_actor(session: Session, username: str) -> Actor | None:
    """An active user with roles and permissions, read in the caller's transaction."""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None or not user.active:
        return None
    return actor_with_permissions(session, user.username, user.role_names)


def user_view(user: User) -> dict[str, Any]:
    return {"username": user.username, "full_name": user.full_name, "email": user.email, "active": user.active,
            "roles": sorted(user.role_names), "created_at": user.created_at.isoformat()}


def get_user(uow: UnitOfWork, username: str) -> dict[str, Any]:
    with uow:
        return user_view(_user(uow, username))


def list_users(uow: UnitOfWork) -> list[dict[str, Any]]:
    with uow:
        return [user_view(u) for u in uow.session.scalars(select(User).order_by(User.username))]


def users_with_role_in(uow: UnitOfWork, role: str) -> list[dict[str, Any]]:
    """Active users holding a role (to give a task to), inside the caller's unit of work."""
    query = select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True)).order_by(User.username)
    return [user_view(u) for u in uow.session.scalars(query)]


def set_roles(uow: UnitOfWork, username: str, roles: list[str], *, actor: Actor | None = None) -> dict[str, Any]:
    """Replace a user's roles. A change is logged (granting or taking admin on a row of its own) and
    ends the user's sessions, so the next login holds exactly the new roles."""
    errors = role_name_errors(roles)
    if errors:
        raise InvalidInput(Message("engine.user.invalid_roles"), errors=errors)
    with uow:
        ensure_roles(uow, roles)
        user = _user(uow, username)
        replace_roles(uow, user, roles, actor=actor)
        view = user_view(user)
        uow.commit()
        return view


def replace_roles(uow: UnitOfWork, user: User, roles: list[str] | frozenset[str], *, actor: Actor | None) -> bool:
    """Give a loaded user exactly ``roles``, inside the caller's unit of work; True if they changed.

    A change ends the user's sessions and is logged (granting or taking admin on a row of its own).
    An administrator's edit and a login through the identity provider both change roles this way.
    """
    before, after = user.role_names, frozenset(roles)
    if before == after:
        return False
    ensure_roles(uow, sorted(after))  # a role named by the identity provider exists as a row too
    user.roles = [UserRole(role=role) for role in sorted(after)]
    uow.session.flush()
    _end_sessions(user)
    audit.record(uow, actor, "roles_changed", None,
                 f"{user.username}: {', '.join(sorted(before))} -> {', '.join(sorted(after))}")
    if ADMIN_ROLE in after - before:
        audit.record(uow, actor, "admin_granted", None, user.username)
    if ADMIN_ROLE in before - after:
        audit.record(uow, actor, "admin_removed", None, user.username)
    return True


def set_active(uow: UnitOfWork, username: str, active: bool, *, actor: Actor | None = None) -> dict[str, Any]:
    """Deactivate (or reactivate) a user: a deactivated user cannot log in, their sessions end and
    their tokens stop working."""
    with uow:
        user = _user(uow, username)
        if user.active != active:
            _end_sessions(user)
            audit.record(uow, actor, "user_activated" if active else "user_deactivated", None, username)
        user.active = active
        view = user_view(user)
        uow.commit()
        return view


def list_tokens(uow: UnitOfWork, username: str | None = None) -> list[dict[str, Any]]:
    with uow:
        query = select(ApiToken).join(User).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        if username:
            query = query.where(User.username == username)
        return [{"id": t.id, "username": t.user.username, "name": t.name, "created_at": t.created_at.isoformat(),
                 "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}
                for t in uow.session.scalars(query)]


def revoke_token(uow: UnitOfWork, token_id: int, *, actor: Actor | None = None) -> None:
    with uow:
        token = uow.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound(Message("engine.token.not_found"))
        if token.revoked_at is None:
            token.revoked_at = uow.clock.now()
            audit.record(uow, actor, "token_revoked", None, f"{token.user.username}: token {token.id}")
        uow.commit()


def _user(uow: UnitOfWork, username: str) -> User:
    user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(Message("engine.user.not_found"))
    return user


def held_roles(uow: UnitOfWork) -> set[str]:
    """Every role at least one active user holds (what lanes are checked against before deploy)."""
    with uow:
        return held_roles_in(uow.session)


def active_usernames(session: Session, usernames: set[str], role: str | None) -> set[str]:
    """Those of ``usernames`` that are active users, and every active user holding ``role``."""
    found = set(session.scalars(select(User.username).where(User.active.is_(True), User.username.in_(sorted(usernames))))) \
        if usernames else set()
    if role:
        found |= set(session.scalars(select(User.username).join(UserRole, UserRole.user_id == User.id)
                                     .where(User.active.is_(True), UserRole.role == role)))
    return found


def held_roles_in(session: Session, role: str | None = None) -> set[str]:
    """:func:`held_roles` inside the caller's unit of work; only ``role`` (if held) when one is named."""
    query = select(UserRole.role).join(User, User.id == UserRole.user_id).where(User.active.is_(True))
    if role is not None:
        query = query.where(UserRole.role == role)
    return set(session.scalars(query.distinct()))
