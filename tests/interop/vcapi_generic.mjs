#!/usr/bin/env node
// A credential that Rosette issued through generic VC-API issuance
// (`POST /credentials/issue` with an `issuer` token), verified with the
// pinned Digital Bazaar libraries as any VC-API client verifies it:
// @digitalbazaar/vc verifyCredential (DataIntegrityProof, eddsa-rdfc-2022
// and eddsa-jcs-2022, CredentialIssuancePurpose) with checkStatus of
// @digitalbazaar/vc-bitstring-status-list (the status list credential
// verified, its issuer matching the credential's). Driven by
// tests/it/interop.rs.
//
//   node vcapi_generic.mjs --credential FILE --ca FILE --origin https://HOST:PORT
//
// Contexts and did:key come from the offline loader (lib/loader.mjs); URLs
// under --origin (the test server: its status lists) are fetched over https
// by jsonld.js's own node document loader (`jsonld.documentLoaders.node`, which asks
// `Accept: application/ld+json, application/json` and takes a body only
// when the answer's Content-Type is JSON), trusting the PEM root(s) of
// --ca (the test server's throwaway CA) and nothing else.
//
// Prints one JSON line:
//   {"verified": bool,            every proof verified and the library agreed
//    "libraryVerified": bool,     verifyCredential's verdict (proof + status)
//    "error"?: "…",
//    "proofs": [{"cryptosuite", "verificationMethod", "verified", "error"?}],
//    "statusVerified": bool,      checkStatus ran without error
//    "statusError"?: "…",
//    "status": [{"purpose", "index", "list", "set": bool|null}],
//    "fetched": ["https://…"]}    URLs the network loader dereferenced
// NB the library reports a SET bit with verified: true (STANDARDS §12 item
// 6): `set` is the bit itself.
// Exit: 0 the command ran (whatever the verdict), 2 usage error or
// unreadable input.

import {readFileSync} from 'node:fs';
import https from 'node:https';

import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import jsonld from 'jsonld';

import {CONTEXTS, createDocumentLoader} from './lib/loader.mjs';
import {
  UsageError, parseArgs, readJson, shortMessage, verifyingSuites
} from './lib/common.mjs';

const USAGE = 'usage: node vcapi_generic.mjs --credential FILE --ca FILE ' +
  '--origin https://HOST:PORT';

function proofsOf(credential) {
  const p = credential?.proof;
  if(p === undefined) {
    return [];
  }
  return Array.isArray(p) ? p : [p];
}

function entriesOf(credential) {
  const cs = credential?.credentialStatus;
  const all = cs === undefined ? [] : (Array.isArray(cs) ? cs : [cs]);
  return all.filter(e => e && e.type === 'BitstringStatusListEntry');
}

// The library wraps a list's failure in an Error whose `cause` holds the
// reason; append it.
function errorMessage(error) {
  const msg = shortMessage(error);
  const inner = error?.cause ? shortMessage(error.cause) : '';
  return inner && !msg.includes(inner) ? `${msg} [cause: ${inner}]` : msg;
}

async function main(argv) {
  const {opts, positional} = parseArgs(argv, {
    credential: 'single', ca: 'single', origin: 'single', help: 'flag'
  });
  if(opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if(positional.length !== 0 || opts.credential === undefined ||
    opts.ca === undefined || opts.origin === undefined) {
    throw new UsageError('--credential, --ca and --origin are required');
  }
  if(!/^https:\/\/[^/]+$/.test(opts.origin)) {
    throw new UsageError(`--origin must be https://HOST[:PORT]: ${opts.origin}`);
  }
  const origin = opts.origin + '/';
  const credential = readJson(opts.credential);
  let ca;
  try {
    ca = readFileSync(opts.ca);
  } catch(e) {
    throw new UsageError(`cannot read --ca ${opts.ca}: ${e.message}`);
  }

  const offline = createDocumentLoader();
  const network = jsonld.documentLoaders.node({
    secure: true,
    httpsAgent: new https.Agent({ca})
  });
  const fetched = [];
  const documentLoader = async url => {
    if(url.startsWith(origin) && !CONTEXTS.has(url)) {
      fetched.push(url);
      const result = await network(url);
      if(result.document === null) {
        // What the 2026-12-03 server caused: an answer whose Content-Type
        // is not JSON gives the loader no document.
        throw new Error(`"${url}" gave the document loader no JSON body`);
      }
      return result;
    }
    return offline(url);
  };

  const suite = verifyingSuites();
  const statusOptions = {
    documentLoader, suite,
    verifyBitstringStatusListCredential: true,
    verifyMatchingIssuers: true
  };
  let result;
  try {
    result = await vc.verifyCredential({
      credential, suite, documentLoader,
      purpose: new vc.CredentialIssuancePurpose(),
      checkStatus: options => checkStatus({...options, ...statusOptions})
    });
  } catch(e) {
    result = {verified: false, error: e};
  }

  const inDocument = proofsOf(credential);
  const checked = (Array.isArray(result.results) ? result.results : [])
    .filter(r => r.proof);
  const proofs = checked.map(r => ({
    cryptosuite: r.proof.cryptosuite,
    verificationMethod: r.proof.verificationMethod,
    verified: r.verified === true,
    ...(r.error ? {error: errorMessage(r.error)} : {})
  }));
  const line = {
    verified: result.verified === true && inDocument.length > 0 &&
      proofs.length === inDocument.length && proofs.every(p => p.verified),
    libraryVerified: result.verified === true
  };
  const error = result.error ?? result.statusResult?.error;
  if(error) {
    line.error = errorMessage(error);
  }
  line.proofs = proofs;

  const statusResult = result.statusResult;
  line.statusVerified = statusResult?.verified === true;
  if(statusResult?.error) {
    line.statusError = errorMessage(statusResult.error);
  }
  const entries = entriesOf(credential);
  const results = Array.isArray(statusResult?.results) ?
    statusResult.results : [];
  line.status = entries.map(entry => {
    const r = results.find(x => x.credentialStatus === entry ||
      (x.credentialStatus?.statusListCredential ===
        entry.statusListCredential &&
        x.credentialStatus?.statusListIndex === entry.statusListIndex));
    return {
      purpose: entry.statusPurpose,
      index: entry.statusListIndex,
      list: entry.statusListCredential,
      set: typeof r?.status === 'boolean' ? r.status : null
    };
  });
  line.fetched = [...new Set(fetched)];
  process.stdout.write(JSON.stringify(line) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, e => {
  if(e instanceof UsageError) {
    process.stderr.write(`vcapi_generic.mjs: ${e.message}\n${USAGE}\n`);
  } else {
    process.stderr.write(`vcapi_generic.mjs: ${e.stack || e}\n`);
  }
  process.exitCode = 2;
});
