//! JSON-LD contexts compiled into the binary, and the offline document loader.
//!
//! VC Data Integrity 1.0 §2.4.1 and §4.6 ask verifiers to validate contexts
//! against an allow-list; serving only local, hash-checked copies is the
//! accepted way to do that. Every context is checked against its SHA-256 on
//! first use (see [`check_all`]); an unknown URL is an error and nothing is
//! ever fetched. Provenance and licences: `schemas/contexts/SOURCE.md`.

use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// One compiled-in JSON-LD context document.
#[derive(Debug)]
pub struct Context {
    /// The URL exactly as it appears in `@context`.
    pub url: &'static str,
    /// The document bytes.
    pub bytes: &'static [u8],
    /// Expected SHA-256 of `bytes`, lower-case hex.
    pub sha256: &'static str,
}

macro_rules! ctx {
    ($url:literal, $file:literal, $sha:literal) => {
        Context {
            url: $url,
            bytes: include_bytes!(concat!("../schemas/contexts/", $file)),
            sha256: $sha,
        }
    };
}

/// VC Data Model 2.0 base context URL (VCDM 2.0 §4.3: always first).
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// VC Data Model 1.1 base context URL.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// Open Badges 3.0 context, current version (OB 3.0 §2.6 of our STANDARDS digest).
pub const OB_V3P0_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// Bitstring Status List v1.0 context (BSL §5.2).
pub const STATUS_V1: &str = "https://www.w3.org/ns/credentials/status/v1";
/// Data Integrity v2 context (VC-DI §2.4).
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
/// Multikey v1 context (CID 1.0 / VC-DI §2.4).
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
/// DID Core v1 context.
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
/// Rosette's own context of verification receipts (`VerificationReceipt`
/// and the terms of its `credentialSubject`; `crate::verification::receipt`).
/// A fixed identifier, never fetched: every Rosette holds the same copy
/// and also serves it at `GET /contexts/receipt/v1`.
pub const RECEIPT_V1: &str = "https://w3id.org/rosette/receipt/v1";

/// Every context Rosette knows. Nothing else is ever loaded.
pub static CONTEXTS: &[Context] = &[
    ctx!(
        "https://www.w3.org/ns/credentials/v2",
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    ),
    ctx!(
        "https://www.w3.org/ns/credentials/examples/v2",
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c"
    ),
    ctx!(
        "https://www.w3.org/ns/credentials/undefined-terms/v2",
        "credentials-undefined-terms-v2.jsonld",
        "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581"
    ),
    ctx!(
        "https://www.w3.org/ns/credentials/status/v1",
        "credentials-status-v1.jsonld",
        "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7"
    ),
    ctx!(
        "https://www.w3.org/2018/credentials/v1",
        "credentials-v1.jsonld",
        "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"
    ),
    ctx!(
        "https://w3id.org/security/data-integrity/v2",
        "security-data-integrity-v2.jsonld",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4"
    ),
    ctx!(
        "https://w3id.org/security/data-integrity/v1",
        "security-data-integrity-v1.jsonld",
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554"
    ),
    ctx!(
        "https://w3id.org/security/multikey/v1",
        "security-multikey-v1.jsonld",
        "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597"
    ),
    ctx!(
        "https://w3id.org/security/jwk/v1",
        "security-jwk-v1.jsonld",
        "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece"
    ),
    ctx!(
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "security-suites-ed25519-2020-v1.jsonld",
        "3db5c19efb0047a6edfd3b36e24346a8a3caad369d749e3c2d69e862696403e5"
    ),
    ctx!(
        "https://w3id.org/vc/status-list/2021/v1",
        "vc-status-list-2021-v1.jsonld",
        "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160"
    ),
    ctx!(
        "https://www.w3.org/ns/did/v1",
        "did-v1.jsonld",
        "4f3eae5568c9c5f036a082088f9e192019ee06faa78973c87ff91d5421b88dad"
    ),
    ctx!(
        "https://www.w3.org/ns/cid/v1",
        "cid-v1.jsonld",
        "ea216ecc1cb02cd39b693dba2250141e270ba0bf95890be107dd9a9e8e43de85"
    ),
    ctx!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "ob-v3p0-context-3.0.3.json",
        "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84"
    ),
    ctx!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "ob-v3p0-context-3.0.2.json",
        "bba433989e1e700ca60838a3c22378e7d8381aeb0c9590f9ddf84d1714f10296"
    ),
    ctx!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "ob-v3p0-context-3.0.1.json",
        "cfc147db5fd5e3575b06bd471fe04784e92de69296f64a351b8dff0ec3372e9c"
    ),
    ctx!(
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "ob-v3p0-context.json",
        "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10"
    ),
    ctx!(
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "ob-v3p0-extensions.json",
        "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3"
    ),
    ctx!(
        "https://w3id.org/rosette/receipt/v1",
        "rosette-receipt-v1.jsonld",
        "8c3eb0629431911f540badf97c4f1de8aef98e48c7ff91f5a43573a9dd944f10"
    ),
];

/// Why a context could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// The URL is not one of the compiled-in contexts; Rosette never fetches one.
    #[error(
        "unknown JSON-LD context {0:?}: only compiled-in contexts are used, nothing is fetched"
    )]
    Unknown(String),
    /// A compiled-in copy does not have its expected SHA-256 (a corrupted build).
    #[error("compiled-in context {url} has SHA-256 {actual}, expected {expected}")]
    HashMismatch {
        /// The context URL.
        url: &'static str,
        /// Expected digest.
        expected: &'static str,
        /// Computed digest.
        actual: String,
    },
}

/// Checks every compiled-in context against its SHA-256 once per process;
/// later calls return the first result.
pub fn check_all() -> Result<(), ContextError> {
    static CHECKED: OnceLock<Result<(), ContextError>> = OnceLock::new();
    CHECKED
        .get_or_init(|| {
            for c in CONTEXTS {
                let actual = hex::encode(Sha256::digest(c.bytes));
                if actual != c.sha256 {
                    return Err(ContextError::HashMismatch {
                        url: c.url,
                        expected: c.sha256,
                        actual,
                    });
                }
            }
            Ok(())
        })
        .clone()
}

/// The offline document loader: the compiled-in copy of `url`, hash-checked.
pub fn load(url: &str) -> Result<&'static Context, ContextError> {
    check_all()?;
    CONTEXTS
        .iter()
        .find(|c| c.url == url)
        .ok_or_else(|| ContextError::Unknown(url.to_owned()))
}

/// The parsed JSON of a compiled-in context, parsed once per process.
pub fn parsed(url: &str) -> Result<&'static serde_json::Value, ContextError> {
    static PARSED: OnceLock<Vec<serde_json::Value>> = OnceLock::new();
    let ctx = load(url)?;
    let all = PARSED.get_or_init(|| {
        CONTEXTS
            .iter()
            .map(|c| serde_json::from_slice(c.bytes).unwrap_or(serde_json::Value::Null))
            .collect()
    });
    let idx = CONTEXTS
        .iter()
        .position(|c| std::ptr::eq(c, ctx))
        .ok_or_else(|| ContextError::Unknown(url.to_owned()))?;
    match &all[idx] {
        serde_json::Value::Null => Err(ContextError::Unknown(url.to_owned())),
        v => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_context_matches_its_hash_and_parses() {
        check_all().expect("hashes");
        for c in CONTEXTS {
            let v = parsed(c.url).expect(c.url);
            assert!(v.get("@context").is_some(), "{} has no @context", c.url);
        }
    }

    #[test]
    fn unknown_url_is_refused() {
        assert_eq!(
            load("https://example.com/ctx").unwrap_err(),
            ContextError::Unknown("https://example.com/ctx".into())
        );
        assert!(load("https://www.w3.org/ns/credentials/v2/").is_err());
    }
}
