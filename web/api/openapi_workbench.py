"""The workbench's part of the OpenAPI document (versions, diffs, migrations, drafts, test runs).

Kept beside :mod:`web.api.openapi_spec` and merged into the served document by
:func:`extend`, built from the same building blocks, so the workbench's branch did not have to
edit the shared document; it can be folded into ``operations()`` and ``schemas()`` as it is.
"""
from __future__ import annotations

from typing import Any

from web.api import openapi_spec as spec

TAG = "workbench"


def schemas() -> dict[str, spec.Schema]:
    files = {"type": "object", "additionalProperties": spec.string(), "description":
             "Filnavn -> indhold: diagram.bpmn, forms/KEY.json, decisions/NAME.dmn"}
    draft_fields = {"key": spec.string(), "revision": spec.integer("Stiger med én ved hver gemning"),
                    "based_on_version": spec.integer(nullable=True), "created_at": spec.timestamp(), "created_by": spec.string(),
                    "updated_at": spec.timestamp(), "updated_by": spec.string()}
    element = {"element_id": spec.string(), "type": spec.string("BPMN-elementtypen, fx userTask"),
               "name": spec.string(nullable=True)}
    return {
        "ProcessVersionFiles": spec.obj({"key": spec.string(), "version": spec.integer(), "name": spec.string(),
                                         "deployed_at": spec.timestamp(), "deployed_by": spec.string(nullable=True),
                                         "bpmn_file": spec.string("Diagrammets filnavn blandt files"), "files": files}),
        "DraftSummary": spec.obj(draft_fields),
        "Draft": spec.obj({**draft_fields, "files": files}),
        "DraftInput": spec.obj({"files": files, "revision": spec.integer("Revisionen ændringen bygger på; udelades for en ny "
                                                                         "kladde", nullable=True),
                                "based_on_version": spec.integer(nullable=True)}, required=["files"]),
        "RevisionInput": spec.obj({"revision": spec.integer()}, required=["revision"]),
        "DraftValidation": {"allOf": [spec.ref("ValidationReport"), spec.obj({"revision": spec.integer()})]},
        "DeployedDraft": {"allOf": [spec.ref("Deployed"), spec.obj({"deployed": spec.array(spec.ref("Deployed"))})]},
        "VersionDiff": spec.obj({
            "key": spec.string(), "from": spec.integer(), "to": spec.integer(),
            "added": spec.array(spec.obj(element)), "removed": spec.array(spec.obj(element)),
            "changed": spec.array(spec.obj({**element,
                                            "changes": spec.array(spec.string(), "Hvad der er ændret, fx timer, navn")})),
        }),
        "MigrationInput": spec.obj({
            "from_version": spec.integer(), "to_version": spec.integer(),
            "dry_run": spec.boolean("Standard true: flyt intet, sig kun hvad der kan flyttes"),
            "mapping": {"type": "object", "additionalProperties": spec.string(),
                        "description": "Gammelt element-id -> nyt element-id for trin der ikke findes i den nye version"},
            "instance_ids": spec.array(spec.integer(), "Kun disse forløb (til flytning i portioner)"),
            "limit": spec.integer("Højst så mange forløb i dette kald", minimum=1),
            "timer_rule": spec.string("Ventende timere hvis definition er ændret: keep (standard) beholder fristen, "
                                      "from_start regner den nye definition fra da ventetiden startede (aldrig fra "
                                      "flytningen)", enum=["keep", "from_start"]),
            "revisions": {"type": "object", "additionalProperties": spec.integer(),
                          "description": "Forløbs-id -> revision fra prøvekørslen: et forløb der er ændret siden, "
                                         "flyttes ikke (konflikt)"},
        }, required=["from_version", "to_version"]),
        "MigrationResult": spec.obj({
            "from_version": spec.integer(), "to_version": spec.integer(), "dry_run": spec.boolean(),
            "migrated": spec.integer("Flyttet i dette kald"), "remaining": spec.integer("Forløb stadig på from_version"),
            "movable": spec.integer("Kan flyttes, men er ikke flyttet i dette kald"),
            "conflicts": spec.integer("Forløb ændret siden prøvekørslen eller flyttet af en anden imens"),
            "timer_rule": spec.string(enum=["keep", "from_start"]),
            "instances": spec.array(spec.obj({
                "id": spec.integer(), "can_migrate": spec.boolean(),
                "youth_id": spec.integer(),
                "youth_name": spec.string("Den unges navn, kun for den der må se den unge (aldrig CPR)"),
                "revision": spec.integer("Forløbets revision; send den tilbage i revisions ved flytning"),
                "status": spec.string(), "steps": spec.array(spec.string(), "Trin forløbet står ved"),
                "next_deadline_before": spec.timestamp("Næste frist før flytning", nullable=True),
                "next_deadline_after": spec.timestamp("Næste frist efter flytning", nullable=True),
                "timers": spec.array(spec.obj({"element_id": spec.string(), "name": spec.string(),
                                               "due_before": spec.timestamp(nullable=True),
                                               "due_after": spec.timestamp(nullable=True),
                                               "definition_changed": spec.boolean()})),
                "reason": spec.string("Hvorfor forløbet ikke kan flyttes"),
                "element_id": spec.string("Trinnet forløbet venter ved", nullable=True),
                "conflict": spec.boolean("Ændret siden prøvekørslen eller flyttet imens: ikke flyttet"),
                "migrated": spec.boolean()}, required=["id", "can_migrate"])),
        }),
        "TestRunInput": spec.obj({
            "steps": spec.array(spec.free_object("{action: complete, element_id, role?, user?, data} | "
                                                 "{action: advance, days?, hours?} | {action: message, name, data?}")),
            "start": spec.timestamp("Testkørslens ur ved start"), "birthdate": spec.string(format="date"),
            "data": spec.free_object("Startdata"),
        }, required=[]),
        "TestRun": spec.obj({
            "revision": spec.integer(), "now": spec.timestamp(), "status": spec.string(),
            "error": spec.free_object(nullable=True),
            "open_tasks": spec.array(spec.free_object()), "data": spec.free_object(), "steps_done": spec.integer(),
            "failed": spec.free_object("Trinnet der mislykkedes og hvorfor", nullable=True),
            "history": spec.array(spec.free_object()),
        }),
    }


KEY = spec.parameter("key", "path", spec.string(), "Procesmodellens nøgle (den eksekverbare proces' id)")
VERSION = spec.parameter("version", "path", spec.integer(), "Versionsnummer")


def operations() -> dict[str, dict[str, dict[str, Any]]]:
    return {
        "/process-models/{key}/versions/{version}": {
            "get": spec.operation("getProcessVersion", TAG, "En version med alle dens filer (procesejer, admin)",
                                  {"200": spec.ok("Versionen", spec.ref("ProcessVersionFiles"))}, (403, 404)),
        },
        "/process-models/{key}/versions/{version}/bpmn": {
            "get": spec.operation("downloadProcessVersion", TAG, "Versionens BPMN-fil til download",
                                  {"200": {"description": "BPMN XML",
                                           "content": {"application/xml": {"schema": spec.string()}}}}, (403, 404)),
        },
        "/process-models/{key}/diff": {
            "get": spec.operation("diffProcessVersions", TAG, "Elementer tilføjet, fjernet og ændret mellem to versioner",
                                  {"200": spec.ok("Forskellen", spec.ref("VersionDiff"))}, (400, 403, 404, 422), parameters=[
                                 spec.parameter("from", "query", spec.integer(), "Fra version"),
                                 spec.parameter("to", "query", spec.integer(), "Til version")]),
        },
        "/process-models/{key}/migrations": spec.json_post(
            "migrateInstances", TAG, "Prøvekørsel eller flytning af kørende forløb til en anden version (procesejer, "
            "admin); 409 når intet blev flyttet fordi de valgte forløb er ændret siden prøvekørslen",
            "Hvert forløb", spec.ref("MigrationResult"), "MigrationInput"),
        "/process-drafts": {
            "get": spec.operation("listDrafts", TAG, "Kladder (uden filer)",
                                  {"200": spec.ok("Kladderne", spec.array(spec.ref("DraftSummary")))}, (403,)),
        },
        "/process-drafts/{key}": {
            "get": spec.operation("getDraft", TAG, "En kladde med filer", {"200": spec.ok("Kladden", spec.ref("Draft"))},
                                  (403, 404)),
            "put": spec.operation("saveDraft", TAG, "Opret eller gem en kladde; en forældet revision er 409",
                                  {"200": spec.ok("Gemt", spec.ref("Draft")), "201": spec.ok("Oprettet", spec.ref("Draft"))},
                                  (400, 403, 409, 413, 422), body=spec.json_body("DraftInput")),
            "delete": spec.operation("deleteDraft", TAG, "Slet en kladde", {"204": {"description": "Slettet"}},
                                     (400, 403, 404, 409, 422),
                                     parameters=[spec.parameter("revision", "query", spec.integer(), "Revisionen der slettes")]),
        },
        "/process-drafts/{key}/validate": {
            "post": spec.operation("validateDraft", TAG, "Kladdens fejl og advarsler",
                                   {"200": spec.ok("Rapporten", spec.ref("DraftValidation"))}, (403, 404, 503)),
        },
        "/process-drafts/{key}/deploy": {
            "post": spec.operation("deployDraft", TAG, "Udrul præcis denne revision af kladden",
                                   {"201": spec.ok("Udrullet", spec.ref("DeployedDraft"))}, (400, 403, 404, 409, 413, 422, 503),
                                   body=spec.json_body("RevisionInput")),
        },
        "/process-drafts/{key}/test-runs": {
            "post": spec.operation("testRunDraft", TAG, "Kør kladden i en sandkasse med falsk ur",
                                   {"200": spec.ok("Hvor forløbet står", spec.ref("TestRun"))}, (400, 403, 404, 413, 422, 503),
                                   body=spec.json_body("TestRunInput", required=False)),
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
