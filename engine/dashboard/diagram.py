"""The BPMN diagram of a process version, for drawing the heatmap on it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.dashboard.scope import resolve
from engine.people.access import Actor
from engine.platform.models import ProcessVersion

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def diagram(uow: UnitOfWork, actor: Actor, process_key: Any, version: Any = None) -> dict[str, Any]:
    """The BPMN XML of the version (the latest when none is chosen), and every version of the process."""
    with uow:
        scope = resolve(uow, actor, process_key, version=version)
        versions = uow.session.execute(select(ProcessVersion.version, ProcessVersion.id, ProcessVersion.files)
                                       .where(ProcessVersion.key == scope.process_key)
                                       .order_by(ProcessVersion.version)).all()
    chosen = next(v for v in reversed(versions) if scope.version is None or v.version == scope.version)
    bpmn = [text for name, text in sorted(chosen.files.items()) if name.lower().endswith(".bpmn")]
    xml = next((text for text in bpmn if f'id="{scope.process_key}"' in text), bpmn[0] if bpmn else "")
    return {"process_key": scope.process_key, "version": chosen.version, "versions": [v.version for v in versions],
            "xml": xml}
