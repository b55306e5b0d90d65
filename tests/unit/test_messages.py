"""Engine messages: Danish text for the API, key and parameters so pages can show them in English."""
from __future__ import annotations

import copy
import json
import pickle

import pytest
from jsonschema import Draft202012Validator

from engine.platform.messages import Message
from engine.work.forms import form_errors
from web.i18n import localize


def test_a_message_is_its_danish_text_and_keeps_its_key_and_parameters():
    message = Message("engine.migration.step_missing", element_id="k_moede", version=3)
    assert message == "trinnet k_moede findes ikke i version 3"
    assert (message.key, message.params) == ("engine.migration.step_missing", {"element_id": "k_moede", "version": 3})
    assert json.dumps({"error": message}, ensure_ascii=False) == '{"error": "trinnet k_moede findes ikke i version 3"}'


def test_a_message_renders_in_english_with_its_parameters():
    message = Message("engine.draft.too_many_files", max=200)
    assert localize(message, "en") == "at most 200 files"
    assert localize(message, "da") == "højst 200 filer"


def test_a_message_inside_another_is_rendered_in_the_same_language():
    message = Message("engine.form.format", expected=Message("engine.form.format_date"))
    assert message == "skal være en dato (ÅÅÅÅ-MM-DD)"
    assert localize(message, "en") == "must be a date (YYYY-MM-DD)"


def test_localize_translates_the_messages_in_an_errors_details_and_leaves_the_rest():
    details = {"errors": [{"path": "navn", "message": Message("engine.form.required")}], "state": "completed",
               "count": 2}
    assert localize(details, "en") == {"errors": [{"path": "navn", "message": "is required"}], "state": "completed",
                                       "count": 2}


def test_a_message_survives_pickle_and_copy_with_its_key():
    message = Message("engine.sandbox.step_not_waiting", element_id="henvisning")
    for again in (pickle.loads(pickle.dumps(message)), copy.deepcopy(message)):
        assert again == message and again.key == message.key and again.params == message.params


def test_an_unknown_key_is_refused_at_once():
    with pytest.raises(KeyError):
        Message("engine.no_such_key")


def test_form_errors_name_the_expected_types_in_the_readers_language():
    validator = Draft202012Validator({"type": "object", "properties": {"alder": {"type": ["string", "integer"]},
                                                                       "dato": {"type": "string", "format": "date"}},
                                      "required": ["navn"]}, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = form_errors(validator, {"alder": 1.5, "dato": "i morgen"})
    assert errors == [{"path": "alder", "message": "har forkert type (forventet tekst eller heltal)"},
                      {"path": "dato", "message": "skal være en dato (ÅÅÅÅ-MM-DD)"},
                      {"path": "navn", "message": "skal udfyldes"}]
    assert [localize(e["message"], "en") for e in errors] == [
        "has the wrong type (expected text or integer)", "must be a date (YYYY-MM-DD)", "is required"]
