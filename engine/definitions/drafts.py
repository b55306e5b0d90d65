"""Drafts: a process owner's edited diagram and forms, stored on the server until deployed.

Nothing runs on a draft. Each save names the revision it was based on; if someone saved in between,
the save is refused with :class:`Conflict` and both versions stay as they were, so the second owner
is told and can reload, and nothing is lost silently.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.definitions import sandbox
from engine.definitions.called_processes import with_called_processes, with_called_processes_in
from engine.definitions.deployment import checked, store_versions, validate_files
from engine.definitions.process_files import MAX_FILE_BYTES, MAX_UPLOAD_BYTES
from engine.people import policy
from engine.people.access import Actor
from engine.people.users import held_roles, held_roles_in
from engine.platform.errors import Conflict, InvalidInput, NotFound
from engine.platform.heavy_work import heavy_slot
from engine.platform.messages import Message
from engine.platform.models import ProcessDraft
from engine.platform.views import iso

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,254}$")
FILE_NAME = re.compile(r"^((forms|decisions)/)?[A-Za-z0-9_.\-]{1,200}\.(bpmn|dmn|json|xml)$")
MAX_FILES = 200


def _ensure_owner(uow: UnitOfWork, actor: Actor, key: Any = None) -> None:
    """Refuse (logged) anyone who may not edit diagrams; call before ``with uow``."""
    policy.require(uow, actor, "edit_diagrams", f"kladde {key!s:.80}" if key is not None else "kladder",
                   Message("engine.draft.forbidden"))


def draft_view(draft: ProcessDraft, with_files: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "key": draft.key, "revision": draft.revision, "based_on_version": draft.based_on_version,
        "created_at": iso(draft.created_at), "created_by": draft.created_by,
        "updated_at": iso(draft.updated_at), "updated_by": draft.updated_by}
    if with_files:
        view["files"] = draft.files
    return view


def _checked_files(files: Any) -> dict[str, str]:
    """Draft files as ``{"name.bpmn": text, "forms/key.json": text}``; anything else is refused."""
    if not isinstance(files, dict) or not files:
        raise InvalidInput(Message("engine.draft.files_required"),
                           errors=[{"field": "files", "message": Message("engine.field.required")}])
    errors = []
    for name, content in files.items():
        if not isinstance(name, str) or not FILE_NAME.match(name):
            errors.append({"field": f"files/{name}", "message": Message("engine.draft.bad_file_name")})
        elif not isinstance(content, str):
            errors.append({"field": f"files/{name}", "message": Message("engine.draft.content_not_text")})
        elif len(content.encode()) > MAX_FILE_BYTES:
            errors.append({"field": f"files/{name}", "message": Message("engine.draft.file_too_large")})
    if len(files) > MAX_FILES:
        errors.append({"field": "files", "message": Message("engine.draft.too_many_files", max=MAX_FILES)})
    elif sum(len(c.encode()) for c in files.values() if isinstance(c, str)) > MAX_UPLOAD_BYTES:
        errors.append({"field": "files", "message": Message("engine.deploy.upload_too_large",
                                                            megabytes=MAX_UPLOAD_BYTES // 1024 // 1024)})
    if not any(isinstance(n, str) and n.endswith(".bpmn") for n in files):
        errors.append({"field": "files", "message": Message("engine.draft.needs_bpmn")})
    if errors:
        raise InvalidInput(Message("engine.draft.invalid"), errors=errors)
    return dict(files)


def _load(uow: UnitOfWork, key: str) -> ProcessDraft:
    draft = uow.session.scalars(select(ProcessDraft).where(ProcessDraft.key == key).with_for_update()).one_or_none()
    if draft is None:
        raise NotFound(Message("engine.draft.not_found"))
    return draft


def _ensure_revision(draft: ProcessDraft, revision: Any) -> None:
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise InvalidInput(Message("engine.draft.revision_required"),
                           errors=[{"field": "revision", "message": Message("engine.field.required_integer")}])
    if revision != draft.revision:
        raise Conflict(Message("engine.draft.stale", user=draft.updated_by, revision=draft.revision),
                       revision=draft.revision, updated_by=draft.updated_by, updated_at=iso(draft.updated_at))


def list_drafts(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    _ensure_owner(uow, actor)
    with uow:
        rows = uow.session.scalars(select(ProcessDraft).order_by(ProcessDraft.key)).all()
        return [draft_view(row, with_files=False) for row in rows]


def get_draft(uow: UnitOfWork, actor: Actor, key: str) -> dict[str, Any]:
    _ensure_owner(uow, actor, key)
    with uow:
        draft = uow.session.scalars(select(ProcessDraft).where(ProcessDraft.key == key)).one_or_none()
        if draft is None:
            raise NotFound(Message("engine.draft.not_found"))
        return draft_view(draft)


def save_draft(uow: UnitOfWork, actor: Actor, key: str, files: Any, revision: Any = None,
               based_on_version: Any = None) -> dict[str, Any]:
    """Create a draft (``revision`` None) or replace one, naming the revision the edit started from."""
    _ensure_owner(uow, actor, key)
    if not isinstance(key, str) or not KEY.match(key):
        raise InvalidInput(Message("engine.draft.bad_key"),
                           errors=[{"field": "key", "message": Message("engine.draft.key_characters")}])
    checked_files = _checked_files(files)
    if based_on_version is not None and (not isinstance(based_on_version, int) or isinstance(based_on_version, bool)):
        raise InvalidInput(Message("engine.draft.bad_based_on_version"),
                           errors=[{"field": "based_on_version", "message": Message("engine.field.integer")}])
    with uow:
        now = uow.clock.now()
        draft = uow.session.scalars(select(ProcessDraft).where(ProcessDraft.key == key).with_for_update()).one_or_none()
        if draft is None:
            if revision is not None:
                raise Conflict(Message("engine.draft.gone"), revision=None)
            draft = ProcessDraft(key=key, revision=1, files=checked_files, based_on_version=based_on_version,
                                 created_at=now, created_by=actor.username, updated_at=now, updated_by=actor.username)
            uow.session.add(draft)
        else:
            if revision is None:
                raise Conflict(Message("engine.draft.key_taken"), revision=draft.revision,
                               updated_by=draft.updated_by, updated_at=iso(draft.updated_at))
            _ensure_revision(draft, revision)
            draft.files = checked_files
            draft.revision += 1
            draft.updated_at, draft.updated_by = now, actor.username
            if based_on_version is not None:
                draft.based_on_version = based_on_version
        uow.session.flush()
        view = draft_view(draft)
        uow.commit()
        return view


def delete_draft(uow: UnitOfWork, actor: Actor, key: str, revision: Any) -> None:
    _ensure_owner(uow, actor, key)
    with uow:
        draft = _load(uow, key)
        _ensure_revision(draft, revision)
        uow.session.delete(draft)
        uow.commit()


def validate_draft(uow: UnitOfWork, actor: Actor, key: str) -> dict[str, Any]:
    """The draft's errors and warnings, with lanes checked against the roles users hold."""
    _ensure_owner(uow, actor, key)
    draft = get_draft(uow, actor, key)
    report = validate_files(with_called_processes(uow, draft["files"]), held_roles(uow), actor)
    return {**report, "revision": draft["revision"]}


def deploy_draft(uow: UnitOfWork, actor: Actor, key: str, revision: Any) -> dict[str, Any]:
    """Deploy exactly the revision the owner looked at, and retire the draft, in one transaction."""
    _ensure_owner(uow, actor, key)
    with heavy_slot(), uow:   # the slot first: waiting for one must not hold the write lock
        draft = _load(uow, key)
        _ensure_revision(draft, revision)
        result = checked(with_called_processes_in(uow.session, draft.files), actor, held_roles_in(uow.session))
        deployed = store_versions(uow, result, actor)
        uow.session.delete(draft)
        uow.commit()
    first = deployed[0]
    return {**first.as_dict(), "deployed": [d.as_dict() for d in deployed], "warnings": list(first.warnings)}


def test_run_draft(uow: UnitOfWork, actor: Actor, key: str, steps: Any = None, start: Any = None,
                   birthdate: Any = None, data: Any = None) -> dict[str, Any]:
    """Step through the draft in a sandbox (see :mod:`engine.definitions.sandbox`); the real database is only read."""
    draft = get_draft(uow, actor, key)
    return {"revision": draft["revision"], **sandbox.test_run(uow, actor, draft["files"], steps, start, birthdate, data)}
