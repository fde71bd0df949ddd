//! W3C Data Integrity proofs (VC Data Integrity 1.0) with the EdDSA
//! cryptosuites of "Data Integrity EdDSA Cryptosuites v1.0" (EDDSA):
//! `eddsa-rdfc-2022` ([`rdfc`]) and `eddsa-jcs-2022` ([`jcs`]); and, for
//! verification only, the older `Ed25519Signature2020` ([`ed25519_2020`]).
//!
//! Proof sets and chains follow VC-DI §4.5: a proof is computed over the
//! document with every proof removed except those its `previousProof`
//! names. Time is passed in; nothing here reads a clock, a file or the
//! network (the key comes from a [`crate::keys::KeyResolver`]).
//!
//! The other proof format of Open Badges 3.0 (§8.2), VC-JWT, is in [`jwt`].

pub mod context;
pub mod ed25519_2020;
pub mod jcs;
pub mod jwt;
pub mod rdfc;

use crate::jsonld::JsonLdError;
use crate::keys::{CredentialSigner, KeyResolver, ResolveError, VerificationMethod};
use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The cryptosuites Rosette signs and verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cryptosuite {
    /// `eddsa-rdfc-2022` (EDDSA §3.2): RDFC-1.0 canonical N-Quads.
    EddsaRdfc2022,
    /// `eddsa-jcs-2022` (EDDSA §3.3): RFC 8785 JSON canonicalization.
    EddsaJcs2022,
}

impl Cryptosuite {
    /// The `cryptosuite` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Cryptosuite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
        }
    }

    /// Parses a `cryptosuite` value. The deprecated `eddsa-2022` is the same
    /// algorithm as `eddsa-rdfc-2022` and is accepted for verification, as the
    /// OB 3.0 Implementation Guide ("Cryptosuites in Linked Data Proofs") asks.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "eddsa-rdfc-2022" | "eddsa-2022" => Some(Cryptosuite::EddsaRdfc2022),
            "eddsa-jcs-2022" => Some(Cryptosuite::EddsaJcs2022),
            _ => None,
        }
    }
}

impl std::str::FromStr for Cryptosuite {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "eddsa-rdfc-2022" => Ok(Cryptosuite::EddsaRdfc2022),
            "eddsa-jcs-2022" => Ok(Cryptosuite::EddsaJcs2022),
            other => Err(format!(
                "unknown cryptosuite {other:?} (expected eddsa-rdfc-2022 or eddsa-jcs-2022)"
            )),
        }
    }
}

/// Why a proof could not be created or did not verify. Each variant has a
/// stable [`code`](ProofError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The document carries no proof.
    #[error("the document has no proof")]
    Missing,
    /// A proof member is missing or has the wrong JSON type (VC-DI §4.4 step 3).
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// `type`/`cryptosuite` name something other than the EdDSA suites.
    #[error("unsupported proof type or cryptosuite: {0}")]
    UnsupportedSuite(String),
    /// The document's `@context` lacks the context a proof suite requires
    /// (`Ed25519Signature2020`: its suite context).
    #[error("a {suite} proof needs the document's @context to list {context}")]
    SuiteContextMissing {
        /// The proof type.
        suite: &'static str,
        /// The context URL it needs.
        context: &'static str,
    },
    /// `proofPurpose` is not the expected one (VC-DI §4.4 step 5).
    #[error("proof purpose {found:?} does not match the expected {expected:?}")]
    PurposeMismatch {
        /// Found in the proof.
        found: String,
        /// Expected by the verifier.
        expected: String,
    },
    /// `proofValue` is not multibase base58btc/base64url of 64 bytes.
    #[error("malformed proofValue: {0}")]
    ProofValue(String),
    /// `created` or `expires` is not an XML Schema dateTimeStamp (EDDSA §3.2.1).
    #[error("invalid proof date: {0}")]
    Date(String),
    /// The proof expired before the verification time.
    #[error("the proof expired at {0}")]
    Expired(String),
    /// Two different proofs of the set carry the same `id`, so a
    /// `previousProof` naming it would be ambiguous (see [`proofs_of`]).
    #[error("two different proofs have the id {0:?}")]
    DuplicateId(String),
    /// `previousProof` names a proof that is not in the document.
    #[error("previousProof {0:?} names no proof of this document")]
    PreviousProofMissing(String),
    /// The signature does not verify with the method's key.
    #[error("the signature does not verify")]
    BadSignature,
    /// The verification method could not be resolved.
    #[error(transparent)]
    Key(#[from] ResolveError),
    /// The signer is not the key the options name.
    #[error("{0}")]
    Signer(String),
    /// Canonicalization refused the document (safe mode, unknown context…).
    #[error(transparent)]
    Canonicalization(#[from] JsonLdError),
    /// JCS could not serialize the document.
    #[error("JCS: {0}")]
    Jcs(String),
}

impl ProofError {
    /// Stable machine code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            ProofError::Missing => "proof_missing",
            ProofError::Malformed(_) => "proof_malformed",
            ProofError::UnsupportedSuite(_) => "cryptosuite_unsupported",
            ProofError::SuiteContextMissing { .. } => "proof_context_missing",
            ProofError::PurposeMismatch { .. } => "proof_purpose_mismatch",
            ProofError::ProofValue(_) => "proof_value_malformed",
            ProofError::Date(_) => "proof_date_malformed",
            ProofError::Expired(_) => "proof_expired",
            ProofError::DuplicateId(_) => "proof_id_duplicated",
            ProofError::PreviousProofMissing(_) => "previous_proof_missing",
            ProofError::BadSignature => "signature_invalid",
            ProofError::Key(e) => e.code(),
            ProofError::Signer(_) => "signer_mismatch",
            ProofError::Canonicalization(e) => e.code(),
            ProofError::Jcs(_) => "jcs_failed",
        }
    }

    /// `true` when the proof's `type` or `cryptosuite` is one Rosette does
    /// not implement: the proof was not checked at all (VC-DI 1.0 §4.5
    /// leaves such a proof of a set to the verifiers that support it).
    pub fn is_unsupported_suite(&self) -> bool {
        matches!(self, ProofError::UnsupportedSuite(_))
    }

    /// `true` when the failure means "could not check" rather than "checked and wrong".
    pub fn is_unknown(&self) -> bool {
        matches!(
            self,
            ProofError::UnsupportedSuite(_)
                | ProofError::Key(ResolveError::Unknown(_) | ResolveError::Unreachable(_))
                | ProofError::Canonicalization(JsonLdError::Unsupported(_))
        )
    }
}

/// Options of a new proof (VC-DI §2.1 proof properties).
#[derive(Debug, Clone)]
pub struct ProofOptions {
    /// Which suite to use.
    pub cryptosuite: Cryptosuite,
    /// `proofPurpose`; credentials use `assertionMethod`.
    pub proof_purpose: String,
    /// `created`, an XML Schema dateTimeStamp such as `2026-11-25T12:00:00Z`.
    pub created: Option<String>,
    /// `expires`.
    pub expires: Option<String>,
    /// `id` of the proof (needed when a later proof chains to it).
    pub id: Option<String>,
    /// `previousProof`: ids of proofs this one chains to.
    pub previous_proof: Vec<String>,
}

impl ProofOptions {
    /// `assertionMethod` options for `suite`, created at `created`.
    pub fn assertion(cryptosuite: Cryptosuite, created: Option<String>) -> Self {
        ProofOptions {
            cryptosuite,
            proof_purpose: "assertionMethod".into(),
            created,
            expires: None,
            id: None,
            previous_proof: Vec::new(),
        }
    }
}

/// The 64 bytes that are signed (EDDSA §3.2.4 / §3.3.4 "Hashing"):
/// SHA-256(canonical proof configuration) ‖ SHA-256(canonical document).
pub fn hash_data(canonical_proof_config: &[u8], canonical_document: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(canonical_proof_config));
    out[32..].copy_from_slice(&Sha256::digest(canonical_document));
    out
}

/// `z` + base58btc of the signature (EDDSA §2.2.1 `proofValue`).
pub fn encode_proof_value(signature: &[u8; 64]) -> String {
    format!("z{}", bs58::encode(signature).into_string())
}

/// Decodes a multibase `proofValue`: `z` base58btc, or `u` base64url
/// without padding (accepted as the JavaScript reference does); exactly 64 bytes.
pub fn decode_proof_value(value: &str) -> Result<[u8; 64], ProofError> {
    use base64::Engine as _;
    let bytes = match value.as_bytes().first() {
        Some(b'z') => bs58::decode(&value[1..])
            .into_vec()
            .map_err(|e| ProofError::ProofValue(format!("base58btc: {e}")))?,
        Some(b'u') => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&value[1..])
            .map_err(|e| ProofError::ProofValue(format!("base64url: {e}")))?,
        Some(_) => {
            return Err(ProofError::ProofValue(
                "unknown multibase prefix (expected 'z' or 'u')".into(),
            ));
        }
        None => return Err(ProofError::ProofValue("empty".into())),
    };
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| ProofError::ProofValue(format!("{} bytes, expected 64", b.len())))
}

/// Checks an XML Schema dateTimeStamp lexical form (timezone required).
pub fn check_date_time_stamp(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, ProofError> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .filter(|_| s.contains('T') && !s.contains(' ') && !s.contains('t') && !s.ends_with('z'))
        .ok_or_else(|| ProofError::Date(format!("{s:?} is not an XML Schema dateTimeStamp")))
}

/// The proofs of a secured document, in order (`proof` may be one map or an
/// array; VC-DI 1.0 §2.1.2 "Proof Sets").
///
/// Duplicates: a proof identical to another proof of the set (same JSON:
/// same key, same `created`, same `proofValue`, which is what signing the
/// same document twice within one second with a deterministic Ed25519 key
/// gives) is kept and verified like any other proof, as the JavaScript
/// reference verifier (`jsonld-signatures` `ProofSet`) does: it repeats a
/// claim without hiding or changing one. What is refused is two *different*
/// proofs with the same `id` ([`ProofError::DuplicateId`]): VC-DI 1.0 §4.5
/// selects a chained proof by its `id`, so such a set has no single meaning.
pub fn proofs_of(doc: &Value) -> Result<Vec<&Map<String, Value>>, ProofError> {
    match doc.get("proof") {
        None | Some(Value::Null) => Err(ProofError::Missing),
        Some(Value::Object(p)) => Ok(vec![p]),
        Some(Value::Array(a)) if a.is_empty() => Err(ProofError::Missing),
        Some(Value::Array(a)) => {
            let proofs = a
                .iter()
                .map(|p| {
                    p.as_object().ok_or_else(|| {
                        ProofError::Malformed("each proof must be a JSON object".into())
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            for (i, p) in proofs.iter().enumerate() {
                let Some(id) = p.get("id").and_then(Value::as_str) else {
                    continue;
                };
                if proofs[..i]
                    .iter()
                    .any(|q| q.get("id").and_then(Value::as_str) == Some(id) && q != p)
                {
                    return Err(ProofError::DuplicateId(id.to_owned()));
                }
            }
            Ok(proofs)
        }
        Some(_) => Err(ProofError::Malformed(
            "proof must be an object or array".into(),
        )),
    }
}

/// A proof cannot chain to itself (VC-DI 1.0 §4.5: `previousProof` names
/// proofs that existed before this one was made).
fn check_not_self_chained(own_id: Option<&str>, previous: &[&str]) -> Result<(), ProofError> {
    match own_id {
        Some(id) if previous.contains(&id) => Err(ProofError::Malformed(format!(
            "previousProof names the proof's own id {id:?}"
        ))),
        _ => Ok(()),
    }
}

fn previous_ids(proof: &Map<String, Value>) -> Result<Vec<&str>, ProofError> {
    match proof.get("previousProof") {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str().ok_or_else(|| {
                    ProofError::Malformed("previousProof entries must be strings".into())
                })
            })
            .collect(),
        Some(_) => Err(ProofError::Malformed(
            "previousProof must be a string or array".into(),
        )),
    }
}

/// The document a proof covers (VC-DI §4.5, proof sets and chains): the
/// secured document without `proof`, plus the proofs its `previousProof`
/// names. It borrows the document instead of copying it; the suites
/// serialize or canonicalize it directly.
#[derive(Debug, Clone)]
pub struct Unsecured<'a> {
    doc: &'a Map<String, Value>,
    chained: Option<Value>,
    context: Option<&'a Value>,
}

impl<'a> Unsecured<'a> {
    /// `doc` without its `proof` member (if any).
    pub fn new(doc: &'a Map<String, Value>) -> Self {
        Unsecured {
            doc,
            chained: None,
            context: None,
        }
    }

    /// `doc` without `proof`, plus the proofs of `all` whose ids `previous` lists.
    fn chained(
        doc: &'a Map<String, Value>,
        all: &[&Map<String, Value>],
        previous: &[&str],
    ) -> Result<Self, ProofError> {
        let mut unsecured = Unsecured::new(doc);
        if !previous.is_empty() {
            let mut chained = Vec::with_capacity(previous.len());
            for id in previous {
                let found = all
                    .iter()
                    .find(|p| p.get("id").and_then(Value::as_str) == Some(id))
                    .ok_or_else(|| ProofError::PreviousProofMissing((*id).to_owned()))?;
                chained.push(Value::Object((*found).clone()));
            }
            unsecured.chained = Some(if chained.len() == 1 {
                chained.remove(0)
            } else {
                Value::Array(chained)
            });
        }
        Ok(unsecured)
    }

    /// Replaces `@context` (EDDSA §3.3.2 step 4).
    fn with_context(mut self, context: &'a Value) -> Self {
        self.context = Some(context);
        self
    }

    /// The document's `@context`.
    pub fn context(&self) -> Option<&'a Value> {
        self.context.or_else(|| self.doc.get("@context"))
    }

    /// Whether the document is exactly the secured one minus `proof`.
    fn is_plain(&self) -> bool {
        self.chained.is_none() && self.context.is_none()
    }

    /// The members in document order.
    pub(crate) fn members(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.doc
            .iter()
            .filter(|(k, _)| k.as_str() != "proof")
            .map(|(k, v)| match (k.as_str(), self.context) {
                ("@context", Some(c)) => (k.as_str(), c),
                _ => (k.as_str(), v),
            })
            .chain(self.chained.iter().map(|p| ("proof", p)))
    }

    /// An owned copy, for the paths that need one.
    pub fn to_value(&self) -> Value {
        Value::Object(
            self.members()
                .map(|(k, v)| (k.to_owned(), v.clone()))
                .collect(),
        )
    }
}

impl serde::Serialize for Unsecured<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (k, v) in self.members() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Add Proof (VC-DI §4.2) with the suite's Create Proof (EDDSA §3.2.1 /
/// §3.3.1). An existing `proof` is kept and the new proof joins it as a
/// proof set (or chain, when `previous_proof` is set); `proof` is then an array.
pub fn add_proof(
    doc: &Value,
    options: &ProofOptions,
    signer: &dyn CredentialSigner,
) -> Result<Value, ProofError> {
    let Value::Object(map) = doc else {
        return Err(ProofError::Malformed(
            "the document must be a JSON object".into(),
        ));
    };
    let existing = match map.get("proof") {
        None => Vec::new(),
        Some(_) => proofs_of(doc)?,
    };
    if let Some(c) = &options.created {
        check_date_time_stamp(c)?;
    }
    if let Some(e) = &options.expires {
        check_date_time_stamp(e)?;
    }
    let previous: Vec<&str> = options.previous_proof.iter().map(String::as_str).collect();
    check_not_self_chained(options.id.as_deref(), &previous)?;
    if let Some(id) = &options.id
        && existing
            .iter()
            .any(|p| p.get("id").and_then(Value::as_str) == Some(id))
    {
        return Err(ProofError::DuplicateId(id.clone()));
    }
    let unsecured = Unsecured::chained(map, &existing, &previous)?;
    let mut proof = Map::new();
    if let Some(id) = &options.id {
        proof.insert("id".into(), Value::String(id.clone()));
    }
    proof.insert("type".into(), Value::String("DataIntegrityProof".into()));
    proof.insert(
        "cryptosuite".into(),
        Value::String(options.cryptosuite.as_str().into()),
    );
    if let Some(c) = &options.created {
        proof.insert("created".into(), Value::String(c.clone()));
    }
    if let Some(e) = &options.expires {
        proof.insert("expires".into(), Value::String(e.clone()));
    }
    proof.insert(
        "verificationMethod".into(),
        Value::String(signer.verification_method().to_owned()),
    );
    proof.insert(
        "proofPurpose".into(),
        Value::String(options.proof_purpose.clone()),
    );
    match previous.as_slice() {
        [] => {}
        [one] => {
            proof.insert("previousProof".into(), Value::String((*one).to_owned()));
        }
        many => {
            proof.insert(
                "previousProof".into(),
                Value::Array(
                    many.iter()
                        .map(|s| Value::String((*s).to_owned()))
                        .collect(),
                ),
            );
        }
    }
    let proof = match options.cryptosuite {
        Cryptosuite::EddsaRdfc2022 => rdfc::create_proof(&unsecured, proof, signer)?,
        Cryptosuite::EddsaJcs2022 => jcs::create_proof(&unsecured, proof, signer)?,
    };
    let mut secured = map.clone();
    let proofs: Vec<Value> = existing
        .into_iter()
        .map(|p| Value::Object(p.clone()))
        .chain(std::iter::once(Value::Object(proof)))
        .collect();
    secured.insert(
        "proof".into(),
        if proofs.len() == 1 && map.get("proof").is_none() {
            proofs.into_iter().next().unwrap_or(Value::Null)
        } else {
            Value::Array(proofs)
        },
    );
    Ok(Value::Object(secured))
}

/// Whether to emit `proof` as an array even for one proof: OB 3.0 JSON
/// Schema requires an array (STANDARDS §1 item 4).
pub fn proof_as_array(mut doc: Value) -> Value {
    if let Some(p) = doc.get_mut("proof")
        && p.is_object()
    {
        let one = p.take();
        *p = Value::Array(vec![one]);
    }
    doc
}

/// What verifying one proof found.
#[derive(Debug, Clone)]
pub struct ProofOutcome {
    /// Position in the document's proof array.
    pub index: usize,
    /// `type` as written.
    pub proof_type: Option<String>,
    /// `cryptosuite` as written.
    pub cryptosuite: Option<String>,
    /// `verificationMethod` as written.
    pub verification_method: Option<String>,
    /// The resolved method (its controller is checked against the issuer by the caller).
    pub method: Option<VerificationMethod>,
    /// `Ok` when the signature verified.
    pub result: Result<(), ProofError>,
}

/// Verifies every proof of `doc` (VC-DI §4.4 Verify Proof, §4.5 proof sets
/// and chains) for `expected_purpose`, with `now` for `expires`.
pub async fn verify_proofs(
    doc: &Value,
    expected_purpose: &str,
    resolver: &dyn KeyResolver,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ProofOutcome>, ProofError> {
    let Value::Object(map) = doc else {
        return Err(ProofError::Malformed(
            "the document must be a JSON object".into(),
        ));
    };
    let all = proofs_of(doc)?;
    let mut outcomes = Vec::with_capacity(all.len());
    for (index, proof) in all.iter().enumerate() {
        let mut outcome = ProofOutcome {
            index,
            proof_type: proof.get("type").and_then(Value::as_str).map(str::to_owned),
            cryptosuite: proof
                .get("cryptosuite")
                .and_then(Value::as_str)
                .map(str::to_owned),
            verification_method: proof
                .get("verificationMethod")
                .and_then(Value::as_str)
                .map(str::to_owned),
            method: None,
            result: Ok(()),
        };
        outcome.result = verify_one(
            map,
            &all,
            proof,
            expected_purpose,
            resolver,
            now,
            &mut outcome.method,
        )
        .await;
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

async fn verify_one(
    doc: &Map<String, Value>,
    all: &[&Map<String, Value>],
    proof: &Map<String, Value>,
    expected_purpose: &str,
    resolver: &dyn KeyResolver,
    now: chrono::DateTime<chrono::Utc>,
    method_out: &mut Option<VerificationMethod>,
) -> Result<(), ProofError> {
    let str_member = |name: &str| -> Result<&str, ProofError> {
        proof
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| ProofError::Malformed(format!("`{name}` must be a string")))
    };
    let suite = Suite::of(str_member("type")?, proof)?;
    let purpose = str_member("proofPurpose")?;
    if purpose != expected_purpose {
        return Err(ProofError::PurposeMismatch {
            found: purpose.to_owned(),
            expected: expected_purpose.to_owned(),
        });
    }
    let vm = str_member("verificationMethod")?;
    let proof_value = str_member("proofValue")?;
    let signature = match suite {
        Suite::Ed25519Signature2020 => ed25519_2020::decode_proof_value(proof_value)?,
        Suite::DataIntegrity(_) => decode_proof_value(proof_value)?,
    };
    match proof.get("created") {
        // EDDSA §2.2.1: `created` is an XML Schema dateTimeStamp; the 2020
        // suite types it xsd:dateTime and only needs a string.
        Some(Value::String(c)) if matches!(suite, Suite::DataIntegrity(_)) => {
            check_date_time_stamp(c)?;
        }
        Some(Value::String(_)) | None => {}
        Some(_) => return Err(ProofError::Date("created must be a string".into())),
    }
    if let Some(e) = proof.get("expires") {
        let s = e
            .as_str()
            .ok_or_else(|| ProofError::Date("expires must be a string".into()))?;
        if check_date_time_stamp(s)? < now {
            return Err(ProofError::Expired(s.to_owned()));
        }
    }
    let previous = previous_ids(proof)?;
    check_not_self_chained(proof.get("id").and_then(Value::as_str), &previous)?;
    let unsecured = Unsecured::chained(doc, all, &previous)?;
    let mut options = proof.clone();
    options.remove("proofValue");
    let message = match suite {
        Suite::DataIntegrity(Cryptosuite::EddsaRdfc2022) => {
            rdfc::verify_data(&unsecured, &options)?
        }
        Suite::DataIntegrity(Cryptosuite::EddsaJcs2022) => jcs::verify_data(&unsecured, &options)?,
        Suite::Ed25519Signature2020 => ed25519_2020::verify_data(&unsecured, &options)?,
    };
    let method = resolver.resolve(vm).await?;
    let key = method.public_key;
    *method_out = Some(method);
    check_signature(&key, &message, &signature)
}

/// The suite a proof names: its `type`, and for a `DataIntegrityProof`
/// its `cryptosuite` (VC-DI 1.0 §2.1).
#[derive(Debug, Clone, Copy)]
enum Suite {
    DataIntegrity(Cryptosuite),
    Ed25519Signature2020,
}

impl Suite {
    fn of(proof_type: &str, proof: &Map<String, Value>) -> Result<Self, ProofError> {
        match proof_type {
            "DataIntegrityProof" => {
                let name = proof
                    .get("cryptosuite")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        ProofError::Malformed("`cryptosuite` must be a string".into())
                    })?;
                Cryptosuite::parse(name)
                    .map(Suite::DataIntegrity)
                    .ok_or_else(|| ProofError::UnsupportedSuite(name.to_owned()))
            }
            ed25519_2020::PROOF_TYPE => Ok(Suite::Ed25519Signature2020),
            other => Err(ProofError::UnsupportedSuite(other.to_owned())),
        }
    }
}

/// Ed25519 verification (RFC 8032 §5.1.7), strict: rejects non-canonical
/// encodings and small-order keys (EDDSA §3.2.7 / §3.3.7).
pub fn check_signature(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), ProofError> {
    let sig = Signature::from_bytes(signature);
    key.verify_strict(message, &sig)
        .map_err(|_| ProofError::BadSignature)
}

#[cfg(test)]
mod tests {
    //! Proof-set rules (VC-DI 1.0 §2.1.2, §4.5) and the members every proof
    //! must carry (§4.4 step 3).
    use super::*;
    use crate::keys::{IssuerKey, OfflineResolver, SigningKey};
    use serde_json::json;

    const CREATED: &str = "2026-01-01T00:00:00Z";

    fn signer() -> IssuerKey {
        IssuerKey::did_key(SigningKey::from_bytes(&[7; 32]))
    }

    fn credential() -> Value {
        let issuer = signer().method().controller;
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": { "id": "did:example:subject" }
        })
    }

    fn options(suite: Cryptosuite, id: Option<&str>, previous: &[&str]) -> ProofOptions {
        let mut o = ProofOptions::assertion(suite, Some(CREATED.into()));
        o.id = id.map(str::to_owned);
        o.previous_proof = previous.iter().map(|s| (*s).to_owned()).collect();
        o
    }

    fn codes(doc: &Value) -> Result<Vec<Result<(), &'static str>>, &'static str> {
        let now = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let outcomes = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(verify_proofs(
                doc,
                "assertionMethod",
                &OfflineResolver::new(),
                now,
            ))
            .map_err(|e| e.code())?;
        Ok(outcomes
            .into_iter()
            .map(|o| o.result.map_err(|e| e.code()))
            .collect())
    }

    #[test]
    fn identical_duplicate_proofs_each_verify() {
        for suite in [Cryptosuite::EddsaRdfc2022, Cryptosuite::EddsaJcs2022] {
            let once = add_proof(&credential(), &options(suite, None, &[]), &signer()).unwrap();
            // Signing the same document again in the same second gives the same proof.
            let mut twice = once.clone();
            twice.as_object_mut().unwrap().remove("proof");
            let twice = add_proof(
                &proof_as_array(add_proof(&twice, &options(suite, None, &[]), &signer()).unwrap()),
                &options(suite, None, &[]),
                &signer(),
            )
            .unwrap();
            let proofs = twice["proof"].as_array().unwrap();
            assert_eq!(proofs.len(), 2);
            assert_eq!(proofs[0], proofs[1], "{suite:?}: deterministic signatures");
            assert_eq!(codes(&twice), Ok(vec![Ok(()), Ok(())]), "{suite:?}");
            // Identical proofs with the same id are still one proof twice.
            let mut with_id = credential();
            with_id["proof"] = json!([once["proof"].clone(), once["proof"].clone()]);
            with_id["proof"][0]["id"] = json!("urn:uuid:p1");
            with_id["proof"][1]["id"] = json!("urn:uuid:p1");
            assert!(proofs_of(&with_id).is_ok());
            // A duplicate still has to verify on its own.
            let mut tampered = twice.clone();
            tampered["proof"][1]["created"] = json!("2026-01-01T00:00:01Z");
            assert_eq!(
                codes(&tampered),
                Ok(vec![Ok(()), Err("signature_invalid")]),
                "{suite:?}"
            );
        }
    }

    #[test]
    fn different_proofs_with_one_id_are_refused() {
        let rdfc = Cryptosuite::EddsaRdfc2022;
        let first = add_proof(
            &credential(),
            &options(rdfc, Some("urn:uuid:p1"), &[]),
            &signer(),
        )
        .unwrap();
        let mut other = options(rdfc, Some("urn:uuid:p1"), &[]);
        other.created = Some("2026-01-02T00:00:00Z".into());
        let both = add_proof(&first, &other, &signer());
        assert_eq!(both.unwrap_err().code(), "proof_id_duplicated");
        // The same set assembled by hand fails verification as a whole.
        let mut doc = first.clone();
        let mut second = first["proof"].clone();
        second["created"] = json!("2026-01-02T00:00:00Z");
        doc["proof"] = json!([first["proof"].clone(), second]);
        assert_eq!(codes(&doc), Err("proof_id_duplicated"));
        // Without ids, two different proofs are an ordinary proof set.
        doc["proof"][0].as_object_mut().unwrap().remove("id");
        doc["proof"][1].as_object_mut().unwrap().remove("id");
        assert!(proofs_of(&doc).is_ok());
    }

    #[test]
    fn previous_proof_as_string_or_array_is_honoured() {
        let rdfc = Cryptosuite::EddsaRdfc2022;
        let jcs = Cryptosuite::EddsaJcs2022;
        let p1 = add_proof(
            &credential(),
            &options(rdfc, Some("urn:uuid:p1"), &[]),
            &signer(),
        )
        .unwrap();
        let p2 = add_proof(
            &p1,
            &options(jcs, Some("urn:uuid:p2"), &["urn:uuid:p1"]),
            &signer(),
        )
        .unwrap();
        let p3 = add_proof(
            &p2,
            &options(rdfc, None, &["urn:uuid:p1", "urn:uuid:p2"]),
            &signer(),
        )
        .unwrap();
        assert_eq!(p3["proof"][1]["previousProof"], json!("urn:uuid:p1"));
        assert_eq!(
            p3["proof"][2]["previousProof"],
            json!(["urn:uuid:p1", "urn:uuid:p2"])
        );
        assert_eq!(codes(&p3), Ok(vec![Ok(()), Ok(()), Ok(())]));

        // The chained proofs cover their predecessors: changing p1 breaks them too.
        let mut changed = p3.clone();
        changed["proof"][0]["created"] = json!("2026-01-01T00:00:01Z");
        assert_eq!(
            codes(&changed),
            Ok(vec![
                Err("signature_invalid"),
                Err("signature_invalid"),
                Err("signature_invalid")
            ])
        );
        // A dangling reference, in a string or in an array, fails.
        let mut dangling = p3.clone();
        dangling["proof"].as_array_mut().unwrap().remove(0);
        assert_eq!(
            codes(&dangling),
            Ok(vec![
                Err("previous_proof_missing"),
                Err("previous_proof_missing")
            ])
        );
        let err = add_proof(&p1, &options(jcs, None, &["urn:uuid:nope"]), &signer()).unwrap_err();
        assert_eq!(err.code(), "previous_proof_missing");
        // previousProof must be a string or an array of strings.
        for bad in [
            json!(5),
            json!(["urn:uuid:p1", 5]),
            json!({ "id": "urn:uuid:p1" }),
        ] {
            let mut doc = p3.clone();
            doc["proof"][1]["previousProof"] = bad.clone();
            assert_eq!(codes(&doc).unwrap()[1], Err("proof_malformed"), "{bad}");
        }
    }

    #[test]
    fn a_proof_cannot_chain_to_itself() {
        let rdfc = Cryptosuite::EddsaRdfc2022;
        let err = add_proof(
            &credential(),
            &options(rdfc, Some("urn:uuid:p1"), &["urn:uuid:p1"]),
            &signer(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "proof_malformed");
        let mut doc = add_proof(
            &credential(),
            &options(rdfc, Some("urn:uuid:p1"), &[]),
            &signer(),
        )
        .unwrap();
        doc["proof"]["previousProof"] = json!(["urn:uuid:p1"]);
        assert_eq!(codes(&doc), Ok(vec![Err("proof_malformed")]));
    }

    #[test]
    fn every_proof_needs_its_members() {
        let signed = add_proof(
            &credential(),
            &options(Cryptosuite::EddsaRdfc2022, None, &[]),
            &signer(),
        )
        .unwrap();
        let cases: Vec<(&str, Option<Value>, &str)> = vec![
            ("type", None, "proof_malformed"),
            (
                "type",
                Some(json!("Ed25519Signature2018")),
                "cryptosuite_unsupported",
            ),
            ("cryptosuite", None, "proof_malformed"),
            (
                "cryptosuite",
                Some(json!("ecdsa-rdfc-2019")),
                "cryptosuite_unsupported",
            ),
            ("proofPurpose", None, "proof_malformed"),
            (
                "proofPurpose",
                Some(json!("authentication")),
                "proof_purpose_mismatch",
            ),
            ("verificationMethod", None, "proof_malformed"),
            ("verificationMethod", Some(json!(5)), "proof_malformed"),
            ("proofValue", None, "proof_malformed"),
            (
                "proofValue",
                Some(json!("x3FXQje")),
                "proof_value_malformed",
            ),
            ("proofValue", Some(json!("z0OIl")), "proof_value_malformed"),
            ("proofValue", Some(json!("")), "proof_value_malformed"),
        ];
        assert_eq!(codes(&signed), Ok(vec![Ok(())]));
        for (member, value, code) in cases {
            let mut doc = signed.clone();
            match &value {
                Some(v) => doc["proof"][member] = v.clone(),
                None => {
                    doc["proof"].as_object_mut().unwrap().remove(member);
                }
            }
            assert_eq!(codes(&doc), Ok(vec![Err(code)]), "{member} = {value:?}");
        }
    }
}
