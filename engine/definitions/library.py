"""Parsed process versions, built once per version and kept in memory.

A version is stored once (its files); every instance of it shares one parsed spec, so loading an
instance costs only its own state.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.bpmn.parser import SamspilParser, element_id, restore_element_ids
from engine.definitions.called_processes import CALLED_PREFIX
from engine.definitions.process_files import FileBundle, Files, read_bundle
from engine.definitions.validation import NS, check_bundle, executable_processes, message_catch_forms
from engine.platform.errors import Problem
from engine.platform.messages import Message


@dataclass
class ParsedProcess:
    key: str
    name: str
    spec: Any
    subprocess_specs: dict[str, Any]
    forms: dict[str, dict[str, Any]]
    lane_ids: dict[str, str] = field(default_factory=dict)   # lane name -> lane id
    # catching message event id -> the form that declares what its message may carry
    message_forms: dict[str, str] = field(default_factory=dict)
    version: int = 0                                          # the stored version's number, once stored
    validators: dict[str, Draft202012Validator] = field(default_factory=dict)

    def form(self, form_key: str | None) -> dict[str, Any] | None:
        """The form's schema; None exactly when :meth:`validator` is None (no key, or no such form)."""
        return self.forms.get(form_key) if form_key else None

    def validator(self, form_key: str | None) -> Draft202012Validator | None:
        if not form_key or form_key not in self.forms:
            return None
        if form_key not in self.validators:
            self.validators[form_key] = Draft202012Validator(
                self.forms[form_key], format_checker=Draft202012Validator.FORMAT_CHECKER)
        return self.validators[form_key]


@dataclass
class ParseResult:
    processes: dict[str, ParsedProcess]
    problems: list[Problem]
    bundle: FileBundle

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def parse_files(files: Files, held_roles: Iterable[str] | None = None) -> ParseResult:
    """Read, check and parse a set of files; never raises for bad input, reports problems instead.

    With ``held_roles`` (the roles users hold), lanes no user can work in are reported too.
    """
    bundle = read_bundle(files)
    problems = check_bundle(bundle, held_roles)
    processes: dict[str, ParsedProcess] = {}
    if any(p.severity == "error" for p in problems):
        return ParseResult(processes, problems, bundle)
    parser = SamspilParser()
    try:
        for name, tree in bundle.dmn.items():
            parser.add_dmn_xml(tree.getroot(), filename=name)
        for name, tree in bundle.bpmn.items():
            parser.add_bpmn_xml(tree, filename=name)
        for file_name, tree in bundle.bpmn.items():
            if file_name.startswith(CALLED_PREFIX):
                continue   # a called process's copy (engine.definitions.called_processes): parsed for the call only
            lane_ids = {lane.get("name").strip(): lane.get("id") for lane in tree.xpath("//bpmn:lane", namespaces=NS)}
            for process in executable_processes(tree):
                key = process.get("id")
                spec = parser.get_spec(key)
                subprocess_specs = parser.get_subprocess_specs(key)
                for each in [spec, *subprocess_specs.values()]:
                    restore_element_ids(each)
                processes[key] = ParsedProcess(key, process.get("name") or key, spec, subprocess_specs,
                                               bundle.forms, lane_ids, message_catch_forms(process))
    except ValidationException as error:
        problems.append(Problem(element_id(error.id) if getattr(error, "id", None) else None,
                                Message("engine.diagram.engine_rejects", reason=_message(error))))
    except Exception as error:  # SpiffWorkflow raises plain exceptions for some malformed input
        problems.append(Problem(None, Message("engine.diagram.unloadable", reason=f"{type(error).__name__}: {error}")))
    return ParseResult(processes, problems, bundle)


def _message(error: ValidationException) -> str:
    text = str(error.args[0]) if error.args else str(error)
    return text.split("\n")[0]


class ProcessLibrary:
    """A bounded, thread-safe cache of parsed versions keyed by version id."""

    def __init__(self, max_versions: int = 128) -> None:
        self._cache: OrderedDict[int, ParsedProcess] = OrderedDict()
        self._lock = threading.Lock()
        self.max_versions = max_versions

    def peek(self, version_id: int) -> ParsedProcess | None:
        with self._lock:
            return self._cache.get(version_id)

    def get(self, version_id: int, key: str, files: dict[str, str], version: int = 0) -> ParsedProcess:
        with self._lock:
            if version_id in self._cache:
                self._cache.move_to_end(version_id)
                return self._cache[version_id]
        result = parse_files(files)
        if key not in result.processes:
            raise RuntimeError(f"stored process version {version_id} no longer parses")
        result.processes[key].version = version
        with self._lock:
            self._cache[version_id] = result.processes[key]
            while len(self._cache) > self.max_versions:
                self._cache.popitem(last=False)
        return result.processes[key]
