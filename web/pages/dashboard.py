"""The coordinators' dashboard, "Overblik": where young people wait, deadlines, caseload, outcomes.

The page renders every table on the server from the engine's dashboard services; the heatmap on
the diagram and the charts are drawn by ``static/src/dashboard.js`` from JSON blocks in the page.
Bad filters are shown next to their field, with what was typed kept.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Blueprint, render_template, request
from werkzeug import Response
from werkzeug.exceptions import NotFound as PageNotFound

from engine.dashboard import diagram, waiting
from engine.definitions import deployment
from engine.people import policy
from engine.platform.errors import InvalidInput, NotFound
from web.csv_export import csv_response
from web.figures import FIGURES, WAITING_COLUMNS, filters_from
from web.i18n import localize
from web.pages.auth import current_actor, engine, permission_required
from web.pages.nav import add_nav_item

bp = Blueprint("dashboard", __name__, url_prefix="/overblik")
add_nav_item("dashboard.index", "dashboard.nav", permission="view_metrics", order=40)
DEFAULT_PROCESS = "samarbejdsmodel"
CASELOAD_SHOWN = 100
PARALLEL_FIGURES = 4


def _process_key(keys: list[str]) -> str | None:
    chosen = request.args.get("process_key")
    if chosen:
        return chosen
    return DEFAULT_PROCESS if DEFAULT_PROCESS in keys else (keys[0] if keys else None)


def _problem(error: InvalidInput | NotFound) -> dict[str, Any]:
    field = error.details.get("field")
    return {"message": localize(error.message), "field": field if isinstance(field, str) else "process_key"}


def _all_figures(process_key: str, filters: dict[str, Any]) -> dict[str, Any]:
    """Every figure of the page, each in its own read-only unit of work, a few at a time in parallel
    (they are independent reads), so the page takes about as long as its slowest figures."""
    samspil, actor = engine(), current_actor()
    calls: dict[str, tuple[Callable[..., dict[str, Any]], tuple[Any, ...], dict[str, Any]]] = {
        name: (figure.service, (process_key,), filters) for name, figure in FIGURES.items()}
    calls["diagram"] = (diagram.diagram, (process_key, filters.get("version")), {})
    with ThreadPoolExecutor(max_workers=PARALLEL_FIGURES) as pool:
        running = {name: pool.submit(service, samspil.reader(), actor, *args, **kwargs)
                   for name, (service, args, kwargs) in calls.items()}
        return localize({name: future.result() for name, future in running.items()})


@bp.get("/")
@permission_required("view_metrics")
def index() -> str:
    versions = deployment.list_versions(engine().reader())
    keys = sorted({v["key"] for v in versions})
    process_key = _process_key(keys)
    filters = filters_from(request.args)
    figures: dict[str, Any] = {}
    problem = None
    if process_key:
        try:
            figures = _all_figures(process_key, filters)
        except (InvalidInput, NotFound) as error:
            figures, problem = {}, _problem(error)
    colour = "median" if request.args.get("colour") == "median" else "waiting"
    return render_template("dashboard/index.html", figures=figures, problem=problem, keys=keys,
                           process_key=process_key, colour=colour, args=request.args,
                           versions=[v["version"] for v in versions if v["key"] == process_key],
                           query={"process_key": process_key, **filters}, caseload_shown=CASELOAD_SHOWN,
                           may_see_who=policy.allows(current_actor(), "see_all_youths"))


@bp.get("/venter")
@permission_required("see_all_youths")
def waiting_list() -> str:
    process_key = request.args.get("process_key") or DEFAULT_PROCESS
    filters = filters_from(request.args)
    element_id = request.args.get("element_id")
    result, problem = None, None
    try:
        result = localize(waiting.waiting_at(engine().uow(), current_actor(), process_key, element_id, **filters))
    except (InvalidInput, NotFound) as error:
        problem = _problem(error)
    return render_template("dashboard/waiting.html", result=result, problem=problem, element_id=element_id,
                           query={"process_key": process_key, "element_id": element_id, **filters},
                           back_query={"process_key": process_key, **filters})


@bp.get("/<name>.csv")
@permission_required("view_metrics")
def export(name: str) -> Response:
    """Every table of the page as CSV, with the page's filters."""
    process_key = request.args.get("process_key") or DEFAULT_PROCESS
    filters = filters_from(request.args)
    if name == "venter":
        result = waiting.waiting_at(engine().uow(), current_actor(), process_key, request.args.get("element_id"),
                                    **filters)
        return csv_response(result["rows"], "venter.csv", WAITING_COLUMNS)
    figure = FIGURES.get(name)
    if figure is None:
        raise PageNotFound()
    result = figure.service(engine().reader(), current_actor(), process_key, **filters)
    return csv_response(result["rows"], f"{figure.filename}.csv", figure.columns)
