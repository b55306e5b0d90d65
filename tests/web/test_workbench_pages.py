"""The workbench pages over the test client: who may see them, their JSON endpoints, the import."""
from __future__ import annotations

import io

import pytest

from tests.small_diagrams import MIWG
from tests.workbench import default_files_text, monthly

pytestmark = pytest.mark.usefixtures("deployed")
JSON = {"Accept": "application/json"}


def json_call(pages, method, path, body):
    return pages.client.open(path, method=method, json=body,
                             headers={**JSON, "X-CSRFToken": pages.csrf_token()})


def test_the_library_lists_each_version_with_deployer_running_count_and_download(pages, engine):
    pages.login("per")
    html = pages.get("/procesmodeller/").get_data(as_text=True)
    assert 'data-process="samarbejdsmodel"' in html and 'data-version="1"' in html
    assert "/procesmodeller/samarbejdsmodel/v1.bpmn" in html and ">per<" in html
    download = pages.get("/procesmodeller/samarbejdsmodel/v1.bpmn")
    assert download.status_code == 200 and b"samarbejdsmodel" in download.data
    assert "attachment" in download.headers["Content-Disposition"]


def test_only_process_owners_and_admins_reach_the_workbench(pages):
    pages.login("sara")
    assert pages.get("/procesmodeller/").status_code == 403
    assert pages.get("/procesmodeller/samarbejdsmodel/modeller").status_code == 403


def test_the_modeler_page_carries_the_version_files_for_its_script(pages):
    pages.login("per")
    html = pages.get("/procesmodeller/samarbejdsmodel/modeller?version=1").get_data(as_text=True)
    assert 'id="workbench-data"' in html and "forms/henvisning.json" in html and "build/modeler.js" in html


def test_page_endpoints_answer_json_errors_to_scripts(pages):
    pages.login("per")
    files = default_files_text()
    created = json_call(pages, "PUT", "/procesmodeller/samarbejdsmodel/kladde", {"files": files})
    assert created.status_code == 200 and created.json["revision"] == 1
    assert json_call(pages, "PUT", "/procesmodeller/samarbejdsmodel/kladde",
                     {"files": monthly(files), "revision": 1}).json["revision"] == 2
    stale = json_call(pages, "PUT", "/procesmodeller/samarbejdsmodel/kladde", {"files": files, "revision": 1})
    assert stale.status_code == 409 and stale.json["revision"] == 2 and stale.json["error"]
    report = json_call(pages, "POST", "/procesmodeller/valider", {"files": monthly(files)})
    assert report.status_code == 200 and report.json["errors"] == []
    bad = json_call(pages, "POST", "/procesmodeller/samarbejdsmodel/migrering",
                    {"from_version": 1, "to_version": 1})
    assert bad.status_code == 422 and bad.json["errors"]


def test_json_endpoints_need_the_csrf_token(pages):
    pages.login("per")
    response = pages.client.post("/procesmodeller/valider", json={"files": {}}, headers=JSON)
    assert response.status_code == 400


def test_a_draft_deploys_from_the_page_and_points_to_the_migration(pages):
    pages.login("per")
    json_call(pages, "PUT", "/procesmodeller/samarbejdsmodel/kladde", {"files": monthly(default_files_text())})
    deployed = json_call(pages, "POST", "/procesmodeller/samarbejdsmodel/kladde/udrul", {"revision": 1})
    assert deployed.status_code == 200 and deployed.json["version"] == 2
    assert deployed.json["migrate_url"] == "/procesmodeller/samarbejdsmodel/migrering?til=2"
    html = pages.get("/procesmodeller/samarbejdsmodel/forskel").get_data(as_text=True)
    assert 'data-element-id="vent_paa_opfoelgning"' in html


def test_a_test_run_from_the_page_uses_the_editor_files(pages, engine):
    pages.login("per")
    run = json_call(pages, "POST", "/procesmodeller/samarbejdsmodel/testkoersel",
                    {"files": default_files_text(), "steps": [{"action": "advance", "days": 3}]})
    assert run.status_code == 200 and [t["element_id"] for t in run.json["open_tasks"]] == ["henvisning"]
    assert run.json["now"].startswith("2026-01-08")


def test_a_diagram_from_another_tool_is_imported_as_a_draft(pages):
    pages.login("per")
    miwg = (MIWG / "A.1.0.bpmn").read_bytes()
    response = pages.post("/procesmodeller/importer", data={"diagram": (io.BytesIO(miwg), "A.1.0.bpmn"), "key": ""},
                          content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/procesmodeller/A_1_0/modeller?kladde=1")
    assert pages.get("/procesmodeller/A_1_0/modeller?kladde=1").status_code == 200


def test_an_import_without_a_file_is_told(pages):
    pages.login("per")
    response = pages.post("/procesmodeller/importer", data={"key": "x"}, follow_redirects=True)
    assert "Vælg en BPMN-fil." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/procesmodeller/", "/procesmodeller/samarbejdsmodel/modeller",
                                  "/procesmodeller/samarbejdsmodel/modeller?version=1",
                                  "/procesmodeller/samarbejdsmodel/forskel?fra=1&til=2",
                                  "/procesmodeller/samarbejdsmodel/migrering?til=2"])
def test_each_workbench_page_reads_in_one_transaction(pages, engine, path):
    """Before, the library, the modeler, the diff and the migration page called two or three services each,
    one transaction apiece (issue 14); now a page view is one service call, one reading transaction."""
    from tests.security.test_one_transaction_and_read_only import transactions

    pages.login("per")
    json_call(pages, "PUT", "/procesmodeller/samarbejdsmodel/kladde", {"files": monthly(default_files_text())})
    assert json_call(pages, "POST", "/procesmodeller/samarbejdsmodel/kladde/udrul", {"revision": 1}).status_code == 200
    with transactions(engine) as seen:
        page = pages.get(path)
    assert page.status_code == 200
    assert seen == {"begin": 2, "commit": 0}  # the session check and the page, both readers
    if "forskel" in path:
        assert 'data-element-id="vent_paa_opfoelgning"' in page.get_data(as_text=True)  # the changed timer
