"""The dashboard's figures under /api/v1/metrics/..., as JSON or (``?format=csv``) as CSV."""
from __future__ import annotations

from typing import Any, Callable

from flask import Response, jsonify, request

from engine.dashboard import caseload, compliance, diagram, funnel, heatmap, outcomes, overdue, steps, waiting
from web.api import bp
from web.api.auth import actor, engine
from web.api.csv_export import csv_response
from web.api.params import int_arg
from web.errors import BadRequestError

FILTERS = ("version", "start", "end", "team", "age_band")


def _filters() -> dict[str, Any]:
    return {name: request.args.get(name) for name in FILTERS if request.args.get(name) not in (None, "")}


def _answer(result: dict[str, Any], name: str, columns: list[str]) -> Response:
    form = request.args.get("format", "json")
    if form == "csv":
        return csv_response(result["rows"], f"{name}.csv", columns)
    if form != "json":
        raise BadRequestError("format skal være json eller csv", field="format", rows=[])
    return jsonify(result)


def _figure(service: Callable[..., dict[str, Any]], name: str, columns: list[str], write: bool = False) -> Response:
    uow = engine().uow() if write else engine().reader()
    return _answer(service(uow, actor(), request.args.get("process_key"), **_filters()), name, columns)


@bp.get("/metrics/heatmap")
def metrics_heatmap() -> Response:
    return _figure(heatmap.heatmap, "heatmap",
                   ["element_id", "name", "waiting", "median_wait_hours", "p90_wait_hours", "overdue"])


@bp.get("/metrics/waiting")
def metrics_waiting() -> Response:
    result = waiting.waiting_at(engine().uow(), actor(), request.args.get("process_key"),
                                request.args.get("element_id"), limit=int_arg("limit") or 500, **_filters())
    return _answer(result, "venter", ["youth_id", "youth_name", "cpr", "instance_id", "element_id", "name",
                                      "assignee", "waiting_since", "waiting_hours", "due_at", "overdue"])


@bp.get("/metrics/steps")
def metrics_steps() -> Response:
    return _figure(steps.step_statistics, "trin",
                   ["element_id", "name", "waiting_now", "median_wait_hours", "p90_wait_hours", "overdue_now",
                    "completed", "median_hours_spent", "p90_hours_spent", "completed_late"])


@bp.get("/metrics/funnel")
def metrics_funnel() -> Response:
    return _figure(funnel.funnel, "tragt",
                   ["step", "element_id", "label", "reached", "conversion", "conversion_from_first",
                    "median_hours_from_previous", "median_hours_from_first"])


@bp.get("/metrics/overdue")
def metrics_overdue() -> Response:
    return _figure(overdue.overdue, "overskredne",
                   ["element_id", "name", "kind", "open_now", "overdue_now", "created_in_period"])


@bp.get("/metrics/compliance")
def metrics_compliance() -> Response:
    return _figure(compliance.compliance, "fristoverholdelse",
                   ["rule", "label", "week", "week_start", "due", "met", "missed", "pending", "share_met"])


@bp.get("/metrics/caseload")
def metrics_caseload() -> Response:
    return _figure(caseload.caseload, "sagsbelastning",
                   ["lane", "lane_label", "username", "young_people", "above_band", "below_band"])


@bp.get("/metrics/outcomes")
def metrics_outcomes() -> Response:
    return _figure(outcomes.outcomes, "udfald",
                   ["quarter", "education", "job", "other", "total", "share_education_or_job"])


@bp.get("/metrics/diagram")
def metrics_diagram() -> Response:
    return jsonify(diagram.diagram(engine().reader(), actor(), request.args.get("process_key"),
                                   request.args.get("version")))
