// A "Samspil" group in the properties panel: what the engine reads from a lane (its role) and how
// lane_owners narrows a lane's tasks to people. The Camunda groups cover form keys, assignee and
// candidate groups, timers, conditions, scripts and messages.
import { h } from "@bpmn-io/properties-panel/preact";
import { TextFieldEntry, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
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

  function SamspilPropertiesProvider(propertiesPanel) {
    propertiesPanel.registerProvider(400, this);
  }
  SamspilPropertiesProvider.$inject = ["propertiesPanel"];
  SamspilPropertiesProvider.prototype.getGroups = function getGroups(element) {
    return (groups) => {
      if (element.type === "bpmn:Lane") {
        groups.splice(1, 0, { id: "samspil", label: t("samspil_group"),
          entries: [{ id: "samspil-role", component: RoleEntry, isEdited: isTextFieldEntryEdited, element }] });
      }
      return groups;
    };
  };
  return { __init__: ["samspilPropertiesProvider"], samspilPropertiesProvider: ["type", SamspilPropertiesProvider] };
}
