"""A coordinator opens the dashboard in Chromium, sees the heatmap, clicks the busiest step, exports a CSV."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.browser.conftest import login, shot
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, k_meeting, start_course

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def history(engine, clock):
    """Three young people wait for a k-meeting, one for the guide's acceptance."""
    names = ["Anna Ung", "Bo Ung", "Carl Ung", "Dorte Ung"]
    courses = []
    for name in names:
        course = start_course(engine, CASEWORKER, name=name)
        complete(engine, CASEWORKER, course["id"], "henvisning", REFERRAL)
        clock.advance(hours=5)
        courses.append(course)
    complete(engine, COORDINATOR, courses[3]["id"], "k_moede", k_meeting())
    clock.advance(days=2)
    return names


def test_a_coordinator_sees_the_heatmap_clicks_the_busiest_step_and_exports_its_list(page, history):
    login(page, "kim")
    page.goto("/overblik/")
    page.wait_for_selector("#heatmap-diagram[data-rendered='true']")
    badges = page.locator("#heatmap-diagram .heat-badge")
    counts = {badges.nth(i).get_attribute("data-element-id"): int(badges.nth(i).inner_text().split(" ")[0])
              for i in range(badges.count())}
    assert counts == {"k_moede": 3, "accepter_guide": 1}
    shot(page, "dashboard")

    busiest = max(counts, key=counts.get)
    page.locator(f"#heatmap-diagram .heat-badge[data-element-id='{busiest}']").click()
    page.wait_for_url("**/overblik/venter?**")
    rows = page.locator("#waiting-table tbody tr")
    assert rows.count() == 3
    assert sorted(rows.nth(i).locator("td").first.inner_text() for i in range(3)) == history[:3]
    shot(page, "dashboard-waiting")

    with page.expect_download() as download:
        page.locator("a[data-csv='venter']").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    exported = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["youth_name"] for row in exported) == history[:3]
    assert {row["element_id"] for row in exported} == {"k_moede"}
    assert all(row["overdue"] == "nej" for row in exported)
