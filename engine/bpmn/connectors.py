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
"""
from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.bpmn import budget
from engine.bpmn.restricted import plain_problem
from engine.platform.messages import Message
from engine.platform.settings import http_endpoints

HTTP_SECONDS = 5.0
MAX_ANSWER_BYTES = 256 * 1024


class ConnectorFailed(Exception):
    """A connector call that did not give a usable answer; the text names why, not the data."""


@dataclass(frozen=True)
class Connector:
    check: Callable[[str, dict[str, str]], list[Message]]           # (task id, parameters) -> problems at deploy
    call: Callable[[str, dict[str, str], dict[str, Any]], dict[str, Any]]   # -> data to add to the task


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


def _call_http(task_id: str, parameters: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
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


CONNECTORS: dict[str, Connector] = {"http": Connector(_check_http, _call_http)}


def problems(connector_id: str | None, task_id: str, parameters: dict[str, str]) -> list[Message]:
    """Why a service task cannot run, at deploy: no connector, an unknown one, or its parameters."""
    if not connector_id:
        return [Message("engine.connector.missing", known=", ".join(sorted(CONNECTORS)))]
    if connector_id not in CONNECTORS:
        return [Message("engine.connector.unknown", connector=connector_id, known=", ".join(sorted(CONNECTORS)))]
    return CONNECTORS[connector_id].check(task_id, parameters)


def run(connector_id: str, task_id: str, parameters: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
    """Call the connector for a running task; the data it answers go into the task's data."""
    if connector_id not in CONNECTORS:
        raise ConnectorFailed(Message("engine.connector.unknown", connector=connector_id,
                                      known=", ".join(sorted(CONNECTORS))))
    return CONNECTORS[connector_id].call(task_id, parameters, data)
