"""The samspil command line, run through Flask's CLI runner against the test database."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.people import users
from engine.platform.models import ProcessInstance, Task, User
from tests.conftest import PROCESSES
from tests.diagrams import simple


def count(engine, model) -> int:
    with engine.reader() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_init_is_idempotent(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["init"]).exit_code == 0


def test_deploy_prints_key_and_version_and_says_when_nothing_changed(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["deploy", str(PROCESSES)])
    assert (first.exit_code, first.output.strip()) == (0, "samarbejdsmodel 1")
    again = runner.invoke(args=["deploy", str(PROCESSES)])
    assert again.output.strip() == "samarbejdsmodel 1 (uændret)"


def test_deploy_of_an_invalid_file_prints_each_error_with_its_element_and_exits_1(app, tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_text(simple().replace('targetRef="slut"', 'targetRef="mangler"').replace('name="sagsbehandler"', 'name=""'))
    result = app.test_cli_runner().invoke(args=["deploy", str(bad)])
    assert result.exit_code == 1
    assert "f2:" in result.output and "Lane_0:" in result.output


def test_user_add_reads_the_password_from_stdin_and_token_create_prints_a_token(app, engine):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["user", "add", "sara", "--role", "sagsbehandler", "--role", "ungeguide"],
                          input="et-langt-kodeord\n")
    assert added.exit_code == 0, added.output
    assert "sagsbehandler, ungeguide" in added.output
    token = runner.invoke(args=["token", "create", "sara"]).output.strip()
    response = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    # any plain role name is a role (issue 11); one that is not a plain identifier is refused
    assert runner.invoke(args=["user", "add", "bo", "--role", "Hacker; drop"], input="et-langt-kodeord\n").exit_code == 1
    assert runner.invoke(args=["token", "create", "nobody"]).exit_code == 1
    assert count(engine, User) == 1


def test_user_add_takes_a_role_a_municipality_names(app, engine):
    added = app.test_cli_runner().invoke(args=["user", "add", "tove", "--role", "tovholder"],
                                         input="et-langt-kodeord\n")
    assert added.exit_code == 0, added.output
    assert users.get_user(engine.reader(), "tove")["roles"] == ["tovholder"]


def test_worker_once_with_now_fires_the_timers_due_then(app, engine, people):
    from engine.courses import events  # noqa: F401  (the worker command drives engine.courses.events)
    from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
    from tests.course import ACCEPT, PLAN, REFERRAL, complete, k_meeting, start_course

    runner = app.test_cli_runner()
    runner.invoke(args=["deploy", str(PROCESSES)])
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    complete(engine, GUIDE, instance["id"], "accepter_guide", ACCEPT)
    complete(engine, CASE_COORDINATOR, instance["id"], "uddannelsesplan", PLAN)
    early = runner.invoke(args=["worker", "--once", "--now", "2026-03-01T08:00:00+00:00"])
    assert early.output.strip() == "0 forløb flyttet"
    late = runner.invoke(args=["worker", "--once", "--now", "2026-04-10T08:00:00+00:00"])
    assert late.output.strip() == "1 forløb flyttet"
    with engine.reader() as uow:
        # the follow-up fell due: the young person prepares it first (their self-assessment)
        assert uow.session.scalar(select(Task.element_id).where(Task.state == "ready")) == "forbered_opfoelgning"
    assert runner.invoke(args=["worker", "--once", "--now", "not a time"]).exit_code == 2


def test_demo_creates_users_and_young_people_at_every_step_once(app, engine):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "samspil-demo-2026" in result.output
    with engine.reader() as uow:
        waiting = set(uow.session.scalars(select(Task.element_id).where(Task.state == "ready")))
        statuses = set(uow.session.scalars(select(ProcessInstance.status)))
    assert {"henvisning", "luk_henvisning", "k_moede", "accepter_guide", "uddannelsesplan", "forbered_opfoelgning",
            "opfoelgning", "eskalering"} <= waiting
    assert statuses == {"running", "completed"}
    instances_before = count(engine, ProcessInstance)
    assert "findes allerede" in runner.invoke(args=["demo"]).output
    assert count(engine, ProcessInstance) == instances_before
