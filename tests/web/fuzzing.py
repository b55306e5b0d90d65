"""Running schemathesis over one documented operation (shared by the *_fuzz test modules).

schemathesis' own pytest plugin does not run on pytest 9 yet, so each test runs the operation's
hypothesis strategy itself and checks that no generated request gets a 5xx.
"""
from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings


def no_server_errors(app: Any, token: str, path: str, method: str, max_examples: int = 20) -> None:
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def request_answers_without_a_server_error(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 500, f"{method} {case.formatted_path} {case.query}: {response.status_code}"

    request_answers_without_a_server_error()
