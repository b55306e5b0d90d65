// Bundles every entry in web/static/src/*.js into web/static/build/ and copies the CSS and fonts
// the bundles need, so pages load everything from this server.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const out = "web/static/build";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const entries = readdirSync("web/static/src").filter((f) => f.endsWith(".js")).map((f) => join("web/static/src", f));
if (entries.length) {
  await build({ entryPoints: entries, bundle: true, minify: true, format: "iife", outdir: out, target: "es2020",
                loader: { ".css": "css" }, logLevel: "warning" });
}
cpSync("node_modules/bpmn-js/dist/assets", join(out, "bpmn-js"), { recursive: true });
cpSync("node_modules/@bpmn-io/properties-panel/dist/assets", join(out, "properties-panel"), { recursive: true });
cpSync("node_modules/htmx.org/dist/htmx.min.js", join(out, "htmx.min.js"));
