"""The inbox: personal tasks first, role queues, filters with counts, claim and unclaim, overdue."""
from __future__ import annotations

import re

import pytest

from engine.work import inbox, tasks
from tests.conftest import CASEWORKER, COORDINATOR
from tests.course import PLAN, REFERRAL, complete, k_meeting, open_task, prepare_follow_up, start_course

pytestmark = pytest.mark.usefixtures("deployed")


def at_k_meeting(engine, name):
    instance = start_course(engine, CASEWORKER, name=name)
    complete(engine, CASEWORKER, instance["id"], "henvisning", REFERRAL)
    return instance


def test_a_coordinator_sees_the_queue_with_counts_and_claims_a_task(pages, engine):
    first = at_k_meeting(engine, "Anna Holm")
    at_k_meeting(engine, "Bo Dahl")
    pages.login("kim")
    page = pages.get("/").get_data(as_text=True)
    assert "Rollekøer" in page and "2 opgaver i alt" in page
    assert re.search(r"Tværgående koordineringsmøde \(k-møde\) \(2\)", page)
    task = open_task(engine, COORDINATOR, first["id"], "k_moede")
    assert pages.post(f"/opgaver/{task['id']}/tag", data={"next": "/"}).status_code == 303
    page = pages.get("/").get_data(as_text=True)
    personal = page[page.index("Mine personlige opgaver"):page.index("Rollekøer")]
    assert "Anna Holm" in personal and "Slip" in personal
    assert pages.post(f"/opgaver/{task['id']}/slip", data={"next": "/"}).status_code == 303
    assert "Mine personlige opgaver" not in pages.get("/").get_data(as_text=True)


def test_filters_narrow_the_list_and_counts_follow_the_other_filters(pages, engine):
    anna = at_k_meeting(engine, "Anna Holm")
    at_k_meeting(engine, "Bo Dahl")
    pages.login("kim")
    page = pages.get(f"/?youth={anna['youth_id']}").get_data(as_text=True)
    assert "1 opgaver i alt" in page and "Bo Dahl</a>" not in page.split('id="inbox"')[1]
    result = inbox.inbox(engine.uow(), COORDINATOR, inbox.InboxFilter(youth_id=anna["youth_id"]))
    assert [s["count"] for s in result["counts"]["steps"]] == [1]
    assert sorted(y["count"] for y in result["counts"]["youths"]) == [1, 1]


def test_an_overdue_task_stands_out_and_the_overdue_filter_finds_it(pages, engine, clock):
    instance = at_k_meeting(engine, "Anna Holm")
    complete(engine, COORDINATOR, instance["id"], "k_moede", k_meeting())
    from engine.courses import events
    from tests.conftest import CASE_COORDINATOR, GUIDE

    complete(engine, GUIDE, instance["id"], "accepter_guide", {"accepteret": True})
    complete(engine, CASE_COORDINATOR, instance["id"], "uddannelsesplan", PLAN)
    clock.advance(days=91)
    events.fire_due_timers(engine)
    prepare_follow_up(engine, instance["id"])
    clock.advance(days=15)  # the follow-up was due 14 days after it fell due
    pages.login("gustav")
    page = pages.get("/?overdue=1").get_data(as_text=True)
    assert 'class="is-overdue"' in page and "Overskredet" in page
    assert "Kun overskredne (1)" in page


def test_claiming_someone_elses_claimed_task_is_a_clear_conflict(pages, engine):
    instance = at_k_meeting(engine, "Anna Holm")
    from engine.people import users
    from engine.people.access import Actor

    users.add_user(engine.uow(), "kaj", "correct-horse-battery", ["ungekoordinator"])
    task = open_task(engine, COORDINATOR, instance["id"], "k_moede")
    tasks.claim_task(engine.uow(), Actor("kaj", frozenset({"ungekoordinator"})), task["id"])
    pages.login("kim")
    response = pages.post(f"/opgaver/{task['id']}/tag", data={"next": "/"})
    assert response.status_code == 409
    assert "Opgaven er taget af en anden" in response.get_data(as_text=True)


def test_the_inbox_page_is_one_writing_transaction(pages, engine):
    """Before, the inbox page called two services (the tasks, the unread notices): two commits (issue 14)."""
    from tests.security.test_one_transaction_and_read_only import transactions

    at_k_meeting(engine, "Anna Holm")
    pages.login("kim")
    with transactions(engine) as seen:
        page = pages.get("/").get_data(as_text=True)
    assert "Anna Holm" in page
    assert seen == {"begin": 2, "commit": 1}  # the session check (a reader) and the page
