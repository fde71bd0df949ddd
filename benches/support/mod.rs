//! What the benchmarks share: the credential they sign and verify, and a
//! status list source that serves fixed lists.

use serde_json::{Value, json};

/// A typical OB 3.0 certification credential with results and evidence.
pub fn credential(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:2f1c6f0e-6a41-4b8e-9e2a-6f7d3c1b9a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": issuer, "type": ["Profile"], "name": "GitLab Professional Services", "url": "https://about.gitlab.com" },
        "validFrom": "2026-11-25T12:00:00Z",
        "validUntil": "2028-11-25T12:00:00Z",
        "name": "GitLab CI/CD Specialist",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Ada Lovelace",
            "identifier": [{ "type": "IdentityObject", "hashed": true, "identityType": "emailAddress",
                "identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399", "salt": "Kosher" }],
            "achievement": {
                "id": "https://certs.example.com/certifications/gitlab-ci-cd-specialist",
                "type": ["Achievement"], "achievementType": "Certification",
                "name": "GitLab CI/CD Specialist",
                "description": "Designs, builds and secures GitLab CI/CD pipelines.",
                "criteria": { "narrative": "1. Pass the written assessment (70% or more).\n2. Pass the hands-on lab graded by a Professional Services engineer." },
                "image": { "id": "https://certs.example.com/badges/gitlab-ci-cd-specialist.png", "type": "Image" },
                "resultDescription": [
                    { "id": "https://certs.example.com/certifications/gitlab-ci-cd-specialist#written", "type": ["ResultDescription"],
                      "name": "Written assessment", "resultType": "Percent", "requiredValue": "70", "valueMin": "0", "valueMax": "100" },
                    { "id": "https://certs.example.com/certifications/gitlab-ci-cd-specialist#lab", "type": ["ResultDescription"],
                      "name": "Hands-on lab", "resultType": "Status", "requiredValue": "Completed" }
                ]
            },
            "result": [
                { "type": ["Result"], "resultDescription": "https://certs.example.com/certifications/gitlab-ci-cd-specialist#written", "value": "86" },
                { "type": ["Result"], "resultDescription": "https://certs.example.com/certifications/gitlab-ci-cd-specialist#lab", "status": "Completed" }
            ]
        },
        "evidence": [{ "type": ["Evidence"], "name": "Hands-on lab", "narrative": "Built a multi-stage pipeline with review apps; graded by J. Doe (Professional Services)." }]
    })
}

/// Serves fixed, signed lists (the benchmark measures verification, not I/O).
pub struct Lists(pub Vec<(String, Value)>);

impl rosette::verification::StatusSource for Lists {
    fn status_list<'a>(
        &'a self,
        url: &'a str,
    ) -> rosette::future::BoxFuture<'a, Result<Vec<u8>, rosette::verification::SourceError>> {
        let found = self
            .0
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, v)| serde_json::to_vec(v).unwrap_or_default());
        Box::pin(std::future::ready(found.ok_or(
            rosette::verification::SourceError {
                code: "missing",
                message: url.to_owned(),
            },
        )))
    }
}
