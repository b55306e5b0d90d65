"""Valid answers to each form of the default course (processes/forms/*.json), written once.

The demo (``samspil demo``), the benchmarks and the tests all take a young person through
samarbejdsmodel.bpmn with these, so a change to a form is followed here and nowhere else. It lives
in web/ beside the demo, so the demo needs nothing from tests/ or bench/.
"""
from __future__ import annotations

from typing import Any

REFERRAL = {"henvisningsaarsag": "Har svært ved at komme i skole", "henviser_afdeling": "uddannelsesvejledning",
            "afdelinger_med_sag": ["familie", "social"], "samtykke_givet": True,
            "samtykke_datatyper": ["uddannelse"], "samtykke_modtager": "Ungeteamet",
            "samtykke_formaal": "Koordinering", "samtykke_givet_af": "foraelder_vaerge"}
# Only one department has a case: outside the target group, so the referral is closed (luk_henvisning).
REFERRAL_OUTSIDE = {**REFERRAL, "afdelinger_med_sag": ["familie"]}
CLOSE = {"anbefaling": "Kontakt UU direkte", "henvist_til": "UU"}
ACCEPT = {"accepteret": True, "bemaerkning": ""}
DECLINE = {"accepteret": False, "bemaerkning": "Har ikke tid"}
PLAN = {"positiv_destination": "uddannelse", "destination_beskrivelse": "Start på EUD",
        "milepaele": [{"titel": "Praktik", "spor": "virksomhedssporet", "ansvarlig_afdeling": "beskaeftigelse",
                       "frist": "2026-06-01", "status": "ikke_startet"}]}
ESCALATION = {"handling": "Ringet til guiden"}
HANDOVER = {"afslutningsaarsag": "uddannelse", "afslutningsnote": "Startet på EUD", "overtages_af": "UU"}


def k_meeting(guide: str = "gustav", case_coordinator: str = "karin") -> dict[str, Any]:
    """The k-meeting's answer; it names the guide and the coordinating caseworker of the course."""
    return {"moededato": "2026-01-12", "referat": "Aftalt praktik", "deltagere": "UU, familie",
            "ungeguide": guide, "koordinerende_sagsbehandler": case_coordinator,
            "foerste_handlinger": [{"handling": "Besøg virksomhed", "ansvarlig": guide, "frist": "2026-02-01"}]}


def follow_up(reached: bool = False) -> dict[str, Any]:
    """A follow-up's answer; ``reached`` ends the follow-up loop with the handover."""
    return {"opfoelgningsdato": "2026-04-06", "fremskridt": "Går godt", "destination_naaet": reached,
            "milepaele_status": [{"titel": "Praktik", "status": "i_gang"}]}


def self_assessment(level: int = 5, note: str | None = None) -> dict[str, Any]:
    """The young person's self-assessment before a follow-up (selvvurdering): every scale at ``level``."""
    answer: dict[str, Any] = {scale: level for scale in SCALES}
    if note:
        answer["udsyn_note"] = note
    return answer


# The scales of processes/forms/selvvurdering.json, in its order.
SCALES = ("udsyn", "indsigt", "kompetencer", "bolig", "helbred", "netvaerk", "oekonomi")
SELF_ASSESSMENT = self_assessment(6, "Jeg ved bedre, hvad jeg vil")
