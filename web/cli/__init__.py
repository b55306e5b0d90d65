"""The ``samspil`` command line (README.md, "Command line"): Flask's click group, run by ``main``.

Each command lives with what it drives and registers itself in its module's ``init_app`` (flaskr):
``init`` in :mod:`web.cli.schema`, ``deploy`` in :mod:`web.cli.deploy`, ``user`` and ``token`` in
:mod:`web.cli.people`, ``tenant`` in :mod:`web.cli.tenants`, ``worker`` in :mod:`web.cli.worker`,
``youth`` in :mod:`web.cli.youths`, ``demo`` beside the demo data in
:mod:`web.demo` and ``serve`` beside gunicorn in :mod:`web.server`. ``create_app`` calls
:func:`init_app`, so every app, and ``app.test_cli_runner()``, has all of them.
"""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError, ProgrammingError

from engine.platform.settings import ConfigurationError
from web import demo, server
from web.cli import deploy, people, schema, tenants, worker, youths


def init_app(app: Flask) -> None:
    for owner in (schema, deploy, people, tenants, worker, youths, demo, server):
        owner.init_app(app)


def _create_app() -> Flask:
    from web import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, add_default_commands=False, add_version_option=False,
                 help="Samspil: the coordinated youth effort, run as BPMN.")


def main() -> None:
    try:
        cli(prog_name="samspil")
    except (OperationalError, ProgrammingError):
        click.echo("fejl: databasen er ikke klar eller ikke tilgængelig; kør 'samspil init'", err=True)
        sys.exit(1)
    except ConfigurationError as error:
        click.echo(f"fejl: {error}", err=True)
        sys.exit(2)
