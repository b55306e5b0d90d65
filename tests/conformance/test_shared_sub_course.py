"""A call activity calling a process deployed on its own: latest, or a pinned version (issue 18)."""
from __future__ import annotations

import io

from tests.conformance.drive import deploy, drive, start, view
from tests.conformance.elements import chain, proc, user


def sub_course(task_id: str) -> str:
    return proc('<bpmn:startEvent id="u_start"/>' + user(task_id) + '<bpmn:endEvent id="u_slut"/>'
                + chain("u_start", task_id, "u_slut"), ["u_start", task_id, "u_slut"], key="under")


def caller(key: str, pin: int | None = None) -> str:
    binding = f' camunda:calledElementBinding="version" camunda:calledElementVersion="{pin}"' if pin else ""
    return proc('<bpmn:startEvent id="start"/>' f'<bpmn:callActivity id="kald" calledElement="under"{binding}/>'
                '<bpmn:endEvent id="slut"/>' + chain("start", "kald", "slut"), ["start", "kald", "slut"], key=key)


def models(api) -> list[tuple[str, int]]:
    return [(m["key"], m["version"]) for m in api.as_("per").get("/process-models").get_json()]


def test_a_sub_course_deployed_once_is_called_by_two_processes_and_only_they_are_new_versions(api):
    deploy(api, {"under.bpmn": sub_course("u_opgave")})
    deploy(api, {"a.bpmn": caller("a")})
    deploy(api, {"b.bpmn": caller("b")})
    assert sorted(models(api)) == [("a", 1), ("b", 1), ("under", 1)]
    for key in ("a", "b"):
        instance = start(api, key)
        assert drive(api, instance["id"]) == ["u_opgave"]
        assert view(api, instance["id"])["status"] == "completed"


def test_the_caller_keeps_the_sub_course_it_was_deployed_with_until_it_is_deployed_again(api):
    deploy(api, {"under.bpmn": sub_course("u_opgave")})
    deploy(api, {"a.bpmn": caller("a")})
    deploy(api, {"under.bpmn": sub_course("u_ny_opgave")})          # under version 2
    assert drive(api, start(api, "a")["id"]) == ["u_opgave"]
    deploy(api, {"a.bpmn": caller("a")})                            # the same caller: now with version 2
    assert ("a", 2) in models(api)
    assert drive(api, start(api, "a")["id"]) == ["u_ny_opgave"]


def test_a_pinned_version_is_called_even_when_a_newer_one_exists(api):
    deploy(api, {"under.bpmn": sub_course("u_opgave")})
    deploy(api, {"under.bpmn": sub_course("u_ny_opgave")})
    deploy(api, {"p.bpmn": caller("p", pin=1)})
    instance = start(api, "p")
    assert drive(api, instance["id"]) == ["u_opgave"]
    assert view(api, instance["id"])["status"] == "completed"


def test_a_call_to_a_process_that_is_not_deployed_is_refused_at_deploy(api):
    response = api.as_("per").post("/process-models", data={"f": (io.BytesIO(caller("a").encode()), "a.bpmn")},
                                   content_type="multipart/form-data")
    assert response.status_code == 422
    assert models(api) == []


def test_a_cycle_through_a_deployed_sub_course_is_refused_at_deploy(api):
    deploy(api, {"a.bpmn": sub_course("u_opgave").replace('id="under"', 'id="a"')})   # a, version 1: no calls
    b = caller("b").replace('calledElement="under"', 'calledElement="a"')
    deploy(api, {"b.bpmn": b})                                                      # b calls a (version 1)
    a_calls_b = caller("a").replace('calledElement="under"', 'calledElement="b"')
    response = api.as_("per").post("/process-models", data={"f": (io.BytesIO(a_calls_b.encode()), "a.bpmn")},
                                   content_type="multipart/form-data")
    assert response.status_code == 422, response.get_json()
    assert any("\u2192" in e["message"] for e in response.get_json()["errors"])
    assert ("a", 2) not in models(api)


def test_a_draft_calling_a_deployed_sub_course_validates_and_deploys_from_the_workbench(api, engine):
    from engine.definitions import drafts
    from tests.conftest import OWNER
    deploy(api, {"under.bpmn": sub_course("u_opgave")})
    saved = drafts.save_draft(engine.uow(), OWNER, "a", {"a.bpmn": caller("a")})
    assert drafts.validate_draft(engine.uow(), OWNER, "a")["errors"] == []
    drafts.deploy_draft(engine.uow(), OWNER, "a", saved["revision"])
    assert sorted(models(api)) == [("a", 1), ("under", 1)]
    assert drive(api, start(api, "a")["id"]) == ["u_opgave"]
