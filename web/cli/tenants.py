"""``samspil tenant add`` and ``samspil tenant list``: the municipalities of one installation (engine.people.tenants)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from engine.people import tenants
from engine.platform.errors import EngineError
from web.cli.support import engine, fail


@click.group("tenant", cls=AppGroup)
def tenant_group() -> None:
    """Manage the municipalities (tenants) of this installation."""


@tenant_group.command("add")
@click.argument("key")
@click.option("--name", required=True, help="The municipality's name, e.g. 'Ballerup Kommune'.")
def tenant_add_command(key: str, name: str) -> None:
    """Add a municipality KEY (lower case, e.g. ballerup) with the default roles; use it with --tenant KEY."""
    try:
        tenant = tenants.add_tenant(engine(), key, name)
    except EngineError as error:
        fail(error, "field")
    click.echo(f"Kommune {tenant['key']} ({tenant['name']}) oprettet")


@tenant_group.command("list")
def tenant_list_command() -> None:
    """List the municipalities."""
    for tenant in tenants.list_tenants(engine()):
        click.echo(f"{tenant['key']}\t{tenant['name']}")


def init_app(app: Flask) -> None:
    app.cli.add_command(tenant_group)
