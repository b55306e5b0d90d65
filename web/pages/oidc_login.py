"""Staff log in with the municipality's identity provider (OpenID Connect), beside or instead of passwords.

* ``GET /login/oidc`` sends the browser to the provider (``?next=`` a local path to return to).
* ``GET /login/oidc/callback`` takes the answer: :func:`web.oidc.finish` verifies it,
  :func:`engine.people.federated_login.sign_in_staff` creates or refreshes the user with the mapped roles,
  and a fresh session begins. A refusal or a failed check goes back to the login page with a
  message; nothing is created, and it is in the access log.

Configuration (``create_app(config)`` keys, else the environment, read once into
:class:`engine.platform.settings.Settings`):

=====================  ==============================  ==========================================
key                    environment                     default
=====================  ==============================  ==========================================
OIDC_ISSUER            SAMSPIL_OIDC_ISSUER             none: no login through a provider
OIDC_CLIENT_ID         SAMSPIL_OIDC_CLIENT_ID          required with an issuer
OIDC_CLIENT_SECRET     SAMSPIL_OIDC_CLIENT_SECRET      required with an issuer
OIDC_SCOPE             SAMSPIL_OIDC_SCOPE              ``openid profile email``
OIDC_ROLE_CLAIM        SAMSPIL_OIDC_ROLE_CLAIM         ``groups``
OIDC_ROLE_MAP          SAMSPIL_OIDC_ROLE_MAP           ``{}`` (JSON: claim value -> role or roles)
OIDC_USERNAME_CLAIM    SAMSPIL_OIDC_USERNAME_CLAIM     ``preferred_username`` (``sub`` if absent)
OIDC_LINK_BY_USERNAME  SAMSPIL_OIDC_LINK_BY_USERNAME   ``0``: a first login never takes over a local user
OIDC_PROVIDER_NAME     SAMSPIL_OIDC_PROVIDER_NAME      ``kommunens login`` (the button's text)
LOCAL_LOGIN            SAMSPIL_LOCAL_LOGIN             ``1``; ``0`` hides and refuses password login
=====================  ==============================  ==========================================
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.people import audit, federated_login, users
from engine.people.access import Actor
from engine.people.federated_login import RoleMapping, StaffLoginRules
from engine.platform.errors import Forbidden
from engine.platform.settings import ConfigurationError, Settings
from web import hardening, oidc
from web.i18n import _, localize
from web.pages.auth import _local_path, engine, start_session

bp = Blueprint("oidc_login", __name__)
PROVIDER = "staff"
def init_app(app: Flask) -> None:
    """Read the settings, refuse a configuration nobody could log in with, register the provider."""
    the_settings: Settings = app.extensions["samspil_settings"]
    for key, value in the_settings.oidc.items():  # read once, in create_app (OIDC_VARIABLES)
        app.config.setdefault(key, value)
    app.config["LOCAL_LOGIN"] = _flag(app.config["LOCAL_LOGIN"])
    issuer = (app.config["OIDC_ISSUER"] or "").strip()
    if not issuer:
        if not app.config["LOCAL_LOGIN"]:
            raise ConfigurationError("SAMSPIL_LOCAL_LOGIN=0 kræver SAMSPIL_OIDC_ISSUER: ellers kan ingen logge ind")
        return
    if the_settings.environment == "production" and not issuer.startswith("https://"):
        raise ConfigurationError("SAMSPIL_OIDC_ISSUER skal være en https-adresse (SAMSPIL_ENV=production)")
    if not app.config["OIDC_CLIENT_ID"] or not app.config["OIDC_CLIENT_SECRET"]:
        raise ConfigurationError("SAMSPIL_OIDC_ISSUER kræver SAMSPIL_OIDC_CLIENT_ID og SAMSPIL_OIDC_CLIENT_SECRET")
    app.extensions["samspil_staff_login"] = StaffLoginRules(
        roles=RoleMapping.parse(app.config["OIDC_ROLE_CLAIM"], app.config["OIDC_ROLE_MAP"]),
        username_claim=(app.config["OIDC_USERNAME_CLAIM"] or "preferred_username").strip(),
        link_by_username=_flag(app.config["OIDC_LINK_BY_USERNAME"]))
    oidc.register(app, oidc.ProviderConfig(
        name=PROVIDER, issuer=issuer, client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"], scope=app.config["OIDC_SCOPE"],
        display_name=app.config["OIDC_PROVIDER_NAME"]))

    @app.after_request
    def allow_logout_at_provider(response: Response) -> Response:
        # Runs before hardening's hook (Flask runs them in reverse), which keeps a policy already set.
        if "api" not in request.blueprints:
            origins = " ".join(oidc.form_action_origins(PROVIDER))
            response.headers.setdefault("Content-Security-Policy", hardening.PAGE_POLICY.replace(
                "form-action 'self'", f"form-action 'self' {origins}"))
        return response


def _flag(value: Any) -> bool:
    return str(value).strip().lower() not in ("0", "false", "no", "off", "")


def logout_redirect() -> str | None:
    """Where logout should send the browser to end the provider's session too (None: stay here)."""
    if oidc.provider(PROVIDER) is None or session.get("login_via") != PROVIDER:
        return None
    return oidc.logout_url(PROVIDER, session.get("id_token"), url_for("auth.login", _external=True))


@bp.get("/login/oidc")
def start() -> ResponseReturnValue:
    if oidc.provider(PROVIDER) is None:
        return redirect(url_for("auth.login"))
    session["login_next"] = _local_path(request.args.get("next"))
    try:
        return oidc.begin(PROVIDER, url_for("oidc_login.callback", _external=True))
    except oidc.LoginFailed as failed:
        return _refused(failed.reason, _("auth.oidc_failed"))


@bp.get("/login/oidc/callback")
def callback() -> ResponseReturnValue:
    if oidc.provider(PROVIDER) is None:
        return redirect(url_for("auth.login"))
    try:
        verified = oidc.finish(PROVIDER)
    except oidc.LoginFailed as failed:
        return _refused(failed.reason, _("auth.oidc_failed"))
    try:
        actor = federated_login.sign_in_staff(engine().uow(), verified.identity,
                                              current_app.extensions["samspil_staff_login"])
    except Forbidden as refused:  # logged by the engine, with the username
        session.pop("login_next", None)
        flash(localize(refused.message), "error")
        return redirect(url_for("auth.login"), code=303)
    next_path = session.get("login_next")
    start_session(actor, users.session_generation(engine().reader(), actor.username))
    session["login_via"], session["id_token"] = PROVIDER, verified.id_token
    return redirect(next_path or url_for("inbox.index"), code=303)


def _refused(reason: str, message: str) -> WerkzeugResponse:
    """A login attempt that failed a check: logged without any claim, shown as one plain message."""
    with engine().uow() as uow:
        audit.record(uow, Actor("?"), "login_refused", None, f"identitetsudbyder: {reason}"[:200])
        uow.commit()
    session.pop("login_next", None)
    flash(message, "error")
    return redirect(url_for("auth.login"), code=303)
