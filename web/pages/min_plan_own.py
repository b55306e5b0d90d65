"""Min Plan's own actions (issue 12): the young person fills their task's form and withdraws a consent.

* ``GET /min-plan/opgaver/<task_id>`` one of their own open tasks (the self-assessment before a
  follow-up), its form rendered by the staff task page's renderer (:mod:`web.pages.forms`,
  ``macros/form.html``); another young person's id, or a staff task, is refused (logged, 403).
* ``POST /min-plan/opgaver/<task_id>`` completes it through :func:`engine.work.tasks.complete_task`
  as the young person; errors come back by the field with what was typed kept (422).
* ``POST /min-plan/samtykker/<consent_id>/tilbagekald`` withdraws one of their consents
  (:func:`engine.people.consents.withdraw_consent`); another's, or one already withdrawn, is
  refused with a plain message, nothing changed, logged.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.people import consents, my_plan_own
from engine.people.access import Actor
from engine.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.work import tasks
from web import citizen
from web.i18n import _, localize
from web.pages.auth import engine
from web.pages.forms import build_fields, errors_by_field, parse_form
from web.pages.min_plan import citizen_required

bp = Blueprint("min_plan_own", __name__)


def _render(task: dict[str, Any], values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
            general: list[str] | None = None, status: int = 200) -> ResponseReturnValue:
    schema = task.get("form_schema") or {"type": "object", "properties": {}}
    fields = build_fields(schema, values, errors)
    return render_template("min_plan/task.html", task=task, schema=schema, fields=fields, general=general or []), status


def _me() -> Actor:
    actor = citizen.current_citizen()
    assert actor is not None  # citizen_required let only a young person's session through
    return actor


def _own_task(task_id: str) -> dict[str, Any] | ResponseReturnValue:
    actor = _me()
    try:
        return my_plan_own.own_task(engine().uow(), actor, task_id)
    except (Forbidden, NotFound) as refused:  # logged by the engine (an unknown id names no task at all)
        return render_template("min_plan/refused.html", message=localize(refused.message)), \
            403 if isinstance(refused, Forbidden) else 404


@bp.get("/min-plan/opgaver/<task_id>")
@citizen_required
def task(task_id: str) -> ResponseReturnValue:
    found = _own_task(task_id)
    return _render(found) if isinstance(found, dict) else found


@bp.post("/min-plan/opgaver/<task_id>")
@citizen_required
def complete(task_id: str) -> ResponseReturnValue:
    found = _own_task(task_id)
    if not isinstance(found, dict):
        return found
    schema = found.get("form_schema") or {"type": "object", "properties": {}}
    data, problems = parse_form(schema, request.form)
    if problems:
        return _render(found, data, problems, status=422)
    try:
        tasks.complete_task(engine().uow(), _me(), task_id, data)
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        return _render(found, data, by_field, general, status=422)
    except Conflict as conflict:
        flash(localize(conflict.message), "error")
        return redirect(url_for("min_plan.show"), code=303)
    flash(_("min_plan.task_done", name=found["name"]), "success")
    return redirect(url_for("min_plan.show") + "#tasks", code=303)


@bp.post("/min-plan/samtykker/<int:consent_id>/tilbagekald")
@citizen_required
def withdraw_consent(consent_id: int) -> ResponseReturnValue:
    try:
        consents.withdraw_consent(engine().uow(), _me(), consent_id, request.form.get("reason", ""))
    except (Forbidden, NotFound) as refused:  # not theirs, or already withdrawn: logged, nothing changed
        flash(localize(refused.message), "error")
        return redirect(url_for("min_plan.show") + "#consents", code=303)
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        for message in general + [m for messages in by_field.values() for m in messages]:
            flash(message, "error")
        return redirect(url_for("min_plan.show") + "#consents", code=303)
    flash(_("min_plan.consent_withdrawn"), "success")
    return redirect(url_for("min_plan.show") + "#consents", code=303)
