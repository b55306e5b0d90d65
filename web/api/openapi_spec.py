"""The OpenAPI 3.0.3 document, built from small pieces so each schema is written once.

Schemas live under ``components.schemas`` and are referenced by name; error responses live under
``components.responses`` and every operation lists those that can happen to it. The document
describes the routes that exist in :mod:`web.api`, nothing more (tests/web/test_openapi.py holds
the two to each other).
"""
from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

JSON = "application/json"
BEARER = "bearerAuth"

# --- schema building blocks -------------------------------------------------------------------


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def string(description: str | None = None, *, nullable: bool = False, **extra: Any) -> Schema:
    return _with({"type": "string", **extra}, description, nullable)


def integer(description: str | None = None, *, nullable: bool = False, **extra: Any) -> Schema:
    return _with({"type": "integer", **extra}, description, nullable)


def number(description: str | None = None) -> Schema:
    return _with({"type": "number"}, description, False)


def boolean(description: str | None = None) -> Schema:
    return _with({"type": "boolean"}, description, False)


def timestamp(description: str | None = None, *, nullable: bool = False) -> Schema:
    return string(description, nullable=nullable, format="date-time")


def day(description: str | None = None) -> Schema:
    return string(description, format="date")


def free_object(description: str | None = None, *, nullable: bool = False) -> Schema:
    """A JSON object with any members (instance data, form data, a form's JSON Schema)."""
    return _with({"type": "object", "additionalProperties": True}, description, nullable)


def array(items: Schema, description: str | None = None) -> Schema:
    return _with({"type": "array", "items": items}, description, False)


def obj(properties: dict[str, Schema], required: list[str] | None = None, description: str | None = None,
        *, nullable: bool = False) -> Schema:
    """An object; ``required=None`` means every property is always present (the engine's views)."""
    schema: Schema = {"type": "object", "properties": properties,
                      "required": list(properties) if required is None else required}
    if not schema["required"]:
        del schema["required"]
    return _with(schema, description, nullable)


def _with(schema: Schema, description: str | None, nullable: bool) -> Schema:
    if description:
        schema["description"] = description
    if nullable:
        schema["nullable"] = True
    return schema


# --- component schemas ------------------------------------------------------------------------

TASK_STATES = ["ready", "completed", "cancelled"]
INSTANCE_STATUSES = ["running", "paused", "completed", "terminated", "error"]


def task_schema() -> Schema:
    return obj({
        "id": string("SpiffWorkflow-opgavens id", format="uuid"),
        "instance_id": integer(),
        "youth_id": integer(),
        "element_id": string("Opgavens id i diagrammet"),
        "name": string(),
        "role": string("Rollen (banen) der udfører opgaven", nullable=True),
        "assignee": string("Brugernavnet på den der har taget opgaven", nullable=True),
        "state": string(enum=TASK_STATES),
        "created_at": timestamp(),
        "due_at": timestamp("Frist, hvis opgaven har en", nullable=True),
        "form": string("Formularens nøgle (forms/KEY.json)", nullable=True),
        "process_key": string(),
        "completed_at": timestamp(nullable=True),
        "completed_by": string(nullable=True),
    }, description="En menneskelig opgave")


def task_detail_schema() -> Schema:
    return {"allOf": [ref("Task"), obj({
        "form_schema": free_object("Formularens JSON Schema, hvis opgaven har en formular", nullable=True),
        "may_act": boolean("Om kalderen må tage og afslutte opgaven"),
        "data": free_object("Det indsendte (kun en afsluttet opgave); null hvis det ikke blev gemt", nullable=True),
    }, required=["form_schema", "may_act"])], "description": "En opgave med dens formular"}


def instance_event_schema() -> Schema:
    return obj({
        "at": timestamp(),
        "kind": string("Fx instance_started, task_created, task_claimed, task_unclaimed, task_completed, "
                       "task_cancelled, step_completed, timer_fired, message_received, instance_error, "
                       "instance_retried, instance_completed, timer_advanced, course_paused, course_resumed, "
                       "course_closed, dropout_reported"),
        "element_id": string(nullable=True),
        "name": string(nullable=True),
        "element_type": string(nullable=True),
        "task_id": string(nullable=True),
        "user": string(nullable=True),
        "detail": free_object(nullable=True),
    }, description="Et skridt i et forløbs historik")


def instance_schema() -> Schema:
    return obj({
        "id": integer(),
        "status": string(enum=INSTANCE_STATUSES),
        "process_key": string(),
        "version": integer("Procesmodellens version"),
        "youth_id": integer(),
        "data": free_object("Forløbets data"),
        "created_at": timestamp(),
        "updated_at": timestamp(),
        "completed_at": timestamp(nullable=True),
        "error": obj({"message": string(nullable=True), "element_id": string(nullable=True)},
                     description="Fejlen, når status er error; ellers null", nullable=True),
        "tasks": array(ref("Task"), "Forløbets opgaver; efter complete, retry og messages kun de åbne"),
        "history": array(ref("InstanceEvent"), "Forløbets historik; kun fra POST /instances og GET /instances/{id}"),
    }, required=["id", "status", "process_key", "version", "youth_id", "data", "created_at", "updated_at",
                 "completed_at", "error", "tasks"], description="En ungs forløb")


def youth_schema() -> Schema:
    return obj({
        "id": integer(),
        "name": string(),
        "birthdate": day(),
        "cpr": string("Maskeret CPR-nummer (DDMMÅÅ-XXXX)", nullable=True),
        "created_at": timestamp(),
    }, description="En ung")


def deployed_schema() -> Schema:
    return obj({
        "key": string("Den eksekverbare proces' id"),
        "version": integer("Samme indhold igen giver samme version"),
        "process_ids": array(string(), "Alle eksekverbare processer i udrulningen"),
    })


def deploy_result_schema() -> Schema:
    return {"allOf": [ref("Deployed"), obj({
        "deployed": array(ref("Deployed"), "Hver udrullet proces, når filerne indeholder flere"),
    }, required=[])]}


def process_model_version_schema() -> Schema:
    return obj({
        "key": string(),
        "version": integer(),
        "name": string(),
        "deployed_at": timestamp(),
        "deployed_by": string(nullable=True),
        "running_instances": integer("Antal kørende forløb på denne version"),
    })


def problem_schema() -> Schema:
    return obj({"element_id": string("Elementet i diagrammet, hvis problemet har et", nullable=True),
                "message": string()}, description="Et problem i et diagram")


def field_error_schema() -> Schema:
    return obj({"field": string("Feltet i forespørgslen"),
                "path": string("Stien i formularens data, fx milepaele/0/frist"),
                "message": string()}, required=["message"], description="En fejl i indsendte data")


def validation_report_schema() -> Schema:
    return obj({"errors": array(ref("Problem")), "warnings": array(ref("Problem"))})


def error_schema() -> Schema:
    return obj({
        "error": string("Fejlbesked til mennesker (dansk)"),
        "code": string("Fejlens faste nøgle til programmer, fx engine.task.not_found; sat for fejl fra motoren"),
        "errors": array({"anyOf": [ref("Problem"), ref("FieldError")]}, "Hvad der er galt og hvor (422)"),
        "state": string("Opgavens tilstand, når den ikke længere er klar (409)"),
        "assignee": string("Hvem der har taget opgaven (409)"),
        "status": string("Forløbets status, når det ikke kører (409)"),
    }, required=["error"], description="Alle fejl: JSON, aldrig en HTML-side")


def bottleneck_schema() -> Schema:
    return obj({
        "element_id": string(),
        "name": string(),
        "role": string(nullable=True),
        "waiting": integer("Åbne opgaver nu"),
        "median_wait_hours": number(),
        "p90_wait_hours": number(),
        "overdue": integer("Åbne opgaver over fristen"),
    })


def audit_entry_schema() -> Schema:
    return obj({
        "at": timestamp(),
        "user": string(nullable=True),
        "action": string(),
        "youth_id": integer(nullable=True),
        "detail": string(nullable=True),
    })


def youth_input_schema() -> Schema:
    return obj({
        "name": string(minLength=1, maxLength=200),
        "birthdate": day(),
        "cpr": string("DDMMÅÅ-XXXX eller DDMMÅÅXXXX; skal passe med fødselsdatoen", nullable=True),
    }, required=["name", "birthdate"])


def instance_input_schema() -> Schema:
    return obj({
        "process_key": string("Startes på den nyeste version"),
        "youth_id": integer(),
        "data": free_object("Startdata til forløbet"),
    }, required=["process_key", "youth_id"])


def data_input_schema() -> Schema:
    return obj({"data": free_object()}, required=[])


def timer_input_schema() -> Schema:
    return obj({"element_id": string("Tidsfristens element i diagrammet, fx vent_paa_opfoelgning", minLength=1)},
               required=["element_id"])


def message_input_schema() -> Schema:
    schema = obj({
        "name": string("Beskedens navn i diagrammet", minLength=1),
        "youth_id": integer("Den unges ældste forløb der venter på beskeden"),
        "instance_id": integer(),
        "data": free_object("Beskedens indhold: kun felterne i formularen som den modtagende hændelse erklærer "
                            "(camunda:formKey, ellers hændelsens id); uden formular kun {}"),
    }, required=["name"], description="Angiv enten youth_id eller instance_id. Afsenderen skal have adgang til "
                                      "den unge (eller en integration med tilladelsen message_any_course)")
    schema["oneOf"] = [{"required": ["youth_id"]}, {"required": ["instance_id"]}]
    return schema


def message_delivered_schema() -> Schema:
    return obj({"instance_id": integer("Forløbet der modtog beskeden"),
                "status": string("Forløbets status bagefter", enum=["running", "completed", "terminated", "error"])},
               description="Kun hvilket forløb der fik beskeden: aldrig forløbets data")


def schemas() -> dict[str, Schema]:
    return {
        "Task": task_schema(),
        "TaskDetail": task_detail_schema(),
        "InstanceEvent": instance_event_schema(),
        "Instance": instance_schema(),
        "Youth": youth_schema(),
        "Deployed": deployed_schema(),
        "DeployResult": deploy_result_schema(),
        "ProcessModelVersion": process_model_version_schema(),
        "Problem": problem_schema(),
        "FieldError": field_error_schema(),
        "ValidationReport": validation_report_schema(),
        "Error": error_schema(),
        "Bottleneck": bottleneck_schema(),
        "AuditEntry": audit_entry_schema(),
        "YouthInput": youth_input_schema(),
        "InstanceInput": instance_input_schema(),
        "DataInput": data_input_schema(),
        "MessageInput": message_input_schema(),
        "MessageDelivered": message_delivered_schema(),
        "SignalInput": obj({"name": string("Signalets navn i diagrammet", minLength=1),
                            "data": free_object("Signalets indhold: kun felterne i formularen som hver modtagende "
                                                "hændelse erklærer; uden formular kun {}")},
                           required=["name"], description="Et signal til alle ventende forløb afsenderen har adgang "
                                                          "til (alle, med tilladelsen message_any_course)"),
        "SignalDelivered": obj({"name": string("Signalets navn"),
                                "instances": array(ref("MessageDelivered"))},
                               description="Forløbene der modtog signalet (måske ingen): aldrig deres data"),
        "AssignInput": obj({"user": string("Brugernavnet på den der skal have opgaven")}, required=["user"]),
        "TimerInput": timer_input_schema(),
        "SearchInput": obj({"q": string("Del af navnet eller et helt CPR-nummer")}, required=["q"]),
        "PauseInput": obj({"reason": string("Hvorfor forløbet holder pause"),
                           "resume_on": day("Dagen forløbet genoptages af sig selv (efter i dag)")},
                          description="Sæt et forløb på pause"),
        "CloseInput": obj({"reason": string("Hvorfor forløbet lukkes")}, description="Luk et forløb"),
        "CourseStatus": obj({"id": integer(), "youth_id": integer(), "status": string(enum=INSTANCE_STATUSES)},
                            description="Et forløbs status efter en handling"),
    }


# --- responses, parameters, request bodies --------------------------------------------------

ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "Forespørgslen er ikke velformet (ugyldig JSON, ikke et objekt, forkert parameter)"),
    401: ("Unauthorized", "Intet eller ugyldigt API-token"),
    403: ("Forbidden", "Brugeren må ikke dette"),
    404: ("NotFound", "Findes ikke"),
    409: ("Conflict", "Tilstanden har flyttet sig (taget af en anden, ikke klar længere, samtidig ændring)"),
    413: ("PayloadTooLarge", "Forespørgslen er større end 10 MB"),
    422: ("Unprocessable", "Velformet men ugyldigt input; errors siger hvad og hvor"),
    429: ("TooManyRequests", "For mange CPR-søgninger; retry_after siger hvor mange sekunder der skal gå"),
    503: ("Busy", "Serveren kontrollerer allerede så mange diagrammer, som den må; prøv igen efter Retry-After sekunder"),
}


def json_content(schema: Schema) -> dict[str, Any]:
    return {JSON: {"schema": schema}}


def error_responses() -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for name, description in ERRORS.values():
        responses[name] = {"description": description, "content": json_content(ref("Error"))}
    responses["Unauthorized"]["headers"] = {"WWW-Authenticate": {"schema": string(enum=["Bearer"])}}
    return responses


def ok(description: str, schema: Schema, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": json_content(schema)}
    if headers:
        response["headers"] = headers
    return response


def parameter(name: str, where: str, schema: Schema, description: str) -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": schema, "description": description}


def json_body(schema_name: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": json_content(ref(schema_name))}


def files_body() -> dict[str, Any]:
    return {"required": True, "description": (
        "En BPMN-fil som rå XML, eller multipart med flere filer (BPMN, DMN, formularer som KEY.json) "
        "under vilkårlige feltnavne; filnavnet afgør formularens nøgle"), "content": {
        "application/xml": {"schema": string(format="binary")},
        "multipart/form-data": {"schema": {"type": "object", "additionalProperties": string(format="binary")}},
    }}


ID_PARAMETERS = {
    "instance_id": integer(),
    "youth_id": integer(),
    "task_id": string(format="uuid"),
}


def operation(operation_id: str, tag: str, summary: str, responses: dict[str, Any], errors: tuple[int, ...] = (),
              *, parameters: list[dict[str, Any]] | None = None, body: dict[str, Any] | None = None,
              public: bool = False) -> dict[str, Any]:
    """One operation; 401 is added unless it is public, and each listed error status refers to its response."""
    statuses = sorted(set(errors) | (set() if public else {401}))
    op: dict[str, Any] = {"operationId": operation_id, "tags": [tag], "summary": summary}
    if parameters:
        op["parameters"] = parameters
    if body:
        op["requestBody"] = body
    op["responses"] = {**responses, **{str(s): {"$ref": f"#/components/responses/{ERRORS[s][0]}"}
                                       for s in statuses}}
    if public:
        op["security"] = []
    return op


# What a POST that changes a course or a task may answer besides success: bad JSON, not allowed, not
# found, changed meanwhile, too large, invalid.
CHANGE_ERRORS = (400, 403, 404, 409, 413, 422)


def json_post(operation_id: str, tag: str, summary: str, answer: str, schema: Schema, body: str,
              required: bool = True, *, status: str = "200", errors: tuple[int, ...] = CHANGE_ERRORS) -> dict[str, Any]:
    """A path's one operation: a POST with a JSON body (the schema named ``body``) and one success."""
    return {"post": operation(operation_id, tag, summary, {status: ok(answer, schema)}, errors,
                              body=json_body(body, required))}


def path_parameters(path: str) -> list[dict[str, Any]]:
    return [parameter(name, "path", schema, "Id") for name, schema in ID_PARAMETERS.items()
            if "{" + name + "}" in path]


# --- paths ------------------------------------------------------------------------------------

MOVED = "Forløbet kørt til næste ventepunkt (kun åbne opgaver, ingen historik)"

def operations() -> dict[str, dict[str, dict[str, Any]]]:
    """Path (relative to the server URL /api/v1) -> method -> operation."""
    return {
        "/process-models": {
            "post": operation("deployProcessModel", "process-models", "Udrul en procesmodel (procesejer, admin)",
                              {"201": ok("Udrullet; samme indhold igen giver samme version", ref("DeployResult"))},
                              (400, 403, 413, 422, 503), body=files_body()),
            "get": operation("listProcessModels", "process-models", "Alle udrullede versioner",
                             {"200": ok("Versionerne, efter nøgle og version", array(ref("ProcessModelVersion")))}),
        },
        "/process-models/validate": {
            "post": operation("validateProcessModel", "process-models",
                              "Tjek filer uden at udrulle (procesejer, admin)",
                              {"200": ok("Fejl og advarsler", ref("ValidationReport"))},
                              (400, 403, 413, 503), body=files_body()),
        },
        "/youths": {
            "post": operation("createYouth", "youths", "Opret en ung",
                              {"201": ok("Oprettet", ref("Youth"))}, (400, 403, 413, 422),
                              body=json_body("YouthInput")),
            "get": operation("searchYouths", "youths", "Søg unge kalderen må se (højst 50)",
                             {"200": ok("De fundne unge", array(ref("Youth")))}, (400,),
                             parameters=[parameter("q", "query", string(),
                                                   "Del af navnet; et CPR-nummer her afvises (400): "
                                                   "brug POST /youths/search")]),
        },
        "/youths/search": {
            "post": operation("searchYouthsByBody", "youths",
                              "Søg unge kalderen må se på navn eller helt CPR-nummer (højst 50); "
                              "hver søgning logges, CPR-søgninger højst 10 pr. 10 minutter pr. bruger",
                              {"200": ok("De fundne unge", array(ref("Youth")))}, (400, 413, 429),
                              body=json_body("SearchInput")),
        },
        "/youths/{youth_id}": {
            "get": operation("getYouth", "youths", "Én ung", {"200": ok("Den unge", ref("Youth"))}, (403, 404)),
        },
        "/instances": json_post("startInstance", "instances", "Start et forløb for en ung",
                                "Forløbet, kørt til første ventepunkt", ref("Instance"), "InstanceInput", status="201",
                                errors=(400, 403, 404, 413, 422)),
        "/instances/{instance_id}": {
            "get": operation("getInstance", "instances", "Et forløb med opgaver og historik",
                             {"200": ok("Forløbet", ref("Instance"))}, (403, 404)),
        },
        "/instances/{instance_id}/retry": json_post("retryInstance", "instances", "Kør det fejlede skridt igen (admin)",
                                                    MOVED, ref("Instance"), "DataInput", required=False),
        "/instances/{instance_id}/timers/fire": json_post(
            "fireTimerNow", "instances",
            "Lad en ventende tidsfrist udløbe nu, fx en opfølgning før tid (ungekoordinator, admin)",
            MOVED, ref("Instance"), "TimerInput"),
        "/instances/{instance_id}/pause": json_post(
            "pauseInstance", "instances",
            "Sæt forløbet på pause til en dato: ingen frister udløses, opgaver kan ikke afsluttes (ungekoordinator, admin)",
            "Forløbet er på pause", ref("CourseStatus"), "PauseInput"),
        "/instances/{instance_id}/resume": {
            "post": operation("resumeInstance", "instances",
                              "Genoptag et forløb på pause; frister nået imens udløses (ungekoordinator, admin)",
                              {"200": ok("Forløbet kører igen", ref("CourseStatus"))}, (403, 404, 409)),
        },
        "/instances/{instance_id}/close": json_post(
            "closeInstance", "instances",
            "Luk forløbet for altid med en begrundelse; åbne opgaver annulleres (ungekoordinator, admin)",
            "Forløbet er lukket", ref("CourseStatus"), "CloseInput"),
        "/tasks": {
            "get": operation("listTasks", "tasks", "Opgaver, personlige først og så efter frist",
                             {"200": ok("En side opgaver", array(ref("Task")), {"X-Total-Count": {
                                 "description": "Antal opgaver i alt med disse filtre", "schema": integer()}})},
                             (400,), parameters=task_filters()),
        },
        "/tasks/{task_id}": {
            "get": operation("getTask", "tasks", "Én opgave med formular",
                             {"200": ok("Opgaven", ref("TaskDetail"))}, (403, 404)),
        },
        "/tasks/{task_id}/claim": {
            "post": operation("claimTask", "tasks", "Tag opgaven", {"200": ok("Opgaven", ref("Task"))},
                              (403, 404, 409)),
        },
        "/tasks/{task_id}/unclaim": {
            "post": operation("unclaimTask", "tasks", "Læg opgaven tilbage (den der har den, koordinator, admin)",
                              {"200": ok("Opgaven", ref("Task"))}, (403, 404, 409)),
        },
        "/tasks/{task_id}/assign": json_post(
            "assignTask", "tasks", "Giv opgaven til én person med opgavens rolle (koordinator, admin)",
            "Opgaven", ref("Task"), "AssignInput"),
        "/tasks/{task_id}/complete": json_post("completeTask", "tasks", "Afslut opgaven med formularens data",
                                               MOVED, ref("Instance"), "DataInput", required=False),
        "/messages": json_post("sendMessage", "messages", "Send en besked til det forløb der venter på den",
                               "Beskeden er modtaget", ref("MessageDelivered"), "MessageInput",
                               errors=(400, 403, 404, 413, 422)),
        "/signals": json_post("sendSignal", "messages", "Send et signal til alle forløb der venter på det",
                              "De forløb der modtog signalet", ref("SignalDelivered"), "SignalInput",
                              errors=(400, 403, 413, 422)),
        "/metrics/bottlenecks": {
            "get": operation("bottlenecks", "metrics", "Hvor unge venter (koordinator, procesejer, admin)",
                             {"200": ok("Pr. element med åbne opgaver, flest ventende først",
                                        array(ref("Bottleneck")))}, (403,),
                             parameters=[parameter("process_key", "query", string(), "Kun denne proces")]),
        },
        "/audit": {
            "get": operation("auditLog", "audit", "Adgangsloggen, nyeste først, højst 1000 (admin)",
                             {"200": ok("Logrækker", array(ref("AuditEntry")))}, (400, 403), parameters=[
                                 parameter("youth_id", "query", integer(), "Kun denne unge"),
                                 parameter("user", "query", string(), "Kun denne bruger"),
                                 parameter("since", "query", timestamp(), "Fra dette tidspunkt (ISO 8601)")]),
        },
        "/openapi.json": {
            "get": operation("openapiDocument", "meta", "Dette dokument",
                             {"200": ok("OpenAPI 3.0.3", free_object())}, public=True),
        },
    }


def task_filters() -> list[dict[str, Any]]:
    flag = boolean()
    return [
        parameter("state", "query", {**string(enum=[*TASK_STATES, "all"]), "default": "ready"}, "Opgavens tilstand"),
        parameter("mine", "query", flag, "Kun opgaver kalderen må handle på"),
        parameter("instance_id", "query", integer(), "Kun dette forløb"),
        parameter("youth_id", "query", integer(), "Kun denne unge"),
        parameter("role", "query", string(), "Kun denne rolle"),
        parameter("element_id", "query", string(), "Kun dette element i diagrammet"),
        parameter("overdue", "query", flag, "Kun opgaver over fristen"),
        parameter("limit", "query", integer(minimum=1, maximum=1000, default=100), "Sidestørrelse"),
        parameter("offset", "query", integer(minimum=0, default=0), "Spring så mange over"),
    ]


def paths() -> dict[str, Any]:
    result: dict[str, Any] = {}
    for path, methods in operations().items():
        item: dict[str, Any] = dict(methods)
        if "{" in path:
            item["parameters"] = path_parameters(path)
        result[path] = item
    return result


def document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Samspil API",
            "version": "1",
            "description": "Samarbejdsmodellen for unge som BPMN. Alle kald undtagen dette dokument kræver "
                           "`Authorization: Bearer <token>`. Fejl er JSON `{\"error\": ...}`.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{BEARER: []}],
        "tags": [{"name": name} for name in ("process-models", "youths", "instances", "tasks", "messages",
                                             "metrics", "audit", "meta")],
        "paths": paths(),
        "components": {
            "securitySchemes": {BEARER: {"type": "http", "scheme": "bearer",
                                         "description": "API-token fra `samspil token create NAVN`"}},
            "schemas": schemas(),
            "responses": error_responses(),
        },
    }
