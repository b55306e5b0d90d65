"""Driving the default course in tests: valid form data per step, and small helpers."""
from __future__ import annotations

from typing import Any

from engine.bootstrap import Engine
from engine.courses import instances
from engine.people import youths
from engine.people.access import Actor
from engine.work import tasks

REFERRAL = {"henvisningsaarsag": "Har svært ved at komme i skole", "henviser_afdeling": "uddannelsesvejledning",
            "afdelinger_med_sag": ["familie", "social"], "samtykke_givet": True,
            "samtykke_datatyper": ["uddannelse"], "samtykke_modtager": "Ungeteamet",
            "samtykke_formaal": "Koordinering", "samtykke_givet_af": "foraelder_vaerge"}
REFERRAL_OUTSIDE = {**REFERRAL, "afdelinger_med_sag": ["familie"]}
CLOSE = {"anbefaling": "Kontakt UU direkte", "henvist_til": "UU"}


def k_meeting(guide: str = "gustav", case_coordinator: str = "karin") -> dict[str, Any]:
    return {"moededato": "2026-01-12", "referat": "Aftalt praktik", "deltagere": "UU, familie",
            "ungeguide": guide, "koordinerende_sagsbehandler": case_coordinator,
            "foerste_handlinger": [{"handling": "Besøg virksomhed", "ansvarlig": guide, "frist": "2026-02-01"}]}


ACCEPT = {"accepteret": True, "bemaerkning": ""}
DECLINE = {"accepteret": False, "bemaerkning": "Har ikke tid"}
PLAN = {"positiv_destination": "uddannelse", "destination_beskrivelse": "Start på EUD",
        "milepaele": [{"titel": "Praktik", "spor": "virksomhedssporet", "ansvarlig_afdeling": "beskaeftigelse",
                       "frist": "2026-06-01", "status": "ikke_startet"}]}


def follow_up(reached: bool = False) -> dict[str, Any]:
    return {"opfoelgningsdato": "2026-04-06", "fremskridt": "Går godt", "destination_naaet": reached,
            "milepaele_status": [{"titel": "Praktik", "status": "i_gang"}]}


ESCALATION = {"handling": "Ringet til guiden"}
HANDOVER = {"afslutningsaarsag": "uddannelse", "afslutningsnote": "Startet på EUD", "overtages_af": "UU"}


def start_course(engine: Engine, actor: Actor, name: str = "Test Ung", birthdate: str = "2009-03-01") -> dict[str, Any]:
    youth = youths.create_youth(engine.uow(), actor, name, birthdate)
    return instances.start_instance(engine.uow(), actor, "samarbejdsmodel", youth["id"])


def open_task(engine: Engine, actor: Actor, instance_id: int, element_id: str) -> dict[str, Any]:
    rows, _ = tasks.list_tasks(engine.uow(), actor, tasks.TaskFilter(instance_id=instance_id, element_id=element_id))
    assert rows, f"no open task {element_id} on instance {instance_id}"
    return rows[0]


def complete(engine: Engine, actor: Actor, instance_id: int, element_id: str, data: dict[str, Any]) -> dict[str, Any]:
    task = open_task(engine, actor, instance_id, element_id)
    return tasks.complete_task(engine.uow(), actor, task["id"], data)


def open_elements(instance: dict[str, Any]) -> list[str]:
    return sorted(t["element_id"] for t in instance["tasks"] if t["state"] == "ready")


def to_follow_up(engine: Engine, name: str = "Test Ung", birthdate: str = "2009-03-01") -> int:
    """A course through referral, k-meeting, guide and plan, now waiting for its first follow-up."""
    from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE

    iid = start_course(engine, CASEWORKER, name, birthdate)["id"]
    complete(engine, CASEWORKER, iid, "henvisning", REFERRAL)
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting())
    complete(engine, GUIDE, iid, "accepter_guide", ACCEPT)
    after_plan = complete(engine, CASE_COORDINATOR, iid, "uddannelsesplan", PLAN)
    assert open_elements(after_plan) == []
    return iid
