"""Roles and rights (admin), cover and handover of people (coordinator).

Pages over engine.people.roles and engine.courses.cover.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine.courses import cover
from engine.people import roles, users
from engine.platform.errors import InvalidInput, NotFound
from web.i18n import _, localize
from web.pages.auth import current_actor, engine, permission_required
from web.pages.nav import add_nav_item

bp = Blueprint("people", __name__, url_prefix="/admin")
add_nav_item("people.roles_page", "people.nav_roles", permission="manage_users", order=85)
add_nav_item("people.handover_page", "people.nav_handover", permission="reassign", order=82)


def _field_errors(invalid: InvalidInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in invalid.details.get("errors", []):
        errors.setdefault(error.get("field", ""), []).append(localize(error["message"]))
    return errors


def _render_roles(status: int = 200, errors: dict[str, list[str]] | None = None, form: dict[str, Any] | None = None,
                  failed: str | None = None) -> Any:
    return render_template("admin/roles.html", roles=roles.list_roles(engine().uow(), current_actor()),
                           permissions=roles.all_permissions(), errors=errors or {}, form=form or {},
                           failed=failed), status


@bp.get("/roller")
@permission_required("manage_users")
def roles_page() -> Any:
    return _render_roles()


@bp.post("/roller")
@permission_required("manage_users")
def save_role() -> Any:
    """Save one role's permissions; a new name creates the role."""
    name = request.form.get("name", "").strip()
    permissions = request.form.getlist("permissions")
    try:
        roles.set_permissions(engine().uow(), current_actor(), name, permissions)
    except InvalidInput as invalid:
        return _render_roles(422, _field_errors(invalid), {"name": name, "permissions": permissions}, name)
    flash(_("people.role_saved", role=name), "success")
    return redirect(url_for("people.roles_page"), code=303)


def _active_users() -> list[dict[str, Any]]:
    return [u for u in users.list_users(engine().reader()) if u["active"]]


@bp.route("/overdragelse", methods=["GET", "POST"])
@permission_required("reassign")
def handover_page() -> Any:
    """Hand one person's courses and open tasks to another: a dry-run list first, then confirm."""
    everyone = users.list_users(engine().reader())
    form = {"from": request.values.get("from", ""), "to": request.values.get("to", "")}
    if request.method == "GET":
        return render_template("admin/handover.html", users=everyone, form=form, errors={}, result=None)
    confirm = request.form.get("confirm") == "1"
    try:
        result = cover.handover(engine().uow(), current_actor(), form["from"], form["to"], dry_run=not confirm)
    except InvalidInput as invalid:
        return render_template("admin/handover.html", users=everyone, form=form, errors=_field_errors(invalid),
                               result=None), 422
    except NotFound as missing:
        return render_template("admin/handover.html", users=everyone, form=form,
                               errors={"from": [localize(missing.message)]}, result=None), 404
    if confirm:
        flash(_("people.handed_over", source=form["from"], target=form["to"], courses=len(result["courses"]),
                tasks=len(result["tasks"])), "success")
        return redirect(url_for("people.handover_page"), code=303)
    return render_template("admin/handover.html", users=everyone, form=form, errors={}, result=result)


def deactivation_warning(username: str) -> Response | None:
    """Before deactivating someone who still holds courses or tasks: a page with the counts and the handover."""
    held = cover.holdings(engine().reader(), username)
    if not held["courses"] and not held["tasks"]:
        return None
    return render_template("admin/deactivate.html", username=username, held=held)  # type: ignore[return-value]
