use super::*;
use crate::model::validate::is_in_language;
use crate::model::{IdentityType, VC_V2_CONTEXT};
use serde_json::json;

fn uri(s: &str) -> Uri {
    Uri::parse(s).unwrap()
}

/// The STANDARDS §12 item 8 shape plus every optional part Rosette uses.
fn full_credential() -> OpenBadgeCredential {
    let mut issuer = Profile::new(
        uri("did:web:certs.example.com"),
        "Example Corp Certification",
    );
    issuer.url = Some(uri("https://example.com"));
    issuer.email = Some("certification@example.com".into());
    issuer.description = Some("Professional certifications.".into());
    issuer.image = Some(Image::new(uri("https://certs.example.com/logo.png")));

    let mut achievement = Achievement::new(
        uri("https://certs.example.com/achievements/ci-cd-associate"),
        "CI/CD Associate",
        "Certifies the ability to build and operate CI/CD pipelines.",
        Criteria::narrative("Pass the written assessment (80 %), then the graded lab."),
    );
    achievement.achievement_type = Some(AchievementType::Certification);
    let mut image = Image::new(uri(
        "https://certs.example.com/achievements/ci-cd-associate/badge.png",
    ));
    image.caption = Some("CI/CD Associate badge".into());
    achievement.image = Some(image);
    achievement.creator = Some(Profile::new(
        uri("did:web:certs.example.com"),
        "Example Corp Certification",
    ));
    achievement.human_code = Some("CICD-A".into());
    achievement.tag = vec!["ci".into(), "cd".into()];
    let mut written = ResultDescription::new(
        uri("https://certs.example.com/achievements/ci-cd-associate/results/written"),
        "Written assessment",
        ResultType::Percent,
    );
    written.value_min = Some("0".into());
    written.value_max = Some("100".into());
    written.required_value = Some("80".into());
    let mut lab = ResultDescription::new(
        uri("https://certs.example.com/achievements/ci-cd-associate/results/lab"),
        "Hands-on lab",
        ResultType::RubricCriterion,
    );
    let mut pass = RubricCriterionLevel::new(
        uri("https://certs.example.com/achievements/ci-cd-associate/results/lab/pass"),
        "Pass",
    );
    pass.points = Some("1".into());
    lab.rubric_criterion_level = vec![
        RubricCriterionLevel::new(
            uri("https://certs.example.com/achievements/ci-cd-associate/results/lab/fail"),
            "Fail",
        ),
        pass,
    ];
    lab.required_level = Some(uri(
        "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass",
    ));
    let status = ResultDescription::new(
        uri("https://certs.example.com/achievements/ci-cd-associate/results/status"),
        "Certification status",
        ResultType::Status,
    );
    achievement.result_description = vec![written, lab, status];

    let mut subject = AchievementSubject::new(achievement);
    subject.name = Some("Ada Lovelace".into());
    subject.identifier = vec![IdentityObject::hashed_email("a@example.com", "Kosher")];
    let mut r1 = AchievementResult::new(uri(
        "https://certs.example.com/achievements/ci-cd-associate/results/written",
    ));
    r1.value = Some("87".into());
    let mut r2 = AchievementResult::new(uri(
        "https://certs.example.com/achievements/ci-cd-associate/results/lab",
    ));
    r2.achieved_level = Some(uri(
        "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass",
    ));
    let mut r3 = AchievementResult::new(uri(
        "https://certs.example.com/achievements/ci-cd-associate/results/status",
    ));
    r3.status = Some(ResultStatus::Completed);
    subject.result = vec![r1, r2, r3];

    let mut c = OpenBadgeCredential::new(
        CredentialId::parse("urn:uuid:4a1c7b9e-3f0d-4c2a-9b8e-1d2f3a4b5c6d").unwrap(),
        issuer,
        XsdDateTime::parse("2025-01-15T09:30:00Z").unwrap(),
        subject,
    );
    c.name = Some("CI/CD Associate".into());
    c.valid_until = Some(XsdDateTime::parse("2027-01-15T09:30:00Z").unwrap());
    let mut ev = Evidence::new();
    ev.name = Some("Lab grading".into());
    ev.narrative =
        Some("Lab graded by a Professional Services engineer.\nAll checks passed.".into());
    ev.genre = Some("Lab report".into());
    c.evidence = vec![ev];
    let list = uri("https://certs.example.com/status/1");
    c.credential_status = vec![
        BitstringStatusListEntry::new(
            list.clone(),
            StatusPurpose::Revocation,
            StatusListIndex::new(94567),
        )
        .unwrap(),
        BitstringStatusListEntry::new(
            uri("https://certs.example.com/status/2"),
            StatusPurpose::Suspension,
            StatusListIndex::new(1234),
        )
        .unwrap(),
    ];
    c
}

fn expected_json() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:4a1c7b9e-3f0d-4c2a-9b8e-1d2f3a4b5c6d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "CI/CD Associate",
        "issuer": {
            "id": "did:web:certs.example.com",
            "type": ["Profile"],
            "name": "Example Corp Certification",
            "url": "https://example.com",
            "email": "certification@example.com",
            "description": "Professional certifications.",
            "image": {"id": "https://certs.example.com/logo.png", "type": "Image"}
        },
        "validFrom": "2025-01-15T09:30:00Z",
        "validUntil": "2027-01-15T09:30:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Ada Lovelace",
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
                "identityType": "emailAddress",
                "hashed": true,
                "salt": "Kosher"
            }],
            "achievement": {
                "id": "https://certs.example.com/achievements/ci-cd-associate",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": "CI/CD Associate",
                "description": "Certifies the ability to build and operate CI/CD pipelines.",
                "criteria": {"narrative": "Pass the written assessment (80 %), then the graded lab."},
                "image": {
                    "id": "https://certs.example.com/achievements/ci-cd-associate/badge.png",
                    "type": "Image",
                    "caption": "CI/CD Associate badge"
                },
                "creator": {
                    "id": "did:web:certs.example.com",
                    "type": ["Profile"],
                    "name": "Example Corp Certification"
                },
                "humanCode": "CICD-A",
                "tag": ["ci", "cd"],
                "resultDescription": [
                    {
                        "id": "https://certs.example.com/achievements/ci-cd-associate/results/written",
                        "type": ["ResultDescription"],
                        "name": "Written assessment",
                        "resultType": "Percent",
                        "requiredValue": "80",
                        "valueMin": "0",
                        "valueMax": "100"
                    },
                    {
                        "id": "https://certs.example.com/achievements/ci-cd-associate/results/lab",
                        "type": ["ResultDescription"],
                        "name": "Hands-on lab",
                        "resultType": "RubricCriterion",
                        "requiredLevel": "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass",
                        "rubricCriterionLevel": [
                            {
                                "id": "https://certs.example.com/achievements/ci-cd-associate/results/lab/fail",
                                "type": ["RubricCriterionLevel"],
                                "name": "Fail"
                            },
                            {
                                "id": "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass",
                                "type": ["RubricCriterionLevel"],
                                "name": "Pass",
                                "points": "1"
                            }
                        ]
                    },
                    {
                        "id": "https://certs.example.com/achievements/ci-cd-associate/results/status",
                        "type": ["ResultDescription"],
                        "name": "Certification status",
                        "resultType": "Status"
                    }
                ]
            },
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": "https://certs.example.com/achievements/ci-cd-associate/results/written",
                    "value": "87"
                },
                {
                    "type": ["Result"],
                    "resultDescription": "https://certs.example.com/achievements/ci-cd-associate/results/lab",
                    "achievedLevel": "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass"
                },
                {
                    "type": ["Result"],
                    "resultDescription": "https://certs.example.com/achievements/ci-cd-associate/results/status",
                    "status": "Completed"
                }
            ]
        },
        "evidence": [{
            "type": ["Evidence"],
            "narrative": "Lab graded by a Professional Services engineer.\nAll checks passed.",
            "name": "Lab grading",
            "genre": "Lab report"
        }],
        "credentialStatus": [
            {
                "id": "https://certs.example.com/status/1#94567",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
                "statusListCredential": "https://certs.example.com/status/1"
            },
            {
                "id": "https://certs.example.com/status/2#1234",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "suspension",
                "statusListIndex": "1234",
                "statusListCredential": "https://certs.example.com/status/2"
            }
        ]
    })
}

#[test]
fn full_credential_serializes_exactly() {
    let c = full_credential();
    assert_eq!(c.validate_for_signing(), Ok(()));
    assert_eq!(c.to_json_value(), expected_json());
}

#[test]
fn serialized_text_keeps_field_order_and_string_index() {
    let text = serde_json::to_string(&full_credential()).unwrap();
    assert!(text.starts_with(
        r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:"#
    ), "{text}");
    assert!(text.contains(r#""statusListIndex":"94567""#));
    assert!(text.contains(r#""validFrom":"2025-01-15T09:30:00Z""#));
    assert!(!text.contains("null"));
    assert!(!text.contains("[]"));
}

#[test]
fn round_trips_through_serde() {
    let c = full_credential();
    let back: OpenBadgeCredential = serde_json::from_value(c.to_json_value()).unwrap();
    assert_eq!(back, c);
}

#[test]
fn minimal_credential_matches_the_reference_shape() {
    // STANDARDS §12 item 8: the shape that verifies in the JS reference.
    let mut issuer = Profile::new(uri("https://example.edu/issuers/565049"), "Example Corp");
    issuer.url = Some(uri("https://www.imsglobal.org"));
    let mut achievement = Achievement::new(
        uri("https://example.com/achievements/21st-century-skills/teamwork"),
        "Teamwork",
        "This badge recognizes the development of the capacity to collaborate within a group environment.",
        Criteria::narrative("Team members are nominated for this badge by their peers."),
    );
    achievement.achievement_type = Some(AchievementType::Certification);
    achievement.image = Some(Image::new(uri("https://example.com/badge.png")));
    let mut subject = AchievementSubject::new(achievement);
    subject.id = Some(uri("did:example:ebfeb1f712ebc6f1c276e12ec21"));
    let c = OpenBadgeCredential::new(
        CredentialId::parse("http://example.com/credentials/3527").unwrap(),
        issuer,
        XsdDateTime::parse("2010-01-01T00:00:00Z").unwrap(),
        subject,
    );
    assert_eq!(c.validate_for_signing(), Ok(()));
    assert_eq!(
        c.to_json_value(),
        json!({
            "@context": [VC_V2_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "http://example.com/credentials/3527",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {
                "id": "https://example.edu/issuers/565049",
                "type": ["Profile"],
                "name": "Example Corp",
                "url": "https://www.imsglobal.org"
            },
            "validFrom": "2010-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://example.com/achievements/21st-century-skills/teamwork",
                    "type": ["Achievement"],
                    "achievementType": "Certification",
                    "name": "Teamwork",
                    "description": "This badge recognizes the development of the capacity to collaborate within a group environment.",
                    "criteria": {"narrative": "Team members are nominated for this badge by their peers."},
                    "image": {"id": "https://example.com/badge.png", "type": "Image"}
                }
            }
        })
    );
}

#[test]
fn one_status_entry_is_a_single_object() {
    let mut c = full_credential();
    c.credential_status.truncate(1);
    assert_eq!(
        c.to_json_value()["credentialStatus"],
        json!({
            "id": "https://certs.example.com/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://certs.example.com/status/1"
        })
    );
    let back: OpenBadgeCredential = serde_json::from_value(c.to_json_value()).unwrap();
    assert_eq!(back.credential_status.len(), 1);
    c.credential_status.clear();
    assert!(c.to_json_value().get("credentialStatus").is_none());
}

#[test]
fn status_entry_refuses_list_url_with_fragment() {
    assert!(
        BitstringStatusListEntry::new(
            uri("https://x.example/list#a"),
            StatusPurpose::Revocation,
            StatusListIndex::new(1)
        )
        .is_err()
    );
}

#[test]
fn unknown_fields_are_refused_on_input() {
    let mut v = full_credential().to_json_value();
    v["credentialSubject"]["gitlabUsername"] = json!("ada");
    assert!(serde_json::from_value::<OpenBadgeCredential>(v).is_err());
}

fn field_of(err: ModelError) -> String {
    match err {
        ModelError::Invalid { field, .. } | ModelError::UnsignableText { field, .. } => field,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn validate_for_signing_rejections() {
    type Edit = fn(&mut OpenBadgeCredential);
    let cases: Vec<(&str, Edit)> = vec![
        ("/@context", |c| c.context.reverse()),
        ("/@context", |c| {
            c.context
                .push("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json".into())
        }),
        ("/type", |c| c.types = vec!["VerifiableCredential".into()]),
        ("/type", |c| c.types.push("GitLabCredential".into())),
        ("/type", |c| c.types.push("OpenBadgeCredential".into())),
        ("/issuer/name", |c| c.issuer.name = " ".into()),
        ("/issuer/type", |c| c.issuer.types.clear()),
        ("/validFrom", |c| {
            c.valid_from = XsdDateTime::parse("2025-01-15T09:30:00.000Z").unwrap()
        }),
        ("/validUntil", |c| {
            c.valid_until = Some(XsdDateTime::parse("2025-01-15T10:30:00+02:00").unwrap())
        }),
        ("/validUntil", |c| {
            c.valid_until = Some(XsdDateTime::parse("2024-01-15T09:30:00Z").unwrap())
        }),
        ("/credentialSubject", |c| {
            c.credential_subject.identifier.clear()
        }),
        ("/credentialSubject/identifier/0/identityHash", |c| {
            c.credential_subject.identifier[0].identity_hash = "sha256$1234".into()
        }),
        ("/credentialSubject/identifier/0/identityType", |c| {
            c.credential_subject.identifier[0].identity_type = IdentityType::Ext("email".into())
        }),
        ("/credentialSubject/achievement/criteria", |c| {
            c.credential_subject.achievement.criteria = Criteria::default()
        }),
        ("/credentialSubject/achievement/description", |c| {
            c.credential_subject.achievement.description.clear()
        }),
        ("/credentialSubject/achievement/achievementType", |c| {
            c.credential_subject.achievement.achievement_type =
                Some(AchievementType::Ext("ext:".into()))
        }),
        (
            "/credentialSubject/achievement/resultDescription/1/id",
            |c| {
                let id = c.credential_subject.achievement.result_description[0]
                    .id
                    .clone();
                c.credential_subject.achievement.result_description[1].id = id;
            },
        ),
        (
            "/credentialSubject/achievement/resultDescription/1/requiredLevel",
            |c| {
                c.credential_subject.achievement.result_description[1].required_level =
                    Some(Uri::parse("https://elsewhere.example/level").unwrap())
            },
        ),
        ("/credentialSubject/result/0/resultDescription", |c| {
            c.credential_subject.result[0].result_description =
                Some(Uri::parse("https://elsewhere.example/rd").unwrap())
        }),
        ("/credentialSubject/result/1/achievedLevel", |c| {
            c.credential_subject.result[1].achieved_level =
                Some(Uri::parse("https://elsewhere.example/level").unwrap())
        }),
        ("/credentialSubject/result/2/status", |c| {
            c.credential_subject.result[2].status = None
        }),
        ("/credentialSubject/result/0/type", |c| {
            c.credential_subject.result[0].types = vec!["Results".into()]
        }),
        ("/evidence/0/type", |c| c.evidence[0].types.clear()),
        ("/credentialStatus/1/statusPurpose", |c| {
            c.credential_status[1].status_purpose = StatusPurpose::Revocation
        }),
        ("/credentialStatus/0/id", |c| {
            c.credential_status[0].id = c.credential_status[0].status_list_credential.clone()
        }),
        ("/credentialSubject/name", |c| {
            c.credential_subject.name = Some("Ada\u{0}".into())
        }),
        ("/evidence/0/narrative", |c| {
            c.evidence[0].narrative = Some("tab\there".into())
        }),
        ("/credentialSubject/achievement/name", |c| {
            c.credential_subject.achievement.name = "Bad\u{FFFF}".into()
        }),
        ("/issuer/description", |c| {
            c.issuer.description = Some("\u{7F}".into())
        }),
    ];
    for (expected_field, edit) in cases {
        let mut c = full_credential();
        edit(&mut c);
        let err = c.validate_for_signing().expect_err(expected_field);
        assert_eq!(field_of(err), expected_field);
    }
}

#[test]
fn in_language_pattern() {
    for ok in ["en", "en-US", "zh-Hant-TW", "es-419", "haw", "abcd-Latn"] {
        assert!(is_in_language(ok), "{ok}");
    }
    for bad in [
        "",
        "e",
        "EN",
        "en-us",
        "en-USA",
        "abcde",
        "en-Hant-tw",
        "en-US-x",
        "en--US",
        "zh-hant",
    ] {
        assert!(!is_in_language(bad), "{bad}");
    }
    let mut c = full_credential();
    c.credential_subject.achievement.in_language = Some("en-GB".into());
    assert_eq!(c.validate_for_signing(), Ok(()));
    c.credential_subject.achievement.in_language = Some("english".into());
    assert_eq!(
        field_of(c.validate_for_signing().unwrap_err()),
        "/credentialSubject/achievement/inLanguage"
    );
}

#[test]
fn result_without_description_is_fine_unless_it_names_a_level() {
    let mut c = full_credential();
    c.credential_subject.result[0].result_description = None;
    assert_eq!(c.validate_for_signing(), Ok(()));
    c.credential_subject.result[1].result_description = None;
    assert_eq!(
        field_of(c.validate_for_signing().unwrap_err()),
        "/credentialSubject/result/1/achievedLevel"
    );
}
