"""Roles and their permissions, cover and handover of people (issue 11). Thin: parse, call, return."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from engine.courses import cover
from engine.people import roles
from web.api.auth import actor, engine
from web.api.params import json_object

bp = Blueprint("roles", __name__)


@bp.get("/roles")
def list_roles() -> Response:
    return jsonify({"roles": roles.list_roles(engine().uow(), actor()), "permissions": roles.all_permissions()})


@bp.put("/roles/<name>")
def set_role_permissions(name: str) -> Response:
    return jsonify(roles.set_permissions(engine().uow(), actor(), name, json_object().get("permissions")))


@bp.post("/instances/<int:instance_id>/people")
def set_lane_people(instance_id: int) -> Response:
    body = json_object()
    return jsonify(cover.set_lane_people(engine().uow(), actor(), instance_id, body.get("lane"), body.get("users")))


@bp.post("/handovers")
def handover() -> Response:
    body = json_object()
    return jsonify(cover.handover(engine().uow(), actor(), body.get("from"), body.get("to"), body.get("dry_run", True)))
