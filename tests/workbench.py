"""The default model with small edits, for workbench tests: a shorter follow-up interval, a renamed step."""
from __future__ import annotations

from engine.definitions.process_files import files_from_paths
from tests.conftest import PROCESSES


def default_files_text() -> dict[str, str]:
    """The default process library as a draft holds it: name -> text."""
    files = {}
    for name, data in files_from_paths([PROCESSES]).items():
        prefix = "forms/" if name.endswith(".json") else "decisions/" if name.endswith(".dmn") else ""
        files[prefix + name] = data.decode()
    return files


def with_bpmn(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    bpmn = files["samarbejdsmodel.bpmn"]
    assert old in bpmn, old
    return {**files, "samarbejdsmodel.bpmn": bpmn.replace(old, new)}


def monthly(files: dict[str, str]) -> dict[str, str]:
    """Follow-up every month instead of every three."""
    return with_bpmn(files, ">P3M<", ">P1M<")


def k_meeting_renamed(files: dict[str, str]) -> dict[str, str]:
    """The k-meeting task gets a new id: instances waiting there need a mapping."""
    files = with_bpmn(files, 'id="k_moede"', 'id="k_moede_ny"')
    bpmn = files["samarbejdsmodel.bpmn"]
    for attribute in ('>k_moede<', 'targetRef="k_moede"', 'sourceRef="k_moede"', 'bpmnElement="k_moede"'):
        bpmn = bpmn.replace(attribute, attribute.replace("k_moede", "k_moede_ny"))
    return {**files, "samarbejdsmodel.bpmn": bpmn}
