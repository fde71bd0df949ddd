//! Signing and verification throughput (criterion). Each run also measures
//! raw Ed25519 sign / verify_strict as the same-run baseline.
//!
//! Run: `cargo bench --bench proof` (one core: `taskset -c 0 cargo bench --bench proof`).

use criterion::{Criterion, criterion_group, criterion_main};
use rosette::keys::{self, CredentialSigner, IssuerKey, OfflineResolver};
use rosette::proof::{self, Cryptosuite, ProofOptions};
use serde_json::{Value, json};
use std::hint::black_box;
use support::{Lists, credential};

mod support;

fn benches(c: &mut Criterion) {
    let key =
        keys::decode_secret_key("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq").expect("key");
    let signer = IssuerKey::did_key(key);
    let doc = credential(signer.issuer());
    let resolver = OfflineResolver::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .expect("date")
        .to_utc();

    let message = [7u8; 64];
    let sig = signer.sign(&message);
    let public = signer.public_key();
    c.bench_function("baseline/ed25519_sign", |b| {
        b.iter(|| signer.sign(black_box(&message)))
    });
    c.bench_function("baseline/ed25519_verify_strict", |b| {
        b.iter(|| proof::check_signature(&public, black_box(&message), &sig).expect("valid"))
    });

    for suite in [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022] {
        let options = ProofOptions::assertion(suite, Some("2026-11-25T12:00:00Z".into()));
        c.bench_function(&format!("{}/sign", suite.as_str()), |b| {
            b.iter(|| proof::add_proof(black_box(&doc), &options, &signer).expect("sign"))
        });
        let signed = proof::add_proof(&doc, &options, &signer).expect("sign");
        c.bench_function(&format!("{}/verify", suite.as_str()), |b| {
            b.iter(|| {
                let outcomes = rt
                    .block_on(proof::verify_proofs(
                        black_box(&signed),
                        "assertionMethod",
                        &resolver,
                        now,
                    ))
                    .expect("proofs");
                assert!(outcomes[0].result.is_ok());
            })
        });
    }
    let signed = proof::add_proof(
        &doc,
        &ProofOptions::assertion(
            Cryptosuite::EddsaRdfc2022,
            Some("2026-11-25T12:00:00Z".into()),
        ),
        &signer,
    )
    .expect("sign");
    c.bench_function("eddsa-rdfc-2022/verification_report", |b| {
        b.iter(|| {
            let cx = rosette::verification::VerifyContext::new(&resolver, now);
            let report = rt.block_on(rosette::verification::verify_value(black_box(&signed), cx));
            assert!(report.verified);
        })
    });
    vc_jwt_benches(c, &signer, &doc, &resolver, &rt, now);
    c.bench_function("eddsa-rdfc-2022/canonicalize_fast_path", |b| {
        b.iter(|| rosette::jsonld::canonicalize_fast(black_box(&doc)).expect("canonical"))
    });
    // Status: the full report for a credential with a revocation and a
    // suspension entry, both lists already verified and cached.
    let list_url = "https://certs.example.com/status/revocation-1";
    let susp_url = "https://certs.example.com/status/suspension-1";
    let mut bits = rosette::status::Bitstring::new(rosette::status::MIN_LIST_SIZE);
    // 13,108 revoked entries (10 %) at random positions: a heavy, badly compressible list.
    let positions =
        rosette::status::IndexPermutation::new([9; 32], rosette::status::MIN_LIST_SIZE as u64);
    for n in 0..(rosette::status::MIN_LIST_SIZE as u64 / 10 + 1) {
        bits.set(positions.index(n), true).expect("bit");
    }
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        Some("2026-11-25T12:00:00Z".into()),
    );
    let sign_list = |url: &str, purpose: &str| {
        let unsigned = rosette::status::list_credential(
            url,
            &serde_json::json!(signer.issuer()),
            purpose,
            &bits,
            "2026-11-25T12:00:00Z",
            300_000,
        );
        proof::add_proof(&unsigned, &options, &signer).expect("list")
    };
    let lists = Lists(vec![
        (list_url.to_owned(), sign_list(list_url, "revocation")),
        (susp_url.to_owned(), sign_list(susp_url, "suspension")),
    ]);
    let mut with_status = doc.clone();
    with_status["credentialStatus"] = serde_json::json!([
        { "id": format!("{list_url}#11"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "11", "statusListCredential": list_url },
        { "id": format!("{susp_url}#11"), "type": "BitstringStatusListEntry", "statusPurpose": "suspension", "statusListIndex": "11", "statusListCredential": susp_url }
    ]);
    let with_status = proof::add_proof(&with_status, &options, &signer).expect("sign");
    let cache = rosette::verification::StatusCache::new();
    c.bench_function("status/verification_report_with_cached_lists", |b| {
        b.iter(|| {
            let cx = rosette::verification::VerifyContext::new(&resolver, now)
                .with_status(&lists, &cache);
            let report = rt.block_on(rosette::verification::verify_value(
                black_box(&with_status),
                cx,
            ));
            assert!(report.verified);
        })
    });
    c.bench_function("status/resign_full_131072_entry_list", |b| {
        b.iter(|| {
            let unsigned = rosette::status::list_credential(
                list_url,
                &serde_json::json!(signer.issuer()),
                "revocation",
                black_box(&bits),
                "2026-11-25T12:00:00Z",
                300_000,
            );
            proof::add_proof(&unsigned, &options, &signer).expect("list")
        })
    });

    c.bench_function("eddsa-rdfc-2022/canonicalize_general_path", |b| {
        b.iter(|| rosette::jsonld::canonicalize_general(black_box(&doc)).expect("canonical"))
    });
}

/// The same credential as a VC-JWT (OB 3.0 §8.2), the whole report from
/// the token's text: EdDSA with a `did:key` `kid`, and RS256 with the key in
/// the header (`jwk`), listed by the issuer's document.
fn vc_jwt_benches(
    c: &mut Criterion,
    signer: &IssuerKey,
    doc: &Value,
    resolver: &OfflineResolver,
    rt: &tokio::runtime::Runtime,
    now: chrono::DateTime<chrono::Utc>,
) {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut payload = doc.clone();
    payload["iss"] = json!(signer.issuer());
    payload["jti"] = doc["id"].clone();
    payload["nbf"] = json!(1_795_608_000); // validFrom 2026-11-25T12:00:00Z
    payload["exp"] = json!(1_858_766_400); // validUntil 2028-11-25T12:00:00Z
    let input = |header: Value| {
        format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(payload.to_string().as_bytes())
        )
    };
    let eddsa = {
        let input = input(json!({"alg": "EdDSA", "typ": "JWT", "kid": signer.method().id}));
        format!("{input}.{}", b64(&signer.sign(input.as_bytes())))
    };
    let rs256 = {
        let der = include_bytes!("../tests/vectors/vc-jwt/rsa-2048.pkcs1.der");
        let key = jsonwebtoken::EncodingKey::from_rsa_der(der);
        let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&key, jsonwebtoken::Algorithm::RS256)
            .expect("jwk");
        let jwk = json!({"kty": "RSA", "n": serde_json::to_value(&jwk).expect("jwk")["n"],
                         "e": "AQAB"});
        let input = input(json!({"alg": "RS256", "typ": "JWT", "jwk": jwk.clone()}));
        let sig =
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::RS256)
                .expect("sign");
        (format!("{input}.{sig}"), jwk)
    };
    // A header key counts only when the issuer's document lists it (OB 3.0
    // §8.2.5): the issuer's document, with the RSA key as publicKeyJwk.
    let (rs256, rsa_jwk) = rs256;
    let mut bound = resolver.clone();
    let vm = format!("{}#rsa", signer.issuer());
    bound
        .add_controller_document(&json!({
            "id": signer.issuer(),
            "verificationMethod": [{"id": vm, "type": "JsonWebKey",
                                    "controller": signer.issuer(), "publicKeyJwk": rsa_jwk}],
            "assertionMethod": [vm],
        }))
        .expect("issuer document");
    for (name, token, resolver) in [
        ("eddsa_did_key", eddsa, resolver),
        ("rs256_header_jwk", rs256, &bound),
    ] {
        c.bench_function(&format!("vc_jwt/verification_report_{name}"), |b| {
            b.iter(|| {
                let cx = rosette::verification::VerifyContext::new(resolver, now);
                let report = rt.block_on(rosette::verification::verify_bytes(
                    black_box(token.as_bytes()),
                    cx,
                ));
                assert!(report.verified, "{report:?}");
            })
        });
    }
}

criterion_group!(proof_benches, benches);
criterion_main!(proof_benches);
