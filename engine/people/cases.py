"""A young person's case as people read it: the course on its diagram, the timeline, the plan,
consents and the people involved; and the context a task is done in.

Reads plain rows only (principle 3): instance data, task rows and event rows. Every read writes
an audit row.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import select

from engine.courses import journal
from engine.courses.control import hold_view
from engine.courses.notices import REFERRAL_FORM, notices_of_course
from engine.people import audit, co_production, consents, policy
from engine.people.access import Actor
from engine.people.youths import ensure_may_view
from engine.platform.errors import InvalidInput
from engine.platform.messages import Message
from engine.platform.models import InstanceEvent, ProcessInstance, ProcessVersion, Task, TaskComment, User
from engine.platform.views import event_view, iso, task_view, youth_view
from engine.progression import assessments
from engine.work.submissions import once

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

MAX_COMMENT_LENGTH = 5000
# Where the plan, the consents and the people live in the default course's data.
PLAN_FORM = "uddannelsesplan"
FINISHED_KINDS = {"task_completed", "step_completed", "timer_fired", "message_received"}


def case_view(uow: UnitOfWork, actor: Actor, youth_id: int) -> dict[str, Any]:
    """The young person and their latest course, for the case page."""
    with uow:
        youth = ensure_may_view(uow, actor, youth_id)
        instances = uow.session.scalars(select(ProcessInstance).where(ProcessInstance.youth_id == youth.id)
                                        .order_by(ProcessInstance.created_at.desc(),
                                                  ProcessInstance.id.desc())).all()
        withheld = consents.withheld_types(uow, actor, youth.id)
        courses = [_course(uow, instance, withheld) for instance in instances]
        if courses:
            courses[0]["may"] = _may(actor, instances[0])
        register = consents.register_in(uow, youth.id)
        progression = assessments.series_in(uow, youth.id)  # the case view's own read, logged with it
        audit.record(uow, actor, "case_viewed", youth.id)
        own_words = co_production.contributions(uow, youth.id)
        uow.commit()
        return {"youth": youth_view(youth), "course": courses[0] if courses else None, "progression": progression,
                "co_production": own_words,
                "earlier_courses": [{"id": c["id"], "status": c["status"], "created_at": c["created_at"]}
                                    for c in courses[1:]],
                "consents": register, "consent_choices": consents.choices_in(uow, youth.id),
                "may_record_consent": policy.allows(actor, consents.PERMISSION)}


def _course(uow: UnitOfWork, instance: ProcessInstance, withheld: set[str] | None = None) -> dict[str, Any]:
    """One course for the case page; the fields holding a ``withheld`` data type (a consent to the
    reader's role withdrawn or expired, :mod:`engine.people.consents`) are left out everywhere."""
    version = uow.session.get(ProcessVersion, instance.process_version_id)
    tasks = uow.session.scalars(select(Task).where(Task.instance_id == instance.id)
                                .order_by(Task.created_at, Task.id)).all()
    events = uow.session.scalars(select(InstanceEvent).where(InstanceEvent.instance_id == instance.id)
                                 .order_by(InstanceEvent.at, InstanceEvent.id)).all()
    forms = _forms(version)
    hidden = consents.withheld_fields(forms, withheld or set())
    data = {key: value for key, value in (instance.data or {}).items() if key not in hidden}
    submissions = journal.submissions_of(uow, instance.id)
    entries = _without(journal.journal(uow, instance.id, events, tasks, forms, data, submissions), hidden)
    active = sorted({t.element_id for t in tasks if t.state == "ready"} | set(instance.waiting_elements or []))
    finished = sorted({e.element_id for e in events if e.kind in FINISHED_KINDS and e.element_id} - set(active))
    return {
        "id": instance.id, "status": instance.status, "process_key": instance.process_key,
        "process_name": version.name if version else instance.process_key,
        "version": version.version if version else None,
        "created_at": iso(instance.created_at), "completed_at": iso(instance.completed_at),
        "error": {"message": instance.error_message, "element_id": instance.error_element_id}
        if instance.status == "error" else None,
        "diagram": _diagram(version), "active": active, "finished": finished,
        "waiting_for": _waiting_for(uow, instance), "next_deadline": iso(instance.next_timer_at),
        "open_tasks": [task_view(t) for t in tasks if t.state == "ready"],
        "timeline": [event_view(e) for e in events if e.kind != "task_created" or e.detail],
        "plan": plan_of(data, forms, journal.latest_milestone_status(submissions.values())),
        "consent": consent_of(data, forms),
        "people": _people(uow, data, referred_by=next((e.username for e in events if e.element_id == REFERRAL_FORM
                                                       and e.kind == "task_completed"), None)),
        "journal": entries, "names": journal.full_names(uow, journal.usernames_in(entries)
                                                        | {e.username for e in events if e.username}),
        "notices": notices_of_course(uow, instance.id), "hold": hold_view(uow, instance),
        "waiting_messages": list(instance.waiting_messages or []) if instance.status == "running" else [],
        "withheld": sorted(consents.data_type_titles(uow, instance.youth_id).get(t, t) for t in withheld or ()),
    }


def _without(entries: list[dict[str, Any]], hidden: set[str]) -> list[dict[str, Any]]:
    """Journal entries with the ``hidden`` fields left out of what each shows."""
    if not hidden:
        return entries
    return [{**entry, "fields": [f for f in entry["fields"] if f.get("key") not in hidden]}
            if isinstance(entry.get("fields"), list) else entry for entry in entries]


def _may(actor: Actor, instance: ProcessInstance) -> dict[str, bool]:
    """What the reader may do with the course from the case page (engine.courses.control decides)."""
    from engine.courses.control import DROPOUT_MESSAGE, PAUSED, may_control, may_report_dropout

    control = may_control(actor)
    return {"pause": control and instance.status == "running", "resume": control and instance.status == PAUSED,
            "close": control and instance.status in ("running", PAUSED, "error"),
            "dropout": instance.status == "running" and DROPOUT_MESSAGE in (instance.waiting_messages or [])
            and may_report_dropout(actor, instance.data)}


def _waiting_for(uow: UnitOfWork, instance: ProcessInstance) -> list[dict[str, Any]]:
    """The events the course stands at, by name, and whether each is a timer (which may be fired now)."""
    if not instance.waiting_elements or instance.status != "running":
        return []
    from engine.courses.runtime import process_for

    _, process = process_for(uow, instance.process_version_id)
    specs = {getattr(spec, "bpmn_id", None): spec
             for workflow_spec in (process.spec, *process.subprocess_specs.values())
             for spec in workflow_spec.task_specs.values()}
    waiting = []
    for element_id in instance.waiting_elements:
        spec = specs.get(element_id)
        waiting.append({"element_id": element_id, "name": getattr(spec, "bpmn_name", None) or element_id,
                        "timer": isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)})
    return waiting


def _forms(version: ProcessVersion | None) -> dict[str, Any]:
    import json

    forms = {}
    for name, text in ((version.files or {}) if version else {}).items():
        if name.startswith("forms/") and name.endswith(".json"):
            try:
                forms[name[len("forms/"):-len(".json")]] = json.loads(text)
            except ValueError:
                continue
    return forms


def _diagram(version: ProcessVersion | None) -> str | None:
    if version is None:
        return None
    files = version.files or {}
    named = [text for name, text in files.items() if name.endswith(".bpmn") and f'id="{version.key}"' in text]
    return named[0] if named else next((t for n, t in files.items() if n.endswith(".bpmn")), None)


def _people(uow: UnitOfWork, data: dict[str, Any], **more: str | None) -> dict[str, Any]:
    """The guide and the coordinating caseworker by username, and ``names``: their full names.

    The course data holds usernames (what the k-meeting chose); people recognise each other by name.
    """
    people: dict[str, Any] = {"guide": _text(data.get("ungeguide")),
                              "case_coordinator": _text(data.get("koordinerende_sagsbehandler")), **more}
    usernames = {value for value in people.values() if value}
    names = dict(uow.session.execute(select(User.username, User.full_name).where(User.username.in_(usernames)))
                 .all()) if usernames else {}
    people["names"] = {username: name for username, name in names.items() if name}
    return people


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _title(schema: dict[str, Any] | None, value: Any) -> Any:
    """The human title of an enum value (x-enum-titles), or the value itself."""
    return journal.enum_title(schema, value)


def _prop(forms: dict[str, Any], form: str, *path: str) -> dict[str, Any] | None:
    node: Any = forms.get(form)
    for part in path:
        if not isinstance(node, dict):
            return None
        node = (node.get("items") if part == "[]" else (node.get("properties") or {}).get(part))
    return node if isinstance(node, dict) else None


def plan_of(data: dict[str, Any], forms: dict[str, Any], statuses: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The education and job plan with the latest status of each milestone, grouped by track.

    ``statuses`` are the milestones' latest statuses as the follow-ups set them (from what each
    follow-up submitted); without them, the course data's latest follow-up.
    """
    milestones = data.get("milepaele")
    if not isinstance(milestones, list) and not data.get("positiv_destination"):
        return None
    latest = {m.get("titel"): m.get("status") for m in data.get("milepaele_status") or [] if isinstance(m, dict)}
    latest.update(statuses or {})
    rows = []
    for m in milestones or []:
        if not isinstance(m, dict):
            continue
        status = latest.get(m.get("titel"), m.get("status"))
        rows.append({"title": m.get("titel"), "track": _title(_prop(forms, PLAN_FORM, "milepaele", "[]", "spor"),
                                                             m.get("spor")),
                     "department": _title(_prop(forms, PLAN_FORM, "milepaele", "[]", "ansvarlig_afdeling"),
                                          m.get("ansvarlig_afdeling")),
                     "due": m.get("frist"), "status_value": status,
                     "status": _title(_prop(forms, PLAN_FORM, "milepaele", "[]", "status"), status)})
    tracks = sorted({r["track"] for r in rows if r["track"]})
    return {"destination": _title(_prop(forms, PLAN_FORM, "positiv_destination"), data.get("positiv_destination")),
            "description": data.get("destination_beskrivelse"), "milestones": rows, "tracks": tracks,
            "first_actions": [a for a in data.get("foerste_handlinger") or [] if isinstance(a, dict)]}


def consent_of(data: dict[str, Any], forms: dict[str, Any]) -> dict[str, Any] | None:
    if "samtykke_givet" not in data:
        return None
    kinds = _prop(forms, REFERRAL_FORM, "samtykke_datatyper", "[]")
    return {"given": data.get("samtykke_givet") is True,
            "data_types": [_title(kinds, v) for v in data.get("samtykke_datatyper") or []],
            "recipient": data.get("samtykke_modtager"), "purpose": data.get("samtykke_formaal"),
            "given_by": _title(_prop(forms, REFERRAL_FORM, "samtykke_givet_af"), data.get("samtykke_givet_af"))}


def task_context_in(uow: UnitOfWork, actor: Actor, task: Task) -> dict[str, Any]:
    """What the task page shows beside the form: the young person, the current plan, the comments.

    For a task row read in the caller's unit of work (:func:`engine.work.task_page.task_page`).
    """
    youth = ensure_may_view(uow, actor, task.youth_id)
    instance = uow.session.get(ProcessInstance, task.instance_id)
    version = uow.session.get(ProcessVersion, instance.process_version_id) if instance else None
    forms = _forms(version)
    hidden = consents.withheld_fields(forms, consents.withheld_types(uow, actor, task.youth_id))
    data = {key: value for key, value in ((instance.data if instance else None) or {}).items() if key not in hidden}
    comments = uow.session.scalars(select(TaskComment).where(TaskComment.task_id == task.id)
                                   .order_by(TaskComment.at, TaskComment.id)).all()
    statuses = journal.latest_milestone_status(journal.submissions_of(uow, instance.id).values()) \
        if instance else {}
    return {"youth": youth_view(youth), "plan": plan_of(data, forms, statuses), "consent": consent_of(data, forms),
            "consents": consents.register_in(uow, youth.id),
            "people": _people(uow, data),
            "course_status": instance.status if instance else None,
            "comments": [{"user": c.username, "at": iso(c.at), "body": c.body} for c in comments],
            **_submitted(uow, task, forms, hidden), "choices": _data_choices(forms.get(task.form_key or ""), data)}


def _submitted(uow: UnitOfWork, task: Task, forms: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    """A completed task's submission, read-only, with the full names of the people it names
    (the ``hidden`` fields left out: a consent to the reader's role no longer in force)."""
    data = journal.submitted_data(uow, task.id) if task.state == "completed" else None
    if data is None:
        return {"submitted": None, "names": {}}
    fields = [f for f in journal.readable(forms.get(task.form_key or ""), data) if f.get("key") not in hidden]
    return {"submitted": fields, "names": journal.full_names(uow, journal.usernames_in(
        [{"user": task.completed_by, "fields": fields}]))}


def _data_choices(schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, list[str]]:
    """For the form's ``x-one-of-data`` fields: the values the course holds (the plan's milestones)."""
    from engine.work.data_choices import allowed_values, choice_fields

    return {source: allowed_values(source, data) for _, source in choice_fields(schema).values()}


def add_comment(uow: UnitOfWork, actor: Actor, task_id: str, body: Any,
                submission_key: str | None = None) -> dict[str, Any]:
    """A comment on a task, by anyone who may see the young person's case (once per form key).

    Who may comment is checked first: a refusal does not depend on what was typed.
    """
    from engine.work.tasks import _task_row

    with uow:
        task = _task_row(uow, task_id)
        ensure_may_view(uow, actor, task.youth_id)
        if not isinstance(body, str) or not body.strip():
            raise InvalidInput(Message("engine.comment.empty"),
                               errors=[{"field": "body", "message": Message("engine.form.required")}])
        if len(body) > MAX_COMMENT_LENGTH:
            raise InvalidInput(Message("engine.comment.too_long"),
                               errors=[{"field": "body",
                                        "message": Message("engine.comment.max_length", max=MAX_COMMENT_LENGTH)}])
        once(uow, actor, submission_key)
        comment = TaskComment(task_id=task.id, youth_id=task.youth_id, username=actor.username,
                              at=uow.clock.now(), body=body.strip())
        uow.session.add(comment)
        audit.record(uow, actor, "task_commented", task.youth_id, f"opgave {task.element_id}")
        uow.commit()
        return {"user": comment.username, "at": iso(comment.at), "body": comment.body}

