"""Taking over a case through the REST API, as found by probing (issue 10, findings 1, 2, 4, 5, 12).

Each test is the attack as it was made, and checks that it is refused, changes nothing, and that
the refusal is in the access log where it is one.
"""
from __future__ import annotations

import io
from typing import Any

from engine.courses import events, instances
from engine.people import audit
from tests.conftest import ADMIN, COORDINATOR
from tests.course import ACCEPT, REFERRAL, k_meeting, open_elements, prepare_follow_up, to_follow_up

STEAL = {"lane_owners": {"ungekoordinator": ["gustav"]}}


def _deploy(api: Any, files: dict[str, bytes], user: str = "per") -> Any:
    data = {f"file{i}": (io.BytesIO(content), name) for i, (name, content) in enumerate(files.items())}
    return api.as_(user).post("/process-models", data=data, content_type="multipart/form-data")


def _refusals(engine: Any, username: str) -> list[dict[str, Any]]:
    return [e for e in audit.list_entries(engine.uow(), ADMIN, username=username) if e["action"] == "access_denied"]


def _at_follow_up(engine: Any, clock: Any) -> int:
    iid = to_follow_up(engine)
    clock.advance(days=92)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, iid)
    assert open_elements(instances.get_instance(engine.uow(), COORDINATOR, iid)) == ["opfoelgning"]
    return iid


def _task(api: Any, user: str, instance_id: int, element_id: str) -> dict[str, Any]:
    rows = api.as_(user).get(f"/tasks?instance_id={instance_id}&element_id={element_id}").get_json()
    assert rows, f"{user} sees no {element_id}"
    return rows[0]


# Finding 1: a message reaches any young person's course.

def test_a_guide_with_no_access_cannot_steer_a_course_by_a_drop_out_message(api, engine, clock, default_files):
    assert _deploy(api, default_files).status_code == 201
    iid = _at_follow_up(engine, clock)  # the course of gustav's young person; gitte is another guide
    youth_id = instances.get_instance(engine.uow(), COORDINATOR, iid)["youth_id"]
    before = instances.get_instance(engine.uow(), COORDINATOR, iid)
    attack = api.as_("gitte").post("/messages", json={"name": "frafald", "youth_id": youth_id, "data": STEAL})
    assert attack.status_code == 403
    assert "data" not in attack.get_json() and "referat" not in attack.get_data(as_text=True)
    nothing_waits = api.as_("gitte").post("/messages", json={"name": "ingen", "youth_id": youth_id})
    no_one = api.as_("gitte").post("/messages", json={"name": "frafald", "youth_id": 99_999})
    by_instance = api.as_("gitte").post("/messages", json={"name": "frafald", "instance_id": 99_999})
    for other in (nothing_waits, no_one, by_instance):  # the same answer: nothing is revealed
        assert (other.status_code, other.get_json()) == (403, attack.get_json())
    after = instances.get_instance(engine.uow(), COORDINATOR, iid)
    assert after["data"] == before["data"] and open_elements(after) == ["opfoelgning"]
    assert [e["youth_id"] for e in _refusals(engine, "gitte")][-1] == youth_id


def test_an_involved_sender_cannot_set_engine_owned_data_and_gets_no_course_data_back(api, engine, clock,
                                                                                      default_files):
    _deploy(api, default_files)
    iid = _at_follow_up(engine, clock)
    attack = api.as_("gustav").post("/messages", json={"name": "frafald", "instance_id": iid, "data": STEAL})
    assert attack.status_code == 422
    assert [e["path"] for e in attack.get_json()["errors"]] == ["data/lane_owners"]
    undeclared = api.as_("gustav").post("/messages", json={"name": "frafald", "instance_id": iid,
                                                           "data": {"ungekoordinator": "gustav"}})
    assert undeclared.status_code == 422
    assert open_elements(instances.get_instance(engine.uow(), COORDINATOR, iid)) == ["opfoelgning"]
    sent = api.as_("gustav").post("/messages", json={"name": "frafald", "instance_id": iid,
                                                     "data": {"frafald_aarsag": "Stoppet"}})
    assert sent.status_code == 200 and sent.get_json() == {"instance_id": iid, "status": "running"}
    meeting = _task(api, "kim", iid, "k_moede")  # the new k-meeting is the coordinators', not the sender's
    assert meeting["assignee"] is None
    assert api.as_("gustav").post(f"/tasks/{meeting['id']}/claim").status_code == 403
    assert api.as_("kim").post(f"/tasks/{meeting['id']}/claim").status_code == 200


def test_a_school_systems_token_may_deliver_to_any_course_but_reads_nothing(api, engine, clock, default_files,
                                                                             outsiders):
    _deploy(api, default_files)
    iid = _at_follow_up(engine, clock)
    youth_id = instances.get_instance(engine.uow(), COORDINATOR, iid)["youth_id"]
    sent = api.as_("skole").post("/messages", json={"name": "frafald", "youth_id": youth_id,
                                                    "data": {"frafald_aarsag": "Udmeldt"}})
    assert sent.get_json() == {"instance_id": iid, "status": "running"}
    assert api.as_("skole").get(f"/instances/{iid}").status_code == 403


# Finding 2: completion data can set control variables.

def test_completing_the_referral_with_lane_owners_is_refused_and_the_k_meeting_stays_the_coordinators(
        api, engine, default_files):
    _deploy(api, default_files)
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    iid = sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}).get_json()["id"]
    referral = _task(api, "sara", iid, "henvisning")
    for extra, path in ((STEAL, "lane_owners"), ({"youth_id": 1}, "youth_id"), ({"i_maalgruppe": True}, "i_maalgruppe")):
        attack = sara.post(f"/tasks/{referral['id']}/complete", json={"data": {**REFERRAL, **extra}})
        assert attack.status_code == 422, extra
        assert [e["path"] for e in attack.get_json()["errors"]] == [path]
    assert _task(api, "sara", iid, "henvisning")["state"] == "ready"  # nothing changed
    assert sara.post(f"/tasks/{referral['id']}/complete", json={"data": REFERRAL}).status_code == 200
    meeting = _task(api, "kim", iid, "k_moede")
    assert api.as_("kim").post(f"/tasks/{meeting['id']}/complete", json={"data": k_meeting()}).status_code == 200
    assert instances.get_instance(engine.uow(), COORDINATOR, iid)["data"]["youth_id"] == youth["id"]


def test_a_guide_cannot_skip_follow_up_with_birthdate_25_on_accept(api, engine, default_files):
    _deploy(api, default_files)
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    iid = sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}).get_json()["id"]
    sara.post(f"/tasks/{_task(api, 'sara', iid, 'henvisning')['id']}/complete", json={"data": REFERRAL})
    api.as_("kim").post(f"/tasks/{_task(api, 'kim', iid, 'k_moede')['id']}/complete", json={"data": k_meeting()})
    accept = _task(api, "gustav", iid, "accepter_guide")
    attack = api.as_("gustav").post(f"/tasks/{accept['id']}/complete",
                                    json={"data": {**ACCEPT, "birthdate_25": "2001-01-01T00:00:00+00:00"}})
    assert attack.status_code == 422
    assert attack.get_json()["errors"][0]["path"] == "birthdate_25"
    assert instances.get_instance(engine.uow(), COORDINATOR, iid)["data"]["birthdate_25"].startswith("2034-03-01")


def test_a_form_that_declares_an_engine_owned_variable_is_refused_at_deploy_even_for_an_admin(api, default_files):
    files = dict(default_files)
    files["accepter_guide.json"] = files["accepter_guide.json"].replace(
        b'"properties": {', b'"properties": {"birthdate_25": {"type": "string"}, ', 1)
    assert b"birthdate_25" in files["accepter_guide.json"]
    for user in ("per", "admin"):
        refused = _deploy(api, files, user)
        assert refused.status_code == 422
        assert {e["element_id"] for e in refused.get_json()["errors"]} == {"accepter_guide"}
    assert api.as_("per").get("/process-models").get_json() == []


def test_start_data_cannot_name_the_initiator_or_the_lane_owners(api, default_files):
    _deploy(api, default_files)
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    attack = sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"],
                                           "data": {"initiator": "gustav", **STEAL}})
    assert attack.status_code == 422
    assert sorted(e["path"] for e in attack.get_json()["errors"]) == ["data/initiator", "data/lane_owners"]


# Finding 4: starting a course for a young person one may not see.

def test_starting_a_course_for_an_unseen_young_person_is_refused_alike_and_logged(api, engine, default_files,
                                                                                 outsiders):
    _deploy(api, default_files)
    youth = api.as_("sara").post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    attack = api.as_("bo").post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]})
    no_one = api.as_("bo").post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": 99_999})
    assert attack.status_code == no_one.status_code == 403 and attack.get_json() == no_one.get_json()
    assert api.as_("bo").get(f"/tasks?youth_id={youth['id']}").get_json() == []
    assert api.as_("bo").get(f"/youths/{youth['id']}").status_code == 403
    assert {youth["id"], 99_999} <= {e["youth_id"] for e in _refusals(engine, "bo")}
    started = api.as_("kim").post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]})
    assert started.status_code == 201  # a coordinator sees every young person
    referral = _task(api, "kim", started.get_json()["id"], "henvisning")
    assert referral["assignee"] == "kim"  # the one who registers writes the referral (a stand-in for the lane)
    assert api.as_("kim").post(f"/tasks/{referral['id']}/complete", json={"data": REFERRAL}).status_code == 200


# Finding 5: a process owner names themselves as a candidate.

def test_a_process_owner_cannot_make_themselves_a_candidate_and_gains_nothing_if_an_admin_does(api, engine,
                                                                                               default_files):
    files = dict(default_files)
    files["samarbejdsmodel.bpmn"] = files["samarbejdsmodel.bpmn"].replace(
        b'<bpmn:userTask id="k_moede" ', b'<bpmn:userTask id="k_moede" camunda:candidateUsers="per" ', 1)
    refused = _deploy(api, files, "per")
    assert refused.status_code == 422
    assert [e["element_id"] for e in refused.get_json()["errors"]] == ["k_moede"]
    assert _deploy(api, files, "admin").status_code == 201
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    iid = sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}).get_json()["id"]
    sara.post(f"/tasks/{_task(api, 'sara', iid, 'henvisning')['id']}/complete", json={"data": REFERRAL})
    meeting = _task(api, "kim", iid, "k_moede")
    per = api.as_("per")
    assert per.get("/tasks?mine=true").get_json() == []
    assert per.get(f"/tasks/{meeting['id']}").status_code == 403
    assert per.get(f"/instances/{iid}").status_code == 403
    assert per.post(f"/tasks/{meeting['id']}/claim").status_code == 403
    assert per.post(f"/tasks/{meeting['id']}/complete", json={"data": k_meeting()}).status_code == 403
    assert len(_refusals(engine, "per")) >= 4


# Finding 12: a task given by camunda:assignee and then released was stuck.

def test_a_released_assigned_task_goes_back_to_its_person_and_a_coordinator_can_release_it_too(api, default_files):
    _deploy(api, default_files)
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    iid = sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}).get_json()["id"]
    referral = _task(api, "sara", iid, "henvisning")  # camunda:assignee="${initiator}"
    assert referral["assignee"] == "sara"
    assert sara.post(f"/tasks/{referral['id']}/unclaim").get_json()["assignee"] is None
    assert [t["id"] for t in sara.get("/tasks?mine=true").get_json()] == [referral["id"]]
    assert sara.post(f"/tasks/{referral['id']}/claim").get_json()["assignee"] == "sara"
    assert api.as_("kim").post(f"/tasks/{referral['id']}/unclaim").status_code == 200
    assert sara.post(f"/tasks/{referral['id']}/complete", json={"data": REFERRAL}).status_code == 200


def test_a_coordinator_can_give_a_stuck_task_to_another_person_with_its_role_and_to_no_one_else(
        api, engine, default_files, outsiders):
    _deploy(api, default_files)
    sara = api.as_("sara")
    youth = sara.post("/youths", json={"name": "Ung", "birthdate": "2009-03-01"}).get_json()
    iid = sara.post("/instances", json={"process_key": "samarbejdsmodel", "youth_id": youth["id"]}).get_json()["id"]
    referral = _task(api, "sara", iid, "henvisning")
    assert api.as_("bo").post(f"/tasks/{referral['id']}/assign", json={"user": "bo"}).status_code == 403
    for nobody in ("per", "ukendt"):  # no caseworker's role, or no user at all
        refused = api.as_("kim").post(f"/tasks/{referral['id']}/assign", json={"user": nobody})
        assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "user"
    given = api.as_("kim").post(f"/tasks/{referral['id']}/assign", json={"user": "bo"})
    assert given.status_code == 200 and given.get_json()["assignee"] == "bo"
    assert sara.post(f"/tasks/{referral['id']}/complete", json={"data": REFERRAL}).status_code == 403
    api.as_("bo").post(f"/tasks/{referral['id']}/unclaim")
    assert [t["id"] for t in api.as_("bo").get("/tasks?mine=true").get_json()] == [referral["id"]]
    assert api.as_("bo").post(f"/tasks/{referral['id']}/complete", json={"data": REFERRAL}).status_code == 200
