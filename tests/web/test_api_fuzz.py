"""schemathesis generates requests from the OpenAPI document (/api/v1/openapi.json) for every
operation, valid and invalid, and the API answers none of them with a 5xx.

(schemathesis' own pytest plugin does not run on pytest 9 yet, so each documented operation is a
parametrized test that runs the operation's hypothesis strategy itself.)
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from web.api.openapi_spec import document

pytestmark = pytest.mark.usefixtures("deployed")
OPERATIONS = [(path, method.upper()) for path, item in document()["paths"].items()
              for method in item if method in ("get", "post", "put", "patch", "delete")]


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_generated_request_makes_the_api_fail(app, tokens, path, method):
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def request_answers_without_a_server_error(case):
        response = case.call(headers={"Authorization": f"Bearer {tokens['admin']}"})
        assert response.status_code < 500, f"{method} {case.formatted_path}: {response.status_code}"

    request_answers_without_a_server_error()
