"""Checking submitted data against a task's JSON Schema form.

Messages name the field and the rule, never the value typed: they are shown to people and may end
up in logs, and the value may be personal data.
"""
from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from engine.platform.errors import InvalidInput
from engine.platform.messages import Message

REQUIRED_MESSAGE = re.compile(r"^'(.+)' is a required property$")
RULES = {  # jsonschema's rule -> the message's key in engine/platform/messages/*/forms.json
    "required": "engine.form.required",
    "type": "engine.form.type",
    "enum": "engine.form.enum",
    "const": "engine.form.const",
    "format": "engine.form.format",
    "minItems": "engine.form.min_items",
    "maxItems": "engine.form.max_items",
    "minLength": "engine.form.min_length",
    "maxLength": "engine.form.max_length",
    "minimum": "engine.form.minimum",
    "maximum": "engine.form.maximum",
    "pattern": "engine.form.pattern",
    "uniqueItems": "engine.form.unique_items",
    "additionalProperties": "engine.form.additional_properties",
}
WITH_EXPECTED = {"type", "format", "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum"}
FORMAT_NAMES = {"date": "engine.form.format_date", "date-time": "engine.form.format_date_time",
                "email": "engine.form.format_email"}
TYPE_NAMES = {"string": "engine.form.type_string", "integer": "engine.form.type_integer",
              "number": "engine.form.type_number", "boolean": "engine.form.type_boolean",
              "array": "engine.form.type_array", "object": "engine.form.type_object", "null": "engine.form.type_null"}


def object_errors(data: Any, *, optional: bool = True, key: str = "field", name: str = "data") -> list[dict[str, Any]]:
    """The field error for submitted data that is not a JSON object (none when ``optional`` and absent).

    ``key`` and ``name`` say where the error points: ``{"field": "data"}`` for a part of a request,
    ``{"path": ""}`` for a form's whole answer, as :func:`form_errors` points into it.
    """
    if isinstance(data, dict) or (optional and data is None):
        return []
    return [{key: name, "message": Message("engine.field.must_be_object")}]


def require_object(data: Any, *, optional: bool = True, key: str = "field", name: str = "data") -> None:
    """Refuse data that is not a JSON object before anything reads it (see :func:`object_errors`)."""
    errors = object_errors(data, optional=optional, key=key, name=name)
    if errors:
        raise InvalidInput(Message("engine.data.must_be_object"), errors=errors)


def form_errors(validator: Draft202012Validator, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each broken rule as ``{"path": "milepaele/0/frist", "message": ...}``, in field order."""
    errors = []
    for error in validator.iter_errors(data):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = _missing_property(error)
            if missing:
                path.append(missing)
        errors.append({"path": "/".join(path), "message": _message(error)})
    return sorted(errors, key=lambda e: (e["path"], e["message"]))


def _missing_property(error: ValidationError) -> str | None:
    """jsonschema reports one error per missing property; only its message says which one."""
    match = REQUIRED_MESSAGE.match(error.message)
    return match.group(1) if match else None


def _message(error: ValidationError) -> Message:
    rule = str(error.validator)
    key = RULES.get(rule, "engine.form.invalid")
    if rule not in WITH_EXPECTED:
        return Message(key)
    return Message(key, expected=_expected(rule, error.validator_value))


def _expected(rule: str, value: Any) -> Any:
    """What the rule wants, in words where the catalog has them ("en dato (ÅÅÅÅ-MM-DD)", "tekst eller tal")."""
    if rule == "format":
        return Message(FORMAT_NAMES[value]) if value in FORMAT_NAMES else str(value)
    if rule == "type":
        types = value if isinstance(value, list) else [value]
        names = [Message(TYPE_NAMES[t]) if t in TYPE_NAMES else t for t in types]
        expected = names[0]
        for name in names[1:]:
            expected = Message("engine.form.either", first=expected, second=name)
        return expected
    return value
