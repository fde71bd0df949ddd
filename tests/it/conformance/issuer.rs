//! "Issuer requirements (generic credentials)": what the VC Data Model 2.0
//! and Data Integrity EdDSA suites send to `POST /credentials/issue` with an
//! `issuer` token, and what they accept back. Each test is one line of the
//! requirements: the accepted cases first (on 2026-12-03 every one of them
//! was refused, since only catalog certifications could be issued), then
//! the refusals, each a 400/422 problem naming the field.

use super::{DI, EXAMPLES, Suite, V1, V2, is_date_time_stamp, proofs, with};
use serde_json::{Value, json};
use sha2::Digest as _;

/// The SRI digest (sha384) of the VCDM 2.0 base context as W3C serves it,
/// the value the VCDM 2.0 suite's `relatedResource` fixture carries
/// (published in VCDM 2.0 Appendix B.1; equal to the digest of
/// `schemas/contexts/credentials-v2.jsonld`, checked below).
const V2_SRI: &str = "sha384-l/HrjlBCNWyAX91hr6LFV2Y3heB5Tcr6IeE4/Tje8YyzYBM8IhqjHWiWpr8+ZbYU";

fn unique_id() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// Routes and shapes: "Requests carry `Authorization: Bearer …` where
/// registered"; contract: the `issuer` scope may call only
/// `POST /credentials/issue`, and never issues a catalog certification
/// (403 `certification_gated`); unknown options are ignored, not refused.
#[test]
fn issue_route_takes_an_issuer_token_and_ignores_unknown_options() {
    let s = Suite::start();
    let vc = s.credential();
    let body = json!({ "credential": vc, "options": {} });
    let r = s.post("/credentials/issue", None, &body);
    assert_eq!(r.status, 401, "no token: {}", r.text());

    // "`options` carries whatever the implementation's registration says
    // […]; unknown options must be ignored, not refused."
    for options in [
        json!({}),
        json!({ "type": "DataIntegrityProof" }),
        json!({ "mandatoryPointers": ["/issuer"], "credentialId": "x", "vendorFlag": { "a": [1] } }),
    ] {
        s.issued(&format!("options {options}"), &vc, &options);
    }
    // The issuer scope reaches nothing else.
    let listing = s
        .server
        .client
        .get(&s.server.url("/api/v1/admin/credentials"))
        .bearer(Some(s.issuer_token()))
        .send();
    assert_eq!(listing.status, 403, "{}", listing.text());

    // A certification of the catalog stays behind its assessment gate.
    let certification = json!({
        "@context": [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": s.issuer,
        "name": "GitLab CI/CD Specialist",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Erin Example",
            "achievement": { "id": s.server.url("/certifications/gitlab-ci-cd-specialist") }
        }
    });
    s.issue(&certification, &json!({}))
        .expect(403, Some("certification_gated"));
}

/// "Keep `@context` as given; v2 URL first; reject a missing or non-first
/// v2 context, a number in `@context`, an unresolvable context URL."
#[test]
fn context_is_kept_as_given_with_v2_first() {
    let s = Suite::start();
    for context in [
        json!([V2]),
        json!([V2, EXAMPLES]),
        json!([V2, EXAMPLES, DI]),
        json!([V2, { "favoriteColor": "https://example.com/vocab#favoriteColor" }]),
    ] {
        let vc = with(&s.credential(), |m| {
            m.insert("@context".into(), context.clone());
        });
        let signed = s.issued(&format!("@context {context}"), &vc, &json!({}));
        assert_eq!(signed["@context"], context, "@context kept as given");
        s.verifies(&format!("@context {context}"), &signed);
    }
    for (case, context) in [
        ("no @context", None),
        ("v2 not first", Some(json!([EXAMPLES, V2]))),
        ("v1 and v2", Some(json!([V1, V2]))),
        ("no v2", Some(json!([EXAMPLES]))),
        ("a number", Some(json!([V2, 42]))),
        (
            "an unresolvable context URL",
            Some(json!([V2, "https://example.com/contexts/unknown/v1"])),
        ),
    ] {
        let vc = with(&s.credential(), |m| match &context {
            Some(c) => {
                m.insert("@context".into(), c.clone());
            }
            None => {
                m.remove("@context");
            }
        });
        s.refused(case, &vc, &json!({}), &["@context"]);
    }
}

/// "`id` a single URL (credential and subject); `type` present, each value
/// a term defined by the contexts or an absolute URL; reject undefined terms
/// and undefined types (data loss in safe mode), including misspelt
/// properties such as `statusEntry`."
#[test]
fn ids_types_and_terms_must_be_defined() {
    let s = Suite::start();
    for id in [
        unique_id(),
        "https://example.com/credentials/3732".to_owned(),
    ] {
        let vc = with(&s.credential(), |m| {
            m.insert("id".into(), json!(id));
        });
        let signed = s.issued(&format!("id {id}"), &vc, &json!({}));
        assert_eq!(signed["id"], json!(id), "the given id is kept");
    }
    let signed = s.issued("no id", &s.credential(), &json!({}));
    assert!(
        signed["id"]
            .as_str()
            .is_some_and(|i| i.starts_with("urn:uuid:")),
        "an id is assigned when absent: {signed:#}"
    );
    let typed = with(&s.credential(), |m| {
        m.insert(
            "type".into(),
            json!([
                "VerifiableCredential",
                "https://example.com/vocab#LocalCredential"
            ]),
        );
    });
    let signed = s.issued("a type that is an absolute URL", &typed, &json!({}));
    s.verifies("absolute URL type", &signed);
    let example = s.example_credential();
    s.issued("example types and claims", &example, &json!({}));

    let base = s.credential();
    let cases: Vec<(&str, Value, &[&str])> = vec![
        (
            "id not a URL",
            with(&base, |m| {
                m.insert("id".into(), json!("not a url"));
            }),
            &["id"],
        ),
        (
            "two ids",
            with(&base, |m| {
                m.insert("id".into(), json!([unique_id(), unique_id()]));
            }),
            &["id"],
        ),
        (
            "id a number",
            with(&base, |m| {
                m.insert("id".into(), json!(3732));
            }),
            &["id"],
        ),
        (
            "subject id not a URL",
            with(&base, |m| {
                m["credentialSubject"]["id"] = json!("not a url");
            }),
            &["credentialSubject"],
        ),
        (
            "no type",
            with(&base, |m| {
                m.remove("type");
            }),
            &["type"],
        ),
        (
            "an undefined type",
            with(&base, |m| {
                m.insert(
                    "type".into(),
                    json!(["VerifiableCredential", "UndefinedType"]),
                );
            }),
            &["type", "UndefinedType"],
        ),
        (
            "an undefined top-level term",
            with(&base, |m| {
                m.insert("undefinedTerm".into(), json!("lost in safe mode"));
            }),
            &["undefinedTerm"],
        ),
        (
            "a misspelt property (statusEntry)",
            with(&base, |m| {
                m.insert(
                    "statusEntry".into(),
                    json!({ "id": "https://example.com/status/1#3", "type": "BitstringStatusListEntry" }),
                );
            }),
            &["statusEntry"],
        ),
        (
            "an undefined claim in the subject",
            with(&base, |m| {
                m["credentialSubject"]["favoriteColor"] = json!("blue");
            }),
            &["favoriteColor"],
        ),
    ];
    for (case, vc, fields) in cases {
        s.refused(case, &vc, &json!({}), fields);
    }
}

/// "`name`/`description`: a string, a language value object, or an array
/// of them; anything else refused." (VCDM 2.0 §11.1; the credential's and
/// the issuer's.)
#[test]
fn names_and_descriptions_are_strings_or_language_values() {
    let s = Suite::start();
    let good = [
        json!("Example University Degree"),
        json!({ "@value": "Example University Degree", "@language": "en" }),
        json!({ "@value": "شهادة جامعية", "@language": "ar", "@direction": "rtl" }),
        json!([
            { "@value": "Example University Degree", "@language": "en" },
            { "@value": "Diplôme universitaire", "@language": "fr" }
        ]),
    ];
    for value in &good {
        let vc = with(&s.credential(), |m| {
            m.insert("name".into(), value.clone());
            m.insert("description".into(), value.clone());
            m.insert("issuer".into(), json!({ "id": s.issuer, "name": value }));
        });
        let signed = s.issued(&format!("name {value}"), &vc, &json!({}));
        assert_eq!(signed["name"], *value);
        assert_eq!(signed["description"], *value);
        assert_eq!(signed["issuer"]["name"], *value);
        s.verifies(&format!("name {value}"), &signed);
    }
    let bad = [
        json!(42),
        json!(true),
        json!({ "@language": "en" }),
        json!({ "en": "Example University Degree" }),
        json!(["Example University Degree", 7]),
    ];
    for value in &bad {
        for field in ["name", "description"] {
            let vc = with(&s.credential(), |m| {
                m.insert(field.into(), value.clone());
            });
            s.refused(&format!("{field} {value}"), &vc, &json!({}), &[field]);
        }
        let vc = with(&s.credential(), |m| {
            m.insert("issuer".into(), json!({ "id": s.issuer, "name": value }));
        });
        s.refused(&format!("issuer.name {value}"), &vc, &json!({}), &["name"]);
    }
}

/// "`issuer`: a URL or an object with a URL `id`; must be ours."
#[test]
fn issuer_is_ours_as_a_url_or_an_object() {
    let s = Suite::start();
    let as_object = with(&s.credential(), |m| {
        m.insert(
            "issuer".into(),
            json!({ "id": s.issuer, "name": "Example Issuer", "description": "Issues examples" }),
        );
    });
    let signed = s.issued("issuer object", &as_object, &json!({}));
    assert_eq!(
        signed["issuer"], as_object["issuer"],
        "the issuer object is kept"
    );
    s.verifies("issuer object", &signed);
    let signed = s.issued("issuer URL", &s.credential(), &json!({}));
    assert_eq!(signed["issuer"], json!(s.issuer));

    let other = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    for (case, issuer) in [
        ("another issuer", Some(json!(other))),
        ("another issuer's object", Some(json!({ "id": other }))),
        ("not a URL", Some(json!("Example Issuer"))),
        (
            "an object without id",
            Some(json!({ "name": "Example Issuer" })),
        ),
        ("a number", Some(json!(5))),
        ("absent", None),
    ] {
        let vc = with(&s.credential(), |m| match &issuer {
            Some(i) => {
                m.insert("issuer".into(), i.clone());
            }
            None => {
                m.remove("issuer");
            }
        });
        s.refused(case, &vc, &json!({}), &["issuer"]);
    }
}

/// "`credentialSubject` required; each subject must make a claim (an empty
/// object is refused); several subjects allowed." And "The returned
/// `credentialSubject` deep-equals the input's", with a rich subject.
#[test]
fn subjects_are_required_make_claims_and_come_back_unchanged() {
    let s = Suite::start();
    let several = with(&s.example_credential(), |m| {
        m.insert(
            "credentialSubject".into(),
            json!([
                { "id": "did:example:1", "name": "Jayden Doe", "degree": { "type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts" } },
                { "id": "did:example:2", "name": { "@value": "Morgan Doe", "@language": "en" }, "scores": [98, 99.5, "A+"], "graduated": true },
                { "name": "A subject without an id" }
            ]),
        );
    });
    let signed = s.issued("three subjects", &several, &json!({}));
    s.verifies("three subjects", &signed);
    let signed = s.issued(
        "three subjects, jcs",
        &several,
        &json!({ "cryptosuite": "eddsa-jcs-2022" }),
    );
    s.verifies("three subjects, jcs", &signed);

    for (case, subject, fields) in [
        ("absent", None, &["credentialSubject"][..]),
        (
            "an empty object",
            Some(json!({})),
            &["credentialSubject"][..],
        ),
        (
            "an empty array",
            Some(json!([])),
            &["credentialSubject"][..],
        ),
        (
            "an empty object among subjects",
            Some(json!([{ "id": "did:example:1", "name": "Jayden Doe" }, {}])),
            &["credentialSubject"][..],
        ),
        (
            "a string",
            Some(json!("did:example:1")),
            &["credentialSubject"][..],
        ),
    ] {
        let vc = with(&s.credential(), |m| match &subject {
            Some(v) => {
                m.insert("credentialSubject".into(), v.clone());
            }
            None => {
                m.remove("credentialSubject");
            }
        });
        s.refused(case, &vc, &json!({}), fields);
    }
}

/// "`validFrom`/`validUntil`: XML Schema dateTimeStamp; from ≤ until."
#[test]
fn validity_dates_are_date_time_stamps_in_order() {
    let s = Suite::start();
    for (from, until) in [
        ("2025-01-01T00:00:00Z", Some("2035-01-01T00:00:00Z")),
        ("2025-01-01T00:00:00.123Z", None),
        ("2025-01-01T02:00:00+02:00", Some("2025-01-01T00:00:00Z")),
        ("2025-01-01T00:00:00Z", Some("2025-01-01T00:00:00Z")),
    ] {
        let vc = with(&s.credential(), |m| {
            m.insert("validFrom".into(), json!(from));
            if let Some(u) = until {
                m.insert("validUntil".into(), json!(u));
            }
        });
        let signed = s.issued(&format!("{from} .. {until:?}"), &vc, &json!({}));
        assert_eq!(signed["validFrom"], json!(from), "the exact string is kept");
        assert_eq!(signed["validUntil"], vc["validUntil"]);
    }
    for (field, value) in [
        ("validFrom", json!("2025-01-01")),
        ("validFrom", json!("2025-01-01T00:00:00")),
        ("validFrom", json!("next Tuesday")),
        ("validFrom", json!(20250101)),
        ("validUntil", json!("2035-01-01T00:00")),
        ("validUntil", json!("2035-13-01T00:00:00Z")),
    ] {
        let vc = with(&s.credential(), |m| {
            m.insert(field.into(), value.clone());
        });
        s.refused(&format!("{field} {value}"), &vc, &json!({}), &[field]);
    }
    let backwards = with(&s.credential(), |m| {
        m.insert("validFrom".into(), json!("2035-01-01T00:00:00Z"));
        m.insert("validUntil".into(), json!("2025-01-01T00:00:00Z"));
    });
    s.refused(
        "validFrom after validUntil",
        &backwards,
        &json!({}),
        &["validFrom", "validUntil"],
    );
}

/// "`credentialStatus`, `termsOfUse`, `evidence`, `refreshService`,
/// `credentialSchema` entries each need a `type`; status/schema `id` a URL."
#[test]
fn typed_entries_need_a_type_and_status_and_schema_ids_are_urls() {
    let s = Suite::start();
    let entries = [
        (
            "credentialStatus",
            json!({ "id": "https://example.com/credentials/status/3#94567", "type": "ExampleStatusEntry" }),
        ),
        (
            "termsOfUse",
            json!({ "id": "https://example.com/tou/1", "type": "ExampleTermsOfUse" }),
        ),
        (
            "evidence",
            json!([{ "id": "https://example.edu/evidence/f2aeec97", "type": ["ExampleEvidence"] }]),
        ),
        (
            "refreshService",
            json!({ "id": "https://example.edu/refresh/3732", "type": "ExampleRefreshService" }),
        ),
        (
            "credentialSchema",
            json!({ "id": "https://example.org/examples/degree.json", "type": "JsonSchema" }),
        ),
    ];
    for (field, entry) in &entries {
        let vc = with(&s.example_credential(), |m| {
            m.insert((*field).into(), entry.clone());
        });
        let signed = s.issued(field, &vc, &json!({ "statusPurpose": "revocation" }));
        if *field == "credentialStatus" {
            let kept = super::status_entries(&signed);
            assert_eq!(
                kept.first(),
                Some(entry),
                "the given entry is kept first: {signed:#}"
            );
        } else {
            assert_eq!(signed[*field], *entry, "{field} kept as given");
        }
        // Without its type, the same entry is refused.
        let untyped = with(&vc, |m| {
            let e = m.get_mut(*field).unwrap();
            match e {
                Value::Array(items) => items[0].as_object_mut().unwrap().remove("type"),
                other => other.as_object_mut().unwrap().remove("type"),
            };
        });
        s.refused(
            &format!("{field} without type"),
            &untyped,
            &json!({}),
            &[field],
        );
    }
    for (field, entry) in [
        (
            "credentialStatus",
            json!({ "id": "status 3", "type": "ExampleStatusEntry" }),
        ),
        (
            "credentialSchema",
            json!({ "id": "degree.json", "type": "JsonSchema" }),
        ),
        ("credentialSchema", json!({ "type": "JsonSchema" })),
    ] {
        let vc = with(&s.example_credential(), |m| {
            m.insert(field.into(), entry.clone());
        });
        s.refused(&format!("{field} {entry}"), &vc, &json!({}), &[field]);
    }
}

/// `digestMultibase` of `bytes`: base64url (`u`) of the sha2-256 multihash.
fn digest_multibase(bytes: &[u8]) -> String {
    use base64::Engine as _;
    let mut multihash = vec![0x12, 0x20];
    multihash.extend_from_slice(&sha2::Sha256::digest(bytes));
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(multihash)
    )
}

/// "`relatedResource`: objects with a unique URL `id` and a `digestSRI` or
/// `digestMultibase`; a digest of a context we hold that does not match its
/// bytes is refused (the suite's fixture is the v2 context; its SRI digest
/// is of the bytes W3C serves)."
#[test]
fn related_resources_carry_digests_that_match_what_we_hold() {
    use base64::Engine as _;
    let held = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas/contexts/credentials-v2.jsonld"),
    )
    .unwrap();
    assert_eq!(
        V2_SRI,
        format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&held))
        ),
        "the compiled-in v2 context is the bytes W3C serves"
    );
    let s = Suite::start();
    let related = |resources: Value| {
        with(&s.credential(), |m| {
            m.insert("relatedResource".into(), resources);
        })
    };
    for resources in [
        json!([{ "id": V2, "digestSRI": V2_SRI }]),
        json!([{ "id": V2, "digestMultibase": digest_multibase(&held) }]),
        json!([
            { "id": V2, "digestSRI": V2_SRI },
            { "id": "https://example.com/logo.png", "digestMultibase": digest_multibase(b"a logo"), "mediaType": "image/png" }
        ]),
    ] {
        let vc = related(resources.clone());
        let signed = s.issued(&format!("relatedResource {resources}"), &vc, &json!({}));
        assert_eq!(signed["relatedResource"], resources);
    }
    let wrong_sri = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode([0u8; 48])
    );
    for (case, resources) in [
        (
            "the v2 context with a wrong SRI digest",
            json!([{ "id": V2, "digestSRI": wrong_sri }]),
        ),
        (
            "the v2 context with a wrong multibase digest",
            json!([{ "id": V2, "digestMultibase": digest_multibase(b"not the context") }]),
        ),
        (
            "no digest",
            json!([{ "id": "https://example.com/logo.png" }]),
        ),
        (
            "an id that is not a URL",
            json!([{ "id": "logo.png", "digestMultibase": digest_multibase(b"a logo") }]),
        ),
        (
            "the same id twice",
            json!([
                { "id": V2, "digestSRI": V2_SRI },
                { "id": V2, "digestSRI": V2_SRI }
            ]),
        ),
    ] {
        s.refused(case, &related(resources), &json!({}), &["relatedResource"]);
    }
}

/// "Protected-term redefinition in an inline context: refused."
#[test]
fn protected_terms_cannot_be_redefined_inline() {
    let s = Suite::start();
    // A new term in an inline context is fine (the control).
    let inline = with(&s.credential(), |m| {
        m.insert(
            "@context".into(),
            json!([V2, { "favoriteColor": "https://example.com/vocab#favoriteColor" }]),
        );
        m["credentialSubject"]["favoriteColor"] = json!("blue");
    });
    let signed = s.issued("an inline context adding a term", &inline, &json!({}));
    s.verifies("inline context", &signed);
    for redefinition in [
        json!({ "name": "https://example.com/vocab#name" }),
        json!({ "description": { "@id": "https://example.com/vocab#description" } }),
        json!({ "VerifiableCredential": "https://example.com/vocab#VerifiableCredential" }),
    ] {
        let vc = with(&s.credential(), |m| {
            m.insert("@context".into(), json!([V2, redefinition.clone()]));
        });
        s.refused(
            &format!("redefinition {redefinition}"),
            &vc,
            &json!({}),
            &["@context", "protected"],
        );
    }
}

/// "The proof: `DataIntegrityProof`, `cryptosuite` as asked, `proofValue`
/// base58btc (`z…`), `created` an XML datetime, `verificationMethod` an
/// Ed25519 did:key URL when the issuer is a did:key (Multikey `z6Mk…`)."
/// Routes and shapes: `options.cryptosuite` honoured (root cause 4).
#[test]
fn proofs_are_data_integrity_with_the_asked_cryptosuite_by_our_did_key() {
    let s = Suite::start();
    let fingerprint = s.issuer.strip_prefix("did:key:").unwrap();
    assert!(fingerprint.starts_with("z6Mk"), "{}", s.issuer);
    let method = format!("{}#{fingerprint}", s.issuer);
    for (options, suite) in [
        (
            json!({ "cryptosuite": "eddsa-rdfc-2022" }),
            "eddsa-rdfc-2022",
        ),
        (json!({ "cryptosuite": "eddsa-jcs-2022" }), "eddsa-jcs-2022"),
        // Absent: the configured suite (eddsa-rdfc-2022 by default).
        (json!({}), "eddsa-rdfc-2022"),
    ] {
        let signed = s.issued(
            &format!("options {options}"),
            &s.example_credential(),
            &options,
        );
        let all = proofs(&signed);
        assert_eq!(all.len(), 1, "{signed:#}");
        let p = &all[0];
        assert_eq!(p["type"], "DataIntegrityProof", "{p:#}");
        assert_eq!(p["cryptosuite"], suite, "{p:#}");
        assert_eq!(p["proofPurpose"], "assertionMethod", "{p:#}");
        assert_eq!(p["verificationMethod"], json!(method), "{p:#}");
        let value = p["proofValue"].as_str().unwrap_or_default();
        let bytes = value
            .strip_prefix('z')
            .and_then(|b58| bs58::decode(b58).into_vec().ok())
            .unwrap_or_default();
        assert_eq!(
            bytes.len(),
            64,
            "proofValue is base58btc of 64 bytes: {value}"
        );
        assert!(
            p["created"].as_str().is_some_and(is_date_time_stamp),
            "created: {p:#}"
        );
        s.verifies(suite, &signed);
        // An independent check with the library and the did:key alone.
        let outcomes = crate::support::block_on(rosette::proof::verify_proofs(
            &signed,
            "assertionMethod",
            &rosette::keys::OfflineResolver::new(),
            rosette::clock::Clock::now(&rosette::clock::SystemClock),
        ))
        .unwrap();
        assert!(outcomes.iter().all(|o| o.result.is_ok()), "{signed:#}");
    }
    for cryptosuite in ["ecdsa-rdfc-2019", "Ed25519Signature2020", ""] {
        let r = s.issue(&s.credential(), &json!({ "cryptosuite": cryptosuite }));
        assert_eq!(r.status, 400, "cryptosuite {cryptosuite:?}: {}", r.text());
        super::refusal(cryptosuite, &r, &["options.cryptosuite"]);
    }
}

/// "VCDM 1.1 input (`issuanceDate`, v1 context, subject with only `id`) is
/// signed, adding the Data Integrity v2 context when needed." (Root cause 7.)
#[test]
fn vcdm_1_1_input_is_signed_with_the_data_integrity_context_added() {
    let s = Suite::start();
    let v11 = json!({
        "@context": [V1],
        "type": ["VerifiableCredential"],
        "issuer": s.issuer,
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": { "id": "did:example:ebfeb1f712ebc6f1c276e12ec21" }
    });
    // The contexts expected back: the input's, the Data Integrity context
    // when they lack it, and the Bitstring Status List v1.0 context when
    // status entries were added (the VCDM 1.1 context has no term for them).
    let expected = |signed: &Value| {
        let mut c = vec![json!(V1), json!(DI)];
        if !super::status_entries(signed).is_empty() {
            c.push(json!("https://www.w3.org/ns/credentials/status/v1"));
        }
        Value::Array(c)
    };
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let options = json!({ "cryptosuite": suite });
        let signed = s.issued(&format!("1.1, {suite}"), &v11, &options);
        assert_eq!(signed["@context"], expected(&signed), "{signed:#}");
        assert_eq!(signed["issuanceDate"], v11["issuanceDate"]);
        assert_eq!(proofs(&signed)[0]["cryptosuite"], suite);
        s.verifies(&format!("1.1, {suite}"), &signed);

        // Contexts that already define DataIntegrityProof are kept as given.
        let with_di = with(&v11, |m| {
            m.insert("@context".into(), json!([V1, DI]));
        });
        let signed = s.issued(
            &format!("1.1 with the DI context, {suite}"),
            &with_di,
            &options,
        );
        assert_eq!(
            signed["@context"],
            expected(&signed),
            "not added twice: {signed:#}"
        );
        s.verifies(&format!("1.1 with the DI context, {suite}"), &signed);
    }
    let undated = with(&v11, |m| {
        m.insert("issuanceDate".into(), json!("1 January 2010"));
    });
    s.refused(
        "1.1 with a bad issuanceDate",
        &undated,
        &json!({}),
        &["issuanceDate"],
    );
}
