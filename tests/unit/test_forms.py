"""Form errors name the field and the rule, never the value typed."""
from __future__ import annotations

from jsonschema import Draft202012Validator

from engine.work.forms import form_errors

SCHEMA = {"type": "object", "required": ["navn", "dato"], "properties": {
    "navn": {"type": "string", "maxLength": 5}, "dato": {"type": "string", "format": "date"},
    "rows": {"type": "array", "items": {"type": "object", "required": ["frist"],
                                        "properties": {"frist": {"type": "string", "format": "date"}}}}}}


def validator() -> Draft202012Validator:
    return Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_each_missing_required_field_is_named_by_its_path():
    assert form_errors(validator(), {}) == [{"path": "dato", "message": "skal udfyldes"},
                                            {"path": "navn", "message": "skal udfyldes"}]


def test_errors_in_repeated_rows_carry_the_row_index():
    errors = form_errors(validator(), {"navn": "a", "dato": "2026-01-01", "rows": [{"frist": "2026-01-01"}, {}]})
    assert errors == [{"path": "rows/1/frist", "message": "skal udfyldes"}]


def test_messages_do_not_repeat_what_was_typed():
    secret = "010308-4321 hemmelig"
    errors = form_errors(validator(), {"navn": secret, "dato": secret})
    assert {e["path"] for e in errors} == {"navn", "dato"}
    assert all(secret not in e["message"] and "hemmelig" not in e["message"] for e in errors)
