"""Moving running courses to a changed version keeps everything they hold (issue 9, point 1).

The property: for a course at every wait state of the default model and of a diagram with an
embedded subprocess, moving to a version with changed timers and back leaves its data, open tasks
(ids, role, assignee, claim, people, due dates) and every waiting timer's due date as they were.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.definitions import deployment, instance_migration
from engine.platform.errors import InvalidInput
from engine.work import tasks
from tests import subprocess_diagram
from tests.conftest import ADMIN, CASE_COORDINATOR, GUIDE, OWNER
from tests.course import ACCEPT, PLAN, complete, open_task
from tests.migration_states import claim, default_course_states, history_kinds, snapshot, subprocess_course_states
from tests.workbench import default_files_text, monthly, with_bpmn

pytestmark = pytest.mark.usefixtures("deployed")


def changed_default() -> dict[str, str]:
    """Follow-up every two months and escalation after ten days instead of three months and fourteen."""
    return with_bpmn(monthly(default_files_text()), ">P14D<", ">P10D<")


def two_months() -> dict[str, str]:
    return with_bpmn(default_files_text(), ">P3M<", ">P2M<")


def move(engine, key, from_version, to_version, **options):
    report = instance_migration.migrate_instances(engine, ADMIN, key, from_version, to_version, dry_run=False,
                                                  **options)
    wanted = options.get("instance_ids")
    assert report["migrated"] == (len(wanted) if wanted else report["migrated"]) and (wanted or not report["remaining"]), \
        [r for r in report["instances"] if not r.get("migrated")]
    return report


def test_every_wait_state_of_the_default_course_survives_a_move_and_back(engine, clock):
    courses = default_course_states(engine, clock)
    claim(engine, GUIDE, courses["opfoelgning"], "opfoelgning")
    before = {state: snapshot(engine, iid) for state, iid in courses.items()}
    deployment.deploy(engine.uow(), changed_default(), OWNER)
    move(engine, "samarbejdsmodel", 1, 2)
    on_new = {state: snapshot(engine, iid) for state, iid in courses.items()}
    assert on_new == before
    deployment.deploy(engine.uow(), default_files_text() | {"samarbejdsmodel.bpmn": default_files_text()[
        "samarbejdsmodel.bpmn"].replace('name="Samarbejdsmodel for unge"', 'name="Samarbejdsmodel for unge (3)"')},
        OWNER)
    move(engine, "samarbejdsmodel", 2, 3)
    back = {state: snapshot(engine, iid) for state, iid in courses.items()}
    assert back == before
    assert all("instance_migrated" in history_kinds(engine, iid) for iid in courses.values())


def test_every_wait_state_of_a_subprocess_course_survives_a_move_and_back(engine, clock):
    deployment.deploy(engine.uow(), subprocess_diagram.files(), OWNER)
    courses = subprocess_course_states(engine, clock)
    before = {state: snapshot(engine, iid) for state, iid in courses.items()}
    for state, course in before.items():  # each course stands where its name says
        assert state in {t[1] for t in course["tasks"]} | {w[0] for w in course["waiting"]}, (state, course)
    assert {w[0] for w in before["reminder"]["waiting"]} == {"expire"}  # the reminder timer has fired
    deployment.deploy(engine.uow(), subprocess_diagram.changed(), OWNER)
    move(engine, subprocess_diagram.KEY, 1, 2)
    assert {state: snapshot(engine, iid) for state, iid in courses.items()} == before
    move(engine, subprocess_diagram.KEY, 2, 1)
    assert {state: snapshot(engine, iid) for state, iid in courses.items()} == before


def test_a_moved_course_keeps_its_referral_minutes_guide_and_plan_and_its_next_task_goes_to_its_guide(engine, clock):
    courses = default_course_states(engine, clock)
    data_before = snapshot(engine, courses["uddannelsesplan"])["data"]
    assert data_before["referat"] == "Aftalt praktik" and data_before["lane_owners"]["ungeguide"] == ["gustav"]
    deployment.deploy(engine.uow(), two_months(), OWNER)
    move(engine, "samarbejdsmodel", 1, 2)
    after = snapshot(engine, courses["uddannelsesplan"])
    assert after["data"] == data_before and after["data"]["henvisningsaarsag"] == "Har svært ved at komme i skole"
    assert [t[6:] for t in after["tasks"]] == [(True, ("karin",))]
    complete(engine, CASE_COORDINATOR, courses["uddannelsesplan"], "uddannelsesplan", PLAN)
    assert snapshot(engine, courses["uddannelsesplan"])["data"]["milepaele"][0]["titel"] == "Praktik"
    # A task that opens after the move still goes to the person the k-meeting chose.
    complete(engine, GUIDE, courses["accepter_guide"], "accepter_guide", ACCEPT)
    [plan_task] = snapshot(engine, courses["accepter_guide"])["tasks"]
    assert plan_task[1] == "uddannelsesplan" and plan_task[6:] == (True, ("karin",))


def test_a_waiting_follow_up_keeps_its_due_date_by_default_and_counts_from_its_start_when_asked(engine, clock):
    courses = default_course_states(engine, clock)
    waiting, escalating = courses["vent_paa_opfoelgning"], courses["opfoelgning"]
    due = dict((e, v) for e, _, v in snapshot(engine, waiting)["waiting"])["vent_paa_opfoelgning"]
    escalation_due = dict((e, v) for e, _, v in snapshot(engine, escalating)["waiting"])["opfoelgning_overskredet"]
    started = clock.now()
    clock.advance(days=10)  # the move happens well after the timers started, before any is due
    deployment.deploy(engine.uow(), two_months(), OWNER)
    dry = instance_migration.migrate_instances(engine, ADMIN, "samarbejdsmodel", 1, 2, dry_run=True,
                                               timer_rule="from_start", instance_ids=[waiting])
    [report] = dry["instances"]
    timer = next(t for t in report["timers"] if t["element_id"] == "vent_paa_opfoelgning")
    assert timer["definition_changed"] and timer["due_before"] == due
    # Waiting since 23.07: P3M is due 23.10; P2M from that same start is 23.09, not two months
    # after the move on 02.08.
    assert started == datetime(2026, 7, 23, 9, tzinfo=UTC)
    assert datetime.fromisoformat(due) == datetime(2026, 10, 23, 9, tzinfo=UTC)
    assert datetime.fromisoformat(timer["due_after"]) == datetime(2026, 9, 23, 9, tzinfo=UTC)
    assert report["next_deadline_before"] == due and report["next_deadline_after"] == timer["due_after"]
    assert report["youth_name"] == "Vera Venter" and "cpr" not in str(report).lower()
    kept = move(engine, "samarbejdsmodel", 1, 2, instance_ids=[escalating])
    assert dict((e, v) for e, _, v in snapshot(engine, escalating)["waiting"])["opfoelgning_overskredet"] \
        == escalation_due and kept["timer_rule"] == "keep"
    move(engine, "samarbejdsmodel", 1, 2, instance_ids=[waiting], timer_rule="from_start")
    moved = dict((e, v) for e, _, v in snapshot(engine, waiting)["waiting"])
    assert moved["vent_paa_opfoelgning"] == timer["due_after"]


def test_an_escalation_timer_that_changed_counts_from_when_the_follow_up_opened(engine, clock):
    courses = default_course_states(engine, clock)
    course = courses["opfoelgning"]
    task = open_task(engine, ADMIN, course, "opfoelgning")
    opened = datetime.fromisoformat(task["created_at"])
    clock.advance(days=3)
    deployment.deploy(engine.uow(), with_bpmn(default_files_text(), ">P14D<", ">P10D<"), OWNER)
    move(engine, "samarbejdsmodel", 1, 2, timer_rule="from_start", instance_ids=[course])
    row = tasks.get_task(engine.uow(), ADMIN, task["id"])
    assert datetime.fromisoformat(row["due_at"]) == opened + timedelta(days=10)  # not the move + 10 days


def test_an_unknown_timer_rule_is_refused_and_moves_nothing(engine, clock):
    deployment.deploy(engine.uow(), two_months(), OWNER)
    with pytest.raises(InvalidInput) as refused:
        instance_migration.migrate_instances(engine, ADMIN, "samarbejdsmodel", 1, 2, dry_run=False,
                                             timer_rule="from_now")
    assert refused.value.details["errors"][0]["field"] == "timer_rule"


def test_the_dry_run_names_young_people_only_to_those_who_may_see_them_and_logs_each_name(engine, clock):
    from sqlalchemy import select

    from engine.platform.models import AuditEntry, Youth

    courses = default_course_states(engine, clock)
    deployment.deploy(engine.uow(), two_months(), OWNER)
    as_owner = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2)
    assert len(as_owner["instances"]) == len(courses)
    assert all("youth_name" not in r and r["steps"] for r in as_owner["instances"])  # per is not involved
    as_admin = instance_migration.migrate_instances(engine, ADMIN, "samarbejdsmodel", 1, 2)
    with engine.reader() as uow:
        names = dict(uow.session.execute(select(Youth.id, Youth.name)).all())
        shown = uow.session.execute(select(AuditEntry.username, AuditEntry.youth_id)
                                    .where(AuditEntry.action == "migration_course_shown")).all()
    assert {r["youth_id"]: r["youth_name"] for r in as_admin["instances"]} == names
    assert sorted(tuple(row) for row in shown) == sorted(("admin", youth_id) for youth_id in names)
