"""What every ``samspil`` command shares: the app's engine, who the audit log names, how a refusal ends."""
from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask import current_app

from engine.bootstrap import Engine
from engine.people.access import Actor
from engine.platform.errors import EngineError

# Who the audit log names for changes made at the command line (whoever can run it holds the server).
CLI_ADMIN = Actor("cli", frozenset({"admin"}))
CLI_OWNER = Actor("cli", frozenset({"procesejer"}))


def engine() -> Engine:
    return current_app.extensions["samspil"]


def fail(error: EngineError, point: str | None = None, missing: str | None = None) -> NoReturn:
    """Print the engine's refusal and each of its errors by ``point`` (``element_id``, ``field``), then exit 1.

    ``missing`` stands for an error that points nowhere (a deployment error of the whole file).
    """
    click.echo(f"fejl: {error.message}", err=True)
    if point is not None:
        for item in error.details.get("errors", []):
            where = item.get(point)
            if not where and missing is not None:
                where = missing
            click.echo(f"fejl: {where}: {item.get('message')}", err=True)
    sys.exit(1)
