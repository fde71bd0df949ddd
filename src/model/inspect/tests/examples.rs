//! Tests of [`inspect_credential`](super::super::inspect_credential) against
//! real credentials: the 1EdTech validator's examples and the W3C test
//! vectors from `tests/vectors`, and the Open Badges specification's
//! examples and implementation-guide vector, whose licence keeps them out of
//! the repository, from `../shared/data` at test time.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;

/// `../shared/data/<sub>` relative to the package; `None` (after a notice)
/// when absent outside CI, a test failure when absent in CI.
fn shared_data(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{} is missing and CI is set", dir.display());
    }
    eprintln!("skipping: {} not found", dir.display());
    None
}

/// `tests/vectors/<sub>`, copied into the repository with its provenance.
fn vectors(sub: &str) -> Option<PathBuf> {
    Some(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors")
            .join(sub),
    )
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Expected outcome for one example file.
enum Expect {
    Ok {
        is_open_badge: bool,
        is_endorsement: bool,
        version: VcVersion,
        issuer: &'static str,
        warnings: &'static [&'static str],
    },
    Err(&'static [(&'static str, &'static str)]),
}

fn ob(issuer: &'static str) -> Expect {
    Expect::Ok {
        is_open_badge: true,
        is_endorsement: false,
        version: VcVersion::V2,
        issuer,
        warnings: &[],
    }
}

fn check_folder(dir: Option<PathBuf>, table: &[(&str, Expect)]) {
    let Some(dir) = dir else {
        return;
    };
    let sub = dir.display();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = table.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every JSON file in {sub} has an expectation"
    );

    for (name, expect) in table {
        let doc = load(&dir.join(name));
        let result = inspect_credential(&doc);
        match (expect, result) {
            (
                Expect::Ok {
                    is_open_badge,
                    is_endorsement,
                    version,
                    issuer,
                    warnings,
                },
                Ok(s),
            ) => {
                assert_eq!(s.is_open_badge, *is_open_badge, "{name}: is_open_badge");
                assert_eq!(s.is_endorsement, *is_endorsement, "{name}: is_endorsement");
                assert_eq!(s.vc_version, *version, "{name}: version");
                assert_eq!(s.issuer_id, *issuer, "{name}: issuer");
                assert_eq!(codes_of(&s.warnings), *warnings, "{name}: warnings");
                assert!(s.types.iter().any(|t| t == "VerifiableCredential"));
                assert!(s.valid_from.is_some(), "{name}: valid_from");
                if s.is_open_badge {
                    assert!(s.achievement_id.is_some(), "{name}: achievement id");
                    assert!(s.achievement_name.is_some(), "{name}: achievement name");
                }
            }
            (Expect::Err(expected), Err(problems)) => {
                let got: Vec<(&str, &str)> =
                    problems.iter().map(|p| (p.code, p.path.as_str())).collect();
                assert_eq!(got, *expected, "{name}");
            }
            (Expect::Ok { .. }, Err(problems)) => {
                panic!("{name}: expected Ok, got {problems:#?}")
            }
            (Expect::Err(_), Ok(s)) => panic!("{name}: expected problems, got {s:#?}"),
        }
    }
}

#[test]
fn inspects_every_ob_spec_example() {
    check_folder(
        shared_data("examples/ob-v3p0-spec"),
        &[
            (
                "achievement-alignment-case.json",
                ob("https://example.edu/issuers/565049"),
            ),
            (
                "achievement-alignment-credential-engine.json",
                ob("https://example.edu/issuers/565049"),
            ),
            (
                "basic-openbadgecredential.json",
                ob("https://example.com/issuers/876543"),
            ),
            (
                "complete-openbadgecredential.json",
                ob("https://1edtech.edu/issuers/565049"),
            ),
            (
                "docformat-sample-file.json",
                ob("https://example.edu/issuers/565049"),
            ),
            (
                "endorsementcredential.json",
                Expect::Ok {
                    is_open_badge: false,
                    is_endorsement: true,
                    version: VcVersion::V2,
                    issuer: "https://state.gov/issuers/565049",
                    warnings: &[],
                },
            ),
            (
                "skill-assertion-case.json",
                ob("https://1edtech.edu/issuers/565049"),
            ),
            (
                "skill-assertion-credential-engine.json",
                ob("https://1edtech.edu/issuers/565049"),
            ),
        ],
    );
}

#[test]
fn inspects_every_1edtech_validator_example() {
    check_folder(
        vectors("ob-v3p0-validator"),
        &[
            (
                "bitstring-credential-status-revoked.json",
                Expect::Ok {
                    is_open_badge: true,
                    is_endorsement: false,
                    version: VcVersion::V2,
                    issuer: "https://1edtech.edu/issuers/565049",
                    warnings: &[codes::STATUS_LIST_INDEX_NOT_STRING, codes::PROOF_NOT_ARRAY],
                },
            ),
            (
                "bitstring-status-list-credential.json",
                Expect::Ok {
                    is_open_badge: false,
                    is_endorsement: false,
                    version: VcVersion::V2,
                    issuer: "https://1edtech.edu/issuers/565049",
                    warnings: &[],
                },
            ),
            ("complete.json", ob("https://1edtech.edu/issuers/565049")),
            (
                "credential-status-revoked.json",
                Expect::Ok {
                    is_open_badge: true,
                    is_endorsement: false,
                    version: VcVersion::V1_1,
                    issuer: "did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c",
                    warnings: &[codes::PROOF_NOT_ARRAY],
                },
            ),
            (
                "endorsement-valid.json",
                Expect::Ok {
                    is_open_badge: false,
                    is_endorsement: true,
                    version: VcVersion::V2,
                    issuer: "https://state.gov/issuers/565049",
                    warnings: &[],
                },
            ),
            (
                "simple-context-version.json",
                ob("https://example.com/issuers/876543"),
            ),
            (
                "simple-did-key-method.json",
                ob("urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164"),
            ),
            (
                "simple-did-web-method.json",
                Expect::Ok {
                    is_open_badge: true,
                    is_endorsement: false,
                    version: VcVersion::V2,
                    issuer: "https://1edtech.edu/issuers/565049",
                    warnings: &[codes::PROOF_NOT_ARRAY],
                },
            ),
            (
                "simple-eddsa-2022.json",
                Expect::Ok {
                    is_open_badge: true,
                    is_endorsement: false,
                    version: VcVersion::V1_1,
                    issuer: "https://example.com/issuers/876543",
                    warnings: &[],
                },
            ),
            (
                "simple-err-proof-value.json",
                ob("https://example.com/issuers/876543"),
            ),
            (
                "simple-multiple-proofs.json",
                ob("https://example.com/issuers/876543"),
            ),
            // A negative fixture: its subject has no achievement.
            (
                "simple-noproof.json",
                Expect::Err(&[(codes::ACHIEVEMENT_MISSING, "/credentialSubject/achievement")]),
            ),
            ("simple.json", ob("https://example.com/issuers/876543")),
        ],
    );
}

#[test]
fn summary_fields_of_known_examples() {
    let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/ob-v3p0-validator");
    let s = inspect_credential(&load(
        &validator.join("bitstring-credential-status-revoked.json"),
    ))
    .unwrap();
    assert_eq!(s.types, ["VerifiableCredential", "AchievementCredential"]);
    assert_eq!(s.status_entries.len(), 1);
    let e = &s.status_entries[0];
    assert_eq!(e.path, "/credentialStatus");
    assert_eq!(e.entry_type, "BitstringStatusListEntry");
    assert_eq!(e.purpose.as_deref(), Some("revocation"));
    assert_eq!(e.index.as_deref(), Some("23"));
    assert_eq!(e.index_value(), Some(StatusListIndex::new(23)));
    assert_eq!(
        e.list_url.as_deref(),
        Some(
            "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
        )
    );
    assert_eq!(
        s.valid_from.as_ref().map(XsdDateTime::as_str),
        Some("2023-05-23T01:10:41Z")
    );

    // Offsets are kept verbatim and compared as instants.
    let s = inspect_credential(&load(&validator.join("simple-did-key-method.json"))).unwrap();
    let from = s.valid_from.unwrap();
    assert_eq!(from.as_str(), "2022-11-10T07:38:00-08:00");
    assert_eq!(from.instant().to_rfc3339(), "2022-11-10T15:38:00+00:00");

    // VC 1.1: issuanceDate stands in for validFrom.
    let s = inspect_credential(&load(&validator.join("simple-eddsa-2022.json"))).unwrap();
    assert_eq!(s.valid_from.unwrap().as_str(), "2022-11-27T00:00:00Z");

    let Some(dir) = shared_data("examples") else {
        return;
    };
    let s = inspect_credential(&load(
        &dir.join("ob-v3p0-spec/complete-openbadgecredential.json"),
    ))
    .unwrap();
    assert_eq!(s.id.as_deref(), Some("http://1edtech.edu/credentials/3732"));
    assert_eq!(s.issuer_name.as_deref(), Some("1EdTech University"));
    assert_eq!(
        s.valid_until.as_ref().map(XsdDateTime::as_str),
        Some("2030-01-01T00:00:00Z")
    );
    assert_eq!(
        s.subject_id.as_deref(),
        Some("did:example:ebfeb1f712ebc6f1c276e12ec21")
    );
    assert_eq!(
        s.achievement_id.as_deref(),
        Some("https://1edtech.edu/achievements/degree")
    );
    assert_eq!(s.achievement_type.as_deref(), Some("Degree"));
    assert_eq!(s.subject_identifiers.len(), 2);
    assert!(s.subject_identifiers[0].matches_email("student@1edtech.edu"));
    assert_eq!(
        s.results,
        vec![
            ResultSummary {
                result_description: Some("urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c".into()),
                value: Some("A".into()),
                status: None,
                achieved_level: None,
            },
            ResultSummary {
                result_description: Some("urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c".into()),
                value: None,
                status: None,
                achieved_level: Some("urn:uuid:d05a0867-d0ad-4b03-bdb5-28fb5d2aab7a".into()),
            },
            ResultSummary {
                result_description: Some("urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c".into()),
                value: None,
                status: Some("Completed".into()),
                achieved_level: None,
            },
        ]
    );
    assert_eq!(s.status_entries.len(), 1);
    assert_eq!(s.status_entries[0].entry_type, "1EdTechRevocationList");
    assert_eq!(s.status_entries[0].index, None);
}

#[test]
fn inspects_w3c_test_vectors_as_generic_credentials() {
    let w3c = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for (file, issuer, id) in [
        (
            "eddsa-rdfc-2022/unsigned.json",
            "https://vc.example/issuers/5678",
            Some("urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33"),
        ),
        (
            "eddsa-rdfc-2022/signedDataInt.json",
            "https://vc.example/issuers/5678",
            Some("urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33"),
        ),
        (
            "eddsa-rdfc-2022/employ/signedDataInt.json",
            "did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76",
            None,
        ),
        (
            "eddsa-jcs-2022/signedJCS.json",
            "https://vc.example/issuers/5678",
            Some("urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33"),
        ),
    ] {
        let s =
            inspect_credential(&load(&w3c.join(file))).unwrap_or_else(|p| panic!("{file}: {p:#?}"));
        assert!(!s.is_open_badge, "{file}");
        assert_eq!(s.vc_version, VcVersion::V2, "{file}");
        assert_eq!(s.issuer_id, issuer, "{file}");
        assert_eq!(s.id.as_deref(), id, "{file}");
        assert!(s.warnings.is_empty(), "{file}: {:?}", s.warnings);
    }
    // The Open Badges implementation-guide vector (not redistributable).
    let Some(dir) = shared_data("test-vectors") else {
        return;
    };
    for file in [
        "ob-v3p0-eddsa-rdfc-2022/unsigned.json",
        "ob-v3p0-eddsa-rdfc-2022/signed.json",
    ] {
        let s =
            inspect_credential(&load(&dir.join(file))).unwrap_or_else(|p| panic!("{file}: {p:#?}"));
        assert!(s.is_open_badge, "{file}");
        assert_eq!(s.issuer_id, "https://example.edu/issuers/565049", "{file}");
        assert_eq!(s.achievement_name.as_deref(), Some("Teamwork"), "{file}");
    }
}
