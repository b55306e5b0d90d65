"""Registering a referral: the young person, their course, and the referral form, in one go.

One transaction: the young person is created, the course started, and its first task (the
referral, form ``henvisning``) completed with the form's data; a consent the referral says was
given becomes the first row of the young person's consent register (:mod:`engine.people.consents`).
Either all of it happens or none of it; a resent form (same ``submission_key``) changes nothing and returns the first result.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.courses.instances import started_run
from engine.courses.moving import moving
from engine.courses.notices import REFERRAL_FORM
from engine.courses.runtime import pending_candidates, process_for, sync_tasks
from engine.definitions.deployment import latest_version
from engine.people import audit, policy
from engine.people.access import Actor
from engine.people.consents import referral_consent_errors
from engine.people.youths import check_youth, new_youth, parse_date, youth_errors
from engine.platform.errors import InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import ProcessInstance, Youth
from engine.platform.uow import reserve_id, while_code_runs
from engine.work.forms import form_errors
from engine.work.submissions import not_yet, once, set_result
from engine.work.tasks import complete_loaded

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

DEFAULT_PROCESS = "samarbejdsmodel"


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
    return while_code_runs(uow, lambda: _register(uow, actor, process_key, youth, referral, submission_key))


def _register(uow: UnitOfWork, actor: Actor, process_key: str, youth: dict[str, Any],
              referral: dict[str, Any], submission_key: str | None) -> dict[str, Any]:
    """The referral's one transaction; both its diagram-code runs come before its first write.

    The input is checked first (an invalid form wins over a resent one). The young person's and the
    course's ids are reserved (:func:`engine.platform.uow.reserve_id`), the course is started and its
    referral task completed in memory; only then are the rows written.
    """
    with uow:
        version = latest_version(uow, process_key)
        if version is None:
            raise NotFound(Message("engine.process.not_found"))
        _, process = process_for(uow, version.id)
        validator = process.validator(REFERRAL_FORM)
        errors = [{"path": f"youth/{e['field']}", "message": e["message"]}
                  for e in youth_errors(uow, youth.get("name"), youth.get("birthdate"), youth.get("cpr"))]
        if validator is not None:
            errors += [{"path": f"referral/{e['path']}" if e["path"] else "referral", "message": e["message"]}
                       for e in form_errors(validator, referral)]
        born_on = parse_date(youth.get("birthdate"))
        if born_on is not None:  # under 18 a parent or guardian gives the consent (engine.people.consents)
            errors += [{"path": f"referral/{e['path']}", "message": e["message"]}
                       for e in referral_consent_errors(referral, born_on, uow.clock.now().date())]
        if errors:
            raise InvalidInput(Message("engine.referral.invalid"), errors=errors)
        name, born, digits = check_youth(uow, youth.get("name"), youth.get("birthdate"), youth.get("cpr"))
        not_yet(uow, submission_key)
        with uow.session.no_autoflush:
            row = new_youth(uow, actor, name, born, digits, youth_id=reserve_id(uow, Youth))
            run = started_run(uow, actor, version, row, None, reserve_id(uow, ProcessInstance))
            sync_tasks(uow, run, [])       # the first task rows, pending in the session
            run.open_rows = list(run.open_tasks)

            def write() -> None:
                # The young person, then the course, then the task rows: they refer to each other
                # by plain columns, so the flushes give the order.
                rows_of_the_course = list(uow.session.new)
                for pending in rows_of_the_course:
                    uow.session.expunge(pending)
                for rows in ([row], [run.instance], rows_of_the_course):
                    uow.session.add_all(rows)
                    uow.session.flush()
                audit.record(uow, actor, "youth_created", row.id)
                audit.record(uow, actor, "instance_started", row.id, f"forløb {run.instance.id}")

            task = next((t for t in run.open_tasks if t.form_key == REFERRAL_FORM), None)
            candidates = pending_candidates(uow, task) if task is not None else set()
            if task is not None and not policy.may_act(actor, task.role, task.assignee, task.personal, candidates):
                for pending in list(uow.session.new):   # refused: only the refusal is written, no half a case
                    uow.session.expunge(pending)
                policy.refuse(uow, actor, f"henvisning: opgave {task.element_id}")
            with moving(uow, run, actor, "task_completed" if task is not None else None,
                        f"opgave {task.element_id}" if task is not None else None, commit=False):
                if task is not None:
                    complete_loaded(uow, actor, run, task, candidates, referral, write)
                else:
                    write()
        result = {"youth_id": row.id, "instance_id": run.instance.id}
        once(uow, actor, submission_key)
        set_result(uow, submission_key, result)
        uow.commit()
        return result
