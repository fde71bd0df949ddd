//! HTTP: the routes `rosette serve` offers. So far the public read side:
//! `/healthz`, `/readyz`, `/.well-known/did.json`, `/credentials/{id}`
//! (content-negotiated), its badge images, and the status lists
//! (`/status/{list}`, with `Cache-Control` matching their `ttl` and an `ETag`).

pub mod page;
pub mod verify_api;

use crate::status::DEFAULT_TTL_MS;
use crate::store::Store;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Shared state of the routes.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The issuing side (catalog, key, profile, clock), when this server
    /// issues; `None` serves status lists only.
    pub issuer: Option<Arc<IssuerParts>>,
    /// Largest request body; larger ones get 413.
    pub max_body_bytes: usize,
    /// The bounded client for third-party status lists and credential URLs,
    /// built once (its connection pool and TLS roots are shared).
    pub fetcher: Option<crate::fetch::HttpFetcher>,
}

/// Default request body limit: 1 MB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the routes need to act as the issuer.
pub struct IssuerParts {
    /// The certifications.
    pub catalog: crate::catalog::Catalog,
    /// The signing key, bound to the issuer's did:web.
    pub key: crate::keys::IssuerKey,
    /// Issuer profile.
    pub profile: crate::issuance::IssuerProfile,
    /// Public base URL.
    pub public_url: String,
    /// Now.
    pub clock: Arc<dyn crate::clock::Clock>,
    /// Proof suite of new credentials.
    pub suite: crate::proof::Cryptosuite,
    /// Registered graders.
    pub graders: Vec<String>,
    /// LinkedIn organization id for add-to-profile links, if configured.
    pub linkedin_organization_id: Option<String>,
}

impl AppState {
    fn issuer(&self) -> Option<crate::issuance::Issuer<'_>> {
        let p = self.issuer.as_deref()?;
        Some(crate::issuance::Issuer {
            store: self.store.as_ref(),
            catalog: &p.catalog,
            signer: &p.key,
            profile: p.profile.clone(),
            public_url: p.public_url.clone(),
            clock: p.clock.as_ref(),
            suite: p.suite,
            graders: p.graders.clone(),
        })
    }
}

/// The routes (`web::router(state)` for in-process tests).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/.well-known/did.json", get(did_document))
        .route("/v/{id}", get(page::verification_page))
        .route("/assets/rosette.css", get(page::stylesheet))
        .route("/credentials/{id}", get(credential))
        .route("/credentials/{id}/{image}", get(credential_image))
        .route("/status/{list}", get(status_list))
        .route("/api/v1/verify", axum::routing::post(verify_api::verify))
        .route(
            "/credentials/verify",
            axum::routing::post(verify_api::vc_api_verify),
        )
        .layer(axum::extract::DefaultBodyLimit::max(state.max_body_bytes))
        .with_state(state)
}

/// `GET /healthz`: the process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.audit_head().await {
        Ok(_) => "ready".into_response(),
        Err(_) => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is not reachable",
        ),
    }
}

/// `GET /.well-known/did.json`: the issuer's did:web document (did:web
/// "Read (Resolve)"), every key listed by absolute id under `assertionMethod`.
async fn did_document(State(state): State<AppState>) -> Response {
    let Some(parts) = state.issuer.as_deref() else {
        return problem(StatusCode::NOT_FOUND, "this server does not issue");
    };
    let did = crate::keys::CredentialSigner::issuer(&parts.key);
    let doc = crate::keys::did_web_document(did, &[parts.key.public_key()]);
    (
        [(header::CONTENT_TYPE, "application/did+json")],
        doc.to_string(),
    )
        .into_response()
}

fn full_id(id: &str) -> String {
    if id.starts_with("urn:") {
        id.to_owned()
    } else {
        format!("urn:uuid:{id}")
    }
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
async fn credential(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if wants_html(&headers) {
        let location = format!("/v/{}", crate::issuance::badge::public_id(&id));
        return (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    }
    match state.store.credential(&full_id(&id)).await {
        Ok(Some(rec)) => ([(header::CONTENT_TYPE, "application/vc")], rec.document).into_response(),
        Ok(None) => problem(StatusCode::NOT_FOUND, "no such credential"),
        Err(_) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the credential could not be read",
        ),
    }
}

/// `GET /credentials/{id}/badge.png|badge.svg|og.png`: the badge with the
/// credential baked in (OB 3.0 §5.3), or the Open Graph share image;
/// current status shown as a banner.
async fn credential_image(
    State(state): State<AppState>,
    Path((id, image)): Path<(String, String)>,
) -> Response {
    let Some(issuer) = state.issuer() else {
        return problem(StatusCode::NOT_FOUND, "this server does not issue");
    };
    let rec = match state.store.credential(&full_id(&id)).await {
        Ok(Some(rec)) => rec,
        Ok(None) => return problem(StatusCode::NOT_FOUND, "no such credential"),
        Err(_) => {
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the credential could not be read",
            );
        }
    };
    let Some(cert) = issuer.catalog.get(&rec.certification) else {
        return problem(
            StatusCode::NOT_FOUND,
            "the certification is no longer in the catalog",
        );
    };
    let data = match issuer.badge_data(&rec, issuer.clock.now()).await {
        Ok(d) => d,
        Err(_) => {
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the badge could not be prepared",
            );
        }
    };
    use crate::render::{badge, bake};
    let rendered: Result<(&str, Vec<u8>), String> = match image.as_str() {
        "badge.svg" => badge::badge_svg(cert, &data)
            .map_err(|e| e.to_string())
            .and_then(|svg| bake::bake_svg(&svg, &rec.document).map_err(|e| e.to_string()))
            .map(|svg| ("image/svg+xml", svg.into_bytes())),
        "badge.png" => badge::badge_svg(cert, &data)
            .and_then(|svg| badge::render_png(&svg, 600))
            .map_err(|e| e.to_string())
            .and_then(|png| bake::bake_png(&png, &rec.document).map_err(|e| e.to_string()))
            .map(|png| ("image/png", png)),
        "og.png" => badge::og_image(cert, &data)
            .map_err(|e| e.to_string())
            .map(|png| ("image/png", png)),
        _ => {
            return problem(
                StatusCode::NOT_FOUND,
                "unknown image (badge.png, badge.svg or og.png)",
            );
        }
    };
    match rendered {
        Ok((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the image could not be rendered",
        ),
    }
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

fn problem(status: StatusCode, title: &str) -> Response {
    let body =
        serde_json::json!({ "type": "about:blank", "title": title, "status": status.as_u16() });
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// `GET /status/{list}`: the signed `BitstringStatusListCredential`
/// (`application/vc`), `Cache-Control: public, max-age=<ttl>`, a strong
/// `ETag`, and `304 Not Modified` for a matching `If-None-Match`.
async fn status_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Response {
    let record = match state.store.status_list(&list).await {
        Ok(r) => r,
        Err(_) => {
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the status list could not be read",
            );
        }
    };
    let Some(document) = record.and_then(|r| r.published) else {
        return problem(StatusCode::NOT_FOUND, "no such status list");
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
    response
}
