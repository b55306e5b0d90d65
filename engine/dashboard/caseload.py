"""Caseload: young people per guide and per coordinating caseworker, against the recommended band."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engine.access import Actor
from engine.dashboard.scope import envelope, resolve
from engine.models import CoursePerson, ProcessInstance

if TYPE_CHECKING:
    from engine.uow import UnitOfWork

ACTIVE = ("running", "error")


def caseload(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Per lane of the configuration and person named for it in ``lane_owners``: the number of distinct
    young people with an active (running, or stopped on an error) course. ``above_band`` flags anyone
    above the band's upper end (the social workers' union recommends 40-55 cases per worker).
    """
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        labels = dict(scope.config.caseload_lanes)
        found = uow.session.execute(
            select(CoursePerson.lane, CoursePerson.username, func.count(func.distinct(ProcessInstance.youth_id)))
            .join(ProcessInstance, ProcessInstance.id == CoursePerson.instance_id)
            .where(ProcessInstance.status.in_(ACTIVE), CoursePerson.lane.in_(list(labels)),
                   *scope.instance_conditions())
            .group_by(CoursePerson.lane, CoursePerson.username)).all()
    low, high = scope.config.caseload_band
    lane_order = list(labels)
    rows = [{"lane": lane, "lane_label": labels[lane], "username": username, "young_people": int(count),
             "above_band": int(count) > high, "below_band": int(count) < low} for lane, username, count in found]
    rows.sort(key=lambda r: (lane_order.index(r["lane"]), -r["young_people"], r["username"]))
    return envelope(scope, rows, band={"low": low, "high": high},
                    flagged=sum(1 for r in rows if r["above_band"]))
