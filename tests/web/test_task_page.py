"""The inbox and the task page: the form from its JSON Schema, errors by the field, completing."""
from __future__ import annotations

import re

import pytest

from engine.work import tasks
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import REFERRAL, complete, k_meeting, open_task, start_course

pytestmark = pytest.mark.usefixtures("deployed")


def referral_form(**overrides):
    form = [("henvisningsaarsag", "Har svært ved at komme i skole"), ("henviser_afdeling", "uddannelsesvejledning"),
            ("afdelinger_med_sag", "familie"), ("afdelinger_med_sag", "social"), ("samtykke_givet", "on"),
            ("samtykke_datatyper", "uddannelse"), ("samtykke_modtager", "Ungeteamet"),
            ("samtykke_formaal", "Koordinering"), ("samtykke_givet_af", "foraelder_vaerge")]
    for key, value in overrides.items():
        form = [(k, v) for k, v in form if k != key] + ([(key, value)] if value is not None else [])
    return form


def test_the_inbox_lists_the_referral_for_the_caseworker(pages, engine):
    start_course(engine, CASEWORKER, name="Emil Jensen")
    pages.login("sara")
    page = pages.get("/").get_data(as_text=True)
    assert "Henvisning" in page and "Emil Jensen" in page


def test_the_task_page_renders_every_kind_of_field(pages, engine):
    instance = start_course(engine, CASEWORKER, name="Emil Jensen")
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    pages.login("sara")
    page = pages.get(f"/opgaver/{task['id']}").get_data(as_text=True)
    assert '<textarea id="f-henvisningsaarsag" name="henvisningsaarsag"' in page
    assert '<select id="f-henviser_afdeling"' in page and "Uddannelsesvejledning (UU)" in page
    assert 'type="checkbox" id="f-samtykke_givet"' in page
    assert 'name="afdelinger_med_sag" value="familie"' in page
    assert "Emil Jensen" in page  # the young person beside the form


def test_a_missing_required_field_shows_its_error_next_to_it_and_keeps_what_was_typed(pages, engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    pages.login("sara")
    response = pages.post(f"/opgaver/{task['id']}", data=referral_form(henvisningsaarsag=None,
                                                                         samtykke_modtager="<b>Ungeteamet</b>"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = page[page.index('<label for="f-henvisningsaarsag"'):]
    assert re.match(r'(?s)<label for="f-henvisningsaarsag">.*?</label>\s*'
                    r'<p class="field-error" id="f-henvisningsaarsag-error">skal udfyldes</p>', field)
    assert 'value="&lt;b&gt;Ungeteamet&lt;/b&gt;"' in page  # kept, and escaped
    assert tasks.get_task(engine.uow(), CASEWORKER, task["id"])["state"] == "ready"


def test_completing_goes_on_to_the_next_task_and_a_second_submit_changes_nothing(pages, engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    pages.login("sara")
    first = pages.post(f"/opgaver/{task['id']}", data=referral_form())
    assert first.status_code == 303
    second = pages.post(f"/opgaver/{task['id']}", data=referral_form())
    assert second.status_code == 303
    assert "allerede afsluttet" in pages.get(second.headers["Location"], follow_redirects=True).get_data(as_text=True)
    rows, _ = tasks.list_tasks(engine.uow(), COORDINATOR, tasks.TaskFilter(instance_id=instance["id"], state=None))
    assert sorted(r["element_id"] for r in rows) == ["henvisning", "k_moede"]


def test_rows_are_added_and_removed_without_losing_what_was_typed(pages, engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    pages.login("kim")
    form = [("referat", "Aftalt"), ("foerste_handlinger.0._row", "1"), ("foerste_handlinger.0.handling", "Ring"),
            ("_action", "add:foerste_handlinger")]
    page = pages.post(f"/opgaver/{task['id']}", data=form).get_data(as_text=True)
    assert 'name="foerste_handlinger.1.handling"' in page and 'value="Ring"' in page and ">Aftalt</textarea>" in page
    form = [("referat", "Aftalt"), ("foerste_handlinger.0._row", "1"), ("foerste_handlinger.0.handling", "Ring"),
            ("foerste_handlinger.1._row", "1"), ("foerste_handlinger.1.handling", "Skriv"),
            ("_action", "remove:foerste_handlinger.0")]
    page = pages.post(f"/opgaver/{task['id']}", data=form).get_data(as_text=True)
    assert 'name="foerste_handlinger.1.handling"' not in page and 'value="Skriv"' in page and 'value="Ring"' not in page


def test_an_error_inside_a_row_is_shown_next_to_that_row_field(pages, engine):
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    pages.login("kim")
    meeting = k_meeting()
    form = [("moededato", meeting["moededato"]), ("referat", "x"), ("ungeguide", "gustav"),
            ("koordinerende_sagsbehandler", "karin"), ("foerste_handlinger.0._row", "1"),
            ("foerste_handlinger.0.handling", "Ring"), ("foerste_handlinger.0.ansvarlig", "gustav")]
    response = pages.post(f"/opgaver/{task['id']}", data=form)
    assert response.status_code == 422
    assert 'id="f-foerste_handlinger-0-frist-error">skal udfyldes' in response.get_data(as_text=True)


def test_a_comment_is_shown_escaped_and_saved_once(pages, engine):
    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    pages.login("sara")
    for _ in range(2):
        pages.post(f"/opgaver/{task['id']}/kommentarer", data={"body": "<script>alert(1)</script>", "submission": "k1"})
    page = pages.get(f"/opgaver/{task['id']}").get_data(as_text=True)
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
    assert "<script>alert(1)" not in page


def test_another_caseworker_cannot_open_the_task_and_is_logged(pages, engine):
    from engine.people import audit, users
    from tests.conftest import ADMIN

    users.add_user(engine.uow(), "sofie", "correct-horse-battery", ["sagsbehandler"])
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    pages.login("sofie")
    assert pages.get(f"/opgaver/{task['id']}").status_code == 403
    assert any(e["action"] == "access_denied" for e in audit.list_entries(engine.uow(), ADMIN, username="sofie"))


def test_the_k_meeting_offers_the_guides_and_caseworkers_to_choose_from_and_refuses_anyone_else(pages, engine):
    from engine.people import users

    users.add_user(engine.uow(), "gorm", "correct-horse-battery", ["ungeguide"], "Gorm <i>Guide</i>")
    instance = start_course(engine, CASEWORKER)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    pages.login("kim")
    page = pages.get(f"/opgaver/{task['id']}").get_data(as_text=True)
    guide = page[page.index('<select id="f-ungeguide"'):]
    guide = guide[:guide.index("</select>")]
    assert re.findall(r'<option value="([^"]*)"', guide) == ["", "gitte", "gorm", "gustav"]  # by name, guides only
    assert "Gorm &lt;i&gt;Guide&lt;/i&gt; (gorm)" in guide
    form = [("moededato", "2026-01-12"), ("referat", "Aftalt"), ("ungeguide", "karin"),
            ("koordinerende_sagsbehandler", "karin"), ("foerste_handlinger.0.handling", "Ring"),
            ("foerste_handlinger.0.ansvarlig", "gorm"), ("foerste_handlinger.0.frist", "2026-02-01")]
    response = pages.post(f"/opgaver/{task['id']}", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="f-ungeguide-error">skal være en aktiv bruger med feltets rolle' in page
    assert '<option value="karin" selected>karin</option>' in page  # what was chosen stays, to be corrected
    assert tasks.get_task(engine.uow(), COORDINATOR, task["id"])["state"] == "ready"
    response = pages.post(f"/opgaver/{task['id']}", data=[(k, "gorm" if k == "ungeguide" else v) for k, v in form])
    assert response.status_code == 303
    assert tasks.get_task(engine.uow(), COORDINATOR, task["id"])["state"] == "completed"


def test_the_task_page_is_one_writing_transaction_and_completing_from_it_two(pages, engine):
    """Before, one POST of the task page ran up to six services, each its own transaction (issue 14).

    Besides the session check every request makes (a reader: it begins, never commits), showing
    the page is one call and completing from it two: the page, then the completion with the next task.
    """
    from tests.security.test_one_transaction_and_read_only import transactions

    instance = start_course(engine, CASEWORKER)
    task = open_task(engine, CASEWORKER, instance["id"], "henvisning")
    pages.login("sara")
    with transactions(engine) as seen:
        assert pages.get(f"/opgaver/{task['id']}").status_code == 200
    assert seen == {"begin": 2, "commit": 1}
    pages.csrf_token()  # read off a page before counting
    with transactions(engine) as seen:
        response = pages.post(f"/opgaver/{task['id']}", data=referral_form())
    assert response.status_code == 303
    assert seen == {"begin": 3, "commit": 2}
