"""The whole course in the browser, as four people, from referral to handover.

Sara (caseworker) registers the referral, Kim (youth coordinator) holds the k-meeting and later
lets the three-month follow-up deadline fall due at once, Gustav (youth guide) accepts and follows up,
Karin (coordinating caseworker) makes the plan and hands over. Along the way: the Danish texts, a form
error next to its field with the typed data kept, the highlighted step on the case page, a caseworker
refused another young person's case, and the access log listing each view. Every page is saved to test-artifacts/.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine.people import users
from tests.browser.conftest import login, shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("deployed")


def logout(page):
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_text("Du er logget ud.")).to_be_visible()


def open_task_from_inbox(page, task_name, youth_name):
    page.goto("/")
    expect(page.get_by_role("heading", name="Mine opgaver")).to_be_visible()
    row = page.locator("tr", has_text=youth_name).filter(has_text=task_name)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=task_name).click()
    expect(page.get_by_role("heading", level=1, name=task_name, exact=True)).to_be_visible()


def complete(page):
    page.get_by_role("button", name="Afslut opgaven").click()
    expect(page.get_by_text("er afsluttet.")).to_be_visible()


def prepare_as_the_young_person(engine, name):
    """The young person fills in their self-assessment through the completion service, as themselves."""
    from sqlalchemy import select

    from engine.people.access import youth_actor
    from engine.platform.models import Youth
    from engine.work import tasks
    from web.sample_forms import SELF_ASSESSMENT

    with engine.reader() as uow:
        youth_id = uow.session.scalars(select(Youth.id).where(Youth.name == name)).one()
    young = youth_actor(youth_id)
    task = tasks.youth_tasks(engine.uow(), young)[0]
    tasks.complete_task(engine.uow(), young, task["id"], SELF_ASSESSMENT)


def active_steps(page):
    page.wait_for_selector("#case-diagram[data-rendered=true]")
    return sorted(page.eval_on_selector_all(".djs-element.is-active", "els => els.map(e => e.dataset.elementId)"))


def test_four_people_take_a_young_person_from_referral_to_handover(page, new_page, engine):
    users.add_user(engine.uow(), "sofie", PASSWORD, ["sagsbehandler"])
    youth = "Emil Jensen"

    # Sara registers the referral: first with a missing field, then complete.
    login(page, "sara")
    expect(page.get_by_role("link", name="Start forløb")).to_be_visible()
    shot(page, "01-inbox-sara")
    page.get_by_role("link", name="Start forløb").click()
    expect(page.get_by_role("heading", name="Start et forløb")).to_be_visible()
    page.get_by_label("Navn").fill(youth)
    page.get_by_label("Fødselsdato").fill("2009-03-01")
    page.get_by_label("CPR-nummer").fill("010309-4234")
    page.get_by_label("Henvisende afdeling").select_option(label="Uddannelsesvejledning (UU)")
    page.get_by_role("checkbox", name="Familie og børn").check()
    page.get_by_role("checkbox", name="Socialområdet").check()
    page.get_by_label("Samtykke til deling af oplysninger på tværs af afdelinger er givet").check()
    page.get_by_label("Modtager af oplysningerne").fill("Ungeteamet")
    page.get_by_label("Samtykke givet af").select_option(label="Forælder/værge")  # Emil is 16
    page.get_by_role("button", name="Registrér henvisning").click()
    error = page.locator("#f-referral-henvisningsaarsag-error")
    expect(error).to_have_text("skal udfyldes")
    # the message sits in the field's own block, under its label
    expect(page.locator(".field--error", has=page.locator("#f-referral-henvisningsaarsag"))).to_contain_text("skal udfyldes")
    expect(page.get_by_label("Navn")).to_have_value(youth)
    expect(page.get_by_label("Modtager af oplysningerne")).to_have_value("Ungeteamet")
    expect(page.get_by_role("checkbox", name="Socialområdet")).to_be_checked()
    shot(page, "02-referral-form-error")
    page.get_by_label("Henvisningsårsag").fill("Har svært ved at komme i skole")
    page.get_by_role("button", name="Registrér henvisning").click()
    expect(page.get_by_text("Henvisningen for Emil Jensen er registreret")).to_be_visible()
    expect(page.get_by_role("heading", name=youth)).to_be_visible()
    assert active_steps(page) == ["k_moede"]
    expect(page.get_by_text("010309-XXXX")).to_be_visible()
    case_url = page.url
    shot(page, "03-case-after-referral")
    logout(page)

    # Sofie, another caseworker, may not open Emil's case.
    login(page, "sofie")
    page.goto(case_url)
    expect(page.get_by_role("heading", name="Adgang nægtet")).to_be_visible()
    shot(page, "04-case-denied")
    logout(page)

    # Kim holds the k-meeting and names the guide and the coordinating caseworker.
    kim = new_page()
    login(kim, "kim")
    open_task_from_inbox(kim, "Tværgående koordineringsmøde (k-møde)", youth)
    expect(kim.get_by_role("complementary").get_by_text(youth)).to_be_visible()
    kim.get_by_label("Mødedato").fill("2026-01-12")
    kim.get_by_label("Referat").fill("Aftalt praktik i en virksomhed")
    kim.get_by_label("Deltagere").fill("UU, familie, Emil")
    kim.get_by_label("Ungeguide").select_option("gustav")
    kim.get_by_label("Koordinerende sagsbehandler").select_option("karin")
    kim.get_by_role("button", name="Tilføj Handling").click()
    kim.locator("#f-foerste_handlinger-0-handling").fill("Besøg virksomhed")
    kim.locator("#f-foerste_handlinger-0-ansvarlig").fill("gustav")
    kim.locator("#f-foerste_handlinger-0-frist").fill("2026-02-01")
    kim.locator("#f-foerste_handlinger-1-handling").fill("Overflødig")
    kim.get_by_role("button", name="Fjern Handling 2").click()
    expect(kim.locator("#f-foerste_handlinger-1-handling")).to_have_count(0)
    expect(kim.get_by_label("Referat")).to_have_value("Aftalt praktik i en virksomhed")
    shot(kim, "05-k-meeting-form")
    complete(kim)
    shot(kim, "06-inbox-kim-after")

    # Gustav accepts the guide role (a personal task).
    gustav = new_page()
    login(gustav, "gustav")
    expect(gustav.get_by_role("heading", name="Mine personlige opgaver")).to_be_visible()
    open_task_from_inbox(gustav, "Accepter rollen som ungeguide", youth)
    gustav.get_by_label("Jeg påtager mig rollen som ungeguide").check()
    shot(gustav, "07-accept-guide")
    complete(gustav)

    # Karin makes the education and job plan.
    karin = new_page()
    login(karin, "karin")
    open_task_from_inbox(karin, "Uddannelses- og jobplan", youth)
    karin.get_by_label("Positiv destination").select_option(label="Uddannelse")
    karin.get_by_label("Beskrivelse af den unges mål").fill("Start på EUD")
    karin.locator("#f-milepaele-0-titel").fill("Praktik")
    karin.locator("#f-milepaele-0-spor").select_option(label="Virksomhedssporet")
    karin.locator("#f-milepaele-0-ansvarlig_afdeling").select_option(label="Beskæftigelse")
    karin.locator("#f-milepaele-0-frist").fill("2026-06-01")
    shot(karin, "08-plan-form")
    complete(karin)

    # The course waits three months for its follow-up; Kim lets it fall due now, from the case page.
    kim.goto(case_url)
    expect(kim.locator(".waiting-for")).to_contain_text("Forløbet venter på: Hver 3. måned")
    shot(kim, "09a-case-waiting-for-follow-up")
    kim.get_by_role("button", name="Udløs nu: Hver 3. måned").click()
    expect(kim.get_by_text("Tidsfristen er udløst, og forløbet er gået videre.")).to_be_visible()
    assert active_steps(kim) == ["forbered_opfoelgning"]  # the young person prepares the follow-up first
    prepare_as_the_young_person(engine, youth)  # (their Min Plan page is another branch's; the same service)
    kim.reload()
    assert active_steps(kim) == ["opfoelgning"]
    open_task_from_inbox(gustav, "Opfølgning på planen", youth)
    expect(gustav.get_by_role("complementary")).to_contain_text("Praktik")  # the plan beside the form
    gustav.get_by_label("Opfølgningsdato").fill("2026-04-06")
    gustav.get_by_label("Fremskridt").fill("Går godt")
    gustav.get_by_label("Den unge har nået sin positive destination").check()
    shot(gustav, "09-follow-up")
    complete(gustav)

    # Karin hands over; the course is completed.
    karin.goto(case_url)
    assert active_steps(karin) == ["overdragelse"]
    shot(karin, "10-case-at-handover")
    open_task_from_inbox(karin, "Overdragelse", youth)
    karin.get_by_label("Afslutningsårsag").select_option(label="Den unge er i uddannelse")
    karin.get_by_label("Afslutningsnote").fill("Startet på EUD <b>i august</b>")
    karin.get_by_label("Overtages af").fill("UU")
    complete(karin)
    karin.goto(case_url)
    expect(karin.get_by_text("Afsluttet", exact=True)).to_be_visible()
    assert active_steps(karin) == []
    shot(karin, "11-case-completed")

    # The admin sees every view in the access log.
    admin = new_page()
    login(admin, "admin")
    admin.get_by_role("link", name="Adgangslog").click()
    youth_id = re.search(r"/unge/(\d+)", case_url).group(1)
    admin.get_by_label("Ung (id)").fill(youth_id)
    admin.get_by_role("button", name="Filtrér").click()
    expect(admin.get_by_role("heading", name="Adgangslog")).to_be_visible()
    table = admin.locator("table.audit-table")
    for user, action in (("sara", "Sag vist"), ("sofie", "Adgang nægtet"), ("kim", "Opgave vist"),
                         ("gustav", "Opgave vist"), ("karin", "Sag vist"), ("karin", "Opgave afsluttet")):
        expect(table.locator("tr", has_text=user).filter(has_text=action).first).to_be_visible()
    shot(admin, "12-audit-log")
