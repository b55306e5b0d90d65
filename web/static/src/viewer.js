// The read-only diagram viewer used on case pages and dashboards: window.SamspilViewer.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

window.SamspilViewer = NavigatedViewer;
