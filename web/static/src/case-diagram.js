// The case page's diagram: draws the course's BPMN with bpmn-js (window.SamspilViewer, from
// build/viewer.js, loaded before this bundle), marks finished steps and highlights where the course stands now.
(function () {
  "use strict";
  var container = document.getElementById("case-diagram");
  var source = document.getElementById("case-diagram-data");
  if (!container || !source || !window.SamspilViewer) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var viewer = new window.SamspilViewer({ container: container });
  viewer.importXML(data.xml).then(function () {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport", "auto");
    data.finished.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, "is-done"); }
    });
    data.active.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, "is-active"); }
    });
    container.setAttribute("data-rendered", "true");
  }).catch(function () {
    container.setAttribute("data-rendered", "failed");
    container.textContent = container.getAttribute("data-failed-text");
  });
})();
