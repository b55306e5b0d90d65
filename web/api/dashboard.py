"""The dashboard's figures under /api/v1/metrics/..., as JSON or (``?format=csv``) as CSV."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from engine.dashboard import diagram, waiting
from web.api.auth import actor, engine
from web.api.params import int_arg
from web.csv_export import csv_response
from web.errors import BadRequestError
from web.figures import FIGURES, WAITING_COLUMNS, filters_from

bp = Blueprint("dashboard", __name__)


def _answer(result: dict[str, Any], filename: str, columns: list[str]) -> Response:
    form = request.args.get("format", "json")
    if form == "csv":
        return csv_response(result["rows"], f"{filename}.csv", columns)
    if form != "json":
        raise BadRequestError("format skal være json eller csv", field="format", rows=[])
    return jsonify(result)


def _figure(name: str) -> Response:
    figure = FIGURES[name]
    result = figure.service(engine().reader(), actor(), request.args.get("process_key"), **filters_from(request.args))
    return _answer(result, figure.filename, figure.columns)


@bp.get("/metrics/heatmap")
def metrics_heatmap() -> Response:
    return _figure("heatmap")


@bp.get("/metrics/steps")
def metrics_steps() -> Response:
    return _figure("steps")


@bp.get("/metrics/funnel")
def metrics_funnel() -> Response:
    return _figure("funnel")


@bp.get("/metrics/overdue")
def metrics_overdue() -> Response:
    return _figure("overdue")


@bp.get("/metrics/compliance")
def metrics_compliance() -> Response:
    return _figure("compliance")


@bp.get("/metrics/caseload")
def metrics_caseload() -> Response:
    return _figure("caseload")


@bp.get("/metrics/outcomes")
def metrics_outcomes() -> Response:
    return _figure("outcomes")


@bp.get("/metrics/waiting")
def metrics_waiting() -> Response:
    result = waiting.waiting_at(engine().uow(), actor(), request.args.get("process_key"),
                                request.args.get("element_id"), limit=int_arg("limit") or 500,
                                **filters_from(request.args))
    return _answer(result, "venter", WAITING_COLUMNS)


@bp.get("/metrics/diagram")
def metrics_diagram() -> Response:
    return jsonify(diagram.diagram(engine().reader(), actor(), request.args.get("process_key"),
                                   request.args.get("version")))
