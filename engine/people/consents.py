"""The young person's consent register: consents recorded, read, withdrawn, and what a withdrawal does.

A consent (forvaltningsloven § 28) is specific: which data types may go to which recipient for which
purpose, given by whom and when, until when. The register holds every consent a young person has
given, active, expired and withdrawn; nothing in it is ever deleted while the young person is.

Who may do what:

* staff holding ``record_consent`` record a consent for a young person whose case they may see, and
  withdraw one for them (the young person said so on the phone);
* the young person themselves (an :class:`~engine.people.access.Actor` with ``youth_id``) reads their
  own register and withdraws their own consents, never anyone else's.

Under 18 a young person cannot give a consent alone: it is given by a parent or guardian
(``foraelder_vaerge``), checked against the birthdate on the day it was given.

What a withdrawal does (and an expiry, which ends a consent the same way):

1. the register shows it as withdrawn, with when, by whom and why; the access log has a row;
2. the coordinating caseworker gets a task: the message ``samtykke_tilbagekaldt`` is delivered to
   each running course of the young person that waits for it (the default course catches it with a
   non-interrupting event sub-process: "Samtykke trukket tilbage – vurder betydning" in the
   coordinating caseworker's lane). A course whose diagram does not wait for it (an older version)
   leaves the coordinating caseworker a notice in their inbox instead;
3. where the consent's recipient is a role in Samspil (``recipient_role``), users holding that role
   no longer see, on the case page and the task page, the form fields that hold the data types the
   consent covered (fields marked ``"x-samtykke-datatype": "<type>"`` in the process's forms), unless
   another active consent to that role covers the type. What was shared before the withdrawal
   stays lawfully shared; the withdrawal stops further use, and the caseworker's task is where a
   person decides what else it means (a department to tell, a measure to stop).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.people import audit, policy, role_defaults
from engine.people.access import Actor
from engine.people.youths import ensure_may_view, parse_date
from engine.platform.errors import InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import Consent, Notice, ProcessInstance, ProcessVersion, Role, Youth
from engine.platform.uow import while_code_runs
from engine.platform.views import iso

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

PERMISSION = "record_consent"
WITHDRAWN_MESSAGE = "samtykke_tilbagekaldt"
NOTICE_KIND = "consent_withdrawn"
DATA_TYPE_KEYWORD = "x-samtykke-datatype"
REFERRAL_FORM = "henvisning"
YOUTH, GUARDIAN = "den_unge", "foraelder_vaerge"
GIVERS = (YOUTH, GUARDIAN)
ADULT_AGE = 18
FINISHED = ("completed", "terminated")   # a course still open (running, paused, stopped by an error) hears of it
MAX_RECIPIENT, MAX_TEXT = 200, 5000
# The data types when no referral form says otherwise (the default referral form's samtykke_datatyper).
DEFAULT_DATA_TYPES: dict[str, str] = {"helbred": "Helbredsoplysninger", "sociale_forhold": "Sociale forhold",
                                      "uddannelse": "Uddannelse", "beskaeftigelse": "Beskæftigelse",
                                      "familie": "Familieforhold"}
FIELDS = ("data_types", "recipient", "recipient_role", "purpose", "given_by", "guardian_name", "given_on",
          "expires_on")


# Reading

def list_consents(uow: UnitOfWork, actor: Actor, youth_id: int) -> dict[str, Any]:
    """The young person's register for staff who may see their case, with the choices a new consent offers."""
    with uow:
        youth = ensure_may_view(uow, actor, youth_id, "samtykker")
        result = {"consents": register_in(uow, youth.id), "choices": choices_in(uow, youth.id)}
        audit.record(uow, actor, "consents_viewed", youth.id)
        uow.commit()
        return result


def list_consents_for_youth(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """The young person's own register (Min Plan): only an actor who is a young person, only their own."""
    with uow:
        youth_id = actor.youth_id
        if youth_id is None or uow.session.get(Youth, youth_id) is None:
            policy.refuse(uow, actor, "samtykker: egne", youth_id)
        consents = register_in(uow, youth_id)
        audit.record(uow, actor, "consents_viewed", youth_id, "den unge selv")
        uow.commit()
        return consents


def register_in(uow: UnitOfWork, youth_id: int) -> list[dict[str, Any]]:
    """The register inside the caller's unit of work: active first, then expired, then withdrawn; newest first."""
    today = uow.clock.now().date()
    titles = data_type_titles(uow, youth_id)
    rows = uow.session.scalars(select(Consent).where(Consent.youth_id == youth_id)
                               .order_by(Consent.given_on.desc(), Consent.id.desc())).all()
    views = [consent_view(row, today, titles) for row in rows]
    order = {"active": 0, "expired": 1, "withdrawn": 2}
    return sorted(views, key=lambda v: order[v["status"]])


def status_of(consent: Consent, today: date) -> str:
    if consent.withdrawn_at is not None:
        return "withdrawn"
    if consent.expires_on is not None and consent.expires_on < today:
        return "expired"
    return "active"


def consent_view(consent: Consent, today: date, titles: dict[str, str] | None = None) -> dict[str, Any]:
    titles = titles or DEFAULT_DATA_TYPES
    withdrawn_by = consent.withdrawn_by
    return {"id": consent.id, "youth_id": consent.youth_id, "status": status_of(consent, today),
            "data_types": list(consent.data_types or []),
            "data_type_titles": [titles.get(t, t) for t in consent.data_types or []],
            "recipient": consent.recipient, "recipient_role": consent.recipient_role, "purpose": consent.purpose,
            "given_by": consent.given_by, "guardian_name": consent.guardian_name,
            "given_on": consent.given_on.isoformat(),
            "expires_on": consent.expires_on.isoformat() if consent.expires_on else None,
            "source": consent.source, "recorded_at": iso(consent.recorded_at), "recorded_by": consent.recorded_by,
            "withdrawn_at": iso(consent.withdrawn_at), "withdrawn_by": withdrawn_by,
            "withdrawn_by_youth": bool(withdrawn_by and withdrawn_by == f"ung:{consent.youth_id}"),
            "withdrawal_reason": consent.withdrawal_reason}


def choices_in(uow: UnitOfWork, youth_id: int) -> dict[str, Any]:
    """What a new consent may say: the data types (value, title), the givers, the roles a recipient may be."""
    roles = sorted(uow.session.scalars(select(Role.name)))
    return {"data_types": list(data_type_titles(uow, youth_id).items()), "given_by": list(GIVERS), "roles": roles}


def data_type_titles(uow: UnitOfWork, youth_id: int) -> dict[str, str]:
    """The data types a consent may cover: the ``samtykke_datatyper`` choices of the referral form of the
    young person's latest course (the process owner's), else the default form's."""
    files = uow.session.scalar(select(ProcessVersion.files).join(
        ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id)
        .where(ProcessInstance.youth_id == youth_id).order_by(ProcessInstance.created_at.desc(),
                                                             ProcessInstance.id.desc()).limit(1))
    try:
        form = json.loads((files or {}).get(f"forms/{REFERRAL_FORM}.json") or "{}")
        items = form["properties"]["samtykke_datatyper"]["items"]
        values, names = list(items["enum"]), list(items.get("x-enum-titles") or [])
    except (KeyError, TypeError, ValueError):
        return dict(DEFAULT_DATA_TYPES)
    return {str(v): str(names[i]) if i < len(names) else str(v) for i, v in enumerate(values)}


# What a consent no longer in force hides

def withheld_types(uow: UnitOfWork, actor: Actor, youth_id: int) -> set[str]:
    """The data types the actor's roles no longer receive for this young person.

    A type is withheld from a role when a consent naming the role as recipient covered it and was
    withdrawn or has expired, and no active consent to one of the actor's roles covers it.
    """
    if not actor.roles or actor.youth_id is not None:
        return set()
    today = uow.clock.now().date()
    ended: set[str] = set()
    active: set[str] = set()
    for consent in uow.session.scalars(select(Consent).where(Consent.youth_id == youth_id,
                                                             Consent.recipient_role.in_(sorted(actor.roles)))):
        (active if status_of(consent, today) == "active" else ended).update(consent.data_types or [])
    return ended - active


def withheld_fields(forms: dict[str, Any], types: set[str]) -> set[str]:
    """The form fields (keys) that hold one of ``types``, as the process's forms mark them."""
    if not types:
        return set()
    return {key for form in forms.values() if isinstance(form, dict)
            for key, prop in (form.get("properties") or {}).items()
            if isinstance(prop, dict) and prop.get(DATA_TYPE_KEYWORD) in types}


def shown_data(uow: UnitOfWork, actor: Actor, youth_id: int, version_id: int, data: Any) -> Any:
    """A course's data without the fields the actor's roles no longer receive (the REST view of a course)."""
    types = withheld_types(uow, actor, youth_id)
    if not types or not isinstance(data, dict):
        return data
    files = uow.session.scalar(select(ProcessVersion.files).where(ProcessVersion.id == version_id)) or {}
    forms = {}
    for name, text in files.items():
        if name.startswith("forms/") and name.endswith(".json"):
            try:
                forms[name] = json.loads(text)
            except ValueError:
                continue
    hidden = withheld_fields(forms, types)
    return {key: value for key, value in data.items() if key not in hidden}


# Recording

def record_consent(uow: UnitOfWork, actor: Actor, youth_id: int, fields: Any) -> dict[str, Any]:
    """Record a consent for a young person whose case the actor may see; errors come by their field.

    Who may record is checked first: a refusal does not depend on what was typed.
    """
    policy.require(uow, actor, PERMISSION, "samtykke: registrér", Message("engine.consent.may_not_record"))
    with uow:
        youth = ensure_may_view(uow, actor, youth_id, "samtykke: registrér")
        checked = check_consent(uow, youth, fields if isinstance(fields, dict) else {})
        consent = Consent(youth_id=youth.id, source="case_page", recorded_at=uow.clock.now(),
                          recorded_by=actor.username, **checked)
        uow.session.add(consent)
        uow.session.flush()
        audit.record(uow, actor, "consent_recorded", youth.id, f"samtykke {consent.id}")
        uow.commit()
        return consent_view(consent, uow.clock.now().date(), data_type_titles(uow, youth.id))


def check_consent(uow: UnitOfWork, youth: Youth, fields: dict[str, Any]) -> dict[str, Any]:
    """The consent's columns, checked; :class:`InvalidInput` with an error by each wrong field."""
    errors: list[dict[str, Any]] = []

    def wrong(field: str, key: str, **params: Any) -> None:
        errors.append({"field": field, "message": Message(key, **params)})

    allowed = data_type_titles(uow, youth.id)
    kinds = fields.get("data_types")
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list) or not kinds:
        wrong("data_types", "engine.consent.choose_data_types")
    elif any(not isinstance(k, str) or k not in allowed for k in kinds):
        wrong("data_types", "engine.consent.unknown_data_type")
    recipient = _text(fields.get("recipient"))
    if not recipient:
        wrong("recipient", "engine.form.required")
    elif len(recipient) > MAX_RECIPIENT:
        wrong("recipient", "engine.comment.max_length", max=MAX_RECIPIENT)
    role = _text(fields.get("recipient_role")) or None
    if role is not None and uow.session.scalar(select(Role.name).where(Role.name == role)) is None:
        wrong("recipient_role", "engine.consent.unknown_role")
    purpose = _text(fields.get("purpose"))
    if not purpose:
        wrong("purpose", "engine.form.required")
    elif len(purpose) > MAX_TEXT:
        wrong("purpose", "engine.comment.max_length", max=MAX_TEXT)
    given_by = fields.get("given_by")
    guardian = _text(fields.get("guardian_name")) or None
    if given_by not in GIVERS:
        wrong("given_by", "engine.consent.choose_giver")
    if guardian is not None and len(guardian) > MAX_RECIPIENT:
        wrong("guardian_name", "engine.comment.max_length", max=MAX_RECIPIENT)
    today = uow.clock.now().date()
    given_on = parse_date(fields.get("given_on")) if fields.get("given_on") not in (None, "") else today
    if given_on is None:
        wrong("given_on", "engine.consent.bad_date")
    elif given_on > today:
        wrong("given_on", "engine.consent.given_in_future")
    elif given_on < youth.birthdate:
        wrong("given_on", "engine.consent.given_before_birth")
    elif given_by == YOUTH and under_age(youth.birthdate, given_on):
        wrong("given_by", "engine.consent.guardian_needed")
    expires_on = None
    if fields.get("expires_on") not in (None, ""):
        expires_on = parse_date(fields.get("expires_on"))
        if expires_on is None:
            wrong("expires_on", "engine.consent.bad_date")
        elif given_on is not None and expires_on <= given_on:
            wrong("expires_on", "engine.consent.expires_before_given")
    if errors or not isinstance(kinds, list):
        raise InvalidInput(Message("engine.consent.invalid"), errors=errors)
    return {"data_types": list(dict.fromkeys(kinds)), "recipient": recipient, "recipient_role": role,
            "purpose": purpose, "given_by": given_by, "guardian_name": guardian, "given_on": given_on,
            "expires_on": expires_on}


def under_age(birthdate: date, day: date) -> bool:
    """Under 18 on ``day`` (whole years completed; born 29 February: the birthday is 1 March)."""
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day)) < ADULT_AGE


def referral_consent_errors(data: dict[str, Any], birthdate: date, day: date) -> list[dict[str, Any]]:
    """A referral saying a young person under 18 gave the consent alone: an error at ``samtykke_givet_af``."""
    if data.get("samtykke_givet") is True and under_age(birthdate, day) and data.get("samtykke_givet_af") != GUARDIAN:
        return [{"path": "samtykke_givet_af", "message": Message("engine.consent.guardian_needed")}]
    return []


def after_referral(uow: UnitOfWork, task: Any, data: dict[str, Any], now: datetime, username: str | None) -> None:
    """The referral said a consent was given: the register's first row, in the referral's transaction.

    Called with every completed task (:func:`engine.courses.journal.record_submission`); only the
    referral form counts. A referral that has a young person under 18 give it alone is refused
    (nothing of the completion is kept: the caller's unit of work rolls back).
    """
    if task.form_key != REFERRAL_FORM or data.get("samtykke_givet") is not True:
        return
    youth = uow.session.get(Youth, task.youth_id)
    if youth is None:
        return
    errors = referral_consent_errors(data, youth.birthdate, now.date())
    if errors:
        raise InvalidInput(Message("engine.consent.invalid"), errors=errors)
    kinds = data.get("samtykke_datatyper")
    uow.session.add(Consent(
        youth_id=youth.id, instance_id=task.instance_id,
        data_types=[k for k in kinds if isinstance(k, str)] if isinstance(kinds, list) else [],
        recipient=_text(data.get("samtykke_modtager"))[:MAX_RECIPIENT], recipient_role=None,
        purpose=_text(data.get("samtykke_formaal")),
        given_by=data["samtykke_givet_af"] if data.get("samtykke_givet_af") in GIVERS else YOUTH,
        guardian_name=None, given_on=now.date(), expires_on=None, source="referral", recorded_at=now,
        recorded_by=username))


# Withdrawing

def withdraw_consent(uow: UnitOfWork, actor: Actor, consent_id: int, reason: Any = None,
                     youth_id: int | None = None) -> dict[str, Any]:
    """Withdraw a consent: by the young person it belongs to, or by staff holding ``record_consent``.

    ``youth_id`` (the REST path's) must be the consent's young person. Refused, logged and nothing
    changed: a consent that is not the actor's own (a young person) or of a case they may see
    (staff), and one already withdrawn. Then, in one transaction: the withdrawal, the message
    ``samtykke_tilbagekaldt`` to each running course that waits for it (or a notice to the
    coordinating caseworker), and the audit row. Returns the consent as the register shows it.
    """
    if actor.youth_id is None:
        policy.require(uow, actor, PERMISSION, f"samtykke {consent_id}: tilbagekald",
                       Message("engine.consent.may_not_record"))
    return while_code_runs(uow, lambda: _withdraw(uow, actor, consent_id, reason, youth_id))


def _withdraw(uow: UnitOfWork, actor: Actor, consent_id: int, reason: Any, youth_id: int | None) -> dict[str, Any]:
    from engine.courses.events import deliver_to

    what = f"samtykke {consent_id}: tilbagekald"
    with uow:
        if actor.youth_id is not None:
            consent = uow.session.get(Consent, consent_id)
            if consent is None or consent.youth_id != actor.youth_id or youth_id not in (None, actor.youth_id):
                policy.refuse(uow, actor, what, actor.youth_id, Message("engine.consent.not_yours"))
        else:
            if youth_id is not None:
                ensure_may_view(uow, actor, youth_id, what)
            consent = uow.session.get(Consent, consent_id)
            if consent is None or (youth_id is not None and consent.youth_id != youth_id):
                raise NotFound(Message("engine.consent.not_found"))
            if youth_id is None:
                ensure_may_view(uow, actor, consent.youth_id, what)
        if consent.withdrawn_at is not None:
            policy.refuse(uow, actor, f"{what} (allerede tilbagekaldt)", consent.youth_id,
                          Message("engine.consent.already_withdrawn"))
        text = _text(reason)
        if len(text) > MAX_TEXT:
            raise InvalidInput(Message("engine.consent.invalid"), errors=[
                {"field": "reason", "message": Message("engine.comment.max_length", max=MAX_TEXT)}])
        if not text and actor.youth_id is None:
            raise InvalidInput(Message("engine.consent.invalid"), errors=[
                {"field": "reason", "message": Message("engine.form.required")}])
        payload = {"tilbagekaldt_samtykke_id": consent.id, "tilbagekaldte_datatyper": list(consent.data_types or [])}
        courses = uow.session.execute(select(ProcessInstance.id, ProcessInstance.status,
                                             ProcessInstance.waiting_messages, ProcessInstance.data)
                                      .where(ProcessInstance.youth_id == consent.youth_id,
                                             ProcessInstance.status.not_in(FINISHED))
                                      .order_by(ProcessInstance.id)).all()
        told = [c.id for c in courses if c.status == "running" and WITHDRAWN_MESSAGE in (c.waiting_messages or [])]
        for course in told:  # diagram code runs before anything is written (while_code_runs)
            deliver_to(uow, actor, course, WITHDRAWN_MESSAGE, payload, commit=False)
        now = uow.clock.now()
        if not told:
            _notice_instead(uow, consent, [(c.id, c.data) for c in courses], now)
        consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_reason = now, actor.username, text or None
        audit.record(uow, actor, "consent_withdrawn", consent.youth_id, f"samtykke {consent.id}")
        uow.commit()
        return consent_view(consent, now.date(), data_type_titles(uow, consent.youth_id))


def _notice_instead(uow: UnitOfWork, consent: Consent, courses: list[tuple[int, Any]], now: datetime) -> None:
    """No course's diagram waits for the message (an older version, a paused course): the coordinating
    caseworker (the holder of :data:`~engine.people.role_defaults.CONSENT_NOTICE_LANE`) of the latest open course gets a
    notice (in their inbox until read). No course or no caseworker yet: the register and the log say it."""
    for instance_id, data in reversed(courses):
        owners = (data.get("lane_owners") if isinstance(data, dict) else None) or {}
        holders = owners.get(role_defaults.CONSENT_NOTICE_LANE) if isinstance(owners, dict) else None
        username = holders[0] if isinstance(holders, list) and holders else None
        if isinstance(username, str) and username.strip():
            uow.session.add(Notice(username=username.strip(), youth_id=consent.youth_id, instance_id=instance_id,
                                   task_id=None, kind=NOTICE_KIND, created_at=now, read_at=None,
                                   detail={"consent_id": consent.id, "data_types": list(consent.data_types or [])}))
            return


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
