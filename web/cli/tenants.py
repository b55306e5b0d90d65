"""``samspil tenant add|list|show|oidc``: the municipalities of one installation and their own login.

(:mod:`engine.people.tenants`, :mod:`engine.people.login_providers`.) The client secret of a
tenant's identity provider is read from an environment variable (``--client-secret-env VAR``) or
from stdin, never from an argument (arguments are visible to every user of the machine in its
process list and stay in the shell's history); it is never shown again.
"""
from __future__ import annotations

import json
import os

import click
from flask import Flask
from flask.cli import AppGroup

from engine.people import login_providers, tenants
from engine.platform.errors import EngineError
from web.cli.support import CLI_ADMIN, engine, fail


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
    """List the municipalities, each with the issuer of its own identity provider (if it has one)."""
    for tenant in login_providers.tenants_with_providers(engine()):
        login = tenant["issuer"] or ("miljøets (SAMSPIL_OIDC_*)" if tenant["key"] == "default" else "-")
        click.echo(f"{tenant['key']}\t{tenant['name']}\tlogin: {login}")


@tenant_group.command("show")
@click.argument("key")
def tenant_show_command(key: str) -> None:
    """Show municipality KEY's own identity provider (never its client secret)."""
    try:
        provider = login_providers.describe(engine(), key)
    except EngineError as error:
        fail(error)
    if provider is None:
        click.echo(f"{key}: intet eget login (adgangskode{', eller miljøets SAMSPIL_OIDC_*' if key == 'default' else ''})")
        return
    for field, value in provider.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, bool)) else value
        click.echo(f"{field}: {shown}")


@tenant_group.command("oidc")
@click.argument("key")
@click.option("--issuer", required=True, help="The provider's issuer URL (its discovery document names it).")
@click.option("--client-id", required=True, help="Samspil's client id at the provider.")
@click.option("--client-secret-env", metavar="VAR", default=None,
              help="The environment variable holding the client secret; without it, the secret is read from stdin.")
@click.option("--scope", default=login_providers.DEFAULT_SCOPE, show_default=True)
@click.option("--role-claim", default="groups", show_default=True, help="The claim whose values give roles.")
@click.option("--role-map", required=True, metavar="JSON",
              help='Claim value -> role or roles, e.g. \'{"ballerup-tovholdere": "tovholder"}\'.')
@click.option("--username-claim", default="preferred_username", show_default=True)
@click.option("--display-name", default="kommunens login", show_default=True, help="The login button's text.")
@click.option("--link-by-username/--no-link-by-username", default=False,
              help="Let a first login take over an existing user of the same name in this municipality.")
def tenant_oidc_command(key: str, issuer: str, client_id: str, client_secret_env: str | None, scope: str,
                        role_claim: str, role_map: str, username_claim: str, display_name: str,
                        link_by_username: bool) -> None:
    """Give municipality KEY its own identity provider (OpenID Connect) for staff login; replaces an earlier one."""
    if client_secret_env is not None:
        secret = os.environ.get(client_secret_env, "")
        if not secret:
            click.echo(f"fejl: miljøvariablen {client_secret_env} er ikke sat", err=True)
            raise SystemExit(1)
    else:
        secret = click.prompt("Klienthemmelighed", hide_input=True, err=True)
    try:
        shown = login_providers.set_provider(
            engine(), key, issuer=issuer, client_id=client_id, client_secret=secret, role_map=role_map, scope=scope,
            role_claim=role_claim, username_claim=username_claim, display_name=display_name,
            link_by_username=link_by_username, actor=CLI_ADMIN)
    except EngineError as error:
        fail(error, "field")
    click.echo(f"Kommune {key} logger ind gennem {shown['issuer']} (klient {shown['client_id']})")


def init_app(app: Flask) -> None:
    app.cli.add_command(tenant_group)
