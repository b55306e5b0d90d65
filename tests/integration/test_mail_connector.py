"""A service task with the ``mail`` connector, end to end over real SMTP (issue 18).

Deployed and run through the REST API; the worker's pass sends the mail; it holds the diagram's
subject and text and a link to the case page, and nothing of the course.
"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.platform.models import MailNotification, Notice, User
from engine.work import mail
from tests.conformance.drive import deploy, drive, form, start, upload, view
from tests.conformance.elements import START, chain, proc, user

SUBJECT = "Et forløb venter på et k-møde"
TEXT = "Book et k-møde med den unge og familien."


def mail_task(**parameters: str) -> str:
    inputs = "".join(f'<camunda:inputParameter name="{name}">{value}</camunda:inputParameter>'
                     for name, value in parameters.items())
    return ('<bpmn:serviceTask id="skriv" name="Skriv til koordinatoren"><bpmn:extensionElements><camunda:connector>'
            '<camunda:connectorId>mail</camunda:connectorId><camunda:inputOutput>' + inputs
            + '</camunda:inputOutput></camunda:connector></bpmn:extensionElements></bpmn:serviceTask>')


def diagram(**parameters: str) -> str:
    return proc(START + mail_task(**parameters) + user("efter") + '<bpmn:endEvent id="slut"/>'
                + chain("start", "skriv", "efter", "slut"), ["start", "skriv", "efter", "slut"])


@pytest.fixture
def addresses(engine) -> None:
    with engine.uow() as uow:
        for row in uow.session.scalars(select(User)):
            row.email = f"{row.username}@kommune.test"
        uow.commit()


def test_a_mail_task_mails_the_named_people_and_the_roles_holders_the_diagrams_text_and_a_link(
        api, engine, smtp, addresses, pages):
    inbox, settings = smtp
    deploy(api, {"c.bpmn": diagram(to="kim, ${tovholder}", role="sagsbehandler", subject=SUBJECT, text=TEXT),
                 "efter.json": form()})
    instance = start(api, "c", {"tovholder": "gustav", "note": "Emil har det svært"})
    assert view(api, instance["id"])["status"] == "running"
    assert mail.send_pending(engine, settings) == 3   # the worker's pass
    assert sorted(m["To"] for m in inbox.messages) == ["gustav@kommune.test", "kim@kommune.test", "sara@kommune.test"]
    youth_id = view(api, instance["id"])["youth_id"]
    for message in inbox.messages:
        assert message["Subject"] == SUBJECT
        assert message.get_content().replace("\r\n", "\n") == f"{TEXT}\n\nhttps://samspil.kommune.test/unge/{youth_id}\n"
        assert not message.is_multipart() and not list(message.iter_attachments())
    assert mail.send_pending(engine, settings) == 0   # once
    with engine.reader() as uow:
        kinds = {(n.username, n.kind, n.detail["text"]) for n in uow.session.scalars(select(Notice))}
        assert kinds == {(name, "diagram_mail", TEXT) for name in ("gustav", "kim", "sara")}
        assert all(row.sent_at for row in uow.session.scalars(select(MailNotification)))
    pages.login("kim")
    assert f"{SUBJECT}</strong>: {TEXT}" in pages.get("/").get_data(as_text=True)   # the notice in the inbox
    assert drive(api, instance["id"]) == ["efter"]
    assert view(api, instance["id"])["status"] == "completed"


def test_a_variable_holding_no_username_stops_the_course_at_the_mail_task(api, engine, smtp, addresses):
    deploy(api, {"c.bpmn": diagram(to="${tovholder}", subject=SUBJECT, text=TEXT)})
    instance = start(api, "c", {"tovholder": 17})
    failed = view(api, instance["id"])
    assert failed["status"] == "error" and failed["error"]["element_id"] == "skriv"
    assert "tovholder" in failed["error"]["message"]
    assert mail.send_pending(engine, smtp[1]) == 0


@pytest.mark.parametrize(("parameters", "reason"), [
    ({"subject": SUBJECT, "text": TEXT}, "mangler modtagere"),
    ({"to": "kim", "text": TEXT}, "mangler parameteren subject"),
    ({"to": "kim", "subject": SUBJECT}, "mangler parameteren text"),
    ({"to": "kim", "subject": SUBJECT, "text": "Hej ${navn}"}, "diagrammets egen tekst"),
    ({"to": "kim", "subject": SUBJECT, "text": TEXT, "cc": "sara"}, "kender ikke parameteren cc"),
    ({"to": "kim; sara", "subject": SUBJECT, "text": TEXT}, "hverken et brugernavn"),
    ({"role": "Tovholder!", "subject": SUBJECT, "text": TEXT}, "ikke et gyldigt rollenavn"),
])
def test_a_mail_task_missing_or_with_unknown_parameters_is_refused_at_deploy(api, parameters: dict[str, Any],
                                                                             reason: str):
    response = upload(api, {"c.bpmn": diagram(**parameters)})
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert any(e["element_id"] == "skriv" and reason in e["message"] for e in errors), errors
