//! Signed verification receipts: a [`Report`] turned into a W3C Verifiable
//! Credential (VCDM 2.0) that this verifier signs, so that the party that
//! asked (an HR system) can keep a proof of what was checked, when, and
//! with which outcome, and show it to others later.
//!
//! The report stays the one source of truth: [`unsigned_receipt`] copies
//! its verdict, its checks (name, state, code, path — never the messages)
//! and its time, and adds what identifies the input: the verified
//! credential's `id` and the `digestMultibase` of its bytes as received
//! (VCDM 2.0 §5.3 "Integrity of Related Resources"; VC Data Integrity 1.0
//! §2.6: multibase base64url without padding, `u`, of the sha2-256
//! multihash), plus, for a baked image (Open Badges 3.0 §5.3), the digest
//! and media type of the image. [`issue`] signs it with `eddsa-rdfc-2022`
//! (Data Integrity EdDSA Cryptosuites v1.0 §3.2) through the same signer
//! seam as credentials.
//!
//! Its terms are defined by the compiled-in context
//! [`crate::contexts::RECEIPT_V1`], so a receipt canonicalizes in JSON-LD
//! safe mode (VC Data Integrity 1.0 §2.4.3) without anything being fetched.
//!
//! Verifying a receipt is verifying a credential (the pipeline of
//! [`super`]); [`attestation`] reads what it attests for the report, and
//! [`with_credential`] compares its digest with a credential supplied
//! alongside.

use super::{Check, CheckState, Report};
use crate::keys::CredentialSigner;
use crate::proof::{self, Cryptosuite, ProofError, ProofOptions};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The `type` that makes a credential a verification receipt.
pub const RECEIPT_TYPE: &str = "VerificationReceipt";

/// The code of the check that compares a receipt's digest with the
/// credential supplied alongside, when they differ.
pub const DIGEST_MISMATCH: &str = "receipt_digest_mismatch";

/// The code of that check when the receipt carries no digest to compare.
pub const DIGEST_MISSING: &str = "receipt_digest_missing";

/// The code of that check when the input is not a receipt at all.
pub const NOT_A_RECEIPT: &str = "not_a_receipt";

/// `digestMultibase` of `bytes`: `u` + base64url without padding (RFC 4648
/// §5) of the sha2-256 multihash (`0x12 0x20` + the 32-byte digest), as VC
/// Data Integrity 1.0 §2.6 and VCDM 2.0 §5.3 write resource digests.
pub fn digest_multibase(bytes: &[u8]) -> String {
    use base64::Engine as _;
    let mut multihash = Vec::with_capacity(34);
    multihash.extend([0x12, 0x20]);
    multihash.extend(Sha256::digest(bytes));
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(multihash)
    )
}

/// A baked image as received: its digest and media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDigest {
    /// [`digest_multibase`] of the image bytes.
    pub digest: String,
    /// `image/png` or `image/svg+xml`.
    pub media_type: &'static str,
}

/// What a verification received, as a receipt identifies it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// [`digest_multibase`] of the credential's bytes as received (the JSON
    /// text, or the compact JWS of a VC-JWT); `None` when no credential was
    /// obtained (a URL that could not be fetched, an id never issued).
    pub credential: Option<String>,
    /// The baked image the credential came in, if it came in one.
    pub image: Option<ImageDigest>,
}

impl Received {
    /// The credential's bytes exactly as received.
    pub fn credential(bytes: &[u8]) -> Self {
        Received {
            credential: Some(digest_multibase(bytes)),
            image: None,
        }
    }

    /// What [`super::verify_input`] received: a baked PNG or SVG (the image
    /// and the credential text baked in it), or else the credential itself.
    /// The input is told apart as [`super::verify_input`] tells it.
    pub fn input(bytes: &[u8]) -> Self {
        let media_type = if bytes.starts_with(b"\x89PNG") {
            "image/png"
        } else if looks_like_svg(bytes) {
            "image/svg+xml"
        } else {
            return Received::credential(bytes);
        };
        let credential = match crate::render::bake::unbake(bytes) {
            Ok(crate::render::bake::Baked::Json(text) | crate::render::bake::Baked::Jws(text)) => {
                Some(digest_multibase(text.as_bytes()))
            }
            Err(_) => None,
        };
        Received {
            credential,
            image: Some(ImageDigest {
                digest: digest_multibase(bytes),
                media_type,
            }),
        }
    }
}

/// The first byte that is not white space is `<` (also after a UTF-8 BOM).
fn looks_like_svg(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace()) == Some(b'<')
}

/// Who verified: this server's issuer id (a DID or URL, the receipt's
/// `issuer`) and its name.
#[derive(Debug, Clone, Copy)]
pub struct Verifier<'a> {
    /// The issuer id, as credentials of this issuer carry it.
    pub id: &'a str,
    /// The issuer's display name.
    pub name: &'a str,
}

/// The unsigned receipt of `report` (VCDM 2.0 §4: `@context`, `id`, `type`,
/// `issuer`, `validFrom`, `credentialSubject`). `validFrom` and
/// `credentialSubject.checkedAt` are the report's `checked_at`; `id` is
/// `urn:uuid:` + `id` (RFC 9562).
pub fn unsigned_receipt(
    report: &Report,
    received: &Received,
    verifier: Verifier<'_>,
    id: uuid::Uuid,
) -> Value {
    let mut subject = Map::new();
    // Only an id JSON-LD takes as an IRI (JSON-LD 1.1 §9.5 / RFC 3987):
    // anything else would make the receipt fail safe mode when signed.
    if let Some(cid) = report
        .credential
        .as_ref()
        .and_then(|c| c.id.as_deref())
        .filter(|id| is_iri(id))
    {
        subject.insert("id".into(), Value::String(cid.to_owned()));
    }
    if let Some(d) = &received.credential {
        subject.insert("digestMultibase".into(), Value::String(d.clone()));
    }
    if let Some(image) = &received.image {
        subject.insert(
            "bakedImage".into(),
            json!({"digestMultibase": image.digest, "mediaType": image.media_type}),
        );
    }
    subject.insert("verified".into(), Value::Bool(report.verified));
    subject.insert(
        "verdict".into(),
        Value::String(report.verdict.label().into()),
    );
    let checks = report
        .checks
        .iter()
        .map(|c| {
            let mut o = Map::new();
            o.insert("check".into(), Value::String(c.check.into()));
            o.insert(
                "state".into(),
                serde_json::to_value(c.state).unwrap_or(Value::Null),
            );
            o.insert("code".into(), Value::String(c.code.clone()));
            if let Some(p) = &c.path {
                o.insert("path".into(), Value::String(p.clone()));
            }
            Value::Object(o)
        })
        .collect();
    subject.insert("checks".into(), Value::Array(checks));
    subject.insert("checkedAt".into(), Value::String(report.checked_at.clone()));
    subject.insert(
        "verifier".into(),
        json!({"id": verifier.id, "name": verifier.name}),
    );
    json!({
        "@context": [crate::contexts::CREDENTIALS_V2, crate::contexts::RECEIPT_V1],
        "id": format!("urn:uuid:{id}"),
        "type": ["VerifiableCredential", RECEIPT_TYPE],
        "issuer": verifier.id,
        "validFrom": report.checked_at,
        "credentialSubject": Value::Object(subject),
    })
}

/// Whether `id` is an absolute IRI (a scheme, then RFC 3987 syntax).
fn is_iri(id: &str) -> bool {
    crate::jsonld::context::is_absolute_iri(id) && oxrdf::NamedNode::new(id).is_ok()
}

/// The signed receipt of `report`: [`unsigned_receipt`] with an
/// `eddsa-rdfc-2022` proof (EDDSA §3.2.1, VC-DI 1.0 §4.2 Add Proof) made by
/// `signer`, `proofPurpose` `assertionMethod`, `created` the time of the
/// check. The receipt's `issuer` is the signer's issuer id, so it verifies
/// with the same key resolution as this issuer's credentials.
pub fn issue(
    report: &Report,
    received: &Received,
    verifier_name: &str,
    signer: &dyn CredentialSigner,
    id: uuid::Uuid,
) -> Result<Value, ProofError> {
    let verifier = Verifier {
        id: signer.issuer(),
        name: verifier_name,
    };
    let unsigned = unsigned_receipt(report, received, verifier, id);
    let options =
        ProofOptions::assertion(Cryptosuite::EddsaRdfc2022, Some(report.checked_at.clone()));
    proof::add_proof(&unsigned, &options, signer)
}

/// Whether `doc`'s `type` lists [`RECEIPT_TYPE`].
pub fn is_receipt(doc: &Value) -> bool {
    match doc.get("type") {
        Some(Value::String(t)) => t == RECEIPT_TYPE,
        Some(Value::Array(types)) => types.iter().any(|t| t == RECEIPT_TYPE),
        _ => false,
    }
}

/// What a verification receipt attests, as written in it. It is only worth
/// what the receipt's own checks say: a receipt whose proof does not
/// verify attests nothing.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Attestation {
    /// The verified credential's `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub credential_id: Option<String>,
    /// `digestMultibase` of the credential's bytes as the verifier received them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub digest_multibase: Option<String>,
    /// `digestMultibase` of the baked image the credential came in.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub image_digest_multibase: Option<String>,
    /// The verdict word the verifier gave (`VALID`, `REVOKED`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub verdict: Option<String>,
    /// When the verifier checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub checked_at: Option<String>,
    /// The verifier's id (the receipt's issuer).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub verifier: Option<String>,
}

/// What the receipt `doc` attests (read from its `credentialSubject`), or
/// `None` when `doc` is not a receipt ([`is_receipt`]).
pub fn attestation(doc: &Value) -> Option<Box<Attestation>> {
    if !is_receipt(doc) {
        return None;
    }
    let subject = doc.get("credentialSubject");
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let field = |name: &str| text(subject.and_then(|s| s.get(name)));
    let verifier = subject
        .and_then(|s| s.get("verifier"))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            other => text(other.get("id")),
        });
    Some(Box::new(Attestation {
        credential_id: field("id"),
        digest_multibase: field("digestMultibase"),
        image_digest_multibase: text(
            subject
                .and_then(|s| s.get("bakedImage"))
                .and_then(|i| i.get("digestMultibase")),
        ),
        verdict: field("verdict"),
        checked_at: field("checkedAt"),
        verifier,
    }))
}

/// `report` as it is when a receipt was expected: with one more invalid
/// check, [`NOT_A_RECEIPT`], when the input is not a receipt.
pub fn expect_receipt(report: Report) -> Report {
    if report.attests.is_some() {
        return report;
    }
    report.with_check(Check::new(
        "receipt",
        CheckState::Invalid,
        NOT_A_RECEIPT,
        "a verification receipt was expected: its type lists no VerificationReceipt",
    ))
}

/// `report` (of a receipt) with one more check, `receipt_digest`: whether
/// `supplied` — the credential as the holder has it, or the baked image it
/// came in — has the digest the receipt attests. Valid when its bytes'
/// digest is the receipt's `digestMultibase` or the `bakedImage` digest;
/// invalid with [`DIGEST_MISMATCH`] when not, with [`DIGEST_MISSING`] when
/// the receipt attests no digest, and with [`NOT_A_RECEIPT`] when the
/// report is not a receipt's.
pub fn with_credential(report: Report, supplied: &[u8]) -> Report {
    let check = match &report.attests {
        None => Check::new(
            "receipt_digest",
            CheckState::Invalid,
            NOT_A_RECEIPT,
            "a credential was given to compare with a receipt, but the input is not a \
             verification receipt",
        ),
        Some(a) if a.digest_multibase.is_none() && a.image_digest_multibase.is_none() => {
            Check::new(
                "receipt_digest",
                CheckState::Invalid,
                DIGEST_MISSING,
                "the receipt attests no digest to compare the credential with",
            )
        }
        Some(a) => {
            let digest = digest_multibase(supplied);
            if a.digest_multibase.as_deref() == Some(digest.as_str()) {
                Check::valid(
                    "receipt_digest",
                    "the credential given has the digest the receipt attests",
                )
            } else if a.image_digest_multibase.as_deref() == Some(digest.as_str()) {
                Check::valid(
                    "receipt_digest",
                    "the baked image given has the digest the receipt attests",
                )
            } else {
                Check::new(
                    "receipt_digest",
                    CheckState::Invalid,
                    DIGEST_MISMATCH,
                    format!(
                        "the credential given has the digest {digest}, not the one the receipt \
                         attests"
                    ),
                )
            }
        }
    };
    report.with_check(check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{IssuerKey, OfflineResolver, SigningKey};
    use crate::verification::{VerifyContext, verify_value};

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn key() -> IssuerKey {
        IssuerKey::did_key(SigningKey::from_bytes(&[7; 32]))
    }

    /// A report of a credential that failed (no proof) and said so.
    async fn some_report() -> Report {
        let doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:8c9b3c5e-6f55-4a6e-9f55-1f0d4c0f2b11",
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:alice"}
        });
        let resolver = OfflineResolver::new();
        verify_value(&doc, VerifyContext::new(&resolver, now())).await
    }

    /// VC Data Integrity 1.0 §2.6 / multiformats: `u` + base64url of
    /// 0x12 0x20 ‖ SHA-256. SHA-256("") = e3b0c442…b855.
    #[test]
    fn the_digest_is_the_multibase_sha2_256_multihash() {
        assert_eq!(
            digest_multibase(b""),
            "uEiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ"
        );
    }

    #[tokio::test]
    async fn a_receipt_verifies_and_says_what_it_attests() {
        let report = some_report().await;
        assert_eq!(report.verdict.label(), "NOT VALID");
        let key = key();
        let received = Received::credential(b"{\"x\":1}");
        let id = uuid::Uuid::from_u128(1);
        let receipt = issue(&report, &received, "Example Verifier", &key, id).unwrap();
        assert_eq!(receipt["issuer"], key.issuer());
        assert_eq!(receipt["validFrom"], "2026-11-25T12:00:00Z");
        assert_eq!(receipt["credentialSubject"]["verdict"], "NOT VALID");
        let mut resolver = OfflineResolver::new();
        resolver.add_method(key.method());
        let checked = verify_value(&receipt, VerifyContext::new(&resolver, now())).await;
        assert!(checked.verified, "{checked:?}");
        let a = checked.attests.clone().expect("a receipt");
        assert_eq!(a.verdict.as_deref(), Some("NOT VALID"));
        assert_eq!(
            a.credential_id.as_deref(),
            Some("urn:uuid:8c9b3c5e-6f55-4a6e-9f55-1f0d4c0f2b11")
        );
        assert_eq!(a.digest_multibase, received.credential);

        // The credential it was made for matches; another does not.
        let same = with_credential(checked.clone(), b"{\"x\":1}");
        assert!(same.verified, "{same:?}");
        let other = with_credential(checked, b"{\"x\":2}");
        assert!(!other.verified);
        assert_eq!(other.first_failure().unwrap().code, DIGEST_MISMATCH);

        // The verdict is signed.
        let mut forged = receipt.clone();
        forged["credentialSubject"]["verdict"] = json!("VALID");
        let checked = verify_value(&forged, VerifyContext::new(&resolver, now())).await;
        assert!(!checked.verified);
        assert_eq!(checked.first_failure().unwrap().code, "signature_invalid");
    }

    /// A credential id that is not an IRI is left out, so the receipt can
    /// still be signed (safe mode would refuse it).
    #[test]
    fn an_id_that_is_not_an_iri_is_left_out() {
        for (id, kept) in [
            ("urn:uuid:8c9b3c5e-6f55-4a6e-9f55-1f0d4c0f2b11", true),
            ("https://example.com/c/1", true),
            ("not an iri", false),
            ("_:b0", false),
            ("urn:a b", false),
        ] {
            let mut report = Report::of_checks(vec![Check::valid("parse", "x")], now());
            report.credential = Some(crate::verification::CredentialInfo {
                id: Some(id.into()),
                ..Default::default()
            });
            let receipt = issue(
                &report,
                &Received::credential(b"{}"),
                "V",
                &key(),
                uuid::Uuid::from_u128(9),
            )
            .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(
                receipt["credentialSubject"].get("id").is_some(),
                kept,
                "{id}"
            );
        }
    }

    #[tokio::test]
    async fn a_credential_is_not_a_receipt() {
        let report = some_report().await;
        assert!(report.attests.is_none());
        let compared = with_credential(report, b"{}");
        assert!(compared.checks.iter().any(|c| c.code == NOT_A_RECEIPT));
    }

    #[test]
    fn an_image_is_digested_with_the_credential_baked_in_it() {
        let r = Received::input(b"  <svg xmlns='http://www.w3.org/2000/svg'/>");
        let image = r.image.expect("an SVG");
        assert_eq!(image.media_type, "image/svg+xml");
        assert_eq!(r.credential, None, "nothing baked in it");
        // A receipt of that image is matched by the image itself.
        let report = Report::of_checks(Vec::new(), now());
        let svg = b"  <svg xmlns='http://www.w3.org/2000/svg'/>";
        let receipt = unsigned_receipt(
            &report,
            &Received::input(svg),
            Verifier {
                id: "did:example:v",
                name: "V",
            },
            uuid::Uuid::from_u128(2),
        );
        let checked = Report {
            attests: attestation(&receipt),
            ..Report::of_checks(vec![Check::valid("proof", "x")], now())
        };
        assert!(with_credential(checked.clone(), svg).verified);
        let other = with_credential(checked, b"<svg/>");
        assert_eq!(other.first_failure().unwrap().code, DIGEST_MISMATCH);
        let plain = Received::input(b"{\"a\":1}");
        assert_eq!(plain.credential, Some(digest_multibase(b"{\"a\":1}")));
        assert_eq!(plain.image, None);
    }
}
