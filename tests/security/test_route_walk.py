"""Every route of the app and the API, walked as every role (involved and not) and anonymously.

The expected answer comes from ONE table, :data:`web.access_table.ACCESS`, read with the
policy's own rules (:mod:`engine.people.policy`): allowed is any answer but 401/403 (and never a 5xx);
refused is 401/403/404 with a refusal in the access log (an anonymous visitor of a page is sent
to the login page instead). A route without an entry in the table fails here.

Requests that would change the course when allowed carry input that is valid enough to pass the
access checks and wrong enough to change nothing (an empty form, a timer that does not wait, a
message nothing waits for); a start of a course does start one, which changes no one's access.
"""
from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import Rule

from engine.people import policy
from tests.security.conftest import LANE_HOLDERS, WALKERS, World, actor_of
from web.access_table import ACCESS, Access

METHODS = ("GET", "POST", "PUT", "DELETE")
KEY = "samarbejdsmodel"
FIGURE_QUERY = f"?process_key={KEY}"


def _values(world: World, rule: Rule) -> dict[str, Any]:
    known = {"youth_id": world.youth_id, "instance_id": world.instance_id, "task_id": world.task_id, "key": KEY,
             "version": 1, "username": "nobody", "token_id": 999_999, "name": "steps",
             "filename": "src/dashboard.js", "notice_id": 999_999, "consent_id": 999_999}
    return {arg: known[arg] for arg in rule.arguments}


def _query(endpoint: str) -> str:
    if endpoint in ("api.dashboard.metrics_waiting", "dashboard.waiting_list"):
        return FIGURE_QUERY + "&element_id=uddannelsesplan"
    if endpoint == "api.workbench.diff_process_versions":
        return "?from=1&to=1"
    if endpoint.startswith(("api.dashboard.", "api.metrics.", "dashboard.")):
        return FIGURE_QUERY
    if endpoint in ("api.youths.search_youths", "cases.search"):
        return "?q=Walk"
    return ""


def _body(world: World, endpoint: str) -> dict[str, Any]:
    """What the request sends: ``json``, ``data`` (a form) or a raw body."""
    bodies: dict[str, dict[str, Any]] = {
        "api.instances.start_instance": {"json": {"process_key": KEY, "youth_id": world.youth_id}},
        "api.messages.send_message": {"json": {"name": "frafald", "youth_id": world.youth_id}},
        "api.messages.send_signal": {"json": {"name": "frafald"}},
        "api.instances.fire_timer_now": {"json": {"element_id": "ingen_tidsfrist"}},
        "api.tasks.complete_task": {"json": {"data": {}}},
        "api.process_models.deploy_process_model": {"data": b"not a diagram", "content_type": "application/xml"},
        "api.process_models.validate_process_model": {"data": b"not a diagram", "content_type": "application/xml"},
        "cases.fire_timer": {"data": {"element_id": ""}},
        "tasks.comment": {"data": {"body": ""}},
        "cases.search": {"data": {"q": "Walk"}},
        "api.youths.search_youths_by_body": {"json": {"q": "Walk"}},
        "workbench.save_draft": {"data": b"[]", "content_type": "application/json"},
    }
    if endpoint in bodies:
        return bodies[endpoint]
    return {"json": {}} if endpoint.startswith("api.") else {"data": {}}


def _expected_allowed(access: Access, name: str | None) -> bool:
    if access.public:
        return True
    if name is None or access.citizen:  # a young person's own pages: never a staff user's (test_citizen_walk.py)
        return False
    actor = actor_of(name)
    involved = WALKERS[name][1]
    if access.lane_holders and name in LANE_HOLDERS:
        return True
    if access.permission and not policy.allows(actor, access.permission):
        return False
    sees = policy.sees_all(actor) or involved or (
        access.any_course_permission is not None and policy.allows(actor, access.any_course_permission))
    if access.youth and not sees:
        return False
    if access.task:  # the walked task: the plan, narrowed to karin in the coordinating caseworker's lane
        return policy.may_act(actor, "koordinerende_sagsbehandler", None, True, {"karin"})
    return True


def _refused_for_the_case(access: Access, name: str) -> bool:
    """Refused for not being involved (the role would do): the log names the young person."""
    actor = actor_of(name)
    return access.youth and (access.permission is None or policy.allows(actor, access.permission))


def _rules(world: World) -> list[Rule]:
    """Every rule, releasing before claiming (a claim would make the release the claimer's), logout last."""
    def order(rule: Rule) -> tuple[int, str]:
        first = rule.endpoint in ("api.tasks.unclaim_task", "inbox.unclaim")
        last = rule.endpoint.startswith("auth.")
        return (0 if first else 2 if last else 1, rule.endpoint)

    return sorted(world.app.url_map.iter_rules(), key=order)


def test_every_route_has_an_entry_in_the_access_table(world: World) -> None:
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}
    assert sorted(endpoints - set(ACCESS)) == [], "routes without an entry in web/access_table.py"
    assert sorted(set(ACCESS) - endpoints) == [], "entries in web/access_table.py for routes that do not exist"


@pytest.mark.parametrize("name", [*WALKERS, None], ids=[*WALKERS, "anonymous"])
def test_each_route_answers_as_the_access_table_says(world: World, name: str | None) -> None:
    client = world.client(name)
    headers = {"Authorization": f"Bearer {world.tokens[name]}"} if name else {}
    wrong = []
    for rule in _rules(world):
        access = ACCESS.get(rule.endpoint)
        if access is None:
            continue  # reported by the test above
        path = rule.build(_values(world, rule))[1] + _query(rule.endpoint)
        for method in (m for m in METHODS if m in rule.methods):
            before = world.denials(name)
            response = client.open(path, method=method, headers=headers, **_body(world, rule.endpoint))
            status = response.status_code
            response.close()
            allowed = _expected_allowed(access, name)
            denied = world.denials(name) > before
            to_login = status == 302 and "/login" in response.headers.get("Location", "")
            if status >= 500:
                wrong.append(f"{method} {path}: {status}")
            elif access.public:
                continue  # the login page answers a bad login with 401: any answer but an error is right
            elif allowed and (status in (401, 403) or denied or (to_login and rule.endpoint != "auth.logout")):
                wrong.append(f"{method} {path}: allowed, got {status}{' (logged as refused)' if denied else ''}")
            elif not allowed and name is None and not rule.endpoint.startswith("api.") and not to_login:
                wrong.append(f"{method} {path}: anonymous, got {status}, not the login page")
            elif not allowed and (name is not None or rule.endpoint.startswith("api.")) and (
                    status not in (401, 403, 404) or not denied):
                wrong.append(f"{method} {path}: refused, got {status}{'' if denied else ' and no refusal logged'}")
            elif not allowed and name is not None and _refused_for_the_case(access, name) \
                    and world.last_denied_youth(name) != world.youth_id:
                wrong.append(f"{method} {path}: the refusal does not name the young person")
    assert wrong == [], "\n".join(wrong)
