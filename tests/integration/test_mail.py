"""Mail over real SMTP (an in-process aiosmtpd server): a personal task assigned, a task overdue."""
from __future__ import annotations

import pytest

from engine.courses import events
from engine.people import users
from engine.work import mail
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE
from tests.course import PLAN, REFERRAL, complete, k_meeting, prepare_follow_up, start_course
from tests.integration.conftest import free_port

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def people(engine):
    for actor, email in ((GUIDE, "gustav@kommune.test"), (CASE_COORDINATOR, "karin@kommune.test"),
                         (COORDINATOR, "kim@kommune.test")):
        users.add_user(engine.uow(), actor.username, "correct-horse-battery", sorted(actor.roles), email=email)


def test_the_guide_gets_a_mail_when_the_k_meeting_assigns_them(engine, smtp, people):
    inbox, settings = smtp
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    assert mail.send_pending(engine, settings) == 1
    [message] = inbox.messages
    assert message["To"] == "gustav@kommune.test"
    assert message["Subject"] == "Ny opgave til dig: Accepter rollen som ungeguide"
    body = message.get_content()
    assert "https://samspil.kommune.test/opgaver/" in body
    assert "Emil" not in body  # no personal data in mail


def test_a_mail_is_sent_once(engine, smtp, people):
    inbox, settings = smtp
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    mail.send_pending(engine, settings)
    assert mail.send_pending(engine, settings) == 0
    assert len(inbox.messages) == 1


def test_an_overdue_follow_up_mails_the_guide_once(engine, clock, smtp, people):
    inbox, settings = smtp
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    complete(engine, GUIDE, instance["id"], "accepter_guide", {"accepteret": True})
    complete(engine, CASE_COORDINATOR, instance["id"], "uddannelsesplan", PLAN)
    mail.send_pending(engine, settings)
    inbox.messages.clear()
    clock.advance(days=91)
    events.fire_due_timers(engine)  # the follow-up falls due: first the young person prepares it (no staff mail)
    mail.send_pending(engine, settings)
    assert inbox.messages == []
    prepare_follow_up(engine, instance["id"])  # then a new personal task for the guide
    mail.send_pending(engine, settings)
    assert [m["Subject"] for m in inbox.messages] == ["Ny opgave til dig: Opfølgning på planen"]
    inbox.messages.clear()
    clock.advance(days=15)
    mail.queue_overdue(engine)
    mail.queue_overdue(engine)
    mail.send_pending(engine, settings)
    assert [(m["To"], m["Subject"]) for m in inbox.messages] == [
        ("gustav@kommune.test", "Opgave overskredet: Opfølgning på planen")]


def test_mails_wait_when_the_smtp_server_is_down_and_go_out_later(engine, smtp, people):
    inbox, settings = smtp
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    down = mail.SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    assert mail.send_pending(engine, down) == 0
    assert mail.send_pending(engine, settings) == 1
    assert len(inbox.messages) == 1


def test_without_an_smtp_host_nothing_is_sent(engine, people):
    assert mail.send_pending(engine, mail.SmtpSettings(host=None)) == 0
