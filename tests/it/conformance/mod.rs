//! The three W3C conformance suites (VC Data Model 2.0, Data Integrity
//! EdDSA, Bitstring Status List) mirrored as Rust tests: they cannot run in
//! CI, so every requirement they check is a test here, driving a real
//! `rosette serve` exactly as the suites do — over HTTPS on 127.0.0.1,
//! `public_url` its own https address, a did:key issuer, an `issuer`-scope
//! bearer token, `{credential, options}` bodies, `Accept: application/ld+json,
//! application/json` (the suites' HTTP client) on every request.
//!
//! Each test names, in a comment, the line of the project's conformance
//! notes ("Issuer requirements", "Verifier requirements", "Routes and
//! shapes") it mirrors; those lines are quoted so that a reader needs no
//! other document.
//!
//! * `issuer`: generic credentials through `POST /credentials/issue`;
//! * `status`: status entries and the lists they point to;
//! * `verifier`: `POST /credentials/verify` (proof sets and chains, proof
//!   fields, undefined terms);
//! * `presentations`: `POST /presentations/verify`.

mod issuer;
mod presentations;
mod status;
mod verifier;

use crate::support::{HttpsServer, Response};
use serde_json::{Value, json};

/// VCDM 2.0 base context (VCDM 2.0 §4.3).
pub const V2: &str = "https://www.w3.org/ns/credentials/v2";
/// VCDM 1.1 base context.
pub const V1: &str = "https://www.w3.org/2018/credentials/v1";
/// The VCDM 2.0 examples context (`@vocab` defines every term): the suites'
/// fixtures use it for their example types.
pub const EXAMPLES: &str = "https://www.w3.org/ns/credentials/examples/v2";
/// VC Data Integrity 1.0 §2.4 context.
pub const DI: &str = "https://w3id.org/security/data-integrity/v2";
/// What the suites' HTTP client (`@digitalbazaar/http-client`, also behind
/// jsonld.js's document loader) sends as `Accept`, on every request.
pub const SUITE_ACCEPT: &str = "application/ld+json, application/json";

/// A Rosette set up as the suites' implementation config registers it:
/// the server, its issuer id (the did:key of its signing key), an `issuer`
/// token (what the suites send) and an `admin` token (for revocations),
/// each made when first needed.
pub struct Suite {
    /// The server.
    pub server: HttpsServer,
    /// The registered issuer id: `did:key:z6Mk…`.
    pub issuer: String,
    issuer_token: std::sync::OnceLock<String>,
    admin_token: std::sync::OnceLock<String>,
}

impl Suite {
    /// A fresh server with the default configuration.
    pub fn start() -> Suite {
        Suite::start_with(&[])
    }

    /// A fresh server with `envs` added to its environment.
    pub fn start_with(envs: &[(&str, &str)]) -> Suite {
        let server = HttpsServer::start(envs);
        let issuer = server.current_did_key();
        Suite {
            server,
            issuer,
            issuer_token: std::sync::OnceLock::new(),
            admin_token: std::sync::OnceLock::new(),
        }
    }

    /// A bearer token of scope `issuer`, what the suites are registered with.
    pub fn issuer_token(&self) -> &str {
        self.issuer_token
            .get_or_init(|| self.server.token("w3c-suite", "issuer"))
    }

    /// A bearer token of scope `admin`.
    pub fn admin_token(&self) -> &str {
        self.admin_token
            .get_or_init(|| self.server.token("operator", "admin"))
    }

    /// `POST path` with a JSON body, the suites' `Accept` and `token`.
    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.server
            .client
            .post(&self.server.url(path))
            .header("Accept", SUITE_ACCEPT)
            .bearer(token)
            .json(body)
            .send()
    }

    /// `GET` of an absolute URL with this `Accept` (none when `None`).
    pub fn get(&self, url: &str, accept: Option<&str>) -> Response {
        let request = self.server.client.get(url);
        match accept {
            Some(a) => request.header("Accept", a).send(),
            None => request.send(),
        }
    }

    /// `POST /credentials/issue` `{credential, options}` with the issuer token.
    pub fn issue(&self, credential: &Value, options: &Value) -> Response {
        self.post(
            "/credentials/issue",
            Some(self.issuer_token()),
            &json!({ "credential": credential, "options": options }),
        )
    }

    /// Issues `credential`; it must be accepted as the suites require (201
    /// with a JSON `{"verifiableCredential": …}` whose `type` is an array and
    /// whose `credentialSubject` deep-equals the input's — "The returned
    /// `credentialSubject` deep-equals the input's"). The signed credential.
    #[track_caller]
    pub fn issued(&self, case: &str, credential: &Value, options: &Value) -> Value {
        let r = self.issue(credential, options);
        assert_eq!(
            r.status,
            201,
            "{case}: the credential must be issued\n{}\n{}\n{}",
            r.head,
            r.text(),
            self.server_log_tail()
        );
        assert!(
            r.header("content-type").is_some_and(|t| t.contains("json")),
            "{case}: the suites' client reads a body only when its type is JSON\n{}",
            r.head
        );
        let vc = r.json()["verifiableCredential"].clone();
        assert!(
            vc.is_object(),
            "{case}: no verifiableCredential\n{}",
            r.text()
        );
        assert!(
            vc["type"].is_array(),
            "{case}: `type` must stay an array\n{vc:#}"
        );
        assert_eq!(
            vc["credentialSubject"], credential["credentialSubject"],
            "{case}: the subject must come back as given"
        );
        assert!(
            vc["proof"].is_object() || vc["proof"].is_array(),
            "{case}: no proof\n{vc:#}"
        );
        vc
    }

    /// Issuing `credential` must be refused as the suites accept (400 or
    /// 422) with a problem (RFC 9457) whose title or detail names one of
    /// `fields` (the field a client must fix). The problem's text.
    #[track_caller]
    pub fn refused(
        &self,
        case: &str,
        credential: &Value,
        options: &Value,
        fields: &[&str],
    ) -> String {
        let r = self.issue(credential, options);
        refusal(case, &r, fields)
    }

    /// The end of the server's log, for failure messages.
    pub fn server_log_tail(&self) -> String {
        let log = self.server.stderr();
        let start = log.len().saturating_sub(3000);
        let start = (start..log.len())
            .find(|i| log.is_char_boundary(*i))
            .unwrap_or(log.len());
        format!("server log (end):\n{}", &log[start..])
    }

    /// `POST /credentials/verify` as the suites send it.
    pub fn verify(&self, credential: &Value) -> Response {
        self.post(
            "/credentials/verify",
            None,
            &json!({ "verifiableCredential": credential, "options": { "checks": ["proof"] } }),
        )
    }

    /// The credential must verify: exactly 200 ("Valid → exactly 200").
    #[track_caller]
    pub fn verifies(&self, case: &str, credential: &Value) {
        let r = self.verify(credential);
        assert_eq!(
            r.status,
            200,
            "{case}: a valid credential is answered exactly 200\n{}\n{credential:#}",
            r.text()
        );
        assert_eq!(r.json()["verified"], true, "{case}: {}", r.text());
    }

    /// The credential must not verify: 400 or 422 ("invalid → 400 or 422").
    #[track_caller]
    pub fn does_not_verify(&self, case: &str, credential: &Value) -> Value {
        let r = self.verify(credential);
        assert!(
            matches!(r.status, 400 | 422),
            "{case}: an invalid credential is answered 400 or 422, got {}\n{}\n{credential:#}",
            r.status,
            r.text()
        );
        let body = r.json();
        if r.status == 422 {
            assert_eq!(body["verified"], false, "{case}: {body:#}");
        }
        body
    }

    /// The smallest VCDM 2.0 credential the suites send: v2 context only,
    /// this issuer, one subject with one claim (`name`, defined by v2).
    pub fn credential(&self) -> Value {
        json!({
            "@context": [V2],
            "type": ["VerifiableCredential"],
            "issuer": self.issuer,
            "credentialSubject": {
                "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                "name": "Jayden Doe"
            }
        })
    }

    /// The suites' example credential: the examples context (whose
    /// `@vocab` defines example types and claims) and an example type.
    pub fn example_credential(&self) -> Value {
        json!({
            "@context": [V2, EXAMPLES],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": self.issuer,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                "alumniOf": {
                    "id": "did:example:c276e12ec21ebfeb1f712ebc6f1",
                    "name": "Example University"
                }
            }
        })
    }

    /// The id's UUID (`urn:uuid:<uuid>` → `<uuid>`), for the admin API.
    pub fn uuid_of(credential: &Value) -> String {
        let id = credential["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id: {credential:#}"));
        id.strip_prefix("urn:uuid:").unwrap_or(id).to_owned()
    }
}

/// `r` must be a refusal the suites accept (400 or 422) and a problem
/// (RFC 9457, `application/problem+json`) whose `title` or `detail` names
/// one of `fields`. The problem's title and detail.
#[track_caller]
pub fn refusal(case: &str, r: &Response, fields: &[&str]) -> String {
    assert!(
        matches!(r.status, 400 | 422),
        "{case}: must be refused with 400 or 422, got {}\n{}",
        r.status,
        r.text()
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{case}: a refusal is a problem\n{}",
        r.head
    );
    let problem = r.json();
    let text = format!(
        "{} {}",
        problem["title"].as_str().unwrap_or_default(),
        problem["detail"].as_str().unwrap_or_default()
    );
    assert!(
        fields.iter().any(|f| text.contains(f)),
        "{case}: the problem must name the field ({fields:?}): {problem:#}"
    );
    text
}

/// `doc` with `edit` applied to a copy.
pub fn with(doc: &Value, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut copy = doc.clone();
    if let Some(map) = copy.as_object_mut() {
        edit(map);
    }
    copy
}

/// The proofs of a signed document, as a list.
pub fn proofs(doc: &Value) -> Vec<Value> {
    match &doc["proof"] {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    }
}

/// The `credentialStatus` entries of a document, as a list.
pub fn status_entries(doc: &Value) -> Vec<Value> {
    match &doc["credentialStatus"] {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    }
}

/// Whether `s` is an XML Schema `dateTime` with a time zone
/// (`dateTimeStamp`): `YYYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm)`.
pub fn is_date_time_stamp(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.as_bytes().get(10) == Some(&b'T')
}
