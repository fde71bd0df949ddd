//! VCDM 2.0 §5.3 "Integrity of Related Resources": the `relatedResource`
//! rule of [`super::check_generic_input`], with the digest forms it reads
//! (SRI, multibase) and the contexts this issuer holds to check them against.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::{Checked, V2_CONTEXT, check_url, objects, problem};

/// A hash algorithm of a resource digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DigestAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlg {
    fn of_len(len: usize) -> Option<Self> {
        match len {
            32 => Some(Self::Sha256),
            48 => Some(Self::Sha384),
            64 => Some(Self::Sha512),
            _ => None,
        }
    }

    fn hash(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => Sha256::digest(bytes).to_vec(),
            Self::Sha384 => Sha384::digest(bytes).to_vec(),
            Self::Sha512 => Sha512::digest(bytes).to_vec(),
        }
    }
}

/// Parses `digestSRI`: one or more whitespace-separated SRI
/// `hash-expression`s (`sha256|sha384|sha512` `-` base64, optional
/// `?options`; W3C Subresource Integrity §3.5).
fn parse_sri(s: &str) -> Result<Vec<(DigestAlg, Vec<u8>)>, String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    let mut out = Vec::new();
    for expr in s.split_ascii_whitespace() {
        let expr = expr.split_once('?').map_or(expr, |(h, _)| h);
        let Some((alg, b64)) = expr.split_once('-') else {
            return Err(format!("{expr:?} is not algorithm-base64digest"));
        };
        let alg = match alg {
            "sha256" => DigestAlg::Sha256,
            "sha384" => DigestAlg::Sha384,
            "sha512" => DigestAlg::Sha512,
            other => return Err(format!("unknown hash algorithm {other:?} (use sha384)")),
        };
        let bytes = STANDARD
            .decode(b64)
            .or_else(|_| STANDARD_NO_PAD.decode(b64))
            .map_err(|_| format!("{b64:?} is not standard base64"))?;
        if DigestAlg::of_len(bytes.len()) != Some(alg) {
            return Err(format!("the {alg:?} digest has the wrong length"));
        }
        out.push((alg, bytes));
    }
    if out.is_empty() {
        return Err("is empty".into());
    }
    Ok(out)
}

/// Parses one `digestMultibase` value (VC Data Integrity 1.0 §2.6):
/// multibase `u` (base64url, no padding) or `z` (base58btc). `Some` when
/// the bytes are a multihash (sha2-256 `0x12`, sha2-384 `0x20`, sha2-512
/// `0x13`) or a bare SHA-2 digest (as the W3C VCDM 2.0 test suite writes
/// it); `None` for another hash this issuer cannot recompute.
fn parse_multibase_digest(s: &str) -> Result<Option<(DigestAlg, Vec<u8>)>, String> {
    use base64::Engine as _;
    let bytes = match s.split_at_checked(1) {
        Some(("u", rest)) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(rest)
            .map_err(|_| format!("{s:?} is not base64url after the 'u' prefix"))?,
        Some(("z", rest)) => bs58::decode(rest)
            .into_vec()
            .map_err(|_| format!("{s:?} is not base58btc after the 'z' prefix"))?,
        _ => {
            return Err(format!(
                "{s:?} must start with the multibase prefix 'u' (base64url) or 'z' (base58btc)"
            ));
        }
    };
    if bytes.is_empty() {
        return Err("is empty".into());
    }
    let multihash = match bytes.as_slice() {
        [0x12, 0x20, rest @ ..] if rest.len() == 32 => Some((DigestAlg::Sha256, rest)),
        [0x20, 0x30, rest @ ..] if rest.len() == 48 => Some((DigestAlg::Sha384, rest)),
        [0x13, 0x40, rest @ ..] if rest.len() == 64 => Some((DigestAlg::Sha512, rest)),
        _ => None,
    };
    if let Some((alg, digest)) = multihash {
        return Ok(Some((alg, digest.to_vec())));
    }
    Ok(DigestAlg::of_len(bytes.len()).map(|alg| (alg, bytes)))
}

/// Digests of earlier published revisions of a context we hold, which a
/// client may still quote: the W3C VCDM 2.0 test suite's `relatedResource`
/// fixture (tests/fixtures.js, 2024-12-17) carries the digests of the
/// credentials v2 context as published on 2024-07-20 (w3c/vc-data-model
/// commit 8d0ee107, contexts/credentials/v2), before the status terms were
/// reordered on 2025-02-24 into the bytes of the Recommendation, which we
/// hold (their SHA-256 is the one VCDM 2.0 Appendix B.1 publishes).
const EARLIER_REVISIONS: &[(&str, &str, &str)] = &[(
    V2_CONTEXT,
    // SHA-256
    "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9",
    // SHA-384
    "35239c36999d2155312091af194a1edb61634d6ad789a5e5b19f2aebdd762dd9d1dcaada40eda7ef921c6b8c0ae107a0",
)];

/// Whether `digest` (by `alg`) is a digest of the context at `url`: its
/// compiled-in bytes or a recorded earlier revision. `None` when we do not
/// hold `url`.
fn matches_held_context(url: &str, alg: DigestAlg, digest: &[u8]) -> Option<bool> {
    let held = crate::contexts::load(url).ok()?;
    if alg.hash(held.bytes) == digest {
        return Some(true);
    }
    let hex_digest = hex::encode(digest);
    Some(EARLIER_REVISIONS.iter().any(|(u, sha256, sha384)| {
        *u == url
            && match alg {
                DigestAlg::Sha256 => *sha256 == hex_digest,
                DigestAlg::Sha384 => *sha384 == hex_digest,
                DigestAlg::Sha512 => false,
            }
    }))
}

/// VCDM 2.0 §5.3: `relatedResource` is one or more objects, each with a
/// unique URL `id` and a `digestSRI` and/or `digestMultibase`. When the
/// resource is a context this issuer holds, the digest must be of its
/// bytes: the issuer is in a position to know, and signing a wrong digest
/// makes every verifier that checks it fail.
pub(super) fn check_related_resources(doc: &Map<String, Value>) -> Checked {
    if let Some(Value::Array(a)) = doc.get("relatedResource")
        && a.is_empty()
    {
        return Err(problem("relatedResource", "must hold at least one object"));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (field, res) in objects(doc, "relatedResource")? {
        let Some(id) = res.get("id") else {
            return Err(problem(
                format!("{field}.id"),
                "is required: the URL of the related resource (VCDM 2.0 §5.3)",
            ));
        };
        check_url(id, &format!("{field}.id"))?;
        let id = id.as_str().unwrap_or_default();
        if seen.contains(&id) {
            return Err(problem(
                format!("{field}.id"),
                format!("{id:?} is listed twice; each related resource id must be unique"),
            ));
        }
        seen.push(id);
        if let Some(mt) = res.get("mediaType")
            && !mt.is_string()
        {
            return Err(problem(
                format!("{field}.mediaType"),
                "must be a media type string",
            ));
        }
        let mut digests: Vec<(String, DigestAlg, Vec<u8>)> = Vec::new();
        // Digests in a form this issuer cannot recompute (other hashes).
        let mut given = 0usize;
        if let Some(v) = res.get("digestSRI") {
            let f = format!("{field}.digestSRI");
            let s = v
                .as_str()
                .ok_or_else(|| problem(&f, "must be an SRI string such as sha384-…"))?;
            let parsed = parse_sri(s).map_err(|why| problem(&f, why))?;
            digests.extend(parsed.into_iter().map(|(a, d)| (f.clone(), a, d)));
        }
        if let Some(v) = res.get("digestMultibase") {
            let f = format!("{field}.digestMultibase");
            let values: Vec<&Value> = match v {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for v in values {
                let s = v
                    .as_str()
                    .ok_or_else(|| problem(&f, "must be a multibase string such as u…"))?;
                match parse_multibase_digest(s).map_err(|why| problem(&f, why))? {
                    Some((a, d)) => digests.push((f.clone(), a, d)),
                    None if crate::contexts::load(id).is_ok() => {
                        return Err(problem(
                            f,
                            format!(
                                "{id} is a context this issuer holds and checks: give its \
                                 sha2-256 or sha2-384 multihash"
                            ),
                        ));
                    }
                    None => given += 1,
                }
            }
        }
        if digests.is_empty() && given == 0 {
            return Err(problem(
                field,
                "needs a digestSRI or a digestMultibase (VCDM 2.0 §5.3)",
            ));
        }
        for (f, alg, digest) in digests {
            if matches_held_context(id, alg, &digest) == Some(false) {
                return Err(problem(
                    f,
                    format!(
                        "does not match the {alg:?} digest of {id}, a context this issuer \
                         holds; recompute it from the published context"
                    ),
                ));
            }
        }
    }
    Ok(())
}
