"""Roles, cover and handover in the OpenAPI document (issue 11), merged in by :func:`extend`.

Kept beside :mod:`web.api.openapi_spec` like the workbench's part, so this branch does not edit the
shared document; it can be folded into ``operations()`` and ``schemas()`` as it is.
"""
from __future__ import annotations

from typing import Any

from web.api import openapi_spec as spec

TAG = "people"


def schemas() -> dict[str, spec.Schema]:
    permissions = spec.array(spec.string(), "Rettighedernes navne, fx register_youth, reassign")
    held = {"instance_id": spec.integer(), "youth_id": spec.integer(), "youth_name": spec.string(),
            "role": spec.string(nullable=True)}
    return {
        "Role": spec.obj({"name": spec.string("Et rollenavn: små bogstaver, tal og _ (fx tovholder)"),
                          "permissions": permissions, "users": spec.integer("Aktive brugere med rollen")}),
        "RoleList": spec.obj({"roles": spec.array(spec.ref("Role")),
                              "permissions": spec.array(spec.string(), "Alle rettigheder")}),
        "RolePermissions": spec.obj({"name": spec.string(), "permissions": permissions}),
        "RoleInput": spec.obj({"permissions": permissions}, required=["permissions"]),
        "LanePeopleInput": spec.obj({"lane": spec.string("Banens navn (eller id) i forløbets diagram", minLength=1),
                                     "users": spec.array(spec.string(), "Brugernavne med banens rolle; [] lægger "
                                                                        "banen tilbage til rollens kø")},
                                    required=["lane", "users"]),
        "HandoverInput": {**spec.obj({"from": spec.string(minLength=1), "to": spec.string(minLength=1),
                                      "dry_run": spec.boolean("Standard true: flyt intet, vis kun hvad der flyttes")},
                                     required=["from", "to"])},
        "Handover": spec.obj({
            "from": spec.string(), "to": spec.string(), "dry_run": spec.boolean(),
            "courses": spec.array(spec.obj({**held, "process_key": spec.string(), "lane": spec.string()}),
                                  "Hvert forløb og den bane personen har"),
            "tasks": spec.array(spec.obj({**held, "id": spec.string(), "name": spec.string()}),
                                "Hver åben opgave personen har"),
        }),
    }


def operations() -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "/roles": {
            "get": spec.operation("listRoles", TAG, "Roller og hvad hver må (kræver manage_users)",
                                  {"200": spec.ok("Rollerne", spec.ref("RoleList"))}, (403,)),
        },
        "/roles/{name}": {
            "put": spec.operation("setRolePermissions", TAG,
                                  "Sæt hvad en rolle må; en ny rolle oprettes (kræver manage_users; logges)",
                                  {"200": spec.ok("Rollen", spec.ref("RolePermissions"))}, (400, 403, 413, 422),
                                  body=spec.json_body("RoleInput")),
        },
        "/instances/{instance_id}/people": spec.json_post(
            "setLanePeople", TAG,
            "Hvem har en bane i et kørende forløb: åbne opgaver flyttes straks, senere følger (kræver reassign)",
            "Forløbet", spec.ref("Instance"), "LanePeopleInput"),
        "/handovers": {
            "post": spec.operation("handover", TAG,
                                   "Flyt alle forløb og åbne opgaver fra én person til en anden; dry_run viser først "
                                   "listen (kræver reassign)",
                                   {"200": spec.ok("Hvad der flyttes (eller er flyttet)", spec.ref("Handover"))},
                                   (400, 403, 404, 413, 422), body=spec.json_body("HandoverInput")),
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the roles, cover and handover paths, tag and schemas added."""
    for path, methods in operations().items():
        item: dict[str, Any] = dict(methods)
        if "{name}" in path:
            item["parameters"] = [{"name": "name", "in": "path", "required": True, "schema": spec.string(),
                                   "description": "Rollens navn"}]
        elif "{" in path:
            item["parameters"] = spec.path_parameters(path)
        document["paths"][path] = item
    document["tags"].append({"name": TAG})
    document["components"]["schemas"].update(schemas())
    return document
