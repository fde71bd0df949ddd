#!/usr/bin/env node
// Verifies credentials with the Digital Bazaar libraries (the reference
// verifier): @digitalbazaar/vc verifyCredential, DataIntegrityProof with
// eddsa-rdfc-2022 and eddsa-jcs-2022, assertionMethod purpose (issuer must be
// the verification method's controller), offline document loader.
//
//   node verify.mjs [--doc FILE]... [--now ISO] [--any-proof] FILE|-...
//
// Prints one JSON line per file:
//   {"file": …, "verified": bool, "error": "…", "libraryVerified": bool,
//    "proofs": [{"cryptosuite": …, "verificationMethod": …,
//                "verified": bool, "error": "…"}]}
// `libraryVerified` is what verifyCredential returned. The library accepts a
// proof set when ANY one proof verifies and silently skips proofs that match
// no suite; `verified` is stricter: every proof in the credential must have
// been checked and verified (unless --any-proof, which reports the
// library's own verdict).
// Status is not checked (no checkStatus).
// Exit: 0 iff every file verified, 1 otherwise, 2 usage error or unreadable
// / non-JSON input (a line is still printed for it).

import * as vc from '@digitalbazaar/vc';

import {createDocumentLoader} from './lib/loader.mjs';
import {
  UsageError, parseArgs, readJson, shortMessage, verifyingSuites
} from './lib/common.mjs';

const USAGE = 'usage: node verify.mjs [--doc FILE]... [--now ISO] ' +
  '[--any-proof] FILE|-...';

function proofsOf(credential) {
  const p = credential?.proof;
  if(p === undefined) {
    return [];
  }
  return Array.isArray(p) ? p : [p];
}

async function verifyOne({file, documentLoader, now, anyProof}) {
  const line = {file};
  let credential;
  try {
    credential = readJson(file);
  } catch(e) {
    return {
      ...line, verified: false, error: `cannot read: ${shortMessage(e)}`,
      unreadable: true
    };
  }
  const options = {
    credential,
    suite: verifyingSuites(),
    purpose: new vc.CredentialIssuancePurpose(),
    documentLoader
  };
  if(now !== undefined) {
    options.now = now;
  }
  let result;
  try {
    result = await vc.verifyCredential(options);
  } catch(e) {
    result = {verified: false, error: e};
  }
  const libraryVerified = result.verified === true;
  const inDocument = proofsOf(credential);
  // The library reports proofs in the order it matched them to suites; put
  // them back in document order (matched by proofValue).
  const position = r => {
    const i = inDocument.findIndex(
      p => p?.proofValue !== undefined &&
        p.proofValue === r.proof?.proofValue);
    return i === -1 ? inDocument.length : i;
  };
  // (Entries without `proof` come from the credential checks that run
  // before any proof is looked at; their error is in `result.error`.)
  const checked = (Array.isArray(result.results) ? result.results : [])
    .filter(r => r.proof).sort((a, b) => position(a) - position(b));
  const proofs = checked.map(r => ({
    cryptosuite: r.proof?.cryptosuite,
    verificationMethod: typeof r.proof?.verificationMethod === 'string' ?
      r.proof.verificationMethod : r.proof?.verificationMethod?.id,
    verified: r.verified === true,
    ...(r.error ? {error: shortMessage(r.error)} : {})
  }));
  const errors = [];
  if(result.error) {
    errors.push(shortMessage(result.error));
  }
  for(const p of proofs) {
    if(!p.verified && p.error && !errors.includes(p.error)) {
      errors.push(p.error);
    }
  }
  let verified = libraryVerified;
  if(!anyProof && libraryVerified) {
    if(checked.length !== inDocument.length) {
      verified = false;
      errors.push(
        `only ${checked.length} of ${inDocument.length} proofs were checked ` +
        '(others match no suite or purpose)');
    } else if(!proofs.every(p => p.verified)) {
      verified = false;
      errors.push('not every proof in the proof set verified');
    }
  }
  if(!verified && errors.length === 0) {
    errors.push('not verified (no error given)');
  }
  return {
    ...line,
    verified,
    ...(errors.length ? {error: errors.join('; ')} : {}),
    libraryVerified,
    proofs
  };
}

async function main(argv) {
  const {opts, positional} = parseArgs(argv, {
    doc: 'multi', now: 'single', 'any-proof': 'flag', help: 'flag'
  });
  if(opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if(positional.length === 0) {
    throw new UsageError('at least one FILE is required');
  }
  if(opts.now !== undefined && Number.isNaN(Date.parse(opts.now))) {
    throw new UsageError(`--now is not a date: ${opts.now}`);
  }
  const documentLoader = createDocumentLoader({docFiles: opts.doc});
  let allVerified = true;
  let unreadable = false;
  for(const file of positional) {
    const line = await verifyOne({
      file, documentLoader, now: opts.now, anyProof: opts['any-proof']
    });
    if(line.unreadable) {
      unreadable = true;
      delete line.unreadable;
    }
    allVerified &&= line.verified;
    process.stdout.write(JSON.stringify(line) + '\n');
  }
  if(unreadable) {
    return 2;
  }
  return allVerified ? 0 : 1;
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, e => {
  if(e instanceof UsageError) {
    process.stderr.write(`verify.mjs: ${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`verify.mjs: ${e.stack || e}\n`);
    process.exitCode = 2;
  }
});
