"""The municipalities of an installation (issue 11, part 4): adding one, and finding one by its key.

A new tenant starts as the default tenant did: the default roles and their permissions, no users,
no processes. Its key (``ballerup``) names it on the command line (``--tenant``); its id is what
rows carry (:mod:`engine.platform.tenancy`).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from engine.people.roles import seed_defaults
from engine.platform.errors import Conflict, InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import Tenant
from engine.platform.tenancy import DEFAULT_TENANT, acting_in, name_transaction

if TYPE_CHECKING:
    from engine.platform.parts import UnitsOfWork

TENANT_KEY = re.compile(r"[a-z][a-z0-9-]{0,39}")


def add_tenant(uows: UnitsOfWork, key: Any, name: Any) -> dict[str, Any]:
    """A new tenant with the default roles, in one transaction; a bad or taken key changes nothing."""
    if not isinstance(key, str) or TENANT_KEY.fullmatch(key) is None:
        raise InvalidInput(Message("engine.tenant.bad_key"),
                           errors=[{"field": "key", "message": Message("engine.tenant.bad_key")}])
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidInput(Message("engine.tenant.bad_name"),
                           errors=[{"field": "name", "message": Message("engine.tenant.bad_name")}])
    now = uows.clock.now()
    with uows.session_factory() as session:
        if session.scalars(select(Tenant.id).where(Tenant.key == key)).first() is not None:
            raise Conflict(Message("engine.tenant.exists", key=key))
        tenant = int(session.execute(insert(Tenant.__table__).values(key=key, name=name.strip(), created_at=now)
                                     .returning(Tenant.__table__.c.id)).scalar_one())
        with acting_in(tenant):  # row-level security lets the new tenant's rows in only under its own name
            name_transaction(session.connection(), tenant)
            seed_defaults(session.connection(), now, tenant)
        session.commit()
    return {"id": tenant, "key": key, "name": name.strip()}


def tenant_id(uows: UnitsOfWork, key: str | None) -> int:
    """The id of the tenant with this key (``None``: the default tenant); an unknown key is NotFound."""
    if key is None:
        return DEFAULT_TENANT
    with uows.session_factory() as session:
        found = session.scalars(select(Tenant.id).where(Tenant.key == key)).first()
    if found is None:
        raise NotFound(Message("engine.tenant.unknown", key=str(key)[:40]))
    return int(found)


def list_tenants(uows: UnitsOfWork) -> list[dict[str, Any]]:
    with uows.session_factory() as session:
        return [{"id": t.id, "key": t.key, "name": t.name}
                for t in session.scalars(select(Tenant).order_by(Tenant.id))]

