"""The policy's tenant guard: an actor of one municipality is refused in a unit of work of another.

The attack: Viborg's administrator (read from the database, so the actor carries Viborg's tenant)
is handed to a service with a unit of work of Ballerup, as a request whose tenant was set wrong
would do. The filters then confine the unit of work to Ballerup's rows, so without the guard
Viborg's administrator would read and change Ballerup's data with Viborg's rights. Each call must be
refused, change nothing, and be in Ballerup's access log.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.definitions import deployment
from engine.definitions.process_files import files_from_paths
from engine.people import audit, tenants, users, youths
from engine.people.access import Actor
from engine.platform import tenancy
from engine.platform.errors import Forbidden
from engine.platform.models import ProcessVersion, Youth
from tests.conftest import PASSWORD, PROCESSES

BALLERUP = tenancy.DEFAULT_TENANT
LOG_READER = Actor("revisor", frozenset({"admin"}))  # built in code: of no one tenant


@pytest.fixture
def viborg_admin(engine) -> Actor:
    viborg = tenants.add_tenant(engine, "viborg", "Viborg Kommune")["id"]
    with tenancy.acting_in(viborg):
        users.add_user(engine.uow(), "vagn_viborg", PASSWORD, ["admin", "procesejer"])
        actor = users.actor_for_username(engine.uow(write=False), "vagn_viborg")
    assert actor is not None and actor.tenant == viborg
    return actor


@pytest.fixture
def ballerup_youth(engine) -> int:
    with tenancy.acting_in(BALLERUP):
        users.add_user(engine.uow(), "bo", PASSWORD, ["sagsbehandler"])
        return youths.create_youth(engine.uow(), Actor("bo", frozenset({"sagsbehandler"})), "Aase Andersby",
                                   "2009-03-01")["id"]


def crossings(engine) -> list[dict]:
    return [e for e in audit.list_entries(engine.uow(tenant=BALLERUP), LOG_READER, action="access_denied")
            if e["detail"].startswith("anden kommune")]


def count(engine, model) -> int:
    with engine.uow(write=False, tenant=BALLERUP) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_another_tenants_admin_cannot_read_a_young_person_in_this_tenants_unit_of_work(engine, viborg_admin,
                                                                                      ballerup_youth):
    with pytest.raises(Forbidden):
        youths.get_youth(engine.uow(tenant=BALLERUP), viborg_admin, ballerup_youth)
    with pytest.raises(Forbidden):
        youths.search_youths(engine.uow(tenant=BALLERUP), viborg_admin, "Aase")
    [second, first] = crossings(engine)
    assert first["user"] == second["user"] == "vagn_viborg"
    assert first["detail"] == f"anden kommune: aktøren hører til kommune {viborg_admin.tenant}"


def test_another_tenants_admin_cannot_register_a_young_person_here_and_nothing_is_kept(engine, viborg_admin,
                                                                                      ballerup_youth):
    with pytest.raises(Forbidden):  # the new row was written before the access-log row: it is rolled back
        youths.create_youth(engine.uow(tenant=BALLERUP), viborg_admin, "Indtrængt Ung", "2009-05-01")
    assert count(engine, Youth) == 1
    assert len(crossings(engine)) == 1


def test_another_tenants_process_owner_cannot_deploy_here(engine, viborg_admin):
    with pytest.raises(Forbidden):  # refused by the permission check, before the unit of work opens
        deployment.deploy(engine.uow(tenant=BALLERUP), files_from_paths([PROCESSES]), viborg_admin)
    assert count(engine, ProcessVersion) == 0
    assert len(crossings(engine)) == 1


def test_the_same_actor_in_its_own_tenant_and_actors_built_in_code_pass(engine, viborg_admin, ballerup_youth):
    with tenancy.acting_in(viborg_admin.tenant):  # its own tenant: allowed, and it sees nothing of Ballerup
        assert youths.search_youths(engine.uow(), viborg_admin, "Aase") == []
    assert youths.get_youth(engine.uow(tenant=BALLERUP), LOG_READER, ballerup_youth)["name"] == "Aase Andersby"
    assert crossings(engine) == []


def test_a_request_whose_tenant_was_set_wrong_after_login_is_refused(engine, viborg_admin, ballerup_youth):
    from web import create_app

    app = create_app({"TESTING": True, "ENGINE": engine, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False})

    @app.before_request
    def a_bug_that_sets_the_wrong_tenant() -> None:  # runs after the session's user was read, in Viborg
        tenancy.set_current(BALLERUP)

    client = app.test_client()
    assert client.post("/login", data={"username": "vagn_viborg", "password": PASSWORD}).status_code == 302
    page = client.get(f"/unge/{ballerup_youth}")
    assert page.status_code == 403 and "Aase Andersby" not in page.get_data(as_text=True)
    assert [e["user"] for e in crossings(engine)] == ["vagn_viborg"]
