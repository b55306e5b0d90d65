"""Administration: users and roles, API tokens, and the access log (filter, CSV export)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.people import audit, roles, users
from engine.platform.clock import as_utc
from engine.platform.errors import Conflict, InvalidInput
from web.csv_export import csv_response
from web.i18n import _, localize
from web.pages.auth import current_actor, engine, permission_required
from web.pages.filters import LOCAL_TIME
from web.pages.forms import errors_by_field
from web.pages.nav import add_nav_item

bp = Blueprint("admin", __name__, url_prefix="/admin")
add_nav_item("admin.users_page", "admin.nav_users", permission="manage_users", order=80)
add_nav_item("admin.audit_page", "admin.nav_audit", permission="read_audit", order=90)
PAGE_SIZE = 200


def _render_users(status: int = 200, new_token: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                  errors: dict[str, list[str]] | None = None) -> Any:
    return render_template("admin/users.html", users=users.list_users(engine().reader()),
                           tokens=users.list_tokens(engine().reader()),
                           roles=[r["name"] for r in roles.list_roles(engine().uow(), current_actor())],
                           new_token=new_token, form=form or {}, errors=errors or {}), status


@bp.get("/brugere")
@permission_required("manage_users")
def users_page() -> Any:
    return _render_users()


@bp.post("/brugere")
@permission_required("manage_users")
def add_user() -> Any:
    form: dict[str, Any] = {"username": request.form.get("username", "").strip(),
                            "full_name": request.form.get("full_name", "").strip(),
                            "email": request.form.get("email", "").strip() or None, "roles": request.form.getlist("roles")}
    try:
        users.add_user(engine().uow(), form["username"], request.form.get("password", ""), form["roles"],
                       form["full_name"], form["email"], actor=current_actor())
    except InvalidInput as invalid:
        return _render_users(422, form=form, errors=errors_by_field(invalid.details.get("errors", []))[0])
    except Conflict as taken:
        return _render_users(409, form=form, errors={"username": [localize(taken.message)]})
    flash(_("admin.user_added", user=form["username"]), "success")
    return redirect(url_for("admin.users_page"), code=303)


@bp.route("/brugere/<username>", methods=["GET", "POST"])
@permission_required("manage_users")
def edit_user(username: str) -> Any:
    """Correct a user's name and e-mail, and set a new password when one is typed."""
    user = users.get_user(engine().reader(), username)
    if request.method == "GET":
        return render_template("admin/user_edit.html", user=user, form=user, errors={})
    form = {"full_name": request.form.get("full_name", ""), "email": request.form.get("email", "")}
    try:
        users.update_user(engine().uow(), username, form["full_name"], form["email"],
                          request.form.get("password") or None, actor=current_actor())
    except InvalidInput as invalid:
        errors = errors_by_field(invalid.details.get("errors", []))[0]
        return render_template("admin/user_edit.html", user=user, form=form, errors=errors), 422
    flash(_("admin.user_saved", user=username), "success")
    return redirect(url_for("admin.users_page"), code=303)


@bp.post("/brugere/<username>/roller")
@permission_required("manage_users")
def set_roles(username: str) -> ResponseReturnValue:
    users.set_roles(engine().uow(), username, request.form.getlist("roles"), actor=current_actor())
    flash(_("admin.roles_saved", user=username), "success")
    return redirect(url_for("admin.users_page"), code=303)


@bp.post("/brugere/<username>/aktiv")
@permission_required("manage_users")
def set_active(username: str) -> ResponseReturnValue:
    active = request.form.get("active") == "1"
    if username == current_actor().username and not active:
        flash(_("admin.not_yourself"), "error")
    else:
        from web.pages.people import deactivation_warning

        warning = None if active or request.form.get("confirm") == "1" else deactivation_warning(username)
        if warning is not None:
            return warning
        users.set_active(engine().uow(), username, active, actor=current_actor())
        flash(_("admin.activated" if active else "admin.deactivated", user=username), "success")
    return redirect(url_for("admin.users_page"), code=303)


@bp.post("/tokens")
@permission_required("manage_users")
def create_token() -> Any:
    username = request.form.get("username", "")
    name = request.form.get("name", "").strip()[:200]
    token = users.create_token(engine().uow(), username, name, actor=current_actor())
    return _render_users(201, new_token={"username": username, "name": name, "token": token})


@bp.post("/tokens/<int:token_id>/tilbagekald")
@permission_required("manage_users")
def revoke_token(token_id: int) -> ResponseReturnValue:
    users.revoke_token(engine().uow(), token_id, actor=current_actor())
    flash(_("admin.token_revoked"), "success")
    return redirect(url_for("admin.users_page"), code=303)


def _log_filters() -> dict[str, Any]:
    args = request.args
    youth = args.get("youth_id", "").strip()
    return {"youth_id": int(youth) if youth.isdigit() else None, "username": args.get("user", "").strip() or None,
            "action": args.get("action", "").strip() or None, "since": _day(args.get("since")),
            "until": _day(args.get("until"), next_day=True)}


def _day(value: str | None, next_day: bool = False) -> datetime | None:
    """A date from the filter form as the start of that day in Danish time (or of the next day)."""
    try:
        day = datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return as_utc(datetime.combine(day + timedelta(days=1 if next_day else 0), time(), tzinfo=LOCAL_TIME))


@bp.get("/adgangslog")
@permission_required("read_audit")
def audit_page() -> str:
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and int(page) > 0 else 1
    entries = audit.list_entries(engine().uow(), current_actor(), limit=PAGE_SIZE + 1,
                                 offset=(page_number - 1) * PAGE_SIZE, **_log_filters())
    return render_template("admin/audit.html", entries=entries[:PAGE_SIZE], more=len(entries) > PAGE_SIZE,
                           page=page_number, args=request.args, actions=audit.actions(engine().reader()))


@bp.get("/adgangslog.csv")
@permission_required("read_audit")
def audit_csv() -> Response:
    entries = audit.list_entries(engine().uow(), current_actor(), limit=audit.MAX_ENTRIES, **_log_filters())
    stamp = datetime.now(LOCAL_TIME).strftime("%Y%m%d-%H%M")
    return csv_response(entries, f"adgangslog-{stamp}.csv", ["at", "user", "action", "youth_id", "detail"])
