"""The OpenAPI description of the dashboard endpoints (/metrics/...), added to the served document.

Kept beside ``openapi_spec`` (which describes the core API) and merged by ``openapi.py``, so the
dashboard's part can move into the main document without changing what is served.
"""
from __future__ import annotations

from typing import Any

from web.api.openapi_spec import array, boolean, day, integer, number, obj, ok, operation, parameter, ref, string, timestamp

FILTER_PARAMETERS = [
    parameter("process_key", "query", string(), "Processen (påkrævet)"),
    parameter("version", "query", string(), "Et versionsnummer, eller all (standard: alle versioner)"),
    parameter("start", "query", day(), "Periodens første dag (standard: mandag 12 uger før denne uge)"),
    parameter("end", "query", day(), "Periodens sidste dag (standard: i dag)"),
    parameter("team", "query", string(), "Kun forløb med denne værdi i instansdataens team"),
    parameter("age_band", "query", string(), "Aldersgruppe, fx 15-17, regnet på periodens sidste dag"),
    parameter("format", "query", string(enum=["json", "csv"]), "csv giver tabellen som CSV-fil"),
]
CSV = {"text/csv": {"schema": string(format="binary")}}


def _rows(row: str, description: str, **extra: Any) -> dict[str, Any]:
    return obj({"filters": ref("DashboardFilters"), "generated_at": timestamp(), **extra,
                "rows": array(ref(row)), "message": string("Sat når intet matcher filtrene", nullable=True)},
               description=description)


def _num(description: str | None = None) -> dict[str, Any]:
    return {**number(description), "nullable": True}


def schemas() -> dict[str, Any]:
    return {
        "DashboardFilters": obj({"process_key": string(), "version": integer(nullable=True), "start": day(),
                                 "end": day(), "team": string(nullable=True), "age_band": string(nullable=True)}),
        "HeatmapRow": obj({"element_id": string(), "name": string(), "waiting": integer(),
                           "median_wait_hours": _num(), "p90_wait_hours": _num(), "overdue": integer()}),
        "WaitingRow": obj({"task_id": string(), "instance_id": integer(), "youth_id": integer(),
                           "youth_name": string(), "cpr": string("Maskeret", nullable=True), "element_id": string(),
                           "name": string(), "role": string(nullable=True), "assignee": string(nullable=True),
                           "waiting_since": timestamp(), "waiting_hours": number(),
                           "due_at": timestamp(nullable=True), "overdue": boolean()}),
        "StepRow": obj({"element_id": string(), "name": string(), "waiting_now": integer(),
                        "median_wait_hours": _num(), "p90_wait_hours": _num(), "overdue_now": integer(),
                        "completed": integer(), "median_hours_spent": _num(), "p90_hours_spent": _num(),
                        "completed_late": integer()}),
        "FunnelRow": obj({"step": integer(), "element_id": string(), "label": string(), "reached": integer(),
                          "conversion": _num(), "conversion_from_first": _num(),
                          "median_hours_from_previous": _num(), "median_hours_from_first": _num()}),
        "OverdueRow": obj({"element_id": string(), "name": string(),
                           "kind": string(enum=["task", "follow_up", "escalation"]), "open_now": integer(),
                           "overdue_now": integer(), "created_in_period": integer()}),
        "ComplianceRow": obj({"rule": string(), "label": string(), "week": string("ISO-uge, fx 2026-W03"),
                              "week_start": day(), "due": integer(), "met": integer(), "missed": integer(),
                              "pending": integer(), "share_met": _num()}),
        "CaseloadRow": obj({"lane": string(), "lane_label": string(), "username": string(),
                            "young_people": integer(), "above_band": boolean(), "below_band": boolean()}),
        "OutcomeRow": obj({"quarter": string("fx 2026-Q2"), "education": integer(), "job": integer(),
                           "other": integer(), "total": integer(), "share_education_or_job": _num()}),
        "Heatmap": _rows("HeatmapRow", "Hvor mange venter ved hvert element nu, og hvor længe"),
        "WaitingList": _rows("WaitingRow", "De unge der venter ved et element, længst ventende først",
                             element_id=string(), total=integer()),
        "StepStatistics": _rows("StepRow", "Pr. trin: venter nu, tid brugt på afsluttede opgaver i perioden"),
        "Funnel": _rows("FunnelRow", "Henvisninger i perioden og hvor langt de nåede", cohort=integer()),
        "Overdue": _rows("OverdueRow", "Overskredne opgaver, opfølgninger og eskaleringer", totals=obj({
            "overdue_tasks": integer(), "overdue_follow_ups": integer(), "escalations_open": integer(),
            "escalations_in_period": integer()})),
        "Compliance": _rows("ComplianceRow", "Andel der overholder fristreglerne pr. uge", target=number()),
        "Caseload": _rows("CaseloadRow", "Unge pr. ungeguide og koordinerende sagsbehandler",
                          band=obj({"low": integer(), "high": integer()}), flagged=integer()),
        "Outcomes": _rows("OutcomeRow", "Overdragelser pr. kvartal efter destination"),
        "ProgressionRow": obj({"quarter": string("fx 2026-Q2"),
                               "dimension": string("all, destination eller track", enum=["all", "destination", "track"]),
                               "group": string("destinationen eller sporet ('' for all)"),
                               "young_people": integer(), "average_change": _num("gennemsnitlig ændring, point")}),
        "Progression": _rows("ProgressionRow", "De unges gennemsnitlige ændring i selvvurderingen pr. kvartal "
                                               "(seneste i kvartalet minus den første), samlet, pr. destination og spor"),
        "Diagram": obj({"process_key": string(), "version": integer(), "versions": array(integer()),
                        "xml": string("BPMN-diagrammet")}),
    }


def _figure(operation_id: str, summary: str, schema: str, extra: list[dict[str, Any]] | None = None,
            errors: tuple[int, ...] = (400, 403, 404, 422)) -> dict[str, Any]:
    answer = ok("Tallene (JSON), eller tabellen som CSV med format=csv", ref(schema))
    answer["content"].update(CSV)
    return {"get": operation(operation_id, "metrics", summary, {"200": answer}, errors,
                             parameters=FILTER_PARAMETERS + (extra or []))}


def operations() -> dict[str, Any]:
    return {
        "/metrics/heatmap": _figure("dashboardHeatmap", "Heatmap: ventende pr. element nu", "Heatmap"),
        "/metrics/waiting": _figure(
            "dashboardWaiting", "De unge der venter ved et element (koordinator, admin)", "WaitingList",
            [parameter("element_id", "query", string(), "Elementet (påkrævet)"),
             parameter("limit", "query", integer(), "Højst så mange rækker (standard 500, højst 5000)")]),
        "/metrics/steps": _figure("dashboardSteps", "Trinstatistik for perioden", "StepStatistics"),
        "/metrics/funnel": _figure("dashboardFunnel", "Tragten henvisning → overdragelse", "Funnel"),
        "/metrics/overdue": _figure("dashboardOverdue", "Overskredne opgaver og eskaleringer", "Overdue"),
        "/metrics/compliance": _figure("dashboardCompliance", "5-hverdages- og 30-dagesreglen pr. uge",
                                       "Compliance"),
        "/metrics/caseload": _figure("dashboardCaseload", "Sagsbelastning pr. person", "Caseload"),
        "/metrics/outcomes": _figure("dashboardOutcomes", "Udfald pr. kvartal", "Outcomes"),
        "/metrics/progression": _figure("dashboardProgression", "Progression pr. kvartal efter spor og destination",
                                        "Progression"),
        "/metrics/diagram": {"get": operation(
            "dashboardDiagram", "metrics", "BPMN-diagrammet for en version (til heatmappet)",
            {"200": ok("Diagrammet og processens versioner", ref("Diagram"))}, (403, 404, 422),
            parameters=FILTER_PARAMETERS[:2])},
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the dashboard's paths and schemas added."""
    document["paths"].update(operations())
    document["components"]["schemas"].update(schemas())
    return document
