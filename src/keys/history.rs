//! Key rotation history: the current key and the retired ones.

use serde_json::Value;

use super::did_web::did_web_document;
use super::{KeyError, VerificationMethod, VerifyingKey};

/// The public keys an issuer has used, current first, then retired keys
/// (most recently retired first). Retired keys stay published in the
/// did:web document so that credentials signed before a rotation keep
/// verifying (did:web "Update" — rotation by editing `did.json`). A key
/// known to be compromised should be dropped with [`KeyHistory::remove`]
/// rather than kept as retired.
///
/// Persisting the history is the caller's job (store or key files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHistory {
    keys: Vec<VerifyingKey>,
}

impl KeyHistory {
    /// A history with a single, current key.
    pub fn new(current: VerifyingKey) -> Self {
        KeyHistory {
            keys: vec![current],
        }
    }

    /// A history from keys ordered current first; duplicates are dropped.
    pub fn from_keys(keys: impl IntoIterator<Item = VerifyingKey>) -> Result<Self, KeyError> {
        let mut out: Vec<VerifyingKey> = Vec::new();
        for key in keys {
            if !out.contains(&key) {
                out.push(key);
            }
        }
        if out.is_empty() {
            return Err(KeyError::Empty {
                what: "key history",
            });
        }
        Ok(KeyHistory { keys: out })
    }

    /// Makes `new_current` the current key; the previous current key
    /// becomes the most recently retired one. Rotating to a key already in
    /// the history moves it to the front.
    pub fn rotate(&mut self, new_current: VerifyingKey) {
        self.keys.retain(|k| *k != new_current);
        self.keys.insert(0, new_current);
    }

    /// Removes a (compromised) retired key; the current key cannot be
    /// removed (rotate first). Returns whether a key was removed.
    pub fn remove(&mut self, key: &VerifyingKey) -> bool {
        let before = self.keys.len();
        let current = self.keys[0];
        if *key == current {
            return false;
        }
        self.keys.retain(|k| k != key);
        self.keys.len() != before
    }

    /// The current (signing) key.
    pub fn current(&self) -> &VerifyingKey {
        &self.keys[0]
    }

    /// Retired keys, most recently retired first.
    pub fn retired(&self) -> &[VerifyingKey] {
        &self.keys[1..]
    }

    /// All keys, current first.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// The verification methods of all keys under `controller`, current
    /// first, with ids `controller#z6Mk…` (CID 1.0 §2.2.2).
    pub fn methods(&self, controller: &str) -> Vec<VerificationMethod> {
        self.keys
            .iter()
            .map(|k| VerificationMethod::for_controller(controller, *k))
            .collect()
    }

    /// The did:web document listing every key, current first
    /// (see [`did_web_document`]).
    pub fn did_web_document(&self, did: &str) -> Value {
        did_web_document(did, &self.keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{SigningKey, public_key_multibase};

    fn key(seed: u8) -> VerifyingKey {
        SigningKey::from_bytes(&[seed; 32]).verifying_key()
    }

    #[test]
    fn rotation_keeps_old_keys_in_order() {
        let mut h = KeyHistory::new(key(1));
        h.rotate(key(2));
        h.rotate(key(3));
        assert_eq!(h.current(), &key(3));
        assert_eq!(h.retired(), &[key(2), key(1)]);
        h.rotate(key(1));
        assert_eq!(h.keys(), &[key(1), key(3), key(2)]);

        let doc = h.did_web_document("did:web:example.com");
        let ids: Vec<String> = doc["assertionMethod"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let expected: Vec<String> = [key(1), key(3), key(2)]
            .iter()
            .map(|k| format!("did:web:example.com#{}", public_key_multibase(k)))
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(
            h.methods("did:web:example.com")
                .into_iter()
                .map(|m| m.id)
                .collect::<Vec<_>>(),
            expected
        );
    }

    #[test]
    fn remove_and_from_keys() {
        let mut h = KeyHistory::from_keys([key(1), key(2), key(1), key(3)]).unwrap();
        assert_eq!(h.keys(), &[key(1), key(2), key(3)]);
        assert!(!h.remove(&key(1)));
        assert!(h.remove(&key(2)));
        assert!(!h.remove(&key(2)));
        assert_eq!(h.keys(), &[key(1), key(3)]);
        assert!(matches!(
            KeyHistory::from_keys(Vec::new()),
            Err(KeyError::Empty { .. })
        ));
    }
}
