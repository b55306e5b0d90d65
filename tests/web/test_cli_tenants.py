"""``samspil tenant add`` and ``--tenant`` on user add, token create, deploy and demo (issue 11, part 4)."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.platform import tenancy
from engine.platform.models import ProcessVersion, User, Youth
from tests.conftest import PROCESSES


def _count(engine, model, tenant: int) -> int:
    with engine.uow(write=False, tenant=tenant) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_a_tenant_gets_its_own_users_processes_and_tokens(app, engine):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["tenant", "add", "ballerup", "--name", "Ballerup Kommune"])
    assert (added.exit_code, added.output.strip()) == (0, "Kommune ballerup (Ballerup Kommune) oprettet")
    assert "ballerup\tBallerup Kommune" in runner.invoke(args=["tenant", "list"]).output
    user = runner.invoke(args=["user", "add", "tove", "--role", "tovholder", "--tenant", "ballerup"],
                         input="et-langt-kodeord\n")
    assert user.exit_code == 0, user.output
    deployed = runner.invoke(args=["deploy", str(PROCESSES), "--tenant", "ballerup"])
    assert (deployed.exit_code, deployed.output.strip()) == (0, "samarbejdsmodel 1")
    # the default tenant deploys the same key as its own version 1: versions are per tenant
    assert runner.invoke(args=["deploy", str(PROCESSES)]).output.strip() == "samarbejdsmodel 1"
    ballerup = 2
    assert (_count(engine, User, ballerup), _count(engine, User, tenancy.DEFAULT_TENANT)) == (1, 0)
    assert (_count(engine, ProcessVersion, ballerup), _count(engine, ProcessVersion, tenancy.DEFAULT_TENANT)) == (1, 1)
    token = runner.invoke(args=["token", "create", "tove", "--tenant", "ballerup"]).output.strip()
    assert token.startswith("sp_t2.")
    answer = app.test_client().get("/api/v1/process-models", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code in (200, 403)  # tove's own tenant answers (her role may not list models)
    # tove is not a user of the default tenant: a token for her there is refused
    assert runner.invoke(args=["token", "create", "tove"]).exit_code == 1


def test_an_unknown_or_bad_tenant_key_is_a_clear_error_and_changes_nothing(app, engine):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["user", "add", "tove", "--role", "tovholder", "--tenant", "aarhus"],
                            input="et-langt-kodeord\n")
    assert unknown.exit_code == 1 and "Ukendt kommune: aarhus" in unknown.output
    assert runner.invoke(args=["deploy", str(PROCESSES), "--tenant", "aarhus"]).exit_code == 1
    assert runner.invoke(args=["demo", "--tenant", "aarhus"]).exit_code == 1
    bad = runner.invoke(args=["tenant", "add", "Bad Key", "--name", "X"])
    assert bad.exit_code == 1 and "nøgle" in bad.output
    runner.invoke(args=["tenant", "add", "viborg", "--name", "Viborg Kommune"])
    again = runner.invoke(args=["tenant", "add", "viborg", "--name", "Viborg igen"])
    assert again.exit_code == 1 and "allerede" in again.output
    assert _count(engine, User, tenancy.DEFAULT_TENANT) == 0 and _count(engine, ProcessVersion, 1) == 0


def test_demo_fills_a_second_tenant_beside_the_first(app, engine, monkeypatch):
    from web import demo

    monkeypatch.setattr(demo, "JOURNEYS", demo.JOURNEYS[:2])
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    runner.invoke(args=["tenant", "add", "viborg", "--name", "Viborg Kommune"])
    second = runner.invoke(args=["demo", "--tenant", "viborg"])
    assert second.exit_code == 0, second.output
    assert "sara_viborg" in second.output
    assert _count(engine, Youth, 2) == _count(engine, Youth, tenancy.DEFAULT_TENANT) > 0
