"""Login, logout, the session, CSRF and the helpers every page uses.

* ``@login_required`` sends an anonymous visitor to the login page (and back afterwards).
* ``@permission_required("manage_users")`` also refuses (403, logged by the policy) a user whose roles lack it.
* ``current_actor()`` is the :class:`engine.people.access.Actor` to pass to engine services.
* ``engine()`` is the engine to take units of work from.
* ``/konto/adgangskode``: a user changes their own password (this session goes on, all others end).

The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure unless configured off) naming
the username and the user's session generation at login. Every request reloads the user and
compares the generation, so logout, a new password, deactivation or a role change ends every
session of that user at once, also copies of the cookie. A session idle for longer than
``SESSION_IDLE_MINUTES`` has expired. Every POST, PUT, PATCH and DELETE outside ``/api/v1`` needs
the CSRF token (Flask-WTF's ``CSRFProtect``): a hidden ``csrf_token`` field in forms, or the
``X-CSRFToken`` header (set for htmx by base.html).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.bootstrap import Engine
from engine.people import policy, users
from engine.people.access import Actor
from engine.platform.errors import Forbidden, InvalidInput, TooManyAttempts
from engine.platform.tenancy import DEFAULT_TENANT
from web.i18n import LANGUAGES, _, localize
from web.tenant import set_request_tenant

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
F = TypeVar("F", bound=Callable[..., Any])


def engine() -> Engine:
    return current_app.extensions["samspil"]


def current_actor() -> Actor:
    """The logged-in user as an engine actor; only inside ``@login_required`` views."""
    return g.actor


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("actor") is None:
            return redirect(url_for("auth.login", next=_local_path(request.full_path)))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def permission_required(permission: str) -> Callable[[F], F]:
    """Refuse (403, logged) a user whose roles do not hold ``permission`` (as kept in the database)."""
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.get("actor") is None:
                return redirect(url_for("auth.login", next=_local_path(request.full_path)))
            try:  # the policy's one way to refuse: logged, then Forbidden
                policy.require(engine().uow(), g.actor, permission, f"side {request.path}")
            except Forbidden:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def _local_path(target: str | None) -> str | None:
    """Only a path on this site is a safe place to return to after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target.rstrip("?") or "/"


def local_redirect(target: str | None, default: str) -> WerkzeugResponse:
    """Redirect (303) to ``target`` if it is a path on this site, else to ``default``."""
    return redirect(_local_path(target) or default, code=303)


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_IDLE_MINUTES", 60)
    csrf.init_app(app)
    from web import api

    for blueprint in api.BLUEPRINTS:  # the API authenticates with bearer tokens, not cookies
        csrf.exempt(blueprint)

    @app.before_request
    def load_user() -> Response | None:
        g.actor = None
        if "api" in request.blueprints or request.endpoint == "static":
            return None
        username = session.get("user")
        if not username:
            return None
        set_request_tenant(int(session.get("tenant", DEFAULT_TENANT)))  # the tenant the login found
        idle = time.time() - float(session.get("seen", 0))
        if idle > current_app.config["SESSION_IDLE_MINUTES"] * 60:
            _end_session()
            flash(_("auth.session_expired"), "warning")
            return None
        actor = users.actor_for_session(engine().reader(), username, session.get("gen"))
        if actor is None:  # deactivated, deleted, logged out elsewhere, new password or new roles since login
            _end_session()
            return None
        g.actor = actor
        session["seen"] = int(time.time())
        return None

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        from web.errors import error_page

        return error_page(400, _("error.csrf"))

    @app.context_processor
    def user_context() -> dict[str, Any]:
        return {"actor": g.get("actor")}


def _end_session() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_path = _local_path(request.values.get("next"))
    if g.get("actor") is not None and request.method == "GET":
        return redirect(next_path or url_for("inbox.index"))
    error, status, username = None, 200, ""
    if request.method == "POST" and not current_app.config.get("LOCAL_LOGIN", True):
        # Passwords are switched off: only the identity provider logs people in.
        users.refuse_password_login(engine().uow(), request.form.get("username") or "")
        error, status = _("auth.local_login_off"), 403
    elif request.method == "POST":
        username = (request.form.get("username") or "").strip()
        set_request_tenant(users.login_tenant(engine().session_factory, username))
        try:
            actor, generation = users.sign_in(engine().uow(), username, request.form.get("password") or "",
                                              request.remote_addr)
        except TooManyAttempts as throttled:
            minutes = max(1, round(int(throttled.details.get("retry_after", 60)) / 60))
            error, status, actor = _("auth.throttled", minutes=minutes), 429, None
        else:
            if actor is None:
                error, status = _("auth.wrong_password"), 401
        if actor is not None:
            start_session(actor, generation)
            return redirect(next_path or url_for("inbox.index"))
    from web.pages import oidc_login

    provider = oidc_login.login_choice(request.args.get("tenant"), next_path)  # ?tenant=: that municipality's
    return render_template("login.html", error=error, username=username, next=next_path, provider=provider), status


def start_session(actor: Actor, generation: int | None) -> None:
    """A fresh session for a user who just logged in (by password or through the identity provider),
    issued under the user's session ``generation`` as the login read it."""
    _end_session()  # nothing carried over from before
    session["user"] = actor.username
    session["tenant"] = actor.tenant if actor.tenant is not None else DEFAULT_TENANT
    session["gen"] = generation
    session["seen"] = int(time.time())
    session.permanent = True


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    from web.pages import oidc_login

    if g.get("actor") is not None:
        # Every session of the user ends, not just this cookie: a copy of it is worth nothing now.
        users.logout(engine().uow(), g.actor)
    at_provider = oidc_login.logout_redirect()  # read before the session (and its ID token) is gone
    _end_session()
    flash(_("auth.logged_out"), "info")
    return redirect(at_provider or url_for("auth.login"), code=303 if at_provider else 302)


@bp.route("/konto/adgangskode", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    """The user changes their own password; this session goes on, every other one ends."""
    if not current_app.config.get("LOCAL_LOGIN", True):
        abort(404)  # passwords are switched off: the identity provider keeps them
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            generation = users.change_own_password(engine().uow(), current_actor(),
                                                   request.form.get("current_password") or "",
                                                   request.form.get("new_password") or "", request.remote_addr)
        except TooManyAttempts as throttled:
            minutes = max(1, round(int(throttled.details.get("retry_after", 60)) / 60))
            errors, status = {"current_password": [_("auth.throttled", minutes=minutes)]}, 429
        except InvalidInput as invalid:
            for error in invalid.details.get("errors", []):
                errors.setdefault(error.get("field", ""), []).append(localize(error["message"]))
            status = 422
        else:
            session["gen"] = generation
            flash(_("auth.password_changed"), "success")
            return redirect(url_for("inbox.index"), code=303)
    return render_template("account_password.html", errors=errors), status


@bp.post("/sprog")
def set_language() -> ResponseReturnValue:
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(_local_path(request.form.get("next")) or url_for("inbox.index"))
