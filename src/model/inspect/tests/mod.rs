//! Tests of [`inspect_credential`]: a table of malformed documents, wrong
//! JSON types, warnings and helpers; the real credentials are in
//! [`examples`].

use serde_json::{Value, json};

use super::*;

mod examples;

const OB_CTX: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

fn codes_of(problems: &[Finding]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

/// A valid basic OB 3.0 credential (the OB spec's "Basic
/// OpenBadgeCredential" shape, inlined so this test needs no files).
fn base() -> Value {
    json!({
        "@context": [VC_V2_CONTEXT, OB_CTX],
        "id": "http://example.com/credentials/3527",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.com/issuers/876543", "type": ["Profile"], "name": "Example Corp"},
        "validFrom": "2010-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/21st-century-skills/teamwork",
                "type": ["Achievement"],
                "criteria": {"narrative": "Team members are nominated for this badge by their peers."},
                "description": "This badge recognizes the development of the capacity to collaborate.",
                "name": "Teamwork"
            }
        }
    })
}

/// Sets (or with `None` removes) the value at a JSON pointer.
fn set(doc: &mut Value, pointer: &str, value: Option<Value>) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        &mut *doc
    } else {
        doc.pointer_mut(parent).unwrap()
    };
    let map = target.as_object_mut().unwrap();
    match value {
        Some(v) => {
            map.insert(key.to_owned(), v);
        }
        None => {
            map.remove(key);
        }
    }
}

fn v1(doc: &mut Value) {
    set(doc, "/@context", Some(json!([VC_V1_CONTEXT, OB_CTX])));
    set(doc, "/validFrom", None);
    set(doc, "/issuanceDate", Some(json!("2010-01-01T00:00:00Z")));
}

fn bsl_entry() -> Value {
    json!({
        "id": "https://example.com/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://example.com/status/1"
    })
}

#[test]
fn base_document_is_clean() {
    let s = inspect_credential(&base()).unwrap();
    assert!(s.is_open_badge);
    assert!(!s.is_endorsement);
    assert_eq!(s.vc_version, VcVersion::V2);
    assert_eq!(s.issuer_id, "https://example.com/issuers/876543");
    assert_eq!(s.issuer_name.as_deref(), Some("Example Corp"));
    assert_eq!(
        s.subject_id.as_deref(),
        Some("did:example:ebfeb1f712ebc6f1c276e12ec21")
    );
    assert_eq!(s.achievement_name.as_deref(), Some("Teamwork"));
    assert!(s.warnings.is_empty());
    assert!(s.status_entries.is_empty());
}

#[test]
fn language_value_object_names_are_read_for_display() {
    // VCDM 2.0 §11.1: name/description as a language value object or an
    // array of them, on the issuer, the achievement and the subject.
    let mut doc = base();
    set(
        &mut doc,
        "/issuer/name",
        Some(json!([
            {"@value": "Exemple SA", "@language": "fr"},
            {"@value": "Example Corp", "@language": "en"}
        ])),
    );
    set(
        &mut doc,
        "/credentialSubject/achievement/name",
        Some(json!({"@value": "Teamwork", "@language": "en"})),
    );
    set(
        &mut doc,
        "/credentialSubject/achievement/description",
        Some(json!([{"@value": "Travail d'équipe", "@language": "fr"}])),
    );
    set(
        &mut doc,
        "/credentialSubject/name",
        Some(json!({"@value": "Alice", "@language": "en", "@direction": "ltr"})),
    );
    set(
        &mut doc,
        "/name",
        Some(json!({"@value": "Teamwork Badge", "@language": "en"})),
    );
    let s = inspect_credential(&doc).unwrap();
    assert_eq!(s.issuer_name.as_deref(), Some("Example Corp"));
    assert_eq!(s.achievement_name.as_deref(), Some("Teamwork"));
    assert_eq!(
        s.achievement_description.as_deref(),
        Some("Travail d'équipe")
    );
    assert_eq!(s.subject_name.as_deref(), Some("Alice"));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);

    // An object that is not a language value object is still refused.
    set(
        &mut doc,
        "/issuer/name",
        Some(json!({"@value": "Example Corp", "url": "https://example.com"})),
    );
    let problems = inspect_credential(&doc).unwrap_err();
    assert_eq!(codes_of(&problems), vec![codes::ISSUER_NAME_INVALID]);
    set(&mut doc, "/issuer/name", Some(json!("Example Corp")));
    set(
        &mut doc,
        "/credentialSubject/achievement/name",
        Some(json!({"@language": "en"})),
    );
    let problems = inspect_credential(&doc).unwrap_err();
    assert_eq!(codes_of(&problems), vec![codes::ACHIEVEMENT_NAME_MISSING]);
}

#[test]
fn malformed_documents_yield_their_problem_code() {
    type Edit = Box<dyn Fn(&mut Value)>;
    fn e(f: impl Fn(&mut Value) + 'static) -> Edit {
        Box::new(f)
    }
    fn put(pointer: &'static str, value: Value) -> Edit {
        e(move |d| set(d, pointer, Some(value.clone())))
    }
    fn del(pointer: &'static str) -> Edit {
        e(move |d| set(d, pointer, None))
    }
    let generic = || {
        e(|d| {
            set(d, "/type", Some(json!(["VerifiableCredential"])));
            set(d, "/@context", Some(json!([VC_V2_CONTEXT])));
        })
    };

    let cases: Vec<(&str, &str, Edit)> = vec![
        // @context (VCDM 2.0 §4.3, OB 3.0 @context rule)
        ("context_missing", "/@context", del("/@context")),
        (
            "context_not_array",
            "/@context",
            put("/@context", json!(VC_V2_CONTEXT)),
        ),
        (
            "context_not_array",
            "/@context",
            put("/@context", json!({"@vocab": "x"})),
        ),
        ("context_empty", "/@context", put("/@context", json!([]))),
        (
            "context_order",
            "/@context/1",
            put("/@context", json!([OB_CTX, VC_V2_CONTEXT])),
        ),
        (
            "context_base_missing",
            "/@context/0",
            put("/@context", json!(["https://example.com/context", OB_CTX])),
        ),
        (
            "context_ob_missing",
            "/@context/1",
            put("/@context", json!([VC_V2_CONTEXT])),
        ),
        (
            "context_ob_missing",
            "/@context/1",
            put(
                "/@context",
                json!([
                    VC_V2_CONTEXT,
                    "https://purl.imsglobal.org/spec/ob/v3p0/context-4.0.0.json"
                ]),
            ),
        ),
        (
            "context_order",
            "/@context/2",
            put(
                "/@context",
                json!([VC_V2_CONTEXT, "https://example.com/ctx", OB_CTX]),
            ),
        ),
        (
            "context_item_invalid",
            "/@context/2",
            put("/@context", json!([VC_V2_CONTEXT, OB_CTX, 5])),
        ),
        // id (VCDM 2.0 §4.4; OB requires it)
        ("id_missing", "/id", del("/id")),
        ("id_invalid", "/id", put("/id", json!(12))),
        ("id_invalid", "/id", put("/id", json!("credentials/3527"))),
        // type (VCDM 2.0 §4.5)
        ("type_missing", "/type", del("/type")),
        ("type_invalid", "/type", put("/type", json!(5))),
        (
            "type_invalid",
            "/type",
            put("/type", json!(["VerifiableCredential", 5])),
        ),
        (
            "type_missing_verifiable_credential",
            "/type",
            put("/type", json!(["OpenBadgeCredential"])),
        ),
        // issuer (VCDM 2.0 §4.7)
        ("issuer_missing", "/issuer", del("/issuer")),
        ("issuer_invalid", "/issuer", put("/issuer", json!(42))),
        (
            "issuer_invalid",
            "/issuer",
            put("/issuer", json!(["https://example.com/i"])),
        ),
        ("issuer_id_missing", "/issuer/id", del("/issuer/id")),
        (
            "issuer_id_invalid",
            "/issuer/id",
            put("/issuer/id", json!(7)),
        ),
        (
            "issuer_id_invalid",
            "/issuer",
            put("/issuer", json!("Example Corp")),
        ),
        (
            "issuer_name_invalid",
            "/issuer/name",
            put("/issuer/name", json!({"en": "x"})),
        ),
        ("issuer_type_missing", "/issuer/type", del("/issuer/type")),
        // dates (VCDM 2.0 §4.9)
        ("valid_from_missing", "/validFrom", del("/validFrom")),
        (
            "valid_from_malformed",
            "/validFrom",
            put("/validFrom", json!("2010-01-01T00:00:00")),
        ),
        (
            "valid_from_malformed",
            "/validFrom",
            put("/validFrom", json!(20100101)),
        ),
        (
            "valid_from_malformed",
            "/validFrom",
            put("/validFrom", json!("2010-02-30T00:00:00Z")),
        ),
        (
            "valid_until_malformed",
            "/validUntil",
            put("/validUntil", json!("soon")),
        ),
        (
            "valid_until_before_valid_from",
            "/validUntil",
            put("/validUntil", json!("2009-12-31T23:59:59Z")),
        ),
        (
            "valid_until_before_valid_from",
            "/validUntil",
            put("/validUntil", json!("2010-01-01T01:00:00+02:00")),
        ),
        (
            "issuance_date_missing",
            "/issuanceDate",
            e(|d| {
                v1(d);
                set(d, "/issuanceDate", None);
            }),
        ),
        (
            "issuance_date_malformed",
            "/issuanceDate",
            e(|d| {
                v1(d);
                set(d, "/issuanceDate", Some(json!("2010-01-01")));
            }),
        ),
        (
            "expiration_date_malformed",
            "/expirationDate",
            e(|d| {
                v1(d);
                set(d, "/expirationDate", Some(json!(true)));
            }),
        ),
        (
            "valid_until_before_valid_from",
            "/expirationDate",
            e(|d| {
                v1(d);
                set(d, "/expirationDate", Some(json!("2009-01-01T00:00:00Z")));
            }),
        ),
        // credentialSubject (VCDM 2.0 §4.8, OB 3.0 §B.1 AchievementSubject, §9.1)
        (
            "subject_missing",
            "/credentialSubject",
            del("/credentialSubject"),
        ),
        (
            "subject_invalid",
            "/credentialSubject",
            put("/credentialSubject", json!("did:example:1")),
        ),
        (
            "subject_not_single",
            "/credentialSubject",
            put("/credentialSubject", json!([{"id": "did:example:1"}])),
        ),
        (
            "subject_empty",
            "/credentialSubject",
            e(move |d| {
                generic()(d);
                set(d, "/credentialSubject", Some(json!([])));
            }),
        ),
        (
            "subject_invalid",
            "/credentialSubject/1",
            e(move |d| {
                generic()(d);
                set(
                    d,
                    "/credentialSubject",
                    Some(json!([{"id": "did:example:1"}, 5])),
                );
            }),
        ),
        (
            "subject_unidentified",
            "/credentialSubject",
            del("/credentialSubject/id"),
        ),
        (
            "subject_unidentified",
            "/credentialSubject",
            e(|d| {
                set(d, "/credentialSubject/id", None);
                set(d, "/credentialSubject/identifier", Some(json!([])));
            }),
        ),
        (
            "subject_id_invalid",
            "/credentialSubject/id",
            put("/credentialSubject/id", json!(5)),
        ),
        (
            "subject_type_missing",
            "/credentialSubject/type",
            put("/credentialSubject/type", json!(["Person"])),
        ),
        (
            "subject_identifier_malformed",
            "/credentialSubject/identifier/0",
            put(
                "/credentialSubject/identifier",
                json!([{"type": "IdentityObject", "hashed": "yes", "identityHash": "x", "identityType": "emailAddress"}]),
            ),
        ),
        (
            "subject_identifier_malformed",
            "/credentialSubject/identifier",
            put("/credentialSubject/identifier", json!("a@example.com")),
        ),
        (
            "achievement_missing",
            "/credentialSubject/achievement",
            del("/credentialSubject/achievement"),
        ),
        (
            "achievement_invalid",
            "/credentialSubject/achievement",
            put(
                "/credentialSubject/achievement",
                json!("https://example.com/achievements/1"),
            ),
        ),
        (
            "achievement_id_missing",
            "/credentialSubject/achievement/id",
            del("/credentialSubject/achievement/id"),
        ),
        (
            "achievement_id_invalid",
            "/credentialSubject/achievement/id",
            put("/credentialSubject/achievement/id", json!("not a uri")),
        ),
        (
            "achievement_type_missing",
            "/credentialSubject/achievement/type",
            put("/credentialSubject/achievement/type", json!(["Badge"])),
        ),
        (
            "achievement_name_missing",
            "/credentialSubject/achievement/name",
            put("/credentialSubject/achievement/name", json!(5)),
        ),
        (
            "achievement_description_missing",
            "/credentialSubject/achievement/description",
            del("/credentialSubject/achievement/description"),
        ),
        (
            "achievement_criteria_missing",
            "/credentialSubject/achievement/criteria",
            put("/credentialSubject/achievement/criteria", json!("be nice")),
        ),
        (
            "achievement_kind_invalid",
            "/credentialSubject/achievement/achievementType",
            put(
                "/credentialSubject/achievement/achievementType",
                json!(["Certification"]),
            ),
        ),
        // result (OB 3.0 §B.1 Result)
        (
            "result_invalid",
            "/credentialSubject/result",
            put("/credentialSubject/result", json!("A")),
        ),
        (
            "result_invalid",
            "/credentialSubject/result/0",
            put("/credentialSubject/result", json!([5])),
        ),
        (
            "result_type_missing",
            "/credentialSubject/result/0/type",
            put("/credentialSubject/result", json!([{"value": "87"}])),
        ),
        (
            "result_field_invalid",
            "/credentialSubject/result/0/value",
            put(
                "/credentialSubject/result",
                json!([{"type": ["Result"], "value": 87}]),
            ),
        ),
        // credentialStatus (VCDM 2.0 §4.10, Bitstring Status List v1.0 §2.1)
        (
            "credential_status_invalid",
            "/credentialStatus",
            put("/credentialStatus", json!("revoked")),
        ),
        (
            "credential_status_invalid",
            "/credentialStatus/1",
            put("/credentialStatus", json!([bsl_entry(), 5])),
        ),
        (
            "credential_status_type_missing",
            "/credentialStatus/type",
            put(
                "/credentialStatus",
                json!({"id": "https://example.com/status/1#1"}),
            ),
        ),
        (
            "credential_status_id_invalid",
            "/credentialStatus/id",
            e(|d| {
                let mut entry = bsl_entry();
                entry["id"] = json!("#1");
                set(d, "/credentialStatus", Some(entry));
            }),
        ),
        (
            "status_purpose_missing",
            "/credentialStatus/statusPurpose",
            e(|d| {
                let mut entry = bsl_entry();
                entry.as_object_mut().unwrap().remove("statusPurpose");
                set(d, "/credentialStatus", Some(entry));
            }),
        ),
        (
            "status_list_index_missing",
            "/credentialStatus/0/statusListIndex",
            e(|d| {
                let mut entry = bsl_entry();
                entry.as_object_mut().unwrap().remove("statusListIndex");
                set(d, "/credentialStatus", Some(json!([entry])));
            }),
        ),
        (
            "status_list_index_malformed",
            "/credentialStatus/statusListIndex",
            e(|d| {
                let mut entry = bsl_entry();
                entry["statusListIndex"] = json!("094567");
                set(d, "/credentialStatus", Some(entry));
            }),
        ),
        (
            "status_list_index_malformed",
            "/credentialStatus/statusListIndex",
            e(|d| {
                let mut entry = bsl_entry();
                entry["statusListIndex"] = json!(-1);
                set(d, "/credentialStatus", Some(entry));
            }),
        ),
        (
            "status_list_index_malformed",
            "/credentialStatus/statusListIndex",
            e(|d| {
                let mut entry = bsl_entry();
                entry["statusListIndex"] = json!(1.5);
                set(d, "/credentialStatus", Some(entry));
            }),
        ),
        (
            "status_list_credential_missing",
            "/credentialStatus/statusListCredential",
            e(|d| {
                let mut entry = bsl_entry();
                entry
                    .as_object_mut()
                    .unwrap()
                    .remove("statusListCredential");
                set(d, "/credentialStatus", Some(entry));
            }),
        ),
        (
            "status_list_credential_invalid",
            "/credentialStatus/statusListCredential",
            e(|d| {
                let mut entry = bsl_entry();
                entry["statusListCredential"] = json!(5);
                set(d, "/credentialStatus", Some(entry));
            }),
        ),
        // EndorsementCredential (OB 3.0 §B.1 EndorsementSubject)
        (
            "subject_unidentified",
            "/credentialSubject",
            e(|d| {
                set(
                    d,
                    "/type",
                    Some(json!(["VerifiableCredential", "EndorsementCredential"])),
                );
                set(
                    d,
                    "/credentialSubject",
                    Some(json!({"type": ["EndorsementSubject"], "endorsementComment": "ok"})),
                );
            }),
        ),
        (
            "context_ob_missing",
            "/@context/1",
            e(|d| {
                set(
                    d,
                    "/type",
                    Some(json!(["VerifiableCredential", "EndorsementCredential"])),
                );
                set(d, "/@context", Some(json!([VC_V2_CONTEXT])));
            }),
        ),
    ];

    for (code, path, edit) in cases {
        let mut doc = base();
        edit(&mut doc);
        let problems = inspect_credential(&doc)
            .map(|s| panic!("expected {code} at {path}, got Ok({s:#?})"))
            .unwrap_err();
        assert!(
            problems.iter().any(|p| p.code == code && p.path == path),
            "expected {code} at {path}, got {problems:#?}"
        );
        for p in &problems {
            assert!(!p.message.is_empty());
            assert!(p.path.is_empty() || p.path.starts_with('/'), "{p}");
        }
    }
}

#[test]
fn wrong_json_types_everywhere_never_panic() {
    let mut doc = base();
    for key in [
        "@context",
        "id",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialSubject",
        "credentialStatus",
        "proof",
    ] {
        for value in [
            json!(null),
            json!(true),
            json!(1),
            json!(-1.5),
            json!("x"),
            json!([]),
            json!({}),
            json!([null, {}, []]),
        ] {
            doc[key] = value.clone();
            let _ = inspect_credential(&doc);
        }
    }
    for value in [json!(null), json!(1), json!("s"), json!([1, 2])] {
        let problems = inspect_credential(&value).unwrap_err();
        assert_eq!(codes_of(&problems), ["not_an_object"]);
        assert_eq!(problems[0].path, "");
    }
}

#[test]
fn reports_every_problem_not_just_the_first() {
    let doc = json!({"type": 5, "issuer": 1, "credentialSubject": "x"});
    let problems = inspect_credential(&doc).unwrap_err();
    assert_eq!(
        codes_of(&problems),
        [
            "type_invalid",
            "context_missing",
            "issuer_invalid",
            "subject_invalid"
        ]
    );
}

#[test]
fn validity_is_compared_as_instants() {
    // validUntil sorts before validFrom as a string but is later in time.
    let mut doc = base();
    doc["validFrom"] = json!("2010-01-01T00:00:00+01:00");
    doc["validUntil"] = json!("2009-12-31T23:30:00Z");
    let s = inspect_credential(&doc).unwrap();
    assert_eq!(s.valid_from.unwrap().as_str(), "2010-01-01T00:00:00+01:00");
    assert_eq!(s.valid_until.unwrap().as_str(), "2009-12-31T23:30:00Z");
    // Equal instants are fine.
    doc["validUntil"] = json!("2009-12-31T23:00:00Z");
    assert!(inspect_credential(&doc).is_ok());
}

#[test]
fn status_entries_from_object_or_array() {
    let mut doc = base();
    let mut suspension = bsl_entry();
    suspension["statusPurpose"] = json!("suspension");
    suspension["statusListIndex"] = json!("0");
    doc["credentialStatus"] = json!([bsl_entry(), suspension]);
    let s = inspect_credential(&doc).unwrap();
    assert_eq!(
        s.status_entries,
        vec![
            StatusEntryRef {
                path: "/credentialStatus/0".into(),
                entry_type: "BitstringStatusListEntry".into(),
                id: Some("https://example.com/status/1#94567".into()),
                purpose: Some("revocation".into()),
                index: Some("94567".into()),
                list_url: Some("https://example.com/status/1".into()),
            },
            StatusEntryRef {
                path: "/credentialStatus/1".into(),
                entry_type: "BitstringStatusListEntry".into(),
                id: Some("https://example.com/status/1#94567".into()),
                purpose: Some("suspension".into()),
                index: Some("0".into()),
                list_url: Some("https://example.com/status/1".into()),
            },
        ]
    );
    assert!(s.warnings.is_empty());

    doc["credentialStatus"] = bsl_entry();
    let s = inspect_credential(&doc).unwrap();
    assert_eq!(s.status_entries.len(), 1);
    assert_eq!(s.status_entries[0].path, "/credentialStatus");
}

#[test]
fn warnings_do_not_fail_inspection() {
    let mut doc = base();
    doc["type"] = json!("OpenBadgeCredential");
    // a bare "OpenBadgeCredential" lacks VerifiableCredential: an error
    assert_eq!(
        codes_of(&inspect_credential(&doc).unwrap_err()),
        ["type_missing_verifiable_credential"]
    );
    let mut doc = base();
    doc["proof"] = json!({"type": "DataIntegrityProof"});
    doc["issuanceDate"] = json!("2010-01-01T00:00:00Z");
    doc["credentialSubject"]["result"] = json!({"type": ["Result"], "value": "A"});
    let s = inspect_credential(&doc).unwrap();
    let got: Vec<(&str, &str)> = s
        .warnings
        .iter()
        .map(|p| (p.code, p.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("date_property_wrong_version", "/issuanceDate"),
            ("not_array", "/credentialSubject/result"),
            ("proof_not_array", "/proof"),
        ]
    );
    assert_eq!(s.results.len(), 1);
    assert_eq!(s.results[0].value.as_deref(), Some("A"));
}

#[test]
fn generic_credentials_with_subject_arrays() {
    let doc = json!({
        "@context": [VC_V2_CONTEXT, "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": [{"name": "no id"}, {"id": "did:example:2"}]
    });
    let s = inspect_credential(&doc).unwrap();
    assert!(!s.is_open_badge);
    assert_eq!(s.issuer_id, "did:example:issuer");
    assert_eq!(s.subject_id, None);
    assert_eq!(s.subject_name.as_deref(), Some("no id"));
    assert_eq!(s.valid_from, None);
}

#[test]
fn ob_context_matcher() {
    for ok in [
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.1.9.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1-3.0.2.json",
    ] {
        assert!(is_ob_context_url(ok), "{ok}");
    }
    for bad in [
        "http://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.10.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-4.0.0.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.jsonld",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3x0x3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json ",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.٣.json",
        "",
    ] {
        assert!(!is_ob_context_url(bad), "{bad}");
    }
}

#[test]
fn depth_is_measured_without_recursion() {
    assert_eq!(json_depth(&json!(1)), 1);
    assert_eq!(json_depth(&json!([])), 1);
    assert_eq!(json_depth(&json!({})), 1);
    assert_eq!(json_depth(&json!([1])), 2);
    assert_eq!(json_depth(&json!({"a": {}})), 2);
    assert_eq!(json_depth(&json!({"a": [1, [2, [3]]], "b": 0})), 5);
    assert_eq!(json_depth(&base()), 5);

    let mut deep = json!(0);
    for _ in 0..2000 {
        deep = Value::Array(vec![deep]);
    }
    assert_eq!(json_depth(&deep), 2001);

    let mut doc = base();
    let mut nest = json!("x");
    for _ in 0..MAX_JSON_DEPTH {
        nest = json!({"a": nest});
    }
    doc["credentialSubject"]["achievement"]["criteria"]["narrative"] = nest;
    let problems = inspect_credential(&doc).unwrap_err();
    assert_eq!(codes_of(&problems), ["too_deep"]);

    // Exactly at the limit is accepted (structure permitting).
    let mut doc = base();
    let mut nest = json!("x");
    for _ in 0..(MAX_JSON_DEPTH - 5) {
        nest = json!([nest]);
    }
    doc["credentialSubject"]["achievement"]["criteria"]["narrative"] = nest;
    assert_eq!(json_depth(&doc), MAX_JSON_DEPTH);
    assert!(inspect_credential(&doc).is_ok());
}

#[test]
fn problem_display() {
    let p = Finding::new(codes::ISSUER_MISSING, "/issuer", "issuer is required");
    assert_eq!(
        p.to_string(),
        "issuer_missing at /issuer: issuer is required"
    );
    let p = Finding::new(codes::NOT_AN_OBJECT, "", "x");
    assert_eq!(p.to_string(), "not_an_object at /: x");
}
