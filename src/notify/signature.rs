//! Webhook signatures after the Standard Webhooks specification
//! (<https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md>,
//! "Signature scheme", "Verifying webhook authenticity"): HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}` with the subscription's secret,
//! sent as `webhook-signature: v1,<base64>`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Prefix of a signing secret (the convention's `whsec_`).
pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a new secret (the convention asks for 24 to 64).
pub const SECRET_BYTES: usize = 32;
/// How far a timestamp may be from the receiver's clock (the convention's
/// suggested tolerance, 5 minutes).
pub const TIMESTAMP_TOLERANCE_SECS: i64 = 300;

/// The secret for these random bytes: `whsec_` and their base64.
pub fn secret_from_bytes(bytes: &[u8; SECRET_BYTES]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// Why a signature does not check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The secret is not `whsec_` and base64.
    #[error("the secret is not whsec_ followed by base64")]
    BadSecret,
    /// The timestamp is not a whole number of seconds, or too far from now.
    #[error("the webhook-timestamp is missing, malformed or outside the tolerance")]
    Timestamp,
    /// No `v1` signature in the header matches.
    #[error("no v1 signature matches")]
    Mismatch,
}

fn mac(
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<Hmac<Sha256>, SignatureError> {
    let key = secret
        .strip_prefix(SECRET_PREFIX)
        .and_then(|b64| STANDARD.decode(b64).ok())
        .filter(|k| !k.is_empty())
        .ok_or(SignatureError::BadSecret)?;
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&key).map_err(|_| SignatureError::BadSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// The `webhook-signature` header value for one message: `v1,<base64>`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, SignatureError> {
    let tag = mac(secret, id, timestamp, body)?.finalize().into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(tag)))
}

/// Checks a received message as a receiver would: the timestamp within
/// [`TIMESTAMP_TOLERANCE_SECS`] of `now` (unix seconds), and one of the
/// space-separated `v1,` signatures matching (compared in constant time).
pub fn verify(
    secret: &str,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Timestamp)?;
    if (now - ts).abs() > TIMESTAMP_TOLERANCE_SECS {
        return Err(SignatureError::Timestamp);
    }
    for sig in signatures.split(' ') {
        let Some(b64) = sig.strip_prefix("v1,") else {
            continue;
        };
        let Ok(tag) = STANDARD.decode(b64) else {
            continue;
        };
        if mac(secret, id, ts, body)?.verify_slice(&tag).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks reference libraries' tests
    /// (secret, id, timestamp and payload), whose expected signature was
    /// computed independently with `openssl dgst -sha256 -hmac`.
    #[test]
    fn matches_an_independent_hmac() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let sig = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        verify(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            &sig,
            body,
            1614265330 + 10,
        )
        .unwrap();
    }

    #[test]
    fn a_changed_body_id_timestamp_or_secret_fails() {
        let secret = secret_from_bytes(&[7; SECRET_BYTES]);
        let sig = sign(&secret, "msg_1", 1000, b"{}").unwrap();
        assert!(verify(&secret, "msg_1", "1000", &sig, b"{}", 1000).is_ok());
        assert_eq!(
            verify(&secret, "msg_1", "1000", &sig, b"{ }", 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&secret, "msg_2", "1000", &sig, b"{}", 1000),
            Err(SignatureError::Mismatch)
        );
        let other = secret_from_bytes(&[8; SECRET_BYTES]);
        assert_eq!(
            verify(&other, "msg_1", "1000", &sig, b"{}", 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&secret, "msg_1", "1000", &sig, b"{}", 1000 + 301),
            Err(SignatureError::Timestamp)
        );
        assert_eq!(
            verify(&secret, "msg_1", "x", &sig, b"{}", 1000),
            Err(SignatureError::Timestamp)
        );
        // Several signatures (a rotated secret): any one matching is enough.
        let both = format!("v1,AAAA {sig}");
        assert!(verify(&secret, "msg_1", "1000", &both, b"{}", 1000).is_ok());
        assert_eq!(sign("secret", "m", 1, b""), Err(SignatureError::BadSecret));
    }
}
