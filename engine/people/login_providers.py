"""Each municipality's own identity provider for its staff (OpenID Connect): set it, show it, read it to log in.

A tenant's provider is a row of its own (:class:`engine.platform.models.TenantLoginProvider`): the
issuer, Samspil's client there, the client secret (sealed with the installation's secret key, never
shown), and how claims become a user (:class:`engine.people.federated_login.StaffLoginRules`). The
default tenant without a row keeps the environment's provider (``SAMSPIL_OIDC_*``, read by the web
layer), so an installation with no tenant configured logs in as before.

Everything is read and written in the tenant's own unit of work, so the service-layer filter and
row-level security keep one municipality's provider out of another's reach.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken
from sqlalchemy import select

from engine.people import audit
from engine.people.access import Actor
from engine.people.federated_login import RoleMapping, StaffLoginRules
from engine.people.tenants import list_tenants, tenant_id
from engine.platform.errors import InvalidInput
from engine.platform.messages import Message
from engine.platform.models import TenantLoginProvider
from engine.platform.settings import ConfigurationError

if TYPE_CHECKING:
    from engine.platform.parts import UnitsOfWork

SEAL_PURPOSE = "oidc-client-secret"
DEFAULT_SCOPE = "openid profile email"


@dataclass(frozen=True)
class LoginProvider:
    """A tenant's provider as a login needs it: where, who we are there, and how claims become a user."""

    tenant: int
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str
    display_name: str
    rules: StaffLoginRules


def set_provider(uows: UnitsOfWork, key: str | None, *, issuer: Any, client_id: Any, client_secret: Any,
                 role_map: Any, scope: Any = DEFAULT_SCOPE, role_claim: Any = "groups",
                 username_claim: Any = "preferred_username", display_name: Any = "kommunens login",
                 link_by_username: bool = False, actor: Actor | None = None) -> dict[str, Any]:
    """Give tenant ``key`` its provider (or replace it), in one transaction, logged; bad input changes nothing.

    Raises :class:`InvalidInput` naming each bad field, :class:`NotFound` for an unknown tenant.
    """
    tenant = tenant_id(uows, key)
    issuer_text = str(issuer or "").strip().rstrip("/")
    errors = []
    parts = urlsplit(issuer_text)
    https_only = uows.settings.environment == "production"
    if parts.scheme not in (("https",) if https_only else ("http", "https")) or not parts.netloc \
            or parts.query or parts.fragment or len(issuer_text) > 500:
        errors.append(("issuer", "engine.login_provider.bad_issuer_https" if https_only
                       else "engine.login_provider.bad_issuer"))
    if not _text(client_id, 255):
        errors.append(("client_id", "engine.login_provider.bad_client_id"))
    if not _text(client_secret, 500):
        errors.append(("client_secret", "engine.login_provider.bad_client_secret"))
    if not _text(scope, 500) or "openid" not in str(scope).split():
        errors.append(("scope", "engine.login_provider.bad_scope"))
    for name, claim in (("role_claim", role_claim), ("username_claim", username_claim)):
        if not _text(claim, 100):
            errors.append((name, "engine.login_provider.bad_claim"))
    if not _text(display_name, 100):
        errors.append(("display_name", "engine.login_provider.bad_display_name"))
    mapping = _role_mapping(str(role_claim or "groups"), role_map)
    if mapping is None:
        errors.append(("role_map", "engine.login_provider.bad_role_map"))
    if errors:
        raise InvalidInput(Message(errors[0][1]), errors=[{"field": f, "message": Message(m)} for f, m in errors])
    assert mapping is not None
    with uows.uow(tenant=tenant) as uow:
        row = uow.session.scalars(select(TenantLoginProvider).with_for_update()).one_or_none()
        if row is None:
            row = TenantLoginProvider()
            uow.session.add(row)
        row.issuer, row.client_id = issuer_text, str(client_id).strip()
        row.client_secret_sealed = uow.vault.seal(str(client_secret).strip(), SEAL_PURPOSE)
        row.scope, row.role_claim = " ".join(str(scope).split()), mapping.claim
        row.role_map = {value: list(roles) for value, roles in mapping.roles_by_value.items()}
        row.username_claim, row.display_name = str(username_claim).strip(), str(display_name).strip()
        row.link_by_username, row.updated_at = bool(link_by_username), uow.clock.now()
        audit.record(uow, actor, "login_provider_set", None, f"{row.issuer} (klient {row.client_id})"[:200])
        view = _view(row)
        uow.commit()
    return view


def provider_of(uows: UnitsOfWork, tenant: int) -> LoginProvider | None:
    """The provider tenant ``tenant`` logs its staff in with (None: it has none of its own)."""
    with uows.uow(write=False, tenant=tenant) as uow:
        row = uow.session.scalars(select(TenantLoginProvider)).one_or_none()
        if row is None:
            return None
        try:
            secret = uow.vault.unseal(row.client_secret_sealed, SEAL_PURPOSE)
        except InvalidToken:  # sealed under another SAMSPIL_SECRET_KEY: the provider must be set again
            return None
        rules = StaffLoginRules(roles=RoleMapping.parse(row.role_claim, row.role_map),
                                username_claim=row.username_claim, link_by_username=row.link_by_username)
        return LoginProvider(tenant, row.issuer, row.client_id, secret, row.scope, row.display_name, rules)


def describe(uows: UnitsOfWork, key: str | None) -> dict[str, Any] | None:
    """Tenant ``key``'s provider as shown to an administrator: everything but the secret (None: none set)."""
    tenant = tenant_id(uows, key)
    with uows.uow(write=False, tenant=tenant) as uow:
        row = uow.session.scalars(select(TenantLoginProvider)).one_or_none()
        return _view(row) if row is not None else None


def tenants_with_providers(uows: UnitsOfWork) -> list[dict[str, Any]]:
    """Every tenant with its provider's issuer (``None``: none of its own), each read in its own tenant."""
    listed = []
    for tenant in list_tenants(uows):
        with uows.uow(write=False, tenant=tenant["id"]) as uow:
            issuer = uow.session.scalars(select(TenantLoginProvider.issuer)).one_or_none()
        listed.append({**tenant, "issuer": issuer})
    return listed


def _view(row: TenantLoginProvider) -> dict[str, Any]:
    return {"issuer": row.issuer, "client_id": row.client_id, "client_secret": "(sat)", "scope": row.scope,
            "role_claim": row.role_claim, "role_map": dict(row.role_map), "username_claim": row.username_claim,
            "display_name": row.display_name, "link_by_username": row.link_by_username}


def _text(value: Any, longest: int) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= longest


def _role_mapping(claim: str, role_map: Any) -> RoleMapping | None:
    if isinstance(role_map, str):
        try:
            role_map = json.loads(role_map)
        except ValueError:
            return None
    if not isinstance(role_map, Mapping) or not role_map:
        return None
    try:
        return RoleMapping.parse(claim, role_map)
    except ConfigurationError:
        return None
