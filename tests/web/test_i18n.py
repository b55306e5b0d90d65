"""Every text lives in the catalogs, and every language has every key (the engine's messages too)."""
from __future__ import annotations

import re
from pathlib import Path

from web.i18n import LANGUAGES, catalog

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
ENGINE = ROOT / "engine"
KEY_CALL = re.compile(r"""\b_\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']\s*[,)]""")
# Message("engine.task.not_found", ...) and keys the engine keeps in tables or builds from a prefix
# ("engine.diagram.timer_date" in TIMER_WORDS, f"engine.diagram.{what}_rejected").
MESSAGE_CALL = re.compile(r"""\bMessage\(\s*["']([a-z0-9_.]+)["']""")
KEY_LITERAL = re.compile(r"""["'](engine\.[a-z0-9_.]+)["']""")
BUILT_KEY = re.compile(r"""f["'](engine\.[a-z0-9_.]*)\{""")


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


def test_every_message_key_used_in_the_engine_exists_in_every_language():
    used, prefixes = set(), set()
    for path in ENGINE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used.update(MESSAGE_CALL.findall(text))
        used.update(KEY_LITERAL.findall(text))
        prefixes.update(BUILT_KEY.findall(text))
    assert len(used) > 100, "the scan should find the engine's messages"
    for lang in LANGUAGES:
        missing = sorted(used - set(catalog(lang)))
        assert not missing, f"engine message keys not in the {lang} catalog: {missing}"
        for prefix in prefixes:
            assert any(key.startswith(prefix) for key in catalog(lang)), (lang, prefix)


def test_the_engine_raises_no_error_with_a_plain_text():
    """An error, problem or field message written as a literal would stay Danish on English pages."""
    literal = re.compile(r"""\b(?:NotFound|Forbidden|Conflict|InvalidInput|TooManyAttempts|Unreadable|TooLarge|"""
                         r"""AlreadySubmitted|Problem|ScriptRejected|_bad|_problem)\((?:[^()"']*,\s*)?f?["']"""
                         r"""|["']message["']:\s*f?["']""")
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in ENGINE.rglob("*.py")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if literal.search(line)]
    assert not offenders, offenders


def test_engine_catalogs_hold_only_engine_keys():
    from engine.platform.messages import catalog as engine_catalog

    for lang in LANGUAGES:
        assert all(key.startswith("engine.") for key in engine_catalog(lang)), lang
