#!/usr/bin/env node
// Ed25519Signature2020 credentials with a StatusList2021 status, made and
// checked by the Digital Bazaar reference libraries
// (@digitalbazaar/ed25519-signature-2020 5.4.0,
// @digitalbazaar/ed25519-verification-key-2020 4.2.0,
// @digitalbazaar/vc-status-list 8.0.1, @digitalbazaar/vc 7.3.0). Driven by
// tests/it/legacy_suites.rs; its output is committed as
// tests/vectors/legacy-suites/ (see SOURCE.md there).
//
//   node legacy.mjs fixtures --out DIR
//       Writes, byte for byte reproducible (fixed seed and dates; Ed25519 is
//       deterministic):
//         credential.json           an OpenBadgeCredential (VC 1.1, OB
//                                   context 3.0.1) signed with
//                                   Ed25519Signature2020 by did:key, with a
//                                   StatusList2021Entry (revocation, index
//                                   INDEX) pointing at LIST_URL;
//         status-list.json          the StatusList2021Credential at
//                                   LIST_URL, signed by the same key, no bit set;
//         status-list-revoked.json  the same list with bit INDEX set.
//       Prints {"issuer", "verificationMethod", "listUrl", "index"}.
//
//   node legacy.mjs verify --credential FILE [--list FILE]
//       vc.verifyCredential with the Ed25519Signature2020 suite and, when a
//       list is given (served under its "id"), vc-status-list's checkStatus.
//       Prints {"verified": bool, "statusVerified"?: bool, "error"?: "…"}:
//       `statusVerified` is checkStatus's answer (false when the revocation
//       bit is set, which also makes `verified` false), absent when the
//       status was not checked (no list, or the proof failed first).
//
// Exit: 0 the command ran (whatever the verdict), 1 it failed (a JSON
// {"error"} line is printed), 2 usage error or unreadable input.

import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {
  Ed25519VerificationKey2020
} from '@digitalbazaar/ed25519-verification-key-2020';
import {
  checkStatus, createCredential, createList
} from '@digitalbazaar/vc-status-list';

import {createDocumentLoader} from './lib/loader.mjs';
import {UsageError, parseArgs, readJson, shortMessage} from './lib/common.mjs';

const USAGE = [
  'usage: node legacy.mjs fixtures --out DIR',
  '       node legacy.mjs verify --credential FILE [--list FILE]'
].join('\n');

// A fixed test key (never used elsewhere): seed bytes 0x20..0x3f.
const SEED = Uint8Array.from({length: 32}, (_, i) => 0x20 + i);
const CREATED = '2024-01-02T03:04:05Z';
const LIST_URL = 'https://legacy-issuer.example/status/2021/1';
const INDEX = 42;
const LIST_LENGTH = 131072;

function print(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

async function key() {
  const probe = await Ed25519VerificationKey2020.generate({seed: SEED});
  const did = `did:key:${probe.fingerprint()}`;
  return Ed25519VerificationKey2020.generate({
    seed: SEED, controller: did, id: `${did}#${probe.fingerprint()}`
  });
}

async function signed(document, keyPair, documentLoader) {
  const suite = new Ed25519Signature2020({key: keyPair, date: CREATED});
  return vc.issue({credential: document, suite, documentLoader});
}

async function list(keyPair, documentLoader, revoked) {
  const bits = await createList({length: LIST_LENGTH});
  if(revoked) {
    bits.setStatus(INDEX, true);
  }
  const unsigned = await createCredential(
    {id: LIST_URL, list: bits, statusPurpose: 'revocation'});
  unsigned.issuer = keyPair.controller;
  unsigned.issuanceDate = '2024-01-01T00:00:00Z';
  return signed(unsigned, keyPair, documentLoader);
}

async function fixtures(out) {
  const keyPair = await key();
  const documentLoader = createDocumentLoader();
  const credential = {
    '@context': [
      'https://www.w3.org/2018/credentials/v1',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
      'https://w3id.org/vc/status-list/2021/v1',
      'https://w3id.org/security/suites/ed25519-2020/v1'
    ],
    id: 'urn:uuid:5b1c0b1e-2020-4d3c-9e2a-legacy000001',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {id: keyPair.controller, type: 'Profile', name: 'Legacy Issuer'},
    issuanceDate: '2024-01-01T00:00:00Z',
    name: 'Legacy Suites Badge',
    credentialSubject: {
      id: 'did:example:legacy-holder',
      type: 'AchievementSubject',
      achievement: {
        id: 'https://legacy-issuer.example/achievements/1',
        type: 'Achievement',
        name: 'Legacy Suites',
        description: 'Signed with Ed25519Signature2020, status in a ' +
          'StatusList2021 list.',
        criteria: {narrative: 'Made by the interop harness.'}
      }
    },
    credentialStatus: {
      id: `${LIST_URL}#${INDEX}`,
      type: 'StatusList2021Entry',
      statusPurpose: 'revocation',
      statusListIndex: String(INDEX),
      statusListCredential: LIST_URL
    }
  };
  mkdirSync(out, {recursive: true});
  const write = (name, doc) =>
    writeFileSync(join(out, name), JSON.stringify(doc, null, 2) + '\n');
  write('credential.json', await signed(credential, keyPair, documentLoader));
  write('status-list.json', await list(keyPair, documentLoader, false));
  write('status-list-revoked.json', await list(keyPair, documentLoader, true));
  print({
    issuer: keyPair.controller, verificationMethod: keyPair.id,
    listUrl: LIST_URL, index: INDEX
  });
}

async function verify(credentialFile, listFile) {
  const credential = readJson(credentialFile);
  const base = createDocumentLoader();
  const listDoc = listFile === undefined ? undefined : readJson(listFile);
  const documentLoader = async url => {
    if(listDoc !== undefined && url === listDoc.id) {
      return {contextUrl: null, documentUrl: url, document: listDoc};
    }
    return base(url);
  };
  const options = {credential, suite: new Ed25519Signature2020(),
    documentLoader};
  if(listDoc !== undefined) {
    options.checkStatus = checkStatus;
  }
  const result = await vc.verifyCredential(options);
  const answer = {verified: result.verified === true};
  if(result.statusResult !== undefined) {
    answer.statusVerified = result.statusResult.verified === true;
  }
  const error = shortMessage(result.error) ||
    shortMessage(result.statusResult?.error);
  if(error) {
    answer.error = error;
  }
  print(answer);
}

async function main(argv) {
  const [command, ...rest] = argv;
  const {opts, positional} = parseArgs(rest, {
    out: 'single', credential: 'single', list: 'single', help: 'flag'
  });
  if(opts.help || command === '--help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if(positional.length !== 0) {
    throw new UsageError(`unexpected argument ${positional[0]}`);
  }
  if(command === 'fixtures' && opts.out) {
    await fixtures(opts.out);
    return 0;
  }
  if(command === 'verify' && opts.credential) {
    await verify(opts.credential, opts.list);
    return 0;
  }
  throw new UsageError(USAGE);
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, error => {
  if(error instanceof UsageError) {
    process.stderr.write(error.message + '\n');
    process.exitCode = 2;
  } else {
    print({error: shortMessage(error) || String(error)});
    process.exitCode = 1;
  }
});
