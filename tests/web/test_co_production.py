"""The young person co-produces their plan on Min Plan (issue 12, part 3).

Each action as the young person does it (dream, comment, proposal, own milestone done) and the
guide's answer on the case page; each bad input (empty, too long, a milestone not in the plan, a
proposal already answered, another young person's milestone) comes back by its field with the text
kept, changes nothing, and is logged.
"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.people import co_production
from engine.platform.errors import Forbidden
from engine.platform.models import YouthContribution
from tests.web.fixtures import Pages
from tests.web.test_min_plan import course_with_plan, invite, log, token_of, use

pytestmark = pytest.mark.usefixtures("deployed")


def young_person(app: Any, engine: Any, name: str = "Mira Ung") -> tuple[Any, int]:
    youth_id, _ = course_with_plan(engine, name)
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    return client, youth_id


def post(client: Any, path: str, **data: Any) -> Any:
    token = client.get("/min-plan").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(path, data={**data, "csrf_token": token})


def rows(engine: Any, kind: str | None = None) -> int:
    with engine.reader() as uow:
        query = select(func.count()).select_from(YouthContribution)
        if kind:
            query = query.where(YouthContribution.kind == kind)
        return uow.session.scalar(query) or 0


def guide(app: Any) -> Pages:
    pages = Pages(app.test_client())
    pages.login("gustav")
    return pages


def test_the_dream_is_written_in_own_words_kept_with_history_and_seen_by_the_guide(app, engine):
    client, youth_id = young_person(app, engine)
    assert post(client, "/min-plan/droem", dream="Blive tømrer").status_code == 303
    assert post(client, "/min-plan/droem", dream="Blive tømrer og bo for mig selv").status_code == 303
    page = client.get("/min-plan").get_data(as_text=True)
    assert "Blive tømrer og bo for mig selv" in page and "Din drøm er gemt" in page
    assert rows(engine, "dream") == 2
    case = guide(app).get(f"/unge/{youth_id}").get_data(as_text=True)
    assert "Blive tømrer og bo for mig selv" in case and "Tidligere versioner (1)" in case
    assert [r.youth_id for r in log(engine, "co_production_dream")] == [youth_id, youth_id]


@pytest.mark.parametrize("text, message", [("   ", "Skriv noget, før du gemmer."),
                                           ("x" * 2001, "Teksten er for lang. Der er plads til 2000 tegn.")])
def test_an_empty_or_too_long_dream_is_refused_by_its_field_with_the_text_kept(app, engine, text, message):
    client, youth_id = young_person(app, engine)
    response = post(client, "/min-plan/droem", dream=text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="field-error" id="dream-text-error">{message}</p>' in page
    assert f">{text}</textarea>" in page  # what was typed is kept
    assert rows(engine) == 0
    assert log(engine, "co_production_refused")[-1][1:] == (youth_id, "dream: dream")


def test_a_comment_on_a_milestone_reaches_the_case_page(app, engine):
    client, youth_id = young_person(app, engine)
    said = "Jeg vil gerne i praktik hos en tømrer"
    assert post(client, "/min-plan/kommentar", milestone="Praktik", text=said).status_code == 303
    assert "Jeg vil gerne i praktik hos en tømrer" in client.get("/min-plan").get_data(as_text=True)
    case = guide(app).get(f"/unge/{youth_id}").get_data(as_text=True)
    assert "Jeg vil gerne i praktik hos en tømrer" in case
    assert log(engine, "co_production_comment")[-1].youth_id == youth_id


def test_a_comment_on_a_milestone_not_in_the_plan_or_empty_is_refused(app, engine):
    client, youth_id = young_person(app, engine)
    response = post(client, "/min-plan/kommentar", milestone="Andens milepæl", text="Hej")
    assert response.status_code == 422 and "Den milepæl findes ikke i din plan." in response.get_data(as_text=True)
    response = post(client, "/min-plan/kommentar", milestone="Praktik", text="")
    assert response.status_code == 422 and "Skriv noget, før du gemmer." in response.get_data(as_text=True)
    assert rows(engine) == 0
    assert [r.detail for r in log(engine, "co_production_refused")] == ["comment: milestone", "comment: text"]


def test_a_proposal_the_guide_accepts_becomes_the_young_persons_own_milestone_they_mark_done(app, engine):
    client, youth_id = young_person(app, engine)
    assert post(client, "/min-plan/forslag", title="Tage kørekort", due="2026-09-01").status_code == 303
    assert "Venter på svar" in client.get("/min-plan").get_data(as_text=True)
    staff = guide(app)
    case = staff.get(f"/unge/{youth_id}").get_data(as_text=True)
    assert "Tage kørekort" in case and "Tag med i planen" in case
    with engine.reader() as uow:
        proposal_id = uow.session.scalar(select(YouthContribution.id).where(YouthContribution.kind == "proposal"))
    answered = staff.post(f"/unge/{youth_id}/forslag", data={"proposal_id": proposal_id, "decision": "accept"})
    assert answered.status_code == 303
    page = client.get("/min-plan").get_data(as_text=True)
    own = page.split('id="own-milestones-heading"')[1].split("</section>")[0]
    assert "Tage kørekort" in own and "Med i planen" in own and "Jeg har gjort det: Tage kørekort" in own
    assert post(client, "/min-plan/udfoert", proposal_id=proposal_id).status_code == 303
    own = client.get("/min-plan").get_data(as_text=True).split('id="own-milestones-heading"')[1].split("</section>")[0]
    assert "Udført" in own and "Jeg har gjort det" not in own
    assert log(engine, "proposal_answered")[-1][:2] == ("gustav", youth_id)
    assert log(engine, "co_production_done")[-1].detail == f"forslag {proposal_id}"
    # done twice: refused by the field, nothing changed
    again = post(client, "/min-plan/udfoert", proposal_id=proposal_id)
    assert again.status_code == 422 and "allerede markeret som udført" in again.get_data(as_text=True)


def test_a_proposal_answered_with_a_reason_shows_the_reason_and_cannot_be_answered_again(app, engine):
    client, youth_id = young_person(app, engine)
    post(client, "/min-plan/forslag", title="Flytte til Aarhus")
    with engine.reader() as uow:
        proposal_id = uow.session.scalar(select(YouthContribution.id).where(YouthContribution.kind == "proposal"))
    staff = guide(app)
    no_reason = staff.post(f"/unge/{youth_id}/forslag", data={"proposal_id": proposal_id, "decision": "answer"})
    assert no_reason.status_code == 422 and "Skriv en begrundelse" in no_reason.get_data(as_text=True)
    assert staff.post(f"/unge/{youth_id}/forslag", data={
        "proposal_id": proposal_id, "decision": "answer", "answer": "Lad os tale om det til opfølgningen"}).status_code == 303
    page = client.get("/min-plan").get_data(as_text=True)
    assert "Besvaret" in page and "Lad os tale om det til opfølgningen" in page
    again = staff.post(f"/unge/{youth_id}/forslag", data={"proposal_id": proposal_id, "decision": "accept",
                                                         "answer": "Alligevel"})
    assert again.status_code == 422 and "Forslaget er allerede besvaret." in again.get_data(as_text=True)
    with engine.reader() as uow:
        assert uow.session.get(YouthContribution, proposal_id).status == "answered"
    assert log(engine, "co_production_refused")[-1].detail == "svar på forslag: proposal"


def test_an_empty_proposal_or_bad_date_is_refused_by_its_field(app, engine):
    client, _ = young_person(app, engine)
    empty = post(client, "/min-plan/forslag", title=" ", due="")
    assert empty.status_code == 422 and 'id="proposal-title-error">Skriv noget' in empty.get_data(as_text=True)
    bad = post(client, "/min-plan/forslag", title="Kørekort", due="i morgen")
    assert bad.status_code == 422 and 'id="proposal-due-error">Datoen kan ikke læses' in bad.get_data(as_text=True)
    assert 'value="Kørekort"' in bad.get_data(as_text=True)
    assert rows(engine) == 0


def test_another_young_persons_milestone_cannot_be_marked_done(app, engine):
    """The attack: the young person posts the id of another young person's accepted milestone."""
    other_client, other_id = young_person(app, engine, "Anden Ung")
    post(other_client, "/min-plan/forslag", title="Andens mål")
    with engine.reader() as uow:
        proposal_id = uow.session.scalar(select(YouthContribution.id).where(YouthContribution.youth_id == other_id))
    co_production.answer_proposal(engine.uow(), _gustav(), other_id, proposal_id, "accept", None)
    client, youth_id = young_person(app, engine)
    response = post(client, "/min-plan/udfoert", proposal_id=proposal_id)
    assert response.status_code == 422 and "Det er ikke en af dine egne milepæle." in response.get_data(as_text=True)
    assert "Andens mål" not in response.get_data(as_text=True)
    with engine.reader() as uow:
        assert uow.session.get(YouthContribution, proposal_id).status == "accepted"
    assert log(engine, "access_denied")[-1] == (f"ung:{youth_id}", youth_id, "min plan udført: ikke den unges milepæl")


def test_a_staff_user_cannot_write_as_the_young_person(engine):
    with pytest.raises(Forbidden):
        co_production.write_dream(engine.uow(), _gustav(), "Noget")
    assert rows(engine) == 0
    assert log(engine, "access_denied")[-1][:2] == ("gustav", None)


def _gustav() -> Any:
    from tests.conftest import GUIDE

    return GUIDE
