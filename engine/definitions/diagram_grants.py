"""Deploy-time rules for what a diagram may grant: who its tasks go to, and what data may move it.

A diagram is drawn by a process owner, not by an administrator, and what it says decides who
reads a young person's case. So, checked when it is validated and deployed:

* a form (of a user task or of a catching message event) may not declare an engine-owned
  variable (:data:`engine.people.policy.ENGINE_OWNED`): only the engine and diagram scripts set those;
* only a deployer with ``name_people_in_diagrams`` (an admin) may name literal users in
  ``camunda:assignee`` or ``camunda:candidateUsers``; everyone else names them through a
  ``${variable}`` that the course fills (say from a k-meeting's ``x-user-role`` field);
* a form field that fills such a variable must be an ``x-user-role`` field, so what is typed
  there is checked to be an active user with that role.

Even a named person gains nothing without the lane's role (:func:`engine.people.policy.may_act`).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.definitions.process_files import FileBundle
from engine.definitions.validation import NS, form_key_of, message_catch_forms
from engine.people import policy
from engine.people.access import Actor
from engine.platform.errors import Problem
from engine.platform.messages import Message
from engine.work.user_fields import ROLE_KEYWORD

CAMUNDA = f"{{{NS['camunda']}}}"
VARIABLE = re.compile(r"^\$\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}$")
PEOPLE_ATTRIBUTES = ("assignee", "candidateUsers")


def grant_problems(bundle: FileBundle, actor: Actor | None) -> list[Problem]:
    """Every grant rule broken in the bundle's diagrams; ``actor`` None is checked as a non-admin."""
    may_name = actor is not None and policy.allows(actor, "name_people_in_diagrams")
    problems: list[Problem] = []
    for tree in bundle.bpmn.values():
        problems.extend(_engine_owned_fields(tree, bundle))
        problems.extend(_people_fields_without_role(tree, bundle))
        if not may_name:
            problems.extend(_literal_people(tree))
    return problems


def _forms_of(tree: Any) -> list[tuple[str | None, str | None]]:
    """(element id, form key) of every user task and catching message event."""
    forms = [(task.get("id"), form_key_of(task)) for task in tree.xpath("//bpmn:userTask", namespaces=NS)]
    for process in tree.xpath("//bpmn:process", namespaces=NS):
        forms.extend(message_catch_forms(process).items())
    return forms


def _properties(bundle: FileBundle, key: str | None) -> dict[str, Any]:
    schema = bundle.forms.get(key) if key else None
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return properties if isinstance(properties, dict) else {}


def _people_fields_without_role(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    variables = set()
    for task in tree.xpath("//bpmn:userTask", namespaces=NS):
        for attribute in PEOPLE_ATTRIBUTES:
            for part in (task.get(CAMUNDA + attribute) or "").split(","):
                if VARIABLE.match(part.strip()):
                    variables.add(part.strip()[2:-1].strip())
    for element_id, key in _forms_of(tree):
        for field, prop in sorted(_properties(bundle, key).items()):
            has_role = isinstance(prop, dict) and isinstance(prop.get(ROLE_KEYWORD), str)
            if field in variables - policy.ENGINE_OWNED and not has_role:
                yield Problem(element_id, Message("engine.diagram.people_field_without_role", form=key, field=field))


def _engine_owned_fields(tree: Any, bundle: FileBundle) -> Iterator[Problem]:
    for element_id, key in _forms_of(tree):
        for field in sorted(set(_properties(bundle, key)) & policy.ENGINE_OWNED):
            yield Problem(element_id, Message("engine.diagram.form_engine_owned", form=key, field=field))


def _literal_people(tree: Any) -> Iterator[Problem]:
    for task in tree.xpath("//bpmn:userTask", namespaces=NS):
        for attribute in PEOPLE_ATTRIBUTES:
            value = (task.get(CAMUNDA + attribute) or "").strip()
            parts = [part.strip() for part in value.split(",")] if attribute == "candidateUsers" else [value]
            literal = [part for part in parts if part and not VARIABLE.match(part)]
            if literal:
                yield Problem(task.get("id"), Message("engine.diagram.literal_people",
                                                      attribute=f"camunda:{attribute}", value=", ".join(literal)[:200]))
