//! Wallet claims on the web: the claim link and the VC-API exchange.
//!
//! - `GET /claim/{secret}` is the claim's interaction URL (VC-API
//!   "Interaction URL format", `iuv=1`): to `Accept: application/json` it
//!   answers the `protocols` a wallet may use (`vcapi`, the exchange;
//!   `OID4VCI`, the credential offer); to a browser, a page for the holder
//!   with a QR code, links that open the wallets, and what happens.
//! - `POST /exchanges/{secret}` is the VC-API exchange: `{}` answers a
//!   `verifiablePresentationRequest` (DIDAuthentication with a fresh
//!   challenge and this server's domain); a holder-signed presentation
//!   answering it gets the copy bound to the holder's DID.
//!
//! The rules (open, single use, challenges, which credential may be
//! copied) are [`crate::issuance::claims`]'s; the presentation is checked
//! by this server's one presentation verifier
//! (`vc_api::check_presentation`). The link's secret is in the
//! path: the request log writes these routes' templates, never their paths.

use super::error::ApiError;
use super::layout::{CSP, document, escape, respond_with_csp, wrap_id};
use super::state::{AppState, Pieces};
use super::vc_api::{Expected, check_presentation};
use crate::issuance::claims::{ClaimError, ClaimLinks, Protocol, protocols_of};
use crate::issuance::{Issuer, badge_data::public_id};
use crate::store::{ClaimRecord, NonceKind};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The host (and port) of the public URL: the `domain` a holder's proof
/// must carry (VC Data Integrity 1.0 §2.1), so a presentation made for
/// this issuer is not replayed elsewhere.
pub fn proof_domain(public_url: &str) -> String {
    let rest = public_url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(public_url);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or(rest)
        .to_owned()
}

fn issuer(state: &AppState) -> Result<Issuer<'_>, ApiError> {
    super::auth::issuer_of(state)
}

/// Whether the client asks for JSON rather than a page.
fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let json = accept
        .find("application/json")
        .or_else(|| accept.find("+json"));
    match (json, accept.find("text/html")) {
        (Some(j), Some(h)) => j < h,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The links of an open claim (its certification is the configuration id).
fn links_of(
    issuer: &Issuer<'_>,
    claim: &ClaimRecord,
    secret: &str,
    certification: &str,
) -> ClaimLinks {
    ClaimLinks::new(
        &issuer.public_url,
        secret,
        certification,
        claim.tx_code_hash.is_some(),
    )
}

/// The Learner Credential Wallet's app link for a VC-API exchange
/// (`https://lcw.app/request?request=…`, its documented deep-link form).
fn lcw_link(public_url: &str, exchange_url: &str) -> String {
    let request = json!({
        "credentialRequestOrigin": public_url.trim_end_matches('/'),
        "protocols": { "vcapi": exchange_url },
    })
    .to_string();
    let query = serde_urlencoded::to_string([("request", request.as_str())]).unwrap_or_default();
    format!("https://lcw.app/request?{query}")
}

/// `GET /claim/{secret}`: the claim's interaction URL.
#[utoipa::path(
    get,
    path = "/claim/{secret}",
    tag = "wallets",
    summary = "A wallet claim link (VC-API interaction URL)",
    description = "The one-time link an admin created for a holder (`rosette claims create`). \
With `Accept: application/json` (a wallet following the VC-API interaction URL format, \
`iuv=1`) the answer is `{\"protocols\": {\"vcapi\": <exchange URL>, \"OID4VCI\": \
<openid-credential-offer URI>}}`. A browser gets a page with a QR code, links that open the \
Learner Credential Wallet and OpenID wallets, and what the holder does. 404 for an unknown \
link; 410 once it expired or was used; 409 when the credential is no longer valid.",
    params(("secret" = String, Path, description = "The claim link's secret.")),
    responses(
        (status = 200, description = "The protocols (JSON) or the page (HTML).", body = Object),
        (status = 404, description = "No such claim link.", body = super::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The credential is revoked, suspended, expired or superseded.", body = super::error::Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link expired, was used, or is locked.", body = super::error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn claim_link(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
) -> Response {
    let json = wants_json(&headers);
    let issuer = match issuer(&state) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let opened = async {
        let claim = issuer.open_claim(&secret).await?;
        let credential = issuer.claimed_credential(&claim).await?;
        Ok::<_, ClaimError>((claim, credential))
    }
    .await;
    let (claim, credential) = match opened {
        Ok(found) => found,
        Err(e) if json => return ApiError::from(e).into_response(),
        Err(e) => return claim_error_page(&state, &e),
    };
    let links = links_of(&issuer, &claim, &secret, &credential.certification);
    let vc_api = protocols_of(&claim).contains(&Protocol::VcApi);
    if json {
        let mut protocols = serde_json::Map::new();
        if vc_api {
            protocols.insert("vcapi".into(), json!(links.exchange_url));
        }
        protocols.insert("OID4VCI".into(), json!(links.credential_offer_uri));
        let body = json!({ "protocols": protocols });
        return (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body.to_string(),
        )
            .into_response();
    }
    let cert_name = issuer
        .catalog
        .find(&credential.certification)
        .map(|c| c.name.clone())
        .unwrap_or_else(|_| credential.certification.clone());
    let qr = crate::render::qr::qr_elements(&links.claim_url, 240.0).unwrap_or_default();
    let tx_note = if claim.tx_code_hash.is_some() {
        "<li>Your wallet asks for a transaction code: type the six digits the issuer gave you \
apart from this link. This link works with OpenID wallets only.</li>"
    } else {
        ""
    };
    let lcw_button = if vc_api {
        format!(
            "<a class=\"wallet\" id=\"open-lcw\" href=\"{}\">Open in Learner Credential Wallet</a>",
            escape(&lcw_link(&issuer.public_url, &links.exchange_url))
        )
    } else {
        String::new()
    };
    let main = format!(
        "<section class=\"verdict valid\"><h1>VALID</h1><p>{cert}</p></section>\
<section class=\"card\"><h2>Add to your wallet</h2>\
<p>{holder}, this link puts your certification into a digital wallet on your phone. The wallet \
receives a copy that names you by your wallet's own identifier (a DID), so you can later prove \
to an employer that it is yours.</p>\
<div class=\"wallet-qr\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 240\" role=\"img\" \
aria-label=\"QR code of this claim link\">{qr}</svg></div>\
{lcw_button}<a class=\"wallet\" id=\"open-openid\" href=\"{offer}\">Open in an OpenID wallet</a></section>\
<section class=\"card\"><h2>How it works</h2><ol class=\"steps\">\
<li>On a computer, scan the QR code with your wallet app. On your phone, tap the button for \
your wallet.</li>\
<li>The wallet asks you to confirm; it then proves it holds its key, and receives your \
certification.</li>{tx_note}\
<li>This link works once and expires on {expires}. Do not share it: whoever uses it first \
gets the copy.</li></ol></section>\
<section class=\"card\"><h2>The certification</h2><dl>\
<dt>Certification</dt><dd>{cert}</dd><dt>Awarded to</dt><dd>{holder}</dd>\
<dt>Credential</dt><dd><a href=\"/v/{public}\">{id}</a></dd></dl></section>",
        cert = escape(&cert_name),
        holder = escape(&credential.holder_name),
        offer = escape(&links.credential_offer_uri),
        expires = escape(&super::layout::moment(&claim.expires_at)),
        public = escape(public_id(&credential.id)),
        id = wrap_id(&credential.id),
    );
    let html = document(
        "Add your certification to a wallet",
        "<meta name=\"robots\" content=\"noindex\">",
        state.issuer.as_deref().map(|p| p.profile.name.as_str()),
        &main,
    );
    let mut response = respond_with_csp(StatusCode::OK, html, CSP);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn claim_error_page(state: &AppState, e: &ClaimError) -> Response {
    let status = super::error::claim_status(e);
    let main = format!(
        "<section class=\"verdict neutral\"><h1>Claim link</h1><p>{}</p></section>\
<section class=\"card\"><p>Ask the issuer of your certification for a new link. Your \
certification itself is not affected.</p></section>",
        escape(&e.to_string())
    );
    let html = document(
        "Claim link",
        "<meta name=\"robots\" content=\"noindex\">",
        state.issuer.as_deref().map(|p| p.profile.name.as_str()),
        &main,
    );
    let mut response = respond_with_csp(status, html, CSP);
    // The address holds the claim's secret: no cache keeps the answer.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// `POST /exchanges/{secret}`: the VC-API exchange of a claim.
#[utoipa::path(
    post,
    path = "/exchanges/{secret}",
    operation_id = "wallet_exchange",
    tag = "wallets",
    summary = "VC-API exchange: claim a holder-bound credential",
    description = "W3C VC-API exchange (DIDAuthentication). Post `{}` to start: the answer is \
`{\"verifiablePresentationRequest\": {\"query\": [{\"type\": \"DIDAuthentication\", \
\"acceptedMethods\": [{\"method\": \"key\"}, {\"method\": \"web\"}]}], \"challenge\": …, \
\"domain\": …}}`. Then post `{\"verifiablePresentation\": …}`: a presentation whose `holder` is \
the holder's DID, signed by the holder (Data Integrity, purpose `authentication`) with that \
challenge and domain. It is verified like `POST /presentations/verify`; the answer is \
`{\"verifiablePresentation\": {\"verifiableCredential\": [the copy]}}`, a credential whose \
`credentialSubject.id` is the holder's DID, with its own status entries. The claim works once: \
a replay, an expired claim or a wrong challenge is refused.",
    params(("secret" = String, Path, description = "The claim link's secret.")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "A presentation request, or the issued credential.", body = Object),
        (status = 400, description = "Not JSON; the challenge is wrong, used or expired; the holder is missing or not a DID this issuer binds to.", body = super::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such claim.", body = super::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The credential is no longer valid.", body = super::error::Problem, content_type = "application/problem+json"),
        (status = 410, description = "The claim expired or was used.", body = super::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The presentation did not verify: the problems are listed.", body = super::error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn exchange(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    request: super::outbound::RequestInfo,
    body: Bytes,
) -> Result<Response, ApiError> {
    let issuer = issuer(&state)?;
    let value: Value = crate::model::strict_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            super::error::ErrorCode::MalformedJson,
            format!("the body is not JSON: {e}"),
        )
    })?;
    let Some(fields) = value.as_object() else {
        return Err(invalid("the body must be a JSON object"));
    };
    let claim = issuer.open_claim(&secret).await?;
    issuer.claimed_credential(&claim).await?;
    let domain = proof_domain(&issuer.public_url);
    let Some(vp) = fields.get("verifiablePresentation") else {
        let challenge = issuer.claim_challenge(&claim).await?;
        let body = json!({
            "verifiablePresentationRequest": {
                "query": [{
                    "type": "DIDAuthentication",
                    "acceptedMethods": [{"method": "key"}, {"method": "web"}],
                }],
                "challenge": challenge,
                "domain": domain,
            }
        });
        return Ok(no_store_json(&body));
    };
    if !vp.is_object() {
        return Err(invalid("verifiablePresentation must be an object"));
    }
    let challenge = first_proof(vp)
        .and_then(|p| p.get("challenge"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ApiError::from(ClaimError::Challenge(
                "the presentation's proof carries no challenge; sign it with the challenge of \
                 this exchange's request",
            ))
        })?
        .to_owned();
    issuer.check_challenge(&claim, &challenge).await?;
    let holder = match vp.get("holder") {
        Some(Value::String(h)) => h.clone(),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).unwrap_or("").to_owned(),
        _ => String::new(),
    };
    if holder.is_empty() {
        return Err(ApiError::from(ClaimError::Holder(
            "the presentation names no holder; DIDAuthentication needs the holder's DID".into(),
        )));
    }
    crate::issuance::claims::check_holder_did(&holder)?;
    let pieces = Pieces::new(&state, request);
    let cx = pieces.context(None);
    let expected = Expected {
        challenge: Some(challenge.clone()),
        domain: Some(domain),
    };
    let result = check_presentation(&state, cx, vp, &expected).await;
    if !result.verified || vp.get("proof").is_none() {
        let problems: Vec<String> = result
            .errors
            .iter()
            .map(|p| format!("{} ({})", p.title, p.code))
            .collect();
        let detail = if problems.is_empty() {
            "the presentation must be signed by the holder".to_owned()
        } else {
            format!("the presentation did not verify: {}", problems.join("; "))
        };
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            super::error::ErrorCode::PresentationInvalid,
            detail,
        ));
    }
    let copy = issuer
        .redeem_claim(
            &claim,
            &holder,
            Protocol::VcApi,
            &[(NonceKind::Challenge, challenge.as_str())],
        )
        .await?;
    state.status_changed();
    let credential: Value = serde_json::from_str(&copy.document)
        .map_err(|e| ApiError::internal("the issued credential could not be read", &e))?;
    Ok(no_store_json(&json!({
        "verifiablePresentation": {
            "@context": [crate::model::VC_V2_CONTEXT],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [credential],
        }
    })))
}

fn invalid(detail: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        super::error::ErrorCode::InvalidRequest,
        detail,
    )
}

fn first_proof(vp: &Value) -> Option<&Value> {
    match vp.get("proof")? {
        Value::Array(items) => items.first(),
        one => Some(one),
    }
}

/// A JSON answer that no cache keeps (it carries a challenge or a credential).
pub(super) fn no_store_json(body: &Value) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_is_the_public_urls_host_and_port() {
        assert_eq!(
            proof_domain("https://certs.example.com"),
            "certs.example.com"
        );
        assert_eq!(
            proof_domain("http://127.0.0.1:8080/base/"),
            "127.0.0.1:8080"
        );
    }

    #[test]
    fn json_is_answered_when_asked_for_before_html() {
        let mut h = HeaderMap::new();
        assert!(!wants_json(&h));
        h.insert(header::ACCEPT, "application/json".parse().unwrap());
        assert!(wants_json(&h));
        h.insert(
            header::ACCEPT,
            "text/html,application/json;q=0.9".parse().unwrap(),
        );
        assert!(!wants_json(&h));
        h.insert(
            header::ACCEPT,
            "application/ld+json, text/html".parse().unwrap(),
        );
        assert!(wants_json(&h));
    }
}
