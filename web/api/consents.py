"""A young person's consent register (issue 12, part 5): read it, record a consent, withdraw one."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from engine.people import consents
from web.api.auth import actor, engine
from web.api.params import json_object

bp = Blueprint("consents", __name__)


@bp.get("/youths/<int:youth_id>/consents")
def list_consents(youth_id: int) -> Response:
    return jsonify(consents.list_consents(engine().uow(), actor(), youth_id))


@bp.post("/youths/<int:youth_id>/consents")
def record_consent(youth_id: int) -> tuple[Response, int]:
    consent = consents.record_consent(engine().uow(), actor(), youth_id, json_object())
    return jsonify(consent), 201


@bp.post("/youths/<int:youth_id>/consents/<int:consent_id>/withdrawal")
def withdraw_consent(youth_id: int, consent_id: int) -> Response:
    """Withdraw for the young person; ``{"reason"}`` is required of staff. Withdrawn already: 403, logged."""
    body = json_object()
    return jsonify(consents.withdraw_consent(engine().uow(), actor(), consent_id, body.get("reason"),
                                             youth_id=youth_id))
