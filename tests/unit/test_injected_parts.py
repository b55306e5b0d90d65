"""Dependencies are injected, not looked up (issue 14).

Bootstrap builds the parts once and hands each unit of work exactly those (``uow.clock``,
``uow.library``, ...). A module that imported bootstrap, or a service that reached through a unit
of work for the whole engine (``uow.engine.clock``), would bring back the service locator and the
import cycle bootstrap -> library -> validation -> user_fields -> uow -> bootstrap; both fail here.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from engine.bootstrap import bootstrap
from engine.platform.clock import FrozenClock

ROOT = Path(__file__).resolve().parents[2]


def _imports_bootstrap(tree: ast.AST) -> list[int]:
    """Lines importing ``engine.bootstrap`` in any form, at any depth (also under ``TYPE_CHECKING``)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name == "engine.bootstrap" or alias.name.startswith(
                "engine.bootstrap.") for alias in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (
                node.module in ("engine.bootstrap",)
                or (node.module == "engine" and any(alias.name == "bootstrap" for alias in node.names))):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level > 0 and (
                (node.module or "").split(".")[-1] == "bootstrap" or any(a.name == "bootstrap" for a in node.names)):
            lines.append(node.lineno)
    return lines


def test_no_engine_module_but_bootstrap_imports_bootstrap() -> None:
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "engine/bootstrap.py":
            continue
        found += [f"{relative}:{line}" for line in _imports_bootstrap(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []


def test_the_check_sees_an_import_under_type_checking() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from engine.bootstrap import Engine\n"
    assert _imports_bootstrap(ast.parse(source)) == [3]
    assert _imports_bootstrap(ast.parse("import engine.bootstrap\n")) == [1]
    assert _imports_bootstrap(ast.parse("from engine import bootstrap\n")) == [1]


def test_nothing_reaches_through_a_unit_of_work_for_the_engine() -> None:
    pattern = re.compile(r"\b(?:uow|writer|reader)\.engine\b")
    found = []
    for folder in ("engine", "web", "bench", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == Path(__file__).resolve():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}")
    assert found == []


def test_a_unit_of_work_carries_the_parts_and_not_the_engine(tmp_path: Path) -> None:
    clock = FrozenClock()
    engine = bootstrap(f"sqlite:///{tmp_path / 'parts.db'}", clock, secret_key="test-secret")
    try:
        uow = engine.uow()
        assert not hasattr(uow, "engine")
        assert uow.clock is clock and uow.script_engine.clock is clock  # one clock, shared by reference
        assert (uow.library, uow.serializer, uow.vault, uow.workflows) == (
            engine.parts.library, engine.parts.serializer, engine.parts.vault, engine.parts.workflows)
        earlier = FrozenClock(clock.now().replace(year=2020))
        past = engine.at(earlier).uow()
        assert past.clock is earlier and past.script_engine.clock is earlier
        assert uow.clock is clock and uow.script_engine.clock is clock  # the engine it came from is unchanged
    finally:
        engine.db.dispose()
