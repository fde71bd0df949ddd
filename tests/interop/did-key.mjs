#!/usr/bin/env node
// Prints the did:key for the Ed25519 key derived from a 32-byte seed.
//
//   node did-key.mjs --seed HEX32 [--vm | --document]
//
// Default: the DID (one line). --vm: the verification method id
// (did:key:z…#z…). --document: the DID document as resolved by
// @digitalbazaar/did-method-key (JSON).
// Exit: 0 ok, 2 usage error.

import {
  UsageError, keyFromSeed, parseArgs, parseSeed
} from './lib/common.mjs';
import {createDocumentLoader} from './lib/loader.mjs';

const USAGE = 'usage: node did-key.mjs --seed HEX32 [--vm | --document]';

async function main(argv) {
  const {opts, positional} = parseArgs(argv, {
    seed: 'single', vm: 'flag', document: 'flag', help: 'flag'
  });
  if(opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if(!opts.seed || positional.length !== 0 || (opts.vm && opts.document)) {
    throw new UsageError('--seed is required; at most one of --vm, --document');
  }
  const {did, keyPair} = await keyFromSeed(parseSeed(opts.seed));
  if(opts.vm) {
    process.stdout.write(keyPair.id + '\n');
  } else if(opts.document) {
    const {document} = await createDocumentLoader()(did);
    process.stdout.write(JSON.stringify(document, null, 2) + '\n');
  } else {
    process.stdout.write(did + '\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, e => {
  if(e instanceof UsageError) {
    process.stderr.write(`did-key.mjs: ${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`did-key.mjs: ${e.stack || e}\n`);
    process.exitCode = 1;
  }
});
