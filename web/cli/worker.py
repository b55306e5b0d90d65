"""``samspil worker``: due timers, escalations and the mails owed (engine.courses.events, engine.work.mail)."""
from __future__ import annotations

import sys
import time
from datetime import datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from engine.courses import control as course_control
from engine.courses import events
from engine.platform.clock import FrozenClock, as_utc
from engine.work import mail
from web.cli.support import engine as app_engine


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Do one pass and exit.")
@click.option("--now", "now", default=None, help="Run the pass as of this ISO 8601 time.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
def worker_command(once: bool, now: str | None, interval: float) -> None:
    """Fire due timers and escalations, and send the mails owed (SAMSPIL_SMTP_HOST)."""
    engine = app_engine()
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


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
