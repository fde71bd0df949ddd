// Throughput of the JavaScript reference verifier on one credential, for the
// same-machine comparison in BENCHMARKS.md (not a test).
//
//   node bench.mjs FILE [N]
//
// Verifies the signed credential in FILE N times (default 500) after 50
// warm-up runs with @digitalbazaar/vc verifyCredential and prints the rate.
import * as vc from '@digitalbazaar/vc';
import {createDocumentLoader} from './lib/loader.mjs';
import {readJson, verifyingSuites} from './lib/common.mjs';

const [file, n = '500'] = process.argv.slice(2);
if(!file) {
  console.error('usage: node bench.mjs FILE [N]');
  process.exit(2);
}
const credential = readJson(file);
const documentLoader = createDocumentLoader({});
const run = async () => {
  const r = await vc.verifyCredential({
    credential, suite: verifyingSuites(),
    purpose: new vc.CredentialIssuancePurpose(), documentLoader
  });
  if(!r.verified) {
    throw new Error('credential did not verify');
  }
};
for(let i = 0; i < 50; ++i) {
  await run();
}
const count = Number(n);
const start = process.hrtime.bigint();
for(let i = 0; i < count; ++i) {
  await run();
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({verifications: count, seconds, perSecond: Math.round(count / seconds)}));
