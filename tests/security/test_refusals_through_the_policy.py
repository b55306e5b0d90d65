"""Two refusals that used to bypass the policy's one way to refuse (``engine.people.policy.refuse``).

A page behind a permission wrote its own audit row; a draft's test run refused without any.
Each is the attempt, and then the access log is read: refused, and logged with who and what.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.definitions import sandbox
from engine.platform.errors import Forbidden
from engine.platform.models import AuditEntry
from tests.conftest import CASEWORKER
from tests.security.test_diagram_code import with_script


def refusals(engine, username: str) -> list[str]:
    with engine.reader() as uow:
        return list(uow.session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "access_denied", AuditEntry.username == username).order_by(AuditEntry.id)))


@pytest.mark.usefixtures("people")
def test_a_caseworker_who_test_runs_a_diagram_directly_is_refused_and_logged(engine):
    with pytest.raises(Forbidden):
        sandbox.test_run(engine.uow(), CASEWORKER, {"d.bpmn": with_script("proeve", "x = 1")})
    assert refusals(engine, "sara") == ["testkørsel af kladde"]


def test_a_caseworker_on_an_admin_page_is_refused_and_logged_once(engine, pages):
    pages.login("sara")
    response = pages.get("/admin/brugere")
    assert response.status_code == 403
    assert refusals(engine, "sara") == ["side /admin/brugere"]
