// validate.mjs FILE: every document of FILE (YAML) validated against the Kubernetes API
// schema of kubernetes-models; one line per document; exit 1 when one is invalid.
import fs from "node:fs";
import yaml from "js-yaml";
const kinds = {
  "v1/Pod": ["kubernetes-models/v1/Pod", "Pod"],
  "v1/Service": ["kubernetes-models/v1/Service", "Service"],
  "v1/ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap"],
  "v1/Secret": ["kubernetes-models/v1/Secret", "Secret"],
  "v1/PersistentVolumeClaim": ["kubernetes-models/v1/PersistentVolumeClaim", "PersistentVolumeClaim"],
  "apps/v1/Deployment": ["kubernetes-models/apps/v1/Deployment", "Deployment"],
};
let bad = 0;
for (const doc of yaml.loadAll(fs.readFileSync(process.argv[2], "utf8"))) {
  if (!doc) continue;
  const key = `${doc.apiVersion}/${doc.kind}`;
  const name = doc.metadata && doc.metadata.name;
  if (!kinds[key]) { console.log(`${key} ${name}: no schema here`); bad = 1; continue; }
  const mod = await import(kinds[key][0]);
  try { new mod[kinds[key][1]](doc).validate(); console.log(`${key} ${name}: valid`); }
  catch (e) { console.log(`${key} ${name}: INVALID: ${e.message}`); bad = 1; }
}
process.exit(bad);
