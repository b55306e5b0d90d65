"""The pages people use: server-rendered Flask + Jinja, htmx where it helps.

See ``FOUNDATION.md`` beside this file for how to add a page. ``init_app`` wires sessions, CSRF,
translations and every page blueprint; ``create_app`` calls it.
"""
from __future__ import annotations

from flask import Flask

from web.pages import auth


def init_app(app: Flask) -> None:
    from web import citizen, i18n
    from web.pages import admin, cases, dashboard, filters, inbox, min_plan, min_plan_own, oidc_login, people, tasks, workbench

    i18n.init_app(app)
    filters.init_app(app)
    auth.init_app(app)
    oidc_login.init_app(app)
    citizen.init_app(app)  # after the staff session is read: a young person's session is fenced in
    min_plan.init_app(app)
    # One line per page area; each module owns one blueprint.
    for blueprint in (auth.bp, oidc_login.bp, inbox.bp, tasks.bp, cases.bp, admin.bp, people.bp, dashboard.bp,
                      workbench.bp, min_plan.bp, min_plan_own.bp):
        app.register_blueprint(blueprint)
