//! Who may call the admin API and VC-API issuance: bearer tokens (RFC 6750)
//! scoped `admin`, `grader` or `issuer`, created by `rosette tokens create` and stored hashed; the
//! throttling of failed token checks per client; and the audit entries of
//! reads and refusals.

use super::error::{ApiError, ErrorCode, store_failure};
use super::state::AppState;
use crate::audit::AuditDraft;
use crate::issuance::{self, Actor, Issuer, Role};
use axum::Router;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Value, json};
use std::net::IpAddr;
use std::time::Instant;

/// Puts the routes that take a bearer token (the admin API, VC-API
/// issuance) behind the failed-token throttle and the audit of refusals.
pub fn guard(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    routes
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            audit_refusals,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            throttle_failed_auth,
        ))
}

tokio::task_local! {
    /// The caller [`admit`] let in, for [`audit_refusals`].
    static ADMITTED: std::cell::RefCell<Option<Actor>>;
}

/// Every admin call is audited: the operations write their own entries
/// and reads write `api.read`; a call that a valid token made but that was
/// refused (4xx other than 401/403, which [`admit`] handles) or failed
/// (5xx) gets `api.refused` / `api.failed` here, with the route and status —
/// so probing with a stolen token leaves a trace.
pub(super) async fn audit_refusals(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = route_of(req.method(), req.extensions(), req.uri().path());
    let path = req.uri().path().to_owned();
    let (response, caller) = ADMITTED
        .scope(std::cell::RefCell::new(None), async move {
            let response = next.run(req).await;
            let caller = ADMITTED.with(|c| c.borrow_mut().take());
            (response, caller)
        })
        .await;
    let status = response.status();
    let action = if status.is_server_error() {
        "api.failed"
    } else if status.is_client_error()
        && status != StatusCode::UNAUTHORIZED
        && status != StatusCode::FORBIDDEN
    {
        "api.refused"
    } else {
        return response;
    };
    if let (Some(actor), Some(issuer)) = (caller, state.issuer())
        && let Err(e) = audit(
            &issuer,
            &actor,
            action,
            &path,
            json!({ "route": route, "status": status.as_u16() }),
        )
        .await
    {
        tracing::error!(route, error = %e, "the refusal could not be audited");
    }
    response
}

/// Who called: the token's actor (`token:<id>:<name>`), role and name,
/// and the route they called.
pub struct Caller {
    /// For the audit log.
    pub actor: Actor,
    /// The token's name (a grader token's name is the grader).
    pub token_name: String,
    /// `METHOD /matched/{path}`, as the router matched it: what audit
    /// entries and refusals name.
    pub route: String,
}

/// The route a request matched, `METHOD /matched/{path}` (the raw path when
/// no route matched).
fn route_of(method: &Method, extensions: &Extensions, path: &str) -> String {
    let matched = extensions
        .get::<MatchedPath>()
        .map_or(path, MatchedPath::as_str);
    format!("{method} {matched}")
}

/// An extractor: a caller whose token has the `admin` scope (else 401 or
/// 403, before the handler reads the body; a 403 is audited as `api.denied`).
pub struct AdminCaller(pub Caller);

/// An extractor: a caller whose token has the `admin` or `grader` scope.
pub struct StaffCaller(pub Caller);

/// An extractor: a caller whose token has the `admin` or `issuer` scope
/// (VC-API `POST /credentials/issue`).
pub struct IssuerCaller(pub Caller);

impl FromRequestParts<AppState> for AdminCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let route = route_of(&parts.method, &parts.extensions, parts.uri.path());
        admit(state, &parts.headers, Admits::Admin, route)
            .await
            .map(AdminCaller)
    }
}

impl FromRequestParts<AppState> for StaffCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let route = route_of(&parts.method, &parts.extensions, parts.uri.path());
        admit(state, &parts.headers, Admits::AdminOrGrader, route)
            .await
            .map(StaffCaller)
    }
}

impl FromRequestParts<AppState> for IssuerCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let route = route_of(&parts.method, &parts.extensions, parts.uri.path());
        admit(state, &parts.headers, Admits::AdminOrIssuer, route)
            .await
            .map(IssuerCaller)
    }
}

/// Which scopes a route admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admits {
    /// `admin` only.
    Admin,
    /// `admin` or `grader`.
    AdminOrGrader,
    /// `admin` or `issuer`.
    AdminOrIssuer,
}

impl Admits {
    /// Whether a token acting with `role` may call such a route.
    fn admits(self, role: Role) -> bool {
        match self {
            Admits::Admin => role == Role::Admin,
            Admits::AdminOrGrader => matches!(role, Role::Admin | Role::Grader),
            Admits::AdminOrIssuer => matches!(role, Role::Admin | Role::Issuer),
        }
    }
}

const REALM: &str = "Bearer realm=\"rosette\"";

/// The presented bearer token (RFC 6750 §2.1), if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Authenticates the bearer token and checks its scope: 401 without a
/// token or with an unknown or revoked one (RFC 6750 §3), 403 with a scope
/// that `admits` does not include (audited as `api.denied`).
async fn admit(
    state: &AppState,
    headers: &HeaderMap,
    admits: Admits,
    route: String,
) -> Result<Caller, ApiError> {
    let Some(presented) = bearer(headers) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "send `Authorization: Bearer rst_…` (create one with `rosette tokens create`)",
        )
        .challenge(REALM));
    };
    let (token, actor) = match issuance::tokens::authenticate(state.store.as_ref(), presented).await
    {
        Ok(t) => t,
        Err(issuance::tokens::AuthError::Unavailable(cause)) => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "the token could not be checked right now; try again",
            )
            .caused_by("admin API: tokens could not be read", &cause));
        }
        Err(e) => {
            tracing::warn!(route, reason = %e, "admin API: a bearer token was refused");
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidToken,
                e.to_string(),
            )
            .challenge(format!(
                "{REALM}, error=\"invalid_token\", error_description=\"{e}\""
            )));
        }
    };
    if !admits.admits(actor.role) {
        if let Some(issuer) = state.issuer() {
            audit(
                &issuer,
                &actor,
                "api.denied",
                &route,
                json!({ "route": route, "scope": token.scope }),
            )
            .await?;
        }
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::InsufficientScope,
            format!("a {} token may not call {route}", token.scope),
        )
        .challenge(format!(
            "{REALM}, error=\"insufficient_scope\", scope=\"admin\""
        )));
    }
    let _ = ADMITTED.try_with(|c| *c.borrow_mut() = Some(actor.clone()));
    Ok(Caller {
        actor,
        token_name: token.name,
        route,
    })
}

/// The issuing service, or 404 when this server only serves status lists.
pub(super) fn issuer_of(state: &AppState) -> Result<Issuer<'_>, ApiError> {
    state.issuer().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotIssuing,
            "this server does not issue; the admin API is off",
        )
    })
}

/// The issuing service for a call that signs: 503 when this node's key was
/// retired by a rotation on another node (it must not sign with it).
pub(super) fn signing_issuer_of(state: &AppState) -> Result<Issuer<'_>, ApiError> {
    let issuer = issuer_of(state)?;
    if !state.key_ring.own_key_is_current() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::KeyRetired,
            "this node's signing key was retired by a key rotation; restart it with the \
             current key file (see `rosette keys list`)",
        ));
    }
    Ok(issuer)
}

/// Appends one audit entry in its own transaction.
pub(super) async fn audit(
    issuer: &Issuer<'_>,
    actor: &Actor,
    action: &str,
    subject: &str,
    details: Value,
) -> Result<(), ApiError> {
    let at = issuer.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let fail = store_failure("the audit entry could not be written");
    let mut tx = issuer.store.begin().await.map_err(&fail)?;
    tx.append_audit(
        &[AuditDraft::new(&actor.name, action, subject, details)],
        &at,
    )
    .await
    .map_err(&fail)?;
    tx.commit().await.map_err(&fail)
}

/// Records a read before it is answered (`api.read`).
pub(super) async fn audit_read(
    issuer: &Issuer<'_>,
    caller: &Caller,
    route: &str,
    subject: &str,
    query: Value,
) -> Result<(), ApiError> {
    audit(
        issuer,
        &caller.actor,
        "api.read",
        subject,
        json!({ "route": route, "query": query }),
    )
    .await
}

/// The failed-authentication budget of the client `ip` (the admin API's
/// tokens and the console's sign-in share it): the 429 answer once it is
/// spent, before any token is looked up; `None` while some is left.
pub(super) fn failed_auth_refusal(state: &AppState, ip: Option<IpAddr>) -> Option<Response> {
    match ip.map(|ip| state.auth_failures.peek(ip, Instant::now())) {
        Some(Err(wait)) => Some(super::layers::too_many_requests(
            wait,
            "too many failed token checks from this address; wait before trying again",
        )),
        _ => None,
    }
}

/// Spends one unit of `ip`'s failed-authentication budget (a refused token).
pub(super) fn spend_failed_auth(state: &AppState, ip: Option<IpAddr>) {
    if let Some(ip) = ip {
        let _ = state.auth_failures.check(ip, Instant::now());
    }
}

/// Throttles token guessing on the admin API: every 401 a client gets
/// costs a token of its failed-authentication budget; once the budget is
/// spent, its admin calls get 429 before any token is looked up (valid
/// callers never spend it).
pub async fn throttle_failed_auth(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let ip = super::layers::client_ip(&req, &state.trusted_proxies);
    if let Some(refused) = failed_auth_refusal(&state, ip) {
        return refused;
    }
    // Only presented tokens cost a lookup; a call without one is refused
    // before the database is asked.
    let presented = req.headers().contains_key(header::AUTHORIZATION);
    let response = next.run(req).await;
    if presented && response.status() == StatusCode::UNAUTHORIZED {
        spend_failed_auth(&state, ip);
    }
    response
}
