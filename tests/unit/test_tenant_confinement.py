"""The service layer's tenant wall has no gaps a grep can find (issue 11, part 4).

The filter (:mod:`engine.platform.tenancy`) covers ORM entities; these tests fail when a table is
added without a tenant, or when engine code reads a bare ``Table`` or raw SQL the filter cannot see.
"""
from __future__ import annotations

import re
from pathlib import Path

from engine.platform.models import Base
from engine.platform.tenancy import TenantMixin

ENGINE = Path(__file__).resolve().parents[2] / "engine"
# The installation's own tables: the list of tenants, and failed logins (by a global username or an address).
NOT_A_TENANTS = {"tenants", "login_failures"}
# Bare-table and raw-SQL uses that are not tenant data reads, each with why.
ALLOWED = {
    "engine/platform/uow.py": "reserve_id: the next id of a table, across tenants (ids are global)",
    "engine/platform/models.py": "the tables themselves",
    "engine/platform/tenancy.py": "the wall itself",
    "engine/people/tenants.py": "the tenants table, which is no tenant's",
    "engine/platform/schema.py": "migrating, as the owner",
    "engine/platform/db.py": "connection set-up",
}
# A predicate on a mapped table's own columns, a setting, the tenants' sequence, an XPath: not a read.
HARMLESS = re.compile(r"text\((QUEUE_PREDICATE|CLAIMED_PREDICATE|\"SET LOCAL work_mem)|/text\(\)"
                      r"|setval\(pg_get_serial_sequence\('tenants'")
BARE = re.compile(r"__table__(?!\s*\.columns)|(?<![_\w])text\(|exec_driver_sql")


def test_every_table_but_the_installations_own_belongs_to_a_tenant() -> None:
    tenantless = {mapper.class_.__tablename__ for mapper in Base.registry.mappers
                  if not issubclass(mapper.class_, TenantMixin)}
    assert tenantless == NOT_A_TENANTS


def test_engine_code_reads_no_bare_table_and_no_raw_sql_the_filter_cannot_see() -> None:
    found = []
    for path in sorted(ENGINE.rglob("*.py")):
        relative = path.relative_to(ENGINE.parent).as_posix()
        if relative in ALLOWED or "/migrations/" in relative:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if not BARE.search(code) or "insert(" in code:  # Core inserts are stamped by the column default
                continue
            if HARMLESS.search(code):
                continue
            found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
