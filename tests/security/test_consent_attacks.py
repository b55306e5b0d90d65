"""Attacks on the consent register (issue 12, part 5), each refused, logged, and changing nothing.

A young person withdraws another young person's consent by its id; a consent is withdrawn twice (by
the young person, by staff); roles without ``record_consent`` record one over the API and the pages;
staff point a withdrawal at another young person's consent through a case they may see; an
uninvolved caseworker withdraws one for a young person whose case they may not see.
"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.bootstrap import Engine
from engine.courses import referrals
from engine.people import consents
from engine.people.access import Actor, youth_actor
from engine.platform.errors import Forbidden, NotFound
from engine.platform.models import AuditEntry, Consent, Notice, Task
from tests.conftest import CASEWORKER
from tests.course import REFERRAL

pytestmark = pytest.mark.usefixtures("deployed")

SHARING = {"data_types": ["helbred"], "recipient": "PPR", "recipient_role": "ungeguide", "purpose": "Udredning",
           "given_by": "den_unge"}


def _youth(engine: Engine, name: str) -> int:
    return referrals.register_referral(engine.uow(), CASEWORKER, {"name": name, "birthdate": "2004-05-01"},
                                       REFERRAL)["youth_id"]


def _state(engine: Engine) -> dict[str, Any]:
    """Everything an attack could change: the register, the tasks, the notices."""
    with engine.reader() as uow:
        return {"consents": [(c.id, c.youth_id, c.recipient, c.withdrawn_at, c.withdrawn_by, c.withdrawal_reason)
                             for c in uow.session.scalars(select(Consent).order_by(Consent.id))],
                "tasks": uow.session.scalar(select(func.count()).select_from(Task)),
                "notices": uow.session.scalar(select(func.count()).select_from(Notice))}


def _refusals(engine: Engine, username: str) -> list[tuple[int | None, str | None]]:
    with engine.reader() as uow:
        return [(e.youth_id, e.detail) for e in uow.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "access_denied", AuditEntry.username == username).order_by(AuditEntry.id))]


def test_a_young_person_withdrawing_another_young_persons_consent_by_its_id_is_refused(engine):
    mine, theirs = _youth(engine, "Ida Holm"), _youth(engine, "Ali Berg")
    their_consent = consents.list_consents(engine.uow(), CASEWORKER, theirs)["consents"][0]["id"]
    before = _state(engine)
    me = youth_actor(mine)
    with pytest.raises(Forbidden) as refused:
        consents.withdraw_consent(engine.uow(), me, their_consent, "Ikke min")
    assert str(refused.value.message) == "Du kan kun trække dine egne samtykker tilbage"
    with pytest.raises(Forbidden):   # nor by naming their young person as well
        consents.withdraw_consent(engine.uow(), me, their_consent, "Ikke min", youth_id=theirs)
    with pytest.raises(Forbidden):   # nor an id that names no consent: the same answer
        consents.withdraw_consent(engine.uow(), me, 999_999)
    assert _state(engine) == before
    what = f"samtykke {their_consent}: tilbagekald"
    assert _refusals(engine, f"ung:{mine}") == [(mine, what), (mine, what), (mine, "samtykke 999999: tilbagekald")]


def test_a_young_person_reading_the_register_without_being_one_is_refused(engine):
    with pytest.raises(Forbidden):
        consents.list_consents_for_youth(engine.uow(), CASEWORKER)
    with pytest.raises(Forbidden):
        consents.list_consents_for_youth(engine.uow(), youth_actor(999_999))
    assert [detail for _, detail in _refusals(engine, "sara")] == ["samtykker: egne"]


def test_withdrawing_a_consent_twice_is_refused_and_changes_nothing(engine):
    youth_id = _youth(engine, "Ida Holm")
    first = consents.list_consents(engine.uow(), CASEWORKER, youth_id)["consents"][0]["id"]
    consents.withdraw_consent(engine.uow(), youth_actor(youth_id), first, "Nej tak")
    after_first = _state(engine)
    with pytest.raises(Forbidden) as again:
        consents.withdraw_consent(engine.uow(), youth_actor(youth_id), first, "Igen")
    assert str(again.value.message) == "Samtykket er allerede trukket tilbage"
    with pytest.raises(Forbidden):
        consents.withdraw_consent(engine.uow(), CASEWORKER, first, "Også igen", youth_id=youth_id)
    assert _state(engine) == after_first   # still withdrawn by the young person, no second task or notice
    twice = f"samtykke {first}: tilbagekald (allerede tilbagekaldt)"
    assert _refusals(engine, f"ung:{youth_id}") == [(youth_id, twice)]
    assert _refusals(engine, "sara") == [(youth_id, twice)]


@pytest.mark.parametrize("user", ["per", "gustav"])
def test_a_role_without_the_permission_recording_a_consent_over_the_api_is_refused(api, engine, user):
    youth_id = _youth(engine, "Ida Holm")
    before = _state(engine)
    response = api.as_(user).post(f"/youths/{youth_id}/consents", json=SHARING)
    assert response.status_code == 403 and response.get_json()["error"] == (
        "Du har ikke ret til at registrere eller tilbagekalde samtykker")
    withdraw = api.as_(user).post(f"/youths/{youth_id}/consents/1/withdrawal", json={"reason": "x"})
    assert withdraw.status_code == 403
    assert _state(engine) == before
    assert [detail for _, detail in _refusals(engine, user)] == ["samtykke: registrér", "samtykke 1: tilbagekald"]


def test_a_role_without_the_permission_recording_a_consent_on_the_case_page_is_refused(pages, engine):
    youth_id = _youth(engine, "Ida Holm")
    before = _state(engine)
    pages.login("per")
    response = pages.post(f"/unge/{youth_id}/samtykker", data={**SHARING, "data_types": "helbred"})
    assert response.status_code == 403
    assert _state(engine) == before
    assert [detail for _, detail in _refusals(engine, "per")] == [f"side /unge/{youth_id}/samtykker"]


def test_staff_cannot_withdraw_another_young_persons_consent_through_a_case_they_may_see(api, engine):
    mine, theirs = _youth(engine, "Ida Holm"), _youth(engine, "Ali Berg")
    their_consent = consents.list_consents(engine.uow(), CASEWORKER, theirs)["consents"][0]["id"]
    before = _state(engine)
    response = api.as_("sara").post(f"/youths/{mine}/consents/{their_consent}/withdrawal", json={"reason": "x"})
    assert response.status_code == 404
    with pytest.raises(NotFound):
        consents.withdraw_consent(engine.uow(), CASEWORKER, their_consent, "x", youth_id=mine)
    assert _state(engine) == before


def test_an_uninvolved_caseworker_withdrawing_a_consent_is_refused_and_the_refusal_names_the_young_person(api, engine):
    youth_id = _youth(engine, "Ida Holm")   # at the k-meeting: karin is not (yet) involved
    before = _state(engine)
    response = api.as_("karin").post(f"/youths/{youth_id}/consents/1/withdrawal", json={"reason": "x"})
    assert response.status_code == 403
    with pytest.raises(Forbidden):   # without the young person in the call: the consent's own is checked
        consents.withdraw_consent(engine.uow(), Actor("karin", frozenset({"koordinerende_sagsbehandler"})), 1, "x")
    listing = api.as_("karin").get(f"/youths/{youth_id}/consents")
    assert listing.status_code == 403
    assert _state(engine) == before
    assert _refusals(engine, "karin") == [(youth_id, "samtykke 1: tilbagekald"), (youth_id, "samtykke 1: tilbagekald"),
                                       (youth_id, "samtykker")]
