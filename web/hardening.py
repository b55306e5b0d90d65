"""What every response and request goes through, whatever blueprint serves it.

* **Headers**: nothing with personal data is cached (``Cache-Control: no-store`` on every answer but
  static assets), HSTS when cookies are HTTPS-only, no sniffing, no framing, same-origin referrers.
* **JSON bodies**: the app's one JSON reader refuses nesting deeper than :data:`MAX_JSON_DEPTH` and
  strings with lone surrogates (which no database column can store), so such a body is a 400 like
  any malformed JSON, never a 500.
* **Request log**: one line per request written by the app (gunicorn's own access log is off), with
  control characters escaped, so a ``%0a`` in a path cannot forge a line; no query strings, since a
  search may carry a name.
* **Proxies**: ``X-Forwarded-For``/``-Proto`` are believed only from as many proxies as
  ``SAMSPIL_TRUSTED_PROXIES`` says (werkzeug's ``ProxyFix``); by default no header is trusted.
"""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from flask import Flask, Response, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

MAX_JSON_DEPTH = 64
access_log = logging.getLogger("samspil.access")
PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
               "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000"  # not includeSubDomains: the municipality's other hosts are not ours to decide
_UNPRINTABLE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\]')


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with a body that cannot be stored or walked safely read as malformed (ValueError)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        check_storable(value)
        return value


def check_storable(value: Any) -> None:
    """Raise ValueError for nesting beyond :data:`MAX_JSON_DEPTH` or a string with a lone surrogate.

    Walks without recursion: the point is to stay clear of Python's recursion limit.
    """
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise ValueError("JSON nested too deeply")
            if isinstance(item, dict):
                for key in item:
                    _check_text(key)
                pending.extend((child, depth + 1) for child in item.values())
            else:
                pending.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("JSON string with a lone surrogate") from None


def escape_for_log(text: str) -> str:
    """Control characters, quotes and backslashes as ``\\xNN``: one request is always one log line."""
    return _UNPRINTABLE.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def init_app(app: Flask) -> None:
    provider = GuardedJSONProvider(app)
    provider.sort_keys, provider.ensure_ascii = app.json.sort_keys, app.json.ensure_ascii  # type: ignore[attr-defined]
    app.json = provider
    proxies = int(app.config["TRUSTED_PROXIES"])  # from the settings (create_app), unless config gave it
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def harden(response: Response) -> Response:
        headers = response.headers
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", HSTS)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", API_POLICY if "api" in request.blueprints else PAGE_POLICY)
        _log_request(response)
        return response


def _log_request(response: Response) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    started = g.get("request_started")
    took = round((time.perf_counter() - started) * 1000) if started is not None else 0
    access_log.info('%s "%s %s" %s %s %sms', escape_for_log(request.remote_addr or "-"),
                    escape_for_log(request.method), escape_for_log(request.path), response.status_code,
                    response.calculate_content_length() or "-", took)
