#!/usr/bin/env node
// Bitstring Status List with the Digital Bazaar reference library
// (@digitalbazaar/vc-bitstring-status-list 2.0.1, on @digitalbazaar/bitstring
// 3.1.0 and pako): encode and decode lists, and check the status of a
// credential. Driven by tests/it/status_interop.rs.
//
//   node status.mjs encode [--length N] [--bits I,J,...]
//       createList({length}) (default length 131072), setStatus(i, true) for
//       each listed index, encode(). Prints {"length": N, "encodedList": "u…"}.
//       `--bits ""` (or no --bits) encodes an all-zero list.
//
//   node status.mjs decode [--] ENCODED
//       decodeList({encodedList}), then getStatus(i) for every i.
//       Prints {"length": N, "set": [indexes of set bits, ascending]}.
//       The library has NO minimum-length check: any list decodes, and its
//       length is always (decompressed bytes × 8).
//
//   node status.mjs check --credential FILE --list FILE [--list FILE]...
//                         [--doc FILE]...
//       checkStatus({credential, documentLoader, suite,
//       verifyBitstringStatusListCredential: true, verifyMatchingIssuers:
//       true}). The document loader serves each --list file under its "id"
//       (the entry's statusListCredential URL), then the offline loader of
//       lib/loader.mjs (contexts, did:key, --doc files). Suites: the
//       DataIntegrityProof rdfc and jcs verifiers of lib/common.mjs.
//       Prints
//         {"verified": bool, "error"?: "…",
//          "results": [{"purpose": "…", "index": "…", "status": bool|null,
//                       "verified": bool, "error"?: "…"}],
//          "credentialVerified": bool, "credentialError"?: "…"}
//       `verified`/`error`: the library's verdict for the whole credential
//       (one checkStatus call over all entries).
//       `results`: one per BitstringStatusListEntry, in document order, each
//       from its own checkStatus call on a copy of the credential carrying
//       only that entry (the library runs the entries under Promise.all and
//       reports only the first error, with no per-entry results, so this is
//       how an error is attributed to its entry). `status` is the bit
//       (true = set) or null when the check failed.
//       Errors are the library's message; when the list credential fails
//       verification, the proof errors the library keeps in `error.cause`
//       are appended as " [cause: …]".
//       `credentialVerified`: vc.verifyCredential of the credential itself
//       with checkStatus plugged in (proof + status). NB the library reports
//       a SET bit as verified: true (STANDARDS §12 item 6); only errors make
//       checkStatus fail.
//
// Exit: 0 the command ran (whatever the verdict), 1 decode/encode failed (a
// JSON {"error"} line is printed), 2 usage error or unreadable input.

import * as vc from '@digitalbazaar/vc';
import {
  checkStatus, createList, decodeList
} from '@digitalbazaar/vc-bitstring-status-list';

import {createDocumentLoader} from './lib/loader.mjs';
import {
  UsageError, parseArgs, readJson, shortMessage, verifyingSuites
} from './lib/common.mjs';

const USAGE = [
  'usage: node status.mjs encode [--length N] [--bits I,J,...]',
  '       node status.mjs decode [--] ENCODED',
  '       node status.mjs check --credential FILE --list FILE [--list FILE]...' +
    ' [--doc FILE]...'
].join('\n');

const DEFAULT_LENGTH = 131072;

function print(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

function parseIndex(text, what) {
  if(!/^(0|[1-9][0-9]*)$/.test(text)) {
    throw new UsageError(`${what} is not a non-negative integer: "${text}"`);
  }
  const n = Number(text);
  if(!Number.isSafeInteger(n)) {
    throw new UsageError(`${what} is too large: ${text}`);
  }
  return n;
}

async function encode(opts, positional) {
  if(positional.length !== 0) {
    throw new UsageError('encode takes no positional arguments');
  }
  const length = opts.length === undefined ?
    DEFAULT_LENGTH : parseIndex(opts.length, '--length');
  const bits = (opts.bits ?? '').split(',').map(s => s.trim())
    .filter(s => s !== '').map(s => parseIndex(s, 'bit index'));
  let list;
  try {
    list = await createList({length});
    for(const i of bits) {
      list.setStatus(i, true);
    }
  } catch(e) {
    print({error: shortMessage(e)});
    return 1;
  }
  print({length: list.length, encodedList: await list.encode()});
  return 0;
}

async function decode(opts, positional) {
  if(positional.length !== 1) {
    throw new UsageError('decode takes exactly one ENCODED argument');
  }
  let list;
  try {
    list = await decodeList({encodedList: positional[0]});
  } catch(e) {
    print({error: shortMessage(e)});
    return 1;
  }
  const set = [];
  for(let i = 0; i < list.length; i++) {
    if(list.getStatus(i)) {
      set.push(i);
    }
  }
  print({length: list.length, set});
  return 0;
}

// The library wraps the list's verification failure in an Error whose
// message ends in "reason: Verification error(s)."; the proof errors are in
// `cause` (a jsonld-signatures VerificationError). Append them.
function errorMessage(error) {
  const msg = shortMessage(error);
  const cause = error?.cause;
  if(!cause) {
    return msg;
  }
  const inner = shortMessage(cause);
  return inner && !msg.includes(inner) ? `${msg} [cause: ${inner}]` : msg;
}

function entriesOf(credential) {
  const cs = credential?.credentialStatus;
  const all = cs === undefined ? [] : (Array.isArray(cs) ? cs : [cs]);
  return all.filter(e => e && e.type === 'BitstringStatusListEntry');
}

async function check(opts, positional) {
  if(positional.length !== 0) {
    throw new UsageError('check takes no positional arguments');
  }
  if(opts.credential === undefined) {
    throw new UsageError('check needs --credential FILE');
  }
  if(opts.list.length === 0) {
    throw new UsageError('check needs at least one --list FILE');
  }
  const credential = readJson(opts.credential);
  const lists = new Map();
  for(const file of opts.list) {
    const doc = readJson(file);
    if(!doc || typeof doc.id !== 'string' || !doc.id) {
      throw new UsageError(`list file ${file} has no string "id"`);
    }
    lists.set(doc.id, doc);
  }
  const offline = createDocumentLoader({docFiles: opts.doc});
  const documentLoader = async url => {
    if(lists.has(url)) {
      return {
        contextUrl: null, documentUrl: url,
        document: structuredClone(lists.get(url))
      };
    }
    return offline(url);
  };
  const suite = verifyingSuites();
  const statusOptions = {
    documentLoader, suite,
    verifyBitstringStatusListCredential: true,
    verifyMatchingIssuers: true
  };

  // The library's verdict over all entries at once.
  const whole = await checkStatus({credential, ...statusOptions});
  const line = {verified: whole.verified === true};
  if(whole.error) {
    line.error = errorMessage(whole.error);
  }

  // One call per entry, to attribute results and errors to entries.
  line.results = [];
  for(const entry of entriesOf(credential)) {
    const single = {...structuredClone(credential), credentialStatus: entry};
    const r = await checkStatus({credential: single, ...statusOptions});
    const status = r.results?.[0]?.status;
    line.results.push({
      purpose: entry.statusPurpose,
      index: entry.statusListIndex,
      status: r.verified === true && typeof status === 'boolean' ?
        status : null,
      verified: r.verified === true,
      ...(r.error ? {error: errorMessage(r.error)} : {})
    });
  }

  // The credential's own verification, with status checking plugged in.
  let full;
  try {
    full = await vc.verifyCredential({
      credential, suite, documentLoader,
      purpose: new vc.CredentialIssuancePurpose(),
      checkStatus: options => checkStatus({...options, ...statusOptions})
    });
  } catch(e) {
    full = {verified: false, error: e};
  }
  line.credentialVerified = full.verified === true;
  if(!line.credentialVerified) {
    const e = full.error ?? full.statusResult?.error ??
      full.results?.find(r => r.error)?.error;
    line.credentialError = e ? errorMessage(e) :
      'not verified (no error given)';
  }
  print(line);
  return 0;
}

async function main(argv) {
  const {opts, positional} = parseArgs(argv, {
    length: 'single', bits: 'single', credential: 'single', list: 'multi',
    doc: 'multi', help: 'flag'
  });
  if(opts.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const [command, ...rest] = positional;
  const allowed = {
    encode: ['length', 'bits'],
    decode: [],
    check: ['credential', 'list', 'doc']
  };
  if(!Object.hasOwn(allowed, command ?? '')) {
    throw new UsageError('the first argument must be encode, decode or check');
  }
  for(const [name, value] of Object.entries(opts)) {
    const given = Array.isArray(value) ? value.length > 0 :
      (value !== undefined && value !== false);
    if(given && !allowed[command].includes(name)) {
      throw new UsageError(`--${name} is not an option of ${command}`);
    }
  }
  if(command === 'encode') {
    return encode(opts, rest);
  }
  if(command === 'decode') {
    return decode(opts, rest);
  }
  return check(opts, rest);
}

main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
}, e => {
  if(e instanceof UsageError) {
    process.stderr.write(`status.mjs: ${e.message}\n${USAGE}\n`);
  } else {
    process.stderr.write(`status.mjs: ${e.stack || e}\n`);
  }
  process.exitCode = 2;
});
