"""The case page ("Sag") per young person, searching young people, and starting a course."""
from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.courses import control as course_control
from engine.courses import events, referrals
from engine.people import cases, co_production, consents, policy, youths
from engine.platform.crypto import looks_like_cpr, mask_cpr, normalize_cpr
from engine.platform.errors import Conflict, InvalidInput, TooManyAttempts
from engine.work.submissions import AlreadySubmitted
from web.i18n import _, localize
from web.pages.auth import current_actor, engine, login_required, permission_required
from web.pages.forms import apply_row_action, build_fields, errors_by_field, parse_form
from web.pages.nav import add_nav_item

bp = Blueprint("cases", __name__)
add_nav_item("cases.search", "cases.nav", order=20)
add_nav_item("cases.new", "cases.nav_new", permission="register_youth", order=30)
YOUTH_FIELDS = ("name", "birthdate", "cpr")


@bp.route("/unge", methods=["GET", "POST"])
@login_required
def search() -> Any:
    """Search by name or full CPR number. The form posts, so a CPR number never lands in a URL
    (history, logs): a GET carrying one is logged, refused and sent back to the empty search page.
    A CPR number searched for is shown masked, also in the search field; past the per-user limit of
    CPR lookups the page says so (429)."""
    if request.method == "GET" and looks_like_cpr(request.args.get("q", "")):
        youths.refuse_cpr_in_address(engine().uow(), current_actor())
        flash(_("cases.cpr_in_address"), "error")
        return redirect(url_for("cases.search"), code=303)
    source = request.form if request.method == "POST" else request.args
    query = source.get("q", "").strip()[:200]
    digits = normalize_cpr(query) if query else None
    shown = {"query": "" if digits else query, "searched_cpr": mask_cpr(digits) if digits else None}
    try:
        results = youths.search_youths(engine().uow(), current_actor(), query) if query else None
    except TooManyAttempts as throttled:
        return render_template("search.html", results=None, error=localize(throttled.message), **shown), 429
    return render_template("search.html", results=results, error=None, **shown)


@bp.get("/unge/<int:youth_id>")
@login_required
def show(youth_id: int, action_errors: dict[str, Any] | None = None, action_values: dict[str, Any] | None = None,
         status: int = 200) -> Any:
    case = cases.case_view(engine().uow(), current_actor(), youth_id)
    return render_template("case.html", case=case, youth=case["youth"], course=case["course"],
                           may_fire_timers=policy.allows(current_actor(), "fire_timers"),
                           action_errors=action_errors, action_values=action_values), status


@bp.post("/unge/<int:youth_id>/samtykker")
@permission_required(consents.PERMISSION)
def record_consent(youth_id: int) -> Any:
    """A consent recorded from the case page; a wrong field comes back by the field, with what was typed (422)."""
    fields: dict[str, Any] = {key: request.form.get(key, "") for key in consents.FIELDS}
    fields["data_types"] = request.form.getlist("data_types")
    try:
        consents.record_consent(engine().uow(), current_actor(), youth_id, fields)
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        for message in general:
            flash(message, "error")
        return show(youth_id, {"consent": by_field}, {"consent": fields}, status=422)
    flash(_("consent.recorded"), "success")
    return redirect(url_for("cases.show", youth_id=youth_id) + "#consents", code=303)


@bp.post("/unge/<int:youth_id>/samtykker/<int:consent_id>/tilbagekald")
@permission_required(consents.PERMISSION)
def withdraw_consent(youth_id: int, consent_id: int) -> Any:
    """Staff withdraw a consent for the young person (with a reason); refused ones are logged by the service."""
    reason = request.form.get("reason", "")
    try:
        consents.withdraw_consent(engine().uow(), current_actor(), consent_id, reason, youth_id=youth_id)
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        for message in general:
            flash(message, "error")
        return show(youth_id, {"withdrawal": by_field, "withdrawal_of": consent_id}, {"withdrawal": {"reason": reason}},
                    status=422)
    flash(_("consent.withdrawn"), "success")
    return redirect(url_for("cases.show", youth_id=youth_id) + "#consents", code=303)


def _course_action(youth_id: int, kind: str, call: Any, done: str) -> Any:
    """Run one course action; field errors come back on the case page by their fields (422)."""
    values = {f"{kind}_reason": request.form.get("reason", ""), "resume_on": request.form.get("resume_on", "")}
    try:
        call()
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        for message in general:
            flash(message, "error")
        return show(youth_id, {kind: by_field}, values, status=422)
    except Conflict as conflict:
        flash(localize(conflict.message), "error")
    else:
        flash(_(done), "success")
    return redirect(url_for("cases.show", youth_id=youth_id) + "#journal", code=303)


@bp.post("/unge/<int:youth_id>/forslag")
@login_required
def answer_proposal(youth_id: int) -> Any:
    """The guide takes the young person's proposed milestone into the plan, or answers it with a reason."""
    values = {"answer": request.form.get("answer", "")[:5000], "proposal_id": request.form.get("proposal_id", "")}
    try:
        co_production.answer_proposal(engine().uow(), current_actor(), youth_id,
                                      request.form.get("proposal_id", type=int), request.form.get("decision"),
                                      request.form.get("answer"))
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        for message in general:
            flash(message, "error")
        return show(youth_id, {"proposal": by_field}, values, status=422)
    flash(_("case.proposal_answered"), "success")
    return redirect(url_for("cases.show", youth_id=youth_id) + "#proposals", code=303)


@bp.post("/unge/<int:youth_id>/forloeb/<int:instance_id>/frafald")
@login_required
def dropout(youth_id: int, instance_id: int) -> Any:
    """A drop-out reported from the case page: the course goes back to a new k-meeting."""
    return _course_action(youth_id, "dropout", lambda: course_control.report_dropout(
        engine().uow(), current_actor(), instance_id, request.form.get("reason")), "course.dropout_done")


@bp.post("/unge/<int:youth_id>/forloeb/<int:instance_id>/pause")
@permission_required("control_courses")
def pause(youth_id: int, instance_id: int) -> Any:
    return _course_action(youth_id, "pause", lambda: course_control.pause_course(
        engine().uow(), current_actor(), instance_id, request.form.get("reason"), request.form.get("resume_on")),
        "course.paused")


@bp.post("/unge/<int:youth_id>/forloeb/<int:instance_id>/genoptag")
@permission_required("control_courses")
def resume(youth_id: int, instance_id: int) -> Any:
    return _course_action(youth_id, "resume", lambda: course_control.resume_course(
        engine().uow(), current_actor(), instance_id), "course.resumed")


@bp.post("/unge/<int:youth_id>/forloeb/<int:instance_id>/luk")
@permission_required("control_courses")
def close(youth_id: int, instance_id: int) -> Any:
    return _course_action(youth_id, "close", lambda: course_control.close_course(
        engine().uow(), current_actor(), instance_id, request.form.get("reason")), "course.closed")


@bp.post("/unge/<int:youth_id>/forloeb/<int:instance_id>/tidsfrist")
@permission_required("fire_timers")
def fire_timer(youth_id: int, instance_id: int) -> Any:
    """Fire a waiting timer now (a follow-up held early); back to the case page either way."""
    element_id = request.form.get("element_id", "")
    try:
        events.fire_timer_now(engine().uow(), current_actor(), instance_id, element_id)
    except Conflict as conflict:
        flash(localize(conflict.message), "error")
    else:
        flash(_("case.fired_now"), "success")
    return redirect(url_for("cases.show", youth_id=youth_id), code=303)


def _render_new(schema: dict[str, Any] | None, values: dict[str, Any] | None = None,
                referral: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
                general: list[str] | None = None, status: int = 200) -> Any:
    """The referral page, with the referral form's ``schema`` the view read (None: no process deployed)."""
    errors = errors or {}
    fields = build_fields(schema, referral, errors, prefix="referral.") if schema else []
    return render_template("start_course.html", schema=schema, fields=fields, values=values or {},
                           errors=errors, general=general or [], submission=uuid.uuid4().hex), status


@bp.get("/unge/ny")
@permission_required("register_youth")
def new() -> Any:
    return _render_new(referrals.referral_schema(engine().reader()))


@bp.post("/unge/ny")
@permission_required("register_youth")
def create() -> Any:
    """Two calls: the referral form (to parse what was sent), then the registration."""
    read = referrals.referral_schema(engine().reader())
    schema = read or {"type": "object", "properties": {}}
    youth = {key: request.form.get(f"youth.{key}", "").strip() for key in YOUTH_FIELDS}
    referral, problems = parse_form(schema, request.form, prefix="referral.")
    if request.form.get("_action"):
        apply_row_action(schema, referral, request.form["_action"].replace("referral.", "", 1))
        return _render_new(read, youth, referral)
    if problems:
        return _render_new(read, youth, referral, problems, status=422)
    try:
        result = referrals.register_referral(engine().uow(), current_actor(), youth, referral,
                                             request.form.get("submission"))
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        return _render_new(read, youth, referral, by_field, general, status=422)
    except AlreadySubmitted as done:
        earlier = done.details.get("result") or {}
        flash(_("cases.already_registered"), "info")
        return redirect(url_for("cases.show", youth_id=earlier["youth_id"]) if earlier.get("youth_id")
                        else url_for("inbox.index"), code=303)
    flash(_("cases.registered", name=youth["name"]), "success")
    return redirect(url_for("cases.show", youth_id=result["youth_id"]), code=303)

