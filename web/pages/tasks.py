"""The task page: the form rendered from its JSON Schema, the young person and plan beside it,
comments; complete, then go on to the next task.

Completing posts the form to the page itself. Typing errors and the engine's form errors come
back next to their fields with everything typed kept (422). Adding or removing a row re-renders
the form without completing it. A second submission of a completed task changes nothing: the
engine refuses it (the task is no longer ready) and the page says so.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug import Response

from engine.people import cases
from engine.platform.errors import Conflict, EngineError, InvalidInput
from engine.work import task_page, tasks
from engine.work.submissions import AlreadySubmitted
from web.i18n import _
from web.pages.auth import current_actor, engine, login_required
from web.pages.forms import apply_row_action, build_fields, errors_by_field, parse_form

bp = Blueprint("tasks", __name__)


def _render(page: dict[str, Any], values: dict[str, Any] | None = None,
            errors: dict[str, list[str]] | None = None, general: list[str] | None = None, status: int = 200) -> Any:
    """The page from what :func:`engine.work.task_page.task_page` read: no further service call."""
    task, context = page["task"], page["context"]
    due = datetime.fromisoformat(task["due_at"]) if task.get("due_at") else None
    task = {**task, "overdue": due is not None and task["state"] == "ready" and due < engine().clock.now()}
    schema = task.get("form_schema") or {"type": "object", "properties": {}}
    fields = build_fields(schema, values, errors, people=page["people"], choices=context["choices"])
    return render_template("task.html", task=task, schema=schema, fields=fields, general=general or [],
                           context=context, comment_key=uuid.uuid4().hex, assignable=page["assignable"]), status


@bp.get("/opgaver/<task_id>")
@login_required
def show(task_id: str) -> Any:
    return _render(task_page.task_page(engine().uow(), current_actor(), task_id))


@bp.post("/opgaver/<task_id>/giv")
@login_required
def assign(task_id: str) -> Any:
    """A coordinator gives an open task to a person holding its role (cover for someone away)."""
    try:
        tasks.assign_task(engine().uow(), current_actor(), task_id, request.form.get("user", ""))
    except InvalidInput:
        flash(_("engine.task.assignee_invalid"), "error")
    else:
        flash(_("task.assigned_to", user=request.form.get("user", "")), "success")
    return redirect(url_for("tasks.show", task_id=task_id), code=303)


@bp.post("/opgaver/<task_id>")
@login_required
def complete(task_id: str) -> Any:
    """Two calls: the page (what the form is, and who may send it), then the completion with the parsed form."""
    action = request.form.get("_action")
    page = task_page.task_page(engine().uow(), current_actor(), task_id, acting=not action)
    task = page["task"]
    schema = task.get("form_schema") or {"type": "object", "properties": {}}
    data, problems = parse_form(schema, request.form)
    if action:
        apply_row_action(schema, data, action)
        return _render(page, data)
    if task["state"] != "ready":
        return _already_done(task)
    if problems:
        return _render(page, data, problems, status=422)
    try:
        next_task = task_page.complete_from_page(engine().uow(), current_actor(), task_id, data)
    except InvalidInput as invalid:
        by_field, general = errors_by_field(invalid.details.get("errors", []))
        return _render(page, data, by_field, general, status=422)
    except Conflict:
        done = current_task(task_id)
        if done is not None and done["state"] == "completed":  # a second click on "complete": it was done once
            return _already_done(done)
        raise
    flash(_(COMPLETED_MESSAGES.get((task["element_id"], _decision(data)), "task.completed"), name=task["name"]),
          "success")
    return redirect(url_for("tasks.show", task_id=next_task) if next_task else url_for("inbox.index"), code=303)


# What happens next, said when it is not plain "done": a guide who declines sends the case back.
COMPLETED_MESSAGES = {("accepter_guide", True): "task.completed_guide_accepted",
                      ("accepter_guide", False): "task.completed_guide_declined"}


def _decision(data: dict[str, Any]) -> Any:
    return data.get("accepteret")


def _already_done(task: dict[str, Any]) -> Response:
    """A second submission (a double click, the back button): the first one's result, on the same
    young person's case page, where what was done shows in the journal."""
    flash(_("task.already_done_by", name=task["name"], who=task.get("completed_by") or "–"), "info")
    return redirect(url_for("cases.show", youth_id=task["youth_id"]) + "#journal", code=303)


def current_task(task_id: str) -> dict[str, Any] | None:
    try:
        return tasks.get_task(engine().uow(), current_actor(), task_id)
    except EngineError:
        return None


@bp.post("/opgaver/<task_id>/kommentarer")
@login_required
def comment(task_id: str) -> Response:
    try:
        cases.add_comment(engine().uow(), current_actor(), task_id, request.form.get("body", ""),
                          request.form.get("submission"))
    except AlreadySubmitted:
        pass  # the same comment form again: it was saved the first time
    except InvalidInput:
        flash(_("task.comment_empty"), "error")
    return redirect(url_for("tasks.show", task_id=task_id) + "#comments", code=303)
