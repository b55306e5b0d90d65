"""The consent register in the OpenAPI document (issue 12, part 5), merged in by :func:`extend`.

Kept beside :mod:`web.api.openapi_spec` like the people and workbench parts, so this branch does not
edit the shared document.
"""
from __future__ import annotations

from typing import Any

from web.api import openapi_spec as spec

TAG = "consents"


def schemas() -> dict[str, spec.Schema]:
    kinds = spec.array(spec.string(), "Værdier fra henvisningsformularens samtykke_datatyper, fx uddannelse")
    return {
        "Consent": spec.obj({
            "id": spec.integer(), "youth_id": spec.integer(),
            "status": spec.string("active, expired eller withdrawn", enum=["active", "expired", "withdrawn"]),
            "data_types": kinds, "data_type_titles": spec.array(spec.string()),
            "recipient": spec.string("En afdeling, en rolle eller en ekstern aktør"),
            "recipient_role": spec.string("Modtagerens rolle i Samspil", nullable=True),
            "purpose": spec.string(), "given_by": spec.string(enum=["den_unge", "foraelder_vaerge"]),
            "guardian_name": spec.string(nullable=True), "given_on": spec.string(format="date"),
            "expires_on": spec.string(nullable=True, format="date"),
            "source": spec.string("case_page, referral"), "recorded_at": spec.timestamp(),
            "recorded_by": spec.string(nullable=True), "withdrawn_at": spec.timestamp(nullable=True),
            "withdrawn_by": spec.string(nullable=True), "withdrawn_by_youth": spec.boolean(),
            "withdrawal_reason": spec.string(nullable=True)}),
        "ConsentRegister": spec.obj({
            "consents": spec.array(spec.ref("Consent"), "Gældende først, så udløbne og tilbagekaldte"),
            "choices": spec.obj({
                "data_types": spec.array(spec.array(spec.string()), "[værdi, titel]"),
                "given_by": spec.array(spec.string()), "roles": spec.array(spec.string())})}),
        "ConsentInput": spec.obj({
            "data_types": kinds, "recipient": spec.string(maxLength=200),
            "recipient_role": spec.string("En rolle i Samspil: trækkes samtykket tilbage, ser rollen ikke "
                                          "længere oplysningerne", nullable=True),
            "purpose": spec.string(), "given_by": spec.string("Under 18 år: foraelder_vaerge",
                                                              enum=["den_unge", "foraelder_vaerge"]),
            "guardian_name": spec.string(nullable=True), "given_on": spec.string("Tom: i dag", format="date"),
            "expires_on": spec.string(nullable=True, format="date")},
            required=["data_types", "recipient", "purpose", "given_by"]),
        "ConsentWithdrawalInput": spec.obj({"reason": spec.string("Kræves af medarbejdere")}, required=[]),
    }


def operations() -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "/youths/{youth_id}/consents": {
            "get": spec.operation("listConsents", TAG, "Den unges samtykkeregister (logges)",
                                  {"200": spec.ok("Registret", spec.ref("ConsentRegister"))}, (403, 404)),
            "post": spec.operation("recordConsent", TAG, "Registrér et samtykke (kræver record_consent; logges)",
                                   {"201": spec.ok("Samtykket", spec.ref("Consent"))}, (400, 403, 404, 413, 422),
                                   body=spec.json_body("ConsentInput")),
        },
        "/youths/{youth_id}/consents/{consent_id}/withdrawal": {
            "post": spec.operation("withdrawConsent", TAG,
                                   "Træk et samtykke tilbage (kræver record_consent; den koordinerende "
                                   "sagsbehandler får en opgave; allerede tilbagekaldt: 403, logges)",
                                   {"200": spec.ok("Samtykket", spec.ref("Consent"))}, (400, 403, 404, 409, 413, 422),
                                   body=spec.json_body("ConsentWithdrawalInput", required=False)),
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the consent register's paths, tag and schemas added."""
    for path, methods in operations().items():
        item: dict[str, Any] = dict(methods)
        item["parameters"] = spec.path_parameters(path)
        if "{consent_id}" in path:
            item["parameters"].append({"name": "consent_id", "in": "path", "required": True,
                                       "schema": spec.integer(), "description": "Id"})
        document["paths"][path] = item
    document["tags"].append({"name": TAG})
    document["components"]["schemas"].update(schemas())
    return document
