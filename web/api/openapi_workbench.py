"""The workbench's part of the OpenAPI document (versions, diffs, migrations, drafts, test runs).

Kept beside :mod:`web.api.openapi_spec` and merged into the served document by
:func:`extend`, built from the same building blocks, so the workbench's branch did not have to
edit the shared document; it can be folded into ``operations()`` and ``schemas()`` as it is.
"""
from __future__ import annotations

from typing import Any

from web.api.openapi_spec import (
    Schema,
    array,
    boolean,
    free_object,
    integer,
    json_body,
    obj,
    ok,
    operation,
    parameter,
    ref,
    string,
    timestamp,
)

TAG = "workbench"


def schemas() -> dict[str, Schema]:
    files = {"type": "object", "additionalProperties": string(), "description":
             "Filnavn -> indhold: diagram.bpmn, forms/KEY.json, decisions/NAME.dmn"}
    draft_fields = {"key": string(), "revision": integer("Stiger med én ved hver gemning"),
                    "based_on_version": integer(nullable=True), "created_at": timestamp(), "created_by": string(),
                    "updated_at": timestamp(), "updated_by": string()}
    element = {"element_id": string(), "type": string("BPMN-elementtypen, fx userTask"),
               "name": string(nullable=True)}
    return {
        "ProcessVersionFiles": obj({"key": string(), "version": integer(), "name": string(),
                                    "deployed_at": timestamp(), "deployed_by": string(nullable=True),
                                    "bpmn_file": string("Diagrammets filnavn blandt files"), "files": files}),
        "DraftSummary": obj(draft_fields),
        "Draft": obj({**draft_fields, "files": files}),
        "DraftInput": obj({"files": files, "revision": integer("Revisionen ændringen bygger på; udelades for en ny "
                                                               "kladde", nullable=True),
                           "based_on_version": integer(nullable=True)}, required=["files"]),
        "RevisionInput": obj({"revision": integer()}, required=["revision"]),
        "DraftValidation": {"allOf": [ref("ValidationReport"), obj({"revision": integer()})]},
        "DeployedDraft": {"allOf": [ref("Deployed"), obj({"deployed": array(ref("Deployed"))})]},
        "VersionDiff": obj({
            "key": string(), "from": integer(), "to": integer(),
            "added": array(obj(element)), "removed": array(obj(element)),
            "changed": array(obj({**element, "changes": array(string(), "Hvad der er ændret, fx timer, navn")})),
        }),
        "MigrationInput": obj({
            "from_version": integer(), "to_version": integer(),
            "dry_run": boolean("Standard true: flyt intet, sig kun hvad der kan flyttes"),
            "mapping": {"type": "object", "additionalProperties": string(),
                        "description": "Gammelt element-id -> nyt element-id for trin der ikke findes i den nye version"},
            "instance_ids": array(integer(), "Kun disse forløb (til flytning i portioner)"),
            "limit": integer("Højst så mange forløb i dette kald", minimum=1),
            "timer_rule": string("Ventende timere hvis definition er ændret: keep (standard) beholder fristen, "
                                 "from_start regner den nye definition fra da ventetiden startede (aldrig fra "
                                 "flytningen)", enum=["keep", "from_start"]),
            "revisions": {"type": "object", "additionalProperties": integer(),
                          "description": "Forløbs-id -> revision fra prøvekørslen: et forløb der er ændret siden, "
                                         "flyttes ikke (konflikt)"},
        }, required=["from_version", "to_version"]),
        "MigrationResult": obj({
            "from_version": integer(), "to_version": integer(), "dry_run": boolean(),
            "migrated": integer("Flyttet i dette kald"), "remaining": integer("Forløb stadig på from_version"),
            "movable": integer("Kan flyttes, men er ikke flyttet i dette kald"),
            "conflicts": integer("Forløb ændret siden prøvekørslen eller flyttet af en anden imens"),
            "timer_rule": string(enum=["keep", "from_start"]),
            "instances": array(obj({
                "id": integer(), "can_migrate": boolean(),
                "youth_id": integer(),
                "youth_name": string("Den unges navn, kun for den der må se den unge (aldrig CPR)"),
                "revision": integer("Forløbets revision; send den tilbage i revisions ved flytning"),
                "status": string(), "steps": array(string(), "Trin forløbet står ved"),
                "next_deadline_before": timestamp("Næste frist før flytning", nullable=True),
                "next_deadline_after": timestamp("Næste frist efter flytning", nullable=True),
                "timers": array(obj({"element_id": string(), "name": string(),
                                     "due_before": timestamp(nullable=True), "due_after": timestamp(nullable=True),
                                     "definition_changed": boolean()})),
                "reason": string("Hvorfor forløbet ikke kan flyttes"),
                "element_id": string("Trinnet forløbet venter ved", nullable=True),
                "conflict": boolean("Ændret siden prøvekørslen eller flyttet imens: ikke flyttet"),
                "migrated": boolean()}, required=["id", "can_migrate"])),
        }),
        "TestRunInput": obj({
            "steps": array(free_object("{action: complete, element_id, role?, user?, data} | "
                                       "{action: advance, days?, hours?} | {action: message, name, data?}")),
            "start": timestamp("Testkørslens ur ved start"), "birthdate": string(format="date"),
            "data": free_object("Startdata"),
        }, required=[]),
        "TestRun": obj({
            "revision": integer(), "now": timestamp(), "status": string(), "error": free_object(nullable=True),
            "open_tasks": array(free_object()), "data": free_object(), "steps_done": integer(),
            "failed": free_object("Trinnet der mislykkedes og hvorfor", nullable=True),
            "history": array(free_object()),
        }),
    }


KEY = parameter("key", "path", string(), "Procesmodellens nøgle (den eksekverbare proces' id)")
VERSION = parameter("version", "path", integer(), "Versionsnummer")


def operations() -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "/process-models/{key}/versions/{version}": {
            "get": operation("getProcessVersion", TAG, "En version med alle dens filer (procesejer, admin)",
                             {"200": ok("Versionen", ref("ProcessVersionFiles"))}, (403, 404)),
        },
        "/process-models/{key}/versions/{version}/bpmn": {
            "get": operation("downloadProcessVersion", TAG, "Versionens BPMN-fil til download",
                             {"200": {"description": "BPMN XML",
                                      "content": {"application/xml": {"schema": string()}}}}, (403, 404)),
        },
        "/process-models/{key}/diff": {
            "get": operation("diffProcessVersions", TAG, "Elementer tilføjet, fjernet og ændret mellem to versioner",
                             {"200": ok("Forskellen", ref("VersionDiff"))}, (400, 403, 404, 422), parameters=[
                                 parameter("from", "query", integer(), "Fra version"),
                                 parameter("to", "query", integer(), "Til version")]),
        },
        "/process-models/{key}/migrations": {
            "post": operation("migrateInstances", TAG, "Prøvekørsel eller flytning af kørende forløb til en anden "
                              "version (procesejer, admin); 409 når intet blev flyttet fordi de valgte forløb "
                              "er ændret siden prøvekørslen", {"200": ok("Hvert forløb", ref("MigrationResult"))},
                              (400, 403, 404, 409, 413, 422), body=json_body("MigrationInput")),
        },
        "/process-drafts": {
            "get": operation("listDrafts", TAG, "Kladder (uden filer)",
                             {"200": ok("Kladderne", array(ref("DraftSummary")))}, (403,)),
        },
        "/process-drafts/{key}": {
            "get": operation("getDraft", TAG, "En kladde med filer", {"200": ok("Kladden", ref("Draft"))},
                             (403, 404)),
            "put": operation("saveDraft", TAG, "Opret eller gem en kladde; en forældet revision er 409",
                             {"200": ok("Gemt", ref("Draft")), "201": ok("Oprettet", ref("Draft"))},
                             (400, 403, 409, 413, 422), body=json_body("DraftInput")),
            "delete": operation("deleteDraft", TAG, "Slet en kladde", {"204": {"description": "Slettet"}},
                                (400, 403, 404, 409, 422),
                                parameters=[parameter("revision", "query", integer(), "Revisionen der slettes")]),
        },
        "/process-drafts/{key}/validate": {
            "post": operation("validateDraft", TAG, "Kladdens fejl og advarsler",
                              {"200": ok("Rapporten", ref("DraftValidation"))}, (403, 404, 503)),
        },
        "/process-drafts/{key}/deploy": {
            "post": operation("deployDraft", TAG, "Udrul præcis denne revision af kladden",
                              {"201": ok("Udrullet", ref("DeployedDraft"))}, (400, 403, 404, 409, 413, 422, 503),
                              body=json_body("RevisionInput")),
        },
        "/process-drafts/{key}/test-runs": {
            "post": operation("testRunDraft", TAG, "Kør kladden i en sandkasse med falsk ur",
                              {"200": ok("Hvor forløbet står", ref("TestRun"))}, (400, 403, 404, 413, 422, 503),
                              body=json_body("TestRunInput", required=False)),
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the workbench's paths, tag and schemas added."""
    for path, methods in operations().items():
        item: dict[str, Any] = dict(methods)
        item["parameters"] = [p for p in (KEY, VERSION) if "{" + p["name"] + "}" in path]
        document["paths"][path] = item
    document["tags"].append({"name": TAG})
    document["components"]["schemas"].update(schemas())
    return document
