"""What the dashboard needs to know about a process model, beyond its diagram.

Element ids are the process owner's, so the funnel's steps, the deadline rules and the outcome
mapping are configuration, not literals inside queries. :data:`DEFAULT` describes the default
course (``processes/samarbejdsmodel.bpmn``); a process with other element ids registers its own
:class:`DashboardConfig` in :data:`CONFIGS` under its key.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FunnelStep:
    """A step of the funnel: a course reaches it when a task of ``element_id`` is first completed."""

    element_id: str
    label: str


@dataclass(frozen=True)
class DeadlineRule:
    """A legal deadline between two steps, checked for young people in an age band.

    The clock starts when a task of ``start_element`` is first completed (time S) and stops when a
    task of ``end_element`` is first completed at or after S (time E). Dates are Danish local dates.
    With ``unit="working_days"`` the deadline is the ``limit``-th working day after S's date (S's own
    day does not count; Saturdays, Sundays and Danish public holidays are not working days); with
    ``unit="calendar_days"`` it is S's date plus ``limit`` days. The rule is met when E's date is on
    or before the deadline. A course counts when the young person's age on S's date is within
    ``age_from``..``age_to`` (both inclusive).
    """

    key: str
    label: str
    start_element: str
    end_element: str
    limit: int
    unit: str  # "working_days" or "calendar_days"
    age_from: int = 15
    age_to: int = 17


@dataclass(frozen=True)
class DashboardConfig:
    funnel: tuple[FunnelStep, ...]
    deadline_rules: tuple[DeadlineRule, ...]
    follow_up_elements: tuple[str, ...]
    escalation_elements: tuple[str, ...]
    outcome_element: str
    outcome_variable: str
    outcome_destinations: dict[str, str] = field(default_factory=dict)  # variable value -> destination
    team_variable: str = "team"
    caseload_lanes: tuple[tuple[str, str], ...] = ()  # (lane name as in lane_owners, label)
    caseload_band: tuple[int, int] = (40, 55)


DESTINATIONS = ("education", "job", "other")

# The default course. "Contact" is the k-meeting: the 5-working-day rule runs from the completed
# referral to the completed k-meeting. "Activity" is the education and job plan: the 30-day rule
# runs from the completed k-meeting to the completed plan.
DEFAULT = DashboardConfig(
    funnel=(
        FunnelStep("henvisning", "Henvisning"),
        FunnelStep("k_moede", "K-møde"),
        FunnelStep("accepter_guide", "Ungeguide"),
        FunnelStep("uddannelsesplan", "Uddannelses- og jobplan"),
        FunnelStep("opfoelgning", "Opfølgning"),
        FunnelStep("overdragelse", "Overdragelse"),
    ),
    deadline_rules=(
        DeadlineRule("kontakt_5_hverdage", "Kontakt inden 5 hverdage", "henvisning", "k_moede", 5, "working_days"),
        DeadlineRule("aktivitet_30_dage", "Aktivitet inden 30 dage", "k_moede", "uddannelsesplan", 30,
                     "calendar_days"),
    ),
    follow_up_elements=("opfoelgning",),
    escalation_elements=("eskalering",),
    outcome_element="overdragelse",
    outcome_variable="afslutningsaarsag",
    outcome_destinations={"uddannelse": "education", "job": "job"},
    caseload_lanes=(("ungeguide", "Ungeguide"), ("koordinerende_sagsbehandler", "Koordinerende sagsbehandler")),
)

CONFIGS: dict[str, DashboardConfig] = {}


def config_for(process_key: str) -> DashboardConfig:
    """The process's own configuration, or the default course's."""
    return CONFIGS.get(process_key, DEFAULT)


def destination(config: DashboardConfig, reason: object) -> str:
    """education, job or other, from the value of the outcome variable."""
    return config.outcome_destinations.get(reason, "other") if isinstance(reason, str) else "other"
