"""Notices: telling a person about a course when there is no task for them to do.

A referral closed as outside the target group ends the course, so the referring caseworker has
no task left; without a word from us they would never hear why. The closing step leaves them a
notice (in their inbox until read, and on the case page) and owes them a mail, in the closing
transaction. The recommendation itself is only in the notice: a mail holds no personal data.

A service task with the ``mail`` connector (:mod:`engine.bpmn.connectors`) leaves each person it
names the same: a notice holding the diagram's subject and text, and a mail of that text with a
link to the case page, written by the save of the run that completed the task.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.people import audit
from engine.people.access import Actor
from engine.platform.errors import NotFound
from engine.platform.messages import Message
from engine.platform.models import MailNotification, Notice, ProcessInstance, Task
from engine.platform.views import iso

if TYPE_CHECKING:
    from datetime import datetime

    from engine.courses.runtime import Run
    from engine.platform.uow import UnitOfWork

CLOSE_REFERRAL_FORM = "luk_henvisning"
REFERRAL_FORM = "henvisning"
REFERRAL_CLOSED = "referral_closed"
DIAGRAM_MAIL = "diagram_mail"
NOTICE_FIELDS = ("anbefaling", "henvist_til")


def after_completion(uow: UnitOfWork, task: Task, data: Mapping[str, Any], now: datetime) -> None:
    """A closed referral: a notice and a mail to whoever referred the young person."""
    if task.form_key != CLOSE_REFERRAL_FORM:
        return
    referrer = _referrer(uow, task.instance_id)
    if referrer is None:
        return
    uow.session.add(Notice(username=referrer, youth_id=task.youth_id, instance_id=task.instance_id,
                           task_id=task.id, kind=REFERRAL_CLOSED, created_at=now, read_at=None,
                           detail={key: data[key] for key in NOTICE_FIELDS if isinstance(data.get(key), str)}))
    uow.session.add(MailNotification(task_id=task.id, kind=REFERRAL_CLOSED, username=referrer, created_at=now,
                                     attempts=0))


def write_diagram_mails(uow: UnitOfWork, run: Run) -> None:
    """The notices and mail rows the run's mail service tasks owe (in the save's transaction, not committed).

    The people are those named, and every active holder of the role named; a name that is no active
    user gets nothing (the task's element and run are in the course's history).
    """
    from engine.people.users import active_usernames

    for owed in run.mails:
        named = set(owed.usernames)
        people = active_usernames(uow.session, named, owed.role)
        detail = {"subject": owed.subject, "text": owed.text, "element_id": owed.element_id}
        for username in sorted(people):
            uow.session.add(Notice(username=username, youth_id=run.instance.youth_id, instance_id=run.instance.id,
                                   task_id=owed.task_id, kind=DIAGRAM_MAIL, created_at=run.now, read_at=None,
                                   detail=detail))
            uow.session.add(MailNotification(task_id=owed.task_id, kind=DIAGRAM_MAIL, username=username,
                                             created_at=run.now, attempts=0))


def _referrer(uow: UnitOfWork, instance_id: int) -> str | None:
    """Who completed the referral; else who started the course."""
    referred_by = uow.session.scalar(select(Task.completed_by).where(
        Task.instance_id == instance_id, Task.form_key == REFERRAL_FORM, Task.state == "completed"))
    if referred_by:
        return referred_by
    instance = uow.session.get(ProcessInstance, instance_id)
    started_by = (instance.data or {}).get("initiator") if instance is not None else None
    return started_by if isinstance(started_by, str) and started_by else None


def notice_view(notice: Notice) -> dict[str, Any]:
    return {"id": notice.id, "kind": notice.kind, "youth_id": notice.youth_id, "instance_id": notice.instance_id,
            "created_at": iso(notice.created_at), "read_at": iso(notice.read_at), "detail": notice.detail or {},
            "user": notice.username}


def unread_notices(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """The actor's unread notices, newest first, with the young person's name (for the inbox)."""
    with uow:
        unread = unread_notices_in(uow, actor)
        uow.commit()
        return unread


def unread_notices_in(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """:func:`unread_notices` inside the caller's unit of work, each one logged as viewed (not committed)."""
    from engine.platform.models import Youth

    rows = uow.session.execute(select(Notice, Youth.name).join(Youth, Youth.id == Notice.youth_id)
                               .where(Notice.username == actor.username, Notice.read_at.is_(None))
                               .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(100)).all()
    for notice, _name in rows:
        audit.record(uow, actor, "notice_viewed", notice.youth_id, f"besked {notice.id}")
    return [{**notice_view(notice), "youth_name": name} for notice, name in rows]


def notices_of_course(uow: UnitOfWork, instance_id: int) -> list[dict[str, Any]]:
    """Every notice a course left, for its case page (read inside the case page's unit of work)."""
    return [notice_view(n) for n in uow.session.scalars(
        select(Notice).where(Notice.instance_id == instance_id).order_by(Notice.created_at, Notice.id))]


def mark_read(uow: UnitOfWork, actor: Actor, notice_id: int) -> None:
    """The addressee has read the notice: it leaves their inbox (it stays on the case page)."""
    with uow:
        notice = uow.session.get(Notice, notice_id)
        if notice is None or notice.username != actor.username:
            raise NotFound(Message("engine.notice.not_found"))
        if notice.read_at is None:
            notice.read_at = uow.clock.now()
        audit.record(uow, actor, "notice_read", notice.youth_id, f"besked {notice.id}")
        uow.commit()
