"""``GET /api/v1/me``: the logged-in young person's own plan as JSON (Min Plan, issue 12).

It answers the young person's session (the cookie Min Plan logs in with; :mod:`web.citizen`); a
staff token or session is refused and logged, and so is ``?ung=`` naming another young person.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.people import my_plan
from web.api.auth import actor, engine

bp = Blueprint("me", __name__)


@bp.get("/me")
def me() -> Response:
    return jsonify(my_plan.my_plan(engine().uow(), actor(), request.args.get("ung", type=int)))
