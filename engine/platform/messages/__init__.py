"""Texts the engine shows people, kept as a catalog key and parameters so pages can translate them.

The engine speaks Danish: the REST API, the CLI and anything stored get the Danish text. But the
same error must read in English on a page switched to English, so every user-facing text the engine
makes is a :class:`Message`: a ``str`` whose value is the Danish text (callers that treat it as a
string, ``json.dumps`` among them, see no difference) and which also remembers its catalog key and
parameters. The web layer renders it again in the reader's language (``web.i18n.localize``).

Catalogs are JSON files per language and area, ``engine/platform/messages/{da,en}/*.json``, keys starting
with ``engine.``; ``web.i18n`` merges them into its own catalogs, so its tests check them too. A
parameter may itself be a :class:`Message` (a form field's expected format, say): it is rendered in
the same language as the text around it.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CATALOGS = Path(__file__).parent
LANGUAGE = "da"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every engine key of a language, merged from its folder's JSON files."""
    return read_catalog(CATALOGS / lang)


def read_catalog(folder: Path, into: dict[str, str] | None = None) -> dict[str, str]:
    """``into`` plus the keys of every JSON file in ``folder``; a key defined twice is an error.

    The web layer reads its own catalogs with this too, on top of the engine's.
    """
    merged = dict(into or {})
    for path in sorted(folder.glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"catalog key {key!r} is defined twice ({path.name})")
            merged[key] = value
    return merged


class Message(str):
    """The Danish text of ``key`` with ``params`` filled in, remembering both for translation.

    An unknown key raises ``KeyError`` at once: ``tests/web/test_i18n.py`` checks every key the
    engine names, so this never reaches a user.
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> Message:
        self = super().__new__(cls, render(catalog(LANGUAGE)[key], params, lambda m: str.__str__(m)))
        self.key = key
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and copy rebuild from the key, not from the text (``__new__`` takes a key).
        return _rebuild, (self.key, self.params)

    def translated(self, texts: dict[str, str]) -> str:
        """This message in the language of ``texts`` (a catalog holding its key), as a plain string."""
        return render(texts[self.key], self.params, lambda m: m.translated(texts))


def _rebuild(key: str, params: dict[str, Any]) -> Message:
    return Message(key, **params)


def render(template: str, params: dict[str, Any], nested: Any) -> str:
    """``template`` with ``params`` filled in, each :class:`Message` among them rendered by ``nested``."""
    if not params:
        return template
    return template.format(**{name: nested(value) if isinstance(value, Message) else value
                              for name, value in params.items()})
