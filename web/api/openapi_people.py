"""Roles, cover and handover in the OpenAPI document (issue 11), merged in by :func:`extend`.

Kept beside :mod:`web.api.openapi_spec` like the workbench's part, so this branch does not edit the
shared document; it can be folded into ``operations()`` and ``schemas()`` as it is.
"""
from __future__ import annotations

from typing import Any

from web.api.openapi_spec import (
    Schema,
    array,
    boolean,
    integer,
    json_body,
    obj,
    ok,
    operation,
    path_parameters,
    ref,
    string,
)

TAG = "people"


def schemas() -> dict[str, Schema]:
    permissions = array(string(), "Rettighedernes navne, fx register_youth, reassign")
    held = {"instance_id": integer(), "youth_id": integer(), "youth_name": string(), "role": string(nullable=True)}
    return {
        "Role": obj({"name": string("Et rollenavn: små bogstaver, tal og _ (fx tovholder)"),
                     "permissions": permissions, "users": integer("Aktive brugere med rollen")}),
        "RoleList": obj({"roles": array(ref("Role")), "permissions": array(string(), "Alle rettigheder")}),
        "RolePermissions": obj({"name": string(), "permissions": permissions}),
        "RoleInput": obj({"permissions": permissions}, required=["permissions"]),
        "LanePeopleInput": obj({"lane": string("Banens navn (eller id) i forløbets diagram", minLength=1),
                                "users": array(string(), "Brugernavne med banens rolle; [] lægger banen tilbage "
                                                         "til rollens kø")}, required=["lane", "users"]),
        "HandoverInput": {**obj({"from": string(minLength=1), "to": string(minLength=1),
                                 "dry_run": boolean("Standard true: flyt intet, vis kun hvad der flyttes")},
                                required=["from", "to"])},
        "Handover": obj({
            "from": string(), "to": string(), "dry_run": boolean(),
            "courses": array(obj({**held, "process_key": string(), "lane": string()}),
                             "Hvert forløb og den bane personen har"),
            "tasks": array(obj({**held, "id": string(), "name": string()}), "Hver åben opgave personen har"),
        }),
    }


def operations() -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "/roles": {
            "get": operation("listRoles", TAG, "Roller og hvad hver må (kræver manage_users)",
                             {"200": ok("Rollerne", ref("RoleList"))}, (403,)),
        },
        "/roles/{name}": {
            "put": operation("setRolePermissions", TAG,
                             "Sæt hvad en rolle må; en ny rolle oprettes (kræver manage_users; logges)",
                             {"200": ok("Rollen", ref("RolePermissions"))}, (400, 403, 413, 422),
                             body=json_body("RoleInput")),
        },
        "/instances/{instance_id}/people": {
            "post": operation("setLanePeople", TAG,
                              "Hvem har en bane i et kørende forløb: åbne opgaver flyttes straks, senere følger "
                              "(kræver reassign)",
                              {"200": ok("Forløbet", ref("Instance"))}, (400, 403, 404, 409, 413, 422),
                              body=json_body("LanePeopleInput")),
        },
        "/handovers": {
            "post": operation("handover", TAG,
                              "Flyt alle forløb og åbne opgaver fra én person til en anden; dry_run viser først "
                              "listen (kræver reassign)",
                              {"200": ok("Hvad der flyttes (eller er flyttet)", ref("Handover"))},
                              (400, 403, 404, 413, 422), body=json_body("HandoverInput")),
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the roles, cover and handover paths, tag and schemas added."""
    for path, methods in operations().items():
        item: dict[str, Any] = dict(methods)
        if "{name}" in path:
            item["parameters"] = [{"name": "name", "in": "path", "required": True, "schema": string(),
                                   "description": "Rollens navn"}]
        elif "{" in path:
            item["parameters"] = path_parameters(path)
        document["paths"][path] = item
    document["tags"].append({"name": TAG})
    document["components"]["schemas"].update(schemas())
    return document
