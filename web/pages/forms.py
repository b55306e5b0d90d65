"""Forms from JSON Schema: the fields a task's form shows, and the typed data a submission holds.

A form is a JSON Schema object (``processes/forms/*.json``). Each property becomes a field:

==========================================  =====================================================
schema                                      field
==========================================  =====================================================
``string``                                  text input
``string`` + ``"x-widget": "textarea"``     long text
``string`` + ``"format": "date"``           date input
``number`` / ``integer``                    number input
``string`` + ``enum`` (+ ``x-enum-titles``)  select
``string`` + ``"x-user-role": "<role>"``    select of the role's active users (``people``)
``boolean``                                 checkbox
``boolean`` + ``"x-widget": "radio"``       two radio buttons (``x-enum-titles``), none chosen at first:
                                            an explicit choice, required by the form; ``x-confirm``
                                            (``{"false": "question"}``) asks before submitting that one
``string`` + ``"x-one-of-data": "<l>/<k>"`` select of the values the course holds (``choices``)
``array`` of enum strings                   a checkbox per value
``array`` of objects                        repeated rows, each the object's fields, add and remove
``array`` of other items                    long text, one item per line
``object``                                  a group of its properties
==========================================  =====================================================

Field names are dotted paths (``milepaele.0.frist``), matching the ``path`` of the engine's form
errors once ``/`` becomes ``.``, so each error lands next to its field. :func:`parse_form` turns a
submission back into typed data and keeps what could not be typed (a number that is not one)
so the page shows it again with an error. Adding and removing rows is a plain submit button
(``_action`` = ``add:PATH`` or ``remove:PATH.INDEX``): it works without JavaScript and keeps
everything typed so far.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from web.i18n import _, localize

ROW_MARKER = "_row"
MAX_ROWS = 200


@dataclass
class Field:
    name: str
    label: str
    widget: str
    required: bool = False
    hint: str | None = None
    value: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    item_label: str = ""
    step: str | None = None
    confirm: dict[str, str] = field(default_factory=dict)  # option -> question asked before submitting it

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)

    @property
    def error_id(self) -> str:
        return self.id + "-error"

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(f.has_errors for row in self.rows for f in row) or any(
            c.has_errors for c in self.children)


def widget_for(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items") or {}
        if items.get("type") == "object":
            return "rows"
        if "enum" in items:
            return "checkboxes"
        return "lines"
    if kind == "object":
        return "group"
    if kind == "boolean":
        return "radio" if schema.get("x-widget") == "radio" else "checkbox"
    if kind in ("number", "integer"):
        return kind
    if "enum" in schema or "x-user-role" in schema or "x-one-of-data" in schema:
        return "select"
    if schema.get("format") == "date":
        return "date"
    if schema.get("x-widget") == "textarea":
        return "textarea"
    return "text"


def _options(schema: Mapping[str, Any]) -> list[tuple[str, str]]:
    values = schema.get("enum") or []
    titles = schema.get("x-enum-titles") or []
    return [(str(v), str(titles[i]) if i < len(titles) else str(v)) for i, v in enumerate(values)]


def _radio_options(schema: Mapping[str, Any]) -> list[tuple[str, str]]:
    titles = schema.get("x-enum-titles") or []
    values = [v for v in schema.get("enum") or [True, False] if isinstance(v, bool)]
    return [("true" if v else "false", str(titles[i]) if i < len(titles) else (_("form.yes") if v else _("form.no")))
            for i, v in enumerate(values)]


def _data_options(prop: Mapping[str, Any], value: Any, choices: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """The values the course holds for the field; a value typed before that is not among them stays, so
    the page can show it with its error."""
    options = [(v, v) for v in choices.get(str(prop.get("x-one-of-data")), [])]
    if value and str(value) not in {v for v, _ in options}:
        options.append((str(value), str(value)))
    return options


def _user_options(prop: Mapping[str, Any], value: Any, people: Mapping[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The role's users as "Full Name (username)"; a value no longer among them stays, so it shows."""
    options = [(username, f"{name} ({username})" if name != username else username)
               for username, name in people.get(str(prop.get("x-user-role")), [])]
    if value and str(value) not in {username for username, _ in options}:
        options.append((str(value), str(value)))
    return options


def build_fields(schema: Mapping[str, Any], values: Mapping[str, Any] | None,
                 errors: Mapping[str, list[str]] | None = None, prefix: str = "",
                 people: Mapping[str, list[tuple[str, str]]] | None = None,
                 choices: Mapping[str, list[str]] | None = None) -> list[Field]:
    """The fields of an object schema, filled with ``values`` and with ``errors`` by dotted path.

    ``people`` maps a role to its users, (username, full name), for fields with ``x-user-role``
    (``engine.work.user_fields.choices`` gives it); ``choices`` maps an ``x-one-of-data`` source to the
    values the course holds there.
    """
    values = values or {}
    errors = errors or {}
    required = set(schema.get("required") or [])
    fields = []
    for key, prop in (schema.get("properties") or {}).items():
        name = f"{prefix}{key}"
        widget = widget_for(prop)
        value = values.get(key, prop.get("default"))
        item = Field(name=name, label=str(prop.get("title") or key), widget=widget, required=key in required,
                     hint=prop.get("description"), errors=list(errors.get(name, [])))
        if widget == "rows":
            items = prop.get("items") or {}
            item.item_label = str(items.get("title") or _("form.row"))
            rows = value if isinstance(value, list) else []
            if not rows and (prop.get("minItems") or 0) > 0:
                rows = [{}]
            item.rows = [build_fields(items, row if isinstance(row, dict) else {}, errors, f"{name}.{i}.", people,
                                      choices)
                         for i, row in enumerate(rows)]
        elif widget == "group":
            item.children = build_fields(prop, value if isinstance(value, dict) else {}, errors, f"{name}.", people,
                                         choices)
        elif widget == "checkboxes":
            item.options = _options(prop.get("items") or {})
            item.value = [str(v) for v in value] if isinstance(value, list) else []
        elif widget == "lines":
            item.value = "\n".join(str(v) for v in value) if isinstance(value, list) else (value or "")
        elif widget == "checkbox":
            item.value = value is True
        elif widget == "radio":
            item.options = _radio_options(prop)
            item.confirm = {str(k): str(v) for k, v in (prop.get("x-confirm") or {}).items()}
            item.value = "" if not isinstance(value, bool) else ("true" if value else "false")
        else:
            if widget == "select":
                item.options = _options(prop) if "enum" in prop else (
                    _data_options(prop, value, choices or {}) if "x-one-of-data" in prop
                    else _user_options(prop, value, people or {}))
            if widget == "number":
                item.step = "any"
            item.value = "" if value is None else str(value)
        fields.append(item)
    return fields


def errors_by_field(errors: list[dict[str, Any]]) -> tuple[dict[str, list[str]], list[str]]:
    """The engine's ``[{"path": "a/0/b", "message"}]`` as messages per dotted field name, and the rest,
    in the reader's language."""
    by_field: dict[str, list[str]] = {}
    general = []
    for error in errors:
        path = str(error.get("path") or error.get("field") or "").replace("/", ".")
        message = str(localize(error.get("message", "")))
        if path:
            by_field.setdefault(path, []).append(message)
        else:
            general.append(message)
    return by_field, general


def parse_form(schema: Mapping[str, Any], form: MultiDict[str, str],
               prefix: str = "") -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Typed data from a submission of the fields :func:`build_fields` made, and errors of typing.

    An empty text is left out (so "required" catches it); a value that cannot be typed is kept as
    typed (a string) with an error, so it shows again.
    """
    data: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for key, prop in (schema.get("properties") or {}).items():
        name = f"{prefix}{key}"
        widget = widget_for(prop)
        if widget == "rows":
            rows: list[tuple[dict[str, Any], dict[str, list[str]]]] = []
            for index in _row_indices(form, name):
                row, row_problems = parse_form(prop.get("items") or {}, form, f"{name}.{index}.")
                rows.append((row, {_renumber(k, name, index, len(rows)): v for k, v in row_problems.items()}))
            data[key] = [row for row, _ in rows]
            for _row, row_problems in rows:
                problems.update(row_problems)
        elif widget == "group":
            child, child_problems = parse_form(prop, form, f"{name}.")
            if child:
                data[key] = child
            problems.update(child_problems)
        elif widget == "checkboxes":
            allowed = {str(v): v for v in (prop.get("items") or {}).get("enum") or []}
            data[key] = [allowed[v] for v in form.getlist(name) if v in allowed]
        elif widget == "checkbox":
            data[key] = form.get(name) in ("on", "true", "1")
        elif widget == "radio":
            if form.get(name) in ("true", "false"):  # nothing chosen: left out, so "required" catches it
                data[key] = form.get(name) == "true"
        elif widget == "lines":
            lines = [line.strip() for line in (form.get(name) or "").splitlines() if line.strip()]
            if lines:
                data[key] = lines
        else:
            text = form.get(name, "")
            if not text.strip():
                continue
            if widget in ("number", "integer"):
                try:
                    number: float = float(text.replace(",", ".")) if widget == "number" else int(text)
                    data[key] = int(number) if widget == "number" and number.is_integer() else number
                except ValueError:
                    data[key] = text
                    problems[name] = [_("form.not_a_number") if widget == "number" else _("form.not_an_integer")]
            elif widget == "select":
                allowed = {str(v): v for v in prop.get("enum") or []}
                data[key] = allowed.get(text, text)
            else:
                data[key] = text
    return data, problems


def _row_indices(form: MultiDict[str, str], name: str) -> list[int]:
    pattern = re.compile(re.escape(name) + r"\.(\d+)\.")
    indices = {int(m.group(1)) for key in form.keys() if (m := pattern.match(key))}
    return sorted(i for i in indices if i < 10_000)[:MAX_ROWS]


def _renumber(path: str, name: str, old: int, new: int) -> str:
    """Rows are renumbered from 0 after a removal; their typing errors follow."""
    return path.replace(f"{name}.{old}.", f"{name}.{new}.", 1)


def apply_row_action(schema: Mapping[str, Any], data: dict[str, Any], action: str) -> bool:
    """Add a row (``add:PATH``) or remove one (``remove:PATH.INDEX``); False if the action is unknown."""
    verb, _sep, path = action.partition(":")
    parts = path.split(".") if path else []
    if verb == "remove" and parts and parts[-1].isdigit():
        container = _container(schema, data, parts[:-1])
        index = int(parts[-1])
        if container is not None and 0 <= index < len(container):
            del container[index]
            return True
    elif verb == "add" and parts:
        container = _container(schema, data, parts)
        if container is not None and len(container) < MAX_ROWS:
            container.append({})
            return True
    return False


def _container(schema: Mapping[str, Any], data: Any, parts: list[str]) -> list[Any] | None:
    """The list at a dotted path in ``data`` (made if missing), if the schema has an array of rows there."""
    node_schema: Mapping[str, Any] = schema
    node: Any = data
    for i, part in enumerate(parts):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None
            node, node_schema = node[int(part)], node_schema.get("items") or {}
            continue
        prop = (node_schema.get("properties") or {}).get(part)
        if prop is None or not isinstance(node, dict):
            return None
        last = i == len(parts) - 1
        if last:
            if widget_for(prop) != "rows":
                return None
            if not isinstance(node.get(part), list):
                node[part] = []
            return node[part]
        node = node.setdefault(part, [] if prop.get("type") == "array" else {})
        node_schema = prop
    return None
