// Shared by the workbench scripts: texts from the page, JSON calls with the session's CSRF token.
export function texts(messages) {
  return (key, values = {}) =>
    (messages["workbench.js." + key] || key).replace(/\{(\w+)\}/g, (_, name) => (values[name] ?? "").toString());
}

export async function call(method, url, body) {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const response = await fetch(url, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = {};
  try { json = await response.json(); } catch (e) { json = { error: response.statusText }; }
  return { ok: response.ok, status: response.status, json };
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}
