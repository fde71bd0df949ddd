//! HTTP: the routes `rosette serve` offers — the verification page, the
//! public verification API and VC-API, credentials, badge images, status
//! lists and the DID document; the admin API; operations (health,
//! readiness, metrics, the OpenAPI description and its docs page).

pub mod admin;
pub mod auth;
pub mod docs;
pub mod dto;
pub mod error;
pub mod keyring;
pub mod layers;
pub mod openapi;
pub mod page;
pub mod rate_limit;
pub mod server;
pub mod state;
pub mod vc_api;
pub mod verify_api;

pub use server::{ServerOptions, serve_with, tls_config};
pub use state::{AppState, DEFAULT_MAX_BODY_BYTES, IssuerParts};

use crate::status::DEFAULT_TTL_MS;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use error::ApiError;
use sha2::{Digest, Sha256};

/// The routes (`web::router(state)` for in-process tests), in four groups:
/// the public API (CORS, rate-limited), public pages and images
/// (rate-limited), the admin API (bearer tokens), and operations.
pub fn router(state: AppState) -> Router {
    use axum::middleware::from_fn_with_state;
    use axum::routing::post;
    let limited = from_fn_with_state(state.clone(), layers::rate_limit);
    let public_api = Router::new()
        .route("/api/v1/verify", post(verify_api::verify))
        .route("/credentials/verify", post(vc_api::vc_api_verify))
        .route("/presentations/verify", post(vc_api::verify_presentation))
        .route("/.well-known/did.json", get(did_document))
        .route("/credentials/{id}", get(credential))
        .route("/status/{list}", get(status_list))
        .layer(limited.clone())
        .layer(layers::public_cors());
    let pages = Router::new()
        .route("/v/{id}", get(page::verification_page))
        .route("/assets/rosette.css", get(page::stylesheet))
        .route("/assets/icon.svg", get(page::icon))
        .route("/favicon.ico", get(page::favicon))
        .route("/credentials/{id}/{image}", get(credential_image))
        .layer(limited);
    let operations = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(openapi::docs))
        .route("/assets/docs.css", get(docs::stylesheet));
    Router::new()
        .merge(public_api)
        .merge(pages)
        .merge(auth::guard(
            admin::routes().route("/credentials/issue", post(vc_api::issue)),
            &state,
        ))
        .merge(operations)
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(state.max_body_bytes))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.request_timeout,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.request_timeout,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            layers::panic_response,
        ))
        .layer(axum::middleware::from_fn(layers::uniform_errors))
        .layer(from_fn_with_state(state.hsts, layers::security_headers))
        .layer(from_fn_with_state(state.clone(), layers::observe))
        .with_state(state)
}

/// Any other path: 404 as problem JSON.
async fn not_found() -> ApiError {
    ApiError::titled(StatusCode::NOT_FOUND, "no such resource")
}

/// `GET /metrics`: Prometheus metrics (OpenMetrics text format).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    summary = "Prometheus metrics",
    description = "Request counts and latencies by route and status, verifications by verdict, \
in the OpenMetrics text format.",
    responses(
        (status = 200, description = "The metrics.", body = String,
            content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            crate::telemetry::metrics::CONTENT_TYPE,
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// `GET /healthz`: the process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    summary = "Liveness: the process is up",
    responses(
        (status = 200, description = "`ok`.", body = String, content_type = "text/plain",
            example = "ok"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    summary = "Readiness: the database answers",
    responses(
        (status = 200, description = "`ready`.", body = String, content_type = "text/plain",
            example = "ready"),
        (status = 503, description = "The database is not reachable (problem), or the request took longer than `request_timeout`.",
            body = error::Problem, content_type = "application/problem+json"),
    )
)]
async fn readyz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    const TITLE: &str = "the database is not reachable";
    // Readiness probes wait a second or two: answer within that.
    let probe = tokio::time::timeout(READY_TIMEOUT, state.store.audit_head()).await;
    match probe {
        Ok(Ok(_)) => Ok("ready"),
        Ok(Err(e)) => Err(ApiError::titled(StatusCode::SERVICE_UNAVAILABLE, TITLE)
            .caused_by("not ready: the database did not answer", &e)),
        Err(e) => Err(ApiError::titled(StatusCode::SERVICE_UNAVAILABLE, TITLE)
            .caused_by("not ready: the database did not answer in time", &e)),
    }
}

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// `GET /.well-known/did.json`: the issuer's did:web document (did:web
/// "Read (Resolve)"), every key listed by absolute id under `assertionMethod`.
#[utoipa::path(
    get,
    path = "/.well-known/did.json",
    tag = "credentials",
    summary = "The issuer's DID document (did:web)",
    description = "did:web \"Read (Resolve)\": every key the issuer has signed with (current and \
retired), each listed by absolute id under `assertionMethod`.",
    responses(
        (status = 200, description = "The DID document.", body = dto::DidDocument,
            content_type = "application/did+json"),
        (status = 404, description = "This server does not issue.",
            body = error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
async fn did_document(State(state): State<AppState>) -> Result<Response, ApiError> {
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

/// `GET /credentials/{id}`: the signed credential exactly as stored, as
/// `application/vc` (VCDM 2.0 §6.2); a browser asking for HTML is sent to
/// the verification page.
#[utoipa::path(
    get,
    path = "/credentials/{id}",
    tag = "credentials",
    summary = "A credential as issued (JSON)",
    description = "The signed credential exactly as stored, as `application/vc` (VCDM 2.0 §6.2). \
A client that asks for HTML (`Accept: text/html` without JSON) is sent to the verification page \
`/v/{id}` instead.",
    params(
        ("id" = String, Path, description = "The credential's UUID, or its full id `urn:uuid:…`.",
            example = "3f1c2a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"),
        ("Accept" = Option<String>, Header, description = "`text/html` (without JSON types) redirects to the verification page."),
    ),
    responses(
        (status = 200, description = "The credential.", body = dto::Credential,
            content_type = "application/vc"),
        (status = 303, description = "A browser: see the verification page.",
            headers(("Location" = String, description = "`/v/{id}`"))),
        (status = 404, response = crate::web::error::NoSuchCredential),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 500, description = "The credential could not be read.",
            body = error::Problem, content_type = "application/problem+json"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
async fn credential(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if wants_html(&headers) {
        let location = format!("/v/{}", crate::issuance::badge_data::public_id(&id));
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response());
    }
    let rec = stored_credential(&state, &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/vc")], rec.document).into_response())
}

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
async fn credential_image(
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
    use crate::render::{badge, bake, og, png};
    let design = cert.design();
    let baking = failed("the image could not be rendered");
    let (content_type, bytes): (&str, Vec<u8>) = match image.as_str() {
        "badge.svg" => {
            let svg = badge::badge_svg(&design, &data)?;
            let baked = bake::bake_svg(&svg, &rec.document).map_err(baking)?;
            ("image/svg+xml", baked.into_bytes())
        }
        "badge.png" => {
            let png = png::render_png(&badge::badge_svg(&design, &data)?, 600)?;
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

/// Serves `router` on `listener` (plain HTTP, default timeouts) until
/// `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, router, ServerOptions::default(), shutdown).await
}

/// `GET /status/{list}`: the signed `BitstringStatusListCredential`
/// (`application/vc`), `Cache-Control: public, max-age=<ttl>`, a strong
/// `ETag`, and `304 Not Modified` for a matching `If-None-Match`.
#[utoipa::path(
    get,
    path = "/status/{list}",
    tag = "status",
    summary = "A status list credential",
    description = "The signed `BitstringStatusListCredential` (Bitstring Status List v1.0) that \
credentials point to in `credentialStatus`. Cacheable for the list's `ttl`; conditional requests \
with `If-None-Match` get 304.",
    params(
        ("list" = String, Path, description = "The list's name, e.g. `revocation-1` or `suspension-1`.",
            example = "revocation-1"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer."),
    ),
    responses(
        (status = 200, description = "The status list credential.", body = dto::Credential,
            content_type = "application/vc",
            headers(
                ("ETag" = String, description = "Strong validator of this version of the list."),
                ("Cache-Control" = String, description = "`public, max-age=<ttl in seconds>`"),
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
async fn status_list(
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
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(document.as_bytes())[..16])
    );
    let cache = format!("public, max-age={}", DEFAULT_TTL_MS / 1000);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/vc")], document).into_response()
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&cache) {
        h.insert(header::CACHE_CONTROL, v);
    }
    Ok(response)
}
