"""The task page's services: what a request of the page needs, each in one call and one transaction.

Before, the page strung up to six services together (the task, its context, the people to choose
from, the people to give it to, the refusal, the completion, the next task), each its own
transaction. Now showing the page is :func:`task_page`; completing from it is :func:`task_page`
(what the form is, read before the form is parsed) and then :func:`complete_from_page`. These two
cannot be one: a completion writes nothing before the diagram's code has run
(:func:`engine.platform.uow.while_code_runs`), and the page's view of the task is logged.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.people import policy
from engine.people.access import Actor
from engine.people.cases import task_context_in
from engine.people.users import users_with_role_in
from engine.platform.uow import while_code_runs
from engine.work.tasks import TaskFilter, _ensure_may_act, _task_row, complete_in, get_task_in, list_tasks_in
from engine.work.user_fields import choices_in

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def task_page(uow: UnitOfWork, actor: Actor, task_id: str, acting: bool = False) -> dict[str, Any]:
    """The task (logged as viewed), the young person and plan beside it, and the people its form offers.

    Returns ``{"task", "context", "people", "assignable"}``: ``people`` for the form's user fields,
    ``assignable`` the people a coordinator may give the open task to. ``acting``: the form was sent
    to complete the task, so one who may not act on the ready task is refused (and logged) here;
    the view's log row is committed first, as it was when the page read the task on its own.
    """
    with uow:
        row = _task_row(uow, task_id)
        task = get_task_in(uow, actor, row)
        context = task_context_in(uow, actor, row)
        people = choices_in(uow, task.get("form_schema") or {"type": "object", "properties": {}})
        assignable = (users_with_role_in(uow, task["role"])
                      if task["state"] == "ready" and task.get("role") and policy.allows(actor, "reassign") else [])
        uow.commit()
        if acting and task["state"] == "ready" and not task["may_act"]:
            _ensure_may_act(uow, actor, row)  # refused and logged
        return {"task": task, "context": context, "people": people, "assignable": assignable}


def complete_from_page(uow: UnitOfWork, actor: Actor, task_id: str, data: dict[str, Any]) -> str | None:
    """Complete the task with the page's form data; the id of the actor's next task for the same young person.

    The next task is found in the completion's own transaction, after the course has moved (its
    new tasks included), and the listing is logged there too. ``None``: nothing more for them there.
    """
    def attempt() -> str | None:
        with uow:
            run = complete_in(uow, actor, task_id, data, commit=False)
            rows, _total = list_tasks_in(uow, actor, TaskFilter(mine=True, youth_id=run.instance.youth_id, limit=1))
            uow.commit()
            return rows[0]["id"] if rows else None

    return while_code_runs(uow, attempt)
