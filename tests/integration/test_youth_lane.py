"""The young person's lane in the default course: "Forbered opfølgning" is theirs, and their self-assessment
is stored per follow-up."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.courses import events, instances
from engine.people import users
from engine.people.access import youth_actor
from engine.platform.errors import Forbidden, InvalidInput
from engine.platform.models import SelfAssessment, TaskCandidate
from engine.progression.assessments import progression_for_youth
from engine.work import tasks
from tests.conftest import ADMIN, COORDINATOR, GUIDE
from tests.course import complete, follow_up, open_elements, prepare_follow_up, to_follow_up
from web.sample_forms import SCALES, self_assessment

pytestmark = pytest.mark.usefixtures("deployed")


def _at_prepare(engine, clock, name="Test Ung"):
    iid = to_follow_up(engine, name)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    youth_id = instances.get_instance(engine.uow(), ADMIN, iid)["youth_id"]
    return iid, youth_id


def test_the_prepare_task_is_for_the_young_person_of_the_course_and_only_them(engine, clock):
    iid, youth_id = _at_prepare(engine, clock)
    mine = tasks.youth_tasks(engine.uow(), youth_actor(youth_id))
    assert [(t["element_id"], t["role"], t["instance_id"]) for t in mine] == [("forbered_opfoelgning", "ung", iid)]
    with engine.reader() as uow:
        named = uow.session.scalars(select(TaskCandidate.username).where(TaskCandidate.task_id == mine[0]["id"])).all()
    assert named == [f"ung:{youth_id}"]
    # No staff inbox shows it, not even the course's own guide's ...
    for staff in (GUIDE, COORDINATOR, ADMIN):
        inbox, _ = tasks.list_tasks(engine.uow(), staff, tasks.TaskFilter(mine=True))
        assert "forbered_opfoelgning" not in [t["element_id"] for t in inbox]
    # ... but the coordinator sees that it exists and whose it is.
    seen, _ = tasks.list_tasks(engine.uow(), COORDINATOR, tasks.TaskFilter(instance_id=iid))
    assert [(t["element_id"], t["role"]) for t in seen] == [("forbered_opfoelgning", "ung")]
    # Another young person has nothing to do here.
    assert tasks.youth_tasks(engine.uow(), youth_actor(youth_id + 1000)) == []


def test_the_young_person_completes_it_through_the_completion_service_and_the_follow_up_opens(engine, clock):
    iid, youth_id = _at_prepare(engine, clock)
    task = tasks.youth_tasks(engine.uow(), youth_actor(youth_id))[0]
    after = tasks.complete_task(engine.uow(), youth_actor(youth_id), task["id"], self_assessment(7, "Det går bedre"))
    assert open_elements(after) == ["opfoelgning"]
    done = tasks.get_task(engine.uow(), COORDINATOR, task["id"])
    assert done["state"] == "completed" and done["data"]["udsyn_note"] == "Det går bedre"
    assert tasks.youth_tasks(engine.uow(), youth_actor(youth_id)) == []


def test_scores_are_stored_per_follow_up_with_the_plan_and_a_skipped_round_keeps_its_number(engine, clock):
    iid, youth_id = _at_prepare(engine, clock)
    prepare_follow_up(engine, iid, {**self_assessment(4), "bolig": 2, "bolig_note": "Bor hos en ven"})
    complete(engine, GUIDE, iid, "opfoelgning", follow_up(reached=False))
    clock.advance(days=92)
    events.fire_due_timers(engine)  # round 2: the young person does not fill it in
    clock.advance(days=15)
    events.fire_due_timers(engine)
    assert open_elements(instances.get_instance(engine.uow(), COORDINATOR, iid)) == ["opfoelgning"]
    complete(engine, GUIDE, iid, "opfoelgning", follow_up(reached=False))
    clock.advance(days=92)
    events.fire_due_timers(engine)  # round 3
    prepare_follow_up(engine, iid, self_assessment(8))
    with engine.reader() as uow:
        rows = uow.session.scalars(select(SelfAssessment).order_by(SelfAssessment.taken_at)).all()
        assert [(r.youth_id, r.instance_id, r.follow_up) for r in rows] == [(youth_id, iid, 1), (youth_id, iid, 3)]
        assert rows[0].scores["bolig"] == {"title": "Bolig", "score": 2, "note": "Bor hos en ven"}
        assert rows[0].destination == "uddannelse" and rows[0].tracks == ["virksomhedssporet"]
    series = progression_for_youth(engine.uow(), youth_id)
    assert [s["key"] for s in series["scales"]] == list(SCALES)
    assert [(a["follow_up"], a["scores"]["udsyn"]) for a in series["assessments"]] == [(1, 4), (3, 8)]
    assert series["assessments"][0]["notes"] == {"bolig": "Bor hos en ven"}


@pytest.mark.parametrize(("score", "message"), [(11, "må højst være 10"), (0, "skal være mindst 1"),
                                                ("7", "har forkert type (forventet heltal)")])
def test_a_score_out_of_range_is_refused_by_its_field_in_danish_and_nothing_is_stored(engine, clock, score, message):
    iid, youth_id = _at_prepare(engine, clock)
    task = tasks.youth_tasks(engine.uow(), youth_actor(youth_id))[0]
    with pytest.raises(InvalidInput) as raised:
        tasks.complete_task(engine.uow(), youth_actor(youth_id), task["id"], {**self_assessment(5), "udsyn": score})
    assert [(e["path"], str(e["message"])) for e in raised.value.details["errors"]] == [("udsyn", message)]
    assert tasks.get_task(engine.uow(), COORDINATOR, task["id"])["state"] == "ready"
    with engine.reader() as uow:
        assert uow.session.scalars(select(SelfAssessment)).all() == []


def test_the_series_is_the_young_persons_own_and_staff_need_to_see_the_case(engine, clock):
    iid, youth_id = _at_prepare(engine, clock)
    prepare_follow_up(engine, iid)
    assert len(progression_for_youth(engine.uow(), youth_id, GUIDE)["assessments"]) == 1  # the course's guide
    with pytest.raises(Forbidden):
        progression_for_youth(engine.uow(), youth_id, youth_actor(youth_id + 1))


def test_the_youth_role_is_never_given_to_a_staff_user(engine):
    with pytest.raises(InvalidInput) as raised:
        users.add_user(engine.uow(), "ungdom", "correct-horse-battery", ["ung"])
    assert "den unges egen" in str(raised.value.details["errors"][0]["message"])
    users.add_user(engine.uow(), "ungdom", "correct-horse-battery", ["ungeguide"])
    with pytest.raises(InvalidInput):
        users.set_roles(engine.uow(), "ungdom", ["ungeguide", "ung"], actor=ADMIN)
