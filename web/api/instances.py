"""Instances: one young person's course each."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from engine.courses import control as course_control
from engine.courses import events, instances
from web.api.auth import actor, engine
from web.api.params import json_object

bp = Blueprint("instances", __name__)


@bp.post("/instances")
def start_instance() -> tuple[Response, int]:
    body = json_object()
    instance = instances.start_instance(engine().uow(), actor(), body.get("process_key"), body.get("youth_id"),
                                        body.get("data"))
    return jsonify(instance), 201


@bp.get("/instances/<int:instance_id>")
def get_instance(instance_id: int) -> Response:
    return jsonify(instances.get_instance(engine().uow(), actor(), instance_id))


@bp.post("/instances/<int:instance_id>/retry")
def retry_instance(instance_id: int) -> Response:
    return jsonify(instances.retry_instance(engine().uow(), actor(), instance_id, json_object().get("data")))


@bp.post("/instances/<int:instance_id>/timers/fire")
def fire_timer_now(instance_id: int) -> Response:
    return jsonify(events.fire_timer_now(engine().uow(), actor(), instance_id, json_object().get("element_id")))


@bp.post("/instances/<int:instance_id>/pause")
def pause_instance(instance_id: int) -> Response:
    body = json_object()
    return jsonify(course_control.pause_course(engine().uow(), actor(), instance_id, body.get("reason"),
                                               body.get("resume_on")))


@bp.post("/instances/<int:instance_id>/resume")
def resume_instance(instance_id: int) -> Response:
    return jsonify(course_control.resume_course(engine().uow(), actor(), instance_id))


@bp.post("/instances/<int:instance_id>/close")
def close_instance(instance_id: int) -> Response:
    return jsonify(course_control.close_course(engine().uow(), actor(), instance_id, json_object().get("reason")))
