"""What each page of the process owner's workbench shows, each read in one call and one transaction.

A page view calls one service (ARCHITECTURE.md); these put together, inside one reading unit of
work, what the REST API serves piece by piece (versions, drafts, a version's files, a diff, a
version's steps). Only people who may edit diagrams read them; a refusal is logged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.definitions.deployment import latest_version, versions_in
from engine.definitions.drafts import draft_view
from engine.definitions.instance_migration import steps_in
from engine.definitions.version_diff import diff_in
from engine.definitions.versions import find_version, version_view
from engine.people import policy
from engine.people.access import Actor
from engine.platform.errors import NotFound
from engine.platform.messages import Message
from engine.platform.models import ProcessDraft, ProcessVersion

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


@dataclass
class VersionChoice:
    """The versions of a process and the two a comparison or a migration is between."""

    numbers: list[int]
    from_version: int | None
    to_version: int | None
    diff: dict[str, Any] | None = None
    diagrams: dict[str, str] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)


def library(uow: UnitOfWork, actor: Actor) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Every process with its versions (newest first), and the drafts."""
    _require(uow, actor, "kladder", "engine.draft.forbidden")
    with uow:
        processes: dict[str, list[dict[str, Any]]] = {}
        for row in versions_in(uow):
            processes.setdefault(row["key"], []).append(row)
        drafts = [draft_view(row, with_files=False)
                  for row in uow.session.scalars(select(ProcessDraft).order_by(ProcessDraft.key))]
    for rows in processes.values():
        rows.sort(key=lambda r: r["version"], reverse=True)
    return processes, drafts


def modeler(uow: UnitOfWork, actor: Actor, key: str, version: int | None, draft: bool) -> dict[str, Any] | None:
    """What the modeler opens: the draft, or a version (the latest if none is named); None: no such process."""
    if draft:
        _require(uow, actor, f"kladde {key!s:.80}", "engine.draft.forbidden")
    else:
        _require(uow, actor, f"procesmodel {key!s:.80}")
    with uow:
        if draft:
            row = uow.session.scalars(select(ProcessDraft).where(ProcessDraft.key == key)).one_or_none()
            if row is None:
                raise NotFound(Message("engine.draft.not_found"))
            found = draft_view(row)
            return {"files": found["files"], "revision": found["revision"], "based_on_version": found["based_on_version"]}
        if version is None:
            latest = latest_version(uow, key)
            if latest is None:
                return None
            version = latest.version
        files = version_view(find_version(uow, key, version))["files"]
        return {"files": files, "revision": None, "based_on_version": version}


def comparison(uow: UnitOfWork, actor: Actor, key: str, from_arg: str, to_arg: str) -> VersionChoice | None:
    """The diff page: the versions, and the changes and both diagrams when two different ones are chosen."""
    _require(uow, actor, f"procesmodel {key!s:.80}: forskel")
    with uow:
        choice = _choice(uow, key, from_arg, to_arg)
        if choice is None or choice.from_version is None or choice.to_version is None \
                or choice.from_version == choice.to_version:
            return choice
        choice.diff = diff_in(uow, key, choice.from_version, choice.to_version)
        for which, number in (("from", choice.from_version), ("to", choice.to_version)):
            found = version_view(find_version(uow, key, number))
            choice.diagrams[which] = found["files"][found["bpmn_file"]]
        return choice


def migration(uow: UnitOfWork, actor: Actor, key: str, from_arg: str, to_arg: str) -> VersionChoice | None:
    """The migration page: the versions, and the steps of the target a waiting course may be mapped to."""
    _require(uow, actor, f"procesmodel {key!s:.80}: trin")
    with uow:
        choice = _choice(uow, key, from_arg, to_arg)
        if choice is not None and choice.to_version:
            choice.steps = steps_in(uow, key, choice.to_version)
        return choice


def _choice(uow: UnitOfWork, key: str, from_arg: str, to_arg: str) -> VersionChoice | None:
    """The versions named by the page's ``fra``/``til`` (default: the latest and the one before); None: no process."""
    numbers = list(uow.session.scalars(select(ProcessVersion.version).where(ProcessVersion.key == key)
                                       .order_by(ProcessVersion.version)))
    if not numbers:
        return None
    to_version = int(to_arg) if to_arg.isdigit() else max(numbers)
    earlier = [n for n in numbers if n < to_version]
    from_version = int(from_arg) if from_arg.isdigit() else (max(earlier) if earlier else None)
    return VersionChoice(numbers, from_version, to_version)


def _require(uow: UnitOfWork, actor: Actor, what: str, message: str = "engine.version.forbidden") -> None:
    policy.require(uow, actor, "edit_diagrams", what, Message(message))
