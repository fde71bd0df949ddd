//! One test per input rule of [`check_generic_input`], each with an accepted
//! and a refused input. The inputs mirror the W3C VCDM 2.0 test suite's
//! fixtures (w3c/vc-data-model-2.0-test-suite, tests/input, HEAD 6e075243):
//! the same shapes, rewritten here, with the issuer the suite injects.

use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha384};

use super::*;

const ISSUER: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

/// The suite's `credential-ok.json`, with the issuer the suite fills in.
fn ok() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"id": "did:example:subject"}
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

fn without(mut base: Value, key: &str) -> Value {
    if let Some(o) = base.as_object_mut() {
        o.remove(key);
    }
    base
}

#[track_caller]
fn accepted(v: &Value) -> DataModel {
    match check_generic_input(v, ISSUER) {
        Ok(m) => m,
        Err(p) => panic!("refused {v}: {p}"),
    }
}

/// Asserts a refusal naming `field`, and returns the reason.
#[track_caller]
fn refused(v: &Value, field: &str) -> String {
    match check_generic_input(v, ISSUER) {
        Ok(m) => panic!("accepted ({m:?}) {v}"),
        Err(p) => {
            assert_eq!(p.field, field, "wrong field for {v}: {p}");
            assert!(!p.reason.is_empty());
            p.reason
        }
    }
}

#[test]
fn w3c_eddsa_vectors_unsigned_credentials_are_accepted() {
    for text in [
        include_str!("../../tests/vectors/eddsa-rdfc-2022/unsigned.json"),
        include_str!("../../tests/vectors/eddsa-jcs-2022/unsigned.json"),
    ] {
        let v: Value = serde_json::from_str(text).unwrap();
        let issuer = v["issuer"].as_str().unwrap();
        assert_eq!(check_generic_input(&v, issuer), Ok(DataModel::V2));
        let p = check_generic_input(&v, ISSUER).unwrap_err();
        assert_eq!(p.field, "issuer");
    }
}

#[test]
fn body_must_be_an_object() {
    let p = check_generic_input(&json!(["x"]), ISSUER).unwrap_err();
    assert_eq!(p.field, "credential");
}

// VCDM 2.0 §4.3 Contexts.

#[test]
fn context_v2_first_is_required() {
    assert_eq!(accepted(&ok()), DataModel::V2);
    assert_eq!(
        accepted(&with(ok(), "@context", json!(V2_CONTEXT))),
        DataModel::V2
    );
    refused(&without(ok(), "@context"), "@context");
    refused(
        &with(
            ok(),
            "@context",
            json!(["https://www.w3.org/ns/credentials/examples/v2"]),
        ),
        "@context[0]",
    );
    let reason = refused(
        &with(
            ok(),
            "@context",
            json!(["https://www.w3.org/ns/credentials/examples/v2", V2_CONTEXT]),
        ),
        "@context[0]",
    );
    assert!(reason.contains(V2_CONTEXT), "{reason}");
    refused(
        &with(ok(), "@context", json!([V2_CONTEXT, V2_CONTEXT])),
        "@context[1]",
    );
}

#[test]
fn context_items_are_held_urls_or_objects() {
    accepted(&with(
        ok(),
        "@context",
        json!([V2_CONTEXT, "https://www.w3.org/ns/credentials/examples/v2"]),
    ));
    accepted(&with(
        with(
            ok(),
            "@context",
            json!([V2_CONTEXT, {"ExampleVerifiableCredential": "https://example.org/#ExampleVerifiableCredential"}]),
        ),
        "type",
        json!(["VerifiableCredential", "ExampleVerifiableCredential"]),
    ));
    let reason = refused(
        &with(ok(), "@context", json!([V2_CONTEXT, 123192875])),
        "@context[1]",
    );
    assert!(reason.contains("a number"), "{reason}");
    let reason = refused(
        &with(
            ok(),
            "@context",
            json!([V2_CONTEXT, "https ://not-a-url/contexts/example/v1"]),
        ),
        "@context[1]",
    );
    assert!(reason.contains("unknown JSON-LD context"), "{reason}");
    refused(
        &with(
            ok(),
            "@context",
            json!([V2_CONTEXT, "https://example.com/contexts/mine.jsonld"]),
        ),
        "@context[1]",
    );
}

// VCDM 2.0 §4.4 Identifiers.

#[test]
fn credential_id_is_a_single_url() {
    accepted(&with(
        ok(),
        "id",
        json!("https://example.org/credentials/1"),
    ));
    accepted(&with(
        ok(),
        "id",
        json!("urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33"),
    ));
    refused(&with(ok(), "id", Value::Null), "id");
    refused(
        &with(
            ok(),
            "id",
            json!([
                "https://example.org/credentials/1",
                "https://example.net/credentials/1"
            ]),
        ),
        "id",
    );
    let reason = refused(
        &with(ok(), "id", json!("https ://not-a-url/vcs/343cf54b")),
        "id",
    );
    assert!(reason.contains("single URL"), "{reason}");
}

#[test]
fn subject_id_is_a_single_url() {
    refused(
        &with(
            ok(),
            "credentialSubject",
            json!({"id": ["did:example:subject:one", "did:example:subject:two"]}),
        ),
        "credentialSubject.id",
    );
    refused(
        &with(
            ok(),
            "credentialSubject",
            json!([{"id": "did:example:a"}, {"id": "not a url"}]),
        ),
        "credentialSubject[1].id",
    );
}

// VCDM 2.0 §4.5 Types.

#[test]
fn type_is_required_and_includes_verifiable_credential() {
    refused(&without(ok(), "type"), "type");
    refused(&with(ok(), "type", json!([])), "type");
    let reason = refused(
        &with(
            with(
                ok(),
                "@context",
                json!([V2_CONTEXT, "https://www.w3.org/ns/credentials/examples/v2"]),
            ),
            "type",
            json!(["RelationshipCredential"]),
        ),
        "type",
    );
    assert!(reason.contains("VerifiableCredential"), "{reason}");
    accepted(&with(ok(), "type", json!("VerifiableCredential")));
}

#[test]
fn type_values_are_defined_terms_or_absolute_urls() {
    // Absolute URLs, in any order.
    accepted(&with(
        ok(),
        "type",
        json!([
            "https://example.org/#ExampleCredential2",
            "VerifiableCredential",
            "https://example.org/#ExampleCredential1"
        ]),
    ));
    // A term the contexts define.
    accepted(&with(
        with(
            ok(),
            "@context",
            json!([V2_CONTEXT, {"ExampleTestCredential": "https://example.org/#ExampleTestCredential"}]),
        ),
        "type",
        json!(["VerifiableCredential", "ExampleTestCredential"]),
    ));
    // A term mapped to something that is not a URL.
    refused(
        &with(
            with(
                ok(),
                "@context",
                json!([V2_CONTEXT, {"ExampleTestCredential": "https ://not-a-url#ExampleTestCredential"}]),
            ),
            "type",
            json!(["VerifiableCredential", "ExampleTestCredential"]),
        ),
        "@context[1].ExampleTestCredential",
    );
    // A term no context defines.
    let reason = refused(
        &with(
            with(ok(), "@context", json!([V2_CONTEXT, {"@vocab": null}])),
            "type",
            json!(["VerifiableCredential", "ExampleTestCredential"]),
        ),
        "type",
    );
    assert!(reason.contains("ExampleTestCredential"), "{reason}");
    // Not a string.
    refused(
        &with(ok(), "type", json!(["VerifiableCredential", 2])),
        "type",
    );
}

// VCDM 2.0 §5.2 Extensibility: undefined terms are refused, not dropped.

#[test]
fn undefined_or_misspelt_properties_are_refused() {
    let reason = refused(
        &with(
            ok(),
            "statusEntry",
            json!({"type": "BitstringStatusListEntry"}),
        ),
        "statusEntry",
    );
    assert!(reason.contains("statusEntry"), "{reason}");
    assert!(reason.contains("context"), "{reason}");
    refused(
        &with(
            ok(),
            "credentialSubject",
            json!({"id": "did:example:subject", "gitlabUsername": "alice"}),
        ),
        "credentialSubject.gitlabUsername",
    );
    // The same property, defined by an inline context, is signed as given.
    accepted(&with(
        with(
            ok(),
            "@context",
            json!([V2_CONTEXT, {"gitlabUsername": "https://example.org/vocab#gitlabUsername"}]),
        ),
        "credentialSubject",
        json!({"id": "did:example:subject", "gitlabUsername": "alice"}),
    ));
}

#[test]
fn protected_term_redefinition_is_refused() {
    refused(
        &with(
            ok(),
            "@context",
            json!([V2_CONTEXT, {"VerifiableCredential": "https://example.org/#BadVerifiableCredential"}]),
        ),
        "@context",
    );
    refused(
        &with(
            with(
                ok(),
                "@context",
                json!([
                    V2_CONTEXT,
                    {"@protected": true, "ExampleVerifiableCredential": "https://example.org/#ExampleVerifiableCredential"},
                    {"ExampleVerifiableCredential": "https://example.org/#ExampleBadVerifiableCredential"}
                ]),
            ),
            "type",
            json!(["VerifiableCredential", "ExampleVerifiableCredential"]),
        ),
        "@context",
    );
}

// VCDM 2.0 §4.6 Names and Descriptions, §11.1 Language and Base Direction.

#[test]
fn name_and_description_are_text_values() {
    for key in ["name", "description"] {
        accepted(&with(ok(), key, json!("Example Credential")));
        accepted(&with(
            ok(),
            key,
            json!({"@value": "Example Credential", "@language": "en"}),
        ));
        accepted(&with(
            ok(),
            key,
            json!([
                {"@value": "Dog", "@language": "en"},
                {"@value": "Chien", "@language": "fr"},
                {"@value": "Cane", "@language": "it"}
            ]),
        ));
        let reason = refused(
            &with(
                ok(),
                key,
                json!({"@value": "Example", "@language": "en", "url": "did:example:credential"}),
            ),
            key,
        );
        assert!(reason.contains("language value object"), "{reason}");
        refused(&with(ok(), key, json!(42)), key);
        refused(
            &with(ok(), key, json!({"@value": "x", "@language": "not a tag"})),
            key,
        );
        refused(&with(ok(), key, json!([])), key);
    }
}

#[test]
fn issuer_name_and_description_are_text_values() {
    for key in ["name", "description"] {
        accepted(&with(
            ok(),
            "issuer",
            json!({"id": ISSUER, key: "Example Issuer"}),
        ));
        accepted(&with(
            ok(),
            "issuer",
            json!({"id": ISSUER, key: [{"@value": "Dog", "@language": "en"}, {"@value": "Chien", "@language": "fr"}]}),
        ));
        refused(
            &with(
                ok(),
                "issuer",
                json!({"id": ISSUER, key: {"@value": "ExampleIssuer", "@language": "en", "url": "did:example:issuer"}}),
            ),
            &format!("issuer.{key}"),
        );
    }
}

#[test]
fn direction_passes_the_shape_rule() {
    // `@direction` is a well-formed language value object (§11.1); whether
    // it can be signed is the JSON-LD layer's rule.
    assert!(is_text_value(
        &json!({"@value": "Example", "@language": "en", "@direction": "ltr"})
    ));
    assert!(!is_text_value(
        &json!({"@value": "Example", "@direction": "up"})
    ));
    assert!(!is_text_value(&json!({"@language": "en"})));
}

// VCDM 2.0 §4.7 Issuer.

#[test]
fn issuer_is_a_url_or_object_with_url_id_and_is_this_issuer() {
    accepted(&with(ok(), "issuer", json!({"id": ISSUER})));
    refused(&without(ok(), "issuer"), "issuer");
    refused(&with(ok(), "issuer", Value::Null), "issuer");
    let reason = refused(&with(ok(), "issuer", json!("fake-issuer")), "issuer");
    assert!(reason.contains("URL"), "{reason}");
    refused(
        &with(ok(), "issuer", json!({"id": "fake-issuer"})),
        "issuer.id",
    );
    refused(&with(ok(), "issuer", json!({"id": null})), "issuer.id");
    refused(&with(ok(), "issuer", json!({})), "issuer.id");
    let reason = refused(
        &with(ok(), "issuer", json!("https://example.edu/issuers/14")),
        "issuer",
    );
    assert!(reason.contains(ISSUER), "{reason}");
}

// VCDM 2.0 §4.8 Credential Subject.

#[test]
fn subjects_are_required_and_each_makes_a_claim() {
    refused(&without(ok(), "credentialSubject"), "credentialSubject");
    refused(
        &with(ok(), "credentialSubject", json!({})),
        "credentialSubject",
    );
    refused(
        &with(ok(), "credentialSubject", json!([])),
        "credentialSubject",
    );
    refused(
        &with(
            ok(),
            "credentialSubject",
            json!([{"id": "did:example:subject"}, {}]),
        ),
        "credentialSubject[1]",
    );
    refused(
        &with(ok(), "credentialSubject", json!("did:example:subject")),
        "credentialSubject",
    );
    accepted(&with(
        ok(),
        "credentialSubject",
        json!([{"id": "did:example:subject"}, {"id": "did:example:other:subject"}]),
    ));
    // A claim without an id.
    accepted(&with(ok(), "credentialSubject", json!({"name": "Alice"})));
}

// VCDM 2.0 §4.9 Validity Period.

#[test]
fn validity_dates_are_date_time_stamps() {
    for key in ["validFrom", "validUntil"] {
        accepted(&with(ok(), key, json!("2023-02-26T01:02:58.447Z")));
        accepted(&with(ok(), key, json!("2023-02-25T19:10:39-06:00")));
        accepted(&with(ok(), key, json!("4023-02-26T01:02:58.447Z")));
        refused(
            &with(ok(), key, json!("Sat 25 Feb 2023 07:16:31 PM CST")),
            key,
        );
        refused(&with(ok(), key, json!("2023-02-26T01:02:58")), key);
        refused(&with(ok(), key, json!(1677374578)), key);
    }
}

#[test]
fn valid_from_is_not_after_valid_until() {
    let both = |from: &str, until: &str| {
        with(
            with(ok(), "validFrom", json!(from)),
            "validUntil",
            json!(until),
        )
    };
    accepted(&both("2023-02-26T01:19:19Z", "2023-02-26T01:19:20Z"));
    accepted(&both("2023-02-26T01:19:19Z", "2023-02-26T01:19:19Z"));
    // Same instant in two zones: 19:21:29-06:00 is 01:21:29Z the next day.
    accepted(&both("2023-02-26T01:21:23Z", "2023-02-25T19:21:29-06:00"));
    let reason = refused(
        &both("2030-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),
        "validUntil",
    );
    assert!(reason.contains("validFrom"), "{reason}");
    refused(
        &both("2023-02-26T01:21:30Z", "2023-02-25T19:21:29-06:00"),
        "validUntil",
    );
}

#[test]
fn v1_dates_in_a_v2_credential_are_refused_with_the_v2_name() {
    let reason = refused(
        &with(ok(), "issuanceDate", json!("2023-01-01T00:00:00Z")),
        "issuanceDate",
    );
    assert!(reason.contains("validFrom"), "{reason}");
    let reason = refused(
        &with(ok(), "expirationDate", json!("2033-01-01T00:00:00Z")),
        "expirationDate",
    );
    assert!(reason.contains("validUntil"), "{reason}");
}

// VCDM 1.1 input.

fn v1() -> Value {
    json!({
        "@context": [V1_CONTEXT],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "issuanceDate": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"}
    })
}

#[test]
fn v1_1_input_is_accepted_with_its_own_date_rules() {
    assert_eq!(accepted(&v1()), DataModel::V1_1);
    assert_eq!(
        accepted(&with(v1(), "expirationDate", json!("2033-01-01T00:00:00Z"))),
        DataModel::V1_1
    );
    assert_eq!(
        accepted(&with(
            v1(),
            "@context",
            json!([V1_CONTEXT, "https://w3id.org/security/data-integrity/v2"]),
        )),
        DataModel::V1_1
    );
    refused(&without(v1(), "issuanceDate"), "issuanceDate");
    refused(
        &with(v1(), "issuanceDate", json!("yesterday")),
        "issuanceDate",
    );
    refused(
        &with(v1(), "expirationDate", json!("2020-01-01T00:00:00Z")),
        "expirationDate",
    );
    // Terms are those of the VCDM 1.1 context.
    refused(
        &with(v1(), "statusEntry", json!({"type": "StatusList2021Entry"})),
        "statusEntry",
    );
}

// VCDM 2.0 §4.10 Status.

#[test]
fn status_entries_need_a_type_and_a_url_id_when_present() {
    let ctx = json!([V2_CONTEXT, {"CredentialStatusList2017": "https://example.org/examples#CredentialStatusList2017"}]);
    let status = |entry: Value| {
        with(
            with(ok(), "@context", ctx.clone()),
            "credentialStatus",
            entry,
        )
    };
    accepted(&status(
        json!({"id": "did:example:status", "type": "CredentialStatusList2017"}),
    ));
    accepted(&status(json!({"type": "CredentialStatusList2017"})));
    accepted(&status(json!([
        {"type": "CredentialStatusList2017"},
        {"id": "https://example.org/status/2", "type": "CredentialStatusList2017"}
    ])));
    refused(
        &status(json!({"id": "did:example:status"})),
        "credentialStatus.type",
    );
    refused(
        &status(json!({"id": "did:example:status", "type": 2})),
        "credentialStatus.type",
    );
    refused(
        &status(
            json!({"id": ["did:example:status:1", "did:example:status:2"], "type": "CredentialStatusList2017"}),
        ),
        "credentialStatus.id",
    );
    refused(
        &status(
            json!({"id": "https ://not-a-url/statusList/4", "type": "CredentialStatusList2017"}),
        ),
        "credentialStatus.id",
    );
    refused(
        &status(json!([{"type": "CredentialStatusList2017"}, {}])),
        "credentialStatus[1].type",
    );
    refused(
        &status(json!(["did:example:status"])),
        "credentialStatus[0]",
    );
    // The entry Rosette itself would add is accepted as given.
    accepted(&with(
        ok(),
        "credentialStatus",
        json!({
            "id": "https://issuer.example/status/1#5",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "5",
            "statusListCredential": "https://issuer.example/status/1"
        }),
    ));
}

// VCDM 2.0 §4.11 Data Schemas.

#[test]
fn schemas_need_a_url_id_and_a_type() {
    let schema = |entry: Value| with(ok(), "credentialSchema", entry);
    accepted(&schema(
        json!({"type": "https://example.org/#ExampleTestSuiteSchema", "id": "did:example:schemas/1"}),
    ));
    accepted(&schema(json!([
        {"type": "https://example.org/#ExampleTestSuiteSchema", "id": "did:example:schemas/1"},
        {"type": "https://example.org/#ExampleTestSuiteSchema", "id": "did:example:schemas/2"}
    ])));
    refused(
        &schema(json!({"type": "https://example.org/#ExampleTestSuiteSchema"})),
        "credentialSchema.id",
    );
    refused(
        &schema(json!({"id": "did:example:schemas/1"})),
        "credentialSchema.type",
    );
    refused(
        &schema(
            json!({"type": "https://example.org/#ExampleTestSuiteSchema", "id": "https ://not-a-url.org/cd28a5c0"}),
        ),
        "credentialSchema.id",
    );
}

// VCDM 2.0 §5.4 Refreshing, §5.5 Terms of Use, §5.6 Evidence.

#[test]
fn refresh_terms_and_evidence_entries_need_a_type() {
    for (key, ty) in [
        (
            "refreshService",
            "https://example.org/#ExampleTestSuiteRefreshService",
        ),
        ("termsOfUse", "https://example.org/examples#OdrlPolicy2017"),
        (
            "evidence",
            "https://example.org/examples#DocumentVerification2018",
        ),
    ] {
        accepted(&with(
            ok(),
            key,
            json!({"type": ty, "id": "did:example:refresh/1"}),
        ));
        accepted(&with(ok(), key, json!([{"type": ty}, {"type": ty}])));
        refused(
            &with(ok(), key, json!({"id": "did:example:refresh/1"})),
            &format!("{key}.type"),
        );
        refused(&with(ok(), key, json!({})), &format!("{key}.type"));
        refused(
            &with(ok(), key, json!([{"type": ty}, {"id": "did:example:x"}])),
            &format!("{key}[1].type"),
        );
    }
}

// VCDM 2.0 §5.3 Integrity of Related Resources.

/// The digests in the W3C VCDM 2.0 test suite's `relatedResource` fixture
/// (tests/fixtures.js): of the v2 context as published on 2024-07-20.
const SUITE_SRI: &str = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg";
const SUITE_MULTIBASE: &str = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k";
/// The digests VCDM 2.0 §5.3 (Recommendation text) prints for the v2
/// context: of the bytes Rosette holds.
const REC_MULTIBASE: &str = "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA";

fn related(v: Value) -> Value {
    with(
        with(ok(), "credentialSubject", json!({"name": "Alice"})),
        "relatedResource",
        v,
    )
}

#[test]
fn related_resources_are_objects_with_a_url_id_and_a_digest() {
    accepted(&related(json!({"id": V2_CONTEXT, "digestSRI": SUITE_SRI})));
    accepted(&related(
        json!({"id": V2_CONTEXT, "digestMultibase": SUITE_MULTIBASE}),
    ));
    accepted(&related(
        json!([{"id": V2_CONTEXT, "mediaType": "application/ld+json", "digestSRI": SUITE_SRI}]),
    ));
    accepted(&related(
        json!({"id": V2_CONTEXT, "digestMultibase": REC_MULTIBASE}),
    ));
    // A resource we do not hold: the digest is taken as given (this one,
    // from the VCDM 2.0 §5.6 example, is no SHA-2 multihash).
    accepted(&related(json!({
        "id": "https://example.org/video.mp4",
        "digestMultibase": "uELq9FnJ5YLa5iAszyJ518bXcnlc5P7xp1u-5uJRDYKvc"
    })));
    refused(&related(json!([V2_CONTEXT])), "relatedResource[0]");
    refused(
        &related(json!([{"digestMultibase": SUITE_MULTIBASE}])),
        "relatedResource[0].id",
    );
    refused(
        &related(json!([{"id": "not a url", "digestMultibase": SUITE_MULTIBASE}])),
        "relatedResource[0].id",
    );
    let reason = refused(&related(json!([{"id": V2_CONTEXT}])), "relatedResource[0]");
    assert!(reason.contains("digestSRI"), "{reason}");
    let reason = refused(
        &related(json!([
            {"id": V2_CONTEXT, "digestSRI": SUITE_SRI},
            {"id": V2_CONTEXT, "digestMultibase": SUITE_MULTIBASE}
        ])),
        "relatedResource[1].id",
    );
    assert!(reason.contains("unique"), "{reason}");
    refused(&related(json!([])), "relatedResource");
}

#[test]
fn related_resource_digest_of_a_held_context_must_match() {
    let reason = refused(
        &related(
            json!([{"id": V2_CONTEXT, "digestMultibase": "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"}]),
        ),
        "relatedResource[0].digestMultibase",
    );
    assert!(reason.contains("does not match"), "{reason}");
    // The suite's wrong SRI uses base64url letters: not SRI at all.
    refused(
        &related(
            json!([{"id": V2_CONTEXT, "digestSRI": "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P"}]),
        ),
        "relatedResource[0].digestSRI",
    );
    // A well-formed SHA-384 of other bytes.
    use base64::Engine as _;
    let other = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(b"other"));
    let reason = refused(
        &related(json!([{"id": V2_CONTEXT, "digestSRI": format!("sha384-{other}")}])),
        "relatedResource[0].digestSRI",
    );
    assert!(reason.contains(V2_CONTEXT), "{reason}");
    // The held bytes' own digests, computed here, match.
    let held = crate::contexts::load(V2_CONTEXT).unwrap();
    let sri = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(held.bytes));
    accepted(&related(
        json!({"id": V2_CONTEXT, "digestSRI": format!("sha384-{sri}")}),
    ));
    let mut mh = vec![0x12, 0x20];
    mh.extend_from_slice(&Sha256::digest(held.bytes));
    accepted(&related(
        json!({"id": V2_CONTEXT, "digestMultibase": format!("z{}", bs58::encode(&mh).into_string())}),
    ));
    refused(
        &related(json!({"id": V2_CONTEXT, "digestSRI": "md5-AAAA"})),
        "relatedResource.digestSRI",
    );
    refused(
        &related(json!({"id": V2_CONTEXT, "digestMultibase": "fabc"})),
        "relatedResource.digestMultibase",
    );
}

// display_text (VCDM 2.0 §11.1).

#[test]
fn display_text_picks_the_preferred_language() {
    let names = json!([
        {"@value": "Chien", "@language": "fr"},
        {"@value": "Dog", "@language": "en-GB"},
        {"@value": "Hund", "@language": "de"}
    ]);
    assert_eq!(display_text(&names, Some("en-GB")).as_deref(), Some("Dog"));
    assert_eq!(display_text(&names, Some("en")).as_deref(), Some("Dog"));
    assert_eq!(display_text(&names, Some("DE")).as_deref(), Some("Hund"));
    assert_eq!(display_text(&names, Some("it")).as_deref(), Some("Chien"));
    assert_eq!(display_text(&names, None).as_deref(), Some("Chien"));
    let mixed = json!([{"@value": "Chien", "@language": "fr"}, "Dog"]);
    assert_eq!(display_text(&mixed, Some("it")).as_deref(), Some("Dog"));
    assert_eq!(
        display_text(&json!("  Plain "), Some("fr")).as_deref(),
        Some("  Plain ")
    );
    assert_eq!(
        display_text(
            &json!({"@value": "عربي", "@language": "ar", "@direction": "rtl"}),
            None
        )
        .as_deref(),
        Some("عربي")
    );
    assert_eq!(display_text(&json!(""), None), None);
    assert_eq!(
        display_text(&json!([{"@value": " ", "@language": "en"}]), None),
        None
    );
    assert_eq!(display_text(&json!(7), None), None);
    assert_eq!(
        display_text(&json!({"@value": "x", "extra": 1}), None),
        None
    );
}

// Signable text (Rosette's rule for everything it signs) and depth.

#[test]
fn control_characters_are_refused_with_their_field() {
    accepted(&with(
        ok(),
        "credentialSubject",
        json!({"name": "Alice\nLiddell"}),
    ));
    let reason = refused(
        &with(
            ok(),
            "credentialSubject",
            json!([{"id": "did:example:a"}, {"name": "Alice\tLiddell"}]),
        ),
        "credentialSubject[1].name",
    );
    assert!(reason.contains("U+0009"), "{reason}");
}

#[test]
fn deeply_nested_input_is_refused_before_any_walk() {
    let mut deep = json!("x");
    for _ in 0..200 {
        deep = json!({ "name": deep });
    }
    let reason = refused(&with(ok(), "credentialSubject", deep), "credential");
    assert!(reason.contains("limit"), "{reason}");
}

#[test]
fn open_badges_from_the_1edtech_validator_pass_the_input_rules() {
    // Real OB 3.0 credentials (tests/vectors/ob-v3p0-validator, Apache-2.0),
    // with their proof removed, submitted as their own issuer: VCDM 2.0 and
    // VCDM 1.1 shapes, issuer objects, extensions context, status entries,
    // credentialSchema and refreshService.
    for (file, model) in [
        ("simple.json", DataModel::V2),
        ("complete.json", DataModel::V2),
        ("simple-did-web-method.json", DataModel::V2),
        ("simple-did-key-method.json", DataModel::V2),
        ("simple-context-version.json", DataModel::V2),
        ("endorsement-valid.json", DataModel::V2),
        ("bitstring-credential-status-revoked.json", DataModel::V2),
        ("simple-eddsa-2022.json", DataModel::V1_1),
        ("credential-status-revoked.json", DataModel::V1_1),
        ("simple-noproof.json", DataModel::V1_1),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors/ob-v3p0-validator")
            .join(file);
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("proof");
        let issuer = match &v["issuer"] {
            Value::String(s) => s.clone(),
            o => o["id"].as_str().unwrap().to_owned(),
        };
        assert_eq!(check_generic_input(&v, &issuer), Ok(model), "{file}");
        // A misspelt property in the same credential is refused.
        v["credentialSubject"]["acheivement"] = json!({"id": "https://example.org/a"});
        let p = check_generic_input(&v, &issuer).unwrap_err();
        assert_eq!(p.field, "credentialSubject.acheivement", "{file}: {p}");
    }
}
