// The dashboard page: the heatmap drawn on the diagram (bpmn-js overlays) and the charts (chart.js).
// Data comes from JSON blocks in the page (the Content-Security-Policy allows no inline code).
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { Chart, registerables } from "chart.js";

Chart.register(...registerables);

function data(id) {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : null;
}

function heat(fraction) {
  // yellow (few / short) to red (many / long)
  return `hsl(${Math.round(55 - 55 * fraction)}, 90%, ${Math.round(72 - 17 * fraction)}%)`;
}

function drawHeatmap() {
  const container = document.getElementById("heatmap-diagram");
  const figures = data("heatmap-data");
  if (!container || !figures) return;
  const viewer = new NavigatedViewer({ container });
  const value = (row) => (figures.colour === "median" ? row.median_wait_hours || 0 : row.waiting);
  const highest = Math.max(1, ...figures.rows.map(value));
  viewer.importXML(figures.xml).then(() => {
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    const overlays = viewer.get("overlays");
    canvas.zoom("fit-viewport", "auto");
    const byElement = {};
    figures.rows.forEach((row) => {
      const element = registry.get(row.element_id);
      if (!element) return;
      byElement[row.element_id] = row;
      const shape = registry.getGraphics(element).querySelector(".djs-visual > :first-child");
      if (shape) shape.style.fill = heat(value(row) / highest);
      const badge = document.createElement(figures.list_url ? "a" : "span");
      badge.className = "heat-badge" + (row.overdue ? " heat-badge--overdue" : "");
      badge.dataset.elementId = row.element_id;
      const wait = row.median_wait_hours === null ? "" : ` · ${row.median_wait_hours.toFixed(0)} ${figures.hours}`;
      badge.textContent = `${row.waiting}${wait}`;
      badge.title = `${row.name}: ${row.waiting}${wait}`;
      if (figures.list_url) badge.href = listUrl(figures.list_url, row.element_id);
      overlays.add(row.element_id, { position: { top: -14, right: 24 }, html: badge });
    });
    if (figures.list_url) {
      viewer.get("eventBus").on("element.click", (event) => {
        if (byElement[event.element.id]) window.location.href = listUrl(figures.list_url, event.element.id);
      });
    }
    container.setAttribute("data-rendered", "true");
  }).catch(() => {
    container.setAttribute("data-rendered", "failed");
    container.textContent = container.getAttribute("data-failed-text");
  });
}

function listUrl(base, elementId) {
  const url = new URL(base, window.location.href);
  url.searchParams.set("element_id", elementId);
  return url.pathname + url.search;
}

function drawCompliance() {
  const canvas = document.getElementById("compliance-chart");
  const figures = data("compliance-data");
  if (!canvas || !figures) return;
  const rules = [...new Set(figures.rows.map((r) => r.rule))];
  const weeks = [...new Set(figures.rows.map((r) => r.week))];
  const colours = ["#2563eb", "#059669", "#d97706"];
  const datasets = rules.map((rule, i) => {
    const rows = figures.rows.filter((r) => r.rule === rule);
    return { type: "line", label: rows[0].label, borderColor: colours[i % colours.length], spanGaps: true,
             data: rows.map((r) => (r.share_met === null ? null : r.share_met * 100)) };
  });
  datasets.push({ type: "line", label: figures.target_label, borderColor: "#b91c1c", borderDash: [6, 4],
                  pointRadius: 0, data: weeks.map(() => figures.target * 100) });
  new Chart(canvas, { data: { labels: weeks, datasets },
    options: { maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } } });
}

function drawCaseload() {
  const canvas = document.getElementById("caseload-chart");
  const figures = data("caseload-data");
  if (!canvas || !figures) return;
  const labels = figures.rows.map((r) => `${r.username} (${r.lane_label})`);
  new Chart(canvas, {
    data: { labels, datasets: [
      { type: "bar", label: "", data: figures.rows.map((r) => r.young_people),
        backgroundColor: figures.rows.map((r) => (r.above_band ? "#b91c1c" : "#2563eb")) },
      { type: "line", label: `${figures.band_label} ${figures.band.low}`, data: labels.map(() => figures.band.low),
        borderColor: "#059669", borderDash: [4, 4], pointRadius: 0 },
      { type: "line", label: `${figures.band_label} ${figures.band.high}`, data: labels.map(() => figures.band.high),
        borderColor: "#d97706", borderDash: [4, 4], pointRadius: 0 },
    ] },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { labels: { filter: (item) => item.text } } } },
  });
}

function drawOutcomes() {
  const canvas = document.getElementById("outcomes-chart");
  const figures = data("outcomes-data");
  if (!canvas || !figures) return;
  const colours = { education: "#2563eb", job: "#059669", other: "#9ca3af" };
  new Chart(canvas, {
    type: "bar",
    data: { labels: figures.rows.map((r) => r.quarter),
            datasets: Object.keys(colours).map((key) => ({ label: figures.labels[key], backgroundColor: colours[key],
                                                           data: figures.rows.map((r) => r[key]) })) },
    options: { maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true } } },
  });
}

drawHeatmap();
drawCompliance();
drawCaseload();
drawOutcomes();
