"""Forms from JSON Schema: fields built, submissions typed, rows added and removed."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from web.pages.forms import apply_row_action, build_fields, errors_by_field, parse_form

SCHEMA = {
    "type": "object",
    "required": ["navn", "rows"],
    "properties": {
        "navn": {"type": "string", "title": "Navn"},
        "note": {"type": "string", "x-widget": "textarea"},
        "dato": {"type": "string", "format": "date"},
        "antal": {"type": "integer"},
        "beloeb": {"type": "number"},
        "ok": {"type": "boolean"},
        "valg": {"type": "string", "enum": ["a", "b"], "x-enum-titles": ["Alfa", "Beta"]},
        "flere": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
        "rows": {"type": "array", "minItems": 1, "items": {"type": "object", "title": "Række",
                                                           "properties": {"t": {"type": "string"}}}},
    },
}


def widgets(fields):
    return {f.name: f.widget for f in fields}


def test_each_kind_of_property_gets_its_widget():
    assert widgets(build_fields(SCHEMA, {})) == {
        "navn": "text", "note": "textarea", "dato": "date", "antal": "integer", "beloeb": "number",
        "ok": "checkbox", "valg": "select", "flere": "checkboxes", "rows": "rows"}


def test_a_required_array_of_rows_starts_with_one_empty_row():
    rows = next(f for f in build_fields(SCHEMA, {}) if f.name == "rows")
    assert [[c.name for c in row] for row in rows.rows] == [["rows.0.t"]]


def test_a_submission_is_typed_and_empty_texts_are_left_out():
    form = MultiDict([("navn", "Ida"), ("note", "  "), ("antal", "3"), ("beloeb", "2,5"), ("ok", "on"),
                      ("valg", "b"), ("flere", "y"), ("flere", "nope"), ("rows.0._row", "1"), ("rows.0.t", "a"),
                      ("rows.2._row", "1"), ("rows.2.t", "c")])
    data, problems = parse_form(SCHEMA, form)
    assert problems == {}
    assert data == {"navn": "Ida", "antal": 3, "beloeb": 2.5, "ok": True, "valg": "b", "flere": ["y"],
                    "rows": [{"t": "a"}, {"t": "c"}]}


def test_a_number_that_is_not_one_is_kept_as_typed_with_an_error():
    data, problems = parse_form(SCHEMA, MultiDict([("antal", "tre"), ("rows.4._row", "1"), ("rows.4.t", "x")]))
    assert data["antal"] == "tre" and problems == {"antal": ["skal være et heltal"]}
    assert data["ok"] is False and data["rows"] == [{"t": "x"}]


def test_rows_are_added_and_removed():
    data = {"rows": [{"t": "a"}, {"t": "b"}]}
    assert apply_row_action(SCHEMA, data, "add:rows") and data["rows"][-1] == {}
    assert apply_row_action(SCHEMA, data, "remove:rows.0") and data["rows"] == [{"t": "b"}, {}]
    assert not apply_row_action(SCHEMA, data, "remove:navn.0")
    assert not apply_row_action(SCHEMA, data, "explode:rows")


def test_engine_errors_land_on_their_fields():
    by_field, general = errors_by_field([{"path": "rows/0/t", "message": "skal udfyldes"},
                                         {"path": "", "message": "ukendt felt"}])
    assert by_field == {"rows.0.t": ["skal udfyldes"]} and general == ["ukendt felt"]
    field = next(f for f in build_fields(SCHEMA, {"rows": [{}]}, by_field) if f.name == "rows")
    assert field.rows[0][0].errors == ["skal udfyldes"] and field.has_errors
