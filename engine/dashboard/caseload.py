"""Caseload: young people per guide and per coordinating caseworker, against the recommended band."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnClause, func, literal_column, select

from engine.dashboard.scope import envelope, resolve
from engine.people.access import Actor
from engine.platform.models import CoursePerson, ProcessInstance, User

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

# Written as the bare column, like the partial index's predicate, so both databases use that index.
ACTIVE_ROW: ColumnClause[bool] = literal_column("course_people.active")


def caseload(uow: UnitOfWork, actor: Actor, process_key: Any, **filters: Any) -> dict[str, Any]:
    """Per lane of the configuration and person named for it in ``lane_owners``: the number of distinct
    young people with an active (running, or stopped on an error) course. ``above_band`` flags anyone
    above the band's upper end (the social workers' union recommends 40-55 cases per worker).
    """
    with uow:
        scope = resolve(uow, actor, process_key, **filters)
        labels = dict(scope.config.caseload_lanes)
        lanes = list(uow.session.scalars(select(CoursePerson.lane).where(
            CoursePerson.process_key == scope.process_key, ACTIVE_ROW).distinct().order_by(CoursePerson.lane)))
        if not set(labels) & set(lanes):
            # A course of the municipality's own (Ballerup's Tovholder lane): every lane it names people for.
            labels = {lane: lane for lane in lanes}
        # Inactive people hold no caseload: their courses wait for a handover.
        where = [CoursePerson.process_key == scope.process_key, ACTIVE_ROW,
                 CoursePerson.lane.in_(list(labels)),
                 CoursePerson.username.in_(select(User.username).where(User.active.is_(True)))]
        if scope.version_id is not None or scope.team is not None or scope.age_band is not None:
            where.append(CoursePerson.instance_id.in_(select(ProcessInstance.id)
                                                      .where(*scope.instance_conditions())))
        found = uow.session.execute(
            select(CoursePerson.lane, CoursePerson.username, func.count(func.distinct(CoursePerson.youth_id)))
            .where(*where).group_by(CoursePerson.lane, CoursePerson.username)).all()
    low, high = scope.config.caseload_band
    lane_order = list(labels)
    rows: list[dict[str, Any]] = [{"lane": lane, "lane_label": labels[lane], "username": username, "young_people": int(count),
             "above_band": int(count) > high, "below_band": int(count) < low} for lane, username, count in found]
    rows.sort(key=lambda r: (lane_order.index(r["lane"]), -r["young_people"], r["username"]))
    return envelope(scope, rows, band={"low": low, "high": high},
                    flagged=sum(1 for r in rows if r["above_band"]))
