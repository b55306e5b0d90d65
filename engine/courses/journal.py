"""The case journal: the course as a readable record of who did what, when, and what they entered.

Each completion's submitted data is kept (``task_submissions``, written in the completion's
transaction by :func:`record_submission`). The journal reads those rows with the event rows and
the comments, and renders each submission against its form read-only: field titles, enum titles
instead of raw keys, people by full name, arrays of objects as small tables. Plain rows only
(principle 3); the caller audits the read.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.platform.models import InstanceEvent, Task, TaskComment, TaskSubmission, User
from engine.platform.views import iso
from engine.work.user_fields import ROLE_KEYWORD

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

# The events the journal tells in words (the rest, such as a task being created, are bookkeeping).
TOLD_KINDS = {"instance_started", "task_completed", "timer_fired", "timer_advanced", "message_received",
              "instance_completed", "instance_error", "course_paused", "course_resumed", "course_closed",
              "dropout_reported", "lane_people_changed"}
SCREENING_TYPE = "BusinessRuleTask"
SCREENING_REASON = "begrundelse"


def record_submission(uow: UnitOfWork, task: Task, username: str | None, data: Mapping[str, Any],
                      now: datetime) -> None:
    """Keep what a completion submitted, in its transaction; then what the completion owes people."""
    from engine.courses.notices import after_completion
    from engine.people import consents

    uow.session.add(TaskSubmission(task_id=task.id, instance_id=task.instance_id, youth_id=task.youth_id,
                                   username=username, at=now, data=copy.deepcopy(dict(data))))
    after_completion(uow, task, data, now)
    consents.after_referral(uow, task, dict(data), now, username)


def submitted_data(uow: UnitOfWork, task_id: str) -> dict[str, Any] | None:
    row = uow.session.get(TaskSubmission, task_id)
    return row.data if row is not None else None


def submissions_of(uow: UnitOfWork, instance_id: int) -> dict[str, TaskSubmission]:
    return {row.task_id: row for row in uow.session.scalars(
        select(TaskSubmission).where(TaskSubmission.instance_id == instance_id))}


def journal(uow: UnitOfWork, instance_id: int, events: Iterable[InstanceEvent], tasks: Iterable[Task],
            forms: Mapping[str, Any], data: Mapping[str, Any],
            submissions: Mapping[str, TaskSubmission]) -> list[dict[str, Any]]:
    """The course's entries, oldest first: steps with what was entered, comments, messages, timers."""
    form_of = {task.id: task.form_key for task in tasks}
    task_names = {task.id: task.name for task in tasks}
    comments = uow.session.scalars(select(TaskComment).join(Task, Task.id == TaskComment.task_id)
                                   .where(Task.instance_id == instance_id)
                                   .order_by(TaskComment.at, TaskComment.id)).all()
    entries: list[tuple[Any, int, dict[str, Any]]] = []
    for order, event in enumerate(events):
        if event.kind == "step_completed" and event.element_type == SCREENING_TYPE:
            reason = data.get(SCREENING_REASON)
            entries.append((event.at, order, {"kind": "screening", "at": iso(event.at), "name": event.name,
                                              "user": None, "text": reason if isinstance(reason, str) else None}))
            continue
        if event.kind not in TOLD_KINDS:
            continue
        entry: dict[str, Any] = {"kind": event.kind, "at": iso(event.at), "name": event.name,
                                 "user": event.username, "detail": event.detail or {}}
        if event.kind == "task_completed" and event.task_id:
            entry["task_id"] = event.task_id
            submission = submissions.get(event.task_id)
            form = forms.get(form_of.get(event.task_id) or "")
            entry["fields"] = readable(form, submission.data) if submission is not None else None
        entries.append((event.at, order, entry))
    for comment in comments:
        entries.append((comment.at, len(entries) + 10_000, {
            "kind": "comment", "at": iso(comment.at), "name": task_names.get(comment.task_id),
            "task_id": comment.task_id, "user": comment.username, "text": comment.body}))
    entries.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in entries]


def readable(schema: Mapping[str, Any] | None, data: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """A submission as the form's fields, read-only: ``[{"label", "type", "value"}]`` in form order.

    ``type`` says how to show ``value``: ``text``, ``date``, ``bool`` (Ja/Nej), ``user`` (a
    username, shown by full name), ``list`` (of texts) or ``table`` (``{"columns", "rows"}``).
    Fields left empty are left out; data outside the form is not shown.
    """
    data = data or {}
    fields = []
    for key, prop in ((schema or {}).get("properties") or {}).items():
        if key not in data or not isinstance(prop, Mapping):
            continue
        shown = _value(prop, data[key])
        if shown is None:
            continue
        fields.append({"key": key, "label": str(prop.get("title") or key), **shown})
    return fields


def _value(prop: Mapping[str, Any], value: Any) -> dict[str, Any] | None:
    if value is None or value == "" or value == []:
        return None
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items") or {}
        if not isinstance(value, list):
            return {"type": "text", "value": str(value)}
        if items.get("type") == "object":
            columns = [(k, str(p.get("title") or k)) for k, p in (items.get("properties") or {}).items()
                       if isinstance(p, Mapping)]
            rows = [[_cell((items.get("properties") or {})[k], row.get(k)) for k, _ in columns]
                    for row in value if isinstance(row, dict)]
            return {"type": "table", "value": {"columns": [title for _, title in columns], "rows": rows}}
        return {"type": "list", "value": [str(enum_title(items, v)) for v in value]}
    if kind == "object" and isinstance(value, dict):
        return {"type": "list", "value": [f"{f['label']}: {f['value']}" for f in readable(prop, value)
                                          if f["type"] in ("text", "date")]}
    return _cell(prop, value)


def _cell(prop: Mapping[str, Any], value: Any) -> dict[str, Any]:
    if value is None or value == "":
        return {"type": "text", "value": ""}
    if "enum" in prop:
        return {"type": "text", "value": str(enum_title(prop, value))}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(prop.get(ROLE_KEYWORD), str):
        return {"type": "user", "value": str(value)}
    if prop.get("format") == "date":
        return {"type": "date", "value": str(value)}
    return {"type": "text", "value": str(value)}


def enum_title(schema: Mapping[str, Any] | None, value: Any) -> Any:
    """The human title of an enum value (``x-enum-titles``), or the value itself."""
    if not schema or value is None:
        return value
    values = schema.get("enum") or []
    titles = schema.get("x-enum-titles") or []
    index = next((i for i, v in enumerate(values) if v == value and type(v) is type(value)), None)
    return titles[index] if index is not None and index < len(titles) else value


def usernames_in(entries: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every username the journal names: who acted, and people named in the forms."""
    names = set()
    for entry in entries:
        if entry.get("user"):
            names.add(entry["user"])
        for field in entry.get("fields") or []:
            if field["type"] == "user":
                names.add(field["value"])
            elif field["type"] == "table":
                names.update(cell["value"] for row in field["value"]["rows"] for cell in row
                             if cell["type"] == "user")
    return names


def full_names(uow: UnitOfWork, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    return {username: name for username, name in uow.session.execute(
        select(User.username, User.full_name).where(User.username.in_(usernames))) if name}


def latest_milestone_status(submissions: Iterable[TaskSubmission]) -> dict[str, str]:
    """Each milestone's latest status, as the follow-ups set it, oldest first."""
    latest: dict[str, str] = {}
    for row in sorted(submissions, key=lambda r: (r.at, r.task_id)):
        for item in (row.data or {}).get("milepaele_status") or []:
            if isinstance(item, dict) and isinstance(item.get("titel"), str) and item.get("status"):
                latest[item["titel"]] = item["status"]
    return latest
