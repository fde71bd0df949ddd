//! VC-JWT: the JSON Web Token proof format of Open Badges 3.0 §8.2 (a
//! compact JWS whose payload is the credential, or, as VC 1.1 JWTs do, holds
//! it in the `vc` claim).
//!
//! One function per step of §8.2.5 "Verify a Credential": split and decode
//! the compact serialization (RFC 7515 §7.1, [`parse_compact_jws`]), check
//! the JOSE header against §8.2.4 ([`header_algorithm`]), take the key from
//! `kid` (a DID URL, dereferenced) or `jwk` ([`header_key`]), validate the
//! signature (RFC 7515 §5.2, [`verify_signature`], with the `jsonwebtoken`
//! crate's RustCrypto provider), then compare the claims with the
//! credential's fields ([`check_claims`]). Nothing here reads a clock or
//! opens a socket: keys behind a DID URL come from the
//! [`KeyResolver`] passed in.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use crate::keys::{JwkKind, KeyResolver, PublicJwk, ResolveError, resolve_did_jwk};
use crate::model::strict_json;

/// The JOSE header members OB 3.0 §8.2.4 lists; no other is accepted.
pub const HEADER_MEMBERS: [&str; 4] = ["alg", "kid", "jwk", "typ"];

/// The JWT registered claims (RFC 7519 §4.1): in a VC 2.0 VC-JWT they sit
/// beside the credential's members and are not part of the credential.
pub const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// Why a VC-JWT did not verify. `unknown` means "could not check" (a key
/// that cannot be resolved, an algorithm not supported), never "invalid".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JwtError {
    /// Stable machine code (`jws_malformed`, `jwt_alg_none`,
    /// `jwt_alg_unsupported`, `jwt_header_field`, `jwk_private_key`,
    /// `jwt_key_unknown`, `jwt_key_mismatch`, `signature_invalid`,
    /// `jwt_claim_mismatch`, or a key resolution code).
    pub code: &'static str,
    /// What was wrong, naming the header member or claim.
    pub message: String,
    /// Could not be checked (`unknown`) rather than failed (`invalid`).
    pub unknown: bool,
}

impl JwtError {
    fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        JwtError {
            code,
            message: message.into(),
            unknown: false,
        }
    }
    fn unknown(code: &'static str, message: impl Into<String>) -> Self {
        JwtError {
            code,
            message: message.into(),
            unknown: true,
        }
    }
}

impl From<ResolveError> for JwtError {
    fn from(e: ResolveError) -> Self {
        let unknown = !matches!(e, ResolveError::Invalid(_));
        JwtError {
            code: e.code(),
            message: e.to_string(),
            unknown,
        }
    }
}

/// Whether `input` is a compact JWS (RFC 7515 §7.1) once white space is
/// trimmed: `eyJ…` (a base64url JSON object), three base64url segments.
pub fn looks_like_compact_jws(input: &[u8]) -> bool {
    let text = input.trim_ascii();
    text.starts_with(b"eyJ")
        && text.iter().filter(|b| **b == b'.').count() == 2
        && text
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A compact JWS split and decoded, not yet verified.
#[derive(Debug, Clone)]
pub struct CompactJws {
    signing_input: String,
    signature: String,
    header: Map<String, Value>,
    claims: Map<String, Value>,
}

fn decode_segment(segment: &str, what: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|e| {
            JwtError::invalid(
                "jws_malformed",
                format!("the JWS {what} is not base64url: {e}"),
            )
        })?;
    match strict_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(JwtError::invalid(
            "jws_malformed",
            format!("the JWS {what} is not a JSON object"),
        )),
        Err(e) => Err(JwtError::invalid(
            "jws_malformed",
            format!("the JWS {what}: {e}"),
        )),
    }
}

/// Splits a compact JWS (RFC 7515 §7.1, white space around it trimmed)
/// into header, payload and signature and decodes the first two as JSON
/// objects (RFC 7515 §5.2 steps 1–6, RFC 7519 §7.2 step 10; repeated member
/// names are refused).
pub fn parse_compact_jws(text: &str) -> Result<CompactJws, JwtError> {
    let text = text.trim();
    let mut parts = text.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::invalid(
            "jws_malformed",
            "a compact JWS has three base64url parts separated by two dots (RFC 7515 §7.1)",
        ));
    };
    if signature.is_empty() {
        return Err(JwtError::invalid(
            "jws_malformed",
            "the JWS has an empty signature (an unsecured JWT is not a proof)",
        ));
    }
    Ok(CompactJws {
        header: decode_segment(header, "header")?,
        claims: decode_segment(payload, "payload")?,
        signing_input: format!("{header}.{payload}"),
        signature: signature.to_owned(),
    })
}

impl CompactJws {
    /// The JOSE header.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The JWT claims set (the payload).
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The credential the JWT secures (OB 3.0 §8.2.3): the `vc` claim when
    /// it is an object (VC 1.1 JWTs), otherwise the payload without the
    /// registered claims (VC 2.0).
    pub fn credential(&self) -> Value {
        if let Some(vc @ Value::Object(_)) = self.claims.get("vc") {
            return vc.clone();
        }
        let mut credential = self.claims.clone();
        for claim in REGISTERED_CLAIMS {
            credential.remove(claim);
        }
        Value::Object(credential)
    }
}

/// The signature algorithm the header names, after the header rules of
/// OB 3.0 §8.2.4: only `alg`, `kid`, `jwk` and `typ`; `alg` present and
/// one of `EdDSA`, `ES256`, `RS256` (`none` refused, RFC 7518 §3.6; HMAC
/// refused: a shared secret proves nothing to a third party; other
/// asymmetric algorithms are `unknown`); `typ`, when present, `JWT`
/// (compared case-insensitively, RFC 7515 §4.1.9); `kid` a string.
pub fn header_algorithm(header: &Map<String, Value>) -> Result<Algorithm, JwtError> {
    if let Some(extra) = header
        .keys()
        .find(|k| !HEADER_MEMBERS.contains(&k.as_str()))
    {
        return Err(JwtError::invalid(
            "jwt_header_field",
            format!(
                "the JOSE header has the member '{}'; OB 3.0 §8.2.4 allows only alg, kid, jwk \
                 and typ",
                crate::keys::truncate(extra)
            ),
        ));
    }
    if let Some(typ) = header.get("typ")
        && !typ.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT"))
    {
        return Err(JwtError::invalid(
            "jwt_header_field",
            format!("the JOSE header 'typ' is {typ}, not \"JWT\" (OB 3.0 §8.2.4)"),
        ));
    }
    if header.get("kid").is_some_and(|k| !k.is_string()) {
        return Err(JwtError::invalid(
            "jwt_header_field",
            "the JOSE header 'kid' is not a string",
        ));
    }
    let alg = match header.get("alg") {
        None => {
            return Err(JwtError::invalid(
                "jwt_alg_missing",
                "the JOSE header has no 'alg' (OB 3.0 §8.2.4: required)",
            ));
        }
        Some(Value::String(alg)) => alg.as_str(),
        Some(other) => {
            return Err(JwtError::invalid(
                "jwt_alg_missing",
                format!("the JOSE header 'alg' is {other}, not a string"),
            ));
        }
    };
    match alg {
        "EdDSA" => Ok(Algorithm::EdDSA),
        "ES256" => Ok(Algorithm::ES256),
        "RS256" => Ok(Algorithm::RS256),
        "none" => Err(JwtError::invalid(
            "jwt_alg_none",
            "'alg' is \"none\": an unsecured JWS carries no proof (RFC 7518 §3.6)",
        )),
        "HS256" | "HS384" | "HS512" => Err(JwtError::invalid(
            "jwt_alg_unsupported",
            format!("'alg' {alg} is a shared-secret MAC, not a signature a verifier can check"),
        )),
        other => Err(JwtError::unknown(
            "jwt_alg_unsupported",
            format!(
                "'alg' {} is not supported (EdDSA, ES256 and RS256 are)",
                crate::keys::truncate(other)
            ),
        )),
    }
}

/// The key a VC-JWT is checked with, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwsKey {
    /// The public key.
    pub jwk: PublicJwk,
    /// The `kid` it was resolved from, or `None` for the header's `jwk`.
    pub kid: Option<String>,
    /// The controller of a resolved key (the credential's issuer must be
    /// it); `None` for a header `jwk`, which no document binds to anyone.
    pub controller: Option<String>,
}

fn header_jwk(header: &Map<String, Value>) -> Option<Result<PublicJwk, JwtError>> {
    header.get("jwk").map(|jwk| {
        PublicJwk::from_value(jwk).map_err(|e| JwtError {
            code: e.code,
            message: format!("the JOSE header 'jwk': {e}"),
            unknown: e.code == "jwk_unsupported",
        })
    })
}

/// The key of OB 3.0 §8.2.5 steps 2–3: `kid` dereferenced as a DID URL
/// (`did:jwk` decoded here, anything else through `resolver`), else the
/// header's `jwk` (never with a private member). When `kid` cannot be
/// resolved (not an absolute URL, or `unknown`) the `jwk` is used if present.
/// Neither: `unknown` (`jwt_key_unknown`).
pub async fn header_key(
    header: &Map<String, Value>,
    resolver: &dyn KeyResolver,
) -> Result<JwsKey, JwtError> {
    let jwk = header_jwk(header).transpose()?;
    let fallback = |e: JwtError| match &jwk {
        Some(jwk) if e.unknown => Ok(JwsKey {
            jwk: jwk.clone(),
            kid: None,
            controller: None,
        }),
        _ => Err(e),
    };
    if let Some(kid) = header.get("kid").and_then(Value::as_str) {
        if kid.starts_with("did:jwk:") {
            let m =
                resolve_did_jwk(kid).map_err(|e| JwtError::invalid(e.code, format!("kid {e}")))?;
            return Ok(JwsKey {
                jwk: m.jwk,
                kid: Some(m.id),
                controller: Some(m.controller),
            });
        }
        if !kid.contains(':') {
            return fallback(JwtError::unknown(
                "jwt_key_unknown",
                format!(
                    "'kid' {} is not a URL to dereference, and the header has no 'jwk'",
                    crate::keys::truncate(kid)
                ),
            ));
        }
        return match resolver.resolve_jwk(kid).await {
            Ok(m) => Ok(JwsKey {
                jwk: m.jwk,
                kid: Some(m.id),
                controller: Some(m.controller),
            }),
            Err(e) => fallback(e.into()),
        };
    }
    fallback(JwtError::unknown(
        "jwt_key_unknown",
        "the JOSE header names no key: neither 'kid' nor 'jwk' (OB 3.0 §8.2.5)",
    ))
}

fn decoding_key(jwk: &PublicJwk) -> Result<DecodingKey, jsonwebtoken::errors::Error> {
    let m = |name| jwk.member(name).unwrap_or_default();
    match jwk.kind() {
        JwkKind::Ed25519 => DecodingKey::from_ed_components(m("x")),
        JwkKind::P256 => DecodingKey::from_ec_components(m("x"), m("y")),
        JwkKind::Rsa => DecodingKey::from_rsa_components(m("n"), m("e")),
    }
}

/// RFC 7515 §5.2 step 8: validates the JWS signature over
/// `ASCII(BASE64URL(header) || '.' || BASE64URL(payload))` with `key`,
/// whose type must be the one `alg` names.
pub fn verify_signature(jws: &CompactJws, alg: Algorithm, key: &PublicJwk) -> Result<(), JwtError> {
    let expected = key.kind().jws_alg();
    let named = match alg {
        Algorithm::EdDSA => "EdDSA",
        Algorithm::ES256 => "ES256",
        Algorithm::RS256 => "RS256",
        _ => "another algorithm",
    };
    if expected != named {
        return Err(JwtError::invalid(
            "jwt_key_mismatch",
            format!("'alg' is {named} but the key is for {expected}"),
        ));
    }
    let key = decoding_key(key)
        .map_err(|e| JwtError::invalid("key_invalid", format!("the key cannot be used: {e}")))?;
    match jsonwebtoken::crypto::verify(&jws.signature, jws.signing_input.as_bytes(), &key, alg) {
        Ok(true) => Ok(()),
        Ok(false) => Err(JwtError::invalid(
            "signature_invalid",
            "the JWS signature does not verify",
        )),
        Err(e) => Err(JwtError::invalid(
            "signature_invalid",
            format!("the JWS signature cannot be checked: {e}"),
        )),
    }
}

/// A verified JWS: its algorithm and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwsVerified {
    /// The JWS `alg`: `EdDSA`, `ES256` or `RS256`.
    pub alg: &'static str,
    /// The key that verified it.
    pub key: JwsKey,
}

/// Checks the header, finds the key and validates the signature of a
/// parsed compact JWS (OB 3.0 §8.2.5 steps 1–4); the claims are compared
/// separately ([`check_claims`]).
pub async fn verify_jws(
    jws: &CompactJws,
    resolver: &dyn KeyResolver,
) -> Result<JwsVerified, JwtError> {
    let alg = header_algorithm(&jws.header)?;
    let key = header_key(&jws.header, resolver).await?;
    verify_signature(jws, alg, &key.jwk)?;
    Ok(JwsVerified {
        alg: key.jwk.kind().jws_alg(),
        key,
    })
}

/// Parses and verifies a compact JWS in one call (for an embedded
/// `endorsementJwt`, OB 3.0 §B.1.3, or any other VC-JWT given as text):
/// the parsed token (its [`CompactJws::credential`] is what was signed) and
/// the key that verified it. The claims still have to be compared with
/// [`check_claims`], and the key's controller with the issuer.
pub async fn verify_compact_jws(
    text: &str,
    resolver: &dyn KeyResolver,
) -> Result<(CompactJws, JwsVerified), JwtError> {
    let jws = parse_compact_jws(text)?;
    let verified = verify_jws(&jws, resolver).await?;
    Ok((jws, verified))
}

/// The credential fields the JWT claims stand for (OB 3.0 §8.2.3).
#[derive(Debug, Clone, Copy)]
pub struct CredentialFields<'a> {
    /// `issuer` or `issuer.id` (claim `iss`).
    pub issuer: &'a str,
    /// `id` (claim `jti`).
    pub id: Option<&'a str>,
    /// `credentialSubject.id` (claim `sub`).
    pub subject: Option<&'a str>,
    /// `validFrom` or VC 1.1 `issuanceDate` (claim `nbf`).
    pub valid_from: Option<DateTime<Utc>>,
    /// `validUntil` or VC 1.1 `expirationDate` (claim `exp`).
    pub valid_until: Option<DateTime<Utc>>,
}

fn string_claim(
    claims: &Map<String, Value>,
    claim: &'static str,
    field: Option<&str>,
    name: &str,
) -> Result<(), JwtError> {
    match (claims.get(claim), field) {
        (Some(Value::String(c)), Some(f)) if c == f => Ok(()),
        (None, _) => Ok(()),
        (Some(c), f) => Err(JwtError::invalid(
            "jwt_claim_mismatch",
            format!(
                "claim '{claim}' is {} but the credential's {name} is {} (OB 3.0 §8.2.5)",
                crate::keys::truncate(&c.to_string()),
                f.map_or_else(
                    || "absent".to_owned(),
                    |f| format!("\"{}\"", crate::keys::truncate(f))
                )
            ),
        )),
    }
}

fn date_claim(
    claims: &Map<String, Value>,
    claim: &'static str,
    field: Option<DateTime<Utc>>,
    name: &str,
) -> Result<(), JwtError> {
    let seconds = |v: &Value| {
        v.as_i64().or_else(|| {
            v.as_f64()
                .filter(|f| f.is_finite())
                .map(|f| f.floor() as i64)
        })
    };
    match (claims.get(claim), field) {
        (Some(c), Some(f)) if seconds(c) == Some(f.timestamp()) => Ok(()),
        (None, _) => Ok(()),
        (Some(c), f) => Err(JwtError::invalid(
            "jwt_claim_mismatch",
            format!(
                "claim '{claim}' is {} but the credential's {name} is {} (OB 3.0 §8.2.5, compared to the second)",
                crate::keys::truncate(&c.to_string()),
                f.map_or_else(
                    || "absent".to_owned(),
                    |f| format!("{} ({})", f.format("%Y-%m-%dT%H:%M:%SZ"), f.timestamp())
                )
            ),
        )),
    }
}

/// OB 3.0 §8.2.5 step 5: each claim present equals the credential field
/// it stands for — `iss` the issuer id, `jti` the id, `sub` the subject
/// id, `nbf` and `exp` the validity dates as NumericDates (RFC 7519 §2,
/// compared to the second); a claim without its field disagrees. An absent
/// claim is no failure: the credential's own fields are what the other
/// checks use, and 1EdTech's own baked VC-JWT examples leave `sub` out.
/// One result per claim, in that order.
pub fn check_claims(
    jws: &CompactJws,
    fields: &CredentialFields<'_>,
) -> [(&'static str, Result<(), JwtError>); 5] {
    let c = &jws.claims;
    [
        (
            "iss",
            string_claim(c, "iss", Some(fields.issuer), "issuer id"),
        ),
        ("jti", string_claim(c, "jti", fields.id, "id")),
        (
            "sub",
            string_claim(c, "sub", fields.subject, "credentialSubject.id"),
        ),
        ("nbf", date_claim(c, "nbf", fields.valid_from, "validFrom")),
        (
            "exp",
            date_claim(c, "exp", fields.valid_until, "validUntil"),
        ),
    ]
}

#[cfg(test)]
#[path = "jwt_tests.rs"]
mod tests;
