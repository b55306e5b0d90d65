"""Figures for coordinators and BI tools."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.dashboard import heatmap
from web.api.auth import actor, engine

bp = Blueprint("metrics", __name__)


@bp.get("/metrics/bottlenecks")
def bottlenecks() -> Response:
    return jsonify(heatmap.bottlenecks(engine().reader(), actor(), request.args.get("process_key") or None))
