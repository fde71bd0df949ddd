#!/usr/bin/env node
// Signs a credential with the Digital Bazaar libraries (the reference signer).
//
//   node sign.mjs --suite eddsa-rdfc-2022|eddsa-jcs-2022 --seed HEX32
//                 [--created ISO] [--vm ID] [--doc FILE]... FILE|-
//
// The Ed25519 key is derived from the 32-byte seed; the verification method
// is did:key:z6Mk…#z6Mk… unless --vm gives another id for the same key
// (e.g. did:web:example.com#key-1, with its DID document passed to
// verify.mjs via --doc). --created sets proof.created (the library writes it
// as YYYY-MM-DDTHH:MM:SSZ, dropping fractions). If FILE already carries proof(s), a further proof is
// added (proof set). Prints the signed credential JSON on stdout.
// Exit: 0 signed, 1 signing failed, 2 usage error or unreadable input.

import * as vc from '@digitalbazaar/vc';

import {createDocumentLoader} from './lib/loader.mjs';
import {
  UsageError, keyFromSeed, parseArgs, parseSeed, readJson, shortMessage,
  signingSuite, SUITES
} from './lib/common.mjs';

const USAGE = 'usage: node sign.mjs --suite ' + SUITES.join('|') +
  ' --seed HEX32 [--created ISO] [--vm ID] [--doc FILE]... FILE|-';

async function main(argv) {
  const {opts, positional} = parseArgs(argv, {
    suite: 'single', seed: 'single', created: 'single', vm: 'single',
    doc: 'multi',
    help: 'flag'
  });
  if(opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if(!opts.suite || !opts.seed || positional.length !== 1) {
    throw new UsageError('--suite, --seed and exactly one FILE are required');
  }
  const seed = parseSeed(opts.seed);
  const {keyPair} = await keyFromSeed(seed, {vm: opts.vm});
  const suite = signingSuite({suite: opts.suite, keyPair, created: opts.created});
  let credential;
  try {
    credential = readJson(positional[0]);
  } catch(e) {
    process.stderr.write(`sign.mjs: cannot read ${positional[0]}: ${e.message}\n`);
    return 2;
  }
  const documentLoader = createDocumentLoader({docFiles: opts.doc});
  let signed;
  try {
    signed = await vc.issue({credential, suite, documentLoader});
  } catch(e) {
    process.stderr.write(`sign.mjs: signing failed: ${shortMessage(e)}\n`);
    return 1;
  }
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, e => {
  if(e instanceof UsageError) {
    process.stderr.write(`sign.mjs: ${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`sign.mjs: ${e.stack || e}\n`);
    process.exitCode = 1;
  }
});
