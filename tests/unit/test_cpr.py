"""CPR numbers: validated, encrypted, searchable by hash, shown masked."""
from __future__ import annotations

from datetime import date

import pytest

from engine.platform.crypto import CprVault, cpr_birthdate, mask_cpr, normalize_cpr


def test_a_cpr_number_is_normalised_with_or_without_the_dash():
    assert normalize_cpr("010308-4321") == normalize_cpr("0103084321") == "0103084321"


@pytest.mark.parametrize("bad", ["", "12345", "320108-1234", "011308-1234", "abcdef-1234", "010308-43210"])
def test_malformed_numbers_and_impossible_dates_are_refused(bad):
    assert normalize_cpr(bad) is None


def test_the_seventh_digit_gives_the_century():
    assert cpr_birthdate("0103084321") == date(2008, 3, 1)
    assert cpr_birthdate("0103081321") == date(1908, 3, 1)
    assert cpr_birthdate("0103585321") == date(1858, 3, 1)


def test_the_number_is_shown_masked_and_stored_encrypted():
    vault = CprVault("secret")
    token = vault.encrypt("0103084321")
    assert "0103084321" not in token
    assert vault.decrypt(token) == "0103084321"
    assert mask_cpr("0103084321") == "010308-XXXX"
    assert vault.search_hash("0103084321") == CprVault("secret").search_hash("0103084321")
    assert vault.search_hash("0103084321") != CprVault("other").search_hash("0103084321")
