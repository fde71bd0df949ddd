//! Wallet claims in the admin API: `POST /api/v1/admin/credentials/{id}/claims`
//! creates one (its link and offer shown once), `GET` lists a credential's
//! claims without their secrets.

use super::{ApiError, json_body, json_response};
use crate::issuance::claims::{ClaimLinks, DEFAULT_CLAIM_TTL, parse_ttl};
use crate::store::ClaimRecord;
use crate::web::auth::{AdminCaller, issuer_of, signing_issuer_of};
use crate::web::error::{Problem, store_failure};
use crate::web::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new claim's options (the body may be empty).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// How long the claim lasts: `14d` (default), `36h`, `2w`; 1 hour to 90 days.
    #[serde(default)]
    pub expires_in: Option<String>,
    /// Require a six-digit transaction code in OpenID4VCI (given to the
    /// holder apart from the link).
    #[serde(default)]
    pub tx_code: bool,
}

/// A claim as the admin sees it (no secret but in the creation answer).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimView {
    /// Id (`claim_…`).
    pub id: String,
    /// The credential it copies.
    pub credential_id: String,
    /// When it was created, and by whom.
    pub created_at: String,
    /// Who created it.
    pub created_by: String,
    /// When it expires.
    pub expires_at: String,
    /// Whether OpenID4VCI asks for a transaction code.
    pub tx_code_required: bool,
    /// `open`, `redeemed`, `expired` or `locked`.
    pub state: String,
    /// When it was redeemed, through `vcapi` or `oid4vci`, by which holder
    /// DID, and the copy issued.
    pub redeemed_at: Option<String>,
    /// `vcapi` or `oid4vci`.
    pub redeemed_via: Option<String>,
    /// The holder DID of the copy.
    pub holder_did: Option<String>,
    /// The copy bound to the holder.
    pub issued_credential_id: Option<String>,
    /// The links to give the holder: in the creation answer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<ClaimLinks>,
    /// The transaction code to give the holder apart from the link: in the
    /// creation answer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<String>,
    /// The message to send the holder (subject line, then the body with
    /// the link; never the code): in the creation answer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl ClaimView {
    /// The view of `c` at `now` (RFC 3339 text).
    pub fn of(c: ClaimRecord, now: &str) -> ClaimView {
        let state = crate::issuance::claims::claim_state(&c, now);
        ClaimView {
            id: c.id,
            credential_id: c.credential_id,
            created_at: c.created_at,
            created_by: c.created_by,
            expires_at: c.expires_at,
            tx_code_required: c.tx_code_hash.is_some(),
            state: state.to_owned(),
            redeemed_at: c.redeemed_at,
            redeemed_via: c.redeemed_via,
            holder_did: c.holder_did,
            issued_credential_id: c.issued_credential_id,
            links: None,
            tx_code: None,
            notice: None,
        }
    }
}

/// A credential's claims, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimList {
    /// The claims.
    pub claims: Vec<ClaimView>,
}

/// `POST /api/v1/admin/credentials/{id}/claims`: a one-time wallet claim.
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials/{id}/claims",
    tag = "admin",
    summary = "Create a wallet claim link",
    description = "Creates a one-time claim for a valid certification (like `rosette claims \
create`): the holder opens the claim link and their wallet receives a copy bound to the holder's \
DID, through a VC-API exchange or OpenID4VCI. The answer carries the links (and the transaction \
code, when asked for) once: only their SHA-256 is stored. The claim expires (default 14 days), \
works once, and its creation and redemption are audited.",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    request_body(content = Option<ClaimRequest>, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the links are shown this once.", body = ClaimView),
        (status = 400, response = crate::web::error::NotJson),
        (status = 404, response = crate::web::error::NoSuchCredential),
        (status = 422, description = "The credential cannot be claimed (revoked, suspended, expired, superseded, generic, a wallet copy), or a bad lifetime.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn create_claim(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let issuer = signing_issuer_of(&state)?;
    let empty = body
        .as_ref()
        .is_ok_and(|b| b.iter().all(u8::is_ascii_whitespace));
    let req: ClaimRequest = if empty {
        ClaimRequest::default()
    } else {
        json_body(body)?
    };
    let ttl = match req.expires_in.as_deref() {
        Some(text) => parse_ttl(text).map_err(ApiError::from)?,
        None => DEFAULT_CLAIM_TTL,
    };
    let new = issuer
        .create_claim(
            &crate::web::dto::full_id(&id),
            ttl,
            req.tx_code,
            &caller.actor,
        )
        .await
        .map_err(ApiError::from)?;
    let mut view = ClaimView::of(new.claim.clone(), &new.claim.created_at);
    view.links = Some(new.links);
    view.tx_code = new.tx_code;
    view.notice = Some(new.notice);
    Ok(json_response(StatusCode::CREATED, &view))
}

/// `GET /api/v1/admin/credentials/{id}/claims`: a credential's claims.
#[utoipa::path(
    get,
    path = "/api/v1/admin/credentials/{id}/claims",
    tag = "admin",
    summary = "List a credential's wallet claims",
    description = "Every claim created for the credential, oldest first, with its state \
(`open`, `redeemed`, `expired`, `locked`) and, once redeemed, the protocol, the holder DID and \
the copy issued. No secret is ever listed.",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The claims.", body = ClaimList),
        crate::web::error::AdminScope,
    )
)]
pub async fn list_claims(
    State(state): State<AppState>,
    AdminCaller(_caller): AdminCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    let now = crate::issuance::stamp(issuer.clock.now());
    let claims = issuer
        .store
        .wallet_claims_of(&crate::web::dto::full_id(&id))
        .await
        .map_err(store_failure("the claims could not be read"))?;
    let list = ClaimList {
        claims: claims.into_iter().map(|c| ClaimView::of(c, &now)).collect(),
    };
    Ok(json_response(StatusCode::OK, &list))
}
