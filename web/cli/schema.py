"""``samspil init``: the database schema (Alembic)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from engine.platform.schema import upgrade
from web.cli.support import engine


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema (Alembic)."""
    upgrade(engine().db)
    click.echo("Databasen er klar.")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_command)
