"""The roles page, the handover page, the task page's assign button and the deactivation warning (issue 11)."""
from __future__ import annotations

import pytest

from engine.people import users
from engine.work import tasks
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, k_meeting, open_task, start_course

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def guided_course(engine) -> int:
    instance = start_course(engine, CASEWORKER, name="Mikkel Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting(guide="gustav"))
    return instance["id"]


def test_deactivating_a_guide_who_still_holds_courses_warns_with_the_counts_and_offers_the_handover(
        pages, engine, guided_course):
    pages.login("admin")
    response = pages.post("/admin/brugere/gustav/aktiv", data={"active": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "gustav har stadig 1 forløb og 1 åbne opgaver." in page
    assert "/admin/overdragelse?from=gustav" in page
    assert users.get_user(engine.reader(), "gustav")["active"] is True
    confirmed = pages.post("/admin/brugere/gustav/aktiv", data={"active": "0", "confirm": "1"})
    assert confirmed.status_code == 303
    assert users.get_user(engine.reader(), "gustav")["active"] is False


def test_deactivating_someone_holding_nothing_needs_no_warning(pages, engine, guided_course):
    pages.login("admin")
    assert pages.post("/admin/brugere/per/aktiv", data={"active": "0"}).status_code == 303
    assert users.get_user(engine.reader(), "per")["active"] is False


def test_the_handover_page_refuses_a_colleague_lacking_the_role_by_the_field(pages, engine, guided_course):
    pages.login("kim")
    response = pages.post("/admin/overdragelse", data={"from": "gustav", "to": "sara", "confirm": "1"})
    assert response.status_code == 422
    assert "sara er ikke en aktiv bruger med rollen ungeguide" in response.get_data(as_text=True)
    gustav = users.actor_for_username(engine.reader(), "gustav")
    assert tasks.list_tasks(engine.uow(), gustav, tasks.TaskFilter(mine=True))[1] == 1


def test_a_guide_may_not_open_the_handover_or_roles_page(pages, guided_course):
    pages.login("gustav")
    assert pages.get("/admin/overdragelse").status_code == 403
    assert pages.get("/admin/roller").status_code == 403


def test_a_coordinator_gives_an_open_task_to_another_guide_from_the_task_page(pages, engine, guided_course):
    task = open_task(engine, COORDINATOR, guided_course, "accepter_guide")
    pages.login("kim")
    page = pages.get(f"/opgaver/{task['id']}").get_data(as_text=True)
    assert 'name="user"' in page and 'value="gitte"' in page
    assert pages.post(f"/opgaver/{task['id']}/giv", data={"user": "gitte"}).status_code == 303
    gitte = users.actor_for_username(engine.reader(), "gitte")
    assert [t["id"] for t in tasks.list_tasks(engine.uow(), gitte, tasks.TaskFilter(mine=True))[0]] == [task["id"]]


def test_an_admin_saves_a_roles_rights_and_a_bad_permission_is_shown_by_the_field(pages, engine):
    pages.login("admin")
    assert pages.post("/admin/roller", data=[("name", "tovholder"), ("permissions", "register_youth")]).status_code == 303
    bad = pages.post("/admin/roller", data=[("name", "tovholder"), ("permissions", "rule_the_world")])
    assert bad.status_code == 422
    assert "Ukendt rettighed: rule_the_world" in bad.get_data(as_text=True)
