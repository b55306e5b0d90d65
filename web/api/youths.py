"""Young people."""
from __future__ import annotations

from flask import Response, jsonify, request

from engine import youths
from web.api import bp
from web.api.auth import actor, engine
from web.api.params import json_object


@bp.post("/youths")
def create_youth() -> tuple[Response, int]:
    body = json_object()
    youth = youths.create_youth(engine().uow(), actor(), body.get("name"), body.get("birthdate"), body.get("cpr"))
    return jsonify(youth), 201


@bp.get("/youths/<int:youth_id>")
def get_youth(youth_id: int) -> Response:
    return jsonify(youths.get_youth(engine().uow(), actor(), youth_id))


@bp.get("/youths")
def search_youths() -> Response:
    return jsonify(youths.search_youths(engine().uow(), actor(), request.args.get("q", "")))
