"""``samspil user add`` and ``samspil token create`` (engine.people.users)."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from engine.people import users
from engine.platform.errors import EngineError
from web.cli.support import CLI_ADMIN, engine, fail, in_tenant, tenant_option


@click.group("user", cls=AppGroup)
def user_group() -> None:
    """Manage users."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="A role; repeat for several.")
@click.option("--full-name", default="")
@click.option("--email", default=None)
@tenant_option
def user_add_command(name: str, roles: tuple[str, ...], full_name: str, email: str | None,
                     tenant_key: str | None) -> None:
    """Create a user; the password is read from stdin or prompted for."""
    if sys.stdin.isatty():
        password = click.prompt("Adgangskode", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with in_tenant(tenant_key):
            user = users.add_user(engine().uow(), name, password, list(roles), full_name, email, actor=CLI_ADMIN)
    except EngineError as error:
        fail(error, "field")
    click.echo(f"Bruger {user['username']} oprettet med roller: {', '.join(user['roles'])}")


@click.group("token", cls=AppGroup)
def token_group() -> None:
    """Manage API tokens."""


@token_group.command("create")
@click.argument("name")
@click.option("--label", default="", help="What the token is for.")
@tenant_option
def token_create_command(name: str, label: str, tenant_key: str | None) -> None:
    """Print a new API token for the user NAME (of --tenant's municipality)."""
    try:
        with in_tenant(tenant_key):
            click.echo(users.create_token(engine().uow(), name, label, actor=CLI_ADMIN))
    except EngineError as error:
        fail(error)


def init_app(app: Flask) -> None:
    app.cli.add_command(user_group)
    app.cli.add_command(token_group)
