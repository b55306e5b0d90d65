"""Several municipalities on one installation: every row belongs to a tenant (issue 11, part 4).

Confinement has two walls:

1. **The service layer, in one place.** A unit of work is opened for one tenant
   (:attr:`engine.platform.uow.UnitOfWork.tenant`); while it is open :func:`current_tenant` names it.
   Every ORM statement of its session gets ``with_loader_criteria(TenantMixin, tenant_id == tenant)``
   (the ``do_orm_execute`` listener below), so a query that forgets the tenant still sees only its
   own; every new row, ORM or Core ``insert()``, is stamped by the column default reading
   :func:`current_tenant`. No service names the tenant; none can forget it.
2. **PostgreSQL row-level security.** Migration 0010 enables and forces a policy on every tenant
   table, ``tenant_id = samspil.tenant``; the application acts as the role ``samspil_app`` (not the
   owner, not a superuser, so the policy applies to it) and each transaction sets ``samspil.tenant``
   (:func:`_set_tenant_of_transaction`). A query that escapes the first wall (a text query, a
   forgotten listener) still reads and writes nothing of another tenant.

With no tenant configured everything is tenant 1, the default tenant the migration creates, and
the installation works as it did before tenants.

Usernames stay globally unique (one ``users.username`` index across tenants): a login then finds
its tenant from the user alone (:func:`tenant_of_username`), with no tenant field on the login page,
and a name in the access log or a task's assignee never means two people.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import ForeignKey, Integer, event, select, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, declared_attr, mapped_column, with_loader_criteria

DEFAULT_TENANT = 1
_SESSION_TENANT = "samspil_tenant"        # Session.info: the tenant its unit of work was opened for
_SESSION_UNFILTERED = "samspil_unfiltered"  # Session.info: the service-layer wall is off (tests of RLS only)
_current: ContextVar[int] = ContextVar("samspil_tenant", default=DEFAULT_TENANT)
# Test-only: switch the service-layer wall off, to show that row-level security alone leaks nothing.
service_filter_enabled = True


def current_tenant() -> int:
    """The tenant of the unit of work (or request, or CLI command) now running; the default otherwise."""
    return _current.get()


@contextmanager
def acting_in(tenant: int) -> Iterator[None]:
    """Everything inside (units of work opened, rows written) is for ``tenant``."""
    token = _current.set(int(tenant))
    try:
        yield
    finally:
        _current.reset(token)


def set_current(tenant: int) -> Any:
    """Make ``tenant`` current until :func:`reset_current` with the token returned (a web request's span)."""
    return _current.set(int(tenant))


def reset_current(token: Any) -> None:
    _current.reset(token)


class TenantMixin:
    """A table holding one municipality's data: its ``tenant_id`` is stamped and filtered, never passed."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 (declared_attr takes the class)
        return mapped_column(Integer, ForeignKey("tenants.id"), nullable=False, default=current_tenant,
                             server_default=text(str(DEFAULT_TENANT)))


def open_session(session: Session, tenant: int) -> None:
    """Mark a unit of work's new session as confined to ``tenant`` (before its first statement)."""
    session.info[_SESSION_TENANT] = tenant
    if not service_filter_enabled:
        session.info[_SESSION_UNFILTERED] = True


@event.listens_for(Session, "do_orm_execute")
def _confine(state: ORMExecuteState) -> None:
    tenant = state.session.info.get(_SESSION_TENANT)
    if tenant is None or state.session.info.get(_SESSION_UNFILTERED):
        return
    if (state.is_select and not state.is_column_load and not state.is_relationship_load) \
            or state.is_update or state.is_delete:  # relationship and column loads inherit the criteria
        state.statement = state.statement.options(with_loader_criteria(
            TenantMixin, lambda cls: cls.tenant_id == tenant, include_aliases=True, track_closure_variables=False))


@event.listens_for(Session, "after_begin")
def _set_tenant_of_transaction(session: Session, _transaction: Any, connection: Any) -> None:
    """On PostgreSQL each transaction names its tenant (``SET LOCAL``-like, ends with the transaction)."""
    tenant = session.info.get(_SESSION_TENANT)
    if tenant is not None:
        name_transaction(connection, tenant)


def name_transaction(connection: Any, tenant: int) -> None:
    """Name the tenant of ``connection``'s open transaction for row-level security (PostgreSQL only)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT set_config('samspil.tenant', %(tenant)s, true)", {"tenant": str(tenant)})


def tenant_of_username(session_factory: Any, username: str) -> int | None:
    """The tenant of the user with this name, looked up across tenants (usernames are global).

    The one statement that reads across tenants: the users table only (migration 0010's lookup
    policy lets nothing else through), the tenant column only, in a transaction of its own.
    """
    from engine.platform.models import User

    with session_factory() as session:
        connection = session.connection()
        if connection.dialect.name == "postgresql":  # migration 0010's lookup policy: users only, read only
            connection.exec_driver_sql("SELECT set_config('samspil.lookup', 'users', true)")
        tenant = session.scalars(select(User.tenant_id).where(User.username == (username or "").strip())).one_or_none()
        session.rollback()
        return tenant


def each_tenant(uows: Any) -> Iterator[int]:
    """Every tenant's id in turn, current while the caller works on it: a worker pass over all tenants.

    The ``tenants`` table is the installation's list and is read by everyone (no tenant's data).
    """
    from engine.platform.models import Tenant

    with uows.session_factory() as session:
        ids = list(session.scalars(select(Tenant.id).order_by(Tenant.id)))
    for tenant in ids:
        with acting_in(tenant):
            yield tenant
