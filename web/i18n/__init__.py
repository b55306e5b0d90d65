"""Translations: every text a page shows lives in a catalog, Danish by default, English switchable.

How it works
------------
* Catalogs are JSON files, one folder per language: ``web/i18n/da/*.json`` and ``web/i18n/en/*.json``.
  Each file holds one area's keys (``core.json``, ``inbox.json``, ``workbench.json``, ...); the files of a
  language are merged when the app starts, and a key defined twice is an error. Give your area its own
  file so that branches do not edit the same one.
* Keys are dotted and start with the area: ``"inbox.title"``. Values are text with optional
  ``{name}`` placeholders (``str.format``): ``"inbox.count": "{count} opgaver"``.
* In templates: ``{{ _("inbox.title") }}`` and ``{{ _("inbox.count", count=3) }}``. Jinja escapes the
  result like any other value; placeholders are escaped too. In Python: ``from web.i18n import _``.
* The language is ``session["lang"]`` (set by the language switch, ``POST /sprog``), else Danish.
  ``LANGUAGES`` lists those offered. In templates ``lang`` is the current code.
* A missing key raises ``KeyError`` when ``app.testing`` is on (so tests catch it) and shows the key
  otherwise. ``tests/web/test_i18n.py`` checks that every language has the same keys and that every
  ``_("...")`` in templates and ``web/`` Python code and every ``Message("...")`` in ``engine/`` names
  a key that exists.

Texts from the engine
---------------------
The engine (errors, form errors, diagram problems) imports nothing from here, so it keeps its own
catalogs in ``engine/platform/messages/{da,en}/*.json`` (keys ``engine.*``), which :func:`catalog` merges in.
Each such text reaches the web layer as an ``engine.platform.messages.Message``: a ``str`` holding the Danish
text that also carries its key and parameters. That is the one way engine texts are translated:

* The REST API sends them as they are, so it answers in Danish as before (and adds the key as
  ``code`` next to ``error``).
* Pages show them through :func:`localize`, which renders every ``Message`` in a value (a message, or
  the dicts and lists of an error's details) in the reader's language. Templates do it by themselves
  for every ``{{ value }}`` (Jinja's ``finalize``); Python code calls ``localize`` before it flashes a
  message, joins it, or hands it to a page's script as JSON.

No compile step and no extra dependency: a catalog is read once per process.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, has_request_context, session

from engine.platform import messages
from engine.platform.messages import Message

CATALOGS = Path(__file__).parent
DEFAULT_LANGUAGE = "da"
LANGUAGES = {"da": "Dansk", "en": "English"}


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every key of a language, merged from its folder's JSON files and the engine's catalog."""
    return messages.read_catalog(CATALOGS / lang, into=messages.catalog(lang))


def current_language() -> str:
    if has_request_context():
        lang = session.get("lang")
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE


def translate(key: str, lang: str | None = None, **values: Any) -> str:
    text = catalog(lang or current_language()).get(key)
    if text is None:
        if has_app_context() and current_app.testing:
            raise KeyError(f"missing translation {key!r} for {lang or current_language()}")
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


_ = translate


def localize(value: Any, lang: str | None = None) -> Any:
    """``value`` with every engine :class:`Message` in it rendered in the reader's language.

    Dicts, lists and plain tuples are copied with their messages translated; anything else is returned as
    it is. A key missing in the language raises in tests and falls back to the Danish text otherwise.
    """
    if isinstance(value, Message):
        try:
            return value.translated(catalog(lang or current_language()))
        except KeyError:
            if has_app_context() and current_app.testing:
                raise
            return str.__str__(value)
    if isinstance(value, dict):
        return {key: localize(item, lang) for key, item in value.items()}
    if isinstance(value, list):
        return [localize(item, lang) for item in value]
    if type(value) is tuple:
        return tuple(localize(item, lang) for item in value)
    return value


def _finalize(value: Any) -> Any:
    """Jinja's hook for every ``{{ value }}``: an engine message shows in the page's language."""
    return localize(value) if isinstance(value, Message) else value


def has_translation(key: str) -> bool:
    """For texts chosen by data (an event kind, a status): fall back to the raw value if absent."""
    return key in catalog(current_language())


def init_app(app: Flask) -> None:
    app.jinja_env.globals["_"] = translate
    app.jinja_env.finalize = _finalize
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["has_translation"] = has_translation

    @app.context_processor
    def language() -> dict[str, Any]:
        return {"lang": current_language()}
