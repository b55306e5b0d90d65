"""The process owner's workbench: the model library, the modeler, diffs and migrations.

The modeler, diff and migration pages are driven by their scripts (bpmn-js in the browser); the
scripts call the JSON endpoints below with the session and the CSRF header, and each endpoint
calls one engine service, exactly as the REST API does, and answers in the reader's language
(``localize``: diagram problems, migration reasons and errors show in English on English pages).
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.definitions import deployment, drafts, instance_migration, sandbox, versions, workbench_pages
from engine.platform.errors import Conflict, InvalidInput
from web.errors import BadRequestError
from web.i18n import _, catalog, current_language, localize
from web.pages.auth import current_actor, engine, permission_required
from web.pages.nav import add_nav_item

bp = Blueprint("workbench", __name__, url_prefix="/procesmodeller")
add_nav_item("workbench.library", "workbench.nav", permission="edit_diagrams", order=60)


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequestError(_("workbench.bad_body"))
    return body


def _messages() -> dict[str, str]:
    """The workbench's texts for its scripts, in the page's language."""
    return {key: value for key, value in catalog(current_language()).items() if key.startswith("workbench.js.")}


@bp.get("/")
@permission_required("edit_diagrams")
def library() -> str:
    processes, drafts = workbench_pages.library(engine().reader(), current_actor())
    return render_template("workbench/library.html", processes=processes, drafts=drafts)


@bp.post("/importer")
@permission_required("edit_diagrams")
def import_diagram() -> ResponseReturnValue:
    """A diagram from another tool (Camunda Modeler, spiff-arena, ...) becomes a draft to open and check."""
    upload = request.files.get("diagram")
    key = (request.form.get("key") or "").strip()
    if upload is None or not upload.filename:
        flash(_("workbench.import_no_file"), "error")
        return redirect(url_for("workbench.library"))
    name = re.sub(r"[^A-Za-z0-9_.\-]", "_", PurePosixPath(upload.filename.replace("\\", "/")).name) or "diagram.bpmn"
    if not name.lower().endswith((".bpmn", ".xml")):
        name += ".bpmn"
    key = key or re.sub(r"^[^A-Za-z_]+", "", name.rsplit(".", 1)[0].replace(".", "_")) or "diagram"
    content = upload.read()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        flash(_("workbench.import_not_text"), "error")
        return redirect(url_for("workbench.library"))
    try:
        drafts.save_draft(engine().uow(), current_actor(), key, {name: text})
    except (InvalidInput, Conflict) as error:
        flash(localize(error.message), "error")
        return redirect(url_for("workbench.library"))
    return redirect(url_for("workbench.modeler", key=key, kladde=1))


@bp.get("/<key>/v<int:version>.bpmn")
@permission_required("edit_diagrams")
def download(key: str, version: int) -> Response:
    name, xml = versions.version_bpmn(engine().reader(), current_actor(), key, version)
    return Response(xml, mimetype="application/xml", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/<key>/modeller")
@permission_required("edit_diagrams")
def modeler(key: str) -> str:
    wanted = request.args.get("version", "")
    opened = workbench_pages.modeler(engine().reader(), current_actor(), key, int(wanted) if wanted.isdigit() else None,
                                     draft=request.args.get("kladde") == "1")
    if opened is None:
        raise BadRequestError(_("workbench.unknown_process"))
    files, revision, based_on = opened["files"], opened["revision"], opened["based_on_version"]
    data = {"key": key, "files": files, "revision": revision, "based_on_version": based_on,
            "bpmn_file": versions.bpmn_name(files), "messages": _messages(),
            "urls": {"validate": url_for("workbench.validate"), "save": url_for("workbench.save_draft", key=key),
                     "deploy": url_for("workbench.deploy_draft", key=key),
                     "test_run": url_for("workbench.test_run", key=key),
                     "migrate": url_for("workbench.migration_page", key=key),
                     "library": url_for("workbench.library")}}
    return render_template("workbench/modeler.html", key=key, data=data, based_on=based_on, revision=revision)


@bp.post("/valider")
@permission_required("edit_diagrams")
def validate() -> Response:
    return jsonify(localize(deployment.validate(engine().reader(), current_actor(), _files(_json_body()))))


def _files(body: dict[str, Any]) -> dict[str, str]:
    files = body.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise BadRequestError(_("workbench.bad_body"))
    return files


@bp.put("/<key>/kladde")
@permission_required("edit_diagrams")
def save_draft(key: str) -> Response:
    body = _json_body()
    return jsonify(drafts.save_draft(engine().uow(), current_actor(), key, body.get("files"), body.get("revision"),
                                     body.get("based_on_version")))


@bp.post("/<key>/kladde/udrul")
@permission_required("edit_diagrams")
def deploy_draft(key: str) -> Response:
    deployed = drafts.deploy_draft(engine().uow(), current_actor(), key, _json_body().get("revision"))
    return jsonify({**deployed, "migrate_url": url_for("workbench.migration_page", key=key,
                                                       til=deployed["version"])})


@bp.post("/<key>/testkoersel")
@permission_required("edit_diagrams")
def test_run(key: str) -> Response:
    body = _json_body()
    return jsonify(localize(sandbox.test_run(engine().uow(), current_actor(), _files(body), body.get("steps"), body.get("start"),
                                             body.get("birthdate"))))


def _chosen(choice: workbench_pages.VersionChoice | None) -> workbench_pages.VersionChoice:
    if choice is None:
        raise BadRequestError(_("workbench.unknown_process"))
    return choice


@bp.get("/<key>/forskel")
@permission_required("edit_diagrams")
def diff_page(key: str) -> str:
    choice = _chosen(workbench_pages.comparison(engine().reader(), current_actor(), key,
                                                request.args.get("fra", ""), request.args.get("til", "")))
    return render_template("workbench/diff.html", key=key, numbers=choice.numbers, from_version=choice.from_version,
                           to_version=choice.to_version, diff=choice.diff,
                           data={"diff": choice.diff, "diagrams": choice.diagrams})


@bp.get("/<key>/migrering")
@permission_required("edit_diagrams")
def migration_page(key: str) -> str:
    choice = _chosen(workbench_pages.migration(engine().reader(), current_actor(), key,
                                               request.args.get("fra", ""), request.args.get("til", "")))
    data = {"key": key, "from_version": choice.from_version, "to_version": choice.to_version, "steps": choice.steps,
            "messages": _messages(), "url": url_for("workbench.migrate", key=key)}
    return render_template("workbench/migration.html", key=key, numbers=choice.numbers,
                           from_version=choice.from_version, to_version=choice.to_version, data=data)


@bp.post("/<key>/migrering")
@permission_required("edit_diagrams")
def migrate(key: str) -> Response:
    body = _json_body()
    return jsonify(localize(instance_migration.migrate_instances(
        engine(), current_actor(), key, body.get("from_version"), body.get("to_version"), body.get("dry_run", True),
        body.get("mapping"), body.get("limit"), body.get("instance_ids"),
        timer_rule=body.get("timer_rule", "keep"), revisions=body.get("revisions"))))
