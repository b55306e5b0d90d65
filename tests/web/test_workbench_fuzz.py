"""schemathesis over the workbench's documented operations: no generated request gets a 5xx.

Done like ``test_api_fuzz.py`` (the served document includes these operations), with a draft and a
second version in place so generated requests also reach the paths that find something.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from engine import deployment, drafts
from tests.conftest import OWNER
from tests.workbench import default_files_text, monthly
from web.api.openapi_workbench import operations

OPERATIONS = [(path, method.upper()) for path, item in operations().items() for method in item]


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_generated_workbench_request_makes_the_api_fail(app, tokens, engine, deployed, path, method):
    deployment.deploy(engine.uow(), monthly(default_files_text()), OWNER)
    drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", default_files_text())
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def request_answers_without_a_server_error(case):
        response = case.call(headers={"Authorization": f"Bearer {tokens['per']}"})
        assert response.status_code < 500, f"{method} {case.formatted_path}: {response.status_code}"

    request_answers_without_a_server_error()
