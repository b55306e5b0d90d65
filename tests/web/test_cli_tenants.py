"""``samspil tenant add`` and ``--tenant`` on user add, token create, deploy and demo (issue 11, part 4)."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.people import audit
from engine.people.access import Actor
from engine.platform import tenancy
from engine.platform.models import ProcessVersion, TenantLoginProvider, User, Youth
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


ROLE_MAP = '{"ballerup-tovholdere": "tovholder", "ballerup-koordinatorer": ["ungekoordinator"]}'


def _provider_rows(engine, tenant: int) -> list[TenantLoginProvider]:
    with engine.uow(write=False, tenant=tenant) as uow:
        rows = list(uow.session.scalars(select(TenantLoginProvider)))
        uow.session.expunge_all()
        return rows


def test_tenant_oidc_sets_a_tenants_provider_with_the_secret_from_the_environment_sealed_and_never_shown(
        app, engine, monkeypatch):
    runner = app.test_cli_runner()
    runner.invoke(args=["tenant", "add", "ballerup", "--name", "Ballerup Kommune"])
    monkeypatch.setenv("BALLERUP_OIDC_SECRET", "meget-hemmelig-klientnoegle")
    result = runner.invoke(args=["tenant", "oidc", "ballerup", "--issuer", "https://login.ballerup.example/",
                                 "--client-id", "samspil", "--client-secret-env", "BALLERUP_OIDC_SECRET",
                                 "--role-map", ROLE_MAP, "--display-name", "Ballerup Login"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Kommune ballerup logger ind gennem https://login.ballerup.example (klient samspil)"
    [row] = _provider_rows(engine, 2)
    assert "meget-hemmelig" not in row.client_secret_sealed  # sealed, and only this purpose's key opens it
    assert engine.parts.vault.unseal(row.client_secret_sealed, "oidc-client-secret") == "meget-hemmelig-klientnoegle"
    assert row.role_map == {"ballerup-tovholdere": ["tovholder"], "ballerup-koordinatorer": ["ungekoordinator"]}
    assert _provider_rows(engine, tenancy.DEFAULT_TENANT) == []
    shown = runner.invoke(args=["tenant", "show", "ballerup"]).output
    assert "issuer: https://login.ballerup.example" in shown and "client_id: samspil" in shown
    assert "display_name: Ballerup Login" in shown and "meget-hemmelig" not in shown
    listed = runner.invoke(args=["tenant", "list"]).output
    assert "ballerup\tBallerup Kommune\tlogin: https://login.ballerup.example" in listed
    assert "default\tStandard\tlogin: miljøets (SAMSPIL_OIDC_*)" in listed
    [logged] = [e for e in audit.list_entries(engine.uow(tenant=2), Actor("a", frozenset({"admin"})),
                                              action="login_provider_set")]
    assert logged["user"] == "cli" and "hemmelig" not in logged["detail"]


def test_tenant_oidc_reads_the_secret_from_stdin_and_replaces_the_earlier_provider(app, engine):
    runner = app.test_cli_runner()
    runner.invoke(args=["tenant", "add", "viborg", "--name", "Viborg Kommune"])
    base = ["tenant", "oidc", "viborg", "--client-id", "samspil", "--role-map", ROLE_MAP]
    assert runner.invoke(args=[*base, "--issuer", "http://127.0.0.1:1"], input="forste\n").exit_code == 0
    again = runner.invoke(args=[*base, "--issuer", "http://127.0.0.1:2", "--link-by-username"], input="anden\n")
    assert again.exit_code == 0, again.output
    assert "anden" not in again.output
    [row] = _provider_rows(engine, 2)
    assert (row.issuer, row.link_by_username) == ("http://127.0.0.1:2", True)
    assert engine.parts.vault.unseal(row.client_secret_sealed, "oidc-client-secret") == "anden"


def test_bad_provider_settings_are_clear_errors_and_store_nothing(app, engine, monkeypatch):
    runner = app.test_cli_runner()
    runner.invoke(args=["tenant", "add", "ballerup", "--name", "Ballerup Kommune"])
    base = ["tenant", "oidc", "ballerup", "--client-id", "samspil"]
    bad_map = runner.invoke(args=[*base, "--issuer", "https://idp.example", "--role-map", '{"g": "Tovholder!"}'],
                            input="s\n")
    assert bad_map.exit_code == 1 and "Rollekortet skal være et JSON-objekt" in bad_map.output
    not_json = runner.invoke(args=[*base, "--issuer", "https://idp.example", "--role-map", "tovholder"], input="s\n")
    assert not_json.exit_code == 1 and "role_map" in not_json.output
    bad_issuer = runner.invoke(args=[*base, "--issuer", "ftp://idp.example", "--role-map", ROLE_MAP], input="s\n")
    assert bad_issuer.exit_code == 1 and "Udstederen (--issuer)" in bad_issuer.output
    no_scope = runner.invoke(args=[*base, "--issuer", "https://idp.example", "--role-map", ROLE_MAP,
                                   "--scope", "profile email"], input="s\n")
    assert no_scope.exit_code == 1 and "openid" in no_scope.output
    monkeypatch.delenv("NO_SUCH_SECRET", raising=False)
    unset = runner.invoke(args=[*base, "--issuer", "https://idp.example", "--role-map", ROLE_MAP,
                                "--client-secret-env", "NO_SUCH_SECRET"])
    assert unset.exit_code == 1 and "NO_SUCH_SECRET er ikke sat" in unset.output
    unknown = runner.invoke(args=["tenant", "oidc", "aarhus", "--client-id", "x", "--issuer", "https://idp.example",
                                  "--role-map", ROLE_MAP], input="s\n")
    assert unknown.exit_code == 1 and "Ukendt kommune: aarhus" in unknown.output
    assert _provider_rows(engine, 2) == []
    assert "intet eget login" in runner.invoke(args=["tenant", "show", "ballerup"]).output
