"""Min Plan's own actions (issue 12): the young person's tasks, consents and progression on their page.

The young person opens their self-assessment before a follow-up, fills it through the staff task
page's form renderer and the completion service; a score out of range comes back by the field with
what was typed kept. Another young person's task or consent id is refused, nothing changed, logged;
so is a consent already withdrawn.
"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.courses import events
from engine.people import consents
from engine.platform.models import AuditEntry, Consent, Task
from tests.conftest import CASE_COORDINATOR, CASEWORKER
from tests.course import SELF_ASSESSMENT, open_task
from tests.web.test_min_plan import course_with_plan, invite, token_of, use

pytestmark = pytest.mark.usefixtures("deployed")

SHARING = {"data_types": ["uddannelse"], "recipient": "Jobcentret", "recipient_role": "sagsbehandler",
           "purpose": "Afklaring af job", "given_by": "foraelder_vaerge", "guardian_name": "Mor"}


def logged_in(app: Any, engine: Any, clock: Any, name: str = "Mira Ung") -> tuple[Any, int, int]:
    """A young person at their self-assessment before the first follow-up, logged in to Min Plan."""
    youth_id, iid = course_with_plan(engine, name)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    return client, youth_id, iid


def csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def own_task_id(engine: Any, youth_id: int) -> str:
    with engine.reader() as uow:
        return uow.session.scalars(select(Task.id).where(Task.youth_id == youth_id, Task.state == "ready",
                                                         Task.element_id == "forbered_opfoelgning")).one()


def refusals(engine: Any, youth_id: int) -> list[str]:
    with engine.reader() as uow:
        return list(uow.session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "access_denied", AuditEntry.username == f"ung:{youth_id}").order_by(AuditEntry.id)))


def form_of(answer: dict[str, Any], token: str) -> dict[str, Any]:
    return {**{key: str(value) for key, value in answer.items()}, "csrf_token": token}


def test_min_plan_lists_the_young_persons_task_and_the_api_includes_it(app, engine, clock):
    client, youth_id, _ = logged_in(app, engine, clock)
    task_id = own_task_id(engine, youth_id)
    page = client.get("/min-plan").get_data(as_text=True)
    tasks_section = page[page.index('id="tasks-heading"'):page.index('id="consents-heading"')]
    assert "Forbered opfølgning" in tasks_section and f"/min-plan/opgaver/{task_id}" in tasks_section
    me = client.get("/api/v1/me").get_json()
    assert [(t["id"], t["element_id"]) for t in me["tasks"]] == [(task_id, "forbered_opfoelgning")]


def test_the_young_person_fills_the_self_assessment_and_sees_it_in_the_chart(app, engine, clock):
    client, youth_id, _ = logged_in(app, engine, clock)
    task_id = own_task_id(engine, youth_id)
    form = client.get(f"/min-plan/opgaver/{task_id}")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and 'name="udsyn"' in html and 'name="udsyn_note"' in html
    done = client.post(f"/min-plan/opgaver/{task_id}", data=form_of(SELF_ASSESSMENT, csrf(html)))
    assert done.status_code == 303 and done.headers["Location"] == "/min-plan#tasks"
    with engine.reader() as uow:
        task = uow.session.get(Task, task_id)
        assert (task.state, task.completed_by) == ("completed", f"ung:{youth_id}")
    page = client.get("/min-plan").get_data(as_text=True)
    assert 'id="progression-chart"' in page and 'id="progression-table"' in page
    assert "build/progression-chart.js" in page and "Jeg ved bedre, hvad jeg vil" in page
    assert client.get("/api/v1/me").get_json()["tasks"] == []


def test_a_score_out_of_range_comes_back_by_its_field_in_danish_with_what_was_typed_kept(app, engine, clock):
    client, youth_id, _ = logged_in(app, engine, clock)
    task_id = own_task_id(engine, youth_id)
    token = csrf(client.get(f"/min-plan/opgaver/{task_id}").get_data(as_text=True))
    answer = {**SELF_ASSESSMENT, "udsyn": 11, "udsyn_note": "Det går op og ned"}
    response = client.post(f"/min-plan/opgaver/{task_id}", data=form_of(answer, token))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = html[html.index('id="f-udsyn-error"'):].split("</p>", 1)[0]
    assert "må højst være 10" in error
    assert 'value="11"' in html and "Det går op og ned" in html
    with engine.reader() as uow:
        assert uow.session.get(Task, task_id).state == "ready"


def test_another_young_persons_task_is_refused_and_logged(app, engine, clock):
    client, youth_id, _ = logged_in(app, engine, clock)
    other_client, other_id, _ = logged_in(app, engine, clock, "Anden Ung")
    theirs = own_task_id(engine, other_id)
    before = len(refusals(engine, youth_id))
    shown = client.get(f"/min-plan/opgaver/{theirs}")
    assert shown.status_code == 403 and "Anden Ung" not in shown.get_data(as_text=True)
    token = csrf(client.get("/min-plan").get_data(as_text=True))
    sent = client.post(f"/min-plan/opgaver/{theirs}", data=form_of(SELF_ASSESSMENT, token))
    assert sent.status_code == 403 and "findes ikke på din plan" in sent.get_data(as_text=True)
    assert len(refusals(engine, youth_id)) == before + 2
    with engine.reader() as uow:
        assert uow.session.get(Task, theirs).state == "ready"


def test_the_young_person_withdraws_a_consent_and_the_caseworker_gets_the_task(app, engine, clock):
    client, youth_id, iid = logged_in(app, engine, clock)
    recorded = consents.record_consent(engine.uow(), CASEWORKER, youth_id, SHARING)
    page = client.get("/min-plan").get_data(as_text=True)
    register = page[page.index('id="consents-heading"'):]
    assert "Jobcentret" in register and f"/min-plan/samtykker/{recorded['id']}/tilbagekald" in register
    assert "data-confirm=" in register
    done = client.post(f"/min-plan/samtykker/{recorded['id']}/tilbagekald",
                       data={"reason": "Jeg vil ikke dele det", "csrf_token": csrf(page)})
    assert done.status_code == 303 and done.headers["Location"] == "/min-plan#consents"
    after = client.get("/min-plan").get_data(as_text=True)
    assert "Dit samtykke er trukket tilbage" in after
    with engine.reader() as uow:
        consent = uow.session.get(Consent, recorded["id"])
        assert (consent.withdrawn_by, consent.withdrawal_reason) == (f"ung:{youth_id}", "Jeg vil ikke dele det")
    assert open_task(engine, CASE_COORDINATOR, iid, "vurder_samtykke")["name"] == \
        "Samtykke trukket tilbage – vurder betydning"

    again = client.post(f"/min-plan/samtykker/{recorded['id']}/tilbagekald", data={"csrf_token": csrf(after)})
    assert again.status_code == 303
    assert "allerede" in client.get("/min-plan").get_data(as_text=True)
    assert refusals(engine, youth_id)[-1].endswith("(allerede tilbagekaldt)")


def test_another_young_persons_consent_is_refused_nothing_changed_and_logged(app, engine, clock):
    client, youth_id, _ = logged_in(app, engine, clock)
    _, other_id, _ = logged_in(app, engine, clock, "Anden Ung")
    theirs = consents.record_consent(engine.uow(), CASEWORKER, other_id, SHARING)
    before = len(refusals(engine, youth_id))
    page = client.get("/min-plan").get_data(as_text=True)
    response = client.post(f"/min-plan/samtykker/{theirs['id']}/tilbagekald", data={"csrf_token": csrf(page)})
    assert response.status_code == 303
    assert "Jobcentret" not in client.get("/min-plan").get_data(as_text=True).split('id="consents-heading"')[1]
    with engine.reader() as uow:
        assert uow.session.get(Consent, theirs["id"]).withdrawn_at is None
    assert len(refusals(engine, youth_id)) == before + 1


def test_min_plan_speaks_to_the_young_person_about_their_own_progression(app, engine, clock):
    """The case page says "den unge"; Min Plan is read by the young person, so it says "du"."""
    client, youth_id, _ = logged_in(app, engine, clock)
    page = client.get("/min-plan").get_data(as_text=True)
    assert "Du har endnu ikke udfyldt en selvvurdering" in page
    assert "Den unge har endnu ikke udfyldt" not in page
