//! Differential tests: the fast JSON-LD path against the general one
//! (oxjsonld) over many generated credentials, including ones that safe
//! mode must refuse. Both must give byte-identical canonical N-Quads, or
//! both must refuse.

use rosette::jsonld::{self, JsonLdError};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn text(&mut self) -> String {
        const PARTS: &[&str] = &[
            "GitLab",
            "Certified",
            "Associate",
            " ",
            "CI/CD",
            "Ünïcödé",
            "認定",
            "اختبار",
            "🎓",
            "e\u{301}",
            "\"quoted\"",
            "back\\slash",
            "line\nbreak",
            "tab\there",
            "<b>&amp;</b>",
            "",
            "\u{7}",
            "\u{1F}",
            "\u{7F}",
            "\u{FEFF}",
            "x",
        ];
        let n = 1 + self.below(5);
        (0..n).map(|_| self.pick(PARTS)).collect()
    }
    fn number(&mut self) -> Value {
        match self.below(6) {
            0 => json!(self.below(1000)),
            1 => json!(self.below(1000) as f64 / 8.0),
            2 => json!(1e21),
            3 => json!(0.3),
            4 => json!(-(self.below(50) as i64)),
            _ => json!(3.0),
        }
    }
}

fn credential(g: &mut Gen, i: u64) -> Value {
    let mut results = Vec::new();
    let mut descriptions = Vec::new();
    for r in 0..g.below(4) {
        let rd = format!("urn:uuid:00000000-0000-4000-8000-{:012}", i * 10 + r);
        descriptions.push(json!({
            "id": rd, "type": ["ResultDescription"], "name": g.text(),
            "resultType": g.pick(&["Percent", "Status", "RubricCriterion", "ext:LabGrade"]),
            "requiredValue": "70", "valueMin": "0", "valueMax": "100",
            "allowedValue": ["fail", "pass"]
        }));
        let mut result = json!({ "type": ["Result"], "resultDescription": rd, "value": format!("{}", g.below(101)) });
        if g.chance(30) {
            result["status"] = json!("Completed");
        }
        results.push(result);
    }
    let mut achievement = json!({
        "id": format!("https://example.com/achievements/{i}"),
        "type": ["Achievement"],
        "achievementType": g.pick(&["Certification", "Badge", "ext:Lab"]),
        "name": g.text(),
        "description": g.text(),
        "criteria": { "narrative": g.text() },
    });
    if !descriptions.is_empty() {
        achievement["resultDescription"] = Value::Array(descriptions);
    }
    if g.chance(50) {
        achievement["image"] =
            json!({ "id": "https://example.com/badge.png", "type": "Image", "caption": g.text() });
    }
    if g.chance(30) {
        achievement["creditsAvailable"] = g.number();
    }
    if g.chance(30) {
        achievement["creator"] =
            json!({ "id": "https://example.com/issuer", "type": ["Profile"], "name": g.text() });
    }
    if g.chance(20) {
        achievement["inLanguage"] = json!("en");
    }
    let mut subject = json!({
        "type": ["AchievementSubject"],
        "achievement": achievement,
    });
    if g.chance(60) {
        subject["identifier"] = json!([{
            "type": "IdentityObject", "hashed": true,
            "identityHash": format!("sha256${:064x}", g.next()), "identityType": "emailAddress", "salt": g.text()
        }]);
    } else {
        subject["id"] = json!(format!("did:example:{}", g.below(1_000_000)));
    }
    if g.chance(50) {
        subject["name"] = json!(g.text());
    }
    if !results.is_empty() {
        subject["result"] = Value::Array(results);
    }
    if g.chance(20) {
        subject["creditsEarned"] = g.number();
    }
    let mut doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("urn:uuid:{:08x}-0000-4000-8000-000000000000", i),
        "type": ["VerifiableCredential", g.pick(&["OpenBadgeCredential", "AchievementCredential"])],
        "issuer": { "id": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "type": ["Profile"], "name": g.text(), "url": "https://example.com" },
        "validFrom": g.pick(&["2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00+01:00"]),
        "name": g.text(),
        "credentialSubject": subject,
    });
    if g.chance(50) {
        doc["validUntil"] = json!("2028-01-01T00:00:00Z");
    }
    if g.chance(40) {
        doc["evidence"] = json!([{ "type": ["Evidence"], "name": g.text(), "narrative": g.text(), "id": "https://example.com/evidence/1" }]);
    }
    if g.chance(30) {
        doc["awardedDate"] = json!("2026-01-01T00:00:00Z");
    }
    if g.chance(40) {
        doc["credentialStatus"] = json!([{
            "id": "https://example.com/status/1#5", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": format!("{}", g.below(131072)),
            "statusListCredential": "https://example.com/status/1"
        }]);
    }
    if g.chance(20) {
        doc["description"] =
            json!({ "@value": g.text(), "@language": g.pick(&["en", "fr-ca", "ar"]) });
    }
    if g.chance(20) {
        doc["proof"] = json!({
            "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-01-01T00:00:00Z",
            "verificationMethod": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "proofPurpose": "assertionMethod", "proofValue": "z3FXQje"
        });
    }
    // Damage that safe mode must catch.
    match g.below(12) {
        0 => doc["credentialSubject"]["gitlabUsername"] = json!("x"),
        1 => doc["evidence"] = json!([{ "type": ["Evidence"], "id": "relative/path" }]),
        2 => doc["type"] = json!(["VerifiableCredential", "UndefinedType"]),
        3 => doc["name"] = json!({ "@value": "x", "@direction": "rtl" }),
        4 => doc["credentialSubject"]["achievement"]["name"] = json!({ "@value": null }),
        _ => {}
    }
    doc
}

fn same_outcome(doc: &Value, label: &str) {
    let fast = jsonld::canonicalize_fast(doc);
    let general = jsonld::canonicalize_general(doc);
    match (&fast, &general) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{label}: canonical forms differ"),
        (Err(JsonLdError::Unsupported(_)), Ok(_)) => {
            // Outside the fast path's subset: `canonicalize` falls back.
            assert_eq!(
                jsonld::canonicalize(doc).as_ref().ok(),
                general.as_ref().ok(),
                "{label}"
            );
        }
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{label}: {a} vs {b}"),
        _ => panic!("{label}: fast {fast:?} vs general {general:?}\n{doc:#}"),
    }
}

#[test]
fn generated_credentials_agree_on_both_paths() {
    let mut g = Gen(0x5eed_1234_abcd_0001);
    let mut fast_ok = 0;
    for i in 0..400 {
        let doc = credential(&mut g, i);
        same_outcome(&doc, &format!("credential #{i}"));
        if jsonld::canonicalize_fast(&doc).is_ok() {
            fast_ok += 1;
        }
    }
    // The generator must exercise the success path, not only refusals.
    assert!(
        fast_ok > 200,
        "only {fast_ok} of 400 generated credentials canonicalized"
    );
}

#[test]
fn vectors_agree_on_both_paths() {
    use crate::support::vector_json;
    for rel in [
        "eddsa-rdfc-2022/unsigned.json",
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-rdfc-2022/proof-set-chain/signedProofChain2.json",
        "eddsa-jcs-2022/unsigned.json",
        "canonicalization-oracle/positive/ob3-typical-with-proof.json",
    ] {
        let mut doc = vector_json(rel);
        if let Some(m) = doc.as_object_mut() {
            m.remove("proof");
        }
        same_outcome(&doc, rel);
    }
}

#[test]
fn inline_contexts_fall_back_to_the_general_path() {
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", { "extra": "https://example.com/vocab#extra" }],
        "type": ["VerifiableCredential"],
        "issuer": "https://example.com/issuer",
        "credentialSubject": { "extra": "value" }
    });
    assert!(matches!(
        jsonld::canonicalize_fast(&doc),
        Err(JsonLdError::Unsupported(_))
    ));
    let (nq, path) = jsonld::canonicalize_with_path(&doc).unwrap();
    assert_eq!(path, jsonld::Path::General);
    assert!(
        nq.contains("<https://example.com/vocab#extra> \"value\""),
        "{nq}"
    );
}

#[test]
fn unknown_context_is_refused_not_fetched() {
    let doc = json!({ "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.com/ctx.jsonld"], "type": ["VerifiableCredential"] });
    assert_eq!(
        jsonld::canonicalize(&doc).unwrap_err().code(),
        "context_unknown"
    );
    assert_eq!(
        jsonld::canonicalize_general(&doc).unwrap_err().code(),
        "context_unknown"
    );
}

/// Documents at the edges of JSON-LD that credentials meet in the wild.
fn edge_documents() -> Vec<Value> {
    let base = || {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": "did:example:1",
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": { "type": ["AchievementSubject"], "id": "did:example:2",
                "achievement": { "id": "urn:a", "type": ["Achievement"], "name": "n", "description": "d", "criteria": { "narrative": "x" } } }
        })
    };
    let edits: Vec<fn(&mut Value)> = vec![
        |d| d["name"] = Value::Null,
        |d| d["credentialSubject"]["achievement"]["criteria"] = json!({}),
        |d| d["evidence"] = json!([]),
        |d| d["credentialSubject"]["achievement"]["tag"] = json!(["a", null]),
        |d| d["name"] = json!({ "@value": "x", "@language": "EN-us" }),
        |d| d["type"] = json!("VerifiableCredential"),
        |d| d["evidence"] = json!([{ "id": "https://e.example/1" }]),
        |d| d["credentialSubject"]["id"] = json!(5),
        |d| d["name"] = json!(true),
        |d| d["name"] = json!(""),
        |d| d["credentialSubject"]["achievement"]["tag"] = json!([["a"], "b"]),
        |d| d["name"] = json!({ "@value": 5 }),
        |d| d["credentialSubject"]["id"] = json!("did:example:a b"),
        |d| d["credentialSubject"]["id"] = json!("http://exa mple.com"),
        |d| d["credentialSubject"]["id"] = json!(""),
        |d| d["credentialSubject"]["id"] = json!("_:b0"),
        |d| d["https://schema.org/foo"] = json!("x"),
        |d| d["foo:bar"] = json!("x"),
        |d| d["@foo"] = json!("x"),
        |d| d["name"] = json!({ "@set": ["x"] }),
        |d| d["credentialSubject"]["achievement"]["tag"] = json!({ "@list": ["x"] }),
        |d| d["credentialSubject"]["achievement"]["resultDescription"] = json!([{ "id": "urn:rd", "type": ["ResultDescription"], "name": "r", "resultType": "Percent", "allowedValue": [] }]),
        |d| d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(1e-7),
        |d| d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(0.1 + 0.2),
        |d| d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(2.0 / 3.0),
        |d| {
            d["credentialSubject"]["achievement"]["creditsAvailable"] =
                json!(123456789012345678901234.0)
        },
        |d| d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(-0.0),
        |d| d["credentialSubject"]["achievement"]["creditsAvailable"] = json!(9007199254740993u64),
        |d| d["name"] = json!({ "@value": "x", "@type": "https://example.com/dt" }),
        |d| d["name"] = json!({ "@value": "x", "@type": "relative" }),
        |d| d["type"] = json!(["VerifiableCredential", "https://example.com/Type"]),
        |d| d["credentialSubject"]["achievement"]["type"] = json!(["Achievement", "Achievement"]),
        |d| d["proof"] = json!([{ "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "did:key:z6Mk#z6Mk", "proofValue": "z1" }, { "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofPurpose": "assertionMethod", "verificationMethod": "did:key:z6Mk#z6Mk", "proofValue": "z2" }]),
        |d| {
            d["credentialSubject"]["achievement"]["criteria"] =
                json!({ "id": "https://example.com/criteria" })
        },
        |d| d["issuer"] = json!({ "id": "did:example:1", "type": "Profile", "name": ["a", "b"] }),
        |d| d["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]),
        |d| {
            d["@context"] = json!([
                "https://www.w3.org/2018/credentials/v1",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ])
        },
        |d| d["credentialSubject"]["achievement"]["id"] = json!("urn:uuid:ABC"),
        |d| {
            d["credentialSubject"]["achievement"]["name"] =
                json!({ "@value": "x", "@language": "en", "@direction": "ltr" })
        },
    ];
    edits
        .into_iter()
        .map(|edit| {
            let mut d = base();
            edit(&mut d);
            d
        })
        .collect()
}

/// jsonld.js's answer (`canonize.mjs`) for each document, in order:
/// `{"nquads": …}` or `{"error": …}`.
fn js_canonize(docs: &[Value]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docs.json");
    std::fs::write(&file, serde_json::to_vec(docs).unwrap()).unwrap();
    let out = crate::interop::node("canonize.mjs", &[file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(js.len(), docs.len());
    js
}

/// The independent reference: jsonld.js (safe mode, RDFC-1.0) must produce
/// the same canonical bytes as Rosette for every generated and edge-case
/// document, and refuse the same ones.
#[test]
fn generated_and_edge_documents_match_jsonld_js() {
    if !crate::interop::node_ready() {
        return;
    }
    let mut g = Gen(0x0bad_cafe_f00d_0042);
    let mut docs: Vec<Value> = (0..300).map(|i| credential(&mut g, i)).collect();
    docs.extend(edge_documents());
    let js = js_canonize(&docs);
    let mut mismatches = Vec::new();
    let mut agreed_ok = 0;
    for (i, (doc, reference)) in docs.iter().zip(&js).enumerate() {
        let ours = jsonld::canonicalize(doc);
        match (&ours, reference.get("nquads").and_then(Value::as_str)) {
            (Ok(a), Some(b)) if a == b => agreed_ok += 1,
            (Err(_), None) => {}
            (Ok(a), Some(b)) => mismatches.push(format!(
                "#{i}: bytes differ\nours:\n{a}\njsonld.js:\n{b}\n{doc}"
            )),
            (Ok(_), None) => mismatches.push(format!(
                "#{i}: we accept, jsonld.js refuses ({})\n{doc}",
                reference["error"]
            )),
            (Err(e), Some(_)) => {
                mismatches.push(format!("#{i}: we refuse ({e}), jsonld.js accepts\n{doc}"))
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n\n")
    );
    assert!(agreed_ok > 150, "only {agreed_ok} documents canonicalized");
}

/// Our RFC 8785 writer against an independent implementation
/// (`serde_json_canonicalizer`, a dev-dependency) on the generated
/// credentials and on number, string and key-order edge cases.
#[test]
#[allow(clippy::excessive_precision)]
fn jcs_matches_an_independent_implementation() {
    let mut g = Gen(0x7c5_0000_1234_9999);
    let mut docs: Vec<Value> = (0..300).map(|i| credential(&mut g, i)).collect();
    docs.push(json!({
        "\u{10000}": 1, "\u{E000}": 2, "\u{FB33}": 3, "a": 4, "\r": 5, "é": 6,
        "numbers": [1e21, 1e20, 5e-324, -0.0, 0.000001, 1e-7, 9007199254740993u64, 333333333.33333329,
                    1.7976931348623157e308, -1.5, 100, 0.1, 123456789012345680000.0, 4.35, 0.5e-6],
        "strings": ["\u{1}\u{1f}\u{7f}\u{2028}\"\\/", "tab\there", "🎓 é", ""],
        "nested": { "b": [true, false, null, {}, []], "a": { "z": 1, "A": 2 } }
    }));
    for (i, doc) in docs.iter().enumerate() {
        assert_eq!(
            rosette::proof::jcs::jcs(doc).unwrap(),
            serde_json_canonicalizer::to_string(doc).unwrap(),
            "document #{i}"
        );
    }
}

// ---------------------------------------------------------------------------
// Embedded credentials with their own proofs (issue 13 §1). In the VC v2
// context `proof` is `@container: @graph`: every proof, at every depth, is a
// named graph of its own; only the top-level proof being verified is removed
// before canonicalization.
// ---------------------------------------------------------------------------

const V2: &str = "https://www.w3.org/ns/credentials/v2";
const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

fn inner_proof(n: u32) -> Value {
    json!({
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-06-01T12:00:00Z", "proofPurpose": "assertionMethod",
        "verificationMethod": format!("did:key:z6MkEndorser{n}#z6MkEndorser{n}"),
        "proofValue": format!("z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKjvQ8CDhkmSXy{n}")
    })
}

/// A signed-looking `EndorsementCredential` (proofs need not verify to be
/// canonicalized); `own_context` decides whether it repeats `@context`.
fn endorsement(n: u32, own_context: bool, proof: Value) -> Value {
    let mut e = json!({
        "id": format!("urn:uuid:00000000-0000-4000-8000-e0000000000{n}"),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": format!("Endorsement {n}"),
        "issuer": { "id": format!("did:example:endorser{n}"), "type": ["Profile"], "name": format!("Endorser {n}") },
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": { "id": "https://example.com/achievements/1", "type": ["EndorsementSubject"], "endorsementComment": "Good" },
        "proof": proof,
    });
    if own_context {
        e["@context"] = json!([V2, OB]);
    }
    e
}

/// Changes a document in place.
type Edit = fn(&mut Value);

/// Endorsement 1, whose issuer profile carries endorsement 2.
fn endorsed_endorsement() -> Value {
    let mut e = endorsement(1, true, json!([inner_proof(1)]));
    e["issuer"]["endorsement"] = json!([endorsement(2, true, json!([inner_proof(2)]))]);
    e
}

/// Credentials carrying endorsements with their own proofs at several
/// depths: in the achievement, the issuer profile, the achievement's
/// creator, the credential itself, and an endorsement of an endorsement.
pub(crate) fn nested_proof_documents() -> Vec<(&'static str, Value)> {
    let base = || {
        json!({
            "@context": [V2, OB],
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": { "id": "did:example:issuer", "type": ["Profile"], "name": "Issuer" },
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": { "type": ["AchievementSubject"], "id": "did:example:holder",
                "achievement": { "id": "https://example.com/achievements/1", "type": ["Achievement"], "name": "n", "description": "d", "criteria": { "narrative": "x" } } }
        })
    };
    let cases: Vec<(&'static str, Edit)> = vec![
        ("in the achievement", |d| {
            d["credentialSubject"]["achievement"]["endorsement"] =
                json!([endorsement(1, true, json!([inner_proof(1)]))])
        }),
        ("in the achievement, proof as one object", |d| {
            d["credentialSubject"]["achievement"]["endorsement"] =
                json!([endorsement(1, true, inner_proof(1))])
        }),
        ("in the achievement, no @context of its own", |d| {
            d["credentialSubject"]["achievement"]["endorsement"] =
                json!([endorsement(1, false, json!([inner_proof(1)]))])
        }),
        ("in the issuer profile", |d| {
            d["issuer"]["endorsement"] = json!([endorsement(1, true, json!([inner_proof(1)]))])
        }),
        ("in the achievement's creator", |d| {
            d["credentialSubject"]["achievement"]["creator"] = json!({
                "id": "did:example:creator", "type": ["Profile"],
                "endorsement": [endorsement(1, true, json!([inner_proof(1)]))]
            })
        }),
        ("on the credential, with a proof set", |d| {
            d["endorsement"] = json!([endorsement(
                1,
                true,
                json!([inner_proof(1), inner_proof(2)])
            )])
        }),
        ("two identical endorsements but for the proof", |d| {
            d["endorsement"] = json!([
                endorsement(1, true, json!([inner_proof(1)])),
                endorsement(1, true, json!([inner_proof(2)]))
            ])
        }),
        ("the same proof on two endorsements", |d| {
            let mut twin = endorsement(2, true, json!([inner_proof(1)]));
            twin["issuer"] = endorsement(1, true, Value::Null)["issuer"].clone();
            d["endorsement"] = json!([endorsement(1, true, json!([inner_proof(1)])), twin])
        }),
        ("endorsements without ids", |d| {
            let mut a = endorsement(1, true, json!([inner_proof(1)]));
            let mut b = endorsement(1, true, json!([inner_proof(1)]));
            a.as_object_mut().unwrap().remove("id");
            b.as_object_mut().unwrap().remove("id");
            b["name"] = json!("Another");
            d["credentialSubject"]["achievement"]["endorsement"] = json!([a, b])
        }),
        ("an endorsement of an endorsement", |d| {
            d["credentialSubject"]["achievement"]["endorsement"] = json!([endorsed_endorsement()])
        }),
        ("everywhere at once", |d| {
            d["endorsement"] = json!([endorsement(3, true, json!([inner_proof(3)]))]);
            d["issuer"]["endorsement"] = json!([endorsement(4, false, json!([inner_proof(4)]))]);
            d["credentialSubject"]["achievement"]["endorsement"] = json!([endorsed_endorsement()])
        }),
    ];
    let mut docs: Vec<(&'static str, Value)> = cases
        .into_iter()
        .map(|(name, edit)| {
            let mut d = base();
            edit(&mut d);
            (name, d)
        })
        .collect();
    let mut complete = crate::support::vector_json("ob-v3p0-validator/complete.json");
    if let Some(m) = complete.as_object_mut() {
        m.remove("proof");
    }
    docs.push(("1EdTech complete.json without its proof", complete));
    docs
}

/// Small graphs of blank nodes with few predicates, so that many nodes share
/// a first-degree hash and need RDFC-1.0's n-degree hashing: cycles, twins,
/// and named graphs (a `@graph` container) whose names relate through
/// several quads, as embedded proofs do.
fn blank_node_graphs(g: &mut Gen, count: u64) -> Vec<Value> {
    let context = json!({
        "@vocab": "https://example.com/v#",
        "p": { "@type": "@id" }, "q": { "@type": "@id" },
        "g": { "@id": "https://example.com/v#g", "@container": "@graph" }
    });
    (0..count)
        .map(|_| {
            let n = 2 + g.below(6);
            let node = |g: &mut Gen, i: u64| {
                let mut m = serde_json::Map::new();
                m.insert("@id".into(), json!(format!("_:n{i}")));
                for pred in ["p", "q"] {
                    let refs: Vec<Value> = (0..g.below(3))
                        .map(|_| json!(format!("_:n{}", g.below(n))))
                        .collect();
                    if !refs.is_empty() {
                        m.insert(pred.into(), Value::Array(refs));
                    }
                }
                // (A node with only `@id` is refused by jsonld.js's safe mode.)
                m.insert("v".into(), json!(g.below(2)));
                Value::Object(m)
            };
            let mut nodes: Vec<Value> = (0..n).map(|i| node(g, i)).collect();
            for i in 0..n {
                if g.chance(30) {
                    let target = g.below(n);
                    let inner = node(g, target);
                    let mut graph = serde_json::Map::new();
                    for k in ["p", "v"] {
                        if let Some(v) = inner.get(k) {
                            graph.insert(k.into(), v.clone());
                        }
                    }
                    graph.insert("v".into(), json!(7));
                    nodes[i as usize]["g"] = json!([graph.clone(), graph]);
                }
            }
            json!({ "@context": context, "@graph": nodes })
        })
        .collect()
}

/// RDFC-1.0 on datasets that need n-degree hashing gives jsonld.js's
/// (`rdf-canonize`) bytes.
#[test]
fn blank_node_graphs_match_rdf_canonize() {
    if !crate::interop::node_ready() {
        return;
    }
    let docs = blank_node_graphs(&mut Gen(0x1234_5678_9abc_def1), 400);
    let js = js_canonize(&docs);
    let (mut compared, mut refused) = (0, 0);
    for (i, (doc, reference)) in docs.iter().zip(&js).enumerate() {
        let Some(expected) = reference["nquads"].as_str() else {
            // rdf-canonize bounds the n-degree work; so does Rosette.
            assert!(
                reference["error"]
                    .as_str()
                    .unwrap_or("")
                    .contains("deep iterations"),
                "#{i}: jsonld.js refused: {}\n{doc}",
                reference["error"]
            );
            let ours = jsonld::canonicalize(doc).map(|_| ()).map_err(|e| e.code());
            assert_eq!(ours, Err("rdfc_poisoned"), "#{i}: {doc}");
            refused += 1;
            continue;
        };
        let ours = jsonld::canonicalize(doc).unwrap_or_else(|e| panic!("#{i}: {e}\n{doc}"));
        assert!(
            ours == expected,
            "#{i} differs from jsonld.js\n{}\n{doc}",
            line_diff(&ours, expected)
        );
        compared += usize::from(expected.contains("_:c14n1 "));
    }
    assert!(
        compared > 50,
        "only {compared} graphs with two or more blank nodes"
    );
    assert!(refused > 0, "no graph reached the n-degree work bound");
}

/// Both of Rosette's paths give the same canonical form for every document
/// with embedded proofs, and every inner proof shows as its own named graph.
#[test]
fn nested_proofs_agree_on_both_paths() {
    for (name, doc) in nested_proof_documents() {
        same_outcome(&doc, name);
        let nq = jsonld::canonicalize(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let inner = doc.to_string().matches("\"proofValue\"").count();
        let graphs: std::collections::HashSet<&str> = nq
            .lines()
            .filter(|l| l.contains("<https://w3id.org/security#proofValue>"))
            .filter_map(|l| l.trim_end_matches(" .").rsplit(' ').next())
            .collect();
        assert_eq!(
            graphs.len(),
            inner,
            "{name}: one named graph per proof\n{nq}"
        );
    }
}

/// jsonld.js gives the same canonical bytes for every document with
/// embedded proofs (the reference the Digital Bazaar verifier signs over).
#[test]
fn nested_proofs_match_jsonld_js() {
    if !crate::interop::node_ready() {
        return;
    }
    let docs = nested_proof_documents();
    let js = js_canonize(&docs.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>());
    for ((name, doc), reference) in docs.iter().zip(&js) {
        let expected = reference["nquads"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: jsonld.js refused: {}", reference["error"]));
        for (path, ours) in [
            ("canonicalize", jsonld::canonicalize(doc)),
            ("general path", jsonld::canonicalize_general(doc)),
        ] {
            let ours = ours.unwrap_or_else(|e| panic!("{name}: {path}: {e}"));
            assert!(
                ours == expected,
                "{name}: {path} differs from jsonld.js\n{}",
                line_diff(&ours, expected)
            );
        }
    }
}

/// The lines only one side has, marked `-` (ours) and `+` (reference).
fn line_diff(ours: &str, reference: &str) -> String {
    let a: std::collections::BTreeSet<&str> = ours.lines().collect();
    let b: std::collections::BTreeSet<&str> = reference.lines().collect();
    let mut out: Vec<String> = a.difference(&b).map(|l| format!("- {l}")).collect();
    out.extend(b.difference(&a).map(|l| format!("+ {l}")));
    out.join("\n")
}
