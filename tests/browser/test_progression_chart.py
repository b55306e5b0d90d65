"""The case page shows the young person's self-assessments over time: a chart, and the same numbers in a
table for screen readers; axe-core finds nothing. Screenshot in test-artifacts/progression-case-page.png."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.courses import events, instances
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import violations
from tests.conftest import ADMIN, GUIDE
from tests.course import complete, follow_up, prepare_follow_up, to_follow_up
from web.sample_forms import self_assessment

pytestmark = pytest.mark.usefixtures("deployed")


def test_the_guide_sees_the_young_persons_progression_as_a_chart_and_a_table(page, engine, clock):
    iid = to_follow_up(engine, name="Ida Madsen")
    for round_number, level in enumerate((3, 5, 8), start=1):
        clock.advance(days=92)
        events.fire_due_timers(engine)
        prepare_follow_up(engine, iid, {**self_assessment(level), "oekonomi": 11 - level,
                                        **({"udsyn_note": "Jeg vil være tømrer"} if round_number == 3 else {})})
        complete(engine, GUIDE, iid, "opfoelgning", follow_up(reached=False))
    youth_id = instances.get_instance(engine.uow(), ADMIN, iid)["youth_id"]

    login(page, "gustav")
    page.goto(f"/unge/{youth_id}")
    card = page.locator("section.progression")
    expect(card.get_by_role("heading", name="Progression")).to_be_visible()
    chart = page.locator("#progression-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    # Something was drawn: the canvas is not blank.
    painted = page.evaluate("""() => {
        const c = document.getElementById('progression-chart');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) n++; } return n; }""")
    assert painted > 1000
    card.get_by_text("Vis tallene som tabel").click()
    table = page.locator("#progression-table")
    expect(table.locator("thead th")).to_have_text(["Opfølgning", "Dato", "Udsyn", "Indsigt", "Kompetencer", "Bolig",
                                                    "Helbred", "Netværk", "Økonomi"])
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("th")).to_have_text("1")
    expect(rows.nth(2)).to_contain_text("Jeg vil være tømrer")
    expect(rows.nth(2).locator("td").nth(1)).to_have_text("8Jeg vil være tømrer")  # udsyn and its note, round 3
    expect(rows.nth(2).locator("td").nth(7)).to_have_text("3")      # økonomi went the other way
    chart.scroll_into_view_if_needed()
    shot(page, "progression-case-page")
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert not found, found
