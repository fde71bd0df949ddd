//! Public JSON Web Keys (RFC 7517) of the algorithms VC-JWT accepts
//! (Open Badges 3.0 §8.2): Ed25519 (`OKP`, RFC 8037 §2), P-256 (`EC`,
//! RFC 7518 §6.2) and RSA (RFC 7518 §6.3); `did:jwk` identifiers; and the
//! `publicKeyJwk` of a controller document's method.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::document::assertion_method_entry;
use super::multikey::verifying_key_from_bytes;
use super::{KeyError, VerificationMethod, VerifyingKey, truncate};

/// Private-key members of a JWK (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037
/// §2): a key carrying one is refused (OB 3.0 §8.2.4: the header `jwk`
/// "MUST NOT contain d").
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Smallest RSA modulus accepted, in bits (RFC 7518 §3.3: "A key of size
/// 2048 bits or larger MUST be used").
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits.
pub const MAX_RSA_BITS: usize = 4096;

/// Why a JWK was refused; `code` is stable (`jwk_private_key`,
/// `jwk_unsupported`, `jwk_invalid`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JwkError {
    /// Stable machine code.
    pub code: &'static str,
    /// What was wrong.
    pub message: String,
}

impl JwkError {
    fn invalid(message: impl Into<String>) -> Self {
        JwkError {
            code: "jwk_invalid",
            message: message.into(),
        }
    }
}

/// The algorithm family of a [`PublicJwk`], with the one JWS `alg` each
/// is used with here (RFC 7518 §3.1, RFC 8037 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwkKind {
    /// `kty: OKP`, `crv: Ed25519`; JWS `alg` `EdDSA`.
    Ed25519,
    /// `kty: EC`, `crv: P-256`; JWS `alg` `ES256`.
    P256,
    /// `kty: RSA`; JWS `alg` `RS256`.
    Rsa,
}

impl JwkKind {
    /// The JWS `alg` of this key type.
    pub fn jws_alg(self) -> &'static str {
        match self {
            JwkKind::Ed25519 => "EdDSA",
            JwkKind::P256 => "ES256",
            JwkKind::Rsa => "RS256",
        }
    }
}

/// A checked public JWK: only its public members are kept (`kty`, `crv`,
/// `x`, `y`, `n`, `e`), each base64url value decoded once to check its
/// length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicJwk {
    kind: JwkKind,
    members: Map<String, Value>,
}

fn b64(value: &str, what: &str) -> Result<Vec<u8>, JwkError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|e| JwkError::invalid(format!("JWK '{what}' is not base64url: {e}")))
}

impl PublicJwk {
    /// Reads a public JWK (RFC 7517 §4), refusing private members, other
    /// key types and curves, and values of the wrong length.
    pub fn from_value(value: &Value) -> Result<Self, JwkError> {
        let Some(obj) = value.as_object() else {
            return Err(JwkError::invalid("a JWK must be a JSON object"));
        };
        if let Some(private) = PRIVATE_MEMBERS.iter().find(|m| obj.contains_key(**m)) {
            return Err(JwkError {
                code: "jwk_private_key",
                message: format!(
                    "the JWK contains the private key member '{private}'; a public key must not \
                     (OB 3.0 §8.2.4, RFC 7517 §4)"
                ),
            });
        }
        let text = |name: &str| -> Result<&str, JwkError> {
            obj.get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| JwkError::invalid(format!("the JWK has no string '{name}'")))
        };
        let kty = text("kty")?;
        let crv = obj.get("crv").and_then(Value::as_str);
        let kind = match (kty, crv) {
            ("OKP", Some("Ed25519")) => JwkKind::Ed25519,
            ("EC", Some("P-256")) => JwkKind::P256,
            ("RSA", _) => JwkKind::Rsa,
            _ => {
                return Err(JwkError {
                    code: "jwk_unsupported",
                    message: format!(
                        "JWK kty '{}' crv '{}': only OKP Ed25519, EC P-256 and RSA are supported",
                        truncate(kty),
                        truncate(crv.unwrap_or("-"))
                    ),
                });
            }
        };
        let names: &[&str] = match kind {
            JwkKind::Ed25519 => &["kty", "crv", "x"],
            JwkKind::P256 => &["kty", "crv", "x", "y"],
            JwkKind::Rsa => &["kty", "n", "e"],
        };
        let mut members = Map::new();
        for name in names {
            members.insert((*name).to_owned(), Value::String(text(name)?.to_owned()));
        }
        match kind {
            JwkKind::Ed25519 => {
                let x = b64(text("x")?, "x")?;
                let raw: &[u8; 32] = x.as_slice().try_into().map_err(|_| {
                    JwkError::invalid(format!("Ed25519 JWK 'x' has {} bytes, not 32", x.len()))
                })?;
                verifying_key_from_bytes(raw).map_err(|e| JwkError::invalid(e.to_string()))?;
            }
            JwkKind::P256 => {
                for c in ["x", "y"] {
                    let v = b64(text(c)?, c)?;
                    if v.len() != 32 {
                        return Err(JwkError::invalid(format!(
                            "P-256 JWK '{c}' has {} bytes, not 32 (RFC 7518 §6.2.1.2)",
                            v.len()
                        )));
                    }
                }
            }
            JwkKind::Rsa => {
                let n = b64(text("n")?, "n")?;
                let bits = n
                    .iter()
                    .position(|b| *b != 0)
                    .map_or(0, |i| (n.len() - i) * 8 - n[i].leading_zeros() as usize);
                if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
                    return Err(JwkError::invalid(format!(
                        "RSA modulus of {bits} bits: {MIN_RSA_BITS} to {MAX_RSA_BITS} bits are \
                         accepted (RFC 7518 §3.3)"
                    )));
                }
                let e = b64(text("e")?, "e")?;
                if e.is_empty() || e.len() > 8 {
                    return Err(JwkError::invalid("RSA exponent 'e' is empty or too long"));
                }
            }
        }
        Ok(PublicJwk { kind, members })
    }

    /// The JWK of an Ed25519 public key (RFC 8037 §2).
    pub fn from_ed25519(key: &VerifyingKey) -> Self {
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes());
        let mut members = Map::new();
        for (name, value) in [
            ("kty", "OKP".to_owned()),
            ("crv", "Ed25519".to_owned()),
            ("x", x),
        ] {
            members.insert(name.to_owned(), Value::String(value));
        }
        PublicJwk {
            kind: JwkKind::Ed25519,
            members,
        }
    }

    /// The key type.
    pub fn kind(&self) -> JwkKind {
        self.kind
    }

    /// A public member (`x`, `y`, `n`, `e`…), base64url as written.
    pub fn member(&self, name: &str) -> Option<&str> {
        self.members.get(name).and_then(Value::as_str)
    }

    /// The public members as a JWK object.
    pub fn to_json(&self) -> Value {
        Value::Object(self.members.clone())
    }
}

/// A verification method whose key is a [`PublicJwk`] (CID 1.0 §2.2.3
/// JsonWebKey), with its absolute id and controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwkMethod {
    /// Absolute URL of the method.
    pub id: String,
    /// The identifier that controls the key; a credential verified with it
    /// must have this issuer id.
    pub controller: String,
    /// The public key.
    pub jwk: PublicJwk,
}

impl From<VerificationMethod> for JwkMethod {
    fn from(vm: VerificationMethod) -> Self {
        JwkMethod {
            jwk: PublicJwk::from_ed25519(&vm.public_key),
            id: vm.id,
            controller: vm.controller,
        }
    }
}

/// Longest `did:jwk` accepted (an RSA-4096 JWK is about 750 characters).
const MAX_DID_JWK: usize = 4096;

/// Resolves a `did:jwk` DID URL (did:jwk Method, "Read"): the method
/// `did:jwk:<base64url JWK>#0` (a bare DID names the same method), whose
/// controller is the DID.
pub fn resolve_did_jwk(vm_url: &str) -> Result<JwkMethod, JwkError> {
    let (did, fragment) = vm_url.split_once('#').unwrap_or((vm_url, "0"));
    let Some(encoded) = did.strip_prefix("did:jwk:") else {
        return Err(JwkError::invalid(format!(
            "'{}' is not a did:jwk",
            truncate(vm_url)
        )));
    };
    if fragment != "0" {
        return Err(JwkError::invalid(format!(
            "'{}': a did:jwk has the one method '#0'",
            truncate(vm_url)
        )));
    }
    if vm_url.len() > MAX_DID_JWK {
        return Err(JwkError::invalid(format!(
            "did:jwk longer than {MAX_DID_JWK} characters"
        )));
    }
    let bytes = b64(encoded, "did:jwk identifier")?;
    let value = crate::model::strict_json::from_slice(&bytes)
        .map_err(|e| JwkError::invalid(format!("did:jwk does not decode to a JWK: {e}")))?;
    Ok(JwkMethod {
        id: format!("{did}#0"),
        controller: did.to_owned(),
        jwk: PublicJwk::from_value(&value)?,
    })
}

/// The public JWK of the `assertionMethod` method `vm_url` of a controller
/// (DID) document, with the checks of CID 1.0 §3.3 that
/// [`super::method_from_controller_document`] makes (absolute ids, the
/// document id, the controller, the relationship); the key is the method's
/// `publicKeyJwk` (any type [`PublicJwk`] reads) or, for the other method
/// types, its Ed25519 key. What a resolver of fetched documents calls for
/// VC-JWT keys ([`super::KeyResolver::resolve_jwk`]).
pub fn jwk_method_from_controller_document(
    doc: &Value,
    vm_url: &str,
) -> Result<JwkMethod, KeyError> {
    let (method, doc_id) = assertion_method_entry(doc, vm_url)?;
    match method.get("publicKeyJwk") {
        Some(jwk) => {
            let jwk = PublicJwk::from_value(jwk).map_err(|e| KeyError::ControllerDocument {
                code: "INVALID_VERIFICATION_METHOD",
                message: format!("'{}': publicKeyJwk: {e}", truncate(vm_url)),
            })?;
            Ok(JwkMethod {
                id: vm_url.to_owned(),
                controller: doc_id.to_owned(),
                jwk,
            })
        }
        None => super::method_from_controller_document(doc, vm_url).map(JwkMethod::from),
    }
}

/// The ids of a controller document's `assertionMethod` entries, as
/// written (references or embedded methods; other entries give `""`).
pub(super) fn assertion_method_ids(doc: &Value) -> Vec<&str> {
    let entries: Vec<&Value> = match doc.get("assertionMethod") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    };
    entries
        .into_iter()
        .map(|entry| match entry {
            Value::String(s) => s.as_str(),
            Value::Object(o) => o.get("id").and_then(Value::as_str).unwrap_or_default(),
            _ => "",
        })
        .collect()
}

/// The `assertionMethod` method of the controller document `doc` whose
/// public key is `jwk`, each method checked by
/// [`jwk_method_from_controller_document`] (CID 1.0 §3.3; `publicKeyJwk`
/// or an Ed25519 Multikey); methods that fail those checks are passed
/// over. What binds a VC-JWT's header `jwk` to its issuer (OB 3.0 §8.2.5:
/// the key must be the issuer's).
pub fn assertion_method_with_key(doc: &Value, jwk: &PublicJwk) -> Option<JwkMethod> {
    assertion_method_ids(doc)
        .into_iter()
        .filter_map(|id| jwk_method_from_controller_document(doc, id).ok())
        .find(|m| m.jwk == *jwk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;
    use serde_json::json;

    fn ed_jwk() -> Value {
        PublicJwk::from_ed25519(&SigningKey::from_bytes(&[3; 32]).verifying_key()).to_json()
    }

    fn b64e(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn private_members_are_refused() {
        for member in PRIVATE_MEMBERS {
            let mut jwk = ed_jwk();
            jwk[member] = json!("AAAA");
            let err = PublicJwk::from_value(&jwk).unwrap_err();
            assert_eq!(err.code, "jwk_private_key", "{member}");
            assert!(err.message.contains(&format!("'{member}'")), "{err}");
        }
    }

    #[test]
    fn key_types_and_lengths() {
        let ed = PublicJwk::from_value(&ed_jwk()).unwrap();
        assert_eq!(ed.kind().jws_alg(), "EdDSA");

        let p256 = json!({"kty": "EC", "crv": "P-256", "x": b64e(&[1; 32]), "y": b64e(&[2; 32])});
        assert_eq!(PublicJwk::from_value(&p256).unwrap().kind(), JwkKind::P256);
        let short = json!({"kty": "EC", "crv": "P-256", "x": b64e(&[1; 31]), "y": b64e(&[2; 32])});
        assert_eq!(
            PublicJwk::from_value(&short).unwrap_err().message,
            "P-256 JWK 'x' has 31 bytes, not 32 (RFC 7518 §6.2.1.2)"
        );
        let p384 = json!({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"});
        assert_eq!(
            PublicJwk::from_value(&p384).unwrap_err().code,
            "jwk_unsupported"
        );

        let mut n = vec![0xC5u8; 256];
        n[0] = 0x80;
        let rsa = json!({"kty": "RSA", "n": b64e(&n), "e": "AQAB"});
        assert_eq!(PublicJwk::from_value(&rsa).unwrap().kind(), JwkKind::Rsa);
        let small = json!({"kty": "RSA", "n": b64e(&n[..128]), "e": "AQAB"});
        assert_eq!(
            PublicJwk::from_value(&small).unwrap_err().message,
            "RSA modulus of 1024 bits: 2048 to 4096 bits are accepted (RFC 7518 §3.3)"
        );
        // Only the public members are kept.
        let mut with_extra = ed_jwk();
        with_extra["kid"] = json!("k1");
        assert_eq!(
            PublicJwk::from_value(&with_extra).unwrap().to_json(),
            ed_jwk()
        );
    }

    #[test]
    fn did_jwk_round_trip() {
        let did = format!("did:jwk:{}", b64e(ed_jwk().to_string().as_bytes()));
        let m = resolve_did_jwk(&format!("{did}#0")).unwrap();
        assert_eq!(m.controller, did);
        assert_eq!(m.id, format!("{did}#0"));
        assert_eq!(m.jwk.to_json(), ed_jwk());
        assert_eq!(resolve_did_jwk(&did).unwrap().id, format!("{did}#0"));
        let err = resolve_did_jwk(&format!("{did}#1")).unwrap_err();
        assert!(err.message.contains("the one method '#0'"), "{err}");
        let garbage = resolve_did_jwk("did:jwk:eyJub3Q").unwrap_err();
        assert!(
            garbage.message.starts_with("did:jwk does not decode"),
            "{garbage}"
        );
    }

    #[test]
    fn controller_document_jwk() {
        let did = "did:web:issuer.example";
        let vm = format!("{did}#p256");
        let p256 = json!({"kty": "EC", "crv": "P-256", "x": b64e(&[1; 32]), "y": b64e(&[2; 32])});
        let doc = json!({
            "id": did,
            "verificationMethod": [{"id": vm, "type": "JsonWebKey", "controller": did,
                "publicKeyJwk": p256}],
            "assertionMethod": [vm],
        });
        let m = jwk_method_from_controller_document(&doc, &vm).unwrap();
        assert_eq!((m.controller.as_str(), m.jwk.kind()), (did, JwkKind::P256));
        // The CID rules still apply: not under assertionMethod.
        let mut unlisted = doc.clone();
        unlisted["assertionMethod"] = json!([]);
        let err = jwk_method_from_controller_document(&unlisted, &vm).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD"),
            "{err}"
        );
    }

    #[test]
    fn assertion_method_with_key_finds_the_listed_key() {
        let did = "did:web:issuer.example";
        let p256 = json!({"kty": "EC", "crv": "P-256", "x": b64e(&[1; 32]), "y": b64e(&[2; 32])});
        let other = json!({"kty": "EC", "crv": "P-256", "x": b64e(&[3; 32]), "y": b64e(&[2; 32])});
        let ed = SigningKey::from_bytes(&[3; 32]).verifying_key();
        let doc = crate::keys::did_web_document(did, &[ed]);
        let mut doc_jwk = doc.clone();
        doc_jwk["verificationMethod"].as_array_mut().unwrap().push(
            json!({"id": format!("{did}#p256"), "type": "JsonWebKey", "controller": did,
                "publicKeyJwk": p256}),
        );
        doc_jwk["assertionMethod"]
            .as_array_mut()
            .unwrap()
            .push(json!(format!("{did}#p256")));
        let p256 = PublicJwk::from_value(&p256).unwrap();
        let found = assertion_method_with_key(&doc_jwk, &p256).unwrap();
        assert_eq!(found.id, format!("{did}#p256"));
        // A Multikey Ed25519 method matches the same key given as a JWK.
        let ed_jwk = PublicJwk::from_value(&ed_jwk()).unwrap();
        let found = assertion_method_with_key(&doc, &ed_jwk).unwrap();
        assert_eq!(found.controller, did);
        // A key the document does not list, or lists only outside
        // assertionMethod, is not found.
        let other = PublicJwk::from_value(&other).unwrap();
        assert_eq!(assertion_method_with_key(&doc_jwk, &other), None);
        doc_jwk["assertionMethod"] = json!([doc["assertionMethod"][0].clone()]);
        assert_eq!(assertion_method_with_key(&doc_jwk, &p256), None);
    }
}
