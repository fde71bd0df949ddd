//! `did:key` for Ed25519 (did:key Method v0.7).

use serde_json::{Value, json};

use super::multikey::{decode_public_key_multibase, public_key_multibase};
use super::{
    DID_CONTEXT_V1, KeyError, MULTIKEY_CONTEXT_V1, VerificationMethod, VerifyingKey, truncate,
};

const PREFIX: &str = "did:key:";

/// The `did:key` identifier of a public key: `did:key:` + the Multikey
/// `publicKeyMultibase` (`z6Mk…`) (did:key Method v0.7, "The did:key
/// Format").
pub fn did_key(key: &VerifyingKey) -> String {
    format!("{PREFIX}{}", public_key_multibase(key))
}

/// Resolves a `did:key` DID or DID URL offline (did:key Method v0.7,
/// "Document Creation Algorithm", and "Read (Resolve)").
///
/// Accepts `did:key:z6Mk…` or `did:key:z6Mk…#z6Mk…`; a fragment must equal
/// the key's multibase value. Returns the verification method with
/// `id = did#multibase` and `controller = did`. Only Ed25519 keys are
/// supported; DID paths, queries and version prefixes are refused.
pub fn resolve_did_key(did_or_url: &str) -> Result<VerificationMethod, KeyError> {
    let Some(rest) = did_or_url.strip_prefix(PREFIX) else {
        return Err(KeyError::DidKey(format!(
            "'{}' does not start with \"did:key:\"",
            truncate(did_or_url)
        )));
    };
    let (msid, fragment) = match rest.split_once('#') {
        Some((msid, fragment)) => (msid, Some(fragment)),
        None => (rest, None),
    };
    if msid.contains(['/', '?']) {
        return Err(KeyError::DidKey(
            "DID paths and queries are not supported".to_owned(),
        ));
    }
    if msid.contains(':') {
        return Err(KeyError::DidKey(
            "version prefixes (did:key:<version>:…) are not supported".to_owned(),
        ));
    }
    let public_key = decode_public_key_multibase(msid).map_err(|e| match e {
        KeyError::NotEd25519PublicKey { found } => KeyError::UnsupportedKey(format!(
            "did:key with multicodec header 0x{found} (only Ed25519, 0xed01, is supported)"
        )),
        other => KeyError::DidKey(format!("method-specific id: {other}")),
    })?;
    if let Some(fragment) = fragment
        && fragment != msid
    {
        return Err(KeyError::DidKey(format!(
            "fragment '#{}' does not name the DID's key (expected '#{msid}')",
            truncate(fragment)
        )));
    }
    let did = format!("{PREFIX}{msid}");
    Ok(VerificationMethod {
        id: format!("{did}#{msid}"),
        controller: did,
        public_key,
    })
}

/// The DID document of an Ed25519 `did:key` (did:key Method v0.7,
/// "Document Creation Algorithm"), with a `Multikey` verification method
/// (CID 1.0 §2.2.2) listed under `authentication`, `assertionMethod`,
/// `capabilityInvocation` and `capabilityDelegation`. No X25519
/// `keyAgreement` key is derived (the algorithm's
/// `enableEncryptionKeyDerivation` option is off).
///
/// `did` must be the DID itself, not a DID URL.
pub fn did_key_document(did: &str) -> Result<Value, KeyError> {
    if did.contains('#') {
        return Err(KeyError::DidKey(
            "expected a DID, not a DID URL with a fragment".to_owned(),
        ));
    }
    let vm = resolve_did_key(did)?;
    Ok(json!({
        "@context": [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
        "id": vm.controller,
        "verificationMethod": [vm.to_multikey_json()],
        "authentication": [vm.id],
        "assertionMethod": [vm.id],
        "capabilityInvocation": [vm.id],
        "capabilityDelegation": [vm.id],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{SigningKey, method_from_controller_document};

    /// Seed → DID pairs from w3c-ccg/did-method-key
    /// test-vectors/ed25519-x25519.json (W3C Software and Document License;
    /// copy with SOURCE.md at ../shared/data/test-vectors/did-key/).
    /// (seed, did, publicKeyBase58 or publicKeyJwk x as given in the vector)
    const VECTORS: [(&str, &str, &str); 5] = [
        (
            "0000000000000000000000000000000000000000000000000000000000000000",
            "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS",
        ),
        (
            "0000000000000000000000000000000000000000000000000000000000000001",
            "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG",
            "6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt",
        ),
        (
            "0000000000000000000000000000000000000000000000000000000000000002",
            "did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf",
            "8pM1DN3RiT8vbom5u1sNryaNT1nyL8CTTW3b5PwWXRBH",
        ),
        (
            "0000000000000000000000000000000000000000000000000000000000000003",
            "did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ",
            "HPYVwAQmskwT1qEEeRzhoomyfyupJGASQQtCXSNG8XS2",
        ),
        (
            "0000000000000000000000000000000000000000000000000000000000000005",
            "did:key:z6MkwYMhwTvsq376YBAcJHy3vyRWzBgn5vKfVqqDCgm7XVKU",
            "jwk:_eT7oDCtAC98L31MMx9J0T-w7HR-zuvsY08f9MvKne8",
        ),
    ];

    fn key_from_seed_hex(seed: &str) -> SigningKey {
        let seed: [u8; 32] = hex::decode(seed).unwrap().try_into().unwrap();
        SigningKey::from_bytes(&seed)
    }

    #[test]
    fn all_seed_vectors() {
        for (seed, did, public_b58) in VECTORS {
            let key = key_from_seed_hex(seed).verifying_key();
            assert_eq!(did_key(&key), did, "seed {seed}");
            if let Some(x) = public_b58.strip_prefix("jwk:") {
                use base64::Engine as _;
                let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
                assert_eq!(b64.encode(key.as_bytes()), x);
            } else {
                assert_eq!(bs58::encode(key.as_bytes()).into_string(), public_b58);
            }
            let vm = resolve_did_key(did).unwrap();
            assert_eq!(vm.public_key, key);
            assert_eq!(vm.controller, did);
            let mb = did.strip_prefix("did:key:").unwrap();
            assert_eq!(vm.id, format!("{did}#{mb}"));
            assert_eq!(resolve_did_key(&vm.id).unwrap(), vm);
        }
    }

    /// Runs every vector of the file (when ../shared is present): seed →
    /// DID, and the vector's own DID document (Ed25519VerificationKey2018 /
    /// JsonWebKey2020) read through `method_from_controller_document`.
    #[test]
    fn all_vectors_from_shared_file() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/test-vectors/did-key/ed25519-x25519.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipped: {path} not present");
            return;
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let vectors = v.as_object().unwrap();
        assert_eq!(vectors.len(), 5);
        for (did, vector) in vectors {
            let key = key_from_seed_hex(vector["seed"].as_str().unwrap()).verifying_key();
            assert_eq!(&did_key(&key), did);
            let vm = resolve_did_key(did).unwrap();
            assert_eq!(vm.public_key, key);
            let doc = &vector["didDocument"];
            let from_doc = method_from_controller_document(doc, &vm.id).unwrap();
            assert_eq!(from_doc, vm);
            assert_eq!(doc["assertionMethod"][0], vm.id.as_str());
        }
    }

    #[test]
    fn document_shape() {
        let did = VECTORS[0].1;
        let vm_id = format!("{did}#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
        let expected = json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [{
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            }],
            "authentication": [vm_id],
            "assertionMethod": [vm_id],
            "capabilityInvocation": [vm_id],
            "capabilityDelegation": [vm_id],
        });
        let doc = did_key_document(did).unwrap();
        assert_eq!(doc, expected);
        assert_eq!(
            method_from_controller_document(&doc, &vm_id).unwrap(),
            resolve_did_key(did).unwrap()
        );
        assert!(matches!(did_key_document(&vm_id), Err(KeyError::DidKey(_))));
    }

    #[test]
    fn errors() {
        let did = VECTORS[0].1;
        assert_eq!(
            resolve_did_key("did:web:example.com")
                .unwrap_err()
                .to_string(),
            "invalid did:key: 'did:web:example.com' does not start with \"did:key:\""
        );
        assert_eq!(
            resolve_did_key(&format!(
                "{did}#z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"
            ))
            .unwrap_err()
            .to_string(),
            "invalid did:key: fragment '#z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG' does not \
             name the DID's key (expected '#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp')"
        );
        assert!(matches!(
            resolve_did_key(&format!("{did}#key-1")),
            Err(KeyError::DidKey(_))
        ));
        assert!(matches!(
            resolve_did_key(&format!("{did}/path")),
            Err(KeyError::DidKey(_))
        ));
        assert!(matches!(
            resolve_did_key("did:key:1.0:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"),
            Err(KeyError::DidKey(_))
        ));
        assert_eq!(
            resolve_did_key("did:key:").unwrap_err().to_string(),
            "invalid did:key: method-specific id: empty public key multibase"
        );
        assert_eq!(
            resolve_did_key("did:key:Z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
                .unwrap_err()
                .to_string(),
            "invalid did:key: method-specific id: bad multibase prefix 'Z' (expected 'z')"
        );
        // X25519 did:key: well formed, but not an Ed25519 key.
        let err = resolve_did_key("did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW")
            .unwrap_err();
        assert!(err.is_unsupported_key());
        assert_eq!(
            err.to_string(),
            "unsupported key: did:key with multicodec header 0xec01 (only Ed25519, 0xed01, is supported)"
        );
    }
}
