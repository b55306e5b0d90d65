"""Form fields whose value must be one the course already holds: ``"x-one-of-data": "<list>/<key>"``.

A follow-up reports on the plan's milestones by title. A title that is not in the plan would be
a status for nothing: it would be stored, never shown, and the real milestone would keep its old
status. Such a field names where its allowed values live in the course data (``milepaele/titel``:
the ``titel`` of each item of ``milepaele``); completing the task refuses anything else, as a
field error, and the task page offers those values to choose from.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.platform.messages import Message

KEYWORD = "x-one-of-data"


def allowed_values(source: str, course_data: Mapping[str, Any]) -> list[str]:
    """The values at ``<list>/<key>`` in the course data, in order, each once."""
    list_name, _, key = source.partition("/")
    items = course_data.get(list_name)
    values: list[str] = []
    for item in items if isinstance(items, list) else []:
        value = item.get(key) if isinstance(item, dict) and key else item
        if isinstance(value, str) and value and value not in values:
            values.append(value)
    return values


def choice_fields(schema: Mapping[str, Any] | None) -> dict[str, tuple[str | None, str]]:
    """Dotted field -> (the array it sits in or None, source): top-level fields and fields of rows."""
    found: dict[str, tuple[str | None, str]] = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        if isinstance(prop.get(KEYWORD), str):
            found[name] = (None, prop[KEYWORD])
        items = prop.get("items") if prop.get("type") == "array" else None
        for key, child in ((items or {}).get("properties") or {}).items() if isinstance(items, Mapping) else ():
            if isinstance(child, Mapping) and isinstance(child.get(KEYWORD), str):
                found[f"{name}.{key}"] = (name, child[KEYWORD])
    return found


def data_choice_errors(schema: Mapping[str, Any] | None, data: Mapping[str, Any],
                       course_data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An error (with the field's path) for each filled value that the course data does not hold."""
    errors = []
    for field, (array, source) in choice_fields(schema).items():
        allowed = set(allowed_values(source, course_data))
        if array is None:
            value = data.get(field)
            if isinstance(value, str) and value and value not in allowed:
                errors.append({"path": field, "message": Message("engine.form.not_in_course")})
            continue
        key = field.split(".", 1)[1]
        rows = data.get(array)
        for index, row in enumerate(rows if isinstance(rows, list) else []):
            value = row.get(key) if isinstance(row, dict) else None
            if isinstance(value, str) and value and value not in allowed:
                errors.append({"path": f"{array}/{index}/{key}", "message": Message("engine.form.not_in_course")})
    return errors
