"""Staff who log in through the municipality's identity provider (OpenID Connect, or any federation).

The web layer verifies the provider's answer (state, nonce, PKCE, the ID token's signature, issuer,
audience and expiry) and hands over an :class:`ExternalIdentity`: the issuer, the subject and the
claims. Here that identity becomes a Samspil user:

* the user is found by (issuer, subject) in the unit of work's tenant, never by a name the provider
  sends, so a provider account cannot take over a local user of the same name (unless the
  installation says so, to move its existing users over: ``link_by_username``), nor a user of
  another municipality (usernames are global: a name another tenant holds is refused as taken);
* the user and the actor are of the unit of work's tenant: the login callback opens it for the
  tenant whose provider the login began at (:mod:`engine.people.login_providers`);
* a first login creates the user, with the username, full name and e-mail from the claims; the
  username stays what it was then (a renamed account at the provider is still the same user), while
  name and e-mail follow the provider at every login;
* every login gives the user exactly the roles the :class:`RoleMapping` reads from the claims; a
  change ends the user's other sessions (:func:`engine.people.users.replace_roles`);
* a login whose claims map to no role, of a deactivated user, or with an unusable username is
  refused (:class:`Forbidden`) and nothing is created; each refusal and each login is in the access
  log, naming only the username.

Nothing here is specific to OpenID Connect or to staff pages: a citizen login (issue 12) verifies
its token the same way and matches a young person instead of a user.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.people import audit
from engine.people.access import Actor
from engine.people.role_defaults import ADMIN_ROLE, YOUTH_ROLE
from engine.people.roles import ensure_roles
from engine.people.users import EMAIL, replace_roles
from engine.platform.errors import Forbidden
from engine.platform.messages import Message
from engine.platform.models import User, UserIdentity, UserRole
from engine.platform.settings import ConfigurationError

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

# A role name in the mapping: a plain identifier, as a lane may name it.
ROLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,79}")
# Usernames from a provider may be e-mail-like (Entra ID's preferred_username is the UPN).
USERNAME = re.compile(r"[\w.@-]{1,80}")
# A user created by a provider login has no password; argon2 refuses this as a hash, so it never matches.
NO_PASSWORD = "!external-login"


@dataclass(frozen=True)
class ExternalIdentity:
    """Who the provider says logged in: its issuer, their subject there, and the verified claims."""

    issuer: str
    subject: str
    claims: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RoleMapping:
    """Which Samspil roles a claim's values give, e.g. ``groups``: ``{"ballerup-tovholdere": ["tovholder"]}``."""

    claim: str
    roles_by_value: Mapping[str, tuple[str, ...]]

    @classmethod
    def parse(cls, claim: str, mapping: str | Mapping[str, Any] | None) -> RoleMapping:
        """The mapping from configuration (JSON text or a dict); a value may be one role or a list.

        Raises :class:`ConfigurationError` naming the setting, so a typo stops the app at start
        instead of refusing every login.
        """
        if isinstance(mapping, str):
            try:
                mapping = json.loads(mapping or "{}")
            except ValueError:
                raise ConfigurationError("SAMSPIL_OIDC_ROLE_MAP skal være et JSON-objekt") from None
        if not isinstance(mapping, Mapping):
            raise ConfigurationError("SAMSPIL_OIDC_ROLE_MAP skal være et JSON-objekt")
        roles_by_value: dict[str, tuple[str, ...]] = {}
        for value, roles in mapping.items():
            roles = [roles] if isinstance(roles, str) else roles
            if not isinstance(roles, list) or not all(isinstance(r, str) and ROLE_NAME.fullmatch(r) for r in roles):
                raise ConfigurationError("SAMSPIL_OIDC_ROLE_MAP: hver værdi skal være en rolle eller en liste af roller "
                                         "(små bogstaver, tal og _)")
            if YOUTH_ROLE in roles:
                raise ConfigurationError(f"SAMSPIL_OIDC_ROLE_MAP: rollen {YOUTH_ROLE} er den unges egen og gives "
                                         "aldrig til medarbejdere")
            roles_by_value[str(value)] = tuple(roles)
        if not (claim or "").strip():
            raise ConfigurationError("SAMSPIL_OIDC_ROLE_CLAIM må ikke være tom")
        return cls(claim.strip(), roles_by_value)

    def roles_for(self, claims: Mapping[str, Any]) -> frozenset[str]:
        """The roles the claims give: a claim may hold one value or a list of them."""
        value = claims.get(self.claim)
        values = [value] if isinstance(value, (str, int)) else value if isinstance(value, list) else []
        return frozenset(role for v in values for role in self.roles_by_value.get(str(v), ()))


@dataclass(frozen=True)
class StaffLoginRules:
    """How a provider's claims become a user (configuration, checked once at start)."""

    roles: RoleMapping
    username_claim: str = "preferred_username"
    link_by_username: bool = False


def sign_in_staff(uow: UnitOfWork, identity: ExternalIdentity, rules: StaffLoginRules) -> tuple[Actor, int]:
    """Create or refresh the user behind a verified identity: the actor and their new session's generation.

    The login callback's one call, one transaction (the generation is read after a change of roles
    has ended the user's older sessions).

    Raises :class:`Forbidden` (logged as ``login_refused``, nothing changed) when the claims map to
    no role, the user is deactivated, or the username is unusable or already a local user's.
    """
    claims = identity.claims
    username = str(claims.get(rules.username_claim) or identity.subject or "").strip()
    roles = rules.roles.roles_for(claims)
    with uow:
        linked = uow.session.scalars(select(UserIdentity).where(
            UserIdentity.issuer == identity.issuer, UserIdentity.subject == identity.subject)).one_or_none()
        user = uow.session.get(User, linked.user_id) if linked else None
        if user is None and not USERNAME.fullmatch(username):
            _refuse(uow, username, "engine.login.bad_username")
        if user is None:
            user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
            taken = user is not None and (not rules.link_by_username or uow.session.scalar(
                select(UserIdentity.id).where(UserIdentity.user_id == user.id).limit(1)) is not None)
            if taken:
                _refuse(uow, username, "engine.login.username_taken")
        if not roles:
            _refuse(uow, user.username if user else username, "engine.login.no_role")
        if user is not None and not user.active:
            _refuse(uow, user.username, "engine.login.inactive")
        now = uow.clock.now()
        full_name = str(claims.get("name") or "").strip()[:200]
        given = str(claims.get("email") or "").strip()
        email = given if len(given) <= 254 and EMAIL.fullmatch(given) else None
        actor = Actor(user.username if user else username, roles, tenant=uow.tenant)
        if user is None:
            ensure_roles(uow, sorted(roles))  # a role the provider's groups map to has its row
            user = User(username=username, full_name=full_name, email=email, password_hash=NO_PASSWORD, active=True,
                        created_at=now, roles=[UserRole(role=role) for role in sorted(roles)])
            uow.session.add(user)
            try:
                uow.session.flush()
            except IntegrityError:  # usernames are global: another municipality's user has this name
                _refuse(uow, username, "engine.login.username_taken")
            audit.record(uow, None, "user_created", None,
                         f"{username}: roller {', '.join(sorted(roles))} (identitetsudbyder)")
            if ADMIN_ROLE in roles:
                audit.record(uow, None, "admin_granted", None, username)
        else:
            user.full_name, user.email = full_name or user.full_name, email or user.email
            replace_roles(uow, user, roles, actor=None)
        if linked is None:
            uow.session.add(UserIdentity(user_id=user.id, issuer=identity.issuer, subject=identity.subject,
                                         created_at=now, last_login_at=now))
        else:
            linked.last_login_at = now
        audit.record(uow, actor, "login", None, "identitetsudbyder")
        uow.session.flush()
        generation = user.session_generation
        uow.commit()
        return actor, generation


def refuse_failed_login(uow: UnitOfWork, reason: str) -> None:
    """Log a login the provider's answer failed a check for (state, nonce, signature): the reason, no claim."""
    with uow:
        audit.record(uow, Actor("?"), "login_refused", None, f"identitetsudbyder: {reason}"[:200])
        uow.commit()


def _refuse(uow: UnitOfWork, username: str, key: str) -> None:
    """Log the refusal (the username only, cut short) in its own commit, then raise it."""
    uow.session.rollback()
    audit.record(uow, Actor(username[:80] or "?"), "login_refused", None, f"identitetsudbyder: {key.rsplit('.', 1)[1]}")
    uow.commit()
    raise Forbidden(Message(key))
