"""Checking submitted data against a task's JSON Schema form.

Messages name the field and the rule, never the value typed: they are shown to people and may end
up in logs, and the value may be personal data.
"""
from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

REQUIRED_MESSAGE = re.compile(r"^'(.+)' is a required property$")
MESSAGES = {
    "required": "skal udfyldes",
    "type": "har forkert type (forventet {expected})",
    "enum": "skal være en af de tilladte værdier",
    "const": "har en ikke-tilladt værdi",
    "format": "skal være {expected}",
    "minItems": "skal have mindst {expected} række(r)",
    "maxItems": "må højst have {expected} række(r)",
    "minLength": "skal have mindst {expected} tegn",
    "maxLength": "må højst have {expected} tegn",
    "minimum": "skal være mindst {expected}",
    "maximum": "må højst være {expected}",
    "pattern": "har ikke det rigtige format",
    "uniqueItems": "må ikke indeholde den samme værdi to gange",
    "additionalProperties": "indeholder felter formularen ikke kender",
}
FORMAT_NAMES = {"date": "en dato (ÅÅÅÅ-MM-DD)", "date-time": "et tidspunkt", "email": "en e-mailadresse"}
TYPE_NAMES = {"string": "tekst", "integer": "heltal", "number": "tal", "boolean": "ja/nej", "array": "liste",
              "object": "objekt", "null": "tom"}


def form_errors(validator: Draft202012Validator, data: dict[str, Any]) -> list[dict[str, str]]:
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


def _message(error: ValidationError) -> str:
    template = MESSAGES.get(str(error.validator), "er ugyldig")
    expected = error.validator_value
    if error.validator == "format":
        expected = FORMAT_NAMES.get(str(expected), str(expected))
    elif error.validator == "type":
        expected = " eller ".join(TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected]))
    return template.format(expected=expected)
