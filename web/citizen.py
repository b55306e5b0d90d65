"""The young person's session (Min Plan, issue 12): kept apart from staff sessions, and fenced in.

A young person's session names their young person under its own keys (``citizen``, ``citizen_gen``,
``citizen_tenant``); a staff session names a user (``user``). Starting either clears the session
first, so one cookie is never both. Every request with a young person's session reloads them
(:func:`engine.people.citizen_login.actor_for_session`: a logout elsewhere, or the end of their
course, ends it) and may reach only the endpoints :data:`web.access_table.ACCESS` marks ``citizen``
or ``public``: any other (a staff page, the staff API) is refused (403) and the refusal logged,
naming the young person. The check runs before any page's or the API's own, for every route there is.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from engine.people import citizen_login, policy
from engine.people.access import Actor
from engine.platform.errors import Forbidden
from engine.platform.messages import Message
from engine.platform.tenancy import DEFAULT_TENANT
from web.access_table import ACCESS
from web.errors import error_page, error_response
from web.i18n import localize
from web.tenant import set_request_tenant

KEYS = ("citizen", "citizen_gen", "citizen_tenant", "citizen_seen", "citizen_via")


def current_citizen() -> Actor | None:
    """The young person logged in for this request, if any."""
    return g.get("citizen")


def start_citizen_session(actor: Actor, generation: int, via: str) -> None:
    """A fresh session for a young person who just logged in; nothing of an earlier session (staff or not) stays."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["citizen"], session["citizen_gen"], session["citizen_tenant"] = actor.youth_id, generation, actor.tenant
    session["citizen_seen"], session["citizen_via"] = int(time.time()), via
    session.permanent = True


def end_citizen_session() -> None:
    for key in KEYS:
        session.pop(key, None)


def init_app(app: Flask) -> None:
    @app.before_request
    def fence_citizen() -> ResponseReturnValue | None:
        g.citizen = None
        if "citizen" not in session or request.endpoint == "static":
            return None
        set_request_tenant(int(session.get("citizen_tenant", DEFAULT_TENANT)))
        engine = current_app.extensions["samspil"]
        idle = time.time() - float(session.get("citizen_seen", 0))
        actor = None if idle > current_app.config["SESSION_IDLE_MINUTES"] * 60 else \
            citizen_login.actor_for_session(engine.reader(), session.get("citizen"), session.get("citizen_gen"))
        if actor is None:  # logged out elsewhere, course ended, or idle too long
            end_citizen_session()
            return None if _open_to_citizens(request.endpoint) else redirect(url_for("min_plan.login_page"))
        g.citizen = actor
        session["citizen_seen"] = int(time.time())
        if _open_to_citizens(request.endpoint):
            return None
        try:  # the policy's one way to refuse: logged (naming the young person), then Forbidden
            policy.refuse_outside(engine.uow(), actor, f"ung på medarbejderside {request.method} {request.path[:150]}",
                                  actor.youth_id, Message("engine.citizen.staff_only"))
        except Forbidden as refused:
            if request.path.startswith("/api/"):
                return error_response(403, str(refused.message))
            return error_page(403, localize(refused.message))
        return None

    @app.context_processor
    def citizen_context() -> dict[str, Actor | None]:
        return {"citizen": g.get("citizen")}


def _open_to_citizens(endpoint: str | None) -> bool:
    access = ACCESS.get(endpoint or "")
    return access is not None and (access.public or access.citizen)
