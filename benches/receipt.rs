//! A signed verification receipt adds one signing to a verification
//! (criterion): the same credential verified from its bytes, as
//! `POST /api/v1/verify` receives them, without and with a receipt (the
//! digest of the bytes, a random `urn:uuid:` id, the receipt built from the
//! report and signed with `eddsa-rdfc-2022`, `verification::receipt::issue`),
//! in the same run, with raw Ed25519 signing as the same-run baseline.
//! Twice: a credential without status, and one with a revocation and a
//! suspension entry whose lists are cached (what Rosette's credentials carry).
//!
//! Like the `rosette` binary (src/main.rs), this benchmark allocates with
//! mimalloc; `benches/proof.rs` uses the system allocator.
//!
//! Run: `taskset -c 1 cargo bench --bench receipt`.

use criterion::{Criterion, criterion_group, criterion_main};
use rosette::keys::{self, CredentialSigner, IssuerKey, OfflineResolver};
use rosette::proof::{self, Cryptosuite, ProofOptions};
use rosette::verification::receipt::{self, Received};
use rosette::verification::{Report, StatusCache, VerifyContext, verify_bytes};
use serde_json::json;
use std::hint::black_box;
use support::{Lists, credential};

mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const VERIFIER: &str = "GitLab Professional Services";

fn benches(c: &mut Criterion) {
    let key =
        keys::decode_secret_key("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq").expect("key");
    let signer = IssuerKey::did_key(key);
    let resolver = OfflineResolver::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .expect("date")
        .to_utc();
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        Some("2026-11-25T12:00:00Z".into()),
    );

    // Two status lists (revocation, suspension), signed once; verified on
    // first use and cached after.
    let bits = rosette::status::Bitstring::new(rosette::status::MIN_LIST_SIZE);
    let urls = [
        (
            "https://certs.example.com/status/revocation-1",
            "revocation",
        ),
        (
            "https://certs.example.com/status/suspension-1",
            "suspension",
        ),
    ];
    let lists = Lists(
        urls.iter()
            .map(|(url, purpose)| {
                let unsigned = rosette::status::list_credential(
                    url,
                    &json!(signer.issuer()),
                    purpose,
                    &bits,
                    "2026-11-25T12:00:00Z",
                    300_000,
                );
                let list = proof::add_proof(&unsigned, &options, &signer).expect("list");
                ((*url).to_owned(), list)
            })
            .collect(),
    );
    let plain = credential(signer.issuer());
    let mut with_status = plain.clone();
    with_status["credentialStatus"] = urls
        .iter()
        .map(|(url, purpose)| {
            json!({ "id": format!("{url}#11"), "type": "BitstringStatusListEntry",
                "statusPurpose": purpose, "statusListIndex": "11", "statusListCredential": url })
        })
        .collect();
    let cache = StatusCache::new();

    let message = [7u8; 64];
    c.bench_function("baseline/ed25519_sign", |b| {
        b.iter(|| signer.sign(black_box(&message)))
    });
    let verify = |bytes: &[u8]| -> Report {
        let cx = VerifyContext::new(&resolver, now).with_status(&lists, &cache);
        let report = rt.block_on(verify_bytes(black_box(bytes), cx));
        assert!(report.verified, "{report:?}");
        report
    };
    for (name, doc) in [("no_status", &plain), ("cached_status", &with_status)] {
        let signed = proof::add_proof(doc, &options, &signer).expect("sign");
        let bytes = serde_json::to_vec(&proof::proof_as_array(signed)).expect("JSON");
        c.bench_function(&format!("receipt/{name}/verify"), |b| {
            b.iter(|| verify(&bytes))
        });
        c.bench_function(&format!("receipt/{name}/verify_with_receipt"), |b| {
            b.iter(|| {
                let report = verify(&bytes);
                let mut id = [0u8; 16];
                getrandom::fill(&mut id).expect("random");
                let id = uuid::Builder::from_random_bytes(id).into_uuid();
                let received = Received::credential(&bytes);
                receipt::issue(&report, &received, VERIFIER, &signer, id).expect("receipt")
            })
        });
        if name == "cached_status" {
            // The receipt alone: built and signed.
            let report = verify(&bytes);
            let received = Received::credential(&bytes);
            let id = uuid::Uuid::from_u128(7);
            c.bench_function("receipt/sign_only", |b| {
                b.iter(|| {
                    receipt::issue(black_box(&report), &received, VERIFIER, &signer, id)
                        .expect("receipt")
                })
            });
        }
    }
}

criterion_group!(receipt_benches, benches);
criterion_main!(receipt_benches);
