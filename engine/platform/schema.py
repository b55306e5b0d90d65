"""Creating and upgrading the schema, always through Alembic (``samspil init``)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
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
        try:
            _upgrade_on(connection, config, revision)
        except BaseException:
            connection.invalidate()  # foreign keys off, or the owner's role: never pooled for the application
            raise
        if db.dialect.name == "postgresql":
            connection.invalidate()  # the owner's connection is not pooled for the application
    if db.dialect.name == "postgresql":
        db.dispose()  # connections opened before the role existed act as the owner: open them anew


def _upgrade_on(connection: Connection, config: Config, revision: str) -> None:
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    elif connection.connection.info.get(APP_ROLE_SET):
        connection.exec_driver_sql("RESET ROLE")
        connection.commit()
    with connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.rollback()
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
        if broken:
            raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
