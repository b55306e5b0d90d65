"""Staff log in with their municipality's identity provider (OpenID Connect), beside or instead of passwords.

Each tenant may have a provider of its own (``samspil tenant oidc KEY ...``, kept in the database:
:mod:`engine.people.login_providers`); the environment's provider below is the default tenant's
when it has none of its own, so an installation with no tenant configured logs in as before.

* ``GET /login?tenant=ballerup`` is the login page offering Ballerup's provider (without
  ``tenant``: the default tenant's).
* ``GET /login/oidc?tenant=ballerup`` sends the browser to that tenant's provider (``?next=`` a
  local path to return to). The tenant is remembered in the signed session beside the login's
  state, nonce and PKCE verifier; one login is under way per browser.
* ``GET /login/oidc/callback/ballerup`` (the default tenant: ``/login/oidc/callback``) takes the
  answer. The tenant is the one the session remembers, never the one the address names: an
  answer arriving at another tenant's callback (a mix-up) is refused. :func:`web.oidc.finish`
  verifies it against that tenant's provider (state, PKCE, the ID token's issuer, audience,
  signature and nonce, RFC 9207's ``iss``), :func:`engine.people.federated_login.sign_in_staff`
  finds or creates the user *in that tenant* with its role map, and a fresh session begins there.

A refusal (unknown tenant, a tenant without a provider, a failed check, a mix-up) goes back to the
login page with a plain Danish message; nothing is created, and it is in the access log (of the
tenant the login began for, when it is known; else of the request's own tenant).

The environment's provider (``create_app(config)`` keys, else the environment, read once into
:class:`engine.platform.settings.Settings`; a tenant's own provider has the same fields, set by
``samspil tenant oidc``):

=====================  ==============================  ==========================================  ===========================
key                    environment                     default                                     ``samspil tenant oidc``
=====================  ==============================  ==========================================  ===========================
OIDC_ISSUER            SAMSPIL_OIDC_ISSUER             none: no login through a provider           ``--issuer``
OIDC_CLIENT_ID         SAMSPIL_OIDC_CLIENT_ID          required with an issuer                     ``--client-id``
OIDC_CLIENT_SECRET     SAMSPIL_OIDC_CLIENT_SECRET      required with an issuer                     ``--client-secret-env VAR``
                                                                                                   or stdin (stored sealed)
OIDC_SCOPE             SAMSPIL_OIDC_SCOPE              ``openid profile email``                    ``--scope``
OIDC_ROLE_CLAIM        SAMSPIL_OIDC_ROLE_CLAIM         ``groups``                                  ``--role-claim``
OIDC_ROLE_MAP          SAMSPIL_OIDC_ROLE_MAP           ``{}`` (JSON: claim value -> role or roles)  ``--role-map``
OIDC_USERNAME_CLAIM    SAMSPIL_OIDC_USERNAME_CLAIM     ``preferred_username`` (``sub`` if absent)  ``--username-claim``
OIDC_LINK_BY_USERNAME  SAMSPIL_OIDC_LINK_BY_USERNAME   ``0``: a first login never takes over a     ``--link-by-username``
                                                       local user
OIDC_PROVIDER_NAME     SAMSPIL_OIDC_PROVIDER_NAME      ``kommunens login`` (the button's text)     ``--display-name``
LOCAL_LOGIN            SAMSPIL_LOCAL_LOGIN             ``1``; ``0`` hides and refuses password     (installation-wide)
                                                       login
=====================  ==============================  ==========================================  ===========================
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.people import federated_login, login_providers, tenants
from engine.people.federated_login import RoleMapping, StaffLoginRules
from engine.platform.errors import Forbidden, NotFound
from engine.platform.settings import ConfigurationError, Settings
from engine.platform.tenancy import DEFAULT_TENANT, current_tenant
from web import hardening, oidc
from web.i18n import _, localize
from web.pages.auth import _local_path, engine, start_session

bp = Blueprint("oidc_login", __name__)
PROVIDER = "staff"  # the environment's provider: the default tenant's unless it has one of its own
PENDING = "oidc_login"  # session: the tenant (id and key) and provider of the login under way


@dataclass(frozen=True)
class TenantLogin:
    """The provider a tenant's staff log in with, registered in this app under ``client``."""

    tenant: int
    key: str | None  # None: the default tenant (its callback is the one without a key)
    client: str
    display_name: str
    rules: StaffLoginRules


def init_app(app: Flask) -> None:
    """Read the settings, refuse a configuration nobody could log in with, register the provider."""
    the_settings: Settings = app.extensions["samspil_settings"]
    for key, value in the_settings.oidc.items():  # read once, in create_app (OIDC_VARIABLES)
        app.config.setdefault(key, value)
    app.config["LOCAL_LOGIN"] = _flag(app.config["LOCAL_LOGIN"])
    oidc.init(app)

    @app.after_request
    def allow_logout_at_provider(response: Response) -> Response:
        # Runs before hardening's hook (Flask runs them in reverse), which keeps a policy already set.
        if "api" not in request.blueprints:
            origins = sorted(set(oidc.form_action_origins(PROVIDER)) | set(session.get("oidc_origins") or ()))
            if origins:
                response.headers.setdefault("Content-Security-Policy", hardening.PAGE_POLICY.replace(
                    "form-action 'self'", f"form-action 'self' {' '.join(origins)}"))
        return response

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


def _flag(value: Any) -> bool:
    return str(value).strip().lower() not in ("0", "false", "no", "off", "")


def tenant_login(tenant: int, key: str | None) -> TenantLogin | None:
    """The provider of ``tenant`` (its own, else for the default tenant the environment's), registered here.

    A tenant's provider is read from the database at each login: ``samspil tenant oidc`` changes it
    while the server runs, in another process. It is registered under a name that changes with its
    settings, so a changed provider is a new client and never a stale one.
    """
    own = login_providers.provider_of(engine(), tenant)
    key = None if tenant == DEFAULT_TENANT else key
    if own is not None:
        # Keyed: the name shows in the session cookie (Flask's is signed, not encrypted), the secret must not.
        digest = hmac.new(str(current_app.secret_key).encode(), "\n".join(
            (own.issuer, own.client_id, own.client_secret, own.scope)).encode(), hashlib.sha256)
        name = f"tenant{tenant}-{digest.hexdigest()[:16]}"
        if oidc.provider(name) is None:
            oidc.register(current_app, oidc.ProviderConfig(name=name, issuer=own.issuer, client_id=own.client_id,
                                                           client_secret=own.client_secret, scope=own.scope,
                                                           display_name=own.display_name))
        return TenantLogin(tenant, key, name, own.display_name, own.rules)
    if tenant == DEFAULT_TENANT and oidc.provider(PROVIDER) is not None:
        return TenantLogin(tenant, None, PROVIDER, current_app.config["OIDC_PROVIDER_NAME"],
                           current_app.extensions["samspil_staff_login"])
    return None


@dataclass(frozen=True)
class LoginChoice:
    """What the login page offers: a provider's button (its text and address), or why there is none."""

    provider_name: str | None = None
    href: str | None = None
    error: str | None = None


def login_choice(key: str | None, next_path: str | None) -> LoginChoice:
    """The login page's provider button for ``?tenant=KEY`` (none: the default tenant's)."""
    try:
        tenant = tenants.tenant_id(engine(), key or None)
    except NotFound:
        return LoginChoice(error=_("auth.oidc_unknown_tenant"))
    login = tenant_login(tenant, key)
    if login is None:
        return LoginChoice(error=_("auth.oidc_no_provider") if key else None)
    query: dict[str, Any] = {k: v for k, v in (("tenant", login.key), ("next", next_path)) if v}
    return LoginChoice(login.display_name, url_for("oidc_login.start", **query))


def logout_redirect() -> str | None:
    """Where logout should send the browser to end the provider's session too (None: stay here)."""
    if not session.get("login_via"):
        return None
    login = tenant_login(int(session.get("tenant", DEFAULT_TENANT)), None)
    if login is None:
        return None
    return oidc.logout_url(login.client, session.get("id_token"), url_for("auth.login", _external=True))


@bp.get("/login/oidc")
def start() -> ResponseReturnValue:
    key = request.args.get("tenant") or None
    try:
        tenant = tenants.tenant_id(engine(), key)
    except NotFound:
        return _refused(current_tenant(), "unknown_tenant", _("auth.oidc_unknown_tenant"))
    login = tenant_login(tenant, key)
    if login is None:
        if key is None:
            return redirect(url_for("auth.login"))
        return _refused(tenant, "no_provider", _("auth.oidc_no_provider"))
    session["login_next"] = _local_path(request.args.get("next"))
    session[PENDING] = {"tenant": login.tenant, "key": login.key}
    callback_url = (url_for("oidc_login.tenant_callback", key=login.key, _external=True) if login.key
                    else url_for("oidc_login.callback", _external=True))
    try:
        return oidc.begin(login.client, callback_url)
    except oidc.LoginFailed as failed:
        return _refused(tenant, failed.reason, _("auth.oidc_failed"))


@bp.get("/login/oidc/callback")
def callback() -> ResponseReturnValue:
    """The default tenant's callback (the address an installation with one provider registered)."""
    if PENDING not in session and oidc.provider(PROVIDER) is None:
        return redirect(url_for("auth.login"))
    return _finish(None)


@bp.get("/login/oidc/callback/<key>")
def tenant_callback(key: str) -> ResponseReturnValue:
    """A tenant's callback; ``key`` only has to match the tenant the login began for."""
    return _finish(key)


def _finish(key_in_address: str | None) -> ResponseReturnValue:
    pending = session.get(PENDING)  # kept until a login succeeds: a stale answer does not end the newest attempt
    if not isinstance(pending, dict):  # no login under way in this browser: a forged or replayed answer
        return _refused(current_tenant(), "state", _("auth.oidc_failed"))
    tenant = int(pending["tenant"])
    if pending.get("key") != key_in_address:  # a mix-up: this login began for another tenant
        return _refused(tenant, "tenant", _("auth.oidc_wrong_tenant"))
    login = tenant_login(tenant, pending.get("key"))
    if login is None:
        return _refused(tenant, "no_provider", _("auth.oidc_no_provider"))
    try:
        verified = oidc.finish(login.client)
    except oidc.LoginFailed as failed:
        return _refused(tenant, failed.reason, _("auth.oidc_failed"))
    try:
        actor, generation = federated_login.sign_in_staff(engine().uow(tenant=tenant), verified.identity, login.rules)
    except Forbidden as refused:  # logged by the engine, with the username
        session.pop("login_next", None)
        flash(localize(refused.message), "error")
        return redirect(url_for("auth.login"), code=303)
    next_path = session.get("login_next")
    start_session(actor, generation)
    session["login_via"], session["id_token"] = login.client, verified.id_token
    if login.client != PROVIDER:  # this session's logout form leads to its own provider (CSP form-action)
        session["oidc_origins"] = oidc.form_action_origins(login.client)
    return redirect(next_path or url_for("inbox.index"), code=303)


def _refused(tenant: int, reason: str, message: str) -> WerkzeugResponse:
    """A login attempt that failed a check: logged (in ``tenant``) without any claim, shown as one plain message."""
    federated_login.refuse_failed_login(engine().uow(tenant=tenant), reason)
    session.pop("login_next", None)
    flash(message, "error")
    return redirect(url_for("auth.login"), code=303)
