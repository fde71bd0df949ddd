//! `eddsa-jcs-2022` (Data Integrity EdDSA Cryptosuites v1.0 §3.3).

use super::{ProofError, Unsecured, encode_proof_value, hash_data};
use crate::keys::CredentialSigner;
use serde_json::{Map, Value};

/// RFC 8785 JSON Canonicalization Scheme of `value`.
pub fn jcs(value: &Value) -> Result<String, ProofError> {
    let mut out = String::with_capacity(1024);
    write_value(&mut out, value);
    Ok(out)
}

/// Transformation (EDDSA §3.3.3): JCS of the unsecured document.
pub fn transform(unsecured: &Unsecured<'_>) -> Result<String, ProofError> {
    let mut out = String::with_capacity(2048);
    let members: Vec<(&str, &Value)> = unsecured.members().collect();
    write_object(&mut out, members);
    Ok(out)
}

/// RFC 8785 §3.2.2: literals, ECMAScript number form (§3.2.2.3), strings
/// with the minimal JSON escapes (§3.2.2.2), members sorted by UTF-16 code
/// units (§3.2.3), no whitespace.
fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            // JCS numbers are IEEE 754 doubles, as in ECMAScript.
            let f = n.as_f64().unwrap_or(f64::NAN);
            out.push_str(ryu_js::Buffer::new().format(f));
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map.iter().map(|(k, v)| (k.as_str(), v)).collect()),
    }
}

fn write_object(out: &mut String, mut members: Vec<(&str, &Value)>) {
    // serde_json maps iterate in UTF-8 byte order, which is UTF-16 order
    // unless a key holds characters at or above U+E000 or outside the BMP.
    if members
        .iter()
        .any(|(k, _)| k.chars().any(|c| c >= '\u{E000}'))
    {
        members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    } else {
        members.sort_by(|a, b| a.0.cmp(b.0));
    }
    out.push('{');
    for (i, (k, v)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k);
        out.push(':');
        write_value(out, v);
    }
    out.push('}');
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{C}' => "\\f",
            '\r' => "\\r",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let _ = std::fmt::Write::write_fmt(out, format_args!("\\u{:04x}", c as u32));
        } else {
            out.push_str(escape);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Proof Configuration (EDDSA §3.3.5): the proof options, with the
/// document's `@context` when it has one, checked and canonicalized with JCS.
pub fn proof_configuration(
    options: &Map<String, Value>,
    document_context: Option<&Value>,
) -> Result<(Map<String, Value>, String), ProofError> {
    if options.get("type").and_then(Value::as_str) != Some("DataIntegrityProof") {
        return Err(ProofError::UnsupportedSuite(
            "proof type must be DataIntegrityProof".into(),
        ));
    }
    if options.get("cryptosuite").and_then(Value::as_str) != Some("eddsa-jcs-2022") {
        return Err(ProofError::UnsupportedSuite(
            "cryptosuite must be eddsa-jcs-2022".into(),
        ));
    }
    if let Some(c) = options.get("created") {
        super::check_date_time_stamp(c.as_str().unwrap_or(""))?;
    }
    let mut config = options.clone();
    if let Some(ctx) = document_context {
        config.insert("@context".into(), ctx.clone());
    }
    let mut canonical = String::with_capacity(512);
    write_object(
        &mut canonical,
        config.iter().map(|(k, v)| (k.as_str(), v)).collect(),
    );
    Ok((config, canonical))
}

/// Hashing (EDDSA §3.3.4).
pub fn hash(canonical_proof_config: &str, canonical_document: &str) -> [u8; 64] {
    hash_data(
        canonical_proof_config.as_bytes(),
        canonical_document.as_bytes(),
    )
}

/// The bytes a proof signs, for verification (EDDSA §3.3.2 steps 1–6):
/// when the proof carries `@context`, the document's `@context` must start
/// with exactly those entries, and the proof's `@context` replaces it.
pub fn verify_data(
    unsecured: &Unsecured<'_>,
    options: &Map<String, Value>,
) -> Result<[u8; 64], ProofError> {
    let overridden;
    let unsecured = match options.get("@context") {
        Some(proof_ctx) => {
            let as_slice = |v: &'_ Value| -> Vec<Value> {
                match v {
                    Value::Array(a) => a.clone(),
                    other => vec![other.clone()],
                }
            };
            let want = as_slice(proof_ctx);
            let have = unsecured.context().map(as_slice).unwrap_or_default();
            if have.len() < want.len() || have[..want.len()] != want[..] {
                return Err(ProofError::Malformed(
                    "the document @context does not start with the proof @context".into(),
                ));
            }
            overridden = unsecured.clone().with_context(proof_ctx);
            &overridden
        }
        None => unsecured,
    };
    let (_, config) = proof_configuration(options, unsecured.context())?;
    let doc = transform(unsecured)?;
    Ok(hash(&config, &doc))
}

/// Create Proof (EDDSA §3.3.1): the proof carries the document's
/// `@context` (step 2) and `proofValue`.
pub fn create_proof(
    unsecured: &Unsecured<'_>,
    proof: Map<String, Value>,
    signer: &dyn CredentialSigner,
) -> Result<Map<String, Value>, ProofError> {
    let (mut config, canonical_config) = proof_configuration(&proof, unsecured.context())?;
    let doc = transform(unsecured)?;
    let signature = signer.sign(&hash(&canonical_config, &doc));
    config.insert(
        "proofValue".into(),
        Value::String(encode_proof_value(&signature)),
    );
    Ok(config)
}
