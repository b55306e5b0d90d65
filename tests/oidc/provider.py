"""A real OpenID provider for the tests: npm's ``oidc-provider`` run by ``provider.mjs`` on loopback.

``oidc_provider`` (session-scoped) starts it once with the client Samspil is registered as, a few
staff accounts and a few young people's MitID accounts (with a CPR claim, as a MitID broker sends
it), and stops it afterwards. This module is a pytest plugin (registered in tests/conftest.py):
a test names ``oidc_provider`` as a parameter to use it.

``OidcProvider.app_config()`` is the ``create_app`` configuration that logs staff in through it,
``OidcProvider.citizen_config()`` the one that logs young people in to Min Plan through it;
``log_in_over_http`` plays the browser at the provider (its login form) with plain HTTP;
``set_claims`` changes an account at the provider, as its administrator would.
"""
from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID, CLIENT_SECRET = "samspil", "samspil-test-client-secret"
ROLE_MAP = {"ballerup-ungeguides": "ungeguide", "ballerup-koordinatorer": ["ungekoordinator"],
            "ballerup-admins": ["admin", "procesejer"]}
PASSWORD = "provider-password"
# sub -> claims; each test that changes an account's claims sets them first.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "a1f0-oline": {"preferred_username": "oline", "name": "Oline Guide", "email": "oline@ballerup.example",
                   "groups": ["ballerup-ungeguides", "ballerup-alle"]},
    "b2e1-rolf": {"preferred_username": "rolf", "name": "Rolf Skift", "email": "rolf@ballerup.example",
                  "groups": ["ballerup-ungeguides"]},
    "c3d2-kaj": {"preferred_username": "kaj", "name": "Kaj Kantine", "email": "kaj@ballerup.example",
                 "groups": ["ballerup-kantine"]},
    "d4c3-nina": {"preferred_username": "nina", "name": "Nina Nonce", "email": "nina@ballerup.example",
                  "groups": ["ballerup-koordinatorer"]},
    "e5b4-gustav": {"preferred_username": "gustav", "name": "Ikke Gustav", "email": "andet@ballerup.example",
                    "groups": ["ballerup-admins"]},
}


# The young people's accounts at the "MitID broker": the CPR number in the claim a broker names it by.
CPR_CLAIM = "dk:gov:saml:attribute:CprNumberIdentifier"
CITIZENS: dict[str, dict[str, Any]] = {
    "f6a5-mira": {"preferred_username": "mira", CPR_CLAIM: "0103094123"},      # one young person
    "a7b6-nemo": {"preferred_username": "nemo", CPR_CLAIM: "0202084111"},      # nobody known
    "b8c7-tvilling": {"preferred_username": "tvilling", CPR_CLAIM: "0303074222"},  # two young people
    "c9d8-uden": {"preferred_username": "uden"},                              # no CPR claim
}
ACCOUNTS.update(CITIZENS)


class OidcProvider:
    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def app_config(self, **overrides: Any) -> dict[str, Any]:
        config = {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                  "OIDC_SCOPE": "openid profile email groups", "OIDC_ROLE_CLAIM": "groups",
                  "OIDC_ROLE_MAP": json.dumps(ROLE_MAP), "OIDC_PROVIDER_NAME": "Ballerup Login"}
        config.update(overrides)
        return config

    def citizen_config(self, **overrides: Any) -> dict[str, Any]:
        config = {"CITIZEN_OIDC_ISSUER": self.issuer, "CITIZEN_OIDC_CLIENT_ID": CLIENT_ID,
                  "CITIZEN_OIDC_CLIENT_SECRET": CLIENT_SECRET, "CITIZEN_OIDC_SCOPE": "openid mitid",
                  "CITIZEN_OIDC_CPR_CLAIM": CPR_CLAIM}
        config.update(overrides)
        return config

    def set_claims(self, sub: str, **claims: Any) -> None:
        response = requests.put(f"{self.issuer}/test/accounts/{sub}",
                                json={"claims": {**ACCOUNTS[sub], **claims}}, timeout=10)
        assert response.status_code == 204

    def log_in_over_http(self, authorize_url: str, username: str, password: str = PASSWORD,
                         browser: requests.Session | None = None) -> str:
        """Follow the provider's redirects, fill its login form; return the URL it sends back to the app."""
        browser = browser or requests.Session()
        url, method, data = authorize_url, "GET", None
        for _ in range(20):
            if not url.startswith(self.issuer):
                return url
            response = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            elif "/interaction/" in url and 'name="login"' in response.text:
                url = urljoin(url, urlsplit(url).path.rstrip("/") + "/login")
                method, data = "POST", {"login": username, "password": password}
            else:
                raise AssertionError(f"the provider stopped at {url}: {response.status_code} {response.text[:300]}")
        raise AssertionError("the provider redirected too often")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    folder = tmp_path_factory.mktemp("oidc")
    config = folder / "provider.json"
    config.write_text(json.dumps({
        "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "client_name": "Samspil",
                     "redirect_uris": ["http://127.0.0.1/login/oidc/callback", "http://localhost/login/oidc/callback",
                                       "http://127.0.0.1/min-plan/mitid/callback",
                                       "http://localhost/min-plan/mitid/callback"],
                     "post_logout_redirect_uris": ["http://127.0.0.1/login", "http://localhost/login"]}],
        "accounts": {sub: {"password": PASSWORD, "claims": claims} for sub, claims in ACCOUNTS.items()},
    }))
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(["node", str(HERE / "provider.mjs"), str(config)], stdout=subprocess.PIPE,
                               stderr=log, text=True, cwd=HERE.parent.parent)
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("READY "):
            process.kill()
            pytest.fail(f"the OpenID provider did not start: {(folder / 'provider.log').read_text()[-2000:]}")
        yield OidcProvider(line.split()[1])
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
        log.close()
