//! Generic issuance over VC-API (`POST /credentials/issue` with an `issuer`
//! token) on a real server, as the W3C suites and an LMS call it: any VCDM
//! 2.0 credential (and VCDM 1.1 input) signed as given with the asked
//! cryptosuite and status entries, stored, audited, revocable; catalog
//! certifications stay behind the assessment gate; an `issuer` token may
//! call nothing else.

use crate::admin_api::Server;
use serde_json::{Value, json};

const V1: &str = "https://www.w3.org/2018/credentials/v1";
const V2: &str = "https://www.w3.org/ns/credentials/v2";
const EXAMPLES: &str = "https://www.w3.org/ns/credentials/examples/v2";
const DI: &str = "https://w3id.org/security/data-integrity/v2";
const STATUS: &str = "https://www.w3.org/ns/credentials/status/v1";
const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// This server's issuer id (its DID), from did.json.
fn issuer_id(server: &Server) -> String {
    let doc = server.client.get("/.well-known/did.json").send().json();
    doc["id"].as_str().expect("did.json id").to_owned()
}

/// A plain VCDM 2.0 credential as the W3C suites send it.
fn plain(issuer: &str) -> Value {
    json!({
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "alumniOf": { "name": "Example University" }
        }
    })
}

fn uuid_of(vc: &Value) -> String {
    vc["id"]
        .as_str()
        .and_then(|id| id.strip_prefix("urn:uuid:"))
        .expect("urn:uuid id")
        .to_owned()
}

/// The published status list credential a status entry points at.
fn list_of(server: &Server, entry: &Value) -> Value {
    let url = entry["statusListCredential"].as_str().unwrap();
    let path = &url[url.find("/status/").unwrap()..];
    server
        .client
        .get(path)
        .header("Accept", "application/vc")
        .send()
        .json()
}

#[test]
fn an_issuer_token_issues_generic_credentials_that_verify_and_can_be_revoked() {
    let server = Server::start();
    let (lms, _) = server.token("lms", "issuer");
    let (admin, _) = server.token("ops", "admin");
    let (t, a) = (Some(lms.as_str()), Some(admin.as_str()));
    let did = issuer_id(&server);
    let issue = |credential: &Value, options: Value| {
        server.post(
            "/credentials/issue",
            t,
            &json!({ "credential": credential, "options": options }),
        )
    };
    let verify = |vc: &Value| {
        server.post(
            "/credentials/verify",
            None,
            &json!({ "verifiableCredential": vc, "options": { "checks": ["proof"] } }),
        )
    };

    // --- Each cryptosuite; unknown options ignored; the subject kept as given.
    let input = plain(&did);
    let mut issued = Vec::new();
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let r = issue(
            &input,
            json!({ "cryptosuite": suite, "type": "DataIntegrityProof", "unknownOption": { "x": 1 } }),
        );
        let vc = r.expect(201, None)["verifiableCredential"].clone();
        let proof = &vc["proof"][0];
        assert_eq!(proof["type"], "DataIntegrityProof", "{vc:#}");
        assert_eq!(proof["cryptosuite"], suite);
        assert_eq!(proof["proofPurpose"], "assertionMethod");
        assert!(proof["proofValue"].as_str().unwrap().starts_with('z'));
        assert_eq!(vc["credentialSubject"], input["credentialSubject"]);
        assert_eq!(vc["@context"], input["@context"]);
        assert_eq!(vc["issuer"], input["issuer"]);
        assert_eq!(vc["type"], input["type"]);
        // Status entries by the configuration default: revocation and suspension.
        let entries = vc["credentialStatus"].as_array().unwrap();
        let purposes: Vec<&str> = entries
            .iter()
            .map(|e| e["statusPurpose"].as_str().unwrap())
            .collect();
        assert_eq!(purposes, ["revocation", "suspension"]);
        for e in entries {
            assert_eq!(e["type"], "BitstringStatusListEntry");
            assert!(e["statusListIndex"].is_string(), "{e}");
            assert!(
                e["statusListCredential"]
                    .as_str()
                    .unwrap()
                    .contains("/status/")
            );
        }
        assert_eq!(
            r.header("location"),
            Some(format!("/credentials/{}", uuid_of(&vc)).as_str())
        );
        verify(&vc).expect(200, None);
        // Served as issued, and on a plain verification page.
        let served = server
            .client
            .get(&format!("/credentials/{}", uuid_of(&vc)))
            .header("Accept", "application/vc")
            .send();
        assert_eq!(served.json(), vc);
        assert_eq!(server.page_verdict(vc["id"].as_str().unwrap()), "VALID");
        issued.push(vc);
    }
    let page = server
        .client
        .get(&format!("/v/{}", uuid_of(&issued[0])))
        .send()
        .text();
    assert!(page.contains("ExampleAlumniCredential"), "{page}");
    assert!(!page.contains("badge.png"), "{page}");

    // --- Status options: one purpose asked; entries appended to the input's own.
    let mut own = plain(&did);
    own["credentialStatus"] = json!({
        "id": "https://status.example/lists/1#7", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "7",
        "statusListCredential": "https://status.example/lists/1"
    });
    let vc = issue(&own, json!({ "statusPurpose": "suspension" })).expect(201, None)
        ["verifiableCredential"]
        .clone();
    let entries = vc["credentialStatus"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{vc:#}");
    assert_eq!(entries[0], own["credentialStatus"]);
    assert_eq!(entries[1]["statusPurpose"], "suspension");
    let vc = issue(
        &plain(&did),
        json!({ "credentialStatus": [{ "type": "BitstringStatusListEntry", "statusPurpose": "revocation" }] }),
    )
    .expect(201, None)["verifiableCredential"]
        .clone();
    assert_eq!(vc["credentialStatus"].as_array().unwrap().len(), 1);
    assert_eq!(vc["credentialStatus"][0]["statusPurpose"], "revocation");
    let only_revocation = vc;

    // --- VCDM 1.1 input: the Data Integrity context is appended, and it verifies.
    let v11 = json!({
        "@context": [V1],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": { "id": "did:example:ebfeb1f712ebc6f1c276e12ec21" }
    });
    let vc = issue(&v11, json!({ "statusPurpose": [] })).expect(201, None)["verifiableCredential"]
        .clone();
    assert_eq!(vc["@context"], json!([V1, DI]));
    assert!(vc.get("credentialStatus").is_none(), "{vc:#}");
    assert_eq!(vc["credentialSubject"], v11["credentialSubject"]);
    verify(&vc).expect(200, None);
    // With status entries, the status context comes too.
    let vc = issue(&v11, json!({ "cryptosuite": "eddsa-rdfc-2022" })).expect(201, None)
        ["verifiableCredential"]
        .clone();
    assert_eq!(vc["@context"], json!([V1, DI, STATUS]));
    assert_eq!(vc["credentialStatus"].as_array().unwrap().len(), 2);
    verify(&vc).expect(200, None);

    // --- Revocation flips the published list; the credential then fails.
    let revocation = &issued[0]["credentialStatus"][0];
    let before = list_of(&server, revocation);
    server
        .post(
            &format!("/api/v1/admin/credentials/{}/revoke", uuid_of(&issued[0])),
            a,
            &json!({ "reason": "issued in error" }),
        )
        .expect(200, None);
    let after = list_of(&server, revocation);
    assert_ne!(
        before["credentialSubject"]["encodedList"],
        after["credentialSubject"]["encodedList"]
    );
    assert_eq!(
        server.page_verdict(issued[0]["id"].as_str().unwrap()),
        "REVOKED"
    );
    verify(&issued[0]).expect(422, None);
    // Suspend and reinstate the jcs one; a revocation-only one cannot be suspended.
    let jcs = uuid_of(&issued[1]);
    for (change, verdict) in [("suspend", "SUSPENDED"), ("reinstate", "VALID")] {
        server
            .post(
                &format!("/api/v1/admin/credentials/{jcs}/{change}"),
                a,
                &json!({ "reason": "checking" }),
            )
            .expect(200, None);
        assert_eq!(
            server.page_verdict(issued[1]["id"].as_str().unwrap()),
            verdict
        );
    }
    server
        .post(
            &format!(
                "/api/v1/admin/credentials/{}/suspend",
                uuid_of(&only_revocation)
            ),
            a,
            &json!({ "reason": "checking" }),
        )
        .expect(422, Some("invalid_input"));

    // --- Listed and shown by the admin API as generic credentials.
    let list = server
        .get("/api/v1/admin/credentials?kind=generic&limit=100", a)
        .expect(200, None);
    let listed: Vec<&str> = list["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 6, "{list:#}");
    for vc in &issued {
        assert!(listed.contains(&vc["id"].as_str().unwrap()));
    }
    let shown = server
        .get(
            &format!("/api/v1/admin/credentials/{}", uuid_of(&issued[0])),
            a,
        )
        .expect(200, None);
    assert_eq!(shown["credential"]["kind"], "generic");
    assert_eq!(shown["credential"]["status"], "revoked");
    assert!(shown["credential"]["candidate_id"].is_null());
    assert_eq!(shown["document"], issued[0]);
    let certs = server
        .get("/api/v1/admin/credentials?kind=certification", a)
        .expect(200, None);
    assert_eq!(certs["credentials"], json!([]));

    // --- Listed by the CLI too.
    let out = crate::support::rosette(
        &server.data,
        &["credentials", "list", "--kind", "generic", "--json"],
    );
    assert!(out.status.success(), "{out:?}");
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert!(
        lines
            .iter()
            .all(|l| l["kind"] == "generic" && l["candidate_id"].is_null())
    );

    // --- Audited with the token's name, suite and types.
    let audit = server.audit();
    let entry = audit
        .iter()
        .find(|e| e["action"] == "credential.issue_generic" && e["subject"] == issued[1]["id"])
        .expect("credential.issue_generic entry");
    assert!(
        entry["actor"].as_str().unwrap().ends_with(":lms"),
        "{entry}"
    );
    let details: Value = serde_json::from_str(entry["details"].as_str().unwrap()).unwrap();
    assert_eq!(details["cryptosuite"], "eddsa-jcs-2022");
    assert_eq!(details["types"], input["type"]);
}

#[test]
fn generic_issuance_refuses_bad_input_and_certifications_stay_gated() {
    let server = Server::start();
    let (lms, _) = server.token("lms", "issuer");
    let t = Some(lms.as_str());
    let did = issuer_id(&server);
    let issue = |credential: &Value, options: Value| {
        server.post(
            "/credentials/issue",
            t,
            &json!({ "credential": credential, "options": options }),
        )
    };

    // A catalog certification: only after both assessment stages (admin path).
    let public = std::fs::read_to_string(server.data.join("rosette.toml"))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("public_url").map(|v| {
                v.trim_start_matches([' ', '='])
                    .trim()
                    .trim_matches('"')
                    .to_owned()
            })
        })
        .unwrap();
    let cert = json!({
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": did,
        "credentialSubject": [
            { "id": "did:example:1", "type": ["AchievementSubject"], "achievement": { "id": "https://elsewhere.example/a" } },
            { "type": ["AchievementSubject"], "achievement": { "id": format!("{public}/certifications/gitlab-ci-cd-specialist") } }
        ]
    });
    let p = issue(&cert, json!({})).expect(403, Some("certification_gated"));
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("both assessment stages"),
        "{p}"
    );

    // Look-alikes are gated too: an achievement elsewhere that carries a
    // catalog certification's name (a language value, other case and
    // spacing), and an id under this issuer's /certifications/ path that is
    // not in the catalog. Signed by this issuer they would read as the
    // certification.
    for achievement in [
        json!({ "id": "https://elsewhere.example/b", "type": ["Achievement"],
                "name": { "@value": "gitlab  CI/CD specialist", "@language": "en" } }),
        json!({ "id": format!("{public}/certifications/gitlab-chief-wizard"), "type": ["Achievement"] }),
    ] {
        let look_alike = json!({
            "@context": [V2, OB],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": did,
            "credentialSubject": { "id": "did:example:2", "type": ["AchievementSubject"], "achievement": achievement }
        });
        issue(&look_alike, json!({})).expect(403, Some("certification_gated"));
    }

    // Options Rosette cannot honour: 400 naming the option.
    let p = issue(&plain(&did), json!({ "cryptosuite": "ecdsa-rdfc-2019" }))
        .expect(400, Some("invalid_request"));
    assert_eq!(p["field"], "options.cryptosuite");
    let p = issue(&plain(&did), json!({ "statusPurpose": "message" }))
        .expect(400, Some("invalid_request"));
    assert_eq!(p["field"], "options.statusPurpose");

    // Input rules: 422 naming the field.
    let mut signed = plain(&did);
    signed["proof"] = json!({ "type": "DataIntegrityProof" });
    let p = issue(&signed, json!({})).expect(422, Some("invalid_credential"));
    assert_eq!(p["field"], "proof");
    let mut other = plain(&did);
    other["issuer"] = json!("did:example:someone-else");
    assert_eq!(
        issue(&other, json!({})).expect(422, Some("invalid_credential"))["field"],
        "issuer"
    );
    let mut bad_id = plain(&did);
    bad_id["id"] = json!("not a url");
    assert_eq!(
        issue(&bad_id, json!({})).expect(422, Some("invalid_credential"))["field"],
        "id"
    );

    // A client's id is kept, once; a URL id is reachable by the admin API.
    let mut with_id = plain(&did);
    with_id["id"] = json!("https://university.example/credentials/3732");
    let vc = issue(&with_id, json!({})).expect(201, None)["verifiableCredential"].clone();
    assert_eq!(vc["id"], "https://university.example/credentials/3732");
    issue(&with_id, json!({})).expect(409, Some("conflict"));
    let (admin, _) = server.token("ops", "admin");
    server
        .post(
            "/api/v1/admin/credentials/https%3A%2F%2Funiversity.example%2Fcredentials%2F3732/revoke",
            Some(admin.as_str()),
            &json!({ "reason": "test" }),
        )
        .expect(200, None);

    // An issuer token may call nothing else.
    for (method, path) in [
        ("GET", "/api/v1/admin/credentials"),
        ("POST", "/api/v1/admin/credentials"),
        ("POST", "/api/v1/admin/credentials/bulk"),
        ("POST", "/api/v1/admin/assessments/written"),
        ("POST", "/api/v1/admin/assessments/lab"),
        ("GET", "/api/v1/admin/audit"),
        (
            "POST",
            "/api/v1/admin/credentials/00000000-0000-4000-8000-000000000000/revoke",
        ),
    ] {
        server
            .call(method, path, t, "application/json", b"{}")
            .expect_as(path, 403, Some("insufficient_scope"));
    }
}
