"""Courses at every step moved to a changed version through the workbench (dry run, confirmation):
each case page shows the same people, step, next deadline and data before and after (issue 9)."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from engine.definitions import deployment
from engine.platform.models import ProcessInstance
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import violations
from tests.conftest import OWNER
from tests.migration_states import default_course_states
from tests.workbench import default_files_text, with_bpmn


def case_page(page, youth_id):
    """What the case page says about the course: where it stands (steps, people on them, what it
    waits for and its next deadline) and, beside it, the people, the plan and the consent."""
    page.goto(f"/unge/{youth_id}")
    where = page.locator("section[aria-labelledby=diagram-heading]")
    return {"where": " ".join(where.locator("p").all_inner_texts()),
            "beside": page.locator("aside").inner_text()}


def test_courses_at_every_step_show_the_same_case_page_after_a_move_through_the_workbench(page, engine, clock,
                                                                                          deployed):
    courses = default_course_states(engine, clock)
    with engine.reader() as uow:
        youth_of = {state: uow.session.get(ProcessInstance, iid).youth_id for state, iid in courses.items()}
    login(page, "admin")
    before = {state: case_page(page, youth) for state, youth in youth_of.items()}
    assert "næste frist 23.10.2026" in before["vent_paa_opfoelgning"]["where"]
    assert "Ungeguide\ngustav" in before["accepter_guide"]["beside"] and "Praktik" in before["opfoelgning"]["beside"]
    shot(page, "migration-case-before")
    deployment.deploy(engine.uow(), with_bpmn(default_files_text(), ">P3M<", ">P2M<"), OWNER)

    page.goto("/procesmodeller/samarbejdsmodel/migrering?fra=1&til=2")
    page.get_by_role("button", name="Prøvekørsel").click()
    expect(page.locator("#migration-status")).to_have_text(f"{len(courses)} af {len(courses)} forløb kan flyttes.")
    waiting = page.locator(f'#migration-table tr[data-instance="{courses["vent_paa_opfoelgning"]}"]')
    expect(waiting.locator("th")).to_have_text("Vera Venter")  # an administrator may see the young person
    expect(waiting.locator("td").first).to_have_text("Hver 3. måned")
    before_cell = waiting.locator('td[data-deadline="before"]')
    expect(waiting.locator('td[data-deadline="after"]')).to_have_text(before_cell.inner_text())  # kept
    shot(page, "migration-dry-run")
    assert not violations(page), violations(page)  # WCAG 2.1 A/AA with the report shown

    page.get_by_role("button", name="Flyt forløbene").click()
    dialog = page.get_by_role("dialog", name="Flyt forløbene?")
    expect(dialog).to_contain_text(f"{len(courses)} forløb flyttes fra version 1 til version 2.")
    expect(dialog).to_contain_text("Ventende frister beholdes.")
    shot(page, "migration-confirm")
    assert not violations(page), violations(page)  # and with the confirmation open
    page.get_by_role("button", name="Fortryd").click()
    expect(page.locator("#migration-status")).to_have_text("Intet er flyttet.")
    with engine.reader() as uow:
        assert set(uow.session.scalars(select(ProcessInstance.process_version_id))) == {1}

    page.get_by_role("button", name="Flyt forløbene").click()
    page.get_by_role("button", name="Ja, flyt forløbene").click()
    expect(page.locator("#migration-status")).to_have_text(f"{len(courses)} forløb er flyttet til version 2.")
    shot(page, "migration-moved")

    after = {state: case_page(page, youth) for state, youth in youth_of.items()}
    assert after == before
    expect(page.locator(".page-head")).to_contain_text("version 2")
    shot(page, "migration-case-after")
