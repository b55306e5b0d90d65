"""OpenID Connect login through Authlib: authorization code with PKCE (S256), for any configured provider.

A provider is a :class:`ProviderConfig` registered under a name (``staff`` for the municipality's
staff login; a citizen login through a MitID broker can register its own). :func:`begin` sends the
browser to the provider with a fresh ``state``, ``nonce`` and PKCE verifier (Authlib keeps them in
the signed session cookie, one entry per login attempt); :func:`finish` takes the provider's answer
and returns an :class:`engine.people.federated_login.ExternalIdentity` only if all of this holds:

* the discovery document (``<issuer>/.well-known/openid-configuration``) names the configured issuer;
* ``state`` is one this browser was given (else a forged or replayed callback), and an ``iss`` in
  the answer (RFC 9207) is our issuer (else a mix-up with another provider);
* the code is exchanged with the PKCE verifier, and the answer holds an ID token;
* the ID token's signature (the provider's published keys), issuer, audience, expiry and ``nonce``
  hold (Authlib checks them; we only insist that it did);
* claims from the userinfo endpoint, where the provider has one, are about the same ``sub``.

Anything else raises :class:`LoginFailed` with a short reason for the access log; the reason never
holds a claim or a token.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, current_app, request, session
from joserfc.errors import ClaimError, JoseError

from engine.people.federated_login import ExternalIdentity

HTTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class ProviderConfig:
    """One OpenID provider as configured: where it is, who we are there, and what we ask for."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str = "openid profile email"
    display_name: str = ""

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class VerifiedLogin:
    """A login the provider vouched for: who, and the ID token to name the session at logout."""

    identity: ExternalIdentity
    id_token: str


class LoginFailed(Exception):
    """The provider's answer does not hold; ``reason`` is a short word for the access log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def init(app: Flask) -> None:
    """Give the app its OAuth registry once, at start: providers may be registered later, per request."""
    if "authlib.integrations.flask_client" not in app.extensions:
        OAuth(app)


def register(app: Flask, provider: ProviderConfig) -> None:
    """Make ``provider`` available to :func:`begin` and :func:`finish` in this app (at start or later)."""
    oauth: OAuth = app.extensions.get("authlib.integrations.flask_client") or OAuth(app)
    oauth.register(name=provider.name, client_id=provider.client_id, client_secret=provider.client_secret,
                   server_metadata_url=provider.discovery_url,
                   client_kwargs={"scope": provider.scope, "code_challenge_method": "S256",
                                  "token_endpoint_auth_method": "client_secret_basic",
                                  "default_timeout": HTTP_TIMEOUT_SECONDS})
    app.extensions.setdefault("samspil_oidc", {})[provider.name] = provider


def provider(name: str) -> ProviderConfig | None:
    return current_app.extensions.get("samspil_oidc", {}).get(name)


def _client(name: str) -> Any:
    return current_app.extensions["authlib.integrations.flask_client"].create_client(name)


def _metadata(name: str) -> dict[str, Any]:
    """The provider's discovery document (fetched once, then cached); it must name our issuer."""
    config = provider(name)
    if config is None:
        raise LoginFailed("not_configured")
    try:
        metadata = _client(name).load_server_metadata()
    except (requests.RequestException, ValueError):
        raise LoginFailed("unreachable") from None
    if str(metadata.get("issuer", "")).rstrip("/") != config.issuer.rstrip("/"):
        raise LoginFailed("issuer")
    return metadata


def begin(name: str, redirect_uri: str) -> Response:
    """Redirect to the provider's login; state, nonce and the PKCE verifier are remembered in the session.

    Only the newest attempt is remembered, at any provider: each one costs the cookie most of a
    kilobyte, and a browser drops a cookie over 4 KB (an older tab's login then starts again).
    """
    _metadata(name)
    for key in [key for key in session if key.startswith("_state_")]:
        session.pop(key)
    return _client(name).authorize_redirect(redirect_uri)


def finish(name: str) -> VerifiedLogin:
    """Verify the provider's answer to :func:`begin` (see the module's docstring); raises :class:`LoginFailed`."""
    metadata = _metadata(name)
    answered_by = request.args.get("iss")
    if answered_by is not None and answered_by.rstrip("/") != str(metadata["issuer"]).rstrip("/"):
        raise LoginFailed("issuer")
    client = _client(name)
    try:
        token = client.authorize_access_token()
        if not token.get("userinfo"):
            raise LoginFailed("id_token")  # no ID token: Authlib verified nothing
        claims = dict(token["userinfo"])
        if metadata.get("userinfo_endpoint"):
            extra = dict(client.userinfo(token=token))
            if extra.get("sub") != claims.get("sub"):
                raise LoginFailed("userinfo")
            claims = {**extra, **claims}
    except MismatchingStateError:
        raise LoginFailed("state") from None
    except ClaimError as error:
        raise LoginFailed("nonce" if error.claim == "nonce" else f"id_token:{_short(error.claim)}") from None
    except JoseError:
        raise LoginFailed("id_token") from None
    except AuthlibBaseError as error:
        raise LoginFailed(f"provider:{_short(error.error)}") from None
    except requests.RequestException:
        raise LoginFailed("unreachable") from None
    if not claims.get("sub"):
        raise LoginFailed("id_token")
    return VerifiedLogin(ExternalIdentity(str(metadata["issuer"]), str(claims["sub"]), claims), token["id_token"])


def logout_url(name: str, id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """Where to end the session at the provider too (RP-initiated logout), if it offers that."""
    config = provider(name)
    try:
        metadata = _metadata(name)
    except LoginFailed:
        return None
    if config is None or not metadata.get("end_session_endpoint"):
        return None
    hint = {"id_token_hint": id_token} if id_token else {"client_id": config.client_id}
    return _client(name).create_logout_url(post_logout_redirect_uri=post_logout_redirect_uri, **hint)["url"]


def form_action_origins(name: str) -> list[str]:
    """Origins a page's forms may lead to: logout is a POST that ends at the provider's logout page."""
    config = provider(name)
    if config is None:
        return []
    client = _client(name)
    endpoints = [config.issuer, str(client.server_metadata.get("end_session_endpoint") or "")]
    return sorted({f"{p.scheme}://{p.netloc}" for p in map(urlsplit, endpoints) if p.scheme and p.netloc})


def _short(text: Any) -> str:
    return "".join(c for c in str(text or "error") if c.isalnum() or c in "_-")[:40]
