"""A course that cannot move changes nothing and the answer says why; concurrent moves and
completions on one course: exactly one wins, the other is a conflict, nothing is half-moved."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from engine.courses.runtime import process_for
from engine.definitions import deployment, instance_migration
from engine.platform.errors import Conflict
from engine.platform.models import AuditEntry, InstanceEvent, ProcessInstance, Task
from engine.work import tasks
from tests.conftest import ADMIN, CASEWORKER, COORDINATOR, OWNER
from tests.course import REFERRAL, complete, k_meeting, open_task, start_course
from tests.migration_states import snapshot
from tests.workbench import default_files_text, k_meeting_renamed, monthly

pytestmark = pytest.mark.usefixtures("deployed")


def course_at_k_meeting(engine, name="Karl Kmøde"):
    iid = start_course(engine, CASEWORKER, name)["id"]
    complete(engine, CASEWORKER, iid, "henvisning", REFERRAL)
    return iid


def test_a_course_whose_step_is_gone_is_not_moved_and_the_answer_names_the_step(engine, clock):
    iid = course_at_k_meeting(engine)
    before = snapshot(engine, iid)
    with engine.reader() as uow:
        state = uow.session.get(ProcessInstance, iid).state
    deployment.deploy(engine.uow(), k_meeting_renamed(default_files_text()), OWNER)
    answer = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False,
                                                  instance_ids=[iid])
    assert answer["migrated"] == 0 and answer["remaining"] == 1
    [report] = answer["instances"]
    assert not report["can_migrate"] and report["element_id"] == "k_moede"
    assert "Tværgående koordineringsmøde (k-møde)" in report["reason"] and "version 2" in report["reason"]
    assert report["reason"].key == "engine.migration.step_unmapped" and report["steps"] == [
        "Tværgående koordineringsmøde (k-møde)"]
    assert snapshot(engine, iid) == before
    with engine.reader() as uow:
        assert uow.session.get(ProcessInstance, iid).state == state
        assert not uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "instance_migrated")).all()
        assert "instance_migrated" not in uow.session.scalars(select(InstanceEvent.kind)).all()


def test_a_move_confirmed_before_a_completion_is_refused_and_changes_nothing(engine, clock):
    iid = course_at_k_meeting(engine)
    deployment.deploy(engine.uow(), monthly(default_files_text()), OWNER)
    dry = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=True)
    revision = dry["instances"][0]["revision"]
    complete(engine, COORDINATOR, iid, "k_moede", k_meeting())
    after_completion = snapshot(engine, iid)
    with pytest.raises(Conflict) as refused:
        instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False,
                                             instance_ids=[iid], revisions={str(iid): revision})
    [report] = refused.value.details["instances"]
    assert report["conflict"] and report["reason"].key == "engine.migration.changed_since_dry_run"
    assert snapshot(engine, iid) == after_completion and _version(engine, iid) == 1


def test_the_second_of_two_moves_of_one_course_is_a_conflict(engine, clock):
    iid = course_at_k_meeting(engine)
    deployment.deploy(engine.uow(), monthly(default_files_text()), OWNER)
    results = _race(lambda: instance_migration.migrate_instances(
                        engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False, instance_ids=[iid]),
                    lambda: instance_migration.migrate_instances(
                        engine, ADMIN, "samarbejdsmodel", 1, 2, dry_run=False, instance_ids=[iid]))
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and won[0]["migrated"] == 1
    assert len(lost) == 1 and isinstance(lost[0], Conflict), lost
    _assert_whole(engine, iid, 2)
    with engine.reader() as uow:
        assert len(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "instance_migrated")).all()) == 1


@pytest.mark.parametrize("round_", range(4))
def test_a_move_and_a_completion_at_once_leave_the_course_whole_on_one_version(engine, clock, round_):
    iid = course_at_k_meeting(engine)
    task_id = open_task(engine, COORDINATOR, iid, "k_moede")["id"]
    deployment.deploy(engine.uow(), monthly(default_files_text()), OWNER)
    revision = instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2)["instances"][0]["revision"]
    move, completion = _race(
        lambda: instance_migration.migrate_instances(engine, OWNER, "samarbejdsmodel", 1, 2, dry_run=False,
                                                     instance_ids=[iid], revisions={str(iid): revision}),
        lambda: tasks.complete_task(engine.uow(), COORDINATOR, task_id, k_meeting()))
    # The completion always stands (a move keeps the task's id, so it completes on either version).
    assert not isinstance(completion, Exception), completion
    if isinstance(move, Exception):  # the completion came first: the move confirmed on the old state lost
        assert isinstance(move, Conflict), move
        _assert_whole(engine, iid, 1)
    else:  # the move came first, then the completion went on on version 2
        assert move["migrated"] == 1
        _assert_whole(engine, iid, 2)
    with engine.reader() as uow:
        done = uow.session.get(Task, task_id)
        assert done.state == "completed" and done.completed_by == "kim"
    assert [t[1] for t in snapshot(engine, iid)["tasks"]] == ["accepter_guide"]


def _race(*calls):
    """Run the calls in threads released at the same moment; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # the loser's conflict is what the test looks at
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _version(engine, iid):
    with engine.reader() as uow:
        return uow.session.get(ProcessInstance, iid).process_version_id


def _assert_whole(engine, iid, version):
    """The course, its state and every open task row are on one version; the rows match the state."""
    with engine.reader() as uow:
        instance = uow.session.get(ProcessInstance, iid)
        assert instance.process_version_id == version
        _, process = process_for(uow, instance.process_version_id)
        workflow = engine.parts.serializer.loads(instance.state, process.spec, process.subprocess_specs)
        from SpiffWorkflow.util.task import TaskState
        ready = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        rows = uow.session.scalars(select(Task).where(Task.instance_id == iid, Task.state == "ready")).all()
        assert {r.id for r in rows} == ready
        assert {r.process_version_id for r in rows} <= {version}
