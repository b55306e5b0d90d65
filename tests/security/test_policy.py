"""The policy's rules: role AND involvement, the same in Python and in the inbox's SQL, and the
data a completion or a message may carry."""
from __future__ import annotations

import itertools
import json
from uuid import uuid4

import pytest
from sqlalchemy import select

from engine.courses import instances
from engine.definitions import deployment
from engine.people import policy, youths
from engine.people.access import Actor
from engine.platform.errors import InvalidInput
from engine.platform.models import Task, TaskCandidate
from engine.work import tasks
from engine.work.tasks import undeclared_errors
from tests.conftest import ADMIN, CASE_COORDINATOR, CASEWORKER, COORDINATOR, OWNER
from tests.diagrams import flow, process

ROLES = (None, "ungekoordinator", "sagsbehandler", "koordinerende_sagsbehandler")
PEOPLE = ("per", "kim", "karin", "sara")
ACTORS = (OWNER, COORDINATOR, CASE_COORDINATOR, CASEWORKER, ADMIN)


def test_may_act_and_the_inbox_query_agree_on_every_kind_of_task(engine, deployed):
    youth = youths.create_youth(engine.uow(), CASEWORKER, "Ung", "2009-03-01")
    iid = instances.start_instance(engine.uow(), CASEWORKER, "samarbejdsmodel", youth["id"])["id"]
    facts = {}
    with engine.uow() as uow:
        now = engine.clock.now()
        for role, assignee, named in itertools.product(ROLES, (None, *PEOPLE), (None, *PEOPLE)):
            task_id = str(uuid4())
            personal = named is not None or (assignee is not None and role == "sagsbehandler")
            candidates = {named} if named else set()
            facts[task_id] = (role, assignee, personal, candidates)
            uow.session.add(Task(id=task_id, instance_id=iid, youth_id=youth["id"], process_key="samarbejdsmodel",
                                 process_version_id=deployed.version, element_id="x", name="x", role=role,
                                 assignee=assignee, personal=personal, state="ready", created_at=now, queue_at=now))
            uow.session.add_all(TaskCandidate(task_id=task_id, username=name) for name in candidates)
        uow.commit()
    for actor in ACTORS:
        expected = {task_id for task_id, (role, assignee, personal, candidates) in facts.items()
                    if policy.may_act(actor, role, assignee, personal, candidates)}
        inbox, _ = tasks.list_tasks(engine.uow(), actor, tasks.TaskFilter(mine=True, limit=1000))
        with engine.reader() as uow:
            queried = set(uow.session.scalars(select(Task.id).where(Task.id.in_(facts), tasks.actionable(actor))))
        assert {t["id"] for t in inbox} & set(facts) == expected == queried, actor.username


def test_a_name_alone_grants_nothing_without_the_tasks_role():
    per = OWNER
    assert not policy.may_act(per, "ungekoordinator", None, True, {"per"})
    assert not policy.may_act(per, "ungekoordinator", "per", True, {"per"})
    assert policy.may_act(COORDINATOR, "ungekoordinator", None, True, {"kim"})
    assert policy.may_act(ADMIN, "ungekoordinator", None, True, {"admin"})  # an admin named in person may
    assert not policy.may_act(ADMIN, "ungekoordinator", None, False, set())  # but takes no role's queue


def test_whoever_may_register_writes_the_referral_given_to_them_but_takes_no_caseworker_queue():
    assert policy.may_act(COORDINATOR, "sagsbehandler", "kim", True, {"kim"})
    assert policy.may_act(CASE_COORDINATOR, "sagsbehandler", None, True, {"karin"})
    assert not policy.may_act(COORDINATOR, "sagsbehandler", None, False, set())
    assert not policy.may_act(Actor("gustav", frozenset({"ungeguide"})), "sagsbehandler", None, True, {"gustav"})


def test_a_form_is_closed_and_engine_owned_keys_are_refused_even_where_declared():
    schema = {"type": "object", "properties": {"a": {}, "lane_owners": {}}}
    assert [e["path"] for e in undeclared_errors(schema, {"a": 1})] == []
    assert [(e["path"], e["message"].key) for e in undeclared_errors(schema, {"a": 1, "b": 2, "lane_owners": {}})] \
        == [("b", "engine.form.undeclared"), ("lane_owners", "engine.form.engine_owned")]
    assert [e["path"] for e in undeclared_errors(None, {"x": 1})] == ["x"]  # no form: only {}


FORMLESS = process("uden_formular", '<bpmn:startEvent id="s"/><bpmn:userTask id="gor"/><bpmn:endEvent id="e"/>'
                   + flow("f1", "s", "gor") + flow("f2", "gor", "e"), {"sagsbehandler": ["s", "gor", "e"]})


def test_a_task_without_a_form_completes_only_with_an_empty_object(engine, people):
    deployment.deploy(engine.uow(), {"uden_formular.bpmn": FORMLESS}, OWNER)
    youth = youths.create_youth(engine.uow(), CASEWORKER, "Ung", "2009-03-01")
    iid = instances.start_instance(engine.uow(), CASEWORKER, "uden_formular", youth["id"])["id"]
    task = tasks.list_tasks(engine.uow(), CASEWORKER, tasks.TaskFilter(instance_id=iid))[0][0]
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(engine.uow(), CASEWORKER, task["id"], {"godkendt": True})
    assert [e["path"] for e in refused.value.details["errors"]] == ["godkendt"]
    assert tasks.complete_task(engine.uow(), CASEWORKER, task["id"], {})["status"] == "completed"


def test_validation_reports_the_grant_rules_on_the_element(engine, people, default_files):
    files = dict(default_files)
    files["samarbejdsmodel.bpmn"] = files["samarbejdsmodel.bpmn"].replace(
        b'<bpmn:userTask id="k_moede" ', b'<bpmn:userTask id="k_moede" camunda:assignee="per" ', 1)
    files["frafald.json"] = json.dumps({"type": "object", "properties": {"initiator": {"type": "string"}}}).encode()
    report = deployment.validate(engine.reader(), OWNER, files)
    assert sorted(e["element_id"] for e in report["errors"]) == ["frafald", "k_moede"]
    assert [e["element_id"] for e in deployment.validate(engine.reader(), ADMIN, files)["errors"]] == ["frafald"]


def test_a_form_field_that_names_a_tasks_person_must_be_a_user_field(engine, people, default_files):
    files = dict(default_files)
    files["samarbejdsmodel.bpmn"] = files["samarbejdsmodel.bpmn"].replace(
        b'<bpmn:userTask id="uddannelsesplan" ', b'<bpmn:userTask id="uddannelsesplan" camunda:assignee="${ansvarlig}" ', 1)
    schema = json.loads(files["accepter_guide.json"])
    schema["properties"]["ansvarlig"] = {"type": "string"}
    files["accepter_guide.json"] = json.dumps(schema).encode()
    report = deployment.validate(engine.reader(), ADMIN, files)
    assert [e["element_id"] for e in report["errors"]] == ["accepter_guide"]
    schema["properties"]["ansvarlig"]["x-user-role"] = "koordinerende_sagsbehandler"
    files["accepter_guide.json"] = json.dumps(schema).encode()
    assert deployment.validate(engine.reader(), ADMIN, files)["errors"] == []
