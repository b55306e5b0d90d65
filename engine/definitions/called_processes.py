"""Call activities that call a process deployed on its own: a sub-course shared by several processes.

A call activity whose ``calledElement`` is not in the upload calls the deployed process of that
key: its latest version, or the one pinned with Camunda's ``camunda:calledElementBinding="version"``
and ``camunda:calledElementVersion``. The called version's files are copied into the caller's
version when it is deployed (as ``kaldt__<key>__v<n>__<file>``), so a stored version is whole by
itself: a course runs the sub-course version its caller was deployed with, and deploying a newer
sub-course changes nothing for it until the caller is deployed again. The copied processes are
parsed for the call only; they are not deployed again as versions of their own key
(:func:`engine.definitions.library.parse_files`).
"""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.process_files import Files, read_bundle
from engine.definitions.validation import NS
from engine.platform.models import ProcessVersion

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

CALLED_PREFIX = "kaldt__"
CAMUNDA = f"{{{NS['camunda']}}}"


def is_called_copy(file_name: str) -> bool:
    """A file copied in from a called process's stored version (not one the process owner uploaded)."""
    return PurePosixPath(file_name).name.startswith(CALLED_PREFIX)


def with_called_processes(uow: UnitOfWork, files: Files) -> Files:
    """``files`` plus the stored files of every deployed process their call activities call from outside."""
    with uow:
        return with_called_processes_in(uow.session, files)


def with_called_processes_in(session: Session, files: Files) -> Files:
    """:func:`with_called_processes` inside a unit of work that is already open (deploying a draft)."""
    bundle = read_bundle(files)
    if bundle.problems:
        return files   # the checks report what is wrong with the upload; nothing is looked up for it
    defined, wanted = _calls(bundle)
    return {**files, **_copies(session, files, wanted, defined)} if wanted else files


def _calls(bundle: Any) -> tuple[set[str], dict[str, int | None]]:
    """The upload's process ids, and the keys its call activities call from outside (with a pinned version)."""
    defined = {p.get("id") for tree in bundle.bpmn.values() for p in tree.xpath("//bpmn:process", namespaces=NS)}
    wanted: dict[str, int | None] = {}
    for tree in bundle.bpmn.values():
        for call in tree.xpath("//bpmn:callActivity[@calledElement]", namespaces=NS):
            key = call.get("calledElement")
            if key and key not in defined:
                wanted[key] = _pinned(call)
    return defined, wanted


def _copies(session: Session, files: Files, wanted: dict[str, int | None],
            defined: set[str]) -> dict[str, str | bytes]:
    """The called versions' stored files, renamed so the library parses them for the call only."""
    uploaded = {PurePosixPath(name.replace("\\", "/")).name for name in files}
    extra: dict[str, str | bytes] = {}
    for key, pinned in sorted(wanted.items()):
        query = select(ProcessVersion).where(ProcessVersion.key == key)
        if pinned is not None:
            query = query.where(ProcessVersion.version == pinned)
        version = session.scalars(query.order_by(ProcessVersion.version.desc()).limit(1)).first()
        if version is None:
            continue   # the parser reports the call activity's missing process
        for name, text in version.files.items():
            base = PurePosixPath(name).name
            if base.endswith(".json"):
                if base not in uploaded:    # the caller's own form of that name wins
                    extra.setdefault(base, text)
            elif is_called_copy(base):      # what the called version itself calls, already resolved
                if not _defines(text, defined):   # unless the upload brings that process itself
                    extra.setdefault(base, text)
            else:
                extra[f"{CALLED_PREFIX}{key}__v{version.version}__{base}"] = text
    return extra


def _pinned(call: object) -> int | None:
    if call.get(CAMUNDA + "calledElementBinding") != "version":  # type: ignore[attr-defined]
        return None
    text = (call.get(CAMUNDA + "calledElementVersion") or "").strip()  # type: ignore[attr-defined]
    return int(text) if text.isdigit() else None


def _defines(text: str, process_ids: set[str]) -> bool:
    """Whether a stored BPMN file defines one of ``process_ids`` (the upload's own version wins)."""
    tree = read_bundle({"copy.bpmn": text}).bpmn.get("copy.bpmn")
    return tree is not None and any(p.get("id") in process_ids
                                    for p in tree.xpath("//bpmn:process", namespaces=NS))
