"""Tasks: the inbox, claim, unclaim, complete."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.work import tasks
from web.api.auth import actor, engine
from web.api.params import bool_arg, int_arg, json_object
from web.errors import BadRequestError

bp = Blueprint("tasks", __name__)

STATES = {"ready", "completed", "cancelled", "all"}


@bp.get("/tasks")
def list_tasks() -> Response:
    state = request.args.get("state", "ready")
    if state not in STATES:
        raise BadRequestError("state skal være ready, completed, cancelled eller all")
    filters = tasks.TaskFilter(
        state=None if state == "all" else state, mine=bool_arg("mine"), instance_id=int_arg("instance_id"),
        youth_id=int_arg("youth_id"), role=request.args.get("role") or None,
        element_id=request.args.get("element_id") or None, overdue=bool_arg("overdue"),
        limit=int_arg("limit") or 100, offset=int_arg("offset") or 0)
    rows, total = tasks.list_tasks(engine().uow(), actor(), filters)
    response = jsonify(rows)
    response.headers["X-Total-Count"] = str(total)
    return response


@bp.get("/tasks/<task_id>")
def get_task(task_id: str) -> Response:
    return jsonify(tasks.get_task(engine().uow(), actor(), task_id))


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id: str) -> Response:
    return jsonify(tasks.claim_task(engine().uow(), actor(), task_id))


@bp.post("/tasks/<task_id>/unclaim")
def unclaim_task(task_id: str) -> Response:
    return jsonify(tasks.unclaim_task(engine().uow(), actor(), task_id))


@bp.post("/tasks/<task_id>/assign")
def assign_task(task_id: str) -> Response:
    return jsonify(tasks.assign_task(engine().uow(), actor(), task_id, json_object().get("user")))


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str) -> Response:
    body = json_object()
    data = body.get("data", {})
    return jsonify(tasks.complete_task(engine().uow(), actor(), task_id, data))
