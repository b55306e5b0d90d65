"""CPR numbers: validated, stored encrypted, searchable by a keyed hash, shown masked.

Encryption (Fernet) keeps the number unreadable in a database dump; the HMAC lets an exact search
find a young person without decrypting every row.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date

from cryptography.fernet import Fernet

CPR_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")
_CPR_ANYWHERE = re.compile(r"\d{6}[-\s]?\d{4}")


def normalize_cpr(value: str) -> str | None:
    """``DDMMYYXXXX`` if the value is a well-formed CPR number with a real birth date, else None."""
    match = CPR_PATTERN.match(value.strip())
    if not match:
        return None
    digits = match.group(1) + match.group(2)
    try:
        cpr_birthdate(digits)
    except ValueError:
        return None
    return digits


def looks_like_cpr(value: str) -> bool:
    """Whether text holds something shaped like a CPR number, valid or not (what must stay out of URLs)."""
    return bool(_CPR_ANYWHERE.search(value or ""))


def cpr_birthdate(digits: str) -> date:
    """The birth date a CPR number encodes (the 7th digit gives the century)."""
    day, month, year2, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if year2 <= 36 else 1900
    else:
        century = 2000 if year2 <= 57 else 1800
    return date(century + year2, month, day)


def mask_cpr(digits: str) -> str:
    return f"{digits[:6]}-XXXX"


class CprVault:
    """Encrypts CPR numbers, and seals the installation's other secrets kept in the database.

    Every key is derived from the one ``SAMSPIL_SECRET_KEY``, each for its own purpose, so a sealed
    setting (a municipality's OpenID client secret) can never be opened as a CPR number or the other way.
    """

    def __init__(self, secret: str) -> None:
        key = hashlib.sha256(("cpr-encryption:" + secret).encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._hash_key = hashlib.sha256(("cpr-search:" + secret).encode()).digest()
        self._secret = secret

    def encrypt(self, digits: str) -> str:
        return self._fernet.encrypt(digits.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def search_hash(self, digits: str) -> str:
        return hmac.new(self._hash_key, digits.encode(), hashlib.sha256).hexdigest()

    def seal(self, text: str, purpose: str) -> str:
        """``text`` encrypted under the key of ``purpose`` (e.g. ``oidc-client-secret``)."""
        return self._sealer(purpose).encrypt(text.encode()).decode()

    def unseal(self, token: str, purpose: str) -> str:
        """What :meth:`seal` sealed for ``purpose``; raises ``cryptography.fernet.InvalidToken`` otherwise."""
        return self._sealer(purpose).decrypt(token.encode()).decode()

    def _sealer(self, purpose: str) -> Fernet:
        key = hashlib.sha256(f"sealed:{purpose}:{self._secret}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(key))
