"""Firing a waiting timer now, from the case page and over REST."""
from __future__ import annotations

import pytest

from engine.courses import instances
from tests.conftest import COORDINATOR
from tests.course import open_elements, to_follow_up

pytestmark = pytest.mark.usefixtures("deployed")


def test_the_case_page_says_what_the_course_waits_for_and_the_coordinator_fires_it(pages, engine):
    iid = to_follow_up(engine, name="Emil Jensen")
    youth_id = instances.get_instance(engine.uow(), COORDINATOR, iid)["youth_id"]
    pages.login("kim")
    page = pages.get(f"/unge/{youth_id}").get_data(as_text=True)
    assert "Forløbet venter på:" in page and "Hver 3. måned" in page and "næste frist 05.04.2026" in page
    assert "Udløs nu: Hver 3. måned" in page
    response = pages.post(f"/unge/{youth_id}/forloeb/{iid}/tidsfrist", data={"element_id": "vent_paa_opfoelgning"})
    assert response.status_code == 303
    page = pages.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tidsfristen er udløst, og forløbet er gået videre." in page
    assert "Forbered opfølgning" in page and "Tidsfrist udløst før tid" in page  # the open task and the timeline
    assert open_elements(instances.get_instance(engine.uow(), COORDINATOR, iid)) == ["forbered_opfoelgning"]


def test_a_guide_sees_no_button_and_cannot_fire_a_timer(pages, engine):
    iid = to_follow_up(engine)
    youth_id = instances.get_instance(engine.uow(), COORDINATOR, iid)["youth_id"]
    pages.login("gustav")
    page = pages.get(f"/unge/{youth_id}").get_data(as_text=True)
    assert "Hver 3. måned" in page and "Udløs nu" not in page
    response = pages.post(f"/unge/{youth_id}/forloeb/{iid}/tidsfrist", data={"element_id": "vent_paa_opfoelgning"})
    assert response.status_code == 403
    assert open_elements(instances.get_instance(engine.uow(), COORDINATOR, iid)) == []


def test_firing_a_timer_the_course_no_longer_waits_for_shows_why(pages, engine):
    iid = to_follow_up(engine)
    youth_id = instances.get_instance(engine.uow(), COORDINATOR, iid)["youth_id"]
    pages.login("kim")
    pages.post(f"/unge/{youth_id}/forloeb/{iid}/tidsfrist", data={"element_id": "vent_paa_opfoelgning"})
    again = pages.post(f"/unge/{youth_id}/forloeb/{iid}/tidsfrist", data={"element_id": "vent_paa_opfoelgning"},
                       follow_redirects=True)
    assert "Forløbet venter ikke på den tidsfrist" in again.get_data(as_text=True)


def test_the_api_fires_a_timer_and_answers_with_the_moved_course(api, engine):
    iid = to_follow_up(engine)
    response = api.as_("kim").post(f"/instances/{iid}/timers/fire", json={"element_id": "vent_paa_opfoelgning"})
    assert response.status_code == 200
    assert [t["element_id"] for t in response.get_json()["tasks"]] == ["forbered_opfoelgning"]
    again = api.as_("kim").post(f"/instances/{iid}/timers/fire", json={"element_id": "vent_paa_opfoelgning"})
    assert again.status_code == 409 and "error" in again.get_json()
    assert api.as_("gustav").post(f"/instances/{iid}/timers/fire",
                                  json={"element_id": "vent_paa_opfoelgning"}).status_code == 403
    assert api.as_("kim").post(f"/instances/{iid}/timers/fire", json={}).status_code == 422
    assert api.as_("kim").post("/instances/999999/timers/fire",
                               json={"element_id": "vent_paa_opfoelgning"}).status_code == 404
