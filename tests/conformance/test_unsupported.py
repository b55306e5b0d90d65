"""Elements the engine does not run are refused at deploy with the reason, not deployed to misbehave (issue 18)."""
from __future__ import annotations

import pytest

from tests.conformance.drive import upload
from tests.conformance.elements import END, START, chain, proc, user

LINK = (START + user("a") + '<bpmn:intermediateThrowEvent id="til_b" name="videre">'
        '<bpmn:linkEventDefinition id="ld_throw" name="videre"/></bpmn:intermediateThrowEvent>'
        '<bpmn:intermediateCatchEvent id="fra_a" name="videre">'
        '<bpmn:linkEventDefinition id="ld_catch" name="videre"/></bpmn:intermediateCatchEvent>'
        + user("b") + END + chain("start", "a", "til_b") + chain("fra_a", "b", "slut"))
AD_HOC = (START + '<bpmn:adHocSubProcess id="frit"><bpmn:task id="t" name="T"/></bpmn:adHocSubProcess>' + END
          + chain("start", "frit", "slut"))


@pytest.mark.parametrize(("body", "nodes", "elements", "reason"), [
    (LINK, ["start", "a", "til_b", "fra_a", "b", "slut"], {"til_b", "fra_a"}, "Link-hændelser understøttes ikke"),
    (AD_HOC, ["start", "frit", "slut"], {"frit"}, "Ad hoc-delprocesser understøttes ikke"),
], ids=["link events", "ad hoc subprocess"])
def test_an_element_the_engine_does_not_run_is_refused_at_deploy_with_the_reason(api, body, nodes, elements, reason):
    response = upload(api, {"c.bpmn": proc(body, nodes)})
    assert response.status_code == 422, response.get_json()
    refused = {e["element_id"] for e in response.get_json()["errors"] if e["message"].startswith(reason)}
    assert refused == elements, response.get_json()["errors"]
