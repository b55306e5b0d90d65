"""``samspil youth invite``: a one-time link that logs a young person in to Min Plan (development and demo).

Refused with ``SAMSPIL_ENV=production``, where a young person logs in with MitID only. ``--demo``
picks the first demo young person whose plan is written, so ``make run`` can print a link to try.
"""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from engine.people import citizen_login
from engine.platform.errors import EngineError
from engine.platform.models import ProcessInstance
from web.cli.support import CLI_ADMIN, engine, fail, in_tenant, tenant_option

INVITE_PATH = "/min-plan/invitation?t="


@click.group("youth", cls=AppGroup)
def youth_group() -> None:
    """The young people's own access (Min Plan)."""


@youth_group.command("invite")
@click.argument("youth_id", type=int, required=False)
@click.option("--demo", is_flag=True, help="Invite the first demo young person with a written plan.")
@tenant_option
def youth_invite_command(youth_id: int | None, demo: bool, tenant_key: str | None) -> None:
    """Print a one-time link (72 hours) that logs the young person YOUTH_ID in to Min Plan."""
    settings = current_app.extensions["samspil_settings"]
    try:
        with in_tenant(tenant_key):
            if youth_id is None and demo:
                youth_id = _demo_youth()
            if youth_id is None:
                raise click.UsageError("angiv YOUTH_ID (eller --demo)")
            token = citizen_login.create_invite(engine().uow(), CLI_ADMIN, youth_id,
                                                production=settings.environment == "production")
    except EngineError as error:
        fail(error)
    click.echo(f"Engangslink til Min Plan for ung {youth_id} (virker én gang, i "
               f"{int(citizen_login.INVITE_LIFETIME.total_seconds() // 3600)} timer):")
    click.echo(settings.smtp.base_url + INVITE_PATH + token)


def _demo_youth() -> int | None:
    """The demo young person to invite: the oldest running course whose plan names milestones."""
    with engine().reader() as uow:
        for instance in uow.session.scalars(select(ProcessInstance).where(ProcessInstance.status == "running")
                                            .order_by(ProcessInstance.id)):
            if (instance.data or {}).get("milepaele"):
                return instance.youth_id
    return None


def init_app(app: Flask) -> None:
    app.cli.add_command(youth_group)
