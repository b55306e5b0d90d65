"""``GET /me`` (Min Plan, issue 12) in the OpenAPI document, merged in by :func:`extend`.

Kept beside :mod:`web.api.openapi_spec` like the other parts, so this branch does not edit the
shared document. It is the one operation authenticated by the young person's session cookie, not
a bearer token.
"""
from __future__ import annotations

from typing import Any

from web.api import openapi_spec as spec

TAG = "me"
SESSION = "citizenSession"


def schemas() -> dict[str, spec.Schema]:
    text = spec.string(nullable=True)
    person = spec.obj({"username": spec.string(), "name": spec.string(), "email": text}, nullable=True)
    milestone = spec.obj({"title": spec.string(), "status": text, "status_value": text,
                          "responsible": text, "due": text})
    course = spec.obj({
        "status": spec.string(enum=spec.INSTANCE_STATUSES),
        "destination": spec.obj({"title": text, "in_own_words": text}, nullable=True),
        "tracks": spec.array(spec.obj({"track": text, "milestones": spec.array(milestone)}),
                             "Milepælene efter spor"),
        "people": spec.obj({"guide": person, "case_coordinator": person}),
        "next": spec.obj({"at": spec.timestamp("Næste opfølgning", nullable=True),
                          "open_steps": spec.array(spec.obj({"name": spec.string(), "due": text}))}),
        "minutes": spec.array(spec.obj({"meeting": spec.string(), "date": text, "text": text,
                                        "participants": text, "changes": text},
                                       required=["meeting", "date", "text"]), "Referater, nyeste først"),
        "next_steps": spec.array(spec.obj({"what": text, "who": text, "by": text}), "De aftalte næste skridt"),
    }, nullable=True)
    return {"MyPlan": spec.obj({
        "youth": spec.obj({"id": spec.integer(), "name": spec.string()}), "course": course,
        "tasks": spec.array(spec.ref("Task"), "Den unges egne åbne opgaver (fx selvvurderingen før en opfølgning)"),
        "consents": spec.array(spec.ref("Consent"), "Den unges samtykker: gældende først"),
        "progression": spec.free_object("Selvvurderingerne over tid: skalaerne og målingerne pr. opfølgning"),
    })}


def operations() -> dict[str, dict[str, dict[str, Any]]]:
    ask = spec.parameter("ung", "query", spec.integer(), "Den unges id; kun ens eget (ellers 403, logges)")
    me = spec.operation("getMyPlan", TAG, "Den unges egen plan (Min Plan): kun med den unges session",
                        {"200": spec.ok("Planen", spec.ref("MyPlan"))}, (403,), parameters=[ask])
    me["security"] = [{SESSION: []}]
    return {"/me": {"get": me}}


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with ``/me``, its tag, schema and the young person's session as a security scheme."""
    document["paths"].update(operations())
    document["tags"].append({"name": TAG})
    document["components"]["schemas"].update(schemas())
    document["components"]["securitySchemes"][SESSION] = {
        "type": "apiKey", "in": "cookie", "name": "samspil_session",
        "description": "Den unges session fra Min Plan (MitID eller et engangslink)"}
    return document
