// Canonicalizes JSON-LD documents with jsonld.js in safe mode (RDFC-1.0),
// as the eddsa-rdfc-2022 cryptosuite does (including its
// `rdfDirection: 'i18n-datatype'`, see
// @digitalbazaar/eddsa-rdfc-2022-cryptosuite lib/canonize.js), using the
// offline loader.
//
//   node canonize.mjs FILE
//
// FILE holds a JSON array of documents. Prints a JSON array with, for each
// document, {"nquads": "..."} or {"error": "..."}.
import {readFile} from 'node:fs/promises';
import jsonld from 'jsonld';
import {createDocumentLoader} from './lib/loader.mjs';

const [file] = process.argv.slice(2);
if(!file) {
  console.error('usage: node canonize.mjs FILE');
  process.exit(2);
}
const docs = JSON.parse(await readFile(file, 'utf8'));
const documentLoader = createDocumentLoader({});
const out = [];
for(const doc of docs) {
  try {
    const nquads = await jsonld.canonize(doc, {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true, base: null,
      rdfDirection: 'i18n-datatype', documentLoader
    });
    out.push({nquads});
  } catch(e) {
    out.push({error: `${e.message} ${e.details?.event?.code ?? ''}`.trim()});
  }
}
process.stdout.write(JSON.stringify(out));
