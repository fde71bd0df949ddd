#!/usr/bin/env node
// Verifies Rosette verification receipts with the Digital Bazaar libraries:
// @digitalbazaar/vc verifyCredential, DataIntegrityProof with
// eddsa-rdfc-2022, assertionMethod purpose (the receipt's issuer must be the
// verification method's controller), and the offline document loader of
// lib/loader.mjs, to which this script adds the receipt context
// https://w3id.org/rosette/receipt/v1 read from Rosette's compiled-in copy,
// ../../schemas/contexts/rosette-receipt-v1.jsonld (nothing is fetched).
//
//   node receipt.mjs [--doc FILE]... FILE...
//
// Prints one JSON line per file:
//   {"file": …, "verified": bool, "verdict": "…", "receiptContext": "…",
//    "error": "…"}
// `verdict` is the receipt's credentialSubject.verdict; `receiptContext` the
// file the receipt context was loaded from (absent if it was never loaded).
// Exit: 0 iff every file verified, 1 otherwise, 2 usage error.

import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import * as vc from '@digitalbazaar/vc';

import {createDocumentLoader} from './lib/loader.mjs';
import {
  UsageError, parseArgs, readJson, shortMessage, verifyingSuites
} from './lib/common.mjs';

const USAGE = 'usage: node receipt.mjs [--doc FILE]... FILE...';
const RECEIPT_CONTEXT = 'https://w3id.org/rosette/receipt/v1';
const CONTEXT_FILE = 'schemas/contexts/rosette-receipt-v1.jsonld';
const CONTEXT_PATH = fileURLToPath(new URL(`../../${CONTEXT_FILE}`, import.meta.url));

async function main(argv) {
  const {opts, positional} = parseArgs(argv, {doc: 'multi', help: 'flag'});
  if(opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if(positional.length === 0) {
    throw new UsageError('at least one FILE is required');
  }
  const context = JSON.parse(readFileSync(CONTEXT_PATH, 'utf8'));
  const base = createDocumentLoader({docFiles: opts.doc});
  let all = true;
  for(const file of positional) {
    let loadedFrom;
    const documentLoader = async url => {
      if(url === RECEIPT_CONTEXT) {
        loadedFrom = CONTEXT_FILE;
        return {
          contextUrl: null, documentUrl: url, document: structuredClone(context)
        };
      }
      return base(url);
    };
    const line = {file};
    let receipt;
    try {
      receipt = readJson(file);
    } catch(e) {
      throw new UsageError(`cannot read ${file}: ${e.message}`);
    }
    let result;
    try {
      result = await vc.verifyCredential({
        credential: receipt,
        suite: verifyingSuites(),
        purpose: new vc.CredentialIssuancePurpose(),
        documentLoader
      });
    } catch(e) {
      result = {verified: false, error: e};
    }
    line.verified = result.verified === true;
    line.verdict = receipt?.credentialSubject?.verdict;
    if(loadedFrom) {
      line.receiptContext = loadedFrom;
    }
    if(!line.verified) {
      const inner = (result.results ?? []).map(r => r.error).filter(e => e);
      line.error = shortMessage(result.error ?? inner) ||
        'not verified (no error given)';
    }
    all &&= line.verified;
    process.stdout.write(JSON.stringify(line) + '\n');
  }
  return all ? 0 : 1;
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, e => {
  process.stderr.write(`receipt.mjs: ${e instanceof UsageError ?
    `${e.message}\n${USAGE}` : (e.stack || e)}\n`);
  process.exitCode = 2;
});
