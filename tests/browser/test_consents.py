"""The consent register in the browser (issue 12, part 5): a caseworker records a consent on the case page
(a missing field is shown by the field first), withdraws it with a reason, the coordinating caseworker
finds the task "Samtykke trukket tilbage – vurder betydning" in her inbox, and the guide, the recipient
role, no longer sees the plan the consent covered. The case page is checked with axe-core; screenshots in
test-artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.courses import referrals
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import violations
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
from tests.course import ACCEPT, PLAN, REFERRAL, complete, k_meeting

pytestmark = pytest.mark.usefixtures("deployed")


def accessible(page):
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert not found, found


def test_staff_record_and_withdraw_a_consent_and_the_coordinating_caseworker_gets_the_task(page, new_page, engine):
    referred = referrals.register_referral(engine.uow(), CASEWORKER, {"name": "Nora Lund", "birthdate": "2004-05-01"},
                                           REFERRAL)
    iid, case_url = referred["instance_id"], f"/unge/{referred['youth_id']}"
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting(guide="gustav"))
    complete(engine, GUIDE, iid, "accepter_guide", ACCEPT)
    complete(engine, CASE_COORDINATOR, iid, "uddannelsesplan", PLAN)

    # Sara records that Nora lets the guides see her education information.
    login(page, "sara")
    page.goto(case_url)
    register = page.locator("#consents")
    expect(register).to_contain_text("Ungeteamet")   # the referral's consent is the first
    page.locator("summary", has_text="Registrér et samtykke").click()
    page.get_by_role("checkbox", name="Uddannelse").check()
    page.locator("#consent-recipient").fill("Ungeguiderne")
    page.get_by_label("Modtagerens rolle i Samspil").select_option("ungeguide")
    page.get_by_role("radio", name="Den unge").check()
    page.get_by_role("button", name="Registrér samtykke").click()
    expect(page.locator("#consent-purpose-error")).to_have_text("skal udfyldes")   # purpose forgotten
    expect(page.locator("#consent-recipient")).to_have_value("Ungeguiderne")  # what was typed is kept
    shot(page, "consents-01-missing-purpose")
    page.get_by_label("Formål").fill("Planlægning af uddannelse med guiden")
    page.get_by_role("button", name="Registrér samtykke").click()
    expect(page.get_by_text("Samtykket er registreret.")).to_be_visible()
    new = page.locator("#consent-2")
    expect(new).to_contain_text("Ungeguiderne")
    expect(new).to_contain_text("Gælder")
    shot(page, "consents-02-recorded")
    accessible(page)

    # Nora calls: she withdraws it. Sara writes why and confirms.
    new.locator("summary", has_text="Træk samtykket tilbage").click()
    new.get_by_label("Begrundelse").fill("Nora ringede og trak samtykket tilbage")
    page.once("dialog", lambda dialog: dialog.accept())
    new.get_by_role("button", name="Træk tilbage").click()
    expect(page.get_by_text("Samtykket er trukket tilbage.")).to_be_visible()
    withdrawn = page.locator("#consent-2")
    expect(withdrawn).to_contain_text("Trukket tilbage")
    expect(withdrawn).to_contain_text("Nora ringede og trak samtykket tilbage")
    expect(withdrawn.get_by_role("button", name="Træk tilbage")).to_have_count(0)
    shot(page, "consents-03-withdrawn")
    accessible(page)

    # Karin, the coordinating caseworker, has the task in her inbox and opens it.
    karin = new_page()
    login(karin, "karin")
    karin.goto("/")
    task_link = karin.get_by_role("link", name="Samtykke trukket tilbage – vurder betydning")
    expect(task_link).to_be_visible()
    shot(karin, "consents-04-coordinator-inbox")
    task_link.click()
    expect(karin.get_by_label("Hvad betyder tilbagekaldelsen for forløbet?")).to_be_visible()
    expect(karin.locator("#consents")).to_contain_text("Trukket tilbage")
    shot(karin, "consents-05-coordinator-task")

    # Gustav, a guide (the recipient role), no longer sees the plan the consent covered.
    gustav = new_page()
    login(gustav, "gustav")
    gustav.goto(case_url)
    expect(gustav.get_by_text("Samtykket til din rolle er trukket tilbage eller udløbet")).to_be_visible()
    expect(gustav.get_by_text("Der er ingen plan endnu.")).to_be_visible()
    shot(gustav, "consents-06-guide-without-the-plan")
