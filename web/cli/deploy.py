"""``samspil deploy``: process files as new versions (engine.definitions.deployment)."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from engine.definitions import deployment
from engine.definitions.process_files import files_from_paths
from engine.platform.errors import EngineError, InvalidDiagram
from web.cli.support import CLI_OWNER, engine, fail, in_tenant, tenant_option


@click.command("deploy")
@with_appcontext
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@tenant_option
def deploy_command(paths: tuple[str, ...], tenant_key: str | None) -> None:
    """Deploy BPMN/DMN/form files or folders as a new version of each process (in --tenant's municipality)."""
    files = files_from_paths(list(paths))
    try:
        with in_tenant(tenant_key):
            deployed = deployment.deploy(engine().uow(), files, CLI_OWNER)
    except InvalidDiagram as invalid:
        for problem in invalid.problems:
            click.echo(f"fejl: {problem.element_id or '-'}: {problem.message}", err=True)
        sys.exit(1)
    except EngineError as error:
        fail(error, "element_id", missing="-")
    for item in deployed:
        click.echo(f"{item.key} {item.version}" + ("" if item.created else " (uændret)"))


def init_app(app: Flask) -> None:
    app.cli.add_command(deploy_command)
