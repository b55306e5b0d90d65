"""Serving the app with gunicorn: ``samspil serve``."""
from __future__ import annotations

import logging
import sys
from typing import Any

import click
from flask import Flask
from gunicorn.app.base import BaseApplication

from web.hardening import access_log


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from web import create_app

        return create_app()


def serve(host: str, port: int, workers: int = 2) -> None:
    """gunicorn with the app's own request log (web/hardening.py): gunicorn's would print a decoded
    ``%0a`` in a path as a new line, so anyone could forge entries."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False
    _Server({"bind": f"{host}:{port}", "workers": workers, "threads": 4, "accesslog": None}).run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int) -> None:
    """Run the web app (gunicorn)."""
    serve(host, port, workers)


def init_app(app: Flask) -> None:
    app.cli.add_command(serve_command)
