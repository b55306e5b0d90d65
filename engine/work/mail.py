"""Mail to people about their tasks: when a personal task is assigned and when a task is overdue.

A mail is first a row (``mail_notifications``), written in the same transaction as the change that
calls for it, so a rolled-back change sends nothing and a crash loses nothing. The worker pass
then finds overdue tasks (:func:`queue_overdue`) and sends what is owed (:func:`send_pending`)
over SMTP. A mail names the task and links to it; it holds no personal data about the young person.

SMTP is configured from the environment, read once at start (:class:`engine.platform.settings.SmtpSettings`):
``SAMSPIL_SMTP_HOST``, ``SAMSPIL_SMTP_PORT`` (25), ``SAMSPIL_SMTP_USER``, ``SAMSPIL_SMTP_PASSWORD``, ``SAMSPIL_SMTP_STARTTLS``
(``1`` to use STARTTLS), ``SAMSPIL_MAIL_FROM`` and ``SAMSPIL_BASE_URL`` (for links). Without a host
nothing is sent and the rows wait.

A service task with the ``mail`` connector owes a mail too (``diagram_mail``): its subject and text
are the diagram's own literal texts, kept in the notice written beside the row
(:func:`engine.courses.notices.write_diagram_mails`); the mail is that text and a link to the case.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, or_, select

from engine.platform import tenancy
from engine.platform.models import MailNotification, Notice, Task, TaskCandidate, User, UserRole
from engine.platform.settings import SmtpSettings

if TYPE_CHECKING:
    from engine.platform.parts import UnitsOfWork
    from engine.platform.uow import UnitOfWork

log = logging.getLogger(__name__)
ASSIGNED = "assigned"
OVERDUE = "overdue"
REFERRAL_CLOSED = "referral_closed"  # a notice to the referrer (engine/courses/notices.py): about a case, not a task
DIAGRAM_MAIL = "diagram_mail"        # a mail service task's (engine/bpmn/connectors.py): its texts are in the notice
MAX_ATTEMPTS = 5
SUBJECTS = {ASSIGNED: "Ny opgave til dig: {name}", OVERDUE: "Opgave overskredet: {name}",
            REFERRAL_CLOSED: "Din henvisning er lukket med en anbefaling"}
BODIES = {
    ASSIGNED: "Du har fået en ny opgave i Samspil: {name}.\n\nÅbn opgaven her: {link}\n",
    OVERDUE: "Fristen for opgaven »{name}« er overskredet.\n\nÅbn opgaven her: {link}\n",
    REFERRAL_CLOSED: "En henvisning, du har sendt, hører ikke til målgruppen og er lukket med en anbefaling "
                     "til dig.\n\nLæs anbefalingen her: {link}\n",
}
ABOUT_THE_CASE = {REFERRAL_CLOSED, DIAGRAM_MAIL}  # mails that link to the case page, owed whatever the task's state


def notify_assigned(uow: UnitOfWork, task: Task, people: set[str]) -> None:
    """Owe each person a task was narrowed to a mail (in the open unit of work)."""
    now = uow.clock.now()
    uow.session.add_all(MailNotification(task_id=task.id, kind=ASSIGNED, username=name, created_at=now, attempts=0)
                        for name in sorted(people))


def queue_overdue(engine: UnitsOfWork) -> int:
    """Owe a mail for each ready task past its due date: to its assignee, else the people it is
    narrowed to, else everyone holding its role. Once per task and person; in every tenant."""
    return sum(_queue_overdue_of_tenant(engine) for _tenant in tenancy.each_tenant(engine))


def _queue_overdue_of_tenant(engine: UnitsOfWork) -> int:
    now = engine.clock.now()
    with engine.uow() as uow:
        overdue = uow.session.scalars(select(Task).where(
            Task.state == "ready", Task.due_at.is_not(None), Task.due_at < now,
            ~exists().where(and_(MailNotification.task_id == Task.id, MailNotification.kind == OVERDUE)))).all()
        count = 0
        for task in overdue:
            people = _people_for(uow, task)
            uow.session.add_all(MailNotification(task_id=task.id, kind=OVERDUE, username=name, created_at=now,
                                                 attempts=0) for name in sorted(people))
            count += len(people)
        uow.commit()
    return count


def _people_for(uow: UnitOfWork, task: Task) -> set[str]:
    if task.assignee:
        return {task.assignee}
    if task.personal:
        return set(uow.session.scalars(select(TaskCandidate.username).where(TaskCandidate.task_id == task.id)))
    if task.role:
        return set(uow.session.scalars(select(User.username).join(UserRole).where(
            UserRole.role == task.role, User.active.is_(True))))
    return set()


def send_pending(engine: UnitsOfWork, settings: SmtpSettings | None = None, limit: int = 500) -> int:
    """Send the mails owed, over one SMTP connection; returns how many were sent.

    ``settings`` default to the engine's (``SAMSPIL_SMTP_*``, read once at start)."""
    settings = settings or engine.settings.smtp
    if not settings.host:
        return 0
    host = settings.host
    return sum(_send_pending_of_tenant(engine, settings, host, limit) for _tenant in tenancy.each_tenant(engine))


def _send_pending_of_tenant(engine: UnitsOfWork, settings: SmtpSettings, host: str, limit: int) -> int:
    with engine.reader() as uow:
        pending = uow.session.execute(
            select(MailNotification.id, MailNotification.kind, MailNotification.task_id, Task.name, Task.state,
                   func.coalesce(Task.youth_id, Notice.youth_id).label("youth_id"), Notice.detail, User.email)
            .join(Task, Task.id == MailNotification.task_id, isouter=True)   # a mail task's notice has no task row
            .join(Notice, and_(MailNotification.kind == DIAGRAM_MAIL, Notice.kind == DIAGRAM_MAIL,
                               Notice.task_id == MailNotification.task_id,
                               Notice.username == MailNotification.username), isouter=True)
            .join(User, User.username == MailNotification.username, isouter=True)
            .where(MailNotification.sent_at.is_(None), MailNotification.attempts < MAX_ATTEMPTS,
                   or_(Task.id.is_not(None), Notice.id.is_not(None)))
            .order_by(MailNotification.id).limit(limit)).all()
    if not pending:
        return 0
    sent, failed, skipped = [], [], []
    try:
        with smtplib.SMTP(host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            for row in pending:
                if not row.email or (row.state != "ready" and row.kind not in ABOUT_THE_CASE):  # no address, or done
                    skipped.append(row.id)
                    continue
                try:
                    smtp.send_message(_message(settings, row.kind, row.task_id, row.name, row.email, row.youth_id,
                                               row.detail))
                    sent.append(row.id)
                except smtplib.SMTPException:
                    failed.append(row.id)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("SMTP server %s:%s not reachable: %s", settings.host, settings.port, type(error).__name__)
        failed.extend(row.id for row in pending if row.id not in sent and row.id not in skipped)
    _mark(engine, sent + skipped, failed)
    if failed:
        log.warning("%d mail(s) could not be sent; they are tried again on the next pass", len(failed))
    return len(sent)


def _message(settings: SmtpSettings, kind: str, task_id: str, name: str | None, to: str, youth_id: int,
             detail: dict[str, Any] | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    link = f"{settings.base_url}/unge/{youth_id}" if kind in ABOUT_THE_CASE else f"{settings.base_url}/opgaver/{task_id}"
    if kind == DIAGRAM_MAIL:   # the diagram's literal texts, and the link: nothing of the course
        message["Subject"] = str((detail or {}).get("subject") or "")
        message.set_content(f"{(detail or {}).get('text') or ''}\n\n{link}\n")
        return message
    message["Subject"] = SUBJECTS[kind].format(name=name)
    message.set_content(BODIES[kind].format(name=name, link=link))
    return message


def _mark(engine: UnitsOfWork, done: list[int], failed: list[int]) -> None:
    with engine.uow() as uow:
        now = engine.clock.now()
        for row in uow.session.scalars(select(MailNotification).where(MailNotification.id.in_(done + failed))):
            if row.id in done:
                row.sent_at = now
            else:
                row.attempts += 1
        uow.commit()
