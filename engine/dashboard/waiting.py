"""The young people waiting at one element: who, since when, with whom, overdue or not."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engine.dashboard.scope import OPEN, envelope, resolve
from engine.people import audit, policy
from engine.people.access import Actor
from engine.platform.errors import InvalidInput
from engine.platform.messages import Message
from engine.platform.models import Task, Youth

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

MAX_ROWS = 5000


def waiting_at(uow: UnitOfWork, actor: Actor, process_key: Any, element_id: Any, limit: int = 500,
               **filters: Any) -> dict[str, Any]:
    """Open tasks at the element, longest waiting first. Names are personal data: only coordinators
    and administrators see them, and every young person listed is written to the access log.
    """
    # The list names young people: only for those who may see every young person.
    policy.require(uow, actor, "see_all_youths", "tal: hvem venter", Message("engine.dashboard.waiting_forbidden"))
    if not isinstance(element_id, str) or not element_id.strip():
        raise InvalidInput(Message("engine.dashboard.choose_element"), field="element_id", rows=[])
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        where = [OPEN, Task.element_id == element_id.strip(), *scope.task_conditions()]
        total = uow.session.scalar(select(func.count()).select_from(Task).where(*where)) or 0
        found = uow.session.execute(
            select(Task.id, Task.instance_id, Task.youth_id, Task.element_id, Task.name, Task.role, Task.assignee,
                   Task.created_at, Task.due_at, Youth.name.label("youth_name"), Youth.cpr_masked)
            .join(Youth, Youth.id == Task.youth_id).where(*where)
            .order_by(Task.created_at, Task.id).limit(max(1, min(int(limit), MAX_ROWS)))).all()
        rows = [{"task_id": r.id, "instance_id": r.instance_id, "youth_id": r.youth_id, "youth_name": r.youth_name,
                 "cpr": r.cpr_masked, "element_id": r.element_id, "name": r.name, "role": r.role,
                 "assignee": r.assignee, "waiting_since": r.created_at.isoformat(),
                 "waiting_hours": round((scope.now - r.created_at).total_seconds() / 3600, 2),
                 "due_at": r.due_at.isoformat() if r.due_at else None,
                 "overdue": r.due_at is not None and r.due_at < scope.now} for r in found]
        audit.record_many(uow, actor, "dashboard_waiting_list", [r["youth_id"] for r in rows],
                          f"venter ved {element_id.strip()}")
        uow.commit()
    return envelope(scope, rows, element_id=element_id.strip(), total=int(total))
