//! Ed25519 keys and the identifiers that name them: Multikey and multibase
//! encodings, `did:key`, `did:web` documents, controller-document parsing,
//! the signing seam ([`CredentialSigner`]), the key resolver trait
//! ([`KeyResolver`]) and the rotation history ([`KeyHistory`]).
//!
//! This module is part of the pure core: it opens no file or socket and
//! reads no clock or environment variable. Key files are read and written by
//! the binary's `cli` module; documents are fetched by whoever implements
//! [`KeyResolver`] over the network. Randomness is passed in:
//! [`generate_signing_key`] draws from the generator its caller gives it.
//!
//! # Specifications
//!
//! | item | specification |
//! |---|---|
//! | [`public_key_multibase`], [`VerificationMethod::to_multikey_json`] | Controlled Identifiers (CID) 1.0 §2.2.2 Multikey, §2.4 Multibase |
//! | [`encode_secret_key_multibase`], [`decode_secret_key`] | CID 1.0 §2.2.2 (secretKeyMultibase, header `0x8026`); RFC 8410 §7 / RFC 5958 (PKCS#8) |
//! | [`did_key`], [`resolve_did_key`], [`did_key_document`] | did:key Method v0.7, "The did:key Format" and "Document Creation Algorithm" |
//! | [`did_web_from_base_url`], [`did_web_to_url`], [`did_web_resolution_url`], [`did_web_document`] | did:web Method, "Method-specific identifier" and "Read (Resolve)" |
//! | [`method_from_controller_document`] | CID 1.0 §3.3 Retrieve Verification Method; DID Core §5.3 |
//! | [`PublicJwk`], [`resolve_did_jwk`], [`jwk_method_from_controller_document`], [`assertion_method_with_key`] | RFC 7517 §4, RFC 7518 §6, RFC 8037 §2; did:jwk Method; CID 1.0 §2.2.3 JsonWebKey |
//!
//! # Interoperability decisions
//!
//! * Verification-method ids are always absolute (`did#z6Mk…`), and every
//!   method is listed by that absolute id under `assertionMethod`: the
//!   Digital Bazaar verifier compares absolute strings, and rejects relative
//!   `#key-1` references.
//! * The method's `controller` is the issuer id, as both the Digital Bazaar
//!   library and the 1EdTech validator require.
//! * A public key named only in a URL fragment (`https://issuer.example/#z6Mk…`)
//!   is never trusted on its own by [`OfflineResolver`]: a fragment proves
//!   nothing about who holds the key.

mod did_key;
mod did_web;
mod document;
mod history;
mod jwk;
mod multikey;
mod resolver;
mod signer;

pub use ed25519_dalek::{SigningKey, VerifyingKey};

pub use did_key::{did_key, did_key_document, resolve_did_key};
pub use did_web::{
    did_web_document, did_web_from_base_url, did_web_resolution_url, did_web_to_url,
};
pub use document::{
    VerificationMethod, authentication_method_from_controller_document,
    method_from_controller_document,
};
pub use history::KeyHistory;
pub use jwk::{
    JwkError, JwkKind, JwkMethod, MAX_RSA_BITS, MIN_RSA_BITS, PublicJwk, assertion_method_with_key,
    jwk_method_from_controller_document, resolve_did_jwk,
};
pub use multikey::{
    ED25519_PRIV_HEADER, ED25519_PUB_HEADER, decode_public_key_multibase, decode_secret_key,
    encode_pkcs8_pem, encode_secret_key_multibase, generate_signing_key, public_key_multibase,
};
pub use resolver::{KeyResolver, OfflineResolver, ResolveError};
pub use signer::{CredentialSigner, IssuerKey};

/// JSON-LD context of DID documents (DID Core 1.0 §4.1 / DID v1 context).
pub const DID_CONTEXT_V1: &str = "https://www.w3.org/ns/did/v1";

/// JSON-LD context defining the `Multikey` type (CID 1.0 §2.2.2; the
/// `https://w3id.org/security/multikey/v1` context).
pub const MULTIKEY_CONTEXT_V1: &str = "https://w3id.org/security/multikey/v1";

/// Errors from parsing, encoding or checking keys and key documents.
///
/// No variant carries secret key material: messages about secret keys name
/// only the format problem (header bytes, lengths, character positions).
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The input was empty (after trimming white space).
    #[error("empty {what}")]
    Empty {
        /// What was expected (e.g. "public key multibase").
        what: &'static str,
    },
    /// The multibase header character is not the one required
    /// (CID 1.0 §2.4: `z` = base58btc).
    #[error("bad multibase prefix '{found}' (expected '{expected}')")]
    MultibasePrefix {
        /// The header character found.
        found: char,
        /// The header character required.
        expected: char,
    },
    /// The multibase body is not valid base58btc.
    #[error("invalid base58btc in {what}: {detail}")]
    Base58 {
        /// What was being decoded.
        what: &'static str,
        /// What was wrong (position, never the secret characters).
        detail: String,
    },
    /// A base64url value (e.g. a JWK `x`) could not be decoded.
    #[error("invalid base64url in {what}: {detail}")]
    Base64 {
        /// What was being decoded.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// The multicodec header is not Ed25519 public key `0xed01`.
    #[error("not an Ed25519 Multikey (header 0x{found}, expected 0xed01)")]
    NotEd25519PublicKey {
        /// Hex of the (up to two) header bytes found.
        found: String,
    },
    /// The multicodec header is not Ed25519 secret key `0x8026`.
    #[error("not an Ed25519 secret key multibase (header 0x{found}, expected 0x8026){hint}")]
    NotEd25519SecretKey {
        /// Hex of the (up to two) header bytes found.
        found: String,
        /// Extra hint, e.g. when a public key was given instead.
        hint: &'static str,
    },
    /// Decoded data has the wrong length.
    #[error("wrong length for {what}: {found} bytes (expected {expected})")]
    Length {
        /// What was decoded.
        what: &'static str,
        /// Allowed length(s), human readable.
        expected: &'static str,
        /// Length found.
        found: usize,
    },
    /// The 32 bytes are not a valid Ed25519 public key (not a canonical
    /// encoding of a curve point, or a weak small-order point).
    #[error("invalid Ed25519 public key: {0}")]
    InvalidPublicKey(&'static str),
    /// A 64-byte secret key (seed ‖ public) whose public half does not match
    /// the public key derived from the seed.
    #[error("secret key's public half does not match the key derived from its seed")]
    KeypairMismatch,
    /// PEM / PKCS#8 decoding or encoding failed.
    #[error("bad PEM secret key: {0}")]
    Pem(String),
    /// The text is neither PKCS#8 PEM nor a multibase secret key.
    #[error(
        "unrecognised secret key format (expected PKCS#8 PEM \"-----BEGIN PRIVATE KEY-----\" \
         or a multibase secret key starting with 'z')"
    )]
    UnrecognisedSecretKey,
    /// A key uses an algorithm or representation this module does not
    /// support (anything but Ed25519).
    #[error("unsupported key: {0}")]
    UnsupportedKey(String),
    /// A malformed `did:key` identifier or DID URL.
    #[error("invalid did:key: {0}")]
    DidKey(String),
    /// A malformed `did:web` identifier.
    #[error("invalid did:web: {0}")]
    DidWeb(String),
    /// A base URL that cannot be turned into a `did:web` identifier.
    #[error("invalid base URL for did:web: {0}")]
    BaseUrl(String),
    /// A controller or issuer identifier that cannot control a key.
    #[error("invalid issuer identifier: {0}")]
    Issuer(String),
    /// The random number generator given to [`generate_signing_key`]
    /// failed.
    #[error("random number generator failed: {0}")]
    Random(String),
    /// A controller (DID) document failed a rule of CID 1.0 §3.3 "Retrieve
    /// Verification Method". `code` is the CID error name (without the
    /// `https://w3id.org/security#` prefix).
    #[error("{code}: {message}")]
    ControllerDocument {
        /// CID error name, e.g. `INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID`.
        code: &'static str,
        /// Which rule failed, with the offending values.
        message: String,
    },
}

impl KeyError {
    /// Whether this error only means "a key of another algorithm" (so a
    /// document listing it may still have usable Ed25519 keys).
    pub fn is_unsupported_key(&self) -> bool {
        matches!(
            self,
            KeyError::UnsupportedKey(_) | KeyError::NotEd25519PublicKey { .. }
        )
    }
}

/// Shortens untrusted input echoed in error messages.
pub(crate) fn truncate(s: &str) -> String {
    const MAX: usize = 120;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}
