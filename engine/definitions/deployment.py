"""Deploying and validating process models: parse, check, version by content."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from engine.definitions.called_processes import with_called_processes
from engine.definitions.diagram_grants import grant_problems
from engine.definitions.library import ParseResult, parse_files
from engine.definitions.process_files import MAX_FILE_BYTES, MAX_UPLOAD_BYTES, Files
from engine.people import audit, policy, users
from engine.people.access import Actor
from engine.platform.errors import InvalidDiagram, InvalidInput, TooLarge, Unreadable
from engine.platform.heavy_work import heavy_slot
from engine.platform.messages import Message
from engine.platform.models import ProcessInstance, ProcessVersion

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork



@dataclass(frozen=True)
class Deployed:
    key: str
    version: int
    process_ids: list[str]
    created: bool
    warnings: tuple[dict, ...] = ()   # the upload's warnings (a lane whose role no active user holds, ...)

    def as_dict(self) -> dict:
        return {"key": self.key, "version": self.version, "process_ids": self.process_ids}


def validate_files(files: Files, held_roles: Iterable[str] | None = None,
                   actor: Actor | None = None) -> dict[str, list[dict]]:
    """Errors and warnings for a set of files, deploying nothing.

    Files over the size limit are a :class:`TooLarge`; input with no BPMN or DMN in it at all is
    :class:`Unreadable` (not a diagram), as opposed to a diagram with problems. The grant rules
    (:mod:`engine.definitions.diagram_grants`) are checked as deploying by ``actor`` would check them.
    """
    with heavy_slot():
        result = parse_files(files, held_roles)
    _refuse_unreadable(result)
    result.problems.extend(grant_problems(result.bundle, actor))
    return {"errors": [p.as_dict() for p in result.errors], "warnings": [p.as_dict() for p in result.warnings]}


def validate(uow: UnitOfWork, actor: Actor, files: Files) -> dict[str, list[dict]]:
    """:func:`validate_files` with lanes checked against the roles users hold now.

    Only the roles that edit diagrams may: validation is heavy work, and its report tells which
    roles users hold. A refusal is logged (by the policy).
    """
    policy.require(uow, actor, "edit_diagrams", "validering af procesmodel",
                   Message("engine.deploy.validate_forbidden"))
    return validate_files(with_called_processes(uow, files), users.held_roles(uow), actor)


def _refuse_unreadable(result: ParseResult) -> None:
    if result.bundle.upload_too_large:
        raise TooLarge(Message("engine.deploy.upload_too_large", megabytes=MAX_UPLOAD_BYTES // 1024 // 1024),
                       errors=[p.as_dict() for p in result.problems])
    if result.bundle.too_large:
        raise TooLarge(Message("engine.deploy.too_large", megabytes=MAX_FILE_BYTES // 1024 // 1024),
                       errors=[p.as_dict() for p in result.problems])
    if not result.bundle.bpmn and not result.bundle.dmn:
        raise Unreadable(Message("engine.deploy.no_bpmn_file"), errors=[p.as_dict() for p in result.problems])


def deploy(uow: UnitOfWork, files: Files, actor: Actor) -> list[Deployed]:
    """Store a new version of each executable process, unless identical files are already stored.

    All or nothing: an error anywhere deploys no process.
    """
    policy.require(uow, actor, "edit_diagrams", "procesmodel: udrul", Message("engine.deploy.forbidden"))
    result = checked(with_called_processes(uow, files), actor, users.held_roles(uow))
    with uow:
        deployed = store_versions(uow, result, actor)
        uow.commit()
    return deployed


def checked(files: Files, actor: Actor | None = None, held_roles: Iterable[str] | None = None) -> ParseResult:
    """Parse files for deployment by ``actor``; an error anywhere (grant rules too) refuses them all.

    With ``held_roles`` the warnings also name each lane whose role no active user holds: the
    deployment goes ahead, and says so (:attr:`Deployed.warnings`)."""
    with heavy_slot():
        result: ParseResult = parse_files(files, held_roles)
    if result.bundle.too_large or result.bundle.upload_too_large:
        _refuse_unreadable(result)
    result.problems.extend(grant_problems(result.bundle, actor))
    if result.errors:
        raise InvalidDiagram(result.errors)
    if not result.processes:
        raise InvalidInput(Message("engine.deploy.no_executable_process_found"),
                           errors=[{"element_id": None, "message": Message("engine.diagram.no_executable_process")}])
    return result


def store_versions(uow: UnitOfWork, result: ParseResult, actor: Actor) -> list[Deployed]:
    """Inside an open unit of work: a version row per process, numbered after the latest (not committed)."""
    content_hash = result.bundle.content_hash
    warnings = tuple(p.as_dict() for p in result.warnings)
    deployed: list[Deployed] = []
    process_ids = sorted(result.processes)
    for key, process in result.processes.items():
        existing = uow.session.scalars(select(ProcessVersion).where(
            ProcessVersion.key == key, ProcessVersion.content_hash == content_hash)).first()
        if existing is not None:
            deployed.append(Deployed(key, existing.version, process_ids, created=False, warnings=warnings))
            continue
        latest = uow.session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.key == key))
        version = ProcessVersion(key=key, version=(latest or 0) + 1, name=process.name, content_hash=content_hash,
                                 files=result.bundle.sources, deployed_at=uow.clock.now(),
                                 deployed_by=actor.username)
        uow.session.add(version)
        audit.record(uow, actor, "process_deployed", None, f"{key} version {version.version}")
        deployed.append(Deployed(key, version.version, process_ids, created=True, warnings=warnings))
    uow.session.flush()
    return deployed


def list_versions(uow: UnitOfWork) -> list[dict]:
    with uow:
        return versions_in(uow)


def versions_in(uow: UnitOfWork) -> list[dict]:
    """Every deployed version with how many courses run on it, inside the caller's unit of work."""
    counts = dict(uow.session.execute(
        select(ProcessInstance.process_version_id, func.count()).where(ProcessInstance.status == "running")
        .group_by(ProcessInstance.process_version_id)).all())
    rows = uow.session.execute(select(ProcessVersion.id, ProcessVersion.key, ProcessVersion.version,
                                      ProcessVersion.name, ProcessVersion.deployed_at, ProcessVersion.deployed_by)
                               .order_by(ProcessVersion.key, ProcessVersion.version)).all()
    return [{"key": r.key, "version": r.version, "name": r.name, "deployed_at": r.deployed_at.isoformat(),
             "deployed_by": r.deployed_by, "running_instances": counts.get(r.id, 0)} for r in rows]


def latest_version(uow: UnitOfWork, key: str) -> ProcessVersion | None:
    """The newest version of a process, without its files (the parsed process comes from the library)."""
    return uow.session.scalars(select(ProcessVersion).options(load_only(ProcessVersion.id, ProcessVersion.key,
                                                                        ProcessVersion.version))
                               .where(ProcessVersion.key == key)
                               .order_by(ProcessVersion.version.desc()).limit(1)).first()
