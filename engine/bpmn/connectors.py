"""The named connectors a service task may call; anything else is refused at deploy.

A service task names its connector the way Camunda Modeler writes it::

    <bpmn:serviceTask id="meld_skole">
      <bpmn:extensionElements><camunda:connector>
        <camunda:connectorId>http</camunda:connectorId>
        <camunda:inputOutput>
          <camunda:inputParameter name="endpoint">skolesystem</camunda:inputParameter>
          <camunda:inputParameter name="fields">skole, klassetrin</camunda:inputParameter>
        </camunda:inputOutput>
      </camunda:connector></bpmn:extensionElements>
    </bpmn:serviceTask>

``http`` POSTs the listed fields of the course's data as a JSON object to an endpoint an
administrator configured by name (``SAMSPIL_HTTP_ENDPOINTS``, a JSON object of name -> URL), and
stores the JSON object it answers in ``result`` (default ``<task id>_svar``). A diagram can name
only a configured endpoint, never a URL, so a process owner cannot send data anywhere else. The call
has a time limit and counts against the operation's budget; a failure stops the course in error at
the task (:func:`engine.courses.runtime.advance`), and a retry calls again.

``mail`` writes to Samspil users, never to an address::

    <camunda:connectorId>mail</camunda:connectorId>
    <camunda:inputParameter name="to">kim, ${tovholder}</camunda:inputParameter>
    <camunda:inputParameter name="role">ungekoordinator</camunda:inputParameter>
    <camunda:inputParameter name="subject">Et forløb venter på et møde</camunda:inputParameter>
    <camunda:inputParameter name="text">Book et k-møde med den unge.</camunda:inputParameter>

``to`` lists usernames, or ``${variable}`` naming a course variable that holds a username; ``role``
names a role, whose active holders all get the mail; at least one of them is needed. ``subject`` and
``text`` are the diagram's own literal texts: nothing of the course is put into them (a ``${...}``
there is refused at deploy), so no personal data leaves Samspil in a mail; the mail adds only a link
to the young person's case page. The connector only notes the mail owed (:func:`outbox`): a
course's diagram runs before anything is written (:func:`engine.platform.uow.while_code_runs`), and
the save writes a notice and a mail row per person in the course's transaction
(:func:`engine.courses.notices.write_diagram_mails`); the worker sends them (:mod:`engine.work.mail`).
"""
from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from engine.bpmn import budget
from engine.bpmn.restricted import plain_problem
from engine.people.access import is_role_name, normalize_role
from engine.platform.messages import Message
from engine.platform.settings import http_endpoints

HTTP_SECONDS = 5.0
MAX_ANSWER_BYTES = 256 * 1024


class ConnectorFailed(Exception):
    """A connector call that did not give a usable answer; the text names why, not the data."""


@dataclass(frozen=True)
class Connector:
    check: Callable[[str, dict[str, str]], list[Message]]           # (task id, parameters) -> problems at deploy
    # (element id, parameters, the task's data, the running task's own id) -> data to add to the task
    call: Callable[[str, dict[str, str], dict[str, Any], str], dict[str, Any]]


def _fields(parameters: dict[str, str]) -> list[str]:
    return [part.strip() for part in (parameters.get("fields") or "").split(",") if part.strip()]


def _check_http(task_id: str, parameters: dict[str, str]) -> list[Message]:
    endpoint = (parameters.get("endpoint") or "").strip()
    if not endpoint:
        return [Message("engine.connector.endpoint_missing")]
    if endpoint not in http_endpoints():
        return [Message("engine.connector.endpoint_unknown", endpoint=endpoint,
                        known=", ".join(sorted(http_endpoints())) or "-")]
    return []


def _call_http(task_id: str, parameters: dict[str, str], data: dict[str, Any], run_id: str) -> dict[str, Any]:
    url = http_endpoints().get((parameters.get("endpoint") or "").strip())
    if url is None:
        raise ConnectorFailed(Message("engine.connector.endpoint_unknown", endpoint=parameters.get("endpoint"),
                                      known=", ".join(sorted(http_endpoints())) or "-"))
    body = json.dumps({name: data.get(name) for name in _fields(parameters)}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=HTTP_SECONDS) as response:  # noqa: S310 - admin's URL
            raw = response.read(MAX_ANSWER_BYTES + 1)
    except Exception as error:  # refused, timed out, 4xx/5xx: the course stops at the task
        close = getattr(error, "close", None)
        if callable(close):
            close()   # an HTTPError holds the response open
        raise ConnectorFailed(Message("engine.connector.http_failed", reason=type(error).__name__)) from None
    finally:
        spending = budget.current()
        if spending is not None:
            spending.spend(time.monotonic() - started)
    try:
        answer = json.loads(raw) if raw.strip() and len(raw) <= MAX_ANSWER_BYTES else {}
    except ValueError:
        raise ConnectorFailed(Message("engine.connector.answer_not_json")) from None
    if not isinstance(answer, dict) or plain_problem(answer, "") is not None:
        raise ConnectorFailed(Message("engine.connector.answer_not_json"))
    return {(parameters.get("result") or "").strip() or f"{task_id}_svar": answer}


MAIL_PARAMETERS = ("to", "role", "subject", "text")
USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,80}")
VARIABLE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
MAX_SUBJECT = 200
MAX_TEXT = 4000


@dataclass(frozen=True)
class OwedMail:
    """A mail a service task owes: the people named, a role's holders, and the diagram's own texts."""

    task_id: str       # the SpiffWorkflow task that ran: one mail per run of the service task
    element_id: str
    usernames: tuple[str, ...]
    role: str | None
    subject: str
    text: str


_outbox: ContextVar[list[OwedMail] | None] = ContextVar("samspil_outbox", default=None)


@contextmanager
def outbox() -> Iterator[list[OwedMail]]:
    """Collect the mails the connectors owe while an operation runs the engine (written by its save)."""
    owed: list[OwedMail] = []
    token = _outbox.set(owed)
    try:
        yield owed
    finally:
        _outbox.reset(token)


def _recipients(parameters: dict[str, str]) -> list[str]:
    return [part.strip() for part in (parameters.get("to") or "").split(",") if part.strip()]


def _check_mail(task_id: str, parameters: dict[str, str]) -> list[Message]:
    found: list[Message] = [Message("engine.connector.mail_parameter_unknown", parameter=name,
                                    known=", ".join(MAIL_PARAMETERS))
                            for name in sorted(parameters) if name not in MAIL_PARAMETERS]
    role = (parameters.get("role") or "").strip()
    if not _recipients(parameters) and not role:
        found.append(Message("engine.connector.mail_no_recipient"))
    for name in _recipients(parameters):
        if not (VARIABLE.fullmatch(name) or USERNAME.fullmatch(name)):
            found.append(Message("engine.connector.mail_recipient_invalid", recipient=name))
    if role and not is_role_name(normalize_role(role)):
        found.append(Message("engine.connector.mail_role_invalid", role=role))
    for name, most in (("subject", MAX_SUBJECT), ("text", MAX_TEXT)):
        value = (parameters.get(name) or "").strip()
        if not value:
            found.append(Message("engine.connector.mail_text_missing", parameter=name))
        elif "${" in value or "#{" in value:
            found.append(Message("engine.connector.mail_text_not_literal", parameter=name))
        elif len(value) > most:
            found.append(Message("engine.connector.mail_text_too_long", parameter=name, max=most))
    return found


def _call_mail(task_id: str, parameters: dict[str, str], data: dict[str, Any], run_id: str) -> dict[str, Any]:
    """Note the mail owed (the save writes it); a ``${variable}`` must hold a username now."""
    owed = _outbox.get()
    if owed is None:  # every operation that runs a course opens one (engine.courses.runtime.advance)
        raise ConnectorFailed(Message("engine.connector.mail_no_outbox"))
    names: list[str] = []
    for name in _recipients(parameters):
        variable = VARIABLE.fullmatch(name)
        value = data.get(variable.group(1)) if variable else name
        if not isinstance(value, str) or not USERNAME.fullmatch(value.strip()):
            raise ConnectorFailed(Message("engine.connector.mail_variable_not_user", recipient=name))
        names.append(value.strip())
    owed.append(OwedMail(run_id, task_id, tuple(dict.fromkeys(names)),
                         normalize_role(parameters.get("role")), (parameters.get("subject") or "").strip(),
                         (parameters.get("text") or "").strip()))
    return {}


CONNECTORS: dict[str, Connector] = {"http": Connector(_check_http, _call_http),
                                    "mail": Connector(_check_mail, _call_mail)}


def problems(connector_id: str | None, task_id: str, parameters: dict[str, str]) -> list[Message]:
    """Why a service task cannot run, at deploy: no connector, an unknown one, or its parameters."""
    if not connector_id:
        return [Message("engine.connector.missing", known=", ".join(sorted(CONNECTORS)))]
    if connector_id not in CONNECTORS:
        return [Message("engine.connector.unknown", connector=connector_id, known=", ".join(sorted(CONNECTORS)))]
    return CONNECTORS[connector_id].check(task_id, parameters)


def run(connector_id: str, task_id: str, parameters: dict[str, str], data: dict[str, Any],
        run_id: str = "") -> dict[str, Any]:
    """Call the connector for a running task (``run_id`` its SpiffWorkflow task's id); the data it answers
    go into the task's data."""
    if connector_id not in CONNECTORS:
        raise ConnectorFailed(Message("engine.connector.unknown", connector=connector_id,
                                      known=", ".join(sorted(CONNECTORS))))
    return CONNECTORS[connector_id].call(task_id, parameters, data, run_id)
