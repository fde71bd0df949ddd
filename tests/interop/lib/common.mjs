// Shared helpers for the interop CLI scripts: argument parsing, key
// derivation from a seed, cryptosuite selection, input reading.

import {readFileSync} from 'node:fs';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcCryptosuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';

export const SUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'];

/** Raised for bad command lines; scripts exit 2 with usage text. */
export class UsageError extends Error {}

/**
 * Minimal option parser.
 *
 * @param {string[]} argv - Arguments after the script name.
 * @param {object} spec - {name: 'single'|'multi'|'flag'} for `--name`.
 * @returns {{opts: object, positional: string[]}} Parsed arguments.
 */
export function parseArgs(argv, spec) {
  const opts = {};
  const positional = [];
  for(const [name, kind] of Object.entries(spec)) {
    if(kind === 'multi') {
      opts[name] = [];
    } else if(kind === 'flag') {
      opts[name] = false;
    }
  }
  for(let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if(arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if(arg.startsWith('--')) {
      let name = arg.slice(2);
      let value;
      const eq = name.indexOf('=');
      if(eq !== -1) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      const kind = spec[name];
      if(!kind) {
        throw new UsageError(`unknown option --${name}`);
      }
      if(kind === 'flag') {
        if(value !== undefined) {
          throw new UsageError(`option --${name} takes no value`);
        }
        opts[name] = true;
        continue;
      }
      if(value === undefined) {
        if(i + 1 >= argv.length) {
          throw new UsageError(`option --${name} needs a value`);
        }
        value = argv[++i];
      }
      if(kind === 'multi') {
        opts[name].push(value);
      } else {
        if(opts[name] !== undefined) {
          throw new UsageError(`option --${name} given twice`);
        }
        opts[name] = value;
      }
      continue;
    }
    positional.push(arg);
  }
  return {opts, positional};
}

/**
 * Parses a 32-byte seed given as 64 hex digits.
 *
 * @param {string} hex - The seed.
 * @returns {Uint8Array} The seed bytes.
 */
export function parseSeed(hex) {
  if(typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new UsageError('--seed must be 64 hex digits (32 bytes)');
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * Derives the Ed25519 Multikey key pair for a seed, with did:key controller
 * and verification method id `did:key:z6Mk…#z6Mk…`.
 *
 * @param {Uint8Array} seed - 32-byte seed.
 * @param {object} [options] - Options.
 * @param {string} [options.vm] - Verification method id to use instead of
 *   the did:key one.
 * @returns {Promise<{did: string, keyPair: object}>} The did:key and the
 *   key pair.
 */
export async function keyFromSeed(seed, {vm} = {}) {
  const probe = await Ed25519Multikey.generate({seed});
  const did = `did:key:${probe.publicKeyMultibase}`;
  if(vm !== undefined) {
    // Another verification method id for the same key (e.g. did:web…#key-1);
    // its controller is the id without the fragment.
    const hash = vm.indexOf('#');
    if(hash <= 0 || !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(vm)) {
      throw new UsageError('--vm must be an absolute URL with a #fragment');
    }
    const keyPair = await Ed25519Multikey.generate({
      seed, id: vm, controller: vm.slice(0, hash)
    });
    return {did, keyPair};
  }
  const keyPair = await Ed25519Multikey.generate({seed, controller: did});
  return {did, keyPair};
}

/**
 * Creates the signing suite for a cryptosuite name.
 *
 * @param {object} options - Options.
 * @param {string} options.suite - 'eddsa-rdfc-2022' or 'eddsa-jcs-2022'.
 * @param {object} options.keyPair - Ed25519 Multikey key pair with secret.
 * @param {string} [options.created] - Value for `proof.created`.
 * @returns {DataIntegrityProof} The suite.
 */
export function signingSuite({suite, keyPair, created}) {
  let cryptosuite;
  if(suite === 'eddsa-rdfc-2022') {
    cryptosuite = rdfcCryptosuite;
  } else if(suite === 'eddsa-jcs-2022') {
    cryptosuite = createJcsSignCryptosuite();
  } else {
    throw new UsageError(`--suite must be one of ${SUITES.join(', ')}`);
  }
  const options = {signer: keyPair.signer(), cryptosuite};
  if(created !== undefined) {
    if(Number.isNaN(Date.parse(created))) {
      throw new UsageError(`--created is not a date: ${created}`);
    }
    options.date = created;
  }
  return new DataIntegrityProof(options);
}

/**
 * The verification suites: one DataIntegrityProof per cryptosuite.
 *
 * @returns {DataIntegrityProof[]} Suites.
 */
export function verifyingSuites() {
  return [
    new DataIntegrityProof({cryptosuite: rdfcCryptosuite}),
    new DataIntegrityProof({cryptosuite: createJcsVerifyCryptosuite()})
  ];
}

/**
 * Reads a JSON file, or standard input for `-`.
 *
 * @param {string} file - Path or '-'.
 * @returns {any} Parsed JSON.
 */
export function readJson(file) {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  return JSON.parse(text);
}

/**
 * Short, single-line message for an error or list of errors.
 *
 * @param {any} error - Error, array of errors, or anything.
 * @returns {string} Message.
 */
export function shortMessage(error) {
  if(error === undefined || error === null) {
    return '';
  }
  if(Array.isArray(error)) {
    return error.map(shortMessage).filter(m => m).join('; ');
  }
  // jsonld-signatures wraps proof failures in a VerificationError whose
  // message is only "Verification error(s)."; report the inner errors.
  if(Array.isArray(error.errors) && error.errors.length > 0) {
    return shortMessage(error.errors);
  }
  // jsonld.js document-loading errors: the loader's own message (naming the
  // refused URL) is in details.cause.
  const cause = error.details?.cause;
  if(cause && typeof cause.message === 'string') {
    const code = error.details.code ? `${error.details.code}: ` : '';
    return shortMessage({message: code + cause.message});
  }
  let msg = error.message ?? String(error);
  // jsonld.js safe-mode errors carry the offending item in details.
  const details = error.details;
  if(details && typeof details === 'object' && details.event) {
    const ev = details.event;
    const what = ev.details ?? {};
    const extra = what.property ?? what.term ?? what.type ?? what.iri ??
      ev.code;
    if(extra !== undefined) {
      msg += ` (${typeof extra === 'string' ? extra : JSON.stringify(extra)})`;
    }
  }
  msg = msg.replace(/\s+/g, ' ').trim();
  return msg.length > 300 ? `${msg.slice(0, 297)}...` : msg;
}
