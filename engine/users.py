"""Users, their roles, passwords (argon2) and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from engine.access import Actor
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import ApiToken, User, UserRole

if TYPE_CHECKING:
    from engine.uow import UnitOfWork

DEFAULT_ROLES = ("sagsbehandler", "ungekoordinator", "ungeguide", "koordinerende_sagsbehandler", "procesejer", "admin",
                 "integration")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verifying against a fixed hash when the user does not exist takes as long as a real check,
# so response times do not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("samspil-dummy-password")


def add_user(uow: UnitOfWork, username: str, password: str, roles: list[str], full_name: str = "",
             email: str | None = None) -> dict[str, Any]:
    username = (username or "").strip()
    errors = []
    if not username or len(username) > 80 or not all(c.isalnum() or c in "._-" for c in username):
        errors.append({"field": "username", "message": "Brugernavnet må kun indeholde bogstaver, tal og . _ -"})
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors.append({"field": "password", "message": f"Adgangskoden skal have mindst {MIN_PASSWORD_LENGTH} tegn"})
    unknown = [r for r in roles if r not in DEFAULT_ROLES]
    if unknown or not roles:
        errors.append({"field": "roles", "message": "Ukendt eller manglende rolle; gyldige roller: " + ", ".join(DEFAULT_ROLES)})
    if errors:
        raise InvalidInput("Brugeren er ugyldig", errors=errors)
    with uow:
        if uow.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict("Brugernavnet er allerede i brug")
        user = User(username=username, full_name=full_name, email=email, password_hash=_hasher.hash(password),
                    active=True, created_at=uow.engine.clock.now(),
                    roles=[UserRole(role=role) for role in sorted(set(roles))])
        uow.session.add(user)
        uow.commit()
        return {"username": user.username, "roles": sorted(user.role_names)}


def authenticate(uow: UnitOfWork, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password of an active user; None otherwise."""
    with uow:
        user = uow.session.scalars(select(User).where(User.username == (username or "").strip())).one_or_none()
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if user is None or not user.active:
            return None
        return Actor(user.username, user.role_names)


def create_token(uow: UnitOfWork, username: str, name: str = "") -> str:
    """A new API token for the user; only its hash is stored, so it is shown once."""
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            raise NotFound("Brugeren findes ikke")
        token = "sp_" + secrets.token_urlsafe(32)
        uow.session.add(ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token),
                                 created_at=uow.engine.clock.now()))
        uow.commit()
        return token


def actor_for_token(uow: UnitOfWork, token: str) -> Actor | None:
    with uow:
        row = uow.session.scalars(select(ApiToken).where(ApiToken.token_hash == _token_hash(token),
                                                         ApiToken.revoked_at.is_(None))).one_or_none()
        if row is None or not row.user.active:
            return None
        return Actor(row.user.username, row.user.role_names)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def held_roles(uow: UnitOfWork) -> set[str]:
    """Every role at least one active user holds (what lanes are checked against before deploy)."""
    with uow:
        return set(uow.session.scalars(select(UserRole.role).join(User, User.id == UserRole.user_id)
                                       .where(User.active.is_(True)).distinct()))
