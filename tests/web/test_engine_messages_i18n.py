"""Texts from the engine (errors, form errors, diagram problems) on English pages; Danish stays Danish.

The engine words every message in Danish with a catalog key; pages switched to English show the
English text, while the REST API keeps answering in Danish (with the key as ``code``).
"""
from __future__ import annotations

import io
import re
import uuid

import pytest

from engine.people import users
from engine.people.access import Actor
from engine.work import tasks
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, open_task, start_course
from tests.web.test_case_page import START_FORM
from tests.web.test_task_page import referral_form
from tests.workbench import default_files_text, with_bpmn

pytestmark = pytest.mark.usefixtures("deployed")
JSON = {"Accept": "application/json"}


def in_english(pages, user: str) -> None:
    pages.login(user)
    assert pages.post("/sprog", data={"lang": "en", "next": "/"}).status_code in (302, 303)


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    assert match, f"no error next to {field_id}"
    return match.group(1)


def script_call(pages, method: str, path: str, body: dict) -> object:
    return pages.client.open(path, method=method, json=body, headers={**JSON, "X-CSRFToken": pages.csrf_token()})


def test_a_task_that_does_not_exist_is_named_in_english_on_an_english_page(pages):
    in_english(pages, "sara")
    response = pages.get(f"/opgaver/{uuid.uuid4()}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "The task does not exist" in page and "Opgaven findes ikke" not in page


def test_a_task_that_does_not_exist_is_named_in_danish_by_default(pages):
    pages.login("sara")
    response = pages.get(f"/opgaver/{uuid.uuid4()}")
    assert response.status_code == 404 and "Opgaven findes ikke" in response.get_data(as_text=True)


def test_a_task_someone_else_took_is_a_conflict_told_in_english(pages, engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    tasks.claim_task(engine.uow(), Actor("kaj", frozenset({"ungekoordinator"})), task["id"])
    in_english(pages, "kim")
    response = pages.post(f"/opgaver/{task['id']}", data={"referat": "Aftalt"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else has taken the task" in page and "taget af en anden" not in page


def test_a_taken_username_is_told_in_english_next_to_the_field(pages):
    in_english(pages, "admin")
    response = pages.post("/admin/brugere", data=[("username", "sara"), ("full_name", "Sara Two"),
                                                  ("password", "a-long-enough-password"), ("roles", "ungeguide")])
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="new-username-error">The username is already in use' in page and 'value="Sara Two"' in page


def test_a_short_password_is_told_in_english_with_its_minimum(pages):
    in_english(pages, "admin")
    response = pages.post("/admin/brugere", data=[("username", "bo"), ("password", "short"), ("roles", "ungeguide")])
    assert response.status_code == 422
    assert 'id="new-password-error">The password must have at least 10 characters' in response.get_data(as_text=True)


def test_a_missing_required_field_is_told_in_english_next_to_it_and_the_input_is_kept(pages, engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    in_english(pages, "sara")
    response = pages.post(f"/opgaver/{task['id']}", data=referral_form(henvisningsaarsag=None,
                                                                         samtykke_modtager="Ungeteamet i Vejle"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "f-henvisningsaarsag") == "is required"
    assert 'value="Ungeteamet i Vejle"' in page and "skal udfyldes" not in page
    assert tasks.get_task(engine.uow(), CASEWORKER, task["id"])["state"] == "ready"


def test_the_start_course_page_tells_each_field_error_in_english(pages):
    in_english(pages, "sara")
    form = [(k, v) for k, v in START_FORM if k not in ("youth.birthdate", "referral.henvisningsaarsag")]
    response = pages.post("/unge/ny", data=form + [("youth.birthdate", "not a date")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "f-youth-birthdate") == "Date of birth must be a date (YYYY-MM-DD)"
    assert field_error(page, "f-referral-henvisningsaarsag") == "is required"
    assert 'value="not a date"' in page and "Ungeteamet" in page


def test_a_diagram_problem_is_told_to_the_process_owner_in_english(pages):
    files = with_bpmn(default_files_text(), ">P3M<", ">P3Q<")
    in_english(pages, "per")
    report = script_call(pages, "POST", "/procesmodeller/valider", {"files": files})
    assert report.status_code == 200
    assert {"element_id": "vent_paa_opfoelgning",
            "message": "The timer value «P3Q» is not a duration (e.g. P3M) in ISO 8601 format"} in report.json["errors"]


def test_a_diagram_problem_is_told_in_danish_by_default(pages):
    files = with_bpmn(default_files_text(), ">P3M<", ">P3Q<")
    pages.login("per")
    report = script_call(pages, "POST", "/procesmodeller/valider", {"files": files})
    assert {"element_id": "vent_paa_opfoelgning",
            "message": "Timerværdien «P3Q» er ikke en varighed (fx P3M) i ISO 8601-format"} in report.json["errors"]


def test_a_stale_draft_is_a_conflict_told_to_the_modeler_script_in_english(pages):
    in_english(pages, "per")
    files = default_files_text()
    script_call(pages, "PUT", "/procesmodeller/samarbejdsmodel/kladde", {"files": files})
    script_call(pages, "PUT", "/procesmodeller/samarbejdsmodel/kladde", {"files": files, "revision": 1})
    stale = script_call(pages, "PUT", "/procesmodeller/samarbejdsmodel/kladde", {"files": files, "revision": 1})
    assert stale.status_code == 409 and stale.json["code"] == "engine.draft.stale"
    assert stale.json["error"] == ("per saved the draft after you opened it (revision 2); "
                                   "load the new version before you save")


def test_a_failed_import_is_flashed_in_english(pages):
    in_english(pages, "per")
    upload = {"diagram": (io.BytesIO(b"<x/>"), "a.bpmn"), "key": "bad key!"}
    response = pages.post("/procesmodeller/importer", data=upload, content_type="multipart/form-data",
                          follow_redirects=True)
    assert "Invalid key" in response.get_data(as_text=True)


def test_the_api_answers_in_danish_with_a_code_even_for_a_session_switched_to_english(pages, engine):
    in_english(pages, "sara")  # the same test client: its session cookie says English
    token = users.create_token(engine.uow(), "sara")
    missing = pages.client.get(f"/api/v1/tasks/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404
    assert missing.json == {"error": "Opgaven findes ikke", "code": "engine.task.not_found"}


def test_the_api_gives_form_errors_in_danish(api, engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    response = api.as_("sara").post(f"/tasks/{task['id']}/complete", json={"data": {}})
    assert response.status_code == 422
    assert response.json["error"] == "Formularen er ikke udfyldt korrekt"
    assert response.json["code"] == "engine.form.invalid_submission"
    assert {"path": "henvisningsaarsag", "message": "skal udfyldes"} in response.json["errors"]


def test_the_api_reports_diagram_problems_in_danish(api):
    bpmn = with_bpmn(default_files_text(), ">P3M<", ">P3Q<")["samarbejdsmodel.bpmn"]
    response = api.as_("per").post("/process-models/validate", data=bpmn.encode(), content_type="application/xml")
    assert response.status_code == 200
    assert {"element_id": "vent_paa_opfoelgning",
            "message": "Timerværdien «P3Q» er ikke en varighed (fx P3M) i ISO 8601-format"} in response.json["errors"]


def test_the_version_diff_names_what_changed_in_the_readers_language(pages, engine):
    from engine.definitions import deployment
    from tests.conftest import OWNER

    files = with_bpmn(default_files_text(), 'name="Hver 3. måned"', 'name="Hver 2. måned"')
    files = with_bpmn(files, ">P3M<", ">P2M<")
    deployment.deploy(engine.uow(), {name.split("/")[-1]: text.encode() for name, text in files.items()}, OWNER)
    pages.login("per")
    danish = pages.get("/procesmodeller/samarbejdsmodel/forskel?from=1&to=2").get_data(as_text=True)
    assert "<code>vent_paa_opfoelgning</code> (navn, timer)" in danish
    in_english(pages, "per")
    english = pages.get("/procesmodeller/samarbejdsmodel/forskel?from=1&to=2").get_data(as_text=True)
    assert "<code>vent_paa_opfoelgning</code> (name, timer)" in english
