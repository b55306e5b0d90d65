"""Bearer tokens: every API call but the OpenAPI document names its user (``web.api`` runs
:func:`authenticate` before every API view)."""
from __future__ import annotations

from flask import Response, current_app, g, request

from engine.bootstrap import Engine
from engine.people import users
from engine.people.access import Actor
from engine.platform.tenancy import DEFAULT_TENANT
from web.errors import error_response
from web.tenant import set_request_tenant

PUBLIC_ENDPOINTS = {"api.openapi.openapi_document"}


def authenticate() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.get("citizen") is not None:
        # A young person's session (web.citizen lets it reach only their own endpoints): they act as themselves.
        g.actor = g.citizen
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    actor = None
    if scheme.lower() == "bearer" and token.strip():
        # The call runs in the token's tenant (it names it); a token of another tenant's user is not
        # found there, so it reaches nothing of this one.
        set_request_tenant(users.token_tenant(token.strip()))
        actor = users.actor_for_token(engine().reader(), token.strip())
    if actor is None:  # a refused call is logged like any other refusal (no token text)
        set_request_tenant(DEFAULT_TENANT)  # in the default tenant's access log
        users.refuse_api_call(engine().uow(), request.method, request.path, bool(header), bool(token.strip()))
        response = error_response(401, "Log ind eller angiv et gyldigt API-token")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    g.actor = actor
    return None


def engine() -> Engine:
    return current_app.extensions["samspil"]


def actor() -> Actor:
    return g.actor
