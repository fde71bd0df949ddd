#!/usr/bin/env node
// Validates an OpenAPI 3.1 document (Rosette's `GET /openapi.json`) with
// independent tools:
//
//   node openapi.mjs FILE        (FILE may be - for standard input)
//
// 1. the whole document against the official OpenAPI 3.1 JSON Schema
//    (@seriousme/openapi-schema-validator, which bundles it);
// 2. every Schema Object (components.schemas, and the `schema` of each
//    parameter, header and media type) against the JSON Schema 2020-12
//    meta-schema (Ajv), which step 1 leaves unchecked;
// 3. every `$ref` resolves inside the document.
//
// Prints one JSON line: {"valid", "openapi", "version", "errors": [...]}.
// Exit: 0 valid, 1 invalid, 2 usage error or unreadable / non-JSON input.

import {readFileSync} from 'node:fs';

import {Validator} from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';

const USAGE = 'usage: node openapi.mjs FILE|-';

function fail(code, message) {
  console.log(JSON.stringify({valid: false, errors: [message]}));
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.length !== 1) {
  fail(2, USAGE);
}
let doc;
try {
  const text = readFileSync(args[0] === '-' ? 0 : args[0], 'utf8');
  doc = JSON.parse(text);
} catch (e) {
  fail(2, `cannot read ${args[0]} as JSON: ${e.message}`);
}

const errors = [];

// 1. The OpenAPI 3.1 schema.
const validator = new Validator();
const result = await validator.validate(structuredClone(doc));
if (!result.valid) {
  const list = Array.isArray(result.errors) ? result.errors : [result.errors];
  for (const e of list) {
    errors.push(typeof e === 'string' ? e :
      `openapi schema: ${e.instancePath || '/'} ${e.message}` +
      (e.params ? ` ${JSON.stringify(e.params)}` : ''));
  }
}
if (result.valid && validator.version !== '3.1') {
  errors.push(`expected OpenAPI 3.1, found ${validator.version}`);
}

// 2. Schema Objects against the JSON Schema 2020-12 meta-schema.
const ajv = new Ajv2020({strict: false});
function checkSchema(schema, where) {
  if (!ajv.validateSchema(schema)) {
    for (const e of ajv.errors ?? []) {
      errors.push(`schema ${where}${e.instancePath}: ${e.message}`);
    }
  }
}
for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
  checkSchema(schema, `#/components/schemas/${name}`);
}
// Parameters, headers and media types hold their schema under `schema`;
// stop at a Schema Object (its own members are checked with it).
function walk(node, pointer) {
  if (node === null || typeof node !== 'object') {
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    const here = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key === 'schema' && value !== null && typeof value === 'object' &&
        !Array.isArray(value)) {
      checkSchema(value, `#${here}`);
    } else if (!(pointer === '/components' && key === 'schemas')) {
      walk(value, here);
    }
  }
}
walk(doc, '');

// 3. Every $ref resolves.
if (result.valid) {
  try {
    validator.resolveRefs();
  } catch (e) {
    errors.push(`$ref: ${e.message}`);
  }
}

console.log(JSON.stringify({
  valid: errors.length === 0,
  openapi: doc.openapi ?? null,
  version: validator.version ?? null,
  errors,
}));
process.exit(errors.length === 0 ? 0 : 1);
