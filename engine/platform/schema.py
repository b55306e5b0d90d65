"""Creating and upgrading the schema, always through Alembic (``samspil init``)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine as SqlEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: SqlEngine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(db: SqlEngine, revision: str = "head") -> None:
    config = alembic_config(db)
    with db.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
