"""The dashboard's tables, shared by the REST API and the pages: which service, which CSV columns."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.dashboard import caseload, compliance, funnel, heatmap, outcomes, overdue, progression, steps

FILTERS = ("version", "start", "end", "team", "age_band")


@dataclass(frozen=True)
class Figure:
    service: Callable[..., dict[str, Any]]
    filename: str
    columns: list[str]


FIGURES: dict[str, Figure] = {
    "heatmap": Figure(heatmap.heatmap, "heatmap",
                      ["element_id", "name", "waiting", "median_wait_hours", "p90_wait_hours", "overdue"]),
    "steps": Figure(steps.step_statistics, "trin",
                    ["element_id", "name", "waiting_now", "median_wait_hours", "p90_wait_hours", "overdue_now",
                     "completed", "median_hours_spent", "p90_hours_spent", "completed_late"]),
    "funnel": Figure(funnel.funnel, "tragt",
                     ["step", "element_id", "label", "reached", "conversion", "conversion_from_first",
                      "median_hours_from_previous", "median_hours_from_first"]),
    "overdue": Figure(overdue.overdue, "overskredne",
                      ["element_id", "name", "kind", "open_now", "overdue_now", "created_in_period"]),
    "compliance": Figure(compliance.compliance, "fristoverholdelse",
                         ["rule", "label", "week", "week_start", "due", "met", "missed", "pending", "share_met"]),
    "caseload": Figure(caseload.caseload, "sagsbelastning",
                       ["lane", "lane_label", "username", "young_people", "above_band", "below_band"]),
    "outcomes": Figure(outcomes.outcomes, "udfald",
                       ["quarter", "education", "job", "other", "total", "share_education_or_job"]),
    "progression": Figure(progression.progression, "progression",
                          ["quarter", "dimension", "group", "young_people", "average_change"]),
}
WAITING_COLUMNS = ["youth_id", "youth_name", "cpr", "instance_id", "element_id", "name", "assignee", "waiting_since",
                   "waiting_hours", "due_at", "overdue"]


def filters_from(args: Any) -> dict[str, Any]:
    """The filter values present in a request's query string (the services check them)."""
    return {name: args.get(name) for name in FILTERS if args.get(name) not in (None, "")}
