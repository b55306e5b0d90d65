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
  const mapping = {};
  let movable = [];

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
      element("td", { text: String(row.id) }),
      element("td", { text: row.can_migrate ? t("yes") : t("no") }),
      element("td", { text: row.reason || "" }))));
    table.hidden = false;
  }

  async function dryRun() {
    const response = await call("POST", data.url, { from_version: data.from_version, to_version: data.to_version,
      dry_run: true, mapping });
    if (!response.ok) { statusLine.textContent = t("failed", { error: response.json.error }); return; }
    const rows = response.json.instances;
    movable = rows.filter((r) => r.can_migrate).map((r) => r.id);
    mappingFor([...new Set(rows.filter((r) => !r.can_migrate && r.element_id).map((r) => r.element_id))]);
    showRows(rows);
    statusLine.textContent = t("dry_run_result", { movable: movable.length, total: rows.length });
    runButton.disabled = movable.length === 0;
  }

  async function migrate() {
    runButton.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    let done = 0;
    const total = movable.length;
    for (let start = 0; start < total; start += 25) {
      const batch = movable.slice(start, start + 25);
      const response = await call("POST", data.url, { from_version: data.from_version, to_version: data.to_version,
        dry_run: false, mapping, instance_ids: batch });
      if (!response.ok) { statusLine.textContent = t("failed", { error: response.json.error }); return; }
      done += response.json.migrated;
      for (const row of response.json.instances) {
        const cells = table.querySelectorAll(`tr[data-instance="${row.id}"] td`);
        if (cells.length === 3) cells[2].textContent = row.migrated ? t("moved") : (row.reason || "");
      }
      progress.value = Math.round(((start + batch.length) / total) * 100);
      statusLine.textContent = t("migrating", { done, total });
    }
    progress.value = 100;
    statusLine.textContent = t("migrated", { done, version: data.to_version });
    movable = [];
    document.body.dataset.migrationDone = "true";
  }

  document.getElementById("dry-run").addEventListener("click", dryRun);
  runButton.addEventListener("click", migrate);
}

const diffData = document.getElementById("diff-data");
if (diffData) diffPage(diffData);
const migrationData = document.getElementById("migration-data");
if (migrationData) migrationPage(migrationData);
