//! Verification methods and controller (DID) documents.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::multikey::{
    decode_public_key_multibase, public_key_multibase, verifying_key_from_bytes,
};
use super::{KeyError, VerifyingKey, truncate};

/// A verification method: an Ed25519 public key with its absolute id and
/// its controller (CID 1.0 §2.2 Verification Methods).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationMethod {
    /// Absolute URL of the method, e.g. `did:web:example.com#z6Mk…`.
    pub id: String,
    /// The identifier that controls the key (a DID or an https URL); a
    /// credential verified with this method must have this issuer id.
    pub controller: String,
    /// The Ed25519 public key.
    pub public_key: VerifyingKey,
}

impl VerificationMethod {
    /// The method for `key` under `controller`, with the absolute id
    /// `controller#<publicKeyMultibase>` (CID 1.0 §2.2.2, the id form our
    /// issuers use).
    pub fn for_controller(controller: &str, key: VerifyingKey) -> Self {
        VerificationMethod {
            id: format!("{controller}#{}", public_key_multibase(&key)),
            controller: controller.to_owned(),
            public_key: key,
        }
    }

    /// The public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
    pub fn public_key_multibase(&self) -> String {
        public_key_multibase(&self.public_key)
    }

    /// The method as a Multikey JSON object (CID 1.0 §2.2.2):
    /// `{"id", "type": "Multikey", "controller", "publicKeyMultibase"}`.
    pub fn to_multikey_json(&self) -> Value {
        json!({
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key_multibase(),
        })
    }
}

/// CID 1.0 §3.3 error names (prefix `https://w3id.org/security#` omitted).
const INVALID_VERIFICATION_METHOD_URL: &str = "INVALID_VERIFICATION_METHOD_URL";
const INVALID_DOCUMENT: &str = "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT";
const INVALID_DOCUMENT_ID: &str = "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID";
const INVALID_VERIFICATION_METHOD: &str = "INVALID_VERIFICATION_METHOD";
const INVALID_RELATIONSHIP: &str = "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD";

fn cid(code: &'static str, message: String) -> KeyError {
    KeyError::ControllerDocument { code, message }
}

/// Splits an absolute verification-method URL into (document URL, fragment).
fn split_vm_url(vm_url: &str) -> Result<(&str, &str), KeyError> {
    let bad = |why: &str| {
        cid(
            INVALID_VERIFICATION_METHOD_URL,
            format!("'{}' {why}", truncate(vm_url)),
        )
    };
    if vm_url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("contains white space or control characters"));
    }
    let Some((base, fragment)) = vm_url.split_once('#') else {
        return Err(bad(
            "has no fragment naming a method in a controller document",
        ));
    };
    if fragment.is_empty() || fragment.contains('#') {
        return Err(bad("has an empty or malformed fragment"));
    }
    let scheme_ok = base
        .split_once(':')
        .map(|(scheme, rest)| {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
        .unwrap_or(false);
    if !scheme_ok {
        return Err(bad("is not an absolute URL"));
    }
    Ok((base, fragment))
}

/// Entries of a property that may be a single value or an array.
fn entries(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

fn entry_id(entry: &Value) -> Option<&str> {
    match entry {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Retrieves a verification method from a controller document, checking
/// the rules of CID 1.0 §3.3 "Retrieve Verification Method" for the proof
/// purpose `assertionMethod` (DID Core §5.3.2):
///
/// 1. `vm_url` is an absolute URL with a fragment
///    (`INVALID_VERIFICATION_METHOD_URL`);
/// 2. the document is an object whose `id` equals `vm_url` without its
///    fragment (`INVALID_CONTROLLED_IDENTIFIER_DOCUMENT(_ID)`);
/// 3. a method with `id == vm_url` exists under `verificationMethod` or
///    embedded under `assertionMethod`, exactly once; relative ids
///    (`#key-1`) are refused (`INVALID_VERIFICATION_METHOD`);
/// 4. its `controller` equals the document id (`INVALID_VERIFICATION_METHOD`);
/// 5. `vm_url` is listed under `assertionMethod` by absolute reference or
///    embedded (`INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD`); a relative
///    reference does not count (the Digital Bazaar verifier compares
///    absolute strings);
/// 6. the key is Ed25519: `Multikey` or `Ed25519VerificationKey2020` with
///    `publicKeyMultibase`, `JsonWebKey`/`JsonWebKey2020` with
///    `publicKeyJwk` `{"kty":"OKP","crv":"Ed25519","x":…}` (without `d`),
///    or `Ed25519VerificationKey2018` with `publicKeyBase58`. Other
///    algorithms give [`KeyError::UnsupportedKey`].
pub fn method_from_controller_document(
    doc: &Value,
    vm_url: &str,
) -> Result<VerificationMethod, KeyError> {
    method_for_relationship(doc, vm_url, "assertionMethod")
}

/// [`method_from_controller_document`] for the proof purpose
/// `authentication` (DID Core §5.3.1; CID 1.0 §3.3): the method must be
/// listed (or embedded) under `authentication` — how a presentation's
/// holder proves control (VC Data Integrity 1.0 §4.4, VCDM 2.0 §4.13).
pub fn authentication_method_from_controller_document(
    doc: &Value,
    vm_url: &str,
) -> Result<VerificationMethod, KeyError> {
    method_for_relationship(doc, vm_url, "authentication")
}

/// Steps 1–6 of [`method_from_controller_document`] with `relationship`
/// (a DID Core §5.3 verification relationship) in place of `assertionMethod`.
fn method_for_relationship(
    doc: &Value,
    vm_url: &str,
    relationship: &str,
) -> Result<VerificationMethod, KeyError> {
    let (method, doc_id) = relationship_entry(doc, vm_url, relationship)?;
    // Step 6: the key.
    let public_key = parse_key(method, vm_url)?;
    Ok(VerificationMethod {
        id: vm_url.to_owned(),
        controller: doc_id.to_owned(),
        public_key,
    })
}

/// Steps 1–5 of [`method_from_controller_document`]: the method object
/// `vm_url` names and the document id, whatever its key type.
pub(super) fn assertion_method_entry<'a>(
    doc: &'a Value,
    vm_url: &str,
) -> Result<(&'a Map<String, Value>, &'a str), KeyError> {
    relationship_entry(doc, vm_url, "assertionMethod")
}

/// [`assertion_method_entry`] for any verification `relationship`.
fn relationship_entry<'a>(
    doc: &'a Value,
    vm_url: &str,
    relationship: &str,
) -> Result<(&'a Map<String, Value>, &'a str), KeyError> {
    let (base, fragment) = split_vm_url(vm_url)?;
    let Some(obj) = doc.as_object() else {
        return Err(cid(
            INVALID_DOCUMENT,
            "document is not a JSON object".to_owned(),
        ));
    };
    let Some(doc_id) = obj.get("id").and_then(Value::as_str) else {
        return Err(cid(
            INVALID_DOCUMENT_ID,
            "document has no string 'id'".to_owned(),
        ));
    };
    if doc_id != base {
        return Err(cid(
            INVALID_DOCUMENT_ID,
            format!(
                "document id '{}' does not equal '{}', the verification method URL without \
                 its fragment",
                truncate(doc_id),
                truncate(base)
            ),
        ));
    }

    let relative = format!("#{fragment}");
    let is_relative_ref = |id: &str| id == relative || id == fragment;

    let declared = entries(obj.get("verificationMethod"));
    let assertion = entries(obj.get(relationship));

    // Step 3: find the method, declared or embedded.
    let mut found: Vec<&Map<String, Value>> = Vec::new();
    let mut saw_relative_method = false;
    for entry in declared.iter().chain(assertion.iter()) {
        let Value::Object(method) = entry else {
            continue;
        };
        match method.get("id").and_then(Value::as_str) {
            Some(id) if id == vm_url => found.push(method),
            Some(id) if is_relative_ref(id) => saw_relative_method = true,
            _ => {}
        }
    }
    let method = match found.as_slice() {
        [] if saw_relative_method => {
            return Err(cid(
                INVALID_VERIFICATION_METHOD,
                format!(
                    "the method is declared with the relative id '{relative}'; verification \
                     method ids must be absolute ('{}')",
                    truncate(vm_url)
                ),
            ));
        }
        [] => {
            return Err(cid(
                INVALID_VERIFICATION_METHOD,
                format!(
                    "no verification method with id '{}' in the document",
                    truncate(vm_url)
                ),
            ));
        }
        [first, rest @ ..] => {
            if rest.iter().any(|other| other != first) {
                return Err(cid(
                    INVALID_DOCUMENT,
                    format!(
                        "conflicting definitions of verification method '{}'",
                        truncate(vm_url)
                    ),
                ));
            }
            *first
        }
    };

    // Step 4: controller.
    let controller = method.get("controller").and_then(Value::as_str);
    if controller != Some(doc_id) {
        return Err(cid(
            INVALID_VERIFICATION_METHOD,
            match controller {
                Some(c) => format!(
                    "controller '{}' of '{}' does not equal the document id '{}'",
                    truncate(c),
                    truncate(vm_url),
                    truncate(doc_id)
                ),
                None => format!("'{}' has no string 'controller'", truncate(vm_url)),
            },
        ));
    }

    // Step 5: proof purpose.
    let listed = assertion.iter().any(|e| entry_id(e) == Some(vm_url));
    if !listed {
        let relative_listed = assertion
            .iter()
            .any(|e| matches!(e, Value::String(s) if is_relative_ref(s)));
        return Err(cid(
            INVALID_RELATIONSHIP,
            if relative_listed {
                format!(
                    "{relationship} lists '{relative}' as a relative reference; it must list \
                     the absolute id '{}'",
                    truncate(vm_url)
                )
            } else {
                format!("'{}' is not listed under {relationship}", truncate(vm_url))
            },
        ));
    }

    Ok((method, doc_id))
}

/// Reads the Ed25519 public key of a verification method object.
fn parse_key(method: &Map<String, Value>, vm_url: &str) -> Result<VerifyingKey, KeyError> {
    let invalid = |m: String| {
        cid(
            INVALID_VERIFICATION_METHOD,
            format!("'{}': {m}", truncate(vm_url)),
        )
    };
    let wrap = |e: KeyError| match e {
        KeyError::NotEd25519PublicKey { found } => KeyError::UnsupportedKey(format!(
            "'{}': Multikey with multicodec header 0x{found} (only Ed25519, 0xed01, is supported)",
            truncate(vm_url)
        )),
        KeyError::UnsupportedKey(m) => KeyError::UnsupportedKey(m),
        other => invalid(other.to_string()),
    };
    let string_prop = |name: &str| {
        method
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("no string '{name}'")))
    };
    let method_type = string_prop("type")?;
    match method_type {
        "Multikey" | "Ed25519VerificationKey2020" => {
            decode_public_key_multibase(string_prop("publicKeyMultibase")?).map_err(wrap)
        }
        "JsonWebKey" | "JsonWebKey2020" => {
            let Some(Value::Object(jwk)) = method.get("publicKeyJwk") else {
                return Err(invalid("no 'publicKeyJwk' object".to_owned()));
            };
            if jwk.contains_key("d") {
                return Err(invalid(
                    "publicKeyJwk contains a private key ('d'); refusing it".to_owned(),
                ));
            }
            let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or_default();
            let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or_default();
            if kty != "OKP" || crv != "Ed25519" {
                return Err(KeyError::UnsupportedKey(format!(
                    "'{}': JWK kty '{}' crv '{}' (only OKP Ed25519 is supported)",
                    truncate(vm_url),
                    truncate(kty),
                    truncate(crv)
                )));
            }
            let x = jwk
                .get("x")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("publicKeyJwk has no string 'x'".to_owned()))?;
            if x.len() > 64 {
                return Err(invalid("publicKeyJwk 'x' is too long".to_owned()));
            }
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(x)
                .map_err(|e| {
                    wrap(KeyError::Base64 {
                        what: "publicKeyJwk x",
                        detail: e.to_string(),
                    })
                })?;
            raw_key(&bytes, "publicKeyJwk x").map_err(wrap)
        }
        "Ed25519VerificationKey2018" => {
            let b58 = string_prop("publicKeyBase58")?;
            if b58.len() > 64 {
                return Err(invalid("publicKeyBase58 is too long".to_owned()));
            }
            let bytes = bs58::decode(b58).into_vec().map_err(|e| {
                wrap(KeyError::Base58 {
                    what: "publicKeyBase58",
                    detail: e.to_string(),
                })
            })?;
            raw_key(&bytes, "publicKeyBase58").map_err(wrap)
        }
        other => Err(KeyError::UnsupportedKey(format!(
            "'{}': verification method type '{}'",
            truncate(vm_url),
            truncate(other)
        ))),
    }
}

fn raw_key(bytes: &[u8], what: &'static str) -> Result<VerifyingKey, KeyError> {
    let raw: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::Length {
        what,
        expected: "32",
        found: bytes.len(),
    })?;
    verifying_key_from_bytes(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{SigningKey, did_web_document};

    const DID: &str = "did:web:example.com";

    fn key(seed: u8) -> VerifyingKey {
        SigningKey::from_bytes(&[seed; 32]).verifying_key()
    }

    fn doc_with(vm_id: &str, controller: &str, assertion: Value) -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": DID,
            "verificationMethod": [{
                "id": vm_id,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": public_key_multibase(&key(1)),
            }],
            "assertionMethod": assertion,
        })
    }

    fn code_of(err: &KeyError) -> &'static str {
        match err {
            KeyError::ControllerDocument { code, .. } => code,
            other => panic!("not a controller document error: {other:?}"),
        }
    }

    #[test]
    fn happy_path_key_1() {
        let vm_id = format!("{DID}#key-1");
        let doc = doc_with(&vm_id, DID, json!([vm_id]));
        let vm = method_from_controller_document(&doc, &vm_id).unwrap();
        assert_eq!(
            vm,
            VerificationMethod {
                id: vm_id.clone(),
                controller: DID.to_owned(),
                public_key: key(1)
            }
        );
    }

    #[test]
    fn relative_reference_in_assertion_method_is_refused() {
        let vm_id = format!("{DID}#key-1");
        let doc = doc_with(&vm_id, DID, json!(["#key-1"]));
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD: assertionMethod lists '#key-1' as a \
             relative reference; it must list the absolute id 'did:web:example.com#key-1'"
        );
    }

    #[test]
    fn relative_method_id_is_refused() {
        let vm_id = format!("{DID}#key-1");
        let doc = doc_with("#key-1", DID, json!([vm_id]));
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_VERIFICATION_METHOD: the method is declared with the relative id '#key-1'; \
             verification method ids must be absolute ('did:web:example.com#key-1')"
        );
    }

    #[test]
    fn wrong_controller_is_refused() {
        let vm_id = format!("{DID}#key-1");
        let doc = doc_with(&vm_id, "did:web:evil.example", json!([vm_id]));
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_VERIFICATION_METHOD: controller 'did:web:evil.example' of \
             'did:web:example.com#key-1' does not equal the document id 'did:web:example.com'"
        );
        let mut doc = doc_with(&vm_id, DID, json!([vm_id]));
        doc["verificationMethod"][0]
            .as_object_mut()
            .unwrap()
            .remove("controller");
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert_eq!(code_of(&err), "INVALID_VERIFICATION_METHOD");
    }

    #[test]
    fn not_listed_is_refused() {
        let vm_id = format!("{DID}#key-1");
        for assertion in [json!([]), json!(null), json!([format!("{DID}#key-2")])] {
            let doc = doc_with(&vm_id, DID, assertion);
            let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
            assert_eq!(
                err.to_string(),
                "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD: 'did:web:example.com#key-1' is \
                 not listed under assertionMethod"
            );
        }
        // Listed only under authentication.
        let mut doc = doc_with(&vm_id, DID, json!([]));
        doc["authentication"] = json!([vm_id]);
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert_eq!(
            code_of(&err),
            "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD"
        );
    }

    #[test]
    fn document_id_must_match() {
        let vm_id = "did:web:other.example#key-1";
        let doc = doc_with(vm_id, DID, json!([vm_id]));
        let err = method_from_controller_document(&doc, vm_id).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID: document id 'did:web:example.com' does \
             not equal 'did:web:other.example', the verification method URL without its fragment"
        );
        let err =
            method_from_controller_document(&json!({"verificationMethod": []}), vm_id).unwrap_err();
        assert_eq!(code_of(&err), "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID");
        let err = method_from_controller_document(&json!([1, 2]), vm_id).unwrap_err();
        assert_eq!(code_of(&err), "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT");
    }

    #[test]
    fn vm_url_must_be_absolute_with_fragment() {
        let doc = doc_with(&format!("{DID}#key-1"), DID, json!([]));
        for url in [
            "#key-1",
            "did:web:example.com",
            "did:web:example.com#",
            "key-1#x",
            "a b#c",
        ] {
            let err = method_from_controller_document(&doc, url).unwrap_err();
            assert_eq!(code_of(&err), "INVALID_VERIFICATION_METHOD_URL", "{url}");
        }
    }

    #[test]
    fn missing_method() {
        let doc = doc_with(
            &format!("{DID}#key-1"),
            DID,
            json!([format!("{DID}#key-2")]),
        );
        let err = method_from_controller_document(&doc, &format!("{DID}#key-2")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_VERIFICATION_METHOD: no verification method with id \
             'did:web:example.com#key-2' in the document"
        );
    }

    #[test]
    fn embedded_method_under_assertion_method() {
        let vm_id = format!("{DID}#key-1");
        let embedded = json!({
            "id": vm_id, "type": "Multikey", "controller": DID,
            "publicKeyMultibase": public_key_multibase(&key(3)),
        });
        let doc = json!({"id": DID, "assertionMethod": [embedded]});
        let vm = method_from_controller_document(&doc, &vm_id).unwrap();
        assert_eq!(vm.public_key, key(3));

        // Declared and embedded with different keys: conflict.
        let mut doc = doc_with(&vm_id, DID, json!([embedded]));
        doc["id"] = json!(DID);
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert_eq!(code_of(&err), "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT");
    }

    #[test]
    fn json_web_key_methods() {
        let vm_id = format!("{DID}#jwk");
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key(4).as_bytes());
        let mut doc = json!({
            "id": DID,
            "verificationMethod": [{
                "id": vm_id, "type": "JsonWebKey", "controller": DID,
                "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": x},
            }],
            "assertionMethod": [vm_id],
        });
        assert_eq!(
            method_from_controller_document(&doc, &vm_id)
                .unwrap()
                .public_key,
            key(4)
        );

        doc["verificationMethod"][0]["publicKeyJwk"]["d"] = json!("AAAA");
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert!(err.to_string().contains("private key ('d')"), "{err}");

        doc["verificationMethod"][0]["publicKeyJwk"] =
            json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"});
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert!(err.is_unsupported_key(), "{err:?}");

        doc["verificationMethod"][0]["publicKeyJwk"] =
            json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"});
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_VERIFICATION_METHOD: 'did:web:example.com#jwk': wrong length for \
             publicKeyJwk x: 3 bytes (expected 32)"
        );
    }

    #[test]
    fn multikey_problems() {
        let vm_id = format!("{DID}#key-1");
        let mut doc = doc_with(&vm_id, DID, json!([vm_id]));
        doc["verificationMethod"][0]["publicKeyMultibase"] =
            json!("z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW");
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert!(err.is_unsupported_key(), "{err:?}");

        doc["verificationMethod"][0]["publicKeyMultibase"] = json!("u7QE");
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_VERIFICATION_METHOD: 'did:web:example.com#key-1': bad multibase prefix 'u' \
             (expected 'z')"
        );

        doc["verificationMethod"][0]["type"] = json!("EcdsaSecp256k1VerificationKey2019");
        let err = method_from_controller_document(&doc, &vm_id).unwrap_err();
        assert!(err.is_unsupported_key(), "{err:?}");
    }

    #[test]
    fn our_did_web_document_round_trips() {
        let doc = did_web_document(DID, &[key(1), key(2)]);
        for k in [key(1), key(2)] {
            let vm = VerificationMethod::for_controller(DID, k);
            assert_eq!(method_from_controller_document(&doc, &vm.id).unwrap(), vm);
        }
    }

    #[test]
    fn https_controller_document() {
        // A CID 1.0 controller document served at an https issuer URL.
        let issuer = "https://issuer.example/profile";
        let vm = VerificationMethod::for_controller(issuer, key(5));
        let doc = json!({
            "@context": "https://www.w3.org/ns/cid/v1",
            "id": issuer,
            "verificationMethod": vm.to_multikey_json(),
            "assertionMethod": vm.id,
        });
        assert_eq!(method_from_controller_document(&doc, &vm.id).unwrap(), vm);
    }
}
