"""schemathesis over the dashboard's documented operations: no generated request gets a 5xx."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from web.api.openapi_dashboard import operations

pytestmark = pytest.mark.usefixtures("deployed")
OPERATIONS = sorted(operations())


@pytest.mark.parametrize("path", OPERATIONS)
def test_no_generated_dashboard_request_makes_the_api_fail(app, tokens, path):
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def request_answers_without_a_server_error(case):
        response = case.call(headers={"Authorization": f"Bearer {tokens['kim']}"})
        assert response.status_code < 500, f"GET {case.formatted_path} {case.query}: {response.status_code}"

    request_answers_without_a_server_error()
