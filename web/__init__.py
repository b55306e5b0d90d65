"""Samspil's web app: the REST API and the pages people use, over engine/.

``create_app`` builds the app and registers blueprints and CLI commands inside it (flaskr);
nothing is built at import time.
"""
from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from engine.bootstrap import bootstrap
from engine.platform.settings import Settings

MAX_BODY_BYTES = 10 * 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. The settings are read from the environment here, once (``config["SETTINGS"]``
    may give them instead); config keys win over them, and the engine is handed the same settings."""
    app = Flask(__name__, instance_relative_config=True)
    given_settings = (config or {}).get("SETTINGS")
    the_settings: Settings = given_settings if given_settings is not None else Settings.from_environment()
    app.config.from_mapping(
        SECRET_KEY=the_settings.secret_key,
        DATABASE_URL=the_settings.database_url,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        CLOCK=None,
        JSON_SORT_KEYS=False,
        # Sessions: a signed cookie the page script cannot read, sent only over HTTPS unless
        # SAMSPIL_COOKIE_SECURE=0 (browsers treat http://localhost and 127.0.0.1 as secure).
        SESSION_COOKIE_NAME="samspil_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=the_settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        SESSION_IDLE_MINUTES=the_settings.session_idle_minutes,
        TRUSTED_PROXIES=the_settings.trusted_proxies,
        WTF_CSRF_TIME_LIMIT=None,  # a CSRF token lives as long as its session
    )
    if config:
        app.config.update(config)
    if not app.config["DATABASE_URL"]:
        # The default database lives in Flask's instance folder, whatever the working directory.
        app.config["DATABASE_URL"] = f"sqlite:///{os.path.join(app.instance_path, 'samspil.db')}"
    # One rule for the secret, shared with the engine: the public development key only in development.
    given = app.config.get("ENGINE")
    database = given.db.url.render_as_string() if given is not None else app.config["DATABASE_URL"]
    app.config["SECRET_KEY"] = the_settings.secret(app.config["SECRET_KEY"], database)
    assert isinstance(app.json, DefaultJSONProvider)  # Flask's own, whose options these are
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    engine = app.config.get("ENGINE") or bootstrap(app.config["DATABASE_URL"], app.config["CLOCK"],
                                                   app.config["SECRET_KEY"], settings=the_settings)
    app.extensions["samspil"] = engine
    app.extensions["samspil_settings"] = the_settings

    from web import api, cli, errors, hardening, pages, tenant

    tenant.init_app(app)  # first: every other hook runs in the request's tenant
    hardening.init_app(app)
    errors.init_app(app)
    app.register_blueprint(api.bp)
    pages.init_app(app)
    cli.init_app(app)
    return app
