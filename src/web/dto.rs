//! Request and response bodies of the public API as the OpenAPI document
//! describes them. Most exist for the schema only: the handlers build these
//! bodies as JSON by hand (requests, the VC-API result), and the types say
//! what that JSON holds.

use crate::verification::Report;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A verifiable credential (W3C VC Data Model 2.0; here usually an Open
/// Badges 3.0 `OpenBadgeCredential` or a `BitstringStatusListCredential`),
/// secured with Data Integrity proof(s). Only the main members are listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Credential {
    /// JSON-LD contexts; the first is `https://www.w3.org/ns/credentials/v2`.
    #[serde(rename = "@context")]
    pub context: Vec<Value>,
    /// The credential's id (`urn:uuid:…` for Rosette's).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub id: Option<String>,
    /// Types, e.g. `["VerifiableCredential", "OpenBadgeCredential"]`.
    #[serde(rename = "type")]
    pub credential_type: Vec<String>,
    /// The issuer: a DID, or a profile object with an `id`.
    pub issuer: Value,
    /// Start of validity (XML Schema `dateTimeStamp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub valid_from: Option<String>,
    /// End of validity, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub valid_until: Option<String>,
    /// The holder and what they achieved.
    pub credential_subject: Value,
    /// Where its revocation/suspension status is published.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub credential_status: Option<Value>,
    /// The Data Integrity proof, or a proof set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub proof: Option<Value>,
}

/// A credential to fetch and verify: its URL (JSON, or a baked PNG or SVG).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialUrl {
    /// `http(s)` URL of the credential or baked badge.
    #[schema(format = "uri")]
    pub url: String,
    /// `true`: answer a signed verification receipt with the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub receipt: Option<bool>,
}

/// A credential to verify, wrapped so that a receipt can be asked for: the
/// receipt's digest is of the `credential` member's text exactly as sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialWithFlag {
    /// The credential (JSON object, or a VC-JWT string).
    pub credential: Value,
    /// `true`: answer a signed verification receipt with the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub receipt: Option<bool>,
}

/// A verification receipt to verify, and optionally the credential it was
/// made for (its digest is compared with the receipt's, check
/// `receipt_digest`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptCheck {
    /// The receipt: a credential of type `VerificationReceipt`.
    pub receipt: Credential,
    /// The credential it was made for, as sent to the verifier (JSON
    /// object, or a VC-JWT string).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub credential: Option<Value>,
}

/// One item of a batch: a credential, `{"url": …}`, or a URL string.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum BatchItem {
    /// A credential.
    Credential(Box<Credential>),
    /// A credential to fetch.
    Url(CredentialUrl),
    /// A credential to fetch, as a bare URL.
    Link(String),
}

/// A batch of credentials to verify.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerifyBatch {
    /// The items, at most `max_batch` (100 by default; more is 413).
    #[schema(max_items = 100)]
    pub credentials: Vec<BatchItem>,
    /// `true`: each result carries its own signed verification receipt.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub receipt: Option<bool>,
}

/// The JSON body of `POST /api/v1/verify`: a credential, a credential URL,
/// or a batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum VerifyRequest {
    /// A credential.
    Credential(Box<Credential>),
    /// A credential, with or without a receipt.
    WithFlag(CredentialWithFlag),
    /// A credential to fetch.
    Url(CredentialUrl),
    /// Several at once.
    Batch(VerifyBatch),
    /// A verification receipt (and the credential it was made for).
    Receipt(Box<ReceiptCheck>),
}

/// The verdicts of a batch, one result per item, in order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchReport {
    /// Whether every item verified.
    pub verified: bool,
    /// One result per item (per data line of a roster).
    pub results: Vec<BatchResult>,
}

/// One item's report, and where the item came from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchResult {
    /// The item's verification report.
    #[serde(flatten)]
    pub report: Report,
    /// The form field name of the `multipart/form-data` part it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub part: Option<String>,
    /// The file name of that part.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub filename: Option<String>,
    /// Its line in the roster (1-based, counting the header line).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1)]
    pub line: Option<u64>,
    /// The roster line's cells, unchanged: an object keyed by the roster's
    /// header names (`column N` for a cell without a name of its own), or
    /// an array when the roster has no header line.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub input: Option<Value>,
    /// The signed verification receipt of this item, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Credential>, nullable = false)]
    pub receipt: Option<Value>,
}

/// One report, and the signed verification receipt made for it when asked
/// for (`"receipt": true` or `?receipt=true`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportAnswer {
    /// The verification report.
    #[serde(flatten)]
    pub report: Report,
    /// The receipt: a VCDM 2.0 credential of type `VerificationReceipt`,
    /// signed by this server's issuer key (`eddsa-rdfc-2022`). Not stored
    /// by the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Credential>, nullable = false)]
    pub receipt: Option<Value>,
}

/// The answer of `POST /api/v1/verify`: a report, or for a batch one
/// report per item.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum VerifyResponse {
    /// One credential's report (with its receipt when asked for).
    Report(Box<ReportAnswer>),
    /// A batch's reports.
    Batch(BatchReport),
}

/// VC-API "Verify Credential" request.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VcVerifyRequest {
    /// The credential to verify.
    pub verifiable_credential: Credential,
    /// Verification options; unknown keys are accepted and ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>, nullable = false)]
    pub options: Option<Value>,
}

/// A problem found by VC-API verification. Members in alphabetical order,
/// as the answers have always listed them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VcProblem {
    /// The check that failed (as in the report).
    pub check: String,
    /// Rosette's stable machine code (as in the report).
    pub code: String,
    /// What went wrong.
    pub title: String,
    /// A VC Data Model error type, e.g.
    /// `https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR`.
    #[serde(rename = "type")]
    #[schema(format = "uri")]
    pub problem_type: String,
}

/// VC-API "Verify Credential" result (members in alphabetical order).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VcVerifyResult {
    /// The checks that passed (`parse`, `structure`, `proof`, `status`, …).
    pub checks: Vec<String>,
    /// The checks that failed or could not be made.
    pub errors: Vec<VcProblem>,
    /// Whether every check passed.
    pub verified: bool,
    /// Warnings: proofs of an unsupported type, ignored because another
    /// proof of the set verified (code `proof_unsupported_ignored`).
    pub warnings: Vec<VcProblem>,
}

/// The issuer's DID document (did:web), listing every key it has signed
/// with as a `Multikey` verification method.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DidDocument {
    /// DID v1 and Multikey v1 contexts.
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    /// The issuer's DID (`did:web:…`).
    pub id: String,
    /// The keys (`type: Multikey`, `publicKeyMultibase`).
    #[schema(value_type = Vec<Object>)]
    pub verification_method: Vec<Value>,
    /// Ids of the keys that may sign credentials.
    pub assertion_method: Vec<String>,
    /// Ids of the keys that may authenticate as the issuer.
    pub authentication: Vec<String>,
}

/// The images of a credential.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum BadgeImage {
    /// The badge as PNG, credential baked in (OB 3.0 §5.3.1).
    #[serde(rename = "badge.png")]
    BadgePng,
    /// The badge as SVG, credential baked in (OB 3.0 §5.3.2).
    #[serde(rename = "badge.svg")]
    BadgeSvg,
    /// The 1200×627 Open Graph share image.
    #[serde(rename = "og.png")]
    OgPng,
}

/// A credential id from a path: a URL (`urn:…`, or a generic credential's
/// `https://…`, percent-encoded in the path) as given, a bare UUID as `urn:uuid:…`.
pub fn full_id(id: &str) -> String {
    if id.contains(':') {
        id.to_owned()
    } else {
        format!("urn:uuid:{id}")
    }
}
