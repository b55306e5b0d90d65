// The process owner's modeler: bpmn-js with the properties panel (Camunda properties the engine
// reads), validation marked on the diagram, drafts saved on the server, deploy, a form schema
// editor with live preview, and test runs of the draft in the engine's sandbox.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { layoutProcess } from "bpmn-auto-layout";
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
} from "bpmn-js-properties-panel";
import camundaModdle from "camunda-bpmn-moddle/resources/camunda.json";
import { samspilPropertiesModule } from "./samspil-properties.mjs";
import { call, element, texts } from "./workbench-common.mjs";

const data = JSON.parse(document.getElementById("workbench-data").textContent);
const t = texts(data.messages);
const files = { ...data.files };
let revision = data.revision;
let lastReport = { errors: [], warnings: [] };

const modeler = new BpmnModeler({
  container: "#canvas",
  propertiesPanel: { parent: "#properties" },
  additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
    samspilPropertiesModule(t)],
  moddleExtensions: { camunda: camundaModdle },
});
window.samspilModeler = modeler;
const canvas = modeler.get("canvas");
const overlays = modeler.get("overlays");
const registry = modeler.get("elementRegistry");

const statusLine = document.getElementById("status");
function status(message, isError = false, link = null) {
  statusLine.textContent = message;
  statusLine.classList.toggle("is-error", isError);
  if (link) statusLine.append(" ", element("a", { href: link.href, text: link.text, id: "migrate-link" }));
}

// Some diagrams from other tools carry XML bpmn-js can read but not write back (an undeclared
// namespace prefix, say): they are still shown and checked, from the file as it came.
let unwritable = null;
async function currentFiles() {
  try {
    const { xml } = await modeler.saveXML({ format: true });
    files[data.bpmn_file] = xml;
  } catch (error) {
    if (!unwritable) {
      unwritable = error.message;
      status(t("unwritable", { error: error.message }), true);
    }
  }
  return files;
}

// --- validation, marked on the diagram -------------------------------------------------------
let marked = [];
function showProblems(report) {
  lastReport = report;
  overlays.remove({ type: "samspil-problem" });
  marked.forEach(([id, marker]) => canvas.removeMarker(id, marker));
  marked = [];
  const problems = [...report.errors.map((p) => ({ ...p, severity: "error" })),
    ...report.warnings.map((p) => ({ ...p, severity: "warning" }))];
  const byElement = new Map();
  for (const problem of problems) {
    const key = problem.element_id || "";
    if (!byElement.has(key)) byElement.set(key, []);
    byElement.get(key).push(problem);
  }
  for (const [id, list] of byElement) {
    if (!id || !registry.get(id)) continue;
    const worst = list.some((p) => p.severity === "error") ? "error" : "warning";
    canvas.addMarker(id, "has-" + worst);
    marked.push([id, "has-" + worst]);
    const text = element("div", { className: "problem-text" });
    list.forEach((p) => text.append(element("p", { text: `${t(p.severity)}: ${p.message}` })));
    const html = element("div", { className: `samspil-problem samspil-problem--${worst}`, "data-element-id": id },
      element("span", { className: "problem-badge", tabindex: "0", "aria-label": list.map((p) => p.message).join(" "),
        text: worst === "error" ? "!" : "?" }), text);
    overlays.add(id, "samspil-problem", { position: { top: -12, right: 12 }, html });
  }
  const listNode = document.getElementById("problems");
  listNode.replaceChildren();
  const count = (key, n) => t(`${key}_${n === 1 ? "one" : "other"}`, { n });
  document.getElementById("problem-counts").textContent =
    `${count("error_count", report.errors.length)}, ${count("warning_count", report.warnings.length)}`;
  if (!problems.length) listNode.append(element("li", { text: t("no_problems") }));
  for (const problem of problems) {
    const target = problem.element_id && registry.get(problem.element_id);
    const name = target ? (target.businessObject.name || problem.element_id) : (problem.element_id || t("whole_diagram"));
    const item = element("li", { className: `problem problem--${problem.severity}`, "data-element-id": problem.element_id || "" },
      element("span", { className: `badge ${problem.severity === "error" ? "badge--danger" : "badge--warn"}`, text: t(problem.severity) }),
      " ");
    if (target) {
      const button = element("button", { type: "button", className: "link-button", text: name });
      button.addEventListener("click", () => { modeler.get("selection").select(target); canvas.scrollToElement(target); });
      item.append(button);
    } else item.append(element("strong", { text: name }));
    item.append(": " + problem.message);
    listNode.append(item);
  }
}

async function validate() {
  const response = await call("POST", data.urls.validate, { files: await currentFiles() });
  if (response.ok) showProblems(response.json);
  else status(t("failed", { error: response.json.error }), true);
  return response.ok ? response.json : null;
}

let timer = null;
function validateSoon() { clearTimeout(timer); timer = setTimeout(validate, 700); }

// --- drafts and deploying ---------------------------------------------------------------------
async function save() {
  const response = await call("PUT", data.urls.save,
    { files: await currentFiles(), revision, based_on_version: data.based_on_version });
  if (response.ok) {
    revision = response.json.revision;
    document.getElementById("draft-state").textContent = t("saved", { revision });
    status(t("saved", { revision }));
  } else if (response.status === 409) {
    status(t("conflict") + " " + (response.json.error || ""), true);
  } else {
    status(t("failed", { error: response.json.error }), true);
  }
  return response.ok;
}

async function deploy() {
  const report = await validate();
  if (!report) return;
  if (report.errors.length) { status(t("fix_first"), true); return; }
  if (!(await save())) return;
  const response = await call("POST", data.urls.deploy, { revision });
  if (!response.ok) {
    if (response.json.errors) showProblems({ errors: response.json.errors, warnings: [] });
    status(t("failed", { error: response.json.error }), response.status !== 200);
    return;
  }
  revision = null;
  data.based_on_version = response.json.version;
  status(t("deployed", { version: response.json.version }), false,
    { href: response.json.migrate_url, text: t("go_migrate") });
}

document.getElementById("validate-button").addEventListener("click", validate);
document.getElementById("save-button").addEventListener("click", save);
document.getElementById("deploy-button").addEventListener("click", deploy);

// --- forms: schema editor with a live preview ------------------------------------------------
const formSelect = document.getElementById("form-key");
const schemaArea = document.getElementById("form-schema");
const schemaError = document.getElementById("form-schema-error");
const preview = document.getElementById("form-preview");

function userTasks() {
  return registry.filter((e) => e.type === "bpmn:UserTask").map((e) => {
    const bo = e.businessObject;
    return { id: bo.id, name: bo.name || bo.id, key: bo.get("camunda:formKey") || bo.id };
  });
}

function fillFormSelect() {
  const chosen = formSelect.value;
  formSelect.replaceChildren(...userTasks().map((task) =>
    element("option", { value: task.key, text: `${task.name} (${task.key})` })));
  if (chosen && [...formSelect.options].some((o) => o.value === chosen)) formSelect.value = chosen;
  showForm();
}

function showForm() {
  const text = files[`forms/${formSelect.value}.json`];
  schemaArea.value = text ? JSON.stringify(JSON.parse(text), null, 2) : "";
  setSchemaError(null);
  renderPreview(text ? JSON.parse(text) : null);
}

function setSchemaError(message) {
  schemaError.hidden = !message;
  schemaError.textContent = message || "";
  document.getElementById("form-schema-field").classList.toggle("field--error", Boolean(message));
}

schemaArea.addEventListener("input", () => {
  if (!formSelect.value) return;
  if (!schemaArea.value.trim()) { delete files[`forms/${formSelect.value}.json`]; renderPreview(null); validateSoon(); return; }
  try {
    const schema = JSON.parse(schemaArea.value);
    setSchemaError(null);
    files[`forms/${formSelect.value}.json`] = JSON.stringify(schema, null, 2);
    renderPreview(schema);
    validateSoon();
  } catch (error) {
    setSchemaError(t("invalid_json", { error: error.message }));
  }
});
formSelect.addEventListener("change", showForm);

function renderPreview(schema) {
  preview.replaceChildren();
  if (!schema) { preview.append(element("p", { className: "muted", text: t("no_form") })); return; }
  if (schema.title) preview.append(element("h4", { text: schema.title }));
  preview.append(renderFields(schema, "preview"));
}

function renderFields(schema, prefix) {
  const box = element("div");
  const required = new Set(schema.required || []);
  for (const [name, field] of Object.entries(schema.properties || {})) {
    const id = `${prefix}-${name}`;
    const label = element("label", { for: id, text: (field.title || name) + (required.has(name) ? " *" : "") });
    const wrap = element("div", { className: "field" }, label);
    if (field.type === "array" && field.items && field.items.type === "object") {
      const set = element("fieldset", {}, element("legend", { text: field.title || name }), renderFields(field.items, id));
      set.append(element("button", { type: "button", className: "button button--small", disabled: true, text: t("add_row") }));
      box.append(set);
      continue;
    }
    let input;
    if (field.enum || (field.items && field.items.enum)) {
      input = element("select", { id, multiple: field.type === "array" });
      (field.enum || field.items.enum).forEach((v) => input.append(element("option", { text: String(v) })));
    } else if (field.type === "boolean") {
      input = element("input", { id, type: "checkbox" });
    } else if (field.type === "integer" || field.type === "number") {
      input = element("input", { id, type: "number" });
    } else if (field.format === "date") {
      input = element("input", { id, type: "date" });
    } else if ((field.maxLength || 0) > 200 || field.format === "textarea") {
      input = element("textarea", { id, rows: "3" });
    } else {
      input = element("input", { id, type: "text" });
    }
    wrap.append(input);
    if (field.description) wrap.append(element("p", { className: "muted", text: field.description }));
    box.append(wrap);
  }
  return box;
}

// --- test runs in the sandbox ----------------------------------------------------------------
let steps = [];
const testState = document.getElementById("test-state");

async function testRun() {
  const response = await call("POST", data.urls.test_run, { files: await currentFiles(), steps });
  testState.replaceChildren();
  if (!response.ok) {
    testState.append(element("p", { className: "field-error", text: t("failed", { error: response.json.error }) }));
    if (response.json.errors) showProblems({ errors: response.json.errors, warnings: [] });
    steps = steps.slice(0, -1);
    return;
  }
  const run = response.json;
  if (run.failed) {
    testState.append(element("p", { className: "field-error", role: "alert",
      text: t("step_failed", { step: run.failed.step + 1, error: run.failed.error }) }));
    steps = steps.slice(0, run.failed.step);
  }
  testState.append(element("p", { text: t("now", { now: run.now }) }), element("p", { text: t("status", { status: run.status }) }));
  testState.append(element("h3", { text: t("open_tasks") }));
  for (const task of run.open_tasks) {
    const area = element("textarea", { rows: "4", id: `test-data-${task.element_id}`, "aria-label": t("task_data", { name: task.name }) });
    area.value = "{}";
    const role = task.role || t("anyone");
    const who = task.candidates.length ? ` (${task.candidates.join(", ")})` : "";
    const button = element("button", { type: "button", className: "button button--small",
      text: t("complete_as", { role: role + who }) });
    button.addEventListener("click", () => {
      let payload;
      try { payload = JSON.parse(area.value); } catch (error) { status(t("invalid_json", { error: error.message }), true); return; }
      steps.push({ action: "complete", element_id: task.element_id, role: task.role, data: payload });
      testRun();
    });
    testState.append(element("div", { className: "test-task", "data-element-id": task.element_id },
      element("strong", { text: task.name }), area, button));
  }
  const history = element("ol", { className: "timeline" });
  run.history.forEach((e) => history.append(element("li", { text: `${e.at.slice(0, 10)} ${e.kind} ${e.name || e.element_id || ""}` })));
  testState.append(element("h3", { text: t("history") }), history);
}

document.getElementById("test-start").addEventListener("click", () => { steps = []; testRun(); });
document.getElementById("test-advance").addEventListener("click", () => {
  steps.push({ action: "advance", days: Number(document.getElementById("test-days").value || 0) });
  testRun();
});
document.getElementById("test-send").addEventListener("click", () => {
  steps.push({ action: "message", name: document.getElementById("test-message").value });
  testRun();
});

// --- start ----------------------------------------------------------------------------------
// A diagram without a drawing (BPMN DI), as some tools or hand-written files have, is laid out
// here so it can be shown; the owner sees it said, and saving keeps the new drawing.
async function diagramToShow() {
  const xml = files[data.bpmn_file];
  if (/BPMNDiagram/.test(xml)) return xml;
  try {
    const laidOut = await layoutProcess(xml);
    status(t("laid_out"));
    return laidOut;
  } catch (error) {
    return xml;
  }
}

diagramToShow().then((xml) => modeler.importXML(xml)).then(() => {
  canvas.zoom("fit-viewport");
  fillFormSelect();
  validate();
  modeler.on("commandStack.changed", () => { validateSoon(); fillFormSelect(); });
  document.body.dataset.modelerReady = "true";
}).catch((error) => status(t("failed", { error: error.message }), true));
