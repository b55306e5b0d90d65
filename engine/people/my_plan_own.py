"""What the young person does on Min Plan themselves (issue 12): their open tasks, their consents, their progression.

Read in the plan's own transaction (:func:`sections_in`, called by :func:`engine.people.my_plan.my_plan`),
so the page and ``GET /api/v1/me`` make one service call. :func:`own_task` is the one task the young
person opens to fill its form: only their own and open (another young person's id, or a staff task,
is refused and logged, telling nothing of it). Completing it is :func:`engine.work.tasks.complete_task`
with the same actor, and withdrawing a consent :func:`engine.people.consents.withdraw_consent`: no
second path for either.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.people import audit, policy
from engine.people.access import Actor
from engine.people.consents import register_in
from engine.platform.messages import Message
from engine.platform.views import task_view
from engine.progression.assessments import series_in
from engine.work.tasks import _task_row, youth_tasks_in

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork


def sections_in(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    """The young person's open tasks, consent register and progression, inside the caller's unit of work (logged)."""
    assert actor.youth_id is not None
    consents = register_in(uow, actor.youth_id)
    audit.record(uow, actor, "consents_viewed", actor.youth_id, "den unge selv")
    progression = series_in(uow, actor.youth_id)
    audit.record(uow, actor, "progression_viewed", actor.youth_id)
    return {"tasks": youth_tasks_in(uow, actor), "consents": consents, "progression": progression}


def own_task(uow: UnitOfWork, actor: Actor, task_id: str) -> dict[str, Any]:
    """One of the young person's own open tasks with its form; any other task id is refused (logged)."""
    from engine.courses.runtime import process_for

    if not policy.acts_as_youth(actor):
        policy.refuse_outside(uow, actor, "den unges opgave", None, Message("engine.citizen.only_young_person"))
    with uow:
        task = _task_row(uow, task_id)
        own = task.youth_id == actor.youth_id and task.state == "ready" and \
            task.id in {row["id"] for row in youth_tasks_in(uow, actor, log=False)}
        if not own:  # another young person's, a staff task, or done: the same refusal, naming nothing
            policy.refuse(uow, actor, f"opgave {task.element_id}", task.youth_id, Message("engine.citizen.task_not_yours"))
        view = task_view(task)
        _, process = process_for(uow, task.process_version_id)
        view["form_schema"] = process.forms.get(task.form_key) if task.form_key else None
        audit.record(uow, actor, "task_viewed", task.youth_id, f"opgave {task.element_id}")
        uow.commit()
        return view
