"""Min Plan (issue 12): the young person's own pages, and how they log in.

* ``GET /min-plan`` the plan (:func:`engine.people.my_plan.my_plan`); only a young person's
  session reaches it (a staff session is refused and logged; an anonymous visitor goes to the login).
* ``GET /min-plan/plan.pdf`` the same plan as a PDF (:mod:`web.min_plan_pdf`).
* ``POST /min-plan/droem``, ``/min-plan/kommentar``, ``/min-plan/forslag``, ``/min-plan/udfoert``: the
  young person co-produces the plan (:mod:`engine.people.co_production`); bad input comes back on the
  page by its field, with what was typed (422).
* ``GET /min-plan/login`` the young person's login page: MitID, where the installation has a broker.
* ``GET /min-plan/invitation?t=...`` a one-time link (``samspil youth invite``) shows a button; its
  ``POST`` uses the link up and logs the young person in. The GET changes nothing, so a mail
  program or chat that fetches the link to preview it does not use it up.
* ``GET /min-plan/mitid`` and ``/min-plan/mitid/callback`` log in through the municipality's MitID
  broker with OpenID Connect: the same verification as staff login (:mod:`web.oidc`, provider
  ``citizen``), then the CPR claim is matched to the young person
  (:func:`engine.people.citizen_login.sign_in_by_cpr`).
* ``POST /min-plan/logout`` ends every session of the young person.

Configuration (``create_app(config)`` keys, else the environment, read once into
:class:`engine.platform.settings.Settings`):

==========================  ==================================  ==========================================
key                         environment                         default
==========================  ==================================  ==========================================
CITIZEN_OIDC_ISSUER         SAMSPIL_CITIZEN_OIDC_ISSUER         none: no MitID login
CITIZEN_OIDC_CLIENT_ID      SAMSPIL_CITIZEN_OIDC_CLIENT_ID      required with an issuer
CITIZEN_OIDC_CLIENT_SECRET  SAMSPIL_CITIZEN_OIDC_CLIENT_SECRET  required with an issuer
CITIZEN_OIDC_SCOPE          SAMSPIL_CITIZEN_OIDC_SCOPE          ``openid``
CITIZEN_OIDC_CPR_CLAIM      SAMSPIL_CITIZEN_OIDC_CPR_CLAIM      ``dk:gov:saml:attribute:CprNumberIdentifier``
==========================  ==================================  ==========================================
"""
from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.people import citizen_login, co_production, my_plan, policy
from engine.platform.errors import Forbidden, InvalidInput
from engine.platform.messages import Message
from engine.platform.settings import ConfigurationError, Settings
from web import citizen, oidc
from web.i18n import _, current_language, localize
from web.pages.auth import engine
from web.pages.forms import errors_by_field
from web.tenant import set_request_tenant

bp = Blueprint("min_plan", __name__)
PROVIDER = "citizen"


def init_app(app: Flask) -> None:
    """Read the MitID settings (once, in create_app) and register the provider; refuse a half configuration."""
    the_settings: Settings = app.extensions["samspil_settings"]
    for key, value in the_settings.citizen_oidc.items():
        app.config.setdefault(key, value)
    issuer = (app.config["CITIZEN_OIDC_ISSUER"] or "").strip()
    if not issuer:
        return
    if the_settings.environment == "production" and not issuer.startswith("https://"):
        raise ConfigurationError("SAMSPIL_CITIZEN_OIDC_ISSUER skal være en https-adresse (SAMSPIL_ENV=production)")
    if not app.config["CITIZEN_OIDC_CLIENT_ID"] or not app.config["CITIZEN_OIDC_CLIENT_SECRET"]:
        raise ConfigurationError("SAMSPIL_CITIZEN_OIDC_ISSUER kræver SAMSPIL_CITIZEN_OIDC_CLIENT_ID og "
                                 "SAMSPIL_CITIZEN_OIDC_CLIENT_SECRET")
    if not (app.config["CITIZEN_OIDC_CPR_CLAIM"] or "").strip():
        raise ConfigurationError("SAMSPIL_CITIZEN_OIDC_CPR_CLAIM må ikke være tom")
    oidc.register(app, oidc.ProviderConfig(
        name=PROVIDER, issuer=issuer, client_id=app.config["CITIZEN_OIDC_CLIENT_ID"],
        client_secret=app.config["CITIZEN_OIDC_CLIENT_SECRET"], scope=app.config["CITIZEN_OIDC_SCOPE"],
        display_name="MitID"))


def citizen_required(view: Any) -> Any:
    """A young person's own page: a staff session is refused (logged), an anonymous visitor sent to log in."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if citizen.current_citizen() is not None:
            return view(*args, **kwargs)
        if g.get("actor") is not None:
            try:
                where = request.url_rule.rule if request.url_rule else request.path  # the route, not its ids
                policy.refuse_outside(engine().uow(), g.actor, f"min plan som medarbejder {where[:100]}",
                                      None, Message("engine.citizen.only_young_person"))
            except Forbidden:
                abort(403)
        return redirect(url_for("min_plan.login_page"))

    return wrapped


@bp.get("/min-plan")
@citizen_required
def show() -> ResponseReturnValue:
    actor = citizen.current_citizen()
    assert actor is not None
    view = my_plan.my_plan(engine().uow(), actor, request.args.get("ung", type=int))
    return render_template("min_plan/plan.html", view=view, errors={}, values={})


def _contribute(kind: str, call: Any, done: str) -> ResponseReturnValue:
    """Run one co-production action; bad input comes back on the plan by its field, text kept (422)."""
    actor = citizen.current_citizen()
    assert actor is not None
    try:
        call(actor)
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        for message in general:
            flash(message, "error")
        view = my_plan.my_plan(engine().uow(), actor)
        values = {key: request.form.get(key, "")[:5000] for key in request.form if key != "csrf_token"}
        return render_template("min_plan/plan.html", view=view, errors={kind: by_field},
                               values={kind: values}), 422
    flash(_(done), "success")
    return redirect(url_for("min_plan.show") + f"#{kind}", code=303)


@bp.post("/min-plan/droem")
@citizen_required
def dream() -> ResponseReturnValue:
    return _contribute("dream", lambda actor: co_production.write_dream(
        engine().uow(), actor, request.form.get("dream")), "min_plan.dream_saved")


@bp.post("/min-plan/kommentar")
@citizen_required
def comment() -> ResponseReturnValue:
    return _contribute("comment", lambda actor: co_production.comment(
        engine().uow(), actor, request.form.get("milestone"), request.form.get("text")), "min_plan.comment_saved")


@bp.post("/min-plan/forslag")
@citizen_required
def propose() -> ResponseReturnValue:
    return _contribute("proposal", lambda actor: co_production.propose(
        engine().uow(), actor, request.form.get("title"), request.form.get("due")), "min_plan.proposal_saved")


@bp.post("/min-plan/udfoert")
@citizen_required
def mark_done() -> ResponseReturnValue:
    return _contribute("done", lambda actor: co_production.mark_done(
        engine().uow(), actor, request.form.get("proposal_id", type=int)), "min_plan.done_saved")


@bp.get("/min-plan/plan.pdf")
@citizen_required
def pdf() -> ResponseReturnValue:
    """The same plan as a PDF to keep or print (the read is logged like the page's)."""
    from web.min_plan_pdf import plan_pdf

    actor = citizen.current_citizen()
    assert actor is not None
    view = my_plan.my_plan(engine().uow(), actor)
    response = Response(plan_pdf(view, _, current_language()), mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="min-plan.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/min-plan/login")
def login_page() -> ResponseReturnValue:
    if citizen.current_citizen() is not None:
        return redirect(url_for("min_plan.show"))
    return render_template("min_plan/login.html", mitid=oidc.provider(PROVIDER) is not None)


@bp.route("/min-plan/invitation", methods=["GET", "POST"])
def invitation() -> ResponseReturnValue:
    token = (request.values.get("t") or "").strip()[:200]
    if request.method == "GET":
        return render_template("min_plan/invitation.html", token=token)
    if not token:  # no link was given at all: nothing was tried, so nothing to look up or log
        return render_template("min_plan/login.html", mitid=oidc.provider(PROVIDER) is not None,
                               error=localize(Message("engine.citizen.invite_unknown"))), 400
    set_request_tenant(citizen_login.invite_tenant(token))  # the link names its municipality
    try:
        actor, generation = citizen_login.sign_in_by_invite(engine().uow(), token)
    except Forbidden as refused:  # logged by the engine
        return render_template("min_plan/login.html", mitid=oidc.provider(PROVIDER) is not None,
                               error=localize(refused.message)), 403
    citizen.start_citizen_session(actor, generation, "invitation")
    return redirect(url_for("min_plan.show"), code=303)


@bp.get("/min-plan/mitid")
def mitid_start() -> ResponseReturnValue:
    if oidc.provider(PROVIDER) is None:
        return redirect(url_for("min_plan.login_page"))
    try:
        return oidc.begin(PROVIDER, url_for("min_plan.mitid_callback", _external=True))
    except oidc.LoginFailed as failed:
        return _failed(failed.reason)


@bp.get("/min-plan/mitid/callback")
def mitid_callback() -> ResponseReturnValue:
    if oidc.provider(PROVIDER) is None:
        return redirect(url_for("min_plan.login_page"))
    try:
        verified = oidc.finish(PROVIDER)
    except oidc.LoginFailed as failed:
        return _failed(failed.reason)
    try:
        actor, generation = citizen_login.sign_in_by_cpr(engine().uow(), verified.identity.claims,
                                                         current_app.config["CITIZEN_OIDC_CPR_CLAIM"].strip())
    except Forbidden as refused:  # logged by the engine, naming no CPR number
        flash(localize(refused.message), "error")
        return redirect(url_for("min_plan.login_page"), code=303)
    citizen.start_citizen_session(actor, generation, "mitid")
    return redirect(url_for("min_plan.show"), code=303)


@bp.post("/min-plan/logout")
def logout() -> ResponseReturnValue:
    actor = citizen.current_citizen()
    if actor is not None:
        citizen_login.logout(engine().uow(), actor)
    citizen.end_citizen_session()
    flash(_("min_plan.logged_out"), "info")
    return redirect(url_for("min_plan.login_page"), code=303)


def _failed(reason: str) -> ResponseReturnValue:
    """A MitID answer that failed a check: logged without any claim, shown as one plain message."""
    citizen_login.refuse_failed_login(engine().uow(), reason)
    flash(_("min_plan.mitid_failed"), "error")
    return redirect(url_for("min_plan.login_page"), code=303)
