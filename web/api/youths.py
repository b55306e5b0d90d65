"""Young people."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.people import youths
from engine.platform.crypto import looks_like_cpr
from engine.platform.messages import Message
from web.api.auth import actor, engine
from web.api.params import json_object
from web.errors import BadRequestError

bp = Blueprint("youths", __name__)


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
    """Search by name. A CPR number in the query string is refused (400) and logged: it belongs in
    the body of ``POST /youths/search``, out of URLs and their logs."""
    text = request.args.get("q", "")
    if looks_like_cpr(text):
        youths.refuse_cpr_in_address(engine().uow(), actor())
        raise BadRequestError(Message("engine.youth.cpr_in_address"))
    return jsonify(youths.search_youths(engine().uow(), actor(), text))


@bp.post("/youths/search")
def search_youths_by_body() -> Response:
    """Search by name or full CPR number given as ``{"q": ...}``; CPR lookups are rate-limited per user (429)."""
    text = json_object().get("q", "")
    if not isinstance(text, str):
        raise BadRequestError("q skal være en tekst", errors=[{"field": "q", "message": "q skal være en tekst"}])
    return jsonify(youths.search_youths(engine().uow(), actor(), text[:200]))
