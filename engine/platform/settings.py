"""Samspil's settings: read from the environment once, into one frozen :class:`Settings`.

``create_app`` (or :func:`engine.bootstrap.bootstrap`, when there is no app) calls
:meth:`Settings.from_environment` once and passes the result on; nothing else in ``engine/`` or
``web/`` reads ``os.environ``. The one exception is :func:`http_endpoints`, read where a connector
is checked or called (see there).

The development key is public (it is in this file), so it is fit only for a developer's own
machine: on PostgreSQL, or with ``SAMSPIL_ENV=production``, nothing starts without a real secret.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEVELOPMENT_SECRET = "samspil-development-key"
# The identity provider's settings: Flask config key -> (environment variable, default).
OIDC_VARIABLES = {
    "OIDC_ISSUER": ("SAMSPIL_OIDC_ISSUER", ""),
    "OIDC_CLIENT_ID": ("SAMSPIL_OIDC_CLIENT_ID", ""),
    "OIDC_CLIENT_SECRET": ("SAMSPIL_OIDC_CLIENT_SECRET", ""),
    "OIDC_SCOPE": ("SAMSPIL_OIDC_SCOPE", "openid profile email"),
    "OIDC_ROLE_CLAIM": ("SAMSPIL_OIDC_ROLE_CLAIM", "groups"),
    "OIDC_ROLE_MAP": ("SAMSPIL_OIDC_ROLE_MAP", "{}"),
    "OIDC_USERNAME_CLAIM": ("SAMSPIL_OIDC_USERNAME_CLAIM", "preferred_username"),
    "OIDC_LINK_BY_USERNAME": ("SAMSPIL_OIDC_LINK_BY_USERNAME", "0"),
    "OIDC_PROVIDER_NAME": ("SAMSPIL_OIDC_PROVIDER_NAME", "kommunens login"),
    "LOCAL_LOGIN": ("SAMSPIL_LOCAL_LOGIN", "1"),
}

# The young person's login through the municipality's MitID broker (Min Plan, issue 12); no issuer: none.
CITIZEN_OIDC_VARIABLES = {
    "CITIZEN_OIDC_ISSUER": ("SAMSPIL_CITIZEN_OIDC_ISSUER", ""),
    "CITIZEN_OIDC_CLIENT_ID": ("SAMSPIL_CITIZEN_OIDC_CLIENT_ID", ""),
    "CITIZEN_OIDC_CLIENT_SECRET": ("SAMSPIL_CITIZEN_OIDC_CLIENT_SECRET", ""),
    "CITIZEN_OIDC_SCOPE": ("SAMSPIL_CITIZEN_OIDC_SCOPE", "openid"),
    "CITIZEN_OIDC_CPR_CLAIM": ("SAMSPIL_CITIZEN_OIDC_CPR_CLAIM", "dk:gov:saml:attribute:CprNumberIdentifier"),
}


class ConfigurationError(RuntimeError):
    """A setting that makes no sense; the app refuses to start and says which setting."""


class InsecureConfiguration(ConfigurationError):
    """The app or engine would run with a secret anyone can read; refuse to start."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where the worker sends mail (:mod:`engine.work.mail`); without a host nothing is sent."""

    host: str | None
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "samspil@localhost"
    base_url: str = "http://127.0.0.1:5000"
    timeout: float = 10.0


@dataclass(frozen=True)
class Settings:
    """Every setting the environment gives, read once; the defaults are those of an unset variable."""

    environment: str = "development"              # SAMSPIL_ENV
    secret_key: str | None = None                 # SAMSPIL_SECRET_KEY, as given (see :meth:`secret`)
    database_url: str | None = None               # SAMSPIL_DATABASE_URL
    pg_synchronous_commit: str | None = None      # SAMSPIL_PG_SYNCHRONOUS_COMMIT
    trusted_proxies: int = 0                      # SAMSPIL_TRUSTED_PROXIES
    cookie_secure: bool = True                    # SAMSPIL_COOKIE_SECURE (0: cookies over plain HTTP)
    session_idle_minutes: int = 60                # SAMSPIL_SESSION_IDLE_MINUTES
    smtp: SmtpSettings = field(default_factory=lambda: SmtpSettings(host=None))
    oidc: Mapping[str, str] = field(default_factory=lambda: {k: d for k, (_, d) in OIDC_VARIABLES.items()})
    citizen_oidc: Mapping[str, str] = field(
        default_factory=lambda: {k: d for k, (_, d) in CITIZEN_OIDC_VARIABLES.items()})

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings; a value that makes no sense is a :class:`ConfigurationError` now, not later."""
        env = os.environ if environ is None else environ
        proxies = (env.get("SAMSPIL_TRUSTED_PROXIES") or "0").strip()
        if not proxies.isdigit() or int(proxies) > 10:
            raise ConfigurationError("SAMSPIL_TRUSTED_PROXIES skal være et antal proxyer (0-10)")
        return cls(
            environment=(env.get("SAMSPIL_ENV") or "development").strip().lower(),
            secret_key=env.get("SAMSPIL_SECRET_KEY") or None,
            database_url=env.get("SAMSPIL_DATABASE_URL") or None,
            pg_synchronous_commit=env.get("SAMSPIL_PG_SYNCHRONOUS_COMMIT") or None,
            trusted_proxies=int(proxies),
            cookie_secure=env.get("SAMSPIL_COOKIE_SECURE", "1") != "0",
            session_idle_minutes=int(env.get("SAMSPIL_SESSION_IDLE_MINUTES", "60")),
            smtp=SmtpSettings(host=env.get("SAMSPIL_SMTP_HOST") or None, port=int(env.get("SAMSPIL_SMTP_PORT") or 25),
                              user=env.get("SAMSPIL_SMTP_USER") or None,
                              password=env.get("SAMSPIL_SMTP_PASSWORD") or None,
                              starttls=env.get("SAMSPIL_SMTP_STARTTLS") == "1",
                              sender=env.get("SAMSPIL_MAIL_FROM") or "samspil@localhost",
                              base_url=(env.get("SAMSPIL_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")),
            oidc={key: env.get(variable, default) for key, (variable, default) in OIDC_VARIABLES.items()},
            citizen_oidc={key: env.get(variable, default) for key, (variable, default) in CITIZEN_OIDC_VARIABLES.items()},
        )

    def secret(self, explicit: str | None, database_url: str | None) -> str:
        """The secret to use: the one given, else ``SAMSPIL_SECRET_KEY``, else the development key.

        The development key is refused (:class:`InsecureConfiguration`) outside development: with
        ``SAMSPIL_ENV`` other than ``development`` or on a PostgreSQL database, which is shared by
        definition. The message names the setting and never a value.
        """
        secret = explicit or self.secret_key or ""
        if secret and secret != DEVELOPMENT_SECRET:
            return secret
        production = self.environment != "development"
        shared_database = (database_url or "").startswith("postgresql")
        if production or shared_database:
            where = f"SAMSPIL_ENV={self.environment}" if production else "PostgreSQL"
            raise InsecureConfiguration(
                f"SAMSPIL_SECRET_KEY skal være sat til en hemmelig værdi ({where}); "
                "den offentlige udviklingsnøgle bruges kun ved udvikling på SQLite. "
                "Lav en med: python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        return DEVELOPMENT_SECRET


def http_endpoints() -> dict[str, str]:
    """The endpoints an administrator configured by name (``SAMSPIL_HTTP_ENDPOINTS``).

    Read where a connector is checked at deploy or called by a running course: both happen deep
    in parsing and in SpiffWorkflow's service task, which hold no settings to be handed.
    """
    try:
        configured = json.loads(os.environ.get("SAMSPIL_HTTP_ENDPOINTS") or "{}")
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in configured.items()} if isinstance(configured, dict) else {}
