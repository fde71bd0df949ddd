#!/usr/bin/env node
// A holder's wallet built from the Digital Bazaar libraries, claiming a
// Rosette wallet copy through the VC-API exchange of a claim link and
// presenting it back to Rosette.
//
//   node wallet.mjs --claim URL --seed HEX32 [--out FILE]
//
// Steps (each recorded in the JSON line):
//   1. GET the claim URL with `Accept: application/json` (VC-API interaction
//      URL, `iuv=1`): `protocols.vcapi` is the exchange URL.
//   2. POST `{}` to the exchange: a `verifiablePresentationRequest` with a
//      DIDAuthentication query, a challenge and a domain.
//   3. The holder — the did:key of the Ed25519 key derived from --seed —
//      signs a presentation (`holder` = its DID) with `signPresentation` of
//      @digitalbazaar/vc: DataIntegrityProof, eddsa-rdfc-2022, purpose
//      `authentication`, that challenge and domain; POSTs it to the exchange
//      and receives `verifiablePresentation.verifiableCredential[0]`, the
//      copy (written to --out).
//   4. The copy is checked: `credentialSubject.id` is the holder's DID, and
//      `verifyCredential` (both cryptosuites, CredentialIssuancePurpose)
//      verifies it offline. Its contexts are Rosette's compiled-in copies,
//      read from ../../schemas/contexts/ as listed in ../../src/contexts.rs
//      (the files `include_bytes!` embeds); the issuer's DID document is
//      the server's `/.well-known/did.json` (a did:key issuer resolves
//      offline); its status lists are fetched from the server and checked
//      by @digitalbazaar/vc-bitstring-status-list (every bit clear). A copy
//      re-bound to another holder must fail.
//   5. The holder presents the copy: a presentation of it signed like step 3
//      with a fresh challenge and the server's domain, verified by Digital
//      Bazaar's `verify` (presentation and copy) and POSTed to the server's
//      `POST /presentations/verify` with `options.challenge` and
//      `options.domain`: 200 and `verified: true`. The same presentation
//      with another challenge in the options must get 422 and
//      `verified: false`.
//   6. The exchange refuses a replay of step 3's presentation (the claim
//      works once): a status >= 400.
//
// Prints one JSON line: {"ok", "problems": [...], "holder", "exchange",
// "challenge", "domain", "copy": {"id", "subject", "jsVerified",
// "tamperedVerified", "status": {purpose: bit}, "contexts": [...],
// "fetched": [...]}, "presentation": {"jsVerified",
// "serverStatus", "serverVerified", "wrongChallengeStatus",
// "wrongChallengeVerified", "serverErrors"}, "replayStatus"}.
// Exit: 0 every check passed, 1 a check failed, 2 usage error or the server
// could not be reached.

import {randomBytes} from 'node:crypto';
import {readFileSync, writeFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

import {createDocumentLoader} from './lib/loader.mjs';
import {
  UsageError, keyFromSeed, parseArgs, parseSeed, shortMessage, signingSuite,
  verifyingSuites
} from './lib/common.mjs';

const USAGE = 'usage: node wallet.mjs --claim URL --seed HEX32 [--out FILE]';
const ROOT = new URL('../../', import.meta.url);

/** URL -> parsed context, as Rosette compiles them in (src/contexts.rs). */
function compiledInContexts() {
  const source = readFileSync(new URL('src/contexts.rs', ROOT), 'utf8');
  const contexts = new Map();
  const entry = /ctx!\(\s*"([^"]+)",\s*"([^"]+)"/g;
  for(const [, url, file] of source.matchAll(entry)) {
    const path = fileURLToPath(new URL(`schemas/contexts/${file}`, ROOT));
    contexts.set(url, JSON.parse(readFileSync(path, 'utf8')));
  }
  if(contexts.size < 5) {
    throw new Error(`src/contexts.rs lists only ${contexts.size} contexts`);
  }
  return contexts;
}

/** The offline loader with Rosette's compiled-in contexts first; URLs under
 * `origin` (the server's status lists) are fetched from the server. */
function loaderWith({compiled, docFiles, used, origin, fetched}) {
  const base = createDocumentLoader({docFiles});
  return async url => {
    if(compiled.has(url)) {
      used.add(url);
      return {
        contextUrl: null, documentUrl: url,
        document: structuredClone(compiled.get(url))
      };
    }
    if(url.startsWith(`${origin}/`)) {
      fetched.add(url);
      const res = await fetch(url, {headers: {accept: 'application/vc, ' +
        'application/ld+json, application/json'}});
      if(res.status !== 200) {
        throw new Error(`${url}: ${res.status}`);
      }
      return {contextUrl: null, documentUrl: url, document: await res.json()};
    }
    return base(url);
  };
}

async function call(url, {method = 'GET', body, accept} = {}) {
  const headers = {};
  if(body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if(accept) {
    headers.accept = accept;
  }
  const res = await fetch(url, {
    method, headers, body: body === undefined ? undefined :
      JSON.stringify(body)
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {status: res.status, json, text};
}

async function main(argv) {
  const {opts} = parseArgs(argv, {claim: 'single', seed: 'single',
    out: 'single'});
  if(!opts.claim || !opts.seed) {
    throw new UsageError('--claim and --seed are required');
  }
  let claimUrl;
  try {
    claimUrl = new URL(opts.claim);
  } catch {
    throw new UsageError(`--claim is not a URL: ${opts.claim}`);
  }
  const seed = parseSeed(opts.seed);
  const origin = claimUrl.origin;
  const problems = [];
  const line = {ok: false, problems};
  const check = (cond, msg) => {
    if(!cond) {
      problems.push(msg);
    }
    return cond;
  };
  const emit = code => {
    line.ok = code === 0;
    process.stdout.write(JSON.stringify(line) + '\n');
    return code;
  };

  const {did, keyPair} = await keyFromSeed(seed);
  line.holder = did;

  // 1. The interaction URL.
  let res;
  try {
    res = await call(claimUrl.href, {accept: 'application/json'});
  } catch(e) {
    problems.push(`cannot reach ${claimUrl.href}: ${e.message}`);
    return emit(2);
  }
  const exchange = res.json?.protocols?.vcapi;
  line.exchange = exchange;
  if(!check(res.status === 200 && typeof exchange === 'string',
    `claim URL: ${res.status} ${res.text.slice(0, 200)}`)) {
    return emit(1);
  }

  // 2. The presentation request.
  res = await call(exchange, {method: 'POST', body: {}});
  const vpr = res.json?.verifiablePresentationRequest;
  if(!check(res.status === 200 && vpr, `exchange {}: ${res.status} ` +
    res.text.slice(0, 200))) {
    return emit(1);
  }
  check(vpr.query?.[0]?.type === 'DIDAuthentication',
    `query is not DIDAuthentication: ${JSON.stringify(vpr.query)}`);
  check(typeof vpr.challenge === 'string' && vpr.challenge.length >= 16,
    `challenge: ${JSON.stringify(vpr.challenge)}`);
  check(vpr.domain === claimUrl.host,
    `domain ${JSON.stringify(vpr.domain)}, expected ${claimUrl.host}`);
  line.challenge = vpr.challenge;
  line.domain = vpr.domain;

  const compiled = compiledInContexts();
  const used = new Set();
  const tmp = mkdtempSync(join(tmpdir(), 'rosette-wallet-'));
  try {
    // The issuer's DID document, for a did:web issuer.
    const didDoc = await call(`${origin}/.well-known/did.json`);
    const docFiles = [];
    if(didDoc.status === 200 && didDoc.json?.id) {
      const file = join(tmp, 'did.json');
      writeFileSync(file, didDoc.text);
      docFiles.push(file);
    }
    const fetched = new Set();
    const documentLoader = loaderWith({compiled, docFiles, used, origin,
      fetched});
    const sign = async (presentation, challenge, domain) => vc
      .signPresentation({
        presentation,
        suite: signingSuite({suite: 'eddsa-rdfc-2022', keyPair}),
        challenge, domain, documentLoader
      });

    // 3. DIDAuthentication.
    const auth = await sign(vc.createPresentation({holder: did}),
      vpr.challenge, vpr.domain);
    res = await call(exchange, {method: 'POST',
      body: {verifiablePresentation: auth}});
    const copy = res.json?.verifiablePresentation?.verifiableCredential?.[0];
    if(!check(res.status === 200 && copy, `exchange with the presentation: ` +
      `${res.status} ${res.text.slice(0, 300)}`)) {
      return emit(1);
    }
    if(opts.out) {
      writeFileSync(opts.out, JSON.stringify(copy, null, 2));
    }

    // 4. The copy.
    line.copy = {id: copy.id, subject: copy.credentialSubject?.id};
    check(copy.credentialSubject?.id === did,
      `the copy's credentialSubject.id is ${copy.credentialSubject?.id}, ` +
      `expected the holder ${did}`);
    const verifyCopy = async credential => {
      try {
        const suite = verifyingSuites();
        const r = await vc.verifyCredential({
          credential, suite, documentLoader,
          purpose: new vc.CredentialIssuancePurpose(),
          checkStatus: options => checkStatus({...options, documentLoader,
            suite, verifyBitstringStatusListCredential: true,
            verifyMatchingIssuers: true})
        });
        // The library reports a set bit with `verified: true`; `status` is
        // the bit.
        const bits = (r.statusResult?.results ?? []).map(x => [
          x.credentialStatus?.statusPurpose, x.status]);
        return {verified: r.verified === true, bits, error: r.verified ?
          undefined : shortMessage(r.error ?? r.statusResult?.error ??
            (r.results ?? []).map(x => x.error))};
      } catch(e) {
        return {verified: false, error: shortMessage(e)};
      }
    };
    const copyResult = await verifyCopy(copy);
    line.copy.jsVerified = copyResult.verified;
    line.copy.status = Object.fromEntries(copyResult.bits ?? []);
    check(copyResult.verified,
      `the copy does not verify with @digitalbazaar/vc: ${copyResult.error}`);
    check((copyResult.bits ?? []).length > 0 &&
      copyResult.bits.every(([, set]) => set === false),
      `the copy's status bits: ${JSON.stringify(copyResult.bits)}`);
    const tampered = structuredClone(copy);
    tampered.credentialSubject.id = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
    const tamperedResult = await verifyCopy(tampered);
    line.copy.tamperedVerified = tamperedResult.verified;
    check(!tamperedResult.verified,
      'a copy re-bound to another holder still verifies');
    line.copy.contexts = [...used].sort();
    line.copy.fetched = [...fetched].sort();

    // 5. The holder presents the copy.
    const challenge = randomBytes(16).toString('hex');
    const domain = claimUrl.host;
    const presentation = await sign(
      vc.createPresentation({verifiableCredential: [copy], holder: did}),
      challenge, domain);
    line.presentation = {};
    try {
      const suite = verifyingSuites();
      const r = await vc.verify({
        presentation, challenge, domain, suite, documentLoader,
        checkStatus: options => checkStatus({...options, documentLoader,
          suite, verifyBitstringStatusListCredential: true,
          verifyMatchingIssuers: true})
      });
      line.presentation.jsVerified = r.verified === true;
      check(r.verified, 'the presentation does not verify with ' +
        `@digitalbazaar/vc: ${shortMessage(r.error)}`);
    } catch(e) {
      line.presentation.jsVerified = false;
      problems.push(`verify (presentation) threw: ${shortMessage(e)}`);
    }
    const verifyAt = `${origin}/presentations/verify`;
    res = await call(verifyAt, {method: 'POST', body: {
      verifiablePresentation: presentation, options: {challenge, domain}
    }});
    line.presentation.serverStatus = res.status;
    line.presentation.serverVerified = res.json?.verified;
    line.presentation.serverErrors = res.json?.errors;
    check(res.status === 200 && res.json?.verified === true,
      `POST /presentations/verify: ${res.status} ${res.text.slice(0, 400)}`);
    res = await call(verifyAt, {method: 'POST', body: {
      verifiablePresentation: presentation,
      options: {challenge: `${challenge}-other`, domain}
    }});
    line.presentation.wrongChallengeStatus = res.status;
    line.presentation.wrongChallengeVerified = res.json?.verified;
    check(res.status === 422 && res.json?.verified === false,
      'POST /presentations/verify with another challenge: ' +
      `${res.status} ${res.text.slice(0, 200)}`);

    // 6. A replay of the DIDAuthentication gets nothing.
    res = await call(exchange, {method: 'POST',
      body: {verifiablePresentation: auth}});
    line.replayStatus = res.status;
    check(res.status >= 400 && !res.json?.verifiablePresentation,
      `a replay of the presentation got ${res.status}`);
  } finally {
    rmSync(tmp, {recursive: true, force: true});
  }
  return emit(problems.length === 0 ? 0 : 1);
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, e => {
  process.stderr.write(`wallet.mjs: ${e instanceof UsageError ?
    `${e.message}\n${USAGE}` : (e.stack || e)}\n`);
  process.exitCode = 2;
});
