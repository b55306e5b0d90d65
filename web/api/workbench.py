"""The process owner's workbench: versions, drafts, diffs and migrations (issue 4).

Endpoints (for the OpenAPI document):
- GET  /process-models/{key}/versions/{version}            a version with all its files
- GET  /process-models/{key}/versions/{version}/bpmn       the diagram, as a download
- GET  /process-models/{key}/diff?from=&to=                elements added, removed, changed
- POST /process-models/{key}/migrations                    dry run or move running instances
- GET  /process-drafts                                     drafts (without files)
- GET  /process-drafts/{key}                               one draft with files and revision
- PUT  /process-drafts/{key}   {"files", "revision"?, "based_on_version"?}   create or save; 409 if stale
- DELETE /process-drafts/{key}?revision=N
- POST /process-drafts/{key}/validate                      errors and warnings of the draft
- POST /process-drafts/{key}/deploy {"revision"}           deploy exactly that revision
- POST /process-drafts/{key}/test-runs {"steps", "start"?, "birthdate"?, "data"?}   replay steps in a sandbox
  steps: {"action": "complete", "element_id", "role"?, "user"?, "data"} | {"action": "advance", "days"?, "hours"?}
         | {"action": "message", "name", "data"?}
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from engine.definitions import drafts, instance_migration, version_diff, versions
from web.api.auth import actor, engine
from web.api.params import int_arg, json_object

bp = Blueprint("workbench", __name__)


@bp.get("/process-models/<key>/versions/<int:version>")
def get_process_version(key: str, version: int) -> Response:
    return jsonify(versions.get_version(engine().reader(), actor(), key, version))


@bp.get("/process-models/<key>/versions/<int:version>/bpmn")
def download_process_version(key: str, version: int) -> Response:
    name, xml = versions.version_bpmn(engine().reader(), actor(), key, version)
    return Response(xml, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/process-models/<key>/diff")
def diff_process_versions(key: str) -> Response:
    return jsonify(version_diff.diff_versions(engine().reader(), actor(), key, int_arg("from"), int_arg("to")))


@bp.post("/process-models/<key>/migrations")
def migrate_process_instances(key: str) -> Response:
    body = json_object()
    return jsonify(instance_migration.migrate_instances(
        engine(), actor(), key, body.get("from_version"), body.get("to_version"), body.get("dry_run", True),
        body.get("mapping"), body.get("limit"), body.get("instance_ids"),
        timer_rule=body.get("timer_rule", "keep"), revisions=body.get("revisions")))


@bp.get("/process-drafts")
def list_process_drafts() -> Response:
    return jsonify(drafts.list_drafts(engine().reader(), actor()))


@bp.get("/process-drafts/<key>")
def get_process_draft(key: str) -> Response:
    return jsonify(drafts.get_draft(engine().reader(), actor(), key))


@bp.put("/process-drafts/<key>")
def save_process_draft(key: str) -> tuple[Response, int]:
    body = json_object()
    draft = drafts.save_draft(engine().uow(), actor(), key, body.get("files"), body.get("revision"),
                              body.get("based_on_version"))
    return jsonify(draft), 201 if draft["revision"] == 1 else 200


@bp.delete("/process-drafts/<key>")
def delete_process_draft(key: str) -> tuple[str, int]:
    drafts.delete_draft(engine().uow(), actor(), key, int_arg("revision"))
    return "", 204


@bp.post("/process-drafts/<key>/validate")
def validate_process_draft(key: str) -> Response:
    return jsonify(drafts.validate_draft(engine().reader(), actor(), key))


@bp.post("/process-drafts/<key>/deploy")
def deploy_process_draft(key: str) -> tuple[Response, int]:
    return jsonify(drafts.deploy_draft(engine().uow(), actor(), key, json_object().get("revision"))), 201


@bp.post("/process-drafts/<key>/test-runs")
def test_run_process_draft(key: str) -> Response:
    body = json_object()
    return jsonify(drafts.test_run_draft(engine().reader(), actor(), key, body.get("steps"), body.get("start"),
                                         body.get("birthdate"), body.get("data")))
