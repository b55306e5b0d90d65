"""One place that turns errors into responses with the right status.

Engine errors map to statuses by class (cosmicpython's endpoint mapping); HTTP errors keep their
status; anything unexpected is logged without request data and answered with a plain 500. Under
``/api/`` the answer is JSON ``{"error": ..., "code": ...}`` with the engine's Danish text and its
message key; elsewhere it is the error page (or a page script's JSON) in the user's language.
"""
from __future__ import annotations

import logging
import traceback

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from engine.platform.errors import (
    Busy,
    Conflict,
    EngineError,
    Forbidden,
    InvalidInput,
    NotFound,
    TooLarge,
    TooManyAttempts,
    Unreadable,
)
from engine.platform.messages import Message
from web.i18n import localize

log = logging.getLogger(__name__)


class BadRequestError(InvalidInput):
    """Input that is not even well-formed (400), as opposed to well-formed but invalid (422)."""


STATUS = {BadRequestError: 400, Unreadable: 400, TooLarge: 413, NotFound: 404, Forbidden: 403, Conflict: 409,
          TooManyAttempts: 429, InvalidInput: 422, Busy: 503}
MESSAGES = {
    400: "Forespørgslen er ugyldig", 401: "Log ind eller angiv et gyldigt API-token", 403: "Adgang nægtet",
    404: "Findes ikke", 405: "Metoden er ikke tilladt her", 413: "Forespørgslen er for stor",
    415: "Forkert indholdstype", 429: "For mange forsøg; vent lidt", 503: "Serveren er optaget; prøv igen om lidt",
}


def error_response(http_status: int, message: str, **extra: object) -> Response:
    """``extra`` may hold a detail named ``status`` (a course's status), so the HTTP status has another name."""
    response = jsonify({"error": message, **extra})
    response.status_code = http_status
    return response


def wants_page() -> bool:
    """HTML for people; JSON under /api/ and for a page's own scripts (fetch with Accept: application/json)."""
    return not request.path.startswith("/api/") and request.accept_mimetypes.best != "application/json"


def error_page(status: int, message: str | None = None) -> tuple[str, int]:
    """The error page: a heading for the status and, if given, what went wrong."""
    return render_template("error.html", status=status, message=message), status


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: a non-negative integer that fits the database (else no route: 404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def _retry_after(error: EngineError, answer: Response | tuple[str, int]) -> Response | tuple[str, int]:
    """A refusal for now (busy, too many attempts) says when to try again, as HTTP says it."""
    seconds = error.details.get("retry_after")
    if not isinstance(seconds, int):
        return answer
    if isinstance(answer, tuple):
        return answer[0], answer[1], {"Retry-After": str(seconds)}  # type: ignore[return-value]
    answer.headers["Retry-After"] = str(seconds)
    return answer


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    @app.errorhandler(EngineError)
    def engine_error(error: EngineError) -> Response | tuple[str, int]:
        status = next((code for cls, code in STATUS.items() if isinstance(error, cls)), 400)
        if wants_page():
            return _retry_after(error, error_page(status, localize(error.message)))
        code = {"code": error.message.key} if isinstance(error.message, Message) else {}
        if request.path.startswith("/api/"):
            return _retry_after(error, error_response(status, error.message, **code, **error.details))  # Danish
        # A page's own script (the workbench's fetch calls): the reader's language.
        return _retry_after(error, error_response(status, localize(error.message), **code, **localize(error.details)))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | tuple[str, int]:
        status = error.code or 500
        if wants_page():
            return error_page(status)
        return error_response(status, MESSAGES.get(status, error.name))

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error: Exception) -> Response | tuple[str, int]:
        # A number in the request too large for the database's columns (say an id of 2**70).
        if wants_page():
            return error_page(400)
        return error_response(400, "Et tal i forespørgslen er uden for det tilladte område")

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response | tuple[str, int]:
        # Where, not what: the message of an arbitrary exception may hold personal data.
        frames = traceback.extract_tb(error.__traceback__)
        where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames[-5:]))
        log.error("unexpected %s at %s", type(error).__name__, where)
        if wants_page():
            return error_page(500)
        return error_response(500, "Der opstod en intern fejl")
