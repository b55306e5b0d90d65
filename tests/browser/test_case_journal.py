"""The case record in the browser: the coordinator reads the referral before the k-meeting, a guide
declines explicitly (with a confirmation), and a follow-up marks a milestone reached, which the plan
then shows. The pages changed on the way are checked with axe-core; screenshots in test-artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.courses import events
from engine.people import users
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import violations
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, OTHER_GUIDE
from tests.course import ACCEPT, PLAN, REFERRAL, complete, k_meeting, open_task, prepare_follow_up, start_course

pytestmark = pytest.mark.usefixtures("deployed")


def accessible(page):
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert not found, found


def test_a_guide_declines_the_coordinator_reads_the_journal_and_a_follow_up_reaches_a_milestone(
        page, new_page, engine, clock):
    for username, name in (("sara", "Sara Sagsbehandler"), ("kim", "Kim Koordinator"), ("gustav", "Gustav Guide"),
                           ("gitte", "Gitte Guide"), ("karin", "Karin Koordinerende")):
        users.update_user(engine.uow(), username, name, None)
    instance = start_course(engine, CASEWORKER, name="Mikkel Jensen")
    iid = instance["id"]
    complete(engine, CASEWORKER, iid, "henvisning", {**REFERRAL, "henvisningsaarsag": "Stort skolefravær siden 8. klasse"})
    case_url = f"/unge/{instance['youth_id']}"

    # Kim reads why Mikkel was referred before the k-meeting: the journal, in Danish, by name.
    login(page, "kim")
    page.goto(case_url)
    journal = page.locator("#journal")
    expect(journal).to_contain_text("Stort skolefravær siden 8. klasse")
    expect(journal).to_contain_text("Uddannelsesvejledning (UU)")
    expect(journal).to_contain_text("Familie og børn, Socialområdet")
    expect(journal).to_contain_text("Sara Sagsbehandler")
    expect(journal).to_contain_text("Den unge har sager i to eller flere afdelinger")
    shot(page, "journal-01-case-before-k-meeting")
    accessible(page)
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting(guide="gustav"))

    # Gustav must choose; choosing "decline" asks for confirmation and a reason.
    gustav = new_page()
    login(gustav, "gustav")
    task = open_task(engine, COORDINATOR, iid, "accepter_guide")
    gustav.goto(f"/opgaver/{task['id']}")
    expect(gustav.get_by_role("radio", name="Jeg påtager mig rollen som ungeguide")).not_to_be_checked()
    expect(gustav.get_by_role("radio", name="Jeg afslår rollen")).not_to_be_checked()
    accessible(gustav)
    gustav.get_by_role("button", name="Afslut opgaven").click()  # no choice: refused by the field
    expect(gustav.locator("#f-accepteret-error")).to_have_text("skal udfyldes")
    gustav.get_by_role("radio", name="Jeg afslår rollen").check()
    asked = []
    gustav.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    gustav.get_by_role("button", name="Afslut opgaven").click()
    expect(gustav.get_by_role("radio", name="Jeg afslår rollen")).to_be_checked()  # dismissed: still here
    assert asked and asked[0].startswith("Vil du afslå rollen som ungeguide?")
    gustav.once("dialog", lambda dialog: dialog.accept())
    gustav.get_by_role("button", name="Afslut opgaven").click()
    expect(gustav.locator("#f-bemaerkning-error")).to_have_text("skal udfyldes")  # a decline needs a reason
    shot(gustav, "journal-02-decline-needs-reason")
    gustav.get_by_label("Bemærkning").fill("Jeg har for mange sager lige nu")
    gustav.once("dialog", lambda dialog: dialog.accept())
    gustav.get_by_role("button", name="Afslut opgaven").click()
    expect(gustav.get_by_text("Du har afslået rollen som ungeguide")).to_be_visible()
    expect(gustav.get_by_text("nyt k-møde")).to_be_visible()
    shot(gustav, "journal-03-declined")

    # The case no longer names Gustav as guide; the decision stays in the journal.
    page.goto(case_url)
    expect(page.locator("section", has=page.locator("#youth-heading"))).to_contain_text("Ikke valgt endnu")
    expect(page.locator("#journal")).to_contain_text("Jeg afslår rollen")
    expect(page.locator("#journal")).to_contain_text("Jeg har for mange sager lige nu")
    shot(page, "journal-04-case-after-decline")

    # A new k-meeting chooses Gitte, who accepts; Karin makes the plan; the follow-up falls due.
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting(guide="gitte"))
    complete(engine, OTHER_GUIDE, iid, "accepter_guide", ACCEPT)
    complete(engine, CASE_COORDINATOR, iid, "uddannelsesplan", PLAN)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)

    gitte = new_page()
    login(gitte, "gitte")
    follow_up = open_task(engine, OTHER_GUIDE, iid, "opfoelgning")
    gitte.goto(f"/opgaver/{follow_up['id']}")
    gitte.get_by_label("Opfølgningsdato").fill("2026-04-06")
    gitte.get_by_label("Fremskridt").fill("Praktikken er gennemført")
    gitte.get_by_role("button", name="Tilføj Milepæl").click()
    gitte.locator("#f-milepaele_status-0-titel").select_option("Praktik")
    gitte.locator("#f-milepaele_status-0-status").select_option(label="Nået")
    accessible(gitte)
    shot(gitte, "journal-05-follow-up")
    gitte.get_by_role("button", name="Afslut opgaven").click()
    expect(gitte.get_by_text("er afsluttet.")).to_be_visible()

    # The plan shows the milestone reached; the follow-up is in the journal as a small table.
    page.goto(case_url)
    plan = page.locator("section", has=page.locator("#plan-heading"))
    expect(plan.locator(".milestones li", has_text="Praktik")).to_contain_text("Nået")
    expect(page.locator("#journal table").last).to_contain_text("Nået")
    expect(page.locator("#journal")).to_contain_text("Gitte Guide")
    shot(page, "journal-06-case-milestone-reached")
    accessible(page)

    # The finished follow-up reopens as what was submitted, not an empty form.
    gitte.goto(f"/opgaver/{follow_up['id']}")
    expect(gitte.get_by_role("heading", name="Det blev indsendt")).to_be_visible()
    expect(gitte.locator(".readonly-fields")).to_contain_text("Praktikken er gennemført")
    expect(gitte.locator("form.task-form")).to_have_count(0)
    shot(gitte, "journal-07-finished-follow-up")
    accessible(gitte)


def test_the_referrer_reads_the_recommendation_and_the_coordinator_pauses_with_errors_by_the_fields(page, new_page,
                                                                                                     engine):
    from tests.course import CLOSE, REFERRAL_OUTSIDE, to_follow_up

    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL_OUTSIDE)
    complete(engine, COORDINATOR, instance["id"], "luk_henvisning", CLOSE)
    login(page, "sara")
    notices = page.locator("section", has=page.get_by_role("heading", name="Beskeder til dig"))
    expect(notices).to_contain_text("Din henvisning af Emil Jensen er lukket")
    expect(notices).to_contain_text("Kontakt UU direkte")
    shot(page, "journal-08-inbox-notice")
    accessible(page)
    notices.get_by_role("link", name="Se sagen for Emil Jensen").click()
    expect(page.get_by_role("heading", name="Henvisningen er lukket med en anbefaling")).to_be_visible()
    accessible(page)
    page.goto("/")
    page.get_by_role("button", name="Markér som læst").click()
    expect(page.get_by_role("heading", name="Beskeder til dig")).to_have_count(0)

    iid = to_follow_up(engine, name="Mikkel Madsen")
    kim = new_page()
    login(kim, "kim")
    from tests.integration.test_journal import _youth_of

    kim.goto(f"/unge/{_youth_of(engine, iid)}")
    kim.get_by_text("Sæt forløbet på pause").click()
    kim.get_by_label("Genoptages den").fill("2026-01-01")
    kim.get_by_role("button", name="Sæt på pause").click()
    expect(kim.locator("#pause-reason-error")).to_have_text("skal udfyldes")
    expect(kim.locator("#pause-resume-on-error")).to_have_text("skal ligge efter i dag")
    shot(kim, "journal-09-pause-errors")
    accessible(kim)
    kim.get_by_label("Begrundelse").first.fill("Indlagt på hospital")
    kim.get_by_label("Genoptages den").fill("2026-03-01")
    kim.get_by_role("button", name="Sæt på pause").click()
    expect(kim.get_by_text("Forløbet er sat på pause til 01.03.2026")).to_be_visible()
    expect(kim.locator("#journal")).to_contain_text("Indlagt på hospital")
    shot(kim, "journal-10-paused")
    accessible(kim)
