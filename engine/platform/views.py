"""Plain-dict views of rows: the shapes the API and the pages show (the API's in web/api/openapi_spec.py)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from engine.platform.models import InstanceEvent, ProcessInstance, Task, Youth


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def task_view(task: Task | Any) -> dict[str, Any]:
    """A task row, as an ORM object or a plain row with the same column names."""
    return {
        "id": task.id, "instance_id": task.instance_id, "youth_id": task.youth_id, "element_id": task.element_id,
        "name": task.name, "role": task.role, "assignee": task.assignee, "state": task.state,
        "created_at": iso(task.created_at), "due_at": iso(task.due_at), "form": task.form_key,
        "process_key": task.process_key, "completed_at": iso(task.completed_at), "completed_by": task.completed_by,
    }


def event_view(event: InstanceEvent) -> dict[str, Any]:
    return {"at": iso(event.at), "kind": event.kind, "element_id": event.element_id, "name": event.name,
            "element_type": event.element_type, "task_id": event.task_id, "user": event.username,
            "detail": event.detail}


def instance_view(instance: ProcessInstance, version: int, tasks: list[Task] | None = None,
                  history: list[InstanceEvent] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": instance.id, "status": instance.status, "process_key": instance.process_key, "version": version,
        "youth_id": instance.youth_id, "data": instance.data, "created_at": iso(instance.created_at),
        "updated_at": iso(instance.updated_at), "completed_at": iso(instance.completed_at),
        "error": ({"message": instance.error_message, "element_id": instance.error_element_id}
                  if instance.status == "error" else None),
    }
    if tasks is not None:
        view["tasks"] = [task_view(t) for t in tasks]
    if history is not None:
        view["history"] = [event_view(e) for e in history]
    return view


def youth_view(youth: Youth) -> dict[str, Any]:
    return {"id": youth.id, "name": youth.name, "birthdate": iso(youth.birthdate), "cpr": youth.cpr_masked,
            "created_at": iso(youth.created_at)}
