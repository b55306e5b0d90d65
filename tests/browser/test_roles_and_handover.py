"""Roles and rights, cover and handover in the browser (issue 11): an admin gives a role a right and
creates a municipality's own role; a coordinator hands a sick guide's courses to a colleague after a
dry run. Screenshots in test-artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.courses import instances
from engine.people import users
from engine.work import tasks
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import violations
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, k_meeting, start_course

pytestmark = pytest.mark.usefixtures("deployed")


def accessible(page):
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert not found, found


def test_an_admin_changes_a_roles_rights_and_creates_a_role_of_the_municipalitys_own(page, new_page, engine):
    gustav = new_page()
    login(gustav, "gustav")
    expect(gustav.get_by_role("link", name="Overblik")).to_have_count(0)

    login(page, "admin")
    page.get_by_role("link", name="Roller").click()
    guide = page.locator('form[data-role="ungeguide"]')
    expect(guide.get_by_label("Sende beskeder til et forløb")).to_be_checked()
    guide.get_by_label("Se dashboard og nøgletal").check()
    guide.get_by_role("button", name="Gem rettigheder").click()
    expect(page.get_by_text("Rettighederne for ungeguide er gemt.")).to_be_visible()
    expect(page.locator('form[data-role="ungeguide"]').get_by_label("Se dashboard og nøgletal")).to_be_checked()
    shot(page, "roles-01-guide-may-see-the-dashboard")

    # a bad role name is refused by its field, nothing created
    page.get_by_label("Rollenavn (fx tovholder)").fill("Tov holder")
    page.get_by_role("button", name="Opret rolle").click()
    expect(page.locator("#new-role-name-error")).to_contain_text("små bogstaver")
    shot(page, "roles-02-bad-role-name")
    page.get_by_label("Rollenavn (fx tovholder)").fill("tovholder")
    page.locator("#new-role-heading + form").get_by_label("Registrere unge og starte forløb").check()
    page.get_by_role("button", name="Opret rolle").click()
    expect(page.locator('form[data-role="tovholder"]').get_by_label("Registrere unge og starte forløb")).to_be_checked()
    shot(page, "roles-03-tovholder-created")
    accessible(page)

    # gustav's next page has the dashboard: the right is data, read on every request
    gustav.reload()
    gustav.get_by_role("link", name="Overblik").click()
    expect(gustav.get_by_role("heading", level=1)).to_be_visible()
    assert gustav.url.endswith("/overblik/")
    shot(gustav, "roles-04-guide-sees-the-dashboard")
    # the new role is offered on the users page
    page.get_by_role("link", name="Brugere").click()
    expect(page.get_by_label("tovholder").first).to_be_visible()


def test_a_coordinator_hands_a_sick_guides_courses_to_a_colleague_after_a_dry_run(page, engine):
    for username, name in (("gustav", "Gustav Guide"), ("gitte", "Gitte Guide")):
        users.update_user(engine.uow(), username, name, None)
    courses = []
    for youth in ("Mikkel Jensen", "Sofie Hansen"):
        instance = start_course(engine, CASEWORKER, name=youth)
        complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
        complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting(guide="gustav"))
        courses.append(instance["id"])

    login(page, "kim")
    page.get_by_role("link", name="Overdragelse").click()
    page.get_by_label("Fra", exact=True).select_option("gustav")
    page.get_by_label("Til", exact=True).select_option("gitte")
    page.get_by_role("button", name="Vis hvad der flyttes").click()
    plan = page.locator("#handover-plan")
    expect(plan).to_contain_text("Mikkel Jensen")
    expect(plan).to_contain_text("Sofie Hansen")
    expect(plan).to_contain_text("Åbne opgaver (2)")
    shot(page, "handover-01-dry-run")
    accessible(page)
    # the dry run moved nothing
    gitte = users.actor_for_username(engine.reader(), "gitte")
    assert tasks.list_tasks(engine.uow(), gitte, tasks.TaskFilter(mine=True))[1] == 0

    page.get_by_role("button", name="Overdrag nu").click()
    expect(page.get_by_text("2 forløb og 2 opgaver er overdraget fra gustav til gitte.")).to_be_visible()
    shot(page, "handover-02-done")
    mine, total = tasks.list_tasks(engine.uow(), gitte, tasks.TaskFilter(mine=True))
    assert total == 2 and {t["element_id"] for t in mine} == {"accepter_guide"}
    for instance_id in courses:
        data = instances.get_instance(engine.uow(), COORDINATOR, instance_id)["data"]
        assert data["lane_owners"]["ungeguide"] == ["gitte"]
