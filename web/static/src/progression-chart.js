// The young person's self-assessments over time (case page and Min Plan): one line per scale, 1-10,
// one point per follow-up. Data comes from a JSON block in the page (the Content-Security-Policy allows
// no inline code); the table beside the chart holds the same numbers.
import { Chart, registerables } from "chart.js";

Chart.register(...registerables);

const COLOURS = ["#2563eb", "#059669", "#d97706", "#7c3aed", "#dc2626", "#0891b2", "#4b5563", "#be185d"];

function drawProgression() {
  const canvas = document.getElementById("progression-chart");
  const block = document.getElementById("progression-data");
  if (!canvas || !block) return;
  const { series, label_follow_up: followUp } = JSON.parse(block.textContent);
  const labels = series.assessments.map((a) => `${followUp} ${a.follow_up} · ${a.taken_at.slice(0, 10)}`);
  new Chart(canvas, {
    type: "line",
    data: {
      labels,
      datasets: series.scales.map((scale, index) => ({
        label: scale.title,
        data: series.assessments.map((a) => (a.scores[scale.key] === undefined ? null : a.scores[scale.key])),
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length],
        spanGaps: true,
        tension: 0.2,
      })),
    },
    options: { maintainAspectRatio: false, animation: false,
               scales: { y: { min: 1, max: 10, ticks: { stepSize: 1 } } } },
  });
  canvas.setAttribute("data-rendered", "true");
}

drawProgression();
