"""The dashboard's REST endpoints: JSON and CSV for every table, and bad input answered clearly."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from engine.platform.models import Task
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
from tests.course import ACCEPT, HANDOVER, PLAN, REFERRAL, complete, follow_up, k_meeting, prepare_follow_up, start_course
from web.csv_export import csv_response

pytestmark = pytest.mark.usefixtures("deployed")

FIGURES = ["heatmap", "steps", "funnel", "overdue", "compliance", "caseload", "outcomes"]
PERIOD = "start=2026-01-05&end=2026-06-30"


@pytest.fixture
def courses(engine, clock):
    """Three young people: one waiting at the k-meeting, one at the guide's acceptance, one handed over."""
    waiting = start_course(engine, CASEWORKER, name="Anna Ung")
    complete(engine, CASEWORKER, waiting["id"], "henvisning", REFERRAL)
    guide = start_course(engine, CASEWORKER, name="Bo Ung")
    complete(engine, CASEWORKER, guide["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, guide["id"], "k_moede", k_meeting())
    done = start_course(engine, CASEWORKER, name="Carl Ung", birthdate="2005-05-05")
    complete(engine, CASEWORKER, done["id"], "henvisning", REFERRAL)
    clock.advance(days=2)
    complete(engine, COORDINATOR, done["id"], "k_moede", k_meeting())
    complete(engine, GUIDE, done["id"], "accepter_guide", ACCEPT)
    complete(engine, CASE_COORDINATOR, done["id"], "uddannelsesplan", PLAN)
    clock.advance(days=92)
    from engine.courses import events
    events.fire_due_timers(engine)
    prepare_follow_up(engine, done["id"])
    complete(engine, GUIDE, done["id"], "opfoelgning", follow_up(reached=True))
    complete(engine, CASE_COORDINATOR, done["id"], "overdragelse", HANDOVER)
    clock.advance(days=1)
    return {"waiting": waiting["id"], "guide": guide["id"], "done": done["id"]}


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_every_figure_answers_json_and_the_same_rows_as_csv(api, courses):
    for figure in FIGURES:
        check_json_and_csv(api, figure)


def check_json_and_csv(api, figure):
    answer = api.as_("kim").get(f"/metrics/{figure}?process_key=samarbejdsmodel&{PERIOD}")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["filters"]["process_key"] == "samarbejdsmodel" and body["rows"]
    exported = api.as_("kim").get(f"/metrics/{figure}?process_key=samarbejdsmodel&{PERIOD}&format=csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    header, *lines = read_csv(exported)
    assert len(lines) == len(body["rows"])
    assert set(header) <= set(body["rows"][0])
    first = dict(zip(header, lines[0], strict=True))
    for column, value in body["rows"][0].items():
        if column in first and not isinstance(value, bool):
            assert first[column] == ("" if value is None else str(value))


def test_the_heatmap_and_the_waiting_list_show_who_waits_where(api, courses):
    heat = api.as_("kim").get("/metrics/heatmap?process_key=samarbejdsmodel").get_json()
    assert {row["element_id"]: row["waiting"] for row in heat["rows"]} == {"k_moede": 1, "accepter_guide": 1}
    listed = api.as_("kim").get("/metrics/waiting?process_key=samarbejdsmodel&element_id=k_moede").get_json()
    assert [(row["youth_name"], row["instance_id"], row["overdue"]) for row in listed["rows"]] == \
        [("Anna Ung", courses["waiting"], False)]
    assert listed["total"] == 1
    exported = api.as_("kim").get("/metrics/waiting?process_key=samarbejdsmodel&element_id=k_moede&format=csv")
    header, *lines = read_csv(exported)
    assert header[:3] == ["youth_id", "youth_name", "cpr"] and lines[0][1] == "Anna Ung"


def test_outcomes_count_the_handover_by_destination(api, courses):
    body = api.as_("kim").get(f"/metrics/outcomes?process_key=samarbejdsmodel&{PERIOD}").get_json()
    assert {row["quarter"]: (row["education"], row["total"]) for row in body["rows"]} == \
        {"2026-Q1": (0, 0), "2026-Q2": (1, 1)}


def test_a_period_that_ends_before_it_starts_is_a_clear_error_with_no_rows(api, courses):
    answer = api.as_("kim").get("/metrics/steps?process_key=samarbejdsmodel&start=2026-03-01&end=2026-02-01")
    assert answer.status_code == 422
    assert answer.get_json() == {"error": "Periodens slutdato ligger før startdatoen", "field": "end", "rows": [],
                                 "code": "engine.dashboard.end_before_start"}


def test_an_unknown_process_or_version_is_a_clear_error_with_no_rows(api, courses):
    unknown = api.as_("kim").get("/metrics/funnel?process_key=findes_ikke")
    assert unknown.status_code == 404
    assert unknown.get_json() == {"error": "Procesmodellen findes ikke", "code": "engine.process.not_found",
                                  "rows": []}
    no_version = api.as_("kim").get("/metrics/heatmap?process_key=samarbejdsmodel&version=7")
    assert no_version.status_code == 404 and no_version.get_json()["rows"] == []


def test_a_filter_that_matches_nothing_gives_an_empty_result_and_a_message(api, courses):
    for figure in ["heatmap", "steps", "caseload", "outcomes", "funnel", "compliance"]:
        body = api.as_("kim").get(f"/metrics/{figure}?process_key=samarbejdsmodel&team=ingen&{PERIOD}").get_json()
        assert body["message"] == "Ingen data matcher filtrene", figure
        assert all(not row.get("waiting") and not row.get("reached") and not row.get("total")
                   and not row.get("due") for row in body["rows"]), figure


MALFORMED = [("start=2026-13-01", "start"), ("end=igår", "end"), ("version=abc", "version"),
             ("version=0", "version"), ("age_band=17-15", "age_band"), ("age_band=femten", "age_band"),
             ("start=2000-01-01&end=2026-01-01", "start")]


def test_malformed_filters_are_refused_with_the_field_named(api, courses):
    for query, field in MALFORMED:
        answer = api.as_("kim").get(f"/metrics/heatmap?process_key=samarbejdsmodel&{query}")
        assert answer.status_code == 422, query
        assert answer.get_json()["field"] == field and answer.get_json()["rows"] == []


def test_a_missing_process_or_an_unknown_format_is_refused(api, courses):
    assert api.as_("kim").get("/metrics/heatmap").status_code == 422
    answer = api.as_("kim").get("/metrics/heatmap?process_key=samarbejdsmodel&format=xml")
    assert answer.status_code == 400 and answer.get_json()["rows"] == []
    assert api.as_("kim").get("/metrics/waiting?process_key=samarbejdsmodel").status_code == 422


def test_sql_injection_in_query_parameters_has_no_effect(api, courses, engine):
    with engine.reader() as uow:
        before = uow.session.scalar(select(func.count()).select_from(Task))
    attacks = ["x' OR '1'='1", "k_moede'; DROP TABLE tasks; --", "1) OR (1=1", "\" OR \"\"=\""]
    for attack in attacks:
        assert api.as_("kim").get("/metrics/heatmap", query_string={"process_key": attack}).status_code == 404
        body = api.as_("kim").get("/metrics/heatmap", query_string={"process_key": "samarbejdsmodel",
                                                                     "team": attack}).get_json()
        assert body["rows"] == []
        listed = api.as_("kim").get("/metrics/waiting", query_string={"process_key": "samarbejdsmodel",
                                                                       "element_id": attack}).get_json()
        assert listed["rows"] == []
        assert api.as_("kim").get("/metrics/steps", query_string={"process_key": "samarbejdsmodel",
                                                                   "version": attack}).status_code == 422
    with engine.reader() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Task)) == before


def test_only_coordinators_leaders_and_process_owners_see_figures(api, courses):
    assert api.as_("sara").get("/metrics/heatmap?process_key=samarbejdsmodel").status_code == 403
    assert api.as_("gustav").get("/metrics/caseload?process_key=samarbejdsmodel").status_code == 403
    assert api.as_("per").get("/metrics/heatmap?process_key=samarbejdsmodel").status_code == 200
    assert api.as_("per").get("/metrics/waiting?process_key=samarbejdsmodel&element_id=k_moede").status_code == 403
    assert api.as_("admin").get("/metrics/waiting?process_key=samarbejdsmodel&element_id=k_moede").status_code == 200


def test_the_bottleneck_endpoint_keeps_its_contract(api, courses):
    rows = api.as_("kim").get("/metrics/bottlenecks?process_key=samarbejdsmodel").get_json()
    assert {tuple(row) for row in rows} == {("element_id", "name", "role", "waiting", "median_wait_hours",
                                             "p90_wait_hours", "overdue")}


def test_the_diagram_of_a_version_comes_with_the_list_of_versions(api, courses):
    body = api.as_("kim").get("/metrics/diagram?process_key=samarbejdsmodel").get_json()
    assert body["version"] == 1 and body["versions"] == [1]
    assert 'id="samarbejdsmodel"' in body["xml"]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(app):
    with app.test_request_context():
        response = csv_response([{"name": "=HYPERLINK(\"x\")", "n": 3, "flag": True}], "x.csv")
    assert response.get_data(as_text=True) == "\ufeffname,n,flag\r\n\"'=HYPERLINK(\"\"x\"\")\",3,ja\r\n"


def test_every_dashboard_answer_matches_its_documented_schema(api, courses, client):
    from tests.web.test_openapi import assert_documented

    spec = client.get("/api/v1/openapi.json").get_json()
    kim = api.as_("kim")
    for figure in FIGURES:
        assert_documented(spec, "get", f"/metrics/{figure}",
                          kim.get(f"/metrics/{figure}?process_key=samarbejdsmodel&{PERIOD}"))
    assert_documented(spec, "get", "/metrics/waiting",
                      kim.get("/metrics/waiting?process_key=samarbejdsmodel&element_id=k_moede"))
    assert_documented(spec, "get", "/metrics/diagram", kim.get("/metrics/diagram?process_key=samarbejdsmodel"))
    assert_documented(spec, "get", "/metrics/steps", kim.get("/metrics/steps?process_key=x"), 404)
    assert_documented(spec, "get", "/metrics/steps",
                      kim.get("/metrics/steps?process_key=samarbejdsmodel&start=2026-02-02&end=2026-01-01"), 422)
