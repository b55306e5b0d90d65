"""Migration 0013: a course from before the consent register keeps its referral's consent, as the register's
first row, and the default roles get ``record_consent`` (issue 12, part 5).

Run on a SQLite file migrated to 0010 with two courses in it, one whose referral recorded a consent
and one whose referral did not; the PostgreSQL suite migrates its own test database through 0013 too.
"""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from engine.platform.db import make_engine
from engine.platform.schema import upgrade

CONSENTED = {"samtykke_givet": True, "samtykke_datatyper": ["uddannelse", "familie"], "samtykke_modtager": "UU",
             "samtykke_formaal": "Vejledning", "samtykke_givet_af": "foraelder_vaerge", "henvisningsaarsag": "Fravær"}


def test_a_course_from_before_the_register_keeps_its_referrals_consent_as_the_first_row(tmp_path: Path) -> None:
    db = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(db, "0010")
    with db.begin() as c:
        c.execute(text("INSERT INTO process_versions (id, key, version, name, content_hash, files, deployed_at) "
                       "VALUES (1, 'k', 1, 'n', 'h', '{}', '2026-01-01')"))
        for youth, data in ((1, CONSENTED), (2, {"samtykke_givet": False})):
            c.execute(text("INSERT INTO youths (id, name, birthdate, created_at) "
                           "VALUES (:id, 'Y', '2009-01-01', '2026-01-01')"), {"id": youth})
            c.execute(text("INSERT INTO process_instances (id, process_version_id, process_key, youth_id, status, state, "
                           "data, lock_version, created_at, updated_at, waiting_messages) VALUES "
                           "(:id, 1, 'k', :id, 'running', x'00', :data, 1, '2026-01-02 08:00:00', '2026-01-02', '[]')"),
                      {"id": youth, "data": json.dumps(CONSENTED if youth == 1 else data)})
        c.execute(text("INSERT INTO tasks (id, instance_id, youth_id, process_key, process_version_id, element_id, name, "
                       "form_key, state, created_at, queue_at, completed_at, completed_by, personal) VALUES ('t1', 1, 1, "
                       "'k', 1, 'henvisning', 'Henvisning', 'henvisning', 'completed', '2026-01-02', '2026-01-02', "
                       "'2026-01-03 09:00:00', 'sara', 0)"))
    upgrade(db)
    with db.connect() as c:
        rows = c.execute(text("SELECT youth_id, instance_id, data_types, recipient, purpose, given_by, given_on, "
                              "source, recorded_by, withdrawn_at, tenant_id FROM consents")).all()
        assert [(*r[:2], json.loads(r[2]), *r[3:]) for r in rows] == [
            (1, 1, ["uddannelse", "familie"], "UU", "Vejledning", "foraelder_vaerge", "2026-01-03", "referral", "sara",
             None, 1)]
        held = set(c.execute(text("SELECT role FROM role_permissions WHERE permission = 'record_consent'")).scalars())
        assert held == {"sagsbehandler", "ungekoordinator", "koordinerende_sagsbehandler", "admin"}
    db.dispose()
