//! The OpenAPI 3.1 description of the HTTP API, generated from the code:
//! every handler carries a `#[utoipa::path]` annotation (method, path,
//! parameters, bodies, responses), the report types derive
//! `utoipa::ToSchema`, and [`ApiDoc`] gathers them. Served as
//! `GET /openapi.json` and rendered for people as `GET /docs`
//! ([`super::docs`]).
//!
//! The bodies it names live in [`super::dto`]; this module only assembles
//! the document and serves it, as JSON and as the `/docs` page.
//!
//! A route the router serves but this document omits, or the other way
//! round, fails `tests/it/openapi.rs`.

use super::dto::{
    BadgeImage, BatchReport, Credential, DidDocument, VcProblem, VcVerifyRequest, VcVerifyResult,
    VerifyRequest, VerifyResponse,
};
use super::error::Problem;
use crate::verification::{Check, CheckState, CredentialInfo, Report, Verdict};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
        super::home::home,
        super::home::lookup,
        super::certification_page::certification,
        super::certification_page::certification_badge,
        super::page::verification_page,
        super::receipts::page_receipt,
        super::receipts::receipt_context,
        super::page::stylesheet,
        super::page::icon,
        super::page::favicon,
        super::vc_api::vc_api_verify,
        super::vc_api::verify_presentation,
        super::vc_api::issue,
        super::public::credential,
        super::public::credential_image,
        super::public::did_document,
        super::public::status_list,
        super::admin::assessments::record_written,
        super::admin::assessments::record_lab,
        super::admin::credentials::issue_credential,
        super::admin::credentials::list_credentials,
        super::admin::credentials::bulk_issue,
        super::admin::credentials::show_credential,
        super::admin::credentials::renew,
        super::admin::credentials::correct,
        super::admin::status::revoke,
        super::admin::status::suspend,
        super::admin::status::reinstate,
        super::admin::audit::audit_log,
        super::admin::audit::audit_checkpoint,
        super::admin::webhooks::list_expiring,
        super::admin::webhooks::add_webhook,
        super::admin::webhooks::list_webhooks,
        super::admin::webhooks::remove_webhook,
        super::admin::webhooks::list_deliveries,
        super::admin::claims::create_claim,
        super::admin::claims::list_claims,
        super::wallet::claim_link,
        super::wallet::exchange,
        super::oid4vci::issuer_metadata,
        super::oid4vci::authorization_server_metadata,
        super::oid4vci::token,
        super::oid4vci::nonce,
        super::oid4vci::credential,
        super::operations::healthz,
        super::operations::readyz,
        super::operations::metrics,
        openapi_json,
        docs,
        super::docs::stylesheet,
    ),
    components(schemas(
        Report,
        Verdict,
        Check,
        CheckState,
        CredentialInfo,
        Problem,
        Credential,
        VerifyRequest,
        VerifyResponse,
        BatchReport,
        super::dto::ReportAnswer,
        crate::verification::receipt::Attestation,
        VcVerifyRequest,
        VcVerifyResult,
        VcProblem,
        DidDocument,
        BadgeImage,
    ), responses(
        super::error::NotJson,
        super::error::BadQuery,
        super::error::Unauthorized,
        super::error::GraderToken,
        super::error::NoSuchCredential,
        super::error::BodyTooLarge,
        super::error::NoReason,
        super::error::RateLimited,
        super::error::AuthThrottled,
        super::error::TimedOut,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "verification", description = "Verifying credentials: the verification API for HR systems and the page an employer sees after scanning a badge's QR code."),
        (name = "vc-api", description = "The W3C Verifiable Credentials API (VC-API): issuing and verifying credentials and presentations."),
        (name = "credentials", description = "Issued credentials as JSON, their badge images (credential baked in) and share images, and the issuer's DID document."),
        (name = "status", description = "Bitstring Status List credentials: revocation and suspension of issued credentials."),
        (name = "admin", description = "The admin API: certifications, candidates, assessments, issuance, revocation, keys and the audit log. Bearer token with scope `admin` (or `grader` for lab results)."),
        (name = "wallets", description = "Holders claim a copy of their certification bound to their DID into a wallet: the claim link, the VC-API exchange, and OpenID4VCI (pre-authorized code)."),
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
        (status = 503, response = crate::web::error::TimedOut),
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

/// `GET /docs`.
#[utoipa::path(
    get,
    path = "/docs",
    tag = "operations",
    summary = "This API's reference (HTML)",
    description = "The OpenAPI document rendered for people: every operation grouped by tag, \
with its parameters, bodies, responses and schemas. Works offline and without JavaScript.",
    responses(
        (status = 200, description = "The reference page.", body = String,
            content_type = "text/html; charset=utf-8"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn docs() -> Response {
    static HTML: OnceLock<String> = OnceLock::new();
    let html = HTML.get_or_init(|| {
        super::docs::render(document_json()).unwrap_or_else(|e| {
            format!(
                "<!doctype html><title>Error</title><p>{}",
                super::page::escape(&e.to_string())
            )
        })
    });
    let mut response = html.as_str().into_response();
    for (name, value) in super::page::PAGE_HEADERS {
        if let Ok(v) = HeaderValue::from_str(value) {
            response.headers_mut().insert(name, v);
        }
    }
    response
}
