//! Key resolution: from a verification-method URL to a public key.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::did_key::{did_key_document, resolve_did_key};
use super::document::method_from_controller_document;
use super::jwk::{JwkMethod, assertion_method_ids, jwk_method_from_controller_document};
use super::multikey::decode_public_key_multibase;
use super::{KeyError, VerificationMethod, truncate};
use crate::future::BoxFuture;

/// Why a verification method could not be resolved. Verification maps
/// [`ResolveError::Invalid`] to "invalid" and the other two to "unknown"
/// (could not check).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The method is not known to this resolver (e.g. did:web not fetched,
    /// https key URL offline) — verification reports "unknown".
    #[error("verification method not known: {0}")]
    Unknown(String),
    /// The identifier or document is malformed / inconsistent —
    /// verification reports "invalid".
    #[error("verification method invalid: {0}")]
    Invalid(String),
    /// Fetch failed (network etc.) — "unknown".
    #[error("verification method unreachable: {0}")]
    Unreachable(String),
    /// A fetched controller document is not well-formed JSON (e.g. a
    /// repeated member name, RFC 7493 §2.3) — "invalid", under the parser's
    /// own code (`json_duplicate_key`, `json_malformed`, `json_too_deep`).
    #[error("controller document refused: {message}")]
    Document {
        /// The parser's stable code.
        code: &'static str,
        /// What was wrong, and where the document came from.
        message: String,
    },
}

impl ResolveError {
    /// Stable machine code: `key_unknown`, `key_invalid`,
    /// `key_unreachable`, or the JSON parser's code for a malformed
    /// fetched document.
    pub fn code(&self) -> &'static str {
        match self {
            ResolveError::Unknown(_) => "key_unknown",
            ResolveError::Invalid(_) => "key_invalid",
            ResolveError::Unreachable(_) => "key_unreachable",
            ResolveError::Document { code, .. } => code,
        }
    }
}

impl From<KeyError> for ResolveError {
    /// A malformed identifier or document is "invalid".
    fn from(e: KeyError) -> Self {
        ResolveError::Invalid(e.to_string())
    }
}

/// Dereferences a verification-method URL (Data Integrity 1.0 §4.5
/// "Retrieve Verification Method", CID 1.0 §3.3) to an Ed25519 public key
/// and its controller. Implementations that fetch documents live outside
/// the pure core and must apply [`super::method_from_controller_document`]
/// to what they fetch.
pub trait KeyResolver: Send + Sync {
    /// Resolves `vm_url` (an absolute verification-method URL, usually
    /// `proof.verificationMethod`).
    fn resolve<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<VerificationMethod, ResolveError>>;

    /// The controller document (DID document, CID 1.0 §2.1) whose `id` is
    /// `id` (a DID or URL without fragment), checked as
    /// [`KeyResolver::resolve`] checks it, for methods this trait does not
    /// decode (e.g. `publicKeyJwk` of other curves). By default none is
    /// known.
    fn document<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Arc<Value>, ResolveError>> {
        Box::pin(std::future::ready(Err(ResolveError::Unknown(format!(
            "no controller document for '{}' is known",
            truncate(id)
        )))))
    }

    /// Resolves `vm_url` to a public JWK of any type VC-JWT accepts
    /// (Ed25519, P-256, RSA; Open Badges 3.0 §8.2.5 "dereference the `kid`"):
    /// the Ed25519 key of [`KeyResolver::resolve`], or else, when that key
    /// is not known, the method's `publicKeyJwk` in the controller document
    /// of [`KeyResolver::document`] (checked by
    /// [`super::jwk_method_from_controller_document`]).
    fn resolve_jwk<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<JwkMethod, ResolveError>> {
        Box::pin(async move {
            let first = match self.resolve(vm_url).await {
                Ok(method) => return Ok(JwkMethod::from(method)),
                Err(e @ ResolveError::Unknown(_)) => e,
                Err(e) => return Err(e),
            };
            let controller = vm_url.split_once('#').map_or(vm_url, |(id, _)| id);
            match self.document(controller).await {
                Ok(doc) => Ok(super::jwk_method_from_controller_document(&doc, vm_url)?),
                Err(_) => Err(first),
            }
        })
    }
}

impl<T: KeyResolver + ?Sized> KeyResolver for Arc<T> {
    fn resolve<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<VerificationMethod, ResolveError>> {
        (**self).resolve(vm_url)
    }

    fn document<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Arc<Value>, ResolveError>> {
        (**self).document(id)
    }

    fn resolve_jwk<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<JwkMethod, ResolveError>> {
        (**self).resolve_jwk(vm_url)
    }
}

impl<T: KeyResolver + ?Sized> KeyResolver for &T {
    fn resolve<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<VerificationMethod, ResolveError>> {
        (**self).resolve(vm_url)
    }

    fn document<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Arc<Value>, ResolveError>> {
        (**self).document(id)
    }

    fn resolve_jwk<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<JwkMethod, ResolveError>> {
        (**self).resolve_jwk(vm_url)
    }
}

/// Offline resolver: `did:key` always (did:key Method v0.7, resolved from
/// the identifier itself); plus methods registered explicitly (a test key,
/// our own did:web history, a supplied controller document).
///
/// A key named only in a URL fragment (e.g.
/// `https://issuer.example/#z6Mk…` or `did:web:x#z6Mk…`) is NOT trusted on
/// its own: it resolves only if registered, [`ResolveError::Unknown`]
/// otherwise — a fragment proves nothing about who holds the key. (The
/// 1EdTech validator does trust such fragments; this resolver deliberately
/// does not.)
#[derive(Clone, Debug, Default)]
pub struct OfflineResolver {
    methods: BTreeMap<String, VerificationMethod>,
    /// Controller documents registered whole, by `id`.
    documents: BTreeMap<String, Arc<Value>>,
    /// Resolved `did:key` methods (decoding a key decompresses a curve
    /// point, which costs more than the lookup); bounded by [`DID_KEY_CACHE`].
    did_keys:
        std::sync::Arc<std::sync::RwLock<std::collections::HashMap<String, VerificationMethod>>>,
}

/// Most `did:key` methods an [`OfflineResolver`] keeps decoded.
pub const DID_KEY_CACHE: usize = 4096;

impl OfflineResolver {
    /// An empty resolver (resolves `did:key` only).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a method (builder style); see [`OfflineResolver::add_method`].
    pub fn with_method(mut self, vm: VerificationMethod) -> Self {
        self.add_method(vm);
        self
    }

    /// Registers a method under its id; a later registration of the same id
    /// replaces the earlier one.
    pub fn add_method(&mut self, vm: VerificationMethod) {
        self.methods.insert(vm.id.clone(), vm);
    }

    /// Registers every `assertionMethod` method of a controller/DID
    /// document, each checked with [`method_from_controller_document`]
    /// (CID 1.0 §3.3), and keeps the document for
    /// [`KeyResolver::document`]. A `publicKeyJwk` method of another type
    /// [`PublicJwk`](super::PublicJwk) reads (P-256, RSA: VC-JWT keys, OB
    /// 3.0 §8.2.5) is usable through the document; methods with keys of
    /// other algorithms are skipped; any other failure rejects the whole
    /// document (nothing is registered). Returns the number of usable
    /// methods, which is at least one.
    pub fn add_controller_document(&mut self, doc: &Value) -> Result<usize, KeyError> {
        let mut found = Vec::new();
        let mut jwk_only = 0;
        for id in assertion_method_ids(doc) {
            match method_from_controller_document(doc, id) {
                Ok(vm) => found.push(vm),
                Err(e) if e.is_unsupported_key() => {
                    if jwk_method_from_controller_document(doc, id).is_ok() {
                        jwk_only += 1;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        if found.is_empty() && jwk_only == 0 {
            let id = doc.get("id").and_then(Value::as_str).unwrap_or_default();
            return Err(KeyError::ControllerDocument {
                code: "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT",
                message: format!(
                    "document '{}' lists no Ed25519, P-256 or RSA method under assertionMethod",
                    truncate(id)
                ),
            });
        }
        let count = found.len() + jwk_only;
        for vm in found {
            self.add_method(vm);
        }
        if let Some(id) = doc.get("id").and_then(Value::as_str) {
            self.documents.insert(id.to_owned(), Arc::new(doc.clone()));
        }
        Ok(count)
    }

    /// Whether this resolver holds keys of the controller `id` (a DID or
    /// URL without fragment): then it knows all of them (our own did:web
    /// history, a supplied document) and a method of that controller it
    /// does not know is not the controller's — nothing needs fetching.
    pub fn knows_controller(&self, id: &str) -> bool {
        self.documents.contains_key(id) || self.methods.values().any(|m| m.controller == id)
    }

    /// Synchronous form of [`KeyResolver::document`]: a registered
    /// document, or a `did:key`'s (did:key Method v0.7 §3.1.1).
    pub fn document_now(&self, id: &str) -> Result<Arc<Value>, ResolveError> {
        if let Some(doc) = self.documents.get(id) {
            return Ok(doc.clone());
        }
        if id.starts_with("did:key:") {
            return did_key_document(id)
                .map(Arc::new)
                .map_err(ResolveError::from);
        }
        Err(ResolveError::Unknown(format!(
            "no controller document for '{}' is registered with the offline resolver",
            truncate(id)
        )))
    }

    /// Synchronous form of [`KeyResolver::resolve`].
    pub fn resolve_now(&self, vm_url: &str) -> Result<VerificationMethod, ResolveError> {
        if vm_url.is_empty() {
            return Err(ResolveError::Invalid(
                "empty verification method URL".to_owned(),
            ));
        }
        if vm_url.starts_with("did:key:") {
            if let Ok(cache) = self.did_keys.read()
                && let Some(vm) = cache.get(vm_url)
            {
                return Ok(vm.clone());
            }
            let vm = resolve_did_key(vm_url).map_err(ResolveError::from)?;
            if let Ok(mut cache) = self.did_keys.write()
                && cache.len() < DID_KEY_CACHE
            {
                cache.insert(vm_url.to_owned(), vm.clone());
            }
            return Ok(vm);
        }
        if let Some(vm) = self.methods.get(vm_url) {
            return Ok(vm.clone());
        }
        let fragment_key = vm_url
            .split_once('#')
            .is_some_and(|(_, f)| decode_public_key_multibase(f).is_ok());
        Err(ResolveError::Unknown(if fragment_key {
            format!(
                "'{}' is not registered; a key named in a URL fragment is not trusted without \
                 its controller's document",
                truncate(vm_url)
            )
        } else {
            format!(
                "'{}' is not registered with the offline resolver",
                truncate(vm_url)
            )
        }))
    }
}

impl KeyResolver for OfflineResolver {
    fn resolve<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<VerificationMethod, ResolveError>> {
        Box::pin(std::future::ready(self.resolve_now(vm_url)))
    }

    fn document<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Arc<Value>, ResolveError>> {
        Box::pin(std::future::ready(self.document_now(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{
        IssuerKey, SigningKey, VerifyingKey, did_web_document, public_key_multibase,
    };
    use serde_json::json;

    fn key(seed: u8) -> VerifyingKey {
        SigningKey::from_bytes(&[seed; 32]).verifying_key()
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn did_key_always_resolves() {
        let r = OfflineResolver::new();
        let did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
        let url = format!("{did}#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
        let vm = block_on(r.resolve(&url)).unwrap();
        assert_eq!(vm.controller, did);
        assert_eq!(vm.id, url);
        let bad = block_on(r.resolve(&format!("{did}#key-1"))).unwrap_err();
        assert_eq!(bad.code(), "key_invalid");
    }

    #[test]
    fn fragment_keys_are_not_trusted_unless_registered() {
        let mb = public_key_multibase(&key(7));
        let r = OfflineResolver::new();
        for url in [
            format!("https://issuer.example/#{mb}"),
            format!("did:web:issuer.example#{mb}"),
        ] {
            let err = block_on(r.resolve(&url)).unwrap_err();
            assert_eq!(err.code(), "key_unknown");
            assert_eq!(
                err,
                ResolveError::Unknown(format!(
                    "'{url}' is not registered; a key named in a URL fragment is not trusted \
                     without its controller's document"
                ))
            );
        }
        let err = block_on(r.resolve("did:web:issuer.example#key-1")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "verification method not known: 'did:web:issuer.example#key-1' is not registered \
             with the offline resolver"
        );

        // Registered: resolves, to exactly the registered controller.
        let issuer =
            IssuerKey::url(SigningKey::from_bytes(&[7; 32]), "https://issuer.example/").unwrap();
        let r = OfflineResolver::new().with_method(issuer.method());
        let vm = block_on(r.resolve(&format!("https://issuer.example/#{mb}"))).unwrap();
        assert_eq!(vm.controller, "https://issuer.example/");
        assert_eq!(vm.public_key, key(7));
    }

    #[test]
    fn controller_document_registration() {
        let did = "did:web:example.com";
        let doc = did_web_document(did, &[key(1), key(2)]);
        let mut r = OfflineResolver::new();
        assert_eq!(r.add_controller_document(&doc).unwrap(), 2);
        for k in [key(1), key(2)] {
            let url = format!("{did}#{}", public_key_multibase(&k));
            assert_eq!(r.resolve_now(&url).unwrap().public_key, k);
        }
        // Works through Arc<dyn KeyResolver> too.
        let shared: Arc<dyn KeyResolver> = Arc::new(r);
        let url = format!("{did}#{}", public_key_multibase(&key(1)));
        assert_eq!(block_on(shared.resolve(&url)).unwrap().controller, did);
    }

    #[test]
    fn controller_document_with_bad_entry_registers_nothing() {
        let did = "did:web:example.com";
        let mut doc = did_web_document(did, &[key(1)]);
        doc["assertionMethod"]
            .as_array_mut()
            .unwrap()
            .push(json!("#key-2"));
        let mut r = OfflineResolver::new();
        let err = r.add_controller_document(&doc).unwrap_err();
        assert!(
            matches!(
                err,
                KeyError::ControllerDocument {
                    code: "INVALID_VERIFICATION_METHOD_URL",
                    ..
                }
            ),
            "{err:?}"
        );
        let url = format!("{did}#{}", public_key_multibase(&key(1)));
        assert_eq!(r.resolve_now(&url).unwrap_err().code(), "key_unknown");
    }

    #[test]
    fn controller_document_skips_other_algorithms() {
        let did = "did:web:example.com";
        let mut doc = did_web_document(did, &[key(1)]);
        let p256 = json!({
            "id": format!("{did}#p256"), "type": "JsonWebKey", "controller": did,
            "publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"},
        });
        doc["verificationMethod"].as_array_mut().unwrap().push(p256);
        doc["assertionMethod"]
            .as_array_mut()
            .unwrap()
            .push(json!(format!("{did}#p256")));
        let mut r = OfflineResolver::new();
        assert_eq!(r.add_controller_document(&doc).unwrap(), 1);

        let only_p256 = json!({
            "id": did,
            "verificationMethod": [doc["verificationMethod"][1].clone()],
            "assertionMethod": [format!("{did}#p256")],
        });
        let err = OfflineResolver::new()
            .add_controller_document(&only_p256)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT: document 'did:web:example.com' lists no \
             Ed25519, P-256 or RSA method under assertionMethod"
        );

        // A readable P-256 publicKeyJwk is usable: the document is kept for
        // VC-JWT keys (KeyResolver::document, resolve_jwk).
        let b64 = |b: &[u8]| {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
        };
        let mut p256_doc = only_p256.clone();
        p256_doc["verificationMethod"][0]["publicKeyJwk"] =
            json!({"kty": "EC", "crv": "P-256", "x": b64(&[1; 32]), "y": b64(&[2; 32])});
        let mut r = OfflineResolver::new();
        assert_eq!(r.add_controller_document(&p256_doc).unwrap(), 1);
        assert!(r.knows_controller(did));
        assert_eq!(*r.document_now(did).unwrap(), p256_doc);
        let m = block_on(r.resolve_jwk(&format!("{did}#p256"))).unwrap();
        assert_eq!(m.jwk.kind(), crate::keys::JwkKind::P256);
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(ResolveError::Unknown(String::new()).code(), "key_unknown");
        assert_eq!(ResolveError::Invalid(String::new()).code(), "key_invalid");
        assert_eq!(
            ResolveError::Unreachable(String::new()).code(),
            "key_unreachable"
        );
        assert_eq!(
            OfflineResolver::new().resolve_now("").unwrap_err().code(),
            "key_invalid"
        );
    }
}
