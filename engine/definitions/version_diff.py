"""What changed between two versions of a process: elements added, removed and changed.

Compared on the BPMN XML by element id, so a process owner sees it in the terms they drew it in:
a changed timer shows on its event, a moved task only if its lane changed (the drawing's positions
are not part of the process and are left out).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

from engine.definitions.process_files import BPMN_NS, safe_xml_parser
from engine.definitions.validation import FLOW_NODES
from engine.definitions.versions import bpmn_name, find_version
from engine.people import policy
from engine.people.access import Actor
from engine.platform.errors import InvalidInput
from engine.platform.messages import Message

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

# The elements a diff lists; their children that are themselves listed are compared on their own.
LISTED = {*FLOW_NODES, "sequenceFlow", "lane", "message", "participant", "process", "dataObject",
          "dataObjectReference", "dataStoreReference", "textAnnotation", "association", "messageFlow", "signal",
          "error", "escalation"}
# What a change means in the workbench's words.
# The parts of an element a change is named by: engine.diff.part.<part> in engine/messages; others by their XML name.
WHAT = {"name", "conditionExpression", "script", "timerEventDefinition", "formKey", "default", "sourceRef",
        "targetRef", "flowNodeRef", "documentation", "assignee", "candidateGroups", "candidateUsers", "dueDate",
        "messageEventDefinition", "attachedToRef", "cancelActivity", "decisionRef", "extensionElements", "incoming",
        "outgoing", "isExecutable"}


def _elements(xml: str) -> dict[str, tuple[str, str | None, bytes, dict[str, Any]]]:
    """id -> (type, name, signature, parts) for every listed element of the diagram."""
    root = etree.fromstring(xml.encode(), safe_xml_parser())
    found = {}
    for element in root.iter():
        element_id = element.get("id")
        if not isinstance(element.tag, str) or not element_id:
            continue
        qname = etree.QName(element)
        if qname.namespace != BPMN_NS or qname.localname not in LISTED:
            continue
        found[element_id] = (qname.localname, element.get("name"), *_signature(element))
    return found


def _signature(element: Any) -> tuple[bytes, dict[str, Any]]:
    """The element without its listed children, as canonical bytes, and its parts for naming changes."""
    parts: dict[str, Any] = {etree.QName(k).localname: v for k, v in element.attrib.items() if k != "id"}
    copy = etree.fromstring(etree.tostring(element))
    for child in list(copy):
        if isinstance(child.tag, str) and etree.QName(child).localname in LISTED and child.get("id"):
            copy.remove(child)
    for child in copy:
        if isinstance(child.tag, str):
            local = etree.QName(child).localname
            text = etree.tostring(child, method="c14n")
            parts[local] = parts.get(local, b"") + text
    copy.tail = None
    return etree.tostring(copy, method="c14n"), parts


def diff_xml(old: str, new: str) -> dict[str, list[dict[str, Any]]]:
    """Elements added, removed and changed from ``old`` to ``new``; each with id, type, name."""
    before, after = _elements(old), _elements(new)
    added = [_entry(i, after[i]) for i in after if i not in before]
    removed = [_entry(i, before[i]) for i in before if i not in after]
    changed = []
    for element_id in before.keys() & after.keys():
        if before[element_id][2] != after[element_id][2]:
            old_parts, new_parts = before[element_id][3], after[element_id][3]
            keys = sorted(k for k in old_parts.keys() | new_parts.keys() if old_parts.get(k) != new_parts.get(k))
            what = sorted({Message(f"engine.diff.part.{k}") if k in WHAT else k for k in keys})
            changed.append({**_entry(element_id, after[element_id]), "changes": what})
    changed.sort(key=lambda e: e["element_id"])
    return {"added": added, "removed": removed, "changed": changed}


def _entry(element_id: str, found: tuple[str, str | None, bytes, dict[str, Any]]) -> dict[str, Any]:
    return {"element_id": element_id, "type": found[0], "name": found[1]}


def diff_versions(uow: UnitOfWork, actor: Actor, key: str, from_version: Any, to_version: Any) -> dict[str, Any]:
    policy.require(uow, actor, "edit_diagrams", f"procesmodel {key!s:.80}: forskel", Message("engine.diff.forbidden"))
    errors = [{"field": name, "message": Message("engine.field.required_integer")} for name, value in
              (("from", from_version), ("to", to_version)) if not isinstance(value, int) or isinstance(value, bool)]
    if errors:
        raise InvalidInput(Message("engine.diff.two_versions"), errors=errors)
    with uow:
        return diff_in(uow, key, from_version, to_version)


def diff_in(uow: UnitOfWork, key: str, from_version: int, to_version: int) -> dict[str, Any]:
    """:func:`diff_versions` of two checked version numbers, inside the caller's unit of work."""
    old, new = find_version(uow, key, from_version), find_version(uow, key, to_version)
    result = diff_xml(old.files[bpmn_name(old.files)], new.files[bpmn_name(new.files)])
    return {"key": key, "from": from_version, "to": to_version, **result}
