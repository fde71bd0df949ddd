//! Webhook subscriptions (`/api/v1/admin/webhooks`), their deliveries, and
//! the credentials about to expire (`/api/v1/admin/credentials/expiring`).

use super::{ApiError, json_body, json_response, page_limit, query_error, unprocessable};
use crate::fetch::{FetchPolicy, HttpFetcher};
use crate::issuance::expiry::{ExpiringCredential, parse_window};
use crate::issuance::webhooks::NewSubscription;
use crate::store::{DeliveryFilter, DeliveryRecord, DeliveryState, SubscriptionRecord};
use crate::web::auth::{AdminCaller, audit_read, issuer_of};
use crate::web::error::{Problem, store_failure};
use crate::web::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// A new subscription.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// The receiver: `https` on a public address.
    pub url: String,
    /// Event types: `credential.issued`, `credential.revoked`,
    /// `credential.suspended`, `credential.reinstated`, `credential.renewed`,
    /// `credential.corrected`, `credential.expiring`.
    pub events: Vec<String>,
    /// Only events of credentials of this certification (a catalog slug).
    #[serde(default)]
    pub certification: Option<String>,
    /// What it is for (at most 200 characters).
    #[serde(default)]
    pub description: Option<String>,
}

/// A subscription; `secret` only in the answer that created it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookView {
    /// Id (`wh_…`).
    pub id: String,
    /// The receiver.
    pub url: String,
    /// The event types.
    pub events: Vec<String>,
    /// The certification filter, if any.
    pub certification: Option<String>,
    /// What it is for.
    pub description: String,
    /// When it was added.
    pub created_at: String,
    /// Who added it.
    pub created_by: String,
    /// The signing secret (`whsec_…`): in the creation answer only, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl WebhookView {
    fn of(s: SubscriptionRecord, secret: Option<String>) -> WebhookView {
        WebhookView {
            id: s.id,
            url: s.url,
            events: s.events,
            certification: s.certification,
            description: s.description,
            created_at: s.created_at,
            created_by: s.created_by,
            secret,
        }
    }
}

/// The active subscriptions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookList {
    /// Oldest first.
    pub webhooks: Vec<WebhookView>,
}

/// One delivery of one event to one subscription.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    /// `<event id>.<subscription id>`.
    pub id: String,
    /// The event id, sent as `webhook-id`.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// The credential.
    pub credential_id: String,
    /// When the change happened.
    pub occurred_at: String,
    /// The subscription.
    pub subscription_id: String,
    /// Its URL.
    pub url: String,
    /// `pending`, `delivered`, `failed` or `cancelled`.
    pub state: String,
    /// Attempts so far.
    pub attempts: i64,
    /// When it is due next (pending).
    pub next_attempt_at: String,
    /// The last HTTP status received.
    pub last_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was delivered, failed or cancelled.
    pub finished_at: Option<String>,
}

impl From<DeliveryRecord> for DeliveryView {
    fn from(d: DeliveryRecord) -> Self {
        DeliveryView {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            credential_id: d.credential_id,
            occurred_at: d.occurred_at,
            subscription_id: d.subscription_id,
            url: d.url,
            state: d.state.as_str().to_owned(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            finished_at: d.finished_at,
        }
    }
}

/// Deliveries, newest event first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryList {
    /// The deliveries.
    pub deliveries: Vec<DeliveryView>,
}

/// Query of `GET /api/v1/admin/webhooks/deliveries`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only `pending`, `delivered`, `failed` or `cancelled` ones.
    pub state: Option<String>,
    /// Only this subscription's.
    pub subscription: Option<String>,
    /// At most this many, 1–500 (default 100).
    pub limit: Option<i64>,
}

/// Query of `GET /api/v1/admin/credentials/expiring`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// The window: `60d`, `8w` or a number of days (default `60d`).
    pub within: Option<String>,
}

/// A credential about to expire.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpiringView {
    /// Credential id.
    pub id: String,
    /// Certification slug (empty for a generic credential).
    pub certification: String,
    /// Holder name.
    pub holder_name: String,
    /// Holder e-mail (absent for a generic credential).
    pub holder_email: Option<String>,
    /// `validUntil`.
    pub valid_until: String,
    /// Whole days left.
    pub days_left: i64,
    /// Whether it is suspended.
    pub suspended: bool,
    /// Its public page.
    pub verification_url: String,
}

/// The credentials expiring within a window, soonest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpiringList {
    /// The window, in days.
    pub within_days: i64,
    /// The credentials.
    pub credentials: Vec<ExpiringView>,
}

impl ExpiringView {
    /// The view of `c`, its page under `issuer`'s public URL.
    pub fn of(issuer: &crate::issuance::Issuer<'_>, c: ExpiringCredential) -> ExpiringView {
        ExpiringView {
            verification_url: issuer.verification_url(&c.record.id),
            id: c.record.id,
            certification: c.record.certification,
            holder_name: c.record.holder_name,
            holder_email: Some(c.holder_email).filter(|e| !e.is_empty()),
            valid_until: c.record.valid_until.unwrap_or_default(),
            days_left: c.days_left,
            suspended: c.suspended,
        }
    }
}

/// The outbound fetcher that checks subscription URLs: the server's own
/// (its address rules), or the default policy's in-process.
fn destination_checker(state: &AppState) -> Result<HttpFetcher, ApiError> {
    match &state.fetcher {
        Some(f) => Ok(f.clone()),
        None => HttpFetcher::new(FetchPolicy::default())
            .map_err(|e| ApiError::internal("the outbound client could not be built", &e)),
    }
}

/// `POST /api/v1/admin/webhooks`: adds a subscription.
#[utoipa::path(
    post,
    path = "/api/v1/admin/webhooks",
    tag = "admin",
    summary = "Subscribe to status-change events",
    description = "Registers a receiver for credential events. The URL must be `https` on a \
public address (a name is resolved now, and again at each delivery); a private, link-local or \
loopback address is refused (loopback only on a server run with `fetch_allow_loopback`, for \
tests). The answer carries the signing secret (`whsec_…`) once: keep it to check the \
`webhook-signature` header (Standard Webhooks, HMAC-SHA256 over \
`{webhook-id}.{webhook-timestamp}.{body}`). Events are delivered at least once, retried with \
exponential backoff for 24 hours; `webhook-id` is the same on every attempt.",
    request_body = WebhookRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added; the secret is shown this once.", body = WebhookView),
        (status = 422, description = "A URL that is not https on a public address, an unknown event, an unknown certification.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn add_webhook(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    let req: WebhookRequest = json_body(body)?;
    let fetcher = destination_checker(&state)?;
    let (record, secret) = issuer
        .add_webhook(
            NewSubscription {
                url: req.url,
                events: req.events,
                certification: req.certification,
                description: req.description.unwrap_or_default(),
            },
            &fetcher,
            &caller.actor,
        )
        .await
        .map_err(ApiError::from)?;
    Ok(json_response(
        StatusCode::CREATED,
        &WebhookView::of(record, Some(secret)),
    ))
}

/// `GET /api/v1/admin/webhooks`: the active subscriptions.
#[utoipa::path(
    get,
    path = "/api/v1/admin/webhooks",
    tag = "admin",
    summary = "List webhook subscriptions",
    description = "The active subscriptions, oldest first, without their secrets. The read is \
audited (`api.read`).",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscriptions.", body = WebhookList),
        crate::web::error::AdminScope,
    )
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    audit_read(
        &issuer,
        &caller,
        &caller.route,
        "/api/v1/admin/webhooks",
        Value::Null,
    )
    .await?;
    let webhooks = issuer
        .webhooks(&caller.actor)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|s| WebhookView::of(s, None))
        .collect();
    Ok(json_response(StatusCode::OK, &WebhookList { webhooks }))
}

/// `DELETE /api/v1/admin/webhooks/{id}`: removes a subscription.
#[utoipa::path(
    delete,
    path = "/api/v1/admin/webhooks/{id}",
    tag = "admin",
    summary = "Remove a webhook subscription",
    description = "Removes the subscription; its pending deliveries are cancelled.",
    params(("id" = String, Path, description = "Subscription id (`wh_…`).")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "No such active subscription.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn remove_webhook(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    issuer
        .remove_webhook(&id, &caller.actor)
        .await
        .map_err(ApiError::from)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/admin/webhooks/deliveries`: deliveries, failed ones included.
#[utoipa::path(
    get,
    path = "/api/v1/admin/webhooks/deliveries",
    tag = "admin",
    summary = "List webhook deliveries",
    description = "Deliveries, newest event first, optionally only one state (`failed`: the \
ones whose retry period ended without a 2xx answer) or one subscription. Each names its event \
(`webhook-id`), attempts, last status and error. The read is audited (`api.read`).",
    params(DeliveryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The deliveries.", body = DeliveryList),
        (status = 400, response = crate::web::error::BadQuery),
        (status = 422, description = "An unknown state or a limit over 500.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    query: Result<Query<DeliveryQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    let Query(query) = query.map_err(|e| query_error(&e))?;
    let state_filter = match query.state.as_deref() {
        None | Some("") => None,
        Some(s) => Some(DeliveryState::parse(s).ok_or_else(|| {
            unprocessable(
                "state",
                format!("state {s:?} is not pending, delivered, failed or cancelled"),
            )
        })?),
    };
    let filter = DeliveryFilter {
        state: state_filter,
        subscription_id: query.subscription.clone().filter(|s| !s.is_empty()),
        limit: page_limit(query.limit, 100)?,
    };
    audit_read(
        &issuer,
        &caller,
        &caller.route,
        "/api/v1/admin/webhooks/deliveries",
        serde_json::to_value(&query).unwrap_or(Value::Null),
    )
    .await?;
    let deliveries = issuer
        .store
        .webhook_deliveries(&filter)
        .await
        .map_err(store_failure("the webhook deliveries could not be read"))?
        .into_iter()
        .map(DeliveryView::from)
        .collect();
    Ok(json_response(StatusCode::OK, &DeliveryList { deliveries }))
}

/// `GET /api/v1/admin/credentials/expiring`: what `rosette credentials expiring` lists.
#[utoipa::path(
    get,
    path = "/api/v1/admin/credentials/expiring",
    tag = "admin",
    summary = "List credentials about to expire",
    description = "Current credentials, not revoked and not yet renewed, whose `validUntil` \
falls within the window from now (default 60 days), soonest first: the same list the daily \
expiry pass warns about (`credential.expiring`). Listing raises no event. The read is audited \
(`api.read`).",
    params(ExpiringQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The credentials.", body = ExpiringList),
        (status = 400, response = crate::web::error::BadQuery),
        (status = 422, description = "A window that is not 1 to 1,100 days.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn list_expiring(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    query: Result<Query<ExpiringQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    let Query(query) = query.map_err(|e| query_error(&e))?;
    let within = parse_window(query.within.as_deref().unwrap_or("60d")).map_err(ApiError::from)?;
    audit_read(
        &issuer,
        &caller,
        &caller.route,
        "/api/v1/admin/credentials/expiring",
        serde_json::to_value(&query).unwrap_or(Value::Null),
    )
    .await?;
    let credentials = issuer
        .expiring(within, &caller.actor)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|c| ExpiringView::of(&issuer, c))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &ExpiringList {
            within_days: within,
            credentials,
        },
    ))
}
