"""Reading deployed versions: their files, to open in the modeler or download."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.people import policy
from engine.people.access import Actor
from engine.platform.errors import NotFound
from engine.platform.messages import Message
from engine.platform.models import ProcessVersion
from engine.platform.views import iso

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def find_version(uow: UnitOfWork, key: str, version: int) -> ProcessVersion:
    row = uow.session.scalars(select(ProcessVersion).where(ProcessVersion.key == key,
                                                           ProcessVersion.version == version)).one_or_none()
    if row is None:
        raise NotFound(Message("engine.version.not_found"))
    return row


def bpmn_name(files: dict[str, str]) -> str:
    """The diagram among a version's files (a version is deployed from one BPMN file, maybe more)."""
    names = sorted(n for n in files if n.lower().endswith((".bpmn", ".xml")) and "/" not in n)
    if not names:
        raise NotFound(Message("engine.version.no_bpmn_file"))
    return names[0]


def get_version(uow: UnitOfWork, actor: Actor, key: str, version: int) -> dict[str, Any]:
    """A version with every file it was deployed with (diagram, forms, decisions)."""
    policy.require(uow, actor, "edit_diagrams", f"procesmodel {key!s:.80} v{version}", Message("engine.version.forbidden"))
    with uow:
        return version_view(find_version(uow, key, version))


def version_view(row: ProcessVersion) -> dict[str, Any]:
    """A version row as the API shows it, with its files."""
    return {"key": row.key, "version": row.version, "name": row.name, "deployed_at": iso(row.deployed_at),
            "deployed_by": row.deployed_by, "bpmn_file": bpmn_name(row.files), "files": row.files}


def version_bpmn(uow: UnitOfWork, actor: Actor, key: str, version: int) -> tuple[str, str]:
    """(file name, XML) of a version's diagram, for download."""
    found = get_version(uow, actor, key, version)
    return f"{key}-v{version}.bpmn", found["files"][found["bpmn_file"]]
