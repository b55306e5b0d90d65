"""The dashboard's figures under /api/v1/metrics/..., as JSON or (``?format=csv``) as CSV."""
from __future__ import annotations

from collections.abc import Callable
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


def _figure_view(name: str) -> Callable[[], Response]:
    def view() -> Response:
        figure = FIGURES[name]
        result = figure.service(engine().reader(), actor(), request.args.get("process_key"),
                                **filters_from(request.args))
        return _answer(result, figure.filename, figure.columns)

    return view


# One route per figure of web.figures, GET /metrics/<figure>, its endpoint named metrics_<figure>
# (web/access_table.py and the OpenAPI document name each).
for _name in FIGURES:
    bp.add_url_rule(f"/metrics/{_name}", f"metrics_{_name}", _figure_view(_name), methods=["GET"])


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
