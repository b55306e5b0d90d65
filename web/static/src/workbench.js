// The workbench's diff page (versions coloured on their diagrams) and migration page (dry run,
// mapping of removed steps, and moving the courses in batches with a progress bar).
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { call, element, texts } from "./workbench-common.mjs";

async function showDiagram(container, xml, marks) {
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(xml);
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  for (const [id, marker] of marks) if (registry.get(id)) canvas.addMarker(id, marker);
  canvas.zoom("fit-viewport");
}

async function diffPage(node) {
  const { diff, diagrams } = JSON.parse(node.textContent);
  const ids = (list) => list.map((e) => e.element_id);
  await showDiagram("#diagram-to", diagrams.to,
    [...ids(diff.added).map((id) => [id, "diff-added"]), ...ids(diff.changed).map((id) => [id, "diff-changed"])]);
  await showDiagram("#diagram-from", diagrams.from,
    [...ids(diff.removed).map((id) => [id, "diff-removed"]), ...ids(diff.changed).map((id) => [id, "diff-changed"])]);
  document.body.dataset.diffReady = "true";
}

function migrationPage(node) {
  const data = JSON.parse(node.textContent);
  const t = texts(data.messages);
  const statusLine = document.getElementById("migration-status");
  const progress = document.getElementById("migration-progress");
  const table = document.getElementById("migration-table");
  const runButton = document.getElementById("run-migration");
  const mappingBox = document.getElementById("mapping");
  const dialog = document.getElementById("confirm-migration");
  const mapping = {};
  let movable = [];
  let revisions = {};
  let confirmedRule = "keep";

  const timerRule = () => document.querySelector('input[name="timer_rule"]:checked').value;
  const when = (value) => (value ? new Date(value).toLocaleString(document.documentElement.lang || "da",
    { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Copenhagen" }) : t("no_deadline"));

  function mappingFor(elementIds) {
    for (const id of elementIds) {
      if (document.getElementById(`map-${id}`)) continue;
      const select = element("select", { id: `map-${id}` }, element("option", { value: "", text: t("no_mapping") }));
      data.steps.forEach((s) => select.append(element("option", { value: s.element_id, text: `${s.name} (${s.element_id})` })));
      select.addEventListener("change", () => { if (select.value) mapping[id] = select.value; else delete mapping[id]; });
      mappingBox.append(element("div", { className: "field" },
        element("label", { for: `map-${id}`, text: t("map_step", { step: id }) }), select));
    }
  }

  function showRows(instances) {
    const body = table.querySelector("tbody");
    body.replaceChildren(...instances.map((row) => element("tr", { "data-instance": row.id },
      element("th", { scope: "row", text: row.youth_name || t("course", { id: row.id }) }),
      element("td", { text: (row.steps || []).join(", ") }),
      element("td", { text: when(row.next_deadline_before), "data-deadline": "before" }),
      element("td", { text: when(row.next_deadline_after), "data-deadline": "after" }),
      element("td", { text: row.can_migrate ? t("yes") : t("no") }),
      element("td", { text: row.reason || "", "data-outcome": "" }))));
    table.hidden = false;
  }

  async function dryRun() {
    const response = await call("POST", data.url, { from_version: data.from_version, to_version: data.to_version,
      dry_run: true, mapping, timer_rule: timerRule() });
    if (!response.ok) { statusLine.textContent = t("failed", { error: response.json.error }); return; }
    const rows = response.json.instances;
    movable = rows.filter((r) => r.can_migrate).map((r) => r.id);
    revisions = Object.fromEntries(rows.map((r) => [String(r.id), r.revision]));
    confirmedRule = response.json.timer_rule;
    mappingFor([...new Set(rows.filter((r) => !r.can_migrate && r.element_id).map((r) => r.element_id))]);
    showRows(rows);
    statusLine.textContent = t("dry_run_result", { movable: movable.length, total: rows.length });
    runButton.disabled = movable.length === 0;
  }

  function askToConfirm() {
    document.getElementById("confirm-migration-text").textContent = t("confirm_text", {
      count: movable.length, from_version: data.from_version, to_version: data.to_version,
      rule: t(confirmedRule === "from_start" ? "rule_from_start" : "rule_keep") });
    dialog.showModal();
  }

  async function migrate() {
    dialog.close();
    runButton.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    let done = 0;
    let conflicts = 0;
    const total = movable.length;
    for (let start = 0; start < total; start += 25) {
      const batch = movable.slice(start, start + 25);
      const response = await call("POST", data.url, { from_version: data.from_version, to_version: data.to_version,
        dry_run: false, mapping, instance_ids: batch, timer_rule: confirmedRule,
        revisions: Object.fromEntries(batch.map((id) => [String(id), revisions[String(id)]])) });
      if (!response.ok && response.status !== 409) {
        statusLine.textContent = t("failed", { error: response.json.error }); return;
      }
      done += response.json.migrated || 0;
      conflicts += response.json.conflicts || 0;
      for (const row of response.json.instances || []) {
        const outcome = table.querySelector(`tr[data-instance="${row.id}"] td[data-outcome]`);
        if (outcome) outcome.textContent = row.migrated ? t("moved") : (row.reason || "");
        const after = table.querySelector(`tr[data-instance="${row.id}"] td[data-deadline="after"]`);
        if (after && row.migrated) after.textContent = when(row.next_deadline_after);
      }
      progress.value = Math.round(((start + batch.length) / total) * 100);
      statusLine.textContent = t("migrating", { done, total });
    }
    progress.value = 100;
    statusLine.textContent = t("migrated", { done, version: data.to_version })
      + (conflicts ? " " + t("conflicts", { count: conflicts }) : "");
    movable = [];
    document.body.dataset.migrationDone = "true";
  }

  document.getElementById("dry-run").addEventListener("click", dryRun);
  runButton.addEventListener("click", askToConfirm);
  document.getElementById("confirm-migration-yes").addEventListener("click", migrate);
  document.getElementById("confirm-migration-no").addEventListener("click", () => {
    dialog.close();
    statusLine.textContent = t("cancelled");
  });
  // A changed rule needs a new dry run: what the owner confirms is what the dry run showed.
  document.querySelectorAll('input[name="timer_rule"]').forEach((input) => input.addEventListener("change", () => {
    runButton.disabled = true;
  }));
}

const diffData = document.getElementById("diff-data");
if (diffData) diffPage(diffData);
const migrationData = document.getElementById("migration-data");
if (migrationData) migrationPage(migrationData);
