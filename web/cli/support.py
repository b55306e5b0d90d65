"""What every ``samspil`` command shares: the app's engine, who the audit log names, how a refusal ends."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from flask import current_app

from engine.bootstrap import Engine
from engine.people import tenants
from engine.people.access import Actor
from engine.platform import tenancy
from engine.platform.errors import EngineError

# Who the audit log names for changes made at the command line (whoever can run it holds the server).
CLI_ADMIN = Actor("cli", frozenset({"admin"}))
CLI_OWNER = Actor("cli", frozenset({"procesejer"}))


def engine() -> Engine:
    return current_app.extensions["samspil"]


# ``--tenant KEY`` on the commands that write a municipality's data (user add, token create, deploy,
# demo); without it they work in the default tenant, as before tenants.
tenant_option = click.option("--tenant", "tenant_key", default=None, metavar="KEY",
                             help="The municipality (samspil tenant add); default: the default tenant.")


@contextmanager
def in_tenant(key: str | None) -> Iterator[None]:
    """Run the command's work in the tenant named ``key``; an unknown key ends the command (exit 1)."""
    try:
        tenant = tenants.tenant_id(engine(), key)
    except EngineError as error:
        fail(error)
    with tenancy.acting_in(tenant):
        yield


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
