"""The access log, for administrators."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, jsonify, request

from engine.people import audit
from engine.platform.clock import as_utc
from web.api.auth import actor, engine
from web.api.params import int_arg
from web.errors import BadRequestError

bp = Blueprint("audit_log", __name__)


@bp.get("/audit")
def audit_entries() -> Response:
    since = request.args.get("since")
    try:
        since_at = as_utc(datetime.fromisoformat(since)) if since else None
    except ValueError:
        raise BadRequestError("since skal være et ISO 8601-tidspunkt") from None
    return jsonify(audit.list_entries(engine().uow(), actor(), youth_id=int_arg("youth_id"),
                                      username=request.args.get("user") or None, since=since_at))
