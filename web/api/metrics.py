"""Figures for coordinators and BI tools."""
from __future__ import annotations

from flask import Response, jsonify, request

from engine.dashboard import heatmap
from web.api import bp
from web.api.auth import actor, engine


@bp.get("/metrics/bottlenecks")
def bottlenecks() -> Response:
    return jsonify(heatmap.bottlenecks(engine().reader(), actor(), request.args.get("process_key") or None))
