"""Reading a deployment's files: BPMN, DMN and form schemas, parsed safely.

XML from outside is parsed without resolving entities, without a DTD and without network access,
so billion-laughs and external-entity attacks do nothing.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from engine.platform import limits
from engine.platform.errors import Problem
from engine.platform.messages import Message

# A set of process files by name, as uploaded (bytes) or as stored (text); only read, never changed.
Files = Mapping[str, str | bytes]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
}
MAX_FILE_BYTES = limits.FILE_BYTES
MAX_UPLOAD_BYTES = limits.UPLOAD_BYTES


def safe_xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


@dataclass
class FileBundle:
    """The files of one deployment, sorted into kinds, with what was wrong with them."""

    bpmn: dict[str, Any] = field(default_factory=dict)       # name -> lxml tree
    dmn: dict[str, Any] = field(default_factory=dict)        # name -> lxml tree
    forms: dict[str, Any] = field(default_factory=dict)      # form key -> JSON Schema
    sources: dict[str, str] = field(default_factory=dict)    # name -> text, as deployed
    problems: list[Problem] = field(default_factory=list)
    too_large: list[str] = field(default_factory=list)    # names of files over MAX_FILE_BYTES
    upload_too_large: bool = False                        # all files together over MAX_UPLOAD_BYTES

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.sources):
            digest.update(name.encode() + b"\0" + self.sources[name].encode() + b"\0")
        return digest.hexdigest()


def read_bundle(files: Files) -> FileBundle:
    """Sort and parse uploaded files by content (a BPMN may come named .xml).

    An upload over :data:`MAX_UPLOAD_BYTES` in all is not parsed at all: reading it is the work a
    flood of large uploads would make the server do.
    """
    bundle = FileBundle()
    total = sum(len(content.encode() if isinstance(content, str) else content) for content in files.values())
    if total > MAX_UPLOAD_BYTES:
        bundle.upload_too_large = True
        bundle.problems.append(Problem(None, Message("engine.deploy.upload_too_large",
                                                     megabytes=MAX_UPLOAD_BYTES // 1024 // 1024)))
        return bundle
    for raw_name, content in files.items():
        name = PurePosixPath(raw_name.replace("\\", "/")).name or "diagram.bpmn"
        data = content.encode() if isinstance(content, str) else content
        if len(data) > MAX_FILE_BYTES:
            bundle.problems.append(Problem(None, Message("engine.diagram.file_too_large", file=name,
                                                         megabytes=MAX_FILE_BYTES // 1024 // 1024)))
            bundle.too_large.append(name)
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            bundle.problems.append(Problem(None, Message("engine.diagram.file_not_utf8", file=name)))
            continue
        if name.lower().endswith(".json"):
            _read_form(bundle, name, text)
        else:
            _read_xml(bundle, name, text, data)
    return bundle


def _read_form(bundle: FileBundle, name: str, text: str) -> None:
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as error:
        bundle.problems.append(Problem(None, Message("engine.diagram.bad_json", file=name, line=error.lineno,
                                                     reason=error.msg)))
        return
    if not isinstance(schema, dict):
        bundle.problems.append(Problem(None, Message("engine.diagram.form_not_object", file=name)))
        return
    bundle.forms[name[: -len(".json")]] = schema
    bundle.sources[f"forms/{name}"] = text


def _read_xml(bundle: FileBundle, name: str, text: str, data: bytes) -> None:
    try:
        tree = etree.fromstring(data, safe_xml_parser()).getroottree()
    except etree.XMLSyntaxError as error:
        bundle.problems.append(Problem(None, Message("engine.diagram.bad_xml", file=name, line=error.lineno,
                                                     reason=error.msg)))
        return
    root = tree.getroot()
    namespace = etree.QName(root).namespace
    if namespace == BPMN_NS and etree.QName(root).localname == "definitions":
        bundle.bpmn[name] = tree
        bundle.sources[name] = text
    elif namespace in DMN_NAMESPACES:
        bundle.dmn[name] = tree
        bundle.sources[f"decisions/{name}"] = text
    else:
        bundle.problems.append(Problem(None, Message("engine.diagram.unknown_file", file=name)))


def files_from_paths(paths: list[str | Path]) -> dict[str, bytes]:
    """Every BPMN, DMN and form file under the given files or folders (for the CLI)."""
    found: dict[str, bytes] = {}
    for path in map(Path, paths):
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.is_file() and candidate.suffix.lower() in (".bpmn", ".dmn", ".json", ".xml"):
                found[candidate.name] = candidate.read_bytes()
    return found
