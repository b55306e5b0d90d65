"""schemathesis over the dashboard's documented operations: no generated request gets a 5xx."""
from __future__ import annotations

import pytest

from tests.web.fuzzing import no_server_errors
from web.api.openapi_dashboard import operations

pytestmark = pytest.mark.usefixtures("deployed")
OPERATIONS = sorted(operations())


@pytest.mark.parametrize("path", OPERATIONS)
def test_no_generated_dashboard_request_makes_the_api_fail(app, tokens, path):
    no_server_errors(app, tokens["kim"], path, "GET", max_examples=25)
