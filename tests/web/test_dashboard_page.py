"""The dashboard page, "Overblik", through the test client: tables, filters, CSV, who may see what."""
from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, k_meeting, start_course

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def waiting(engine, clock):
    first = start_course(engine, CASEWORKER, name="Anna Ung")
    complete(engine, CASEWORKER, first["id"], "henvisning", REFERRAL)
    second = start_course(engine, CASEWORKER, name="Bo Ung")
    complete(engine, CASEWORKER, second["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, second["id"], "k_moede", k_meeting())
    clock.advance(days=3)
    return first, second


def test_a_coordinator_sees_every_table_with_a_csv_link(pages, waiting):
    pages.login("kim")
    html = pages.get("/overblik/").get_data(as_text=True)
    for section in ("heatmap", "steps", "funnel", "deadlines", "caseload", "outcomes"):
        assert f'id="{section}"' in html
    for name in ("heatmap", "steps", "funnel", "overdue", "compliance", "caseload", "outcomes"):
        assert f'data-csv="{name}"' in html
    assert 'id="heatmap-data"' in html and "Tværgående koordineringsmøde (k-møde)" in html


def test_every_table_of_the_page_exports_to_csv(pages, waiting):
    pages.login("kim")
    for name, first_column in (("heatmap", "element_id"), ("steps", "element_id"), ("funnel", "step"),
                               ("overdue", "element_id"), ("compliance", "rule"), ("caseload", "lane"),
                               ("outcomes", "quarter")):
        response = pages.get(f"/overblik/{name}.csv?process_key=samarbejdsmodel")
        assert response.status_code == 200 and response.mimetype == "text/csv", name
        header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert header[0] == first_column
    listed = pages.get("/overblik/venter.csv?process_key=samarbejdsmodel&element_id=k_moede")
    rows = list(csv.DictReader(io.StringIO(listed.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["youth_name"] for row in rows] == ["Anna Ung"]
    assert pages.get("/overblik/findes_ikke.csv").status_code == 404


def test_a_period_ending_before_it_starts_is_shown_at_the_field_with_the_dates_kept(pages, waiting):
    pages.login("kim")
    response = pages.get("/overblik/?process_key=samarbejdsmodel&start=2026-03-01&end=2026-02-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="err-end"' in html and "Periodens slutdato ligger før startdatoen" in html
    assert 'value="2026-03-01"' in html and 'value="2026-02-01"' in html
    assert 'id="heatmap"' not in html


def test_an_unknown_process_is_a_message_not_an_error_page(pages, waiting):
    pages.login("kim")
    response = pages.get("/overblik/?process_key=findes_ikke")
    assert response.status_code == 200
    assert "Procesmodellen findes ikke" in response.get_data(as_text=True)


def test_the_list_shows_who_waits_at_a_step(pages, waiting):
    pages.login("kim")
    html = pages.get("/overblik/venter?process_key=samarbejdsmodel&element_id=k_moede").get_data(as_text=True)
    assert "Anna Ung" in html and "Bo Ung" not in html
    assert "1 unge venter" in html


def test_caseworkers_do_not_see_the_dashboard_and_process_owners_do_not_see_names(pages, waiting):
    pages.login("sara")
    assert pages.get("/overblik/").status_code == 403
    pages.login("per")
    assert pages.get("/overblik/").status_code == 200
    assert pages.get("/overblik/venter?process_key=samarbejdsmodel&element_id=k_moede").status_code == 403
    assert pages.get("/overblik/venter.csv?process_key=samarbejdsmodel&element_id=k_moede").status_code == 403


def test_the_progression_card_shows_the_average_change_per_quarter_and_exports_it(pages, engine, clock):
    from engine.courses import events
    from tests.conftest import GUIDE
    from tests.course import follow_up, prepare_follow_up, to_follow_up
    from web.sample_forms import self_assessment

    iid = to_follow_up(engine, name="Ida Ung")
    for level in (3, 7):  # first 3 on every scale, then 7: a change of +4
        clock.advance(days=92)
        events.fire_due_timers(engine)
        prepare_follow_up(engine, iid, self_assessment(level))
        complete(engine, GUIDE, iid, "opfoelgning", follow_up(reached=False))
    pages.login("kim")
    html = pages.get("/overblik/?start=2026-01-01&end=2026-09-30").get_data(as_text=True)
    assert 'id="progression-table"' in html and 'data-csv="progression"' in html
    assert "<td>2026-Q3</td><td>Alle</td><td class=\"num\">1</td><td class=\"num\">+4.00</td>" in html
    assert "Destination: uddannelse" in html and "Spor: virksomhedssporet" in html
    response = pages.get("/overblik/progression.csv?start=2026-01-01&end=2026-09-30")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))  # Excel's mark
    assert rows[0] == ["quarter", "dimension", "group", "young_people", "average_change"]
    assert ["2026-Q3", "all", "", "1", "4.0"] in rows
