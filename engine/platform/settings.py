"""The secret that signs sessions and derives the CPR keys, and when the development one may be used.

The development key is public (it is in this file), so it is fit only for a developer's own
machine: on PostgreSQL, or with ``SAMSPIL_ENV=production``, nothing starts without a real secret.
"""
from __future__ import annotations

import os

DEVELOPMENT_SECRET = "samspil-development-key"


class ConfigurationError(RuntimeError):
    """A setting that makes no sense; the app refuses to start and says which setting."""


class InsecureConfiguration(ConfigurationError):
    """The app or engine would run with a secret anyone can read; refuse to start."""


def environment() -> str:
    return (os.environ.get("SAMSPIL_ENV") or "development").strip().lower()


def secret_key(explicit: str | None, database_url: str | None) -> str:
    """The secret to use: the one given, else ``SAMSPIL_SECRET_KEY``, else the development key.

    The development key is refused (:class:`InsecureConfiguration`) outside development: with
    ``SAMSPIL_ENV`` other than ``development`` or on a PostgreSQL database, which is shared by
    definition. The message names the setting and never a value.
    """
    secret = explicit or os.environ.get("SAMSPIL_SECRET_KEY") or ""
    if secret and secret != DEVELOPMENT_SECRET:
        return secret
    production = environment() != "development"
    shared_database = (database_url or "").startswith("postgresql")
    if production or shared_database:
        where = f"SAMSPIL_ENV={environment()}" if production else "PostgreSQL"
        raise InsecureConfiguration(
            f"SAMSPIL_SECRET_KEY skal være sat til en hemmelig værdi ({where}); "
            "den offentlige udviklingsnøgle bruges kun ved udvikling på SQLite. "
            "Lav en med: python -c 'import secrets; print(secrets.token_urlsafe(48))'")
    return DEVELOPMENT_SECRET


def trusted_proxies() -> int:
    """How many reverse proxies in front of the app may set X-Forwarded-For/-Proto (0: none, trust no header)."""
    value = (os.environ.get("SAMSPIL_TRUSTED_PROXIES") or "0").strip()
    if not value.isdigit() or int(value) > 10:
        raise ConfigurationError("SAMSPIL_TRUSTED_PROXIES skal være et antal proxyer (0-10)")
    return int(value)
