"""Min Plan (issue 12): the one-time invite link, the young person's page and ``GET /api/v1/me``.

Bad input as the issue lists it: an invite for an unknown or closed young person, in production;
a used or expired link. Each is refused with a Danish message, changes nothing, and is logged.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from engine.courses import control
from engine.people import citizen_login
from engine.platform.models import AuditEntry, ProcessInstance, User
from engine.platform.settings import Settings
from tests.conftest import ADMIN, CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
from tests.course import ACCEPT, PLAN, REFERRAL, complete, follow_up, k_meeting, prepare_follow_up, start_course
from tests.web.fixtures import Pages
from web import create_app

pytestmark = pytest.mark.usefixtures("deployed")


def course_with_plan(engine: Any, name: str = "Mira Ung") -> tuple[int, int]:
    """A course through the k-meeting and the plan; the guide and caseworker have names and e-mail."""
    iid = start_course(engine, CASEWORKER, name)["id"]
    complete(engine, CASEWORKER, iid, "henvisning", REFERRAL)
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting())
    complete(engine, GUIDE, iid, "accepter_guide", ACCEPT)
    complete(engine, CASE_COORDINATOR, iid, "uddannelsesplan", PLAN)
    with engine.uow() as uow:
        uow.session.execute(update(User).where(User.username == "gustav").values(
            full_name="Gustav Guide", email="gustav@kommune.example"))
        uow.session.execute(update(User).where(User.username == "karin").values(full_name="Karin Koordinerende"))
        youth_id = uow.session.get(ProcessInstance, iid).youth_id
        uow.commit()
    return youth_id, iid


def invite(app: Any, youth_id: int | str, *more: str) -> Any:
    return app.test_cli_runner().invoke(args=["youth", "invite", str(youth_id), *more])


def token_of(result: Any) -> str:
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:5000/min-plan/invitation?t=ung_")
    return link.split("?t=", 1)[1]


def log(engine: Any, action: str) -> list[Any]:
    """The access log's rows of one action, oldest first: (username, youth_id, detail)."""
    with engine.reader() as uow:
        return list(uow.session.execute(select(AuditEntry.username, AuditEntry.youth_id, AuditEntry.detail)
                                        .where(AuditEntry.action == action).order_by(AuditEntry.id)))


def use(client: Any, token: str) -> Any:
    page = client.get(f"/min-plan/invitation?t={token}")
    assert page.status_code == 200  # the GET only shows the button: a link preview uses nothing up
    csrf = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/min-plan/invitation", data={"t": token, "csrf_token": csrf})


def test_an_invite_link_logs_the_young_person_in_once_and_shows_their_plan(app, engine):
    youth_id, _ = course_with_plan(engine)
    token = token_of(invite(app, youth_id))
    client = app.test_client()
    assert client.get("/min-plan").headers["Location"] == "/min-plan/login"
    assert use(client, token).headers["Location"] == "/min-plan"
    page = client.get("/min-plan").get_data(as_text=True)
    for shown in ("Mira Ung", "Start på EUD", "Uddannelse", "Praktik", "Virksomhedssporet", "Ikke startet",
                  "Gustav Guide", "gustav@kommune.example", "Karin Koordinerende", "Aftalt praktik",
                  "UU, familie", "Besøg virksomhed", "Næste opfølgning"):
        assert shown in page, shown
    logins = log(engine, "login")
    assert (logins[-1].username, logins[-1].youth_id, logins[-1].detail) == (f"ung:{youth_id}", youth_id,
                                                                              "min plan: invitation")
    assert log(engine, "my_plan_viewed")[-1].youth_id == youth_id

    again = use(app.test_client(), token)
    assert again.status_code == 403 and "allerede brugt" in again.get_data(as_text=True)
    assert log(engine, "login_refused")[-1].detail == "min plan: brugt invitation"


def test_the_api_gives_the_young_person_the_same_plan_as_json(app, engine):
    youth_id, _ = course_with_plan(engine)
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    me = client.get("/api/v1/me").get_json()
    course = me["course"]
    assert me["youth"] == {"id": youth_id, "name": "Mira Ung"}
    assert course["destination"] == {"title": "Uddannelse", "in_own_words": "Start på EUD"}
    assert course["tracks"] == [{"track": "Virksomhedssporet", "milestones": [
        {"title": "Praktik", "status": "Ikke startet", "status_value": "ikke_startet",
         "responsible": "Beskæftigelse", "due": "2026-06-01"}]}]
    assert course["people"]["guide"] == {"username": "gustav", "name": "Gustav Guide", "email": "gustav@kommune.example"}
    assert course["minutes"][0]["text"] == "Aftalt praktik"
    assert course["next_steps"] == [{"what": "Besøg virksomhed", "who": "Gustav Guide", "by": "2026-02-01"}]
    assert course["next"]["at"] is not None


def test_a_follow_ups_minutes_and_milestone_status_reach_min_plan(app, engine, clock):
    youth_id, iid = course_with_plan(engine)
    from engine.courses import events

    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)  # the young person's self-assessment comes before the follow-up
    complete(engine, GUIDE, iid, "opfoelgning", follow_up(False))
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    course = client.get("/api/v1/me").get_json()["course"]
    assert course["minutes"][0]["text"] == "Går godt"  # newest first
    assert course["tracks"][0]["milestones"][0]["status_value"] == "i_gang"


def test_an_expired_link_is_refused_and_logged(app, engine, clock):
    youth_id, _ = course_with_plan(engine)
    token = token_of(invite(app, youth_id))
    clock.advance(hours=72, seconds=1)
    response = use(app.test_client(), token)
    assert response.status_code == 403 and "udløbet" in response.get_data(as_text=True)
    assert log(engine, "login_refused")[-1].detail == "min plan: udløbet invitation"
    assert not [e for e in log(engine, "login") if e.username == f"ung:{youth_id}"]


def test_an_unknown_link_is_refused_and_logged(app, engine):
    response = use(app.test_client(), "ung_" + "x" * 43)
    assert response.status_code == 403 and "virker ikke" in response.get_data(as_text=True)
    assert log(engine, "login_refused")[-1].detail == "min plan: ukendt invitation"


def test_no_invite_for_an_unknown_or_closed_young_person(app, engine):
    result = invite(app, 999_999)
    assert result.exit_code == 1 and "ikke noget åbent forløb" in result.output
    youth_id, iid = course_with_plan(engine)
    token = token_of(invite(app, youth_id))  # made while the course was open
    control.close_course(engine.uow(), ADMIN, iid, "Flyttet")
    closed = invite(app, youth_id)
    assert closed.exit_code == 1 and "ikke noget åbent forløb" in closed.output
    assert use(app.test_client(), token).status_code == 403  # a link made earlier no longer opens anything
    denied = log(engine, "access_denied")
    assert [e.detail for e in denied[-2:]] == ["min plan: invitation til ung uden åbent forløb",
                                               "min plan: invitation til ung uden åbent forløb"]


def test_no_invite_in_production(engine):
    youth_id, _ = course_with_plan(engine)
    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret",
                      "SETTINGS": Settings(environment="production", secret_key="test-secret")})
    result = invite(app, youth_id)
    assert result.exit_code == 1 and "produktion" in result.output
    with engine.reader() as uow:
        from engine.platform.models import YouthInvite

        assert uow.session.scalars(select(YouthInvite)).all() == []
    assert log(engine, "access_denied")[-1].detail == "min plan: invitation i produktion"


def test_logout_ends_every_copy_of_the_young_persons_session(app, engine):
    youth_id, _ = course_with_plan(engine)
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    copy = app.test_client()
    copy.set_cookie("samspil_session", client.get_cookie("samspil_session").value)
    assert copy.get("/min-plan").status_code == 200
    page = client.get("/min-plan").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/min-plan/logout", data={"csrf_token": csrf}).headers["Location"] == "/min-plan/login"
    assert copy.get("/min-plan").headers["Location"] == "/min-plan/login"
    assert copy.get("/api/v1/me").status_code == 401
    assert log(engine, "logout")[-1].username == f"ung:{youth_id}"


def test_a_staff_session_is_refused_min_plan_and_a_staff_login_replaces_a_young_persons_session(app, engine):
    youth_id, _ = course_with_plan(engine)
    staff = app.test_client()
    Pages(staff).login("gustav")
    assert staff.get("/min-plan").status_code == 403
    assert log(engine, "access_denied")[-1].username == "gustav"
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    Pages(client).login("gustav")
    assert client.get("/min-plan").status_code == 403  # now staff: the young person's session is gone
    assert client.get("/").status_code == 200


def test_the_youth_role_is_never_a_staff_users(app, engine):
    result = app.test_cli_runner().invoke(args=["user", "add", "ulrik", "--role", "ung"], input="et-langt-kodeord\n")
    assert result.exit_code == 1 and "den unges egen" in result.output


def test_english_is_switchable(app, engine):
    youth_id, _ = course_with_plan(engine)
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get("/min-plan").get_data(as_text=True)
    assert "Your milestones" in page and '<html lang="en">' in page


def test_invite_lifetime_is_short() -> None:
    assert citizen_login.INVITE_LIFETIME == timedelta(hours=72)


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made by fpdf2: its content streams, inflated."""
    import re
    import zlib

    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
    text = b"".join(zlib.decompress(s) if s[:1] == b"x" else s for s in streams)
    return text.decode("latin-1")


def test_the_plan_downloads_as_a_pdf_with_the_same_content(app, engine):
    youth_id, _ = course_with_plan(engine)
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    before = len(log(engine, "my_plan_viewed"))
    response = client.get("/min-plan/plan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="min-plan.pdf"'
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    for shown in ("Hej Mira Ung", "Start på EUD", "Praktik", "Gustav Guide", "Aftalt praktik", "Besøg virksomhed"):
        assert shown in text, shown
    assert len(log(engine, "my_plan_viewed")) == before + 1
    assert app.test_client().get("/min-plan/plan.pdf").headers["Location"] == "/min-plan/login"


def test_the_next_meeting_is_the_open_follow_up_not_staffs_escalation(app, engine, clock):
    from engine.courses import events

    youth_id, _ = course_with_plan(engine)
    client = app.test_client()
    use(client, token_of(invite(app, youth_id)))
    waiting = client.get("/api/v1/me").get_json()["course"]["next"]
    assert waiting["open_steps"] == [] and waiting["at"].startswith("2026-04-")  # every 3 months
    clock.advance(days=92)
    events.fire_due_timers(engine)
    clock.advance(days=15)
    events.fire_due_timers(engine)  # the follow-up is overdue: staff get an escalation task
    due = client.get("/api/v1/me").get_json()["course"]["next"]
    assert [step["name"] for step in due["open_steps"]] == ["Opfølgning på planen"] and due["at"] is None
    assert "Eskalering" not in client.get("/min-plan").get_data(as_text=True)
