"""Serving the app with gunicorn, for `samspil serve`."""
from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


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
    # The access log shows the path without its query string: a search may carry a name or CPR number.
    _Server({"bind": f"{host}:{port}", "workers": workers, "threads": 4, "accesslog": "-",
             "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'}).run()
