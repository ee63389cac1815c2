// Copy the installed libraries' browser builds into ../static/vendor, where the app serves them.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static", "vendor");
const files = {
  "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
  "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
  "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
  "flatpickr.min.css": "flatpickr/dist/flatpickr.min.css",
  "flatpickr.min.js": "flatpickr/dist/flatpickr.min.js",
  "flatpickr-vn.js": "flatpickr/dist/l10n/vn.js",
  "htmx.min.js": "htmx.org/dist/htmx.min.js",
  "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
  "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, path] of Object.entries(files)) {
  copyFileSync(join(here, "node_modules", path), join(out, name));
}
console.log(`baochi: ${Object.keys(files).length} front-end files in ${out}`);
