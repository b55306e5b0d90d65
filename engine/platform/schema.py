"""Creating and upgrading the schema, always through Alembic (``samspil init``)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine as SqlEngine

from engine.platform.db import APP_ROLE_SET

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: SqlEngine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(db: SqlEngine, revision: str = "head") -> None:
    """Migrate as the connecting user (the owner; never the application's role, see :mod:`engine.platform.db`).

    On SQLite foreign keys are off while migrating (a migration may rebuild a table others refer
    to, the way SQLite's documentation prescribes) and checked afterwards.
    """
    config = alembic_config(db)
    with db.connect() as connection:
        reset = False
        if db.dialect.name == "sqlite":
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        elif connection.connection.info.get(APP_ROLE_SET):
            connection.exec_driver_sql("RESET ROLE")
            connection.commit()
            reset = True
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        if db.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.rollback()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        if reset:
            connection.invalidate()  # the owner's connection is not pooled for the application
        elif db.dialect.name == "postgresql":
            connection.invalidate()  # a fresh connection acts as the application's role, now it exists
