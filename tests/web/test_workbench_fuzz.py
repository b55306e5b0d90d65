"""schemathesis over the workbench's documented operations: no generated request gets a 5xx.

Done like ``test_api_fuzz.py`` (the served document includes these operations), with a draft and a
second version in place so generated requests also reach the paths that find something.
"""
from __future__ import annotations

import pytest

from engine.definitions import deployment, drafts
from tests.conftest import OWNER
from tests.web.fuzzing import no_server_errors
from tests.workbench import default_files_text, monthly
from web.api.openapi_workbench import operations

OPERATIONS = [(path, method.upper()) for path, item in operations().items() for method in item]


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_generated_workbench_request_makes_the_api_fail(app, tokens, engine, deployed, path, method):
    deployment.deploy(engine.uow(), monthly(default_files_text()), OWNER)
    drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", default_files_text())
    no_server_errors(app, tokens["per"], path, method, max_examples=15)
