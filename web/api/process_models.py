"""Process models: deploy, list, validate."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from engine.definitions import deployment
from web.api.auth import actor, engine
from web.api.params import uploaded_files

bp = Blueprint("process_models", __name__)


@bp.post("/process-models")
def deploy_process_model() -> tuple[Response, int]:
    deployed = deployment.deploy(engine().uow(), uploaded_files(), actor())
    first = deployed[0]
    body = first.as_dict()
    if len(deployed) > 1:
        body["deployed"] = [d.as_dict() for d in deployed]
    return jsonify(body), 201


@bp.get("/process-models")
def list_process_models() -> Response:
    return jsonify(deployment.list_versions(engine().reader()))


@bp.post("/process-models/validate")
def validate_process_model() -> Response:
    report = deployment.validate(engine().reader(), actor(), uploaded_files())
    return jsonify(report)
