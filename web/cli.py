"""The ``samspil`` command line: commands on Flask's click group, registered by create_app (flaskr)."""
from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from engine.bootstrap import Engine
from engine.courses import control as course_control
from engine.courses import events
from engine.definitions import deployment
from engine.definitions.process_files import files_from_paths
from engine.people import users
from engine.people.access import Actor
from engine.platform.clock import FrozenClock, as_utc
from engine.platform.errors import EngineError, InvalidDiagram
from engine.platform.schema import upgrade
from engine.platform.settings import ConfigurationError
from engine.work import mail

# Who the audit log names for changes made at the command line (whoever can run it holds the server).
CLI_ADMIN = Actor("cli", frozenset({"admin"}))
CLI_OWNER = Actor("cli", frozenset({"procesejer"}))


def _engine() -> Engine:
    return current_app.extensions["samspil"]


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema (Alembic)."""
    upgrade(_engine().db)
    click.echo("Databasen er klar.")


@click.command("deploy")
@with_appcontext
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def deploy_command(paths: tuple[str, ...]) -> None:
    """Deploy BPMN/DMN/form files or folders as a new version of each process."""
    files = files_from_paths(list(paths))
    try:
        deployed = deployment.deploy(_engine().uow(), files, CLI_OWNER)
    except InvalidDiagram as invalid:
        for problem in invalid.problems:
            click.echo(f"fejl: {problem.element_id or '-'}: {problem.message}", err=True)
        sys.exit(1)
    except EngineError as error:
        click.echo(f"fejl: {error.message}", err=True)
        for item in error.details.get("errors", []):
            click.echo(f"fejl: {item.get('element_id') or '-'}: {item.get('message')}", err=True)
        sys.exit(1)
    for item in deployed:
        click.echo(f"{item.key} {item.version}" + ("" if item.created else " (uændret)"))


@click.group("user", cls=AppGroup)
def user_group() -> None:
    """Manage users."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="A role; repeat for several.")
@click.option("--full-name", default="")
@click.option("--email", default=None)
def user_add_command(name: str, roles: tuple[str, ...], full_name: str, email: str | None) -> None:
    """Create a user; the password is read from stdin or prompted for."""
    if sys.stdin.isatty():
        password = click.prompt("Adgangskode", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = users.add_user(_engine().uow(), name, password, list(roles), full_name, email, actor=CLI_ADMIN)
    except EngineError as error:
        click.echo(f"fejl: {error.message}", err=True)
        for item in error.details.get("errors", []):
            click.echo(f"fejl: {item.get('field')}: {item.get('message')}", err=True)
        sys.exit(1)
    click.echo(f"Bruger {user['username']} oprettet med roller: {', '.join(user['roles'])}")


@click.group("token", cls=AppGroup)
def token_group() -> None:
    """Manage API tokens."""


@token_group.command("create")
@click.argument("name")
@click.option("--label", default="", help="What the token is for.")
def token_create_command(name: str, label: str) -> None:
    """Print a new API token for the user NAME."""
    try:
        click.echo(users.create_token(_engine().uow(), name, label, actor=CLI_ADMIN))
    except EngineError as error:
        click.echo(f"fejl: {error.message}", err=True)
        sys.exit(1)


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Do one pass and exit.")
@click.option("--now", "now", default=None, help="Run the pass as of this ISO 8601 time.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
def worker_command(once: bool, now: str | None, interval: float) -> None:
    """Fire due timers and escalations, and send the mails owed (SAMSPIL_SMTP_HOST)."""
    import time

    engine = _engine()
    if now is not None:
        try:
            moment = as_utc(datetime.fromisoformat(now))
        except ValueError:
            click.echo("fejl: --now skal være et ISO 8601-tidspunkt", err=True)
            sys.exit(2)
        engine = engine.at(FrozenClock(moment))  # one clock, shared by the services and the timers
    while True:
        course_control.resume_due(engine)  # paused courses whose date has come; their due timers fire now
        moved = events.fire_due_timers(engine)
        click.echo(f"{moved} forløb flyttet")
        mail.queue_overdue(engine)
        sent = mail.send_pending(engine)
        if sent:
            click.echo(f"{sent} mail(s) sendt")
        if once or now is not None:
            return
        time.sleep(interval)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill the database with demo users and young people at every step."""
    from web.demo import load_demo

    upgrade(_engine().db)
    for line in load_demo(_engine()):
        click.echo(line)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int) -> None:
    """Run the web app (gunicorn)."""
    from web.server import serve

    serve(host, port, workers)


def init_app(app: Flask) -> None:
    for command in (init_command, deploy_command, user_group, token_group, worker_command, demo_command,
                    serve_command):
        app.cli.add_command(command)


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
