//! HTTP: the routes `rosette serve` offers — the issuer's home page, the
//! certification pages, the verification page, the public verification API and VC-API, credentials, badge images, status
//! lists and the DID document; the admin API; operations (health,
//! readiness, metrics, the OpenAPI description and its docs page).

pub mod admin;
pub mod auth;
pub mod batch;
pub mod certification_page;
pub mod checks;
pub mod conneg;
pub mod console;
pub mod docs;
pub mod dto;
pub mod error;
pub mod home;
pub mod keyring;
pub mod layers;
pub mod layout;
pub mod multipart;
pub mod oid4vci;
pub mod openapi;
pub mod operations;
pub mod outbound;
pub mod page;
pub mod public;
pub mod rate_limit;
pub mod receipts;
pub mod roster;
pub mod server;
pub mod state;
pub mod vc_api;
pub mod verify_api;
pub mod wallet;

pub use server::{ServerOptions, serve_with, tls_config};
pub use state::{AppState, DEFAULT_MAX_BODY_BYTES, IssuerParts};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use error::ApiError;
use operations::{healthz, metrics, readyz};
use public::{credential, credential_image, did_document, status_list};

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
        .route("/contexts/receipt/v1", get(receipts::receipt_context))
        .route("/exchanges/{secret}", post(wallet::exchange))
        .route(
            "/.well-known/openid-credential-issuer",
            get(oid4vci::issuer_metadata),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(oid4vci::authorization_server_metadata),
        )
        .route("/oid4vci/token", post(oid4vci::token))
        .route("/oid4vci/nonce", post(oid4vci::nonce))
        .route("/oid4vci/credential", post(oid4vci::credential))
        .layer(limited.clone())
        .layer(layers::public_cors());
    let pages = Router::new()
        .route("/", get(home::home))
        .route("/lookup", get(home::lookup))
        .route(
            "/certifications/{slug}",
            get(certification_page::certification),
        )
        .route(
            "/certifications/{slug}/badge.png",
            get(certification_page::certification_badge),
        )
        .route("/v/{id}", get(page::verification_page))
        .route("/v/{id}/receipt", get(receipts::page_receipt))
        .route("/claim/{secret}", get(wallet::claim_link))
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
        .merge(console::routes())
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

/// Serves `router` on `listener` (plain HTTP, default timeouts) until
/// `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, router, ServerOptions::default(), shutdown).await
}
