//! The OpenAPI 3.1 description of the HTTP API, generated from the code:
//! every handler carries a `#[utoipa::path]` annotation (method, path,
//! parameters, bodies, responses), the report types derive
//! `utoipa::ToSchema`, and [`ApiDoc`] gathers them. Served as
//! `GET /openapi.json` and rendered for people as `GET /docs`
//! ([`super::docs`]).
//!
//! The types below that no handler uses directly describe bodies the
//! handlers build as JSON by hand (requests, problem bodies, the VC-API
//! result): they exist for the schema only.
//!
//! A route the router serves but this document omits, or the other way
//! round, fails `tests/it/openapi.rs`.

use crate::verification::{Check, CheckState, CredentialInfo, Report};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// What the document's `info.description` says.
const DESCRIPTION: &str = "Rosette issues and verifies Open Badges 3.0 certification credentials \
(W3C Verifiable Credentials 2.0, Data Integrity EdDSA proofs, Bitstring Status List).

Errors are RFC 9457 problem details (`application/problem+json`, schema `Problem`), except where a \
response says otherwise. Public routes are rate-limited per client address (429 with \
`Retry-After`); every request is bounded in size (413) and time (503).

The admin API takes a bearer token (`Authorization: Bearer rst_…`) created with \
`rosette tokens create`; each token has a scope (`admin` or `grader`).";

/// The OpenAPI document: every route the router serves.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rosette",
        version = env!("CARGO_PKG_VERSION"),
        description = DESCRIPTION,
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        super::verify_api::verify,
        super::page::verification_page,
        super::page::stylesheet,
        super::page::icon,
        super::page::favicon,
        super::verify_api::vc_api_verify,
        super::vc_api::verify_presentation,
        super::vc_api::issue,
        super::credential,
        super::credential_image,
        super::did_document,
        super::status_list,
        super::admin::record_written,
        super::admin::record_lab,
        super::admin::issue_credential,
        super::admin::list_credentials,
        super::admin::bulk_issue,
        super::admin::show_credential,
        super::admin::renew,
        super::admin::correct,
        super::admin::revoke,
        super::admin::suspend,
        super::admin::reinstate,
        super::admin::audit_log,
        super::healthz,
        super::readyz,
        super::metrics,
        openapi_json,
        super::docs::docs,
        super::docs::stylesheet,
    ),
    components(schemas(
        Report,
        Check,
        CheckState,
        CredentialInfo,
        Problem,
        Credential,
        VerifyRequest,
        VerifyResponse,
        BatchReport,
        VcVerifyRequest,
        VcVerifyResult,
        VcProblem,
        DidDocument,
        BadgeImage,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "verification", description = "Verifying credentials: the verification API for HR systems and the page an employer sees after scanning a badge's QR code."),
        (name = "vc-api", description = "The W3C Verifiable Credentials API (VC-API): issuing and verifying credentials and presentations."),
        (name = "credentials", description = "Issued credentials as JSON, their badge images (credential baked in) and share images, and the issuer's DID document."),
        (name = "status", description = "Bitstring Status List credentials: revocation and suspension of issued credentials."),
        (name = "admin", description = "The admin API: certifications, candidates, assessments, issuance, revocation, keys and the audit log. Bearer token with scope `admin` (or `grader` for lab results)."),
        (name = "operations", description = "Health, readiness, metrics, and this API description."),
    ),
)]
pub struct ApiDoc;

/// Adds the `bearer` security scheme (admin API tokens).
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("rst_…")
                    .description(Some(
                        "An API token `rst_…` created with `rosette tokens create` (shown once), \
                         sent as `Authorization: Bearer rst_…`. Its scope (`admin` or `grader`) \
                         decides what it may do.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Name of the bearer-token security scheme, for `security(("bearer" = [...]))`.
pub const BEARER: &str = "bearer";

/// The OpenAPI document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(ApiDoc::openapi)
}

/// The document as JSON text, serialized once.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(document()).unwrap_or_else(|_| "{}".to_owned())
    })
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    summary = "This API's OpenAPI 3.1 document",
    description = "The machine-readable description of every route, generated from the code. \
                   People read it at `/docs`.",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document.", content_type = "application/json",
            body = Object),
        (status = 503, description = "The request took too long.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn openapi_json() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        document_json(),
    )
        .into_response()
}

pub use super::problem::Problem;

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
}

/// The JSON body of `POST /api/v1/verify`: a credential, a credential URL,
/// or a batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum VerifyRequest {
    /// A credential.
    Credential(Box<Credential>),
    /// A credential to fetch.
    Url(CredentialUrl),
    /// Several at once.
    Batch(VerifyBatch),
}

/// The verdicts of a batch, one report per item, in order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchReport {
    /// Whether every item verified.
    pub verified: bool,
    /// One report per item.
    pub results: Vec<Report>,
}

/// The answer of `POST /api/v1/verify`: a report, or for a batch one
/// report per item.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum VerifyResponse {
    /// One credential's report.
    Report(Report),
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

/// A problem found by VC-API verification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VcProblem {
    /// A VC Data Model error type, e.g.
    /// `https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR`.
    #[serde(rename = "type")]
    #[schema(format = "uri")]
    pub problem_type: String,
    /// What went wrong.
    pub title: String,
    /// Rosette's stable machine code (as in the report).
    pub code: String,
    /// The check that failed (as in the report).
    pub check: String,
}

/// VC-API "Verify Credential" result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VcVerifyResult {
    /// Whether every check passed.
    pub verified: bool,
    /// The checks that passed (`parse`, `structure`, `proof`, `status`, …).
    pub checks: Vec<String>,
    /// Warnings (none so far).
    pub warnings: Vec<VcProblem>,
    /// The checks that failed or could not be made.
    pub errors: Vec<VcProblem>,
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
