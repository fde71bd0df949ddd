//! Public resources: the issuer's DID document, credentials (JSON, or the
//! verification page for browsers), their badge and Open Graph images, and
//! status lists.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::dto;
use super::error::{self, ApiError};
use super::state::AppState;
use crate::status::DEFAULT_TTL_MS;

/// `GET /.well-known/did.json`: the issuer's did:web document (did:web
/// "Read (Resolve)"), every key listed by absolute id under `assertionMethod`.
#[utoipa::path(
    get,
    path = "/.well-known/did.json",
    tag = "credentials",
    summary = "The issuer's DID document (did:web)",
    description = "did:web \"Read (Resolve)\": every key the issuer has signed with (current and \
retired), each listed by absolute id under `assertionMethod`. An issuer configured as a did:key \
(`issuer_did = \"did:key\"`) has no document to publish: its DID is its key (did:key Method v0.7), \
and this route answers 404 with code `not_did_web`.",
    responses(
        (status = 200, description = "The DID document.", body = dto::DidDocument,
            content_type = "application/did+json"),
        (status = 404, description = "This server does not issue, or its issuer is a did:key \
(code `not_did_web`).",
            body = error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn did_document(State(state): State<AppState>) -> Result<Response, ApiError> {
    if state.key_ring.is_did_key() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            error::ErrorCode::NotDidWeb,
            "this issuer signs as a did:key, which resolves from the DID itself; there is no \
             did:web document",
        ));
    }
    let Some(doc) = state.key_ring.view().did_document.clone() else {
        return Err(not_issuing());
    };
    Ok(([(header::CONTENT_TYPE, "application/did+json")], doc).into_response())
}

/// 404: this server serves status lists only.
fn not_issuing() -> ApiError {
    ApiError::titled(StatusCode::NOT_FOUND, "this server does not issue")
}

/// The stored credential with this id (UUID or `urn:uuid:…`): 404 when
/// there is none, an opaque 500 when the store fails.
async fn stored_credential(
    state: &AppState,
    id: &str,
) -> Result<crate::store::CredentialRecord, ApiError> {
    state
        .store
        .credential(&dto::full_id(id))
        .await
        .map_err(failed("the credential could not be read"))?
        .ok_or_else(|| ApiError::titled(StatusCode::NOT_FOUND, "no such credential"))
}

/// An opaque 500 titled `what`, the cause logged.
fn failed<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> ApiError {
    move |e| ApiError::titled(StatusCode::INTERNAL_SERVER_ERROR, what).caused_by(what, &e)
}

fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("text/html") && !accept.contains("application/vc") && !accept.contains("json")
}

/// `GET /credentials/{id}`: the signed credential exactly as stored
/// (media type negotiated by [`super::conneg`]: `application/vc`, VCDM 2.0
/// §6.2, unless a JSON type is preferred); a browser asking for HTML is
/// sent to the verification page.
#[utoipa::path(
    get,
    path = "/credentials/{id}",
    tag = "credentials",
    summary = "A credential as issued (JSON)",
    description = "The signed credential exactly as stored, as `application/vc` (VCDM 2.0 §6.2) \
by default and for `*/*`; as `application/ld+json` or `application/json` when `Accept` prefers one \
of them over `application/vc` (q-values honoured; ties go to `application/vc`, then \
`application/ld+json`). `Vary: Accept`; the `ETag` differs per media type; `If-None-Match` gets \
304. A client that asks for HTML (`Accept: text/html` without JSON) is sent to the verification \
page `/v/{id}` instead.",
    params(
        ("id" = String, Path, description = "The credential's UUID, or its full id `urn:uuid:…`.",
            example = "3f1c2a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"),
        ("Accept" = Option<String>, Header, description = "`application/vc` (default), `application/ld+json` or `application/json`; `text/html` (without JSON types) redirects to the verification page."),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer."),
    ),
    responses(
        (status = 200, description = "The credential.", content((dto::Credential = "application/vc"), (dto::Credential = "application/ld+json"),
                (dto::Credential = "application/json")),
            headers(
                ("ETag" = String, description = "Strong validator of this representation (one per media type)."),
                ("Cache-Control" = String, description = "`public, max-age=300`"),
                ("Vary" = String, description = "`Accept`"),
            )),
        (status = 304, description = "Not modified since the given `ETag`."),
        (status = 303, description = "A browser: see the verification page.",
            headers(("Location" = String, description = "`/v/{id}`"))),
        (status = 404, response = crate::web::error::NoSuchCredential),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 500, description = "The credential could not be read.",
            body = error::Problem, content_type = "application/problem+json"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn credential(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if wants_html(&headers) {
        let location = format!("/v/{}", crate::issuance::badge_data::public_id(&id));
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response());
    }
    let rec = stored_credential(&state, &id).await?;
    Ok(super::conneg::json_document(
        &headers,
        rec.document,
        CREDENTIAL_CACHE_CONTROL,
    ))
}

/// `Cache-Control` of a credential document: the signed document never
/// changes (its status lives in the status list), but a correction may
/// supersede it, so caches keep it for five minutes.
const CREDENTIAL_CACHE_CONTROL: &str = "public, max-age=300";

/// `GET /credentials/{id}/badge.png|badge.svg|og.png`: the badge with the
/// credential baked in (OB 3.0 §5.3), or the Open Graph share image;
/// current status shown as a banner.
#[utoipa::path(
    get,
    path = "/credentials/{id}/{image}",
    tag = "credentials",
    summary = "A credential's badge (credential baked in) or share image",
    description = "`badge.png` and `badge.svg`: the certification's badge with the signed \
credential baked in (OB 3.0 §5.3), the holder's name, a QR code to the verification page, and the \
current status as a banner. `og.png`: the 1200×627 Open Graph image used when the page is shared.",
    params(
        ("id" = String, Path, description = "The credential's UUID, or its full id `urn:uuid:…`."),
        ("image" = dto::BadgeImage, Path, description = "Which image."),
    ),
    responses(
        (status = 200, description = "The image.",
            headers(("Cache-Control" = String, description = "`public, max-age=300`")),
            content(("image/png"), ("image/svg+xml"))),
        (status = 404, description = "No such credential or image, or this server does not issue.",
            body = error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 500, description = "The image could not be rendered.",
            body = error::Problem, content_type = "application/problem+json"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn credential_image(
    State(state): State<AppState>,
    Path((id, image)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let issuer = state.issuer().ok_or_else(not_issuing)?;
    let rec = stored_credential(&state, &id).await?;
    let Some(cert) = issuer.catalog.get(&rec.certification) else {
        return Err(ApiError::titled(
            StatusCode::NOT_FOUND,
            "the certification is no longer in the catalog",
        ));
    };
    let data = issuer
        .badge_data(&rec, issuer.clock.now())
        .await
        .map_err(failed("the badge could not be prepared"))?;
    use crate::render::{badge, bake, og};
    let design = cert.design();
    let baking = failed("the image could not be rendered");
    let (content_type, bytes): (&str, Vec<u8>) = match image.as_str() {
        "badge.svg" => {
            let svg = badge::badge_svg(&design, &data)?;
            let baked = bake::bake_svg(&svg, &rec.document).map_err(baking)?;
            ("image/svg+xml", baked.into_bytes())
        }
        "badge.png" => {
            let png = badge::badge_png(&design, &data, 600)?;
            (
                "image/png",
                bake::bake_png(&png, &rec.document).map_err(baking)?,
            )
        }
        "og.png" => ("image/png", og::og_image(&design, &data)?),
        _ => {
            return Err(ApiError::titled(
                StatusCode::NOT_FOUND,
                "unknown image (badge.png, badge.svg or og.png)",
            ));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /status/{list}`: the signed `BitstringStatusListCredential`
/// (media type negotiated by [`super::conneg`]), `Cache-Control: public,
/// max-age=<ttl>`, a strong `ETag`, and `304 Not Modified` for a matching
/// `If-None-Match`.
#[utoipa::path(
    get,
    path = "/status/{list}",
    tag = "status",
    summary = "A status list credential",
    description = "The signed `BitstringStatusListCredential` (Bitstring Status List v1.0) that \
credentials point to in `credentialStatus`: `application/vc` by default and for `*/*`; \
`application/ld+json` or `application/json` when `Accept` prefers one of them over \
`application/vc` (q-values honoured; ties go to `application/vc`, then `application/ld+json`). \
Cacheable for the list's `ttl`; `Vary: Accept`; the `ETag` differs per media type; conditional \
requests with `If-None-Match` get 304.",
    params(
        ("list" = String, Path, description = "The list's name, e.g. `revocation-1` or `suspension-1`.",
            example = "revocation-1"),
        ("Accept" = Option<String>, Header, description = "`application/vc` (default), `application/ld+json` or `application/json`."),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer."),
    ),
    responses(
        (status = 200, description = "The status list credential.", content((dto::Credential = "application/vc"), (dto::Credential = "application/ld+json"),
                (dto::Credential = "application/json")),
            headers(
                ("ETag" = String, description = "Strong validator of this version of the list in this media type."),
                ("Cache-Control" = String, description = "`public, max-age=<ttl in seconds>`"),
                ("Vary" = String, description = "`Accept`"),
            )),
        (status = 304, description = "Not modified since the given `ETag`."),
        (status = 404, description = "No such status list.",
            body = error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 500, description = "The status list could not be read.",
            body = error::Problem, content_type = "application/problem+json"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn status_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let record = state
        .store
        .status_list(&list)
        .await
        .map_err(failed("the status list could not be read"))?;
    let Some(document) = record.and_then(|r| r.published) else {
        return Err(ApiError::titled(
            StatusCode::NOT_FOUND,
            "no such status list",
        ));
    };
    let cache = format!("public, max-age={}", DEFAULT_TTL_MS / 1000);
    Ok(super::conneg::json_document(&headers, document, &cache))
}
