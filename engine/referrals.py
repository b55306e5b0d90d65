"""Registering a referral: the young person, their course, and the referral form, in one go.

One transaction: the young person is created, the course started, and its first task (the
referral, form ``henvisning``) completed with the form's data. Either all of it happens or none
of it; a resent form (same ``submission_key``) changes nothing and returns the first result.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine import policy
from engine.access import Actor
from engine.deployment import latest_version
from engine.errors import InvalidInput, NotFound
from engine.messages import Message
from engine.forms import form_errors
from engine.instances import start_in
from engine.models import ProcessVersion, Task
from engine.runtime import process_for
from engine.submissions import once, set_result
from engine.tasks import complete_in
from engine.youths import add_youth, check_youth, youth_errors

if TYPE_CHECKING:
    from engine.uow import UnitOfWork

DEFAULT_PROCESS = "samarbejdsmodel"
REFERRAL_FORM = "henvisning"


def referral_schema(uow: UnitOfWork, process_key: str = DEFAULT_PROCESS) -> dict[str, Any] | None:
    """The referral form of the latest version of the process, for the page that registers one."""
    with uow:
        version = latest_version(uow, process_key)
        if version is None:
            return None
        _, process = process_for(uow, version.id)
        return process.forms.get(REFERRAL_FORM)


def register_referral(uow: UnitOfWork, actor: Actor, youth: dict[str, Any], referral: Any,
                      submission_key: str | None = None, process_key: str = DEFAULT_PROCESS) -> dict[str, Any]:
    """Create the young person, start the course and complete its referral task.

    Errors come as one :class:`InvalidInput` whose ``errors`` have paths ``youth/<field>`` and
    ``referral/<path in the form>``. Returns ``{"youth_id", "instance_id"}``.
    """
    policy.require(uow, actor, "register_youth", "henvisning: registrér", Message("engine.referral.may_not_register"))
    if not isinstance(referral, dict):
        referral = {}
    with uow:
        version = latest_version(uow, process_key)
        if version is None:
            raise NotFound(Message("engine.process.not_found"))
        version_id = version.id
        _, process = process_for(uow, version_id)
        validator = process.validator(REFERRAL_FORM)
    errors = [{"path": f"youth/{e['field']}", "message": e["message"]}
              for e in youth_errors(uow, youth.get("name"), youth.get("birthdate"), youth.get("cpr"))]
    if validator is not None:
        errors += [{"path": f"referral/{e['path']}" if e["path"] else "referral", "message": e["message"]}
                   for e in form_errors(validator, referral)]
    if errors:
        raise InvalidInput(Message("engine.referral.invalid"), errors=errors)
    name, born, digits = check_youth(uow, youth.get("name"), youth.get("birthdate"), youth.get("cpr"))
    with uow:
        once(uow, actor, submission_key)
        version = uow.session.get(ProcessVersion, version_id)
        row = add_youth(uow, actor, name, born, digits)
        instance = start_in(uow, actor, version, row, None)
        task_id = uow.session.scalar(select(Task.id).where(
            Task.instance_id == instance.id, Task.state == "ready", Task.form_key == REFERRAL_FORM))
        if task_id is not None:
            complete_in(uow, actor, task_id, referral)
        result = {"youth_id": row.id, "instance_id": instance.id}
        set_result(uow, submission_key, result)
        uow.commit()
        return result
