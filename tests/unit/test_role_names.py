"""Roles are the municipality's data: no engine module decides by a role's name (issue 11).

Each default role name may appear, quoted, only in the defaults module and in the few places that
hold data of the default course or of the demo rather than a rule; any other module naming one
fails here, so a rule written by role name is caught where it is added.
"""
from __future__ import annotations

import re
from pathlib import Path

from engine.people.role_defaults import DEFAULT_ROLES

ENGINE = Path(__file__).resolve().parents[2] / "engine"
# Not rules: the defaults themselves, migrations (a record of what they seeded), and the
# default course's own configuration and data field names (its k-meeting form's ``ungeguide`` field).
ALLOWED = {"people/role_defaults.py", "dashboard/config.py", "people/cases.py"}


def test_no_engine_module_outside_the_defaults_names_a_default_role() -> None:
    pattern = re.compile(r"""["'](""" + "|".join(DEFAULT_ROLES) + r""")["']""")
    found = []
    for path in sorted(ENGINE.rglob("*.py")):
        relative = path.relative_to(ENGINE).as_posix()
        if relative in ALLOWED or relative.startswith("platform/migrations/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"engine/{relative}:{number}: {line.strip()}")
    assert found == []
