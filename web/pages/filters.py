"""Template filters and globals every page may use: dates in the user's language, role names, nav.

``{{ value | date }}`` and ``{{ value | datetime }}`` take a ``datetime``, ``date`` or ISO string and
show it in Danish time (Europe/Copenhagen) in the format of the current language.
``role_name("ungeguide")`` is the translated name of a role.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask

from web.i18n import _
from web.pages.nav import nav_items

try:
    from zoneinfo import ZoneInfo

    LOCAL_TIME: Any = ZoneInfo("Europe/Copenhagen")
except Exception:  # no time zone database: show UTC rather than fail
    LOCAL_TIME = UTC

STATIC = Path(__file__).resolve().parent.parent / "static"


def _parse(value: Any) -> datetime | date | None:
    if value in (None, ""):
        return None
    if isinstance(value, (datetime, date)):
        return value
    try:
        return datetime.fromisoformat(str(value)) if "T" in str(value) else date.fromisoformat(str(value))
    except ValueError:
        return None


def format_date(value: Any) -> str:
    parsed = _parse(value)
    if parsed is None:
        return str(value or "")
    if isinstance(parsed, datetime):
        parsed = parsed.astimezone(LOCAL_TIME) if parsed.tzinfo else parsed
    return parsed.strftime(_("format.date"))


def format_datetime(value: Any) -> str:
    parsed = _parse(value)
    if not isinstance(parsed, datetime):
        return format_date(value)
    return (parsed.astimezone(LOCAL_TIME) if parsed.tzinfo else parsed).strftime(_("format.datetime"))


def role_name(role: str | None) -> str:
    if not role:
        return ""
    try:
        return _("role." + role)
    except KeyError:
        return role


@lru_cache(maxsize=1)
def htmx_available() -> bool:
    return (STATIC / "build" / "htmx.min.js").exists()


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.globals.update(role_name=role_name, nav_items=nav_items, htmx_available=htmx_available)
