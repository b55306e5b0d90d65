"""Two municipalities on one installation: every route, walked by each one's all-powerful user, shows
nothing of the other and changes nothing of it (issue 11, part 4).

The attack: a user of Viborg (holding every role, so no permission check stands in the way) calls every
route of the app and the API with Ballerup's ids (its young person, course and task) and with Viborg's
own, over a session and over a token. No answer may name Ballerup's young person, users or task, and
Ballerup's rows must be exactly as before. On PostgreSQL the same walk runs again with the service
layer's filter switched off (:data:`engine.platform.tenancy.service_filter_enabled`): row-level
security alone must hold. Then the smaller attacks: a token used against the other tenant's ids, a
token whose tenant prefix is forged.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.bootstrap import Engine, bootstrap
from engine.courses import instances
from engine.definitions import deployment
from engine.definitions.process_files import files_from_paths
from engine.people import tenants, users, youths
from engine.people.access import Actor
from engine.people.role_defaults import DEFAULT_ROLES
from engine.platform import tenancy
from engine.platform.clock import FrozenClock
from engine.platform.models import AuditEntry, InstanceEvent, ProcessInstance, Task, User, Youth
from tests.conftest import PASSWORD, POSTGRES_URL, PROCESSES, START, _empty_postgres, on_postgres
from tests.course import ACCEPT, REFERRAL, complete, k_meeting, open_task
from tests.security.test_route_walk import METHODS, _body, _query, _rules, _values
from web import create_app

ALL_ROLES = tuple(sorted(DEFAULT_ROLES))


@dataclass
class Municipality:
    """One tenant's data: its all-powerful user, token and course, and what must never leak out of it."""

    tenant: int
    walker: str
    token: str
    youth_id: int
    instance_id: int
    task_id: str
    markers: tuple[str, ...]  # names and ids that only this tenant's answers may contain


@dataclass
class TwoTowns:
    engine: Engine
    app: Flask
    towns: dict[str, Municipality]

    def snapshot(self, town: str) -> dict[str, Any]:
        """Everything of a tenant a crossing write could change, read in that tenant."""
        with self.engine.uow(write=False, tenant=self.towns[town].tenant) as uow:
            s = uow.session
            return {
                "tasks": sorted(s.execute(select(Task.id, Task.state, Task.assignee, Task.completed_by)).all()),
                "instances": sorted(s.execute(select(ProcessInstance.id, ProcessInstance.status,
                                                     ProcessInstance.lock_version)).all()),
                "events": s.scalar(select(func.count()).select_from(InstanceEvent)),
                "youths": sorted(s.execute(select(Youth.id, Youth.name)).all()),
                "users": sorted(s.execute(select(User.username, User.active, User.session_generation)).all()),
                "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
            }


def _town(engine: Engine, tenant: int, walker: str, guide: str, caseworker: str, youth_name: str) -> Municipality:
    with tenancy.acting_in(tenant):
        actor = Actor(walker, frozenset(ALL_ROLES))
        users.add_user(engine.uow(), walker, PASSWORD, list(ALL_ROLES))
        users.add_user(engine.uow(), guide, PASSWORD, ["ungeguide"])
        users.add_user(engine.uow(), caseworker, PASSWORD, ["koordinerende_sagsbehandler"])
        token = users.create_token(engine.uow(), walker)
        deployment.deploy(engine.uow(), files_from_paths([PROCESSES]), actor)
        youth = youths.create_youth(engine.uow(), actor, youth_name, "2009-03-01")
        instance = instances.start_instance(engine.uow(), actor, "samarbejdsmodel", youth["id"])
        complete(engine, actor, instance["id"], "henvisning", REFERRAL)
        complete(engine, actor, instance["id"], "k_moede", k_meeting(guide, caseworker))
        complete(engine, Actor(guide, frozenset({"ungeguide"})), instance["id"], "accepter_guide", ACCEPT)
        plan = open_task(engine, actor, instance["id"], "uddannelsesplan")
        # A second course, just referred: its first task waits in a role queue every walker's inbox reads.
        queued = youths.create_youth(engine.uow(), actor, youth_name + " To", "2009-04-01")
        instances.start_instance(engine.uow(), actor, "samarbejdsmodel", queued["id"])
    return Municipality(tenant, walker, token, youth["id"], instance["id"], plan["id"],
                        (youth_name, walker, guide, caseworker, plan["id"]))


@pytest.fixture(scope="module")
def two_towns(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoTowns]:
    from argon2 import PasswordHasher

    if POSTGRES_URL:
        request.getfixturevalue("postgres_migrated")
        _empty_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        path = tmp_path_factory.mktemp("towns") / "samspil.db"
        shutil.copyfile(Path(request.getfixturevalue("sqlite_template")), path)
        url = f"sqlite:///{path}"
    engine = bootstrap(url, FrozenClock(START), secret_key="test-secret", workflow_cache_size=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        viborg = tenants.add_tenant(engine, "viborg", "Viborg Kommune")["id"]
        towns = {"ballerup": _town(engine, tenancy.DEFAULT_TENANT, "anne_ballerup", "aksel_ballerup", "asta_ballerup",
                                         "Aase Andersby"),
                 "viborg": _town(engine, viborg, "bent_viborg", "birk_viborg", "bodil_viborg",
                                       "Bertram Bøgely")}
        app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False})
        yield TwoTowns(engine, app, towns)
    engine.db.dispose()


@dataclass
class _Ids:
    """The ids the walk puts into each route (:func:`tests.security.test_route_walk._values` reads these)."""

    youth_id: int
    instance_id: int
    task_id: str


def _walk(towns: TwoTowns, walker_town: str, target_town: str) -> list[str]:
    """Every route and method as ``walker_town``'s user over ``target_town``'s ids: what leaked of the other."""
    me = towns.towns[walker_town]
    other = next(t for name, t in towns.towns.items() if name != walker_town)
    target = towns.towns[target_town]
    ids = _Ids(target.youth_id, target.instance_id, target.task_id)
    client = towns.app.test_client()
    response = client.post("/login", data={"username": me.walker, "password": PASSWORD})
    assert response.status_code == 302, f"login as {me.walker}: {response.status_code} {response.get_data(as_text=True)[-800:]}"
    headers = {"Authorization": f"Bearer {me.token}"}
    leaks = []
    for rule in _rules(towns):  # type: ignore[arg-type]
        if rule.endpoint in ("auth.logout", "auth.login", "static"):
            # Logging out ends the walk's session; an empty login names no user, so its failure is the
            # installation's (the default tenant's log: test_a_login_runs_in_its_users_tenant); static
            # files hold no one's data.
            continue
        path = rule.build(_values(ids, rule))[1] + _query(rule.endpoint)  # type: ignore[arg-type]
        for method in (m for m in METHODS if m in rule.methods):
            answer = client.open(path, method=method, headers=headers, **_body(ids, rule.endpoint))  # type: ignore[arg-type]
            text = answer.get_data(as_text=True).replace(ids.task_id, "")  # an answer may echo the path it got
            answer.close()
            if answer.status_code >= 500:
                leaks.append(f"{method} {path}: {answer.status_code}")
            leaks.extend(f"{method} {path}: shows {marker!r}" for marker in other.markers if marker in text)
    return leaks


# RLS alone on PostgreSQL: the same walk with the service layer's filter switched off (not on SQLite,
# where the service layer is the only wall).
FILTERS = [True, False] if on_postgres() else [True]


@pytest.mark.parametrize("service_filter", FILTERS, ids=["service-filter-and-rls", "rls-alone"][:len(FILTERS)])
@pytest.mark.parametrize(("walker_town", "target_town"),
                         [("viborg", "ballerup"), ("viborg", "viborg"), ("ballerup", "viborg")])
def test_a_user_of_one_tenant_finds_and_changes_nothing_of_the_other(
        two_towns: TwoTowns, monkeypatch: pytest.MonkeyPatch, service_filter: bool, walker_town: str,
        target_town: str) -> None:
    victim = next(name for name in two_towns.towns if name != walker_town)
    monkeypatch.setattr(tenancy, "service_filter_enabled", service_filter)
    before = two_towns.snapshot(victim)
    leaks = _walk(two_towns, walker_town, target_town)
    assert leaks == [], "\n".join(leaks)
    assert two_towns.snapshot(victim) == before, "a write crossed into the other tenant"


def test_the_filter_switch_is_what_the_rls_walk_relies_on(two_towns: TwoTowns, monkeypatch: pytest.MonkeyPatch) -> None:
    """The switch really removes the service-layer wall (on SQLite a query then sees both tenants), so the
    RLS-alone walk on PostgreSQL shows row-level security holding on its own."""
    monkeypatch.setattr(tenancy, "service_filter_enabled", False)
    with two_towns.engine.reader() as uow:
        names = {name.removesuffix(" To") for name in uow.session.scalars(select(Youth.name))}
    assert names == ({"Aase Andersby"} if on_postgres() else {"Aase Andersby", "Bertram Bøgely"})


def test_without_any_wall_the_walk_finds_the_other_tenant(two_towns: TwoTowns, monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk would see a forgotten filter: with no wall at all (the filter off and, on PostgreSQL, the
    app connected as the tables' owner, whom row-level security lets by) it finds the other tenant."""
    from dataclasses import replace

    from engine.platform.db import make_engine, make_session_factory

    monkeypatch.setattr(tenancy, "service_filter_enabled", False)
    owner_db = make_engine(two_towns.engine.db.url.render_as_string(hide_password=False))  # not samspil_app
    owner = replace(two_towns.engine, db=owner_db, session_factory=make_session_factory(owner_db))
    app = create_app({"TESTING": True, "ENGINE": owner, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False})
    try:
        leaks = _walk(replace(two_towns, engine=owner, app=app), "viborg", "viborg")
    finally:
        owner_db.dispose()
    assert any("Aase Andersby" in leak for leak in leaks)  # a young person of the other tenant
    assert any(leak.startswith("GET /api/v1/tasks:") for leak in leaks)  # the inbox's queues


def test_a_token_of_one_tenant_gets_404_for_the_other_tenants_ids(two_towns: TwoTowns) -> None:
    ballerup, viborg = two_towns.towns["ballerup"], two_towns.towns["viborg"]
    client = two_towns.app.test_client()
    headers = {"Authorization": f"Bearer {viborg.token}"}
    for path in (f"/api/v1/youths/{ballerup.youth_id}", f"/api/v1/instances/{ballerup.instance_id}",
                 f"/api/v1/tasks/{ballerup.task_id}"):
        assert client.get(path, headers=headers).status_code == 404, path
    assert client.post(f"/api/v1/tasks/{ballerup.task_id}/complete", headers=headers,
                       json={"data": {}}).status_code == 404
    own = client.get(f"/api/v1/tasks/{viborg.task_id}", headers=headers)
    assert own.status_code == 200 and own.get_json()["id"] == viborg.task_id


def test_a_token_with_a_forged_tenant_prefix_is_refused(two_towns: TwoTowns) -> None:
    viborg = two_towns.towns["viborg"]
    secret = viborg.token.partition(".")[2]
    client = two_towns.app.test_client()
    for forged in (f"sp_{secret}", f"sp_t1.{secret}", f"sp_t99.{secret}"):  # the token moved to another tenant
        answer = client.get(f"/api/v1/youths/{viborg.youth_id}", headers={"Authorization": f"Bearer {forged}"})
        assert answer.status_code == 401, forged


def test_a_login_runs_in_its_users_tenant(two_towns: TwoTowns) -> None:
    """Usernames are global: the login page finds bent_viborg's tenant from his name alone."""
    client = two_towns.app.test_client()
    assert client.post("/login", data={"username": "bent_viborg", "password": PASSWORD}).status_code == 302
    page = client.get(f"/unge/{two_towns.towns['viborg'].youth_id}").get_data(as_text=True)
    assert "Bertram Bøgely" in page and "Aase Andersby" not in page


def test_an_unknown_or_bad_tenant_key_is_a_clear_error(two_towns: TwoTowns) -> None:
    from engine.platform.errors import Conflict, InvalidInput, NotFound

    with pytest.raises(NotFound):
        tenants.tenant_id(two_towns.engine, "aarhus")
    with pytest.raises(InvalidInput):
        tenants.add_tenant(two_towns.engine, "Not A Key", "Aarhus Kommune")
    with pytest.raises(Conflict):
        tenants.add_tenant(two_towns.engine, "viborg", "Viborg igen")
    assert [t["key"] for t in tenants.list_tenants(two_towns.engine)] == ["default", "viborg"]
