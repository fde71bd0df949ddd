// Signs a VC-JWT (Open Badges 3.0 §8.2) with `jose` (panva), an independent
// JOSE implementation, for Rosette to verify.
//
//   node jwt-sign.mjs <payload.json> <EdDSA|ES256|RS256> <jwk|did-jwk>
//
// A fresh key pair is generated. `jwk`: the public key goes in the JOSE
// header's `jwk`. `did-jwk`: the header's `kid` is `did:jwk:<key>#0`, and
// the payload's `iss` and issuer id are set to that DID. Prints
// {"jwt": "<compact JWS>", "did": "<did:jwk or null>"}.
import {readFileSync} from 'node:fs';
import {CompactSign, exportJWK, generateKeyPair} from 'jose';

const [file, alg, keyForm] = process.argv.slice(2);
if(!file || !['EdDSA', 'ES256', 'RS256'].includes(alg) ||
  !['jwk', 'did-jwk'].includes(keyForm)) {
  console.error('usage: node jwt-sign.mjs <payload.json> <EdDSA|ES256|RS256> <jwk|did-jwk>');
  process.exit(2);
}
const payload = JSON.parse(readFileSync(file, 'utf8'));
const options = alg === 'EdDSA' ? {crv: 'Ed25519'} : {modulusLength: 2048};
const {publicKey, privateKey} = await generateKeyPair(alg, options);
const jwk = await exportJWK(publicKey);
const header = {alg, typ: 'JWT'};
let did = null;
if(keyForm === 'jwk') {
  header.jwk = jwk;
} else {
  did = 'did:jwk:' + Buffer.from(JSON.stringify(jwk)).toString('base64url');
  header.kid = `${did}#0`;
  payload.iss = did;
  const credential = payload.vc ?? payload;
  credential.issuer = {...credential.issuer, id: did};
}
const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
  .setProtectedHeader(header)
  .sign(privateKey);
console.log(JSON.stringify({jwt, did}));
