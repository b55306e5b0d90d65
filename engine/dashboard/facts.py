"""Keeping course_facts and course_people in step with an instance, in the save's transaction."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from engine.dashboard.config import config_for, destination
from engine.platform.models import CourseFacts, CoursePerson

ACTIVE = ("running", "error")  # a course still on someone's caseload

if TYPE_CHECKING:
    from engine.courses.runtime import Run
    from engine.platform.uow import UnitOfWork


def facts_from_data(process_key: str, data: dict[str, Any]) -> tuple[str | None, str | None, str | None,
                                                                       set[tuple[str, str]]]:
    """Team, destination, raw reason and (lane, username) pairs, read from instance data.

    The destination is only known once the outcome element has set the outcome variable.
    """
    config = config_for(process_key)
    raw_team = data.get(config.team_variable)
    team = (str(raw_team).strip()[:120] or None) if raw_team is not None else None
    reason = data.get(config.outcome_variable)
    outcome = destination(config, reason) if reason is not None else None
    lanes: set[tuple[str, str]] = set()
    owners = data.get("lane_owners")
    if isinstance(owners, dict):
        for lane, people in owners.items():
            names = [people] if isinstance(people, str) else people if isinstance(people, (list, tuple)) else []
            lanes.update((str(lane).strip().lower()[:255], str(name).strip()[:80]) for name in names
                         if str(name).strip())
    return team, outcome, (str(reason)[:80] if reason is not None else None), lanes


def record(uow: UnitOfWork, run: Run, before: tuple[str, dict[str, Any]] | None = None) -> None:
    """Write this instance's facts; the outcome is taken when the outcome element's task completes.

    ``before`` is the instance's status and data as loaded. When neither the facts read from the
    data nor the status changed, and no outcome was recorded, there is nothing to write, and the
    save spends no statements here (most completions are such).
    """
    instance = run.instance
    config = config_for(instance.process_key)
    team, outcome, reason, lanes = facts_from_data(instance.process_key, instance.data or {})
    handed_over = any(event["kind"] == "task_completed" and event["element_id"] == config.outcome_element
                      for event in run.events)
    started = any(event["kind"] == "instance_started" for event in run.events)
    if before is not None and not started and not handed_over and before[0] == instance.status \
            and facts_from_data(instance.process_key, before[1] or {}) == (team, outcome, reason, lanes):
        return
    facts = uow.session.get(CourseFacts, instance.id)
    if facts is None:
        facts = CourseFacts(instance_id=instance.id)
        uow.session.add(facts)
    facts.team = team
    if handed_over:
        facts.outcome, facts.outcome_reason, facts.outcome_at = outcome or "other", reason, run.now
    active = instance.status in ACTIVE
    known = {(row.lane, row.username): row.active for row in uow.session.execute(
        select(CoursePerson.lane, CoursePerson.username, CoursePerson.active)
        .where(CoursePerson.instance_id == instance.id))}
    if set(known) != lanes:
        uow.session.execute(delete(CoursePerson).where(CoursePerson.instance_id == instance.id))
        uow.session.add_all(CoursePerson(instance_id=instance.id, lane=lane, username=username,
                                         process_key=instance.process_key, youth_id=instance.youth_id, active=active)
                            for lane, username in sorted(lanes))
    elif any(flag != active for flag in known.values()):
        uow.session.execute(update(CoursePerson).where(CoursePerson.instance_id == instance.id)
                            .values(active=active))
