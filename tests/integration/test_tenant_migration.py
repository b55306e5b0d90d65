"""Migration 0010 puts every existing row into the default tenant and keeps each reference (issue 11, part 4).

Run on a SQLite file migrated to 0009 with a course in it (SQLite rebuilds four tables to change
their keys, the riskiest part); the PostgreSQL run migrates its own test database the same way once.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from engine.platform.db import make_engine
from engine.platform.schema import upgrade

TENANT_TABLES = ("roles", "role_permissions", "process_versions", "process_instances", "process_drafts", "youths")


def test_rows_from_before_tenants_belong_to_the_default_tenant_and_keep_their_references(tmp_path: Path) -> None:
    db = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(db, "0009")
    with db.begin() as c:
        c.execute(text("INSERT INTO process_versions (id, key, version, name, content_hash, files, deployed_at) "
                       "VALUES (1, 'k', 1, 'n', 'h', '{}', '2026-01-01')"))
        c.execute(text("INSERT INTO youths (id, name, birthdate, created_at) VALUES (1, 'Y', '2009-01-01', '2026-01-01')"))
        c.execute(text("INSERT INTO process_instances (id, process_version_id, process_key, youth_id, status, state, "
                       "data, lock_version, created_at, updated_at, waiting_messages) VALUES "
                       "(1, 1, 'k', 1, 'running', x'00', '{}', 1, '2026-01-01', '2026-01-01', '[]')"))
        c.execute(text("INSERT INTO process_drafts (id, key, revision, files, created_at, created_by, updated_at, "
                       "updated_by) VALUES (1, 'k', 1, '{}', '2026-01-01', 'a', '2026-01-01', 'a')"))
    upgrade(db)  # checks every foreign key afterwards
    with db.connect() as c:
        for table in TENANT_TABLES:
            assert c.execute(text(f"SELECT DISTINCT tenant_id FROM {table}")).scalars().all() == [1], table
        assert c.execute(text("SELECT count(*) FROM role_permissions")).scalar_one() > 0
        c.execute(text("INSERT INTO tenants (id, key, name, created_at) VALUES (2, 'b', 'B', '2026-01-01')"))
        # the same key and version in another tenant is another process version
        c.execute(text("INSERT INTO process_versions (key, version, name, content_hash, files, deployed_at, tenant_id) "
                       "VALUES ('k', 1, 'n', 'h', '{}', '2026-01-01', 2)"))
        assert c.execute(text("PRAGMA foreign_key_check")).all() == []
    db.dispose()
