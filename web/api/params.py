"""Reading request input: a JSON object body, typed query parameters, uploaded files."""
from __future__ import annotations

from typing import Any

from flask import request

from web.errors import BadRequestError


def json_object() -> dict[str, Any]:
    """The body as a JSON object; malformed JSON or another type is a 400."""
    body = request.get_json(silent=True, force=True)
    if body is None and request.get_data():
        raise BadRequestError("Forespørgslens indhold er ikke gyldig JSON")
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequestError("Forespørgslens indhold skal være et JSON-objekt")
    return body


MAX_INT = 2**63 - 1  # what the database's integer columns hold


def int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise BadRequestError(f"Parameteren {name} skal være et heltal") from None
    if not -MAX_INT <= number <= MAX_INT:
        raise BadRequestError(f"Parameteren {name} er uden for det tilladte område")
    return number


def bool_arg(name: str) -> bool:
    value = (request.args.get(name) or "").lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise BadRequestError(f"Parameteren {name} skal være true eller false")


def uploaded_files() -> dict[str, bytes]:
    """Every file part of a multipart body, whatever its field name; else the raw body as one BPMN file."""
    if request.files:
        return {storage.filename or field: storage.read() for field in request.files
                for storage in request.files.getlist(field)}
    data = request.get_data()
    if not data:
        raise BadRequestError("Forespørgslen indeholder ingen fil")
    return {"diagram.bpmn": data}
