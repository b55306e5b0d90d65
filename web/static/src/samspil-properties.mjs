// A "Samspil" group in the properties panel: what the engine reads from a lane (its role) and how
// lane_owners narrows a lane's tasks to people. The Camunda groups cover form keys, assignee and
// candidate groups, timers, conditions, scripts and messages.
import { h } from "@bpmn-io/properties-panel/preact";
import { CheckboxEntry, TextFieldEntry, isCheckboxEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import htm from "htm";

const html = htm.bind(h);

export function samspilPropertiesModule(t) {
  function RoleEntry({ element, id }) {
    const modeling = useService("modeling");
    const debounce = useService("debounceInput");
    return html`<${TextFieldEntry} id=${id} element=${element} label=${t("lane_role")}
      description=${t("lane_role_help")} debounce=${debounce}
      getValue=${() => element.businessObject.name || ""}
      setValue=${(value) => modeling.updateProperties(element, { name: value })} />`;
  }

  // The young person's lane (engine.people.access.is_youth_lane): named "Den unge" (or ung), its tasks
  // go to the course's young person on Min Plan, never to staff.
  const YOUTH_NAMES = ["ung", "den unge"];
  const isYouthLane = (element) => YOUTH_NAMES.includes((element.businessObject.name || "").trim().toLowerCase()
    .replace(/\s+/g, " "));

  function YouthEntry({ element, id }) {
    const modeling = useService("modeling");
    return html`<${CheckboxEntry} id=${id} element=${element} label=${t("lane_youth")}
      description=${t("lane_youth_help")}
      getValue=${() => isYouthLane(element)}
      setValue=${(value) => modeling.updateProperties(element, { name: value ? t("lane_youth_name") : "" })} />`;
  }

  function SamspilPropertiesProvider(propertiesPanel) {
    propertiesPanel.registerProvider(400, this);
  }
  SamspilPropertiesProvider.$inject = ["propertiesPanel"];
  SamspilPropertiesProvider.prototype.getGroups = function getGroups(element) {
    return (groups) => {
      if (element.type === "bpmn:Lane") {
        groups.splice(1, 0, { id: "samspil", label: t("samspil_group"),
          entries: [{ id: "samspil-role", component: RoleEntry, isEdited: isTextFieldEntryEdited, element },
                    { id: "samspil-youth", component: YouthEntry, isEdited: isCheckboxEntryEdited, element }] });
      }
      return groups;
    };
  };
  return { __init__: ["samspilPropertiesProvider"], samspilPropertiesProvider: ["type", SamspilPropertiesProvider] };
}
