"""schemathesis generates requests from the OpenAPI document (/api/v1/openapi.json) for every
operation, valid and invalid, and the API answers none of them with a 5xx.
"""
from __future__ import annotations

import pytest

from tests.web.fuzzing import no_server_errors
from web.api.openapi_spec import document

pytestmark = pytest.mark.usefixtures("deployed")
OPERATIONS = [(path, method.upper()) for path, item in document()["paths"].items()
              for method in item if method in ("get", "post", "put", "patch", "delete")]


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_generated_request_makes_the_api_fail(app, tokens, path, method):
    no_server_errors(app, tokens["admin"], path, method)
