//! The signing seam: a verification method id and a sign operation.

use ed25519_dalek::Signer as _;

use super::did_key::did_key;
use super::did_web::{did_web_from_base_url, did_web_to_url};
use super::multikey::public_key_multibase;
use super::{KeyError, SigningKey, VerificationMethod, VerifyingKey, truncate};

/// The narrow signing seam used by the proof module (in the style of
/// rustls' `SigningKey`): which verification method signs, on behalf of
/// which issuer, and the Ed25519 signature (RFC 8032 §5.1.6) over bytes
/// already prepared per the cryptosuite (EdDSA Cryptosuites v1.0 §3.2.6 /
/// §3.3.6 Proof Serialization).
pub trait CredentialSigner: Send + Sync {
    /// Absolute id of the verification method, written to
    /// `proof.verificationMethod` (Data Integrity 1.0 §2.1).
    fn verification_method(&self) -> &str;
    /// The identifier (DID or URL) that controls the key; credentials
    /// signed with it must have this issuer id (VCDM 2.0 §4.7; the Digital
    /// Bazaar and 1EdTech verifiers compare the method's controller with
    /// the issuer id).
    fn issuer(&self) -> &str;
    /// Signs `message` with Ed25519 and returns the 64-byte signature.
    fn sign(&self, message: &[u8]) -> [u8; 64];
}

/// An Ed25519 key bound to its issuer identifier; the pairing is checked
/// when it is built. `Debug` prints the issuer and the verification method
/// id only, never key bytes.
pub struct IssuerKey {
    key: SigningKey,
    issuer: String,
    verification_method: String,
}

impl IssuerKey {
    /// A `did:key` issuer (did:key Method v0.7): issuer = `did:key:z…`,
    /// verification method = `did:key:z…#z…`.
    pub fn did_key(key: SigningKey) -> Self {
        let did = did_key(&key.verifying_key());
        let verification_method = format!("{did}#{}", public_key_multibase(&key.verifying_key()));
        IssuerKey {
            key,
            issuer: did,
            verification_method,
        }
    }

    /// A `did:web` issuer (did:web Method Specification): `did` must be a
    /// valid `did:web:…` DID (not a DID URL); verification method =
    /// `did#z6Mk…`, as listed by [`super::did_web_document`].
    pub fn did_web(key: SigningKey, did: &str) -> Result<Self, KeyError> {
        did_web_to_url(did)?;
        Ok(Self::with_controller(key, did))
    }

    /// An https issuer URL (the `issuer.id` of the credential, e.g. the
    /// issuer's profile URL), with verification method `url#z6Mk…` (the
    /// form the 1EdTech validator resolves from the fragment alone, STANDARDS
    /// §2.10; publish a CID 1.0 §2.1 controller document at the URL for other
    /// verifiers). The URL follows the did:web base-URL rules: https, or http
    /// for loopback hosts only; no query or fragment; no IP literal except
    /// loopback. It is kept exactly as given.
    pub fn url(key: SigningKey, issuer_url: &str) -> Result<Self, KeyError> {
        did_web_from_base_url(issuer_url).map_err(|e| match e {
            KeyError::BaseUrl(m) => KeyError::Issuer(format!("'{}': {m}", truncate(issuer_url))),
            other => other,
        })?;
        Ok(Self::with_controller(key, issuer_url))
    }

    fn with_controller(key: SigningKey, controller: &str) -> Self {
        let verification_method = format!(
            "{controller}#{}",
            public_key_multibase(&key.verifying_key())
        );
        IssuerKey {
            key,
            issuer: controller.to_owned(),
            verification_method,
        }
    }

    /// The public half of the key.
    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The verification method this key signs as (CID 1.0 §2.2), e.g. to
    /// register it with an [`super::OfflineResolver`].
    pub fn method(&self) -> VerificationMethod {
        VerificationMethod {
            id: self.verification_method.clone(),
            controller: self.issuer.clone(),
            public_key: self.key.verifying_key(),
        }
    }
}

impl std::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerKey")
            .field("issuer", &self.issuer)
            .field("verification_method", &self.verification_method)
            .finish_non_exhaustive()
    }
}

impl CredentialSigner for IssuerKey {
    fn verification_method(&self) -> &str {
        &self.verification_method
    }

    fn issuer(&self) -> &str {
        &self.issuer
    }

    fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{decode_secret_key, encode_secret_key_multibase, resolve_did_key};
    use ed25519_dalek::{Signature, Verifier as _};

    const W3C_PRIVATE: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
    const W3C_PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

    fn test_key() -> SigningKey {
        decode_secret_key(W3C_PRIVATE).unwrap()
    }

    #[test]
    fn did_key_issuer() {
        let signer = IssuerKey::did_key(test_key());
        let did = format!("did:key:{W3C_PUBLIC}");
        assert_eq!(signer.issuer(), did);
        assert_eq!(signer.verification_method(), format!("{did}#{W3C_PUBLIC}"));
        assert_eq!(
            resolve_did_key(signer.verification_method()).unwrap(),
            signer.method()
        );
        let sig = signer.sign(b"hello");
        signer
            .public_key()
            .verify(b"hello", &Signature::from_bytes(&sig))
            .unwrap();
        assert!(
            signer
                .public_key()
                .verify(b"hellO", &Signature::from_bytes(&sig))
                .is_err()
        );
    }

    #[test]
    fn did_web_issuer() {
        let signer = IssuerKey::did_web(test_key(), "did:web:example.com:issuers:a").unwrap();
        assert_eq!(signer.issuer(), "did:web:example.com:issuers:a");
        assert_eq!(
            signer.verification_method(),
            format!("did:web:example.com:issuers:a#{W3C_PUBLIC}")
        );
        assert!(matches!(
            IssuerKey::did_web(test_key(), "did:key:z6Mk"),
            Err(KeyError::DidWeb(_))
        ));
        assert!(matches!(
            IssuerKey::did_web(test_key(), "did:web:example.com#key-1"),
            Err(KeyError::DidWeb(_))
        ));
    }

    #[test]
    fn url_issuer() {
        let signer = IssuerKey::url(test_key(), "https://issuer.example/profile").unwrap();
        assert_eq!(signer.issuer(), "https://issuer.example/profile");
        assert_eq!(
            signer.verification_method(),
            format!("https://issuer.example/profile#{W3C_PUBLIC}")
        );
        assert_eq!(
            IssuerKey::url(test_key(), "http://issuer.example")
                .unwrap_err()
                .to_string(),
            "invalid issuer identifier: 'http://issuer.example': http is only allowed for \
             loopback hosts (127.0.0.1, localhost); use https for 'issuer.example'"
        );
        assert!(matches!(
            IssuerKey::url(test_key(), "https://issuer.example/#x"),
            Err(KeyError::Issuer(_))
        ));
    }

    #[test]
    fn debug_never_shows_secret() {
        let key = test_key();
        let secret_hex = hex::encode(key.to_bytes());
        let secret_b58 = bs58::encode(key.to_bytes()).into_string();
        let secret_mb = encode_secret_key_multibase(&key).to_string();
        let signer = IssuerKey::did_web(key, "did:web:example.com").unwrap();
        let debug = format!("{signer:?}");
        let pretty = format!("{signer:#?}");
        for text in [&debug, &pretty] {
            assert!(!text.contains(&secret_hex), "{text}");
            assert!(!text.contains(&secret_b58), "{text}");
            assert!(!text.contains(&secret_mb), "{text}");
            assert!(!text.contains(&secret_mb[1..]), "{text}");
        }
        assert_eq!(
            debug,
            format!(
                "IssuerKey {{ issuer: \"did:web:example.com\", verification_method: \
                 \"did:web:example.com#{W3C_PUBLIC}\", .. }}"
            )
        );
    }

    #[test]
    fn usable_as_trait_object() {
        let signer: Box<dyn CredentialSigner> = Box::new(IssuerKey::did_key(test_key()));
        assert_eq!(signer.sign(b"x").len(), 64);
    }
}
