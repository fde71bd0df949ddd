//! OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow:
//! the issuer metadata (§12.2), the authorization server metadata the
//! token endpoint is found by (RFC 8414), the token endpoint (§6, the
//! pre-authorized code grant with an optional transaction code), the nonce
//! endpoint (§7) and the credential endpoint (§8) with the holder's
//! proof of possession (`openid4vci-proof+jwt`, Appendix F.1).
//!
//! The credential offer is made with the claim (`ClaimLinks`); its
//! pre-authorized code is the claim link's secret. Every rule of the claim
//! is [`crate::issuance::claims`]'s; this module is the protocol's glue.
//! JWS parsing, key resolution and signature checks are those of VC-JWT
//! ([`crate::proof::jwt`], the `jsonwebtoken` crate).

use super::error::ApiError;
use super::state::{AppState, Pieces};
use super::wallet::no_store_json;
use crate::issuance::Issuer;
use crate::issuance::claims::{ClaimError, Protocol};
use crate::keys::{JwkKind, PublicJwk};
use crate::proof::jwt::{self, CompactJws};
use crate::store::NonceKind;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Map, Value, json};

/// The JOSE `typ` of a key proof (OpenID4VCI 1.0 Appendix F.1).
pub const PROOF_TYP: &str = "openid4vci-proof+jwt";
/// The pre-authorized code grant type (OpenID4VCI 1.0 §4.1.1).
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// How far a proof's `iat` may lie in the past.
pub const PROOF_MAX_AGE_SECS: i64 = 300;
/// How far a proof's `iat` may lie in the future (clock skew).
pub const PROOF_MAX_SKEW_SECS: i64 = 60;

fn base(issuer: &Issuer<'_>) -> String {
    issuer.public_url.trim_end_matches('/').to_owned()
}

/// An OAuth error answer (RFC 6749 §5.2; OpenID4VCI 1.0 §8.3.1.2).
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json!({ "error": error, "error_description": oauth_text(description) }).to_string(),
    )
        .into_response()
}

/// `error_description` within RFC 6749 §5.2's characters (%x20-21 /
/// %x23-5B / %x5D-7E): `"` becomes `'`, `\` becomes `/`, anything else
/// outside printable ASCII `?`.
fn oauth_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

fn claim_oauth_error(e: &ClaimError, error: &str) -> Response {
    // Asked-for-wrong is a malformed request; a claim that no longer holds
    // is the issuer declining (OpenID4VCI 1.0 §6.3, §8.3.1.2).
    let error = match e {
        ClaimError::TxCodeRequest(_) => "invalid_request",
        ClaimError::NotValid(_) if error == "invalid_credential_request" => {
            "credential_request_denied"
        }
        _ => error,
    };
    if e.is_internal() {
        tracing::error!(target: "rosette::wallet", error = %e, "a wallet claim step failed");
        return oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the claim could not be completed; the cause was logged",
        );
    }
    oauth_error(StatusCode::BAD_REQUEST, error, &e.to_string())
}

fn not_issuing() -> Response {
    oauth_error(
        StatusCode::NOT_FOUND,
        "invalid_request",
        "this server does not issue credentials",
    )
}

/// `GET /.well-known/openid-credential-issuer`: the issuer metadata.
#[utoipa::path(
    get,
    path = "/.well-known/openid-credential-issuer",
    tag = "wallets",
    summary = "OpenID4VCI credential issuer metadata",
    description = "OpenID4VCI 1.0 §12.2. Every certification of the catalog is an `ldp_vc` \
credential configuration (id = the certification's slug) with its display name, description, \
badge logo and colour; key proofs are `jwt` with EdDSA or ES256; copies bind to did:key, did:web \
or did:jwk holders. The token endpoint is in `/.well-known/oauth-authorization-server`.",
    responses(
        (status = 200, description = "The metadata.", body = Object),
        (status = 404, description = "This server does not issue.", body = Object),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn issuer_metadata(State(state): State<AppState>) -> Response {
    let Some(issuer) = state.issuer() else {
        return not_issuing();
    };
    let base = base(&issuer);
    let mut configurations = Map::new();
    for cert in issuer.catalog {
        let display = json!([{
            "name": cert.name,
            "locale": "en",
            "description": cert.description,
            "logo": {
                "uri": cert.image_url(&base),
                "alt_text": format!("{} badge", cert.name),
            },
            "background_color": cert.art.primary,
            "text_color": "#ffffff",
        }]);
        configurations.insert(
            cert.slug.to_string(),
            json!({
                "format": "ldp_vc",
                "credential_definition": {
                    "@context": crate::model::OB_CREDENTIAL_CONTEXTS,
                    "type": ["VerifiableCredential", "OpenBadgeCredential"],
                },
                "cryptographic_binding_methods_supported": ["did:key", "did:web", "did:jwk"],
                "credential_signing_alg_values_supported": [issuer.suite.as_str()],
                "proof_types_supported": {
                    "jwt": { "proof_signing_alg_values_supported": ["EdDSA", "ES256"] }
                },
                // 1.0 puts display under `credential_metadata`; earlier
                // drafts, still spoken by wallets, beside it.
                "credential_metadata": { "display": display },
                "display": display,
            }),
        );
    }
    let body = json!({
        "credential_issuer": base,
        "credential_endpoint": format!("{base}/oid4vci/credential"),
        "nonce_endpoint": format!("{base}/oid4vci/nonce"),
        "display": [{ "name": issuer.profile.name, "locale": "en" }],
        "credential_configurations_supported": configurations,
    });
    json_cached(&body)
}

fn json_cached(body: &Value) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `GET /.well-known/oauth-authorization-server`: where the token endpoint is.
#[utoipa::path(
    get,
    path = "/.well-known/oauth-authorization-server",
    tag = "wallets",
    summary = "OAuth 2.0 authorization server metadata (for OpenID4VCI)",
    description = "RFC 8414 metadata of this issuer acting as its own authorization server: \
the token endpoint, the pre-authorized code grant, and anonymous access (no client \
authentication) for it.",
    responses(
        (status = 200, description = "The metadata.", body = Object),
        (status = 404, description = "This server does not issue.", body = Object),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn authorization_server_metadata(State(state): State<AppState>) -> Response {
    let Some(issuer) = state.issuer() else {
        return not_issuing();
    };
    let base = base(&issuer);
    json_cached(&json!({
        "issuer": base,
        "token_endpoint": format!("{base}/oid4vci/token"),
        "response_types_supported": [],
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": true,
    }))
}

/// `POST /oid4vci/token`: the pre-authorized code for an access token.
#[utoipa::path(
    post,
    path = "/oid4vci/token",
    operation_id = "oid4vci_token",
    tag = "wallets",
    summary = "OpenID4VCI token endpoint (pre-authorized code)",
    description = "OpenID4VCI 1.0 §6. Form body: `grant_type` = \
`urn:ietf:params:oauth:grant-type:pre-authorized_code`, `pre-authorized_code` (from the \
credential offer) and, when the offer announced one, `tx_code`. The code is exchanged once; five \
wrong transaction codes lock the claim. Answers `{\"access_token\", \"token_type\": \"Bearer\", \
\"expires_in\"}`; errors are OAuth errors (`invalid_request`, `unsupported_grant_type`, \
`invalid_grant`).",
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token for the credential endpoint.", body = Object),
        (status = 400, description = "An OAuth error.", body = Object),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn token(State(state): State<AppState>, body: Bytes) -> Response {
    let Some(issuer) = state.issuer() else {
        return not_issuing();
    };
    let form: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(f) => f,
        Err(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "the body must be application/x-www-form-urlencoded",
            );
        }
    };
    let field = |name: &str| -> Result<Option<&str>, String> {
        let mut found = form
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let first = found.next();
        if found.next().is_some() {
            return Err(format!("{name} is given twice"));
        }
        Ok(first)
    };
    let (grant, code, tx_code) = match (
        field("grant_type"),
        field("pre-authorized_code"),
        field("tx_code"),
    ) {
        (Ok(g), Ok(c), Ok(t)) => (g, c, t),
        (Err(m), _, _) | (_, Err(m), _) | (_, _, Err(m)) => {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &m);
        }
    };
    match grant {
        Some(PRE_AUTHORIZED_GRANT) => {}
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only the pre-authorized code grant is supported",
            );
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            );
        }
    }
    let Some(code) = code.filter(|c| !c.is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "pre-authorized_code is required",
        );
    };
    match issuer.claim_access_token(code, tx_code).await {
        Ok((token, _claim)) => {
            let mut response = no_store_json(&json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": crate::issuance::claims::ACCESS_TOKEN_TTL.num_seconds(),
            }));
            response
                .headers_mut()
                .insert(header::PRAGMA, header::HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => claim_oauth_error(&e, "invalid_grant"),
    }
}

/// `POST /oid4vci/nonce`: a fresh `c_nonce`.
#[utoipa::path(
    post,
    path = "/oid4vci/nonce",
    operation_id = "oid4vci_nonce",
    tag = "wallets",
    summary = "OpenID4VCI nonce endpoint",
    description = "OpenID4VCI 1.0 §7: `{\"c_nonce\": …}`, valid for five minutes and once. A key \
proof must carry it as its `nonce` claim.",
    responses(
        (status = 200, description = "A fresh nonce.", body = Object),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn nonce(State(state): State<AppState>) -> Response {
    let Some(issuer) = state.issuer() else {
        return not_issuing();
    };
    match issuer.new_c_nonce().await {
        Ok(n) => no_store_json(&json!({ "c_nonce": n })),
        Err(e) => claim_oauth_error(&e, "server_error"),
    }
}

/// A checked key proof: the holder DID it binds the copy to, and its nonce.
#[derive(Debug)]
struct KeyProof {
    holder: String,
    nonce: String,
}

/// Why a key proof was refused: the OAuth error code and what was wrong.
type ProofRefusal = (&'static str, String);

fn refuse(msg: impl Into<String>) -> ProofRefusal {
    ("invalid_proof", msg.into())
}

/// The holder DID of a key given as a header `jwk`: the did:key of an
/// Ed25519 key, else the did:jwk of the key (did:jwk §2: base64url of
/// its JSON).
fn did_of_jwk(jwk: &PublicJwk) -> Result<String, ProofRefusal> {
    match jwk.kind() {
        JwkKind::Ed25519 => {
            let x = jwk.member("x").unwrap_or_default();
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(x)
                .map_err(|_| refuse("the header jwk's x is not base64url"))?;
            let bytes: [u8; 32] = bytes
                .try_into()
                .map_err(|_| refuse("the header jwk's x is not an Ed25519 key"))?;
            let key = crate::keys::VerifyingKey::from_bytes(&bytes)
                .map_err(|_| refuse("the header jwk is not a valid Ed25519 key"))?;
            Ok(crate::keys::did_key(&key))
        }
        JwkKind::P256 => {
            let text = jwk.to_json().to_string();
            Ok(format!(
                "did:jwk:{}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
            ))
        }
        JwkKind::Rsa => Err(refuse("RSA keys are not accepted for key proofs")),
    }
}

/// Checks a key proof JWT (OpenID4VCI 1.0 Appendix F.1–F.4): `typ`
/// `openid4vci-proof+jwt`; `alg` EdDSA or ES256; the key by exactly one of
/// `kid` (a DID URL, resolved) or `jwk`; the signature; `aud` this
/// issuer; `iat` recent; `nonce` a live `c_nonce` of this issuer.
async fn check_key_proof(
    issuer: &Issuer<'_>,
    resolver: &dyn crate::keys::KeyResolver,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<KeyProof, ProofRefusal> {
    let jws: CompactJws =
        jwt::parse_compact_jws(text).map_err(|e| refuse(format!("the proof is not a JWT: {e}")))?;
    let header = jws.header();
    if header.get("typ").and_then(Value::as_str) != Some(PROOF_TYP) {
        return Err(refuse(format!("the proof's typ must be {PROOF_TYP}")));
    }
    let alg = match header.get("alg").and_then(Value::as_str) {
        Some("EdDSA") => jsonwebtoken::Algorithm::EdDSA,
        Some("ES256") => jsonwebtoken::Algorithm::ES256,
        _ => return Err(refuse("the proof's alg must be EdDSA or ES256")),
    };
    let (has_kid, has_jwk) = (header.contains_key("kid"), header.contains_key("jwk"));
    if has_kid == has_jwk {
        return Err(refuse(
            "the proof must name its key by exactly one of kid (a DID URL) or jwk",
        ));
    }
    if header.contains_key("x5c") || header.contains_key("trust_chain") {
        return Err(refuse("x5c and trust_chain keys are not accepted"));
    }
    if has_kid
        && !header
            .get("kid")
            .and_then(Value::as_str)
            .is_some_and(|k| k.starts_with("did:") && k.contains('#'))
    {
        return Err(refuse(
            "the proof's kid must be a DID URL naming one key (did:…#…)",
        ));
    }
    let key = jwt::header_key(header, resolver).await.map_err(|e| {
        if e.unknown {
            refuse(format!("the holder's key could not be resolved: {e}"))
        } else {
            refuse(format!("the proof's key: {e}"))
        }
    })?;
    jwt::verify_signature(&jws, alg, &key.jwk)
        .map_err(|e| refuse(format!("the proof's signature: {e}")))?;
    let claims = jws.claims();
    let audience = base(issuer);
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a.trim_end_matches('/') == audience,
        Some(Value::Array(list)) => list.iter().any(|a| {
            a.as_str()
                .is_some_and(|a| a.trim_end_matches('/') == audience)
        }),
        _ => false,
    };
    if !aud_ok {
        return Err(refuse(format!(
            "the proof's aud must be this credential issuer, {audience}"
        )));
    }
    let Some(iat) = claims.get("iat").and_then(Value::as_i64) else {
        return Err(refuse("the proof has no iat (a number of seconds)"));
    };
    let now_s = now.timestamp();
    if iat < now_s - PROOF_MAX_AGE_SECS || iat > now_s + PROOF_MAX_SKEW_SECS {
        return Err(refuse(format!(
            "the proof's iat is not recent (within {PROOF_MAX_AGE_SECS} s)"
        )));
    }
    if claims.contains_key("iss") {
        return Err(refuse(
            "the proof has an iss, which anonymous pre-authorized access must omit",
        ));
    }
    let Some(nonce) = claims.get("nonce").and_then(Value::as_str) else {
        return Err(refuse(
            "the proof carries no nonce; get one from the nonce endpoint",
        ));
    };
    if issuer.check_c_nonce(nonce).await.is_err() {
        return Err((
            "invalid_nonce",
            "the proof's nonce is unknown, expired or used; get a fresh one".to_owned(),
        ));
    }
    let holder = match (&key.kid, &key.controller) {
        (Some(_), Some(controller)) => controller.clone(),
        _ => did_of_jwk(&key.jwk)?,
    };
    Ok(KeyProof {
        holder,
        nonce: nonce.to_owned(),
    })
}

/// The one key proof JWT of a credential request: `proofs.jwt` (1.0, one
/// item) or `proof` with `proof_type` `jwt` (earlier drafts).
fn proof_jwt(request: &Map<String, Value>) -> Result<&str, ProofRefusal> {
    if let Some(proofs) = request.get("proofs") {
        if proofs.as_object().is_none_or(|o| o.len() != 1) {
            return Err(refuse("proofs must hold exactly one proof type, jwt"));
        }
        let list = proofs
            .get("jwt")
            .and_then(Value::as_array)
            .ok_or_else(|| refuse("proofs must hold a jwt list"))?;
        return match list.as_slice() {
            [one] => one
                .as_str()
                .ok_or_else(|| refuse("proofs.jwt must hold strings")),
            _ => Err(refuse(
                "one key proof is accepted: a claim yields one credential",
            )),
        };
    }
    match request.get("proof") {
        Some(p) if p.get("proof_type").and_then(Value::as_str) == Some("jwt") => p
            .get("jwt")
            .and_then(Value::as_str)
            .ok_or_else(|| refuse("proof.jwt must be a string")),
        Some(_) => Err(refuse("only jwt key proofs are accepted")),
        None => Err(refuse("a key proof is required (proofs.jwt)")),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn invalid_token(description: &str) -> Response {
    let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", description);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// `POST /oid4vci/credential`: the holder-bound credential.
#[utoipa::path(
    post,
    path = "/oid4vci/credential",
    operation_id = "oid4vci_credential",
    tag = "wallets",
    summary = "OpenID4VCI credential endpoint",
    description = "OpenID4VCI 1.0 §8, with the access token of `/oid4vci/token` as a Bearer \
token. Body: `{\"credential_configuration_id\": <the certification's slug>, \"proofs\": \
{\"jwt\": [<key proof>]}}` (the earlier `proof` object is accepted too). The key proof is a JWT \
with `typ` `openid4vci-proof+jwt`, `alg` EdDSA or ES256, the key as `kid` (a DID URL) or `jwk`, \
`aud` this issuer, a recent `iat` and the `nonce` from `/oid4vci/nonce`. Answers \
`{\"credentials\": [{\"credential\": …}]}`: an `ldp_vc` whose `credentialSubject.id` is the \
holder's DID (the kid's DID; for a jwk, its did:key or did:jwk). Errors: 401 `invalid_token`, 400 \
`invalid_proof`, `invalid_nonce`, `invalid_credential_request`, \
`unknown_credential_configuration`.",
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "The credential.", body = Object),
        (status = 400, description = "An OpenID4VCI credential error.", body = Object),
        (status = 401, description = "A missing, unknown, expired or used access token.", body = Object),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn credential(
    State(state): State<AppState>,
    request: super::outbound::RequestInfo,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(issuer) = state.issuer() else {
        return not_issuing();
    };
    let Some(token) = bearer(&headers) else {
        // No credentials at all: a challenge without an error code (RFC 6750 §3.1).
        let mut response = (
            StatusCode::UNAUTHORIZED,
            [(header::CACHE_CONTROL, "no-store")],
            "",
        )
            .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return response;
    };
    let claim = match issuer.claim_of_access_token(token).await {
        Ok(c) => c,
        Err(e) if e.is_internal() => return claim_oauth_error(&e, "server_error"),
        Err(e) => return invalid_token(&e.to_string()),
    };
    let Ok(Value::Object(fields)) = crate::model::strict_json::from_slice(&body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_credential_request",
            "the body must be a JSON object",
        );
    };
    let original = match issuer.claimed_credential(&claim).await {
        Ok(c) => c,
        Err(e) => return claim_oauth_error(&e, "invalid_credential_request"),
    };
    match fields
        .get("credential_configuration_id")
        .and_then(Value::as_str)
    {
        Some(id) if id == original.certification => {}
        Some(id) if issuer.catalog.find(id).is_ok() => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_credential_request",
                "this access token is for another credential configuration",
            );
        }
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unknown_credential_configuration",
                "no such credential configuration; see the issuer metadata",
            );
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_credential_request",
                "credential_configuration_id is required",
            );
        }
    }
    let text = match proof_jwt(&fields) {
        Ok(t) => t,
        Err((code, msg)) => return oauth_error(StatusCode::BAD_REQUEST, code, &msg),
    };
    let pieces = Pieces::new(&state, request);
    let cx = pieces.context(None);
    let proof = match check_key_proof(&issuer, cx.resolver, text, cx.now).await {
        Ok(p) => p,
        Err((code, msg)) => return oauth_error(StatusCode::BAD_REQUEST, code, &msg),
    };
    let copy = match issuer
        .redeem_claim(
            &claim,
            &proof.holder,
            Protocol::OpenId4Vci,
            &[
                (NonceKind::AccessToken, token),
                (NonceKind::CNonce, proof.nonce.as_str()),
            ],
        )
        .await
    {
        Ok(c) => c,
        Err(e @ ClaimError::AccessToken) => return invalid_token(&e.to_string()),
        Err(e @ ClaimError::Nonce) => return claim_oauth_error(&e, "invalid_nonce"),
        Err(e @ ClaimError::Holder(_)) => return claim_oauth_error(&e, "invalid_proof"),
        Err(e) => return claim_oauth_error(&e, "invalid_credential_request"),
    };
    state.status_changed();
    match serde_json::from_str::<Value>(&copy.document) {
        Ok(credential) => no_store_json(&json!({ "credentials": [{ "credential": credential }] })),
        Err(e) => ApiError::internal("the issued credential could not be read", &e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_descriptions_keep_to_the_oauth_characters() {
        assert_eq!(
            oauth_text("the holder \"did:x\" \\ café"),
            "the holder 'did:x' / caf?"
        );
    }

    #[test]
    fn one_proof_of_one_type_is_taken() {
        let req = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(
            proof_jwt(&req(json!({"proofs": {"jwt": ["a.b.c"]}}))).unwrap(),
            "a.b.c"
        );
        assert_eq!(
            proof_jwt(&req(
                json!({"proof": {"proof_type": "jwt", "jwt": "a.b.c"}})
            ))
            .unwrap(),
            "a.b.c"
        );
        for bad in [
            json!({"proofs": {"jwt": ["a", "b"]}}),
            json!({"proofs": {"jwt": ["a"], "ldp_vp": [{}]}}),
            json!({"proof": {"proof_type": "cwt", "cwt": "x"}}),
            json!({}),
        ] {
            assert_eq!(
                proof_jwt(&req(bad.clone())).unwrap_err().0,
                "invalid_proof",
                "{bad}"
            );
        }
    }
}
