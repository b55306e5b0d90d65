"""The OpenAPI 3 document describing this API, served at /api/v1/openapi.json."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from web.api import openapi_consents, openapi_dashboard, openapi_me, openapi_people, openapi_workbench
from web.api.openapi_spec import document

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi_document() -> Response:
    extended = openapi_people.extend(openapi_workbench.extend(openapi_dashboard.extend(document())))
    return jsonify(openapi_consents.extend(openapi_me.extend(extended)))
