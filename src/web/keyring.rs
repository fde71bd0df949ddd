//! The issuer's keys as the server publishes and trusts them: the did:web
//! document and the verifier's resolver, rebuilt when the key history in
//! the store changes (a rotation on another node, did:web "Update"), so
//! every node sharing one database serves the same `did.json` and accepts
//! credentials signed with any current or retired key — without a restart.
//! A node whose own signing key was retired meanwhile stops signing.
//!
//! A did:key issuer (`issuer_did = "did:key"`) publishes no document: each
//! key is its own DID (did:key Method v0.7), so every key of the history is
//! one of this issuer's ids, and `did.json` answers 404.

use crate::keys::{KeyHistory, OfflineResolver, VerifyingKey};
use std::sync::{Arc, RwLock};

/// What the server publishes and trusts at one moment.
#[derive(Debug)]
pub struct KeyView {
    /// Current key first, then retired keys; `None` when this server does not issue.
    pub history: Option<KeyHistory>,
    /// Resolves every key of the history (and `did:key`s).
    pub resolver: Arc<OfflineResolver>,
    /// `/.well-known/did.json`, when this server issues as a did:web.
    pub did_document: Option<String>,
    /// This issuer's ids: the did:web, or the did:key of every key of the
    /// history (current first); empty when this server does not issue.
    pub issuer_ids: Vec<String>,
}

/// The key view, swapped as a whole when the history changes.
#[derive(Debug)]
pub struct KeyRing {
    did: Option<String>,
    own: Option<VerifyingKey>,
    view: RwLock<Arc<KeyView>>,
}

/// How often `rosette serve` reads the key history again: as often as the
/// status-list versions, since a node must know a key rotated in elsewhere
/// before it meets a list or credential signed with it (else it would show
/// them as CANNOT VERIFY meanwhile).
pub const KEY_REFRESH_INTERVAL: std::time::Duration =
    crate::issuance::revocation::LIST_VERSIONS_MAX_AGE;

impl KeyRing {
    /// No issuer: `did:key` resolution only, no DID document.
    pub fn none() -> Self {
        KeyRing {
            did: None,
            own: None,
            view: RwLock::new(Arc::new(KeyView {
                history: None,
                resolver: Arc::new(OfflineResolver::new()),
                did_document: None,
                issuer_ids: Vec::new(),
            })),
        }
    }

    /// The issuer `did` signing with `own`, publishing and trusting
    /// `history`. A `did:key:` DID puts the ring in did:key mode: each key
    /// of the history is named by its own did:key, and no document is
    /// published.
    pub fn new(did: &str, own: VerifyingKey, history: KeyHistory) -> Self {
        let ring = KeyRing {
            did: Some(did.to_owned()),
            own: Some(own),
            view: RwLock::new(Arc::new(KeyView {
                history: None,
                resolver: Arc::new(OfflineResolver::new()),
                did_document: None,
                issuer_ids: Vec::new(),
            })),
        };
        ring.install(history);
        ring
    }

    /// Whether the issuer is a did:key (no did:web document to publish).
    pub fn is_did_key(&self) -> bool {
        self.did
            .as_deref()
            .is_some_and(|d| d.starts_with("did:key:"))
    }

    fn install(&self, history: KeyHistory) {
        let Some(did) = self.did.as_deref() else {
            return;
        };
        let mut resolver = OfflineResolver::new();
        let (issuer_ids, did_document) = if self.is_did_key() {
            let ids: Vec<String> = history.keys().iter().map(crate::keys::did_key).collect();
            for (id, key) in ids.iter().zip(history.keys()) {
                resolver.add_method(crate::keys::VerificationMethod::for_controller(id, *key));
            }
            (ids, None)
        } else {
            for method in history.methods(did) {
                resolver.add_method(method);
            }
            let doc = history.did_web_document(did);
            // Kept as a document too: a presentation signed by this
            // issuer's own key is checked against its `authentication`.
            let _ = resolver.add_controller_document(&doc);
            (vec![did.to_owned()], Some(doc.to_string()))
        };
        let view = KeyView {
            did_document,
            issuer_ids,
            resolver: Arc::new(resolver),
            history: Some(history),
        };
        if let Ok(mut current) = self.view.write() {
            *current = Arc::new(view);
        }
    }

    /// The current view.
    pub fn view(&self) -> Arc<KeyView> {
        match self.view.read() {
            Ok(v) => v.clone(),
            // A writer panicked mid-swap: the old view is still whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The resolver of the current view.
    pub fn resolver(&self) -> Arc<OfflineResolver> {
        self.view().resolver.clone()
    }

    /// Whether this node's signing key is the issuer's current key (false
    /// after a rotation on another node: this node must not sign).
    pub fn own_key_is_current(&self) -> bool {
        match (self.own, &self.view().history) {
            (Some(own), Some(history)) => *history.current() == own,
            _ => false,
        }
    }

    /// Reads the key history again; true when it changed.
    pub async fn refresh(
        &self,
        store: &dyn crate::store::Store,
    ) -> Result<bool, crate::issuance::IssuanceError> {
        if self.did.is_none() {
            return Ok(false);
        }
        let Some(stored) = crate::issuance::keys::stored_history(store).await? else {
            return Ok(false);
        };
        if self.view().history.as_ref() == Some(&stored) {
            return Ok(false);
        }
        self.install(stored);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyResolver as _, SigningKey, did_key, public_key_multibase};

    fn key(seed: u8) -> VerifyingKey {
        SigningKey::from_bytes(&[seed; 32]).verifying_key()
    }

    #[test]
    fn a_did_key_ring_names_every_key_by_its_did_key_and_publishes_no_document() {
        let mut history = KeyHistory::new(key(1));
        history.rotate(key(2));
        let ring = KeyRing::new(&did_key(&key(2)), key(2), history.clone());
        assert!(ring.is_did_key());
        let view = ring.view();
        assert_eq!(view.issuer_ids, [did_key(&key(2)), did_key(&key(1))]);
        assert!(view.did_document.is_none());
        assert!(ring.own_key_is_current());
        let old = format!("{}#{}", did_key(&key(1)), public_key_multibase(&key(1)));
        let resolved = block_on(ring.resolver().resolve(&old)).unwrap();
        assert_eq!(resolved.controller, did_key(&key(1)));

        let web = KeyRing::new("did:web:certs.example.com", key(2), history);
        assert!(!web.is_did_key());
        assert_eq!(web.view().issuer_ids, ["did:web:certs.example.com"]);
        let doc = web.view().did_document.clone().unwrap();
        assert!(doc.contains("\"authentication\""), "{doc}");
        assert!(
            web.resolver()
                .document_now("did:web:certs.example.com")
                .is_ok(),
            "kept for presentations signed by this issuer's key"
        );
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }
}
