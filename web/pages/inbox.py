"""The inbox, "Mine opgaver": personal tasks first, then the role queues; claim and unclaim.

Claim and unclaim are plain form posts that come back to the inbox; with htmx the list is swapped
in place (hx-select), without JavaScript the page reloads.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from werkzeug import Response

from engine.courses import notices
from engine.work import inbox as inbox_service
from engine.work import tasks
from web.pages.auth import current_actor, engine, local_redirect, login_required
from web.pages.nav import add_nav_item

bp = Blueprint("inbox", __name__)
add_nav_item("inbox.index", "inbox.nav", order=10)


def _filters() -> inbox_service.InboxFilter:
    youth = request.args.get("youth", "")
    page = request.args.get("page", "1")
    return inbox_service.InboxFilter(
        role=request.args.get("role") or None, element_id=request.args.get("step") or None,
        overdue=request.args.get("overdue") == "1", youth_id=int(youth) if youth.isdigit() else None,
        page=int(page) if page.isdigit() else 1)


@bp.get("/")
@login_required
def index() -> str:
    filters = _filters()
    result, unread = inbox_service.inbox_page(engine().uow(), current_actor(), filters)
    return render_template("inbox.html", inbox=result, filters=filters, args=request.args, notices=unread)


@bp.post("/beskeder/<int:notice_id>/laest")
@login_required
def notice_read(notice_id: int) -> Response:
    """The reader is done with a notice: it leaves the inbox, it stays on the case page."""
    notices.mark_read(engine().uow(), current_actor(), notice_id)
    return local_redirect(request.form.get("next"), url_for("inbox.index"))


@bp.post("/opgaver/<task_id>/tag")
@login_required
def claim(task_id: str) -> Response:
    tasks.claim_task(engine().uow(), current_actor(), task_id)
    return local_redirect(request.form.get("next"), url_for("inbox.index"))


@bp.post("/opgaver/<task_id>/slip")
@login_required
def unclaim(task_id: str) -> Response:
    tasks.unclaim_task(engine().uow(), current_actor(), task_id)
    return local_redirect(request.form.get("next"), url_for("inbox.index"))
