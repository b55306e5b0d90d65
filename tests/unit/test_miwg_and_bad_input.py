"""Diagrams from other tools (the BPMN MIWG reference suite) and hostile or broken files."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.library import parse_files
from engine.definitions.process_files import MAX_FILE_BYTES, read_bundle
from tests.small_diagrams import MIWG, diagram, linear

MIWG_FILES = sorted(MIWG.glob("*.bpmn"))


def test_the_miwg_reference_suite_is_there() -> None:
    assert len(MIWG_FILES) >= 20, f"expected the MIWG reference models in {MIWG}"


@pytest.mark.parametrize("path", MIWG_FILES, ids=lambda p: p.name)
def test_each_miwg_reference_model_deploys_or_is_refused_with_element_messages(path: Path) -> None:
    result = parse_files({path.name: path.read_bytes()}, {"sagsbehandler"})
    if result.errors:
        assert result.processes == {}
        assert all(p.element_id for p in result.errors), [p.message for p in result.errors if not p.element_id]
    else:
        assert result.processes, "a model with no errors has an executable process"
    assert all(p.message and p.message.strip() for p in result.problems)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="p" name="&lol9;" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process>
</bpmn:definitions>"""


def test_a_billion_laughs_file_parses_without_expanding_entities() -> None:
    bundle = read_bundle({"laughs.bpmn": BILLION_LAUGHS})
    for tree in bundle.bpmn.values():
        name = tree.getroot()[0].get("name") or ""
        assert "lol" not in name  # the entity is left unexpanded
    assert len(bundle.sources.get("laughs.bpmn", "")) < 10_000


def test_an_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMMELIG-VÆRDI")
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>'
           '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
           '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" name="&xxe;"/></bpmn:process>'
           '</bpmn:definitions>')
    result = parse_files({"xxe.bpmn": xml})
    for tree in result.bundle.bpmn.values():
        assert b"HEMMELIG" not in __import__("lxml.etree").etree.tostring(tree)
    assert all("HEMMELIG" not in p.message for p in result.problems)


def test_a_file_that_is_not_xml_is_a_problem_not_a_crash() -> None:
    result = parse_files({"d.bpmn": b"\x00\x01 not xml"})
    assert result.errors and result.processes == {}


def test_xml_that_is_not_bpmn_is_refused() -> None:
    result = parse_files({"d.xml": "<html><body>hej</body></html>"})
    assert "hverken BPMN" in result.errors[0].message


def test_a_file_over_the_size_limit_is_marked_too_large() -> None:
    big = diagram(linear()).replace("<bpmn:process", "<!--" + "x" * MAX_FILE_BYTES + "--><bpmn:process")
    bundle = read_bundle({"big.bpmn": big})
    assert bundle.too_large == ["big.bpmn"] and bundle.bpmn == {}
