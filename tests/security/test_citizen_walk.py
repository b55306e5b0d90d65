"""A young person logged in to Min Plan walks every staff route, and another young person's data: all refused and logged.

The attack: a young person (or whoever holds their phone) with a valid Min Plan session tries every
page and API endpoint of the staff app, with their own ids and another young person's, and asks
Min Plan and ``GET /api/v1/me`` for the other young person by id. Each must be refused (401, 403
or 404) with a refusal in the access log naming the young person as the actor; only the young
person's own pages and the public ones (login, language, static files) answer.
"""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.courses import instances
from engine.people import citizen_login, youths
from engine.platform.models import AuditEntry
from tests.security.conftest import World, actor_of
from tests.security.test_route_walk import METHODS, _body, _query, _rules, _values
from web.access_table import ACCESS

OWN_PAGES = {endpoint for endpoint, access in ACCESS.items() if access.citizen}


@pytest.fixture(scope="module")
def other(world: World) -> dict[str, int]:
    """Another young person with a course of their own."""
    youth = youths.create_youth(world.engine.uow(), actor_of("sara"), "Anden Ung", "2008-05-05")
    instance = instances.start_instance(world.engine.uow(), actor_of("sara"), "samarbejdsmodel", youth["id"])
    return {"youth_id": youth["id"], "instance_id": instance["id"]}


def young_person(world: World) -> FlaskClient:
    """A browser logged in to Min Plan as the walked course's young person, by a one-time link."""
    token = citizen_login.create_invite(world.engine.uow(), actor_of("admin"), world.youth_id, production=False)
    client = world.app.test_client()
    assert client.post("/min-plan/invitation", data={"t": token}).status_code == 303
    assert client.get("/min-plan").status_code == 200
    return client


def refusals(world: World, youth_id: int | None = None) -> int:
    """Refusals in the access log acting as the young person (naming ``youth_id`` if given)."""
    with world.engine.reader() as uow:
        query = select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "access_denied", AuditEntry.username == f"ung:{world.youth_id}")
        if youth_id is not None:
            query = query.where(AuditEntry.youth_id == youth_id)
        return uow.session.scalar(query) or 0


@pytest.mark.parametrize("whose", ["own", "other"])
def test_every_staff_route_refuses_a_young_persons_session_and_logs_it(world: World, other: dict[str, int],
                                                                       whose: str) -> None:
    client = young_person(world)
    wrong, walked = [], set()
    for rule in _rules(world):
        access = ACCESS[rule.endpoint]
        if access.public or access.citizen:
            continue  # the login pages, the language switch, static files; the young person's own pages
        values = _values(world, rule)
        if whose == "other":
            values.update({k: v for k, v in other.items() if k in values})
        path = rule.build(values)[1] + _query(rule.endpoint)
        for method in (m for m in METHODS if m in rule.methods):
            before = refusals(world)
            response = client.open(path, method=method, **_body(world, rule.endpoint))
            status = response.status_code
            response.close()
            walked.add(rule.endpoint)
            if status not in (401, 403, 404) or refusals(world) != before + 1:
                wrong.append(f"{method} {path}: {status}, {refusals(world) - before} refusals logged")
    assert walked == {e for e, a in ACCESS.items() if not (a.public or a.citizen)}  # every staff endpoint
    assert wrong == [], "\n".join(wrong)
    assert client.get("/min-plan").status_code == 200  # still logged in: refused, not thrown out


@pytest.mark.parametrize("path", ["/min-plan?ung={id}", "/api/v1/me?ung={id}"])
def test_another_young_persons_plan_by_id_is_refused_and_logged(world: World, other: dict[str, int],
                                                                path: str) -> None:
    client = young_person(world)
    before = refusals(world, other["youth_id"])
    response = client.get(path.format(id=other["youth_id"]))
    assert response.status_code == 403
    assert "Anden Ung" not in response.get_data(as_text=True)
    assert refusals(world, other["youth_id"]) == before + 1
    own = client.get(path.format(id=world.youth_id))
    assert own.status_code == 200 and "Walk Ung" in own.get_data(as_text=True)


def test_a_young_persons_session_does_not_open_the_api_to_a_staff_token_or_the_reverse(world: World) -> None:
    """A staff token sent along with a young person's cookie does not reach the staff API: the cookie
    makes the request the young person's, refused; and a staff token alone does not reach /api/v1/me."""
    client = young_person(world)
    staff: dict[str, Any] = {"Authorization": f"Bearer {world.tokens['admin']}"}
    before = refusals(world)
    assert client.get(f"/api/v1/youths/{world.youth_id}", headers=staff).status_code == 403
    assert refusals(world) == before + 1
    anonymous = world.app.test_client()
    response = anonymous.get("/api/v1/me", headers=staff)
    assert response.status_code == 403
    assert "Walk Ung" not in response.get_data(as_text=True)
    assert world.denials("admin") > 0


def test_another_young_persons_milestone_and_proposal_are_refused_on_every_co_production_route(
        world: World, other: dict[str, int]) -> None:
    """The attack on the co-production routes (issue 12, part 3): the young person names the other young
    person's accepted milestone (by id) and plan milestone (by title), and answers a proposal as staff would.
    Nothing of the other young person changes, and every attempt is refused and logged."""
    from engine.people import co_production
    from engine.people.access import youth_actor
    from engine.platform.models import YouthContribution

    theirs = co_production.propose(world.engine.uow(), youth_actor(other["youth_id"]), "Andens mål")
    co_production.answer_proposal(world.engine.uow(), actor_of("admin"), other["youth_id"], theirs, "accept", None)
    client = young_person(world)
    csrf = client.get("/min-plan").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    before = refusals(world)
    done = client.post("/min-plan/udfoert", data={"proposal_id": theirs, "csrf_token": csrf})
    assert done.status_code == 422 and "Andens mål" not in done.get_data(as_text=True)
    assert refusals(world) == before + 1
    commented = client.post("/min-plan/kommentar", data={"milestone": "Andens mål", "text": "Hej", "csrf_token": csrf})
    assert commented.status_code == 422
    answered = client.post(f"/unge/{other['youth_id']}/forslag",
                           data={"proposal_id": theirs, "decision": "answer", "answer": "Nej", "csrf_token": csrf})
    assert answered.status_code == 403 and refusals(world) == before + 2
    with world.engine.reader() as uow:
        row = uow.session.get(YouthContribution, theirs)
        assert (row.status, row.answer) == ("accepted", None)
        assert uow.session.scalar(select(func.count()).select_from(YouthContribution).where(
            YouthContribution.youth_id == world.youth_id)) == 0
        refused = uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "co_production_refused", AuditEntry.username == f"ung:{world.youth_id}"))
    assert refused >= 1  # the comment on a milestone not in their plan


def test_another_young_persons_task_and_consent_on_min_plans_own_routes_are_refused_and_logged(
        world: World, other: dict[str, int]) -> None:
    """The attack: a young person pastes another young person's task id into /min-plan/opgaver/<id>
    (to read or send its form) and their consent id into the withdrawal: refused, nothing changed, logged."""
    from engine.people import consents
    from engine.platform.models import Consent, Task

    consent = consents.record_consent(world.engine.uow(), actor_of("sara"), other["youth_id"], {
        "data_types": ["uddannelse"], "recipient": "Jobcentret", "recipient_role": "sagsbehandler",
        "purpose": "Afklaring", "given_by": "foraelder_vaerge", "guardian_name": "Mor"})
    with world.engine.reader() as uow:
        task_id = uow.session.scalars(select(Task.id).where(Task.youth_id == other["youth_id"],
                                                            Task.state == "ready")).first()
    assert task_id is not None
    client = young_person(world)
    for method, path in (("GET", f"/min-plan/opgaver/{task_id}"), ("POST", f"/min-plan/opgaver/{task_id}")):
        before = refusals(world, other["youth_id"])
        response = client.open(path, method=method, data={"udsyn": "5"})
        assert response.status_code == 403, path
        assert "Anden Ung" not in response.get_data(as_text=True)
        assert refusals(world, other["youth_id"]) == before + 1
    before = refusals(world)
    response = client.post(f"/min-plan/samtykker/{consent['id']}/tilbagekald", data={"reason": "Væk"})
    assert response.status_code == 303 and refusals(world) == before + 1
    with world.engine.reader() as uow:
        assert uow.session.get(Task, task_id).state == "ready"
        assert uow.session.get(Consent, consent["id"]).withdrawn_at is None
