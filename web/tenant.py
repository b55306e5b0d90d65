"""The tenant a request runs in (:mod:`engine.platform.tenancy`): set once the request names its user.

A page request runs in the tenant its session's login found, an API call in its token's tenant, an
anonymous request in the default tenant. The tenant is made current for the request only: every
request starts in the default tenant and is put back at its end, so a thread serving the next
request never inherits it.
"""
from __future__ import annotations

from flask import Flask, g

from engine.platform import tenancy


def set_request_tenant(tenant: int) -> None:
    """Run the rest of this request (every unit of work it opens) in ``tenant``."""
    tenancy.set_current(tenant)


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_in_the_default_tenant() -> None:
        g.tenant_token = tenancy.set_current(tenancy.DEFAULT_TENANT)

    @app.teardown_request
    def _put_the_tenant_back(_error: BaseException | None) -> None:
        token = g.pop("tenant_token", None)
        if token is not None:
            tenancy.reset_current(token)
