"""The REST API under /api/v1 (DESIGN: contracts). Views are thin: parse, call one service, return."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from web.api import (  # noqa: E402,F401  (the modules register their routes on bp)
    audit_log,
    auth,
    dashboard,
    instances,
    messages,
    metrics,
    openapi,
    process_models,
    roles,
    tasks,
    workbench,
    youths,
)
