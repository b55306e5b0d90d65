"""Drafts, version diffs and moving running courses to a new version, through the engine's services."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.courses import events, instances
from engine.definitions import deployment, drafts, instance_migration, version_diff
from engine.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.platform.models import AuditEntry, InstanceEvent, ProcessInstance
from engine.work import tasks
from tests.conftest import CASE_COORDINATOR, CASEWORKER, COORDINATOR, GUIDE, OWNER
from tests.course import (
    ACCEPT,
    PLAN,
    REFERRAL,
    SELF_ASSESSMENT,
    complete,
    follow_up,
    k_meeting,
    open_elements,
    prepare_follow_up,
    start_course,
)
from tests.workbench import default_files_text, k_meeting_renamed, monthly

pytestmark = pytest.mark.usefixtures("deployed")


def test_a_draft_is_saved_with_revisions_and_a_stale_save_is_refused(engine):
    files = default_files_text()
    first = drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", files, based_on_version=1)
    assert first["revision"] == 1 and first["based_on_version"] == 1
    second = drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", monthly(files), revision=1)
    assert second["revision"] == 2
    with pytest.raises(Conflict) as refused:
        drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", files, revision=1)
    assert refused.value.details["revision"] == 2 and refused.value.details["updated_by"] == "per"
    kept = drafts.get_draft(engine.uow(), OWNER, "samarbejdsmodel")
    assert kept["revision"] == 2 and ">P1M<" in kept["files"]["samarbejdsmodel.bpmn"]


def test_creating_a_draft_that_exists_is_a_conflict_and_bad_files_are_refused(engine):
    drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", default_files_text())
    with pytest.raises(Conflict):
        drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", default_files_text())
    with pytest.raises(InvalidInput):
        drafts.save_draft(engine.uow(), OWNER, "andet", {"../etc/passwd": "x"})
    with pytest.raises(InvalidInput):
        drafts.save_draft(engine.uow(), OWNER, "andet", {"forms/a.json": "{}"})
    with pytest.raises(Forbidden):
        drafts.save_draft(engine.uow(), CASEWORKER, "andet", default_files_text())
    assert [d["key"] for d in drafts.list_drafts(engine.uow(), OWNER)] == ["samarbejdsmodel"]


def test_nothing_runs_on_a_draft_until_it_is_deployed(engine):
    drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", monthly(default_files_text()))
    assert [v["version"] for v in deployment.list_versions(engine.uow())] == [1]
    report = drafts.validate_draft(engine.uow(), OWNER, "samarbejdsmodel")
    assert report["errors"] == []
    with pytest.raises(Conflict):
        drafts.deploy_draft(engine.uow(), OWNER, "samarbejdsmodel", 7)
    deployed = drafts.deploy_draft(engine.uow(), OWNER, "samarbejdsmodel", 1)
    assert deployed["version"] == 2
    assert [v["version"] for v in deployment.list_versions(engine.uow())] == [1, 2]
    with pytest.raises(NotFound):
        drafts.get_draft(engine.uow(), OWNER, "samarbejdsmodel")


def test_a_draft_with_an_error_is_not_deployed_and_stays(engine):
    files = default_files_text()
    broken = {**files, "samarbejdsmodel.bpmn": files["samarbejdsmodel.bpmn"].replace(">P3M<", ">P3 måneder<")}
    drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", broken)
    report = drafts.validate_draft(engine.uow(), OWNER, "samarbejdsmodel")
    assert [e["element_id"] for e in report["errors"]] == ["vent_paa_opfoelgning"]
    with pytest.raises(InvalidInput):
        drafts.deploy_draft(engine.uow(), OWNER, "samarbejdsmodel", 1)
    assert drafts.get_draft(engine.uow(), OWNER, "samarbejdsmodel")["revision"] == 1


def test_the_diff_lists_added_removed_and_changed_elements(engine):
    deployment.deploy(engine.uow(), k_meeting_renamed(monthly(default_files_text())), OWNER)
    diff = version_diff.diff_versions(engine.uow(), OWNER, "samarbejdsmodel", 1, 2)
    assert [e["element_id"] for e in diff["added"]] == ["k_moede_ny"]
    assert [e["element_id"] for e in diff["removed"]] == ["k_moede"]
    changed = {e["element_id"]: e["changes"] for e in diff["changed"]}
    assert changed["vent_paa_opfoelgning"] == ["timer"]
    assert "forbindelse" in changed["ja"]
    with pytest.raises(NotFound):
        version_diff.diff_versions(engine.uow(), OWNER, "samarbejdsmodel", 1, 9)


def courses_at_three_steps(engine, clock):
    """One course waiting at the referral, one at the k-meeting, one in follow-up with a task open."""
    at_referral = start_course(engine, CASEWORKER)["id"]
    at_meeting = start_course(engine, CASEWORKER)["id"]
    complete(engine, CASEWORKER, at_meeting, "henvisning", REFERRAL)
    in_follow_up = start_course(engine, CASEWORKER)["id"]
    complete(engine, CASEWORKER, in_follow_up, "henvisning", REFERRAL)
    complete(engine, COORDINATOR, in_follow_up, "k_moede", k_meeting())
    complete(engine, GUIDE, in_follow_up, "accepter_guide", ACCEPT)
    complete(engine, CASE_COORDINATOR, in_follow_up, "uddannelsesplan", PLAN)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, in_follow_up)
    return at_referral, at_meeting, in_follow_up


def open_task_ids(engine, instance_id):
    rows, _ = tasks.list_tasks(engine.uow(), OWNER.__class__("admin", frozenset({"admin"})),
                               tasks.TaskFilter(instance_id=instance_id))
    return {(t["id"], t["element_id"], t["assignee"]) for t in rows}


def test_a_dry_run_says_which_courses_can_move_and_changes_nothing(engine, clock):
    at_referral, at_meeting, in_follow_up = courses_at_three_steps(engine, clock)
    deployment.deploy(engine.uow(), k_meeting_renamed(default_files_text()), OWNER)
    report = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=True)
    verdicts = {r["id"]: r for r in report["instances"]}
    assert verdicts[at_referral]["can_migrate"] and verdicts[in_follow_up]["can_migrate"], verdicts
    assert not verdicts[at_meeting]["can_migrate"] and "k_moede" in verdicts[at_meeting]["reason"]
    assert report["migrated"] == 0 and report["remaining"] == 3
    with engine.reader() as uow:
        assert {i.process_version_id for i in uow.session.scalars(select(ProcessInstance))} == {1}


def test_migrating_moves_the_courses_that_can_and_keeps_their_open_tasks(engine, clock):
    at_referral, at_meeting, in_follow_up = courses_at_three_steps(engine, clock)
    before = {iid: open_task_ids(engine, iid) for iid in (at_referral, at_meeting, in_follow_up)}
    with engine.reader() as uow:
        stuck_state = uow.session.get(ProcessInstance, at_meeting).state
    deployment.deploy(engine.uow(), k_meeting_renamed(monthly(default_files_text())), OWNER)
    report = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False)
    assert report["migrated"] == 2 and report["remaining"] == 1
    assert {r["id"] for r in report["instances"] if r.get("migrated")} == {at_referral, in_follow_up}
    for iid in (at_referral, in_follow_up):
        assert open_task_ids(engine, iid) == before[iid]
        assert instances.get_instance(engine.uow(), OWNER.__class__("admin", frozenset({"admin"})), iid)["version"] == 2
    with engine.reader() as uow:
        stuck = uow.session.get(ProcessInstance, at_meeting)
        assert stuck.process_version_id == 1 and stuck.state == stuck_state
        kinds = [e.kind for e in uow.session.scalars(select(InstanceEvent).where(InstanceEvent.instance_id == in_follow_up))]
        assert "instance_migrated" in kinds
        audited = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "instance_migrated")).all()
        assert len(audited) == 2 and all(a.username == "per" for a in audited)
    # The course goes on on version 2: the next follow-up comes after one month, not three.
    complete(engine, GUIDE, in_follow_up, "opfoelgning", follow_up(reached=False))
    clock.advance(days=32)
    assert events.fire_due_timers(engine) == 1
    assert "forbered_opfoelgning" in open_task_ids_elements(engine, in_follow_up)


def open_task_ids_elements(engine, instance_id):
    return {element for _, element, _ in open_task_ids(engine, instance_id)}


def test_a_mapping_moves_a_course_whose_step_was_renamed(engine, clock):
    _, at_meeting, _ = courses_at_three_steps(engine, clock)
    task_before = open_task_ids(engine, at_meeting)
    deployment.deploy(engine.uow(), k_meeting_renamed(default_files_text()), OWNER)
    report = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False,
                                                  mapping={"k_moede": "k_moede_ny"})
    assert report["remaining"] == 0
    after = open_task_ids(engine, at_meeting)
    assert [t[0] for t in after] == [t[0] for t in task_before] and [t[1] for t in after] == ["k_moede_ny"]
    done = complete(engine, COORDINATOR, at_meeting, "k_moede_ny", k_meeting())
    assert open_elements(done) == ["accepter_guide"]


def test_a_mapping_to_a_step_that_does_not_exist_is_refused(engine, clock):
    deployment.deploy(engine.uow(), monthly(default_files_text()), OWNER)
    with pytest.raises(InvalidInput) as refused:
        instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=True,
                                             mapping={"k_moede": "findes_ikke"})
    assert refused.value.details["errors"][0]["field"] == "mapping/k_moede"
    with pytest.raises(NotFound):
        instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 5)
    with pytest.raises(Forbidden):
        instance_migration.migrate_instances(engine, CASEWORKER, "samarbejdsmodel", 1, 2)


def test_a_limit_moves_courses_in_batches(engine, clock):
    ids = [start_course(engine, CASEWORKER)["id"] for _ in range(3)]
    deployment.deploy(engine.uow(), monthly(default_files_text()), OWNER)
    first = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False, limit=2)
    assert first["migrated"] == 2 and first["remaining"] == 1
    second = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False, limit=2)
    assert second["migrated"] == 1 and second["remaining"] == 0
    assert len(ids) == 3


def test_a_test_run_steps_through_a_draft_as_each_role_with_a_fake_clock(engine):
    from engine.platform.models import Youth
    from tests.course import REFERRAL
    from tests.course import k_meeting as meeting

    drafts.save_draft(engine.uow(), OWNER, "samarbejdsmodel", monthly(default_files_text()))
    steps = [{"action": "complete", "element_id": "henvisning", "role": "sagsbehandler", "data": REFERRAL},
             {"action": "complete", "element_id": "k_moede", "role": "ungekoordinator", "data": meeting()},
             {"action": "complete", "element_id": "accepter_guide", "role": "ungeguide", "data": ACCEPT},
             {"action": "complete", "element_id": "uddannelsesplan", "role": "koordinerende_sagsbehandler",
              "data": PLAN},
             {"action": "advance", "days": 32}]
    run = drafts.test_run_draft(engine.uow(), OWNER, "samarbejdsmodel", steps[:2])
    assert [t["element_id"] for t in run["open_tasks"]] == ["accepter_guide"]
    assert run["open_tasks"][0]["candidates"] == ["gustav"] and run["failed"] is None
    run = drafts.test_run_draft(engine.uow(), OWNER, "samarbejdsmodel", steps)
    assert [t["element_id"] for t in run["open_tasks"]] == ["forbered_opfoelgning"]
    assert run["open_tasks"][0]["role"] == "ung"
    # The test run fills in the young person's self-assessment as the course's young person.
    steps.append({"action": "complete", "element_id": "forbered_opfoelgning", "data": SELF_ASSESSMENT})
    run = drafts.test_run_draft(engine.uow(), OWNER, "samarbejdsmodel", steps)
    assert [t["element_id"] for t in run["open_tasks"]] == ["opfoelgning"] and run["failed"] is None
    assert run["now"].startswith("2026-02-06")
    incomplete_form = [steps[0], {**steps[1], "data": {}}]
    failed = drafts.test_run_draft(engine.uow(), OWNER, "samarbejdsmodel", incomplete_form)["failed"]
    assert failed["step"] == 1 and failed["error"] and failed["errors"]
    not_waiting = drafts.test_run_draft(engine.uow(), OWNER, "samarbejdsmodel", [steps[2]])["failed"]
    assert not_waiting["step"] == 0 and "venter ikke" in not_waiting["error"]
    with engine.reader() as uow:  # the sandbox touched no real data
        assert uow.session.scalars(select(Youth)).all() == []
        assert uow.session.scalars(select(ProcessInstance)).all() == []


def test_instance_ids_narrow_a_migration_to_those_courses(engine, clock):
    first, second = (start_course(engine, CASEWORKER)["id"] for _ in range(2))
    deployment.deploy(engine.uow(), monthly(default_files_text()), OWNER)
    report = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False,
                                                  instance_ids=[second])
    assert [r["id"] for r in report["instances"]] == [second] and report["remaining"] == 1
    with pytest.raises(InvalidInput):
        instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, instance_ids="alle")
    assert first != second
