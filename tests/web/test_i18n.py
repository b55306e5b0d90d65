"""Every text lives in the catalogs, and every language has every key."""
from __future__ import annotations

import re
from pathlib import Path

from web.i18n import LANGUAGES, catalog

WEB = Path(__file__).resolve().parents[2] / "web"
KEY_CALL = re.compile(r"""\b_\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']\s*[,)]""")


def test_every_language_has_the_same_keys():
    danish = set(catalog("da"))
    for lang in LANGUAGES:
        assert set(catalog(lang)) == danish, f"{lang} differs from da"


def test_every_key_used_in_templates_and_code_exists():
    used = set()
    for path in list(WEB.rglob("*.html")) + list(WEB.rglob("*.py")):
        if path.parent.name == "i18n":
            continue  # its docstring shows examples
        used.update(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    missing = sorted(used - set(catalog("da")))
    assert not missing, f"keys used but not in the catalog: {missing}"


def test_placeholders_match_between_languages():
    placeholder = re.compile(r"\{(\w+)\}")
    for key, text in catalog("da").items():
        for lang in LANGUAGES:
            assert set(placeholder.findall(catalog(lang)[key])) == set(placeholder.findall(text)), (lang, key)
