"""Deploying: versions by content, and every malformed diagram refused with its element named."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine.definitions import deployment
from engine.definitions.process_files import read_bundle
from engine.platform.errors import Forbidden, InvalidDiagram
from engine.platform.models import ProcessVersion
from tests.conftest import CASEWORKER, OWNER
from tests.diagrams import flow, process, simple


def versions(engine) -> int:
    with engine.reader() as uow:
        return uow.session.scalar(select(func.count()).select_from(ProcessVersion))


def test_the_default_model_deploys_as_version_one_and_identical_files_make_no_new_version(engine, default_files):
    first = deployment.deploy(engine.uow(), default_files, OWNER)[0]
    again = deployment.deploy(engine.uow(), default_files, OWNER)[0]
    assert (first.key, first.version, first.created) == ("samarbejdsmodel", 1, True)
    assert (again.version, again.created) == (1, False)
    changed = dict(default_files, **{"samarbejdsmodel.bpmn": default_files["samarbejdsmodel.bpmn"].replace(b"P3M", b"P2M")})
    assert deployment.deploy(engine.uow(), changed, OWNER)[0].version == 2
    assert versions(engine) == 2


def test_only_process_owners_and_admins_deploy(engine, default_files):
    with pytest.raises(Forbidden):
        deployment.deploy(engine.uow(), default_files, CASEWORKER)


def refused(engine, files) -> list[dict]:
    with pytest.raises(InvalidDiagram) as caught:
        deployment.deploy(engine.uow(), files, OWNER)
    assert versions(engine) == 0
    return caught.value.details["errors"]


def test_malformed_xml_is_refused(engine):
    errors = refused(engine, {"x.bpmn": b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>"})
    assert "ugyldig XML" in errors[0]["message"]


def test_a_diagram_without_an_executable_process_is_refused_naming_the_process(engine):
    errors = refused(engine, {"x.bpmn": simple().replace('isExecutable="true"', 'isExecutable="false"')})
    assert errors == [{"element_id": "enkel", "message": errors[0]["message"]}]


def test_a_flow_to_a_missing_element_is_refused_naming_the_flow(engine):
    errors = refused(engine, {"x.bpmn": simple().replace('targetRef="slut"', 'targetRef="findes_ikke"')})
    assert any(e["element_id"] == "f2" and "findes_ikke" in e["message"] for e in errors)


def test_a_condition_that_does_not_compile_is_refused_naming_its_flow(engine):
    body = ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gw" default="f3"/>'
            '<bpmn:userTask id="a"/><bpmn:endEvent id="slut"/>' + flow("f1", "start", "gw")
            + flow("f2", "gw", "a", "x ==== 1") + flow("f3", "gw", "slut") + flow("f4", "a", "slut"))
    errors = refused(engine, {"x.bpmn": process("p", body, {"r": ["start", "gw", "a", "slut"]})})
    assert [e["element_id"] for e in errors] == ["f2"]


def test_a_script_that_does_not_compile_or_imports_is_refused_naming_the_task(engine):
    body = ('<bpmn:startEvent id="start"/><bpmn:scriptTask id="s1" scriptFormat="python"><bpmn:script>x = (</bpmn:script>'
            '</bpmn:scriptTask><bpmn:scriptTask id="s2" scriptFormat="python"><bpmn:script>import os</bpmn:script>'
            '</bpmn:scriptTask><bpmn:endEvent id="slut"/>' + flow("f1", "start", "s1") + flow("f2", "s1", "s2")
            + flow("f3", "s2", "slut"))
    errors = refused(engine, {"x.bpmn": process("p", body, {"r": ["start", "s1", "s2", "slut"]})})
    assert sorted(e["element_id"] for e in errors) == ["s1", "s2"]


def test_an_unnamed_lane_is_refused_naming_the_lane(engine):
    errors = refused(engine, {"x.bpmn": simple().replace('name="sagsbehandler"', 'name=""')})
    assert [e["element_id"] for e in errors] == ["Lane_0"]


def test_a_form_that_is_not_a_valid_json_schema_is_refused_naming_its_task(engine):
    files = {"x.bpmn": simple(task_attributes='camunda:formKey="skema"'),
             "skema.json": json.dumps({"type": "object", "properties": {"a": {"type": "nonsense"}}})}
    assert [e["element_id"] for e in refused(engine, files)] == ["opgave"]


def test_a_file_that_is_neither_bpmn_dmn_nor_json_is_refused(engine):
    errors = refused(engine, {"x.bpmn": simple(), "notes.xml": b"<notes/>"})
    assert "hverken BPMN" in errors[0]["message"]


BOMB = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        b'<!ENTITY ext SYSTEM "file:///etc/hostname">]>'
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p" '
        b'isExecutable="true"><bpmn:documentation>&d;&ext;</bpmn:documentation></bpmn:process></bpmn:definitions>')


def test_xml_entities_are_neither_expanded_nor_fetched():
    bundle = read_bundle({"bomb.bpmn": BOMB})
    text = "".join(bundle.bpmn["bomb.bpmn"].getroot().itertext())
    assert "aaaaaaaaaa" not in text
    with open("/etc/hostname") as hostname:
        assert hostname.read().strip() not in text


def test_a_diagram_with_entity_attacks_deploys_nothing(engine):
    with pytest.raises(InvalidDiagram):
        deployment.deploy(engine.uow(), {"bomb.bpmn": BOMB}, OWNER)
    assert versions(engine) == 0
