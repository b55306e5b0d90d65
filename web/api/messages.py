"""Messages to waiting courses (for example ``frafald`` from a school system), and signals to all of them."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from engine.courses import events, signals
from web.api.auth import actor, engine
from web.api.params import json_object

bp = Blueprint("messages", __name__)


@bp.post("/messages")
def send_message() -> Response:
    body = json_object()
    return jsonify(events.correlate_message(engine().uow(), actor(), body.get("name"), body.get("youth_id"),
                                            body.get("instance_id"), body.get("data")))


@bp.post("/signals")
def send_signal() -> Response:
    body = json_object()
    return jsonify(signals.broadcast_signal(engine().uow(), actor(), body.get("name"), body.get("data")))
