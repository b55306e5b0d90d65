"""The REST API under /api/v1 (its contract: /api/v1/openapi.json; README.md "Using the API").

Views are thin: parse, call one service, return.

Each module below owns one blueprint for its area; this is the one place they are put together under
the ``api`` blueprint, which carries the URL prefix and the bearer-token check for all of them. An
endpoint is therefore named ``api.<module>.<view>`` (web/access_table.py keys on that name), and a
request is an API request when ``"api" in request.blueprints``.
"""
from __future__ import annotations

from flask import Blueprint

from web.api import (
    audit_log,
    auth,
    consents,
    dashboard,
    instances,
    me,
    messages,
    metrics,
    openapi,
    process_models,
    roles,
    tasks,
    workbench,
    youths,
)

BLUEPRINTS = (audit_log.bp, consents.bp, dashboard.bp, instances.bp, me.bp, messages.bp, metrics.bp, openapi.bp,
              process_models.bp, roles.bp, tasks.bp, workbench.bp, youths.bp)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(auth.authenticate)
for blueprint in BLUEPRINTS:
    bp.register_blueprint(blueprint)
