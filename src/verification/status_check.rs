//! Status checks (Bitstring Status List 1.0 §3.2) and the cache of
//! verified lists.

use super::report::{Check, CheckState};
use super::{VerifyContext, proofs::proof_checks};
use crate::future::BoxFuture;
use crate::model;
use crate::status::{Bitstring, DEFAULT_TTL_MS, MAX_DECODED_BYTES};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Where status list credentials come from: the issuer's own store, or a
/// bounded HTTP fetch for third-party lists.
pub trait StatusSource: Send + Sync {
    /// The bytes of the status list credential at `url`.
    fn status_list<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, SourceError>>;

    /// The current revision of the list at `url`, when the source can tell
    /// it cheaply (the issuer's own lists: their published version). A
    /// cached copy is reused only while its revision matches, so a change
    /// shows at once; `None` (third-party lists): the list's `ttl` rules.
    fn revision<'a>(&'a self, _url: &'a str) -> BoxFuture<'a, Option<i64>> {
        Box::pin(async { None })
    }
}

/// A status list could not be obtained (the check is then `unknown`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SourceError {
    /// Stable machine code.
    pub code: &'static str,
    /// Detail.
    pub message: String,
}

/// A verified, decoded status list.
#[derive(Debug)]
struct CachedList {
    revision: Option<i64>,
    issuer: String,
    purposes: Vec<String>,
    bits: Bitstring,
    expires: DateTime<Utc>,
}

/// Status lists that passed verification, each kept at most for its `ttl`
/// (BSL §2.2; 300 s when absent), so repeated verifications neither refetch
/// nor re-verify them.
#[derive(Debug, Default)]
pub struct StatusCache {
    lists: RwLock<HashMap<String, Arc<CachedList>>>,
}

/// Most lists a cache holds.
const CACHE_CAPACITY: usize = 1024;

impl StatusCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn get(&self, url: &str, now: DateTime<Utc>) -> Option<Arc<CachedList>> {
        let lists = self.lists.read().ok()?;
        lists.get(url).filter(|l| l.expires > now).cloned()
    }

    fn put(&self, url: &str, list: Arc<CachedList>, now: DateTime<Utc>) {
        if let Ok(mut lists) = self.lists.write() {
            if lists.len() >= CACHE_CAPACITY {
                lists.retain(|_, l| l.expires > now);
            }
            if lists.len() < CACHE_CAPACITY {
                lists.insert(url.to_owned(), list);
            }
        }
    }
}

fn unknown(code: &'static str, message: impl Into<String>) -> Check {
    Check::new("status", CheckState::Unknown, code, message)
}

fn invalid(code: &'static str, message: impl Into<String>) -> Check {
    Check::new("status", CheckState::Invalid, code, message)
}

/// Bitstring Status List validation (BSL §3.2) of one entry: the list is
/// obtained, its proof verified, its issuer and purpose compared, then the bit read.
pub(super) async fn status_check(
    entry: &model::StatusEntryRef,
    issuer_id: &str,
    cx: VerifyContext<'_>,
) -> Check {
    if entry.entry_type != "BitstringStatusListEntry" {
        return unknown(
            "status_type_unsupported",
            format!("status type {} is not supported", entry.entry_type),
        );
    }
    let Some(purpose) = entry.purpose.as_deref() else {
        return invalid("status_entry_malformed", "statusPurpose is missing");
    };
    let Some(index) = entry.index_value() else {
        return invalid(
            "status_entry_malformed",
            "statusListIndex is not a decimal string",
        );
    };
    let Some(url) = entry.list_url.as_deref() else {
        return invalid("status_entry_malformed", "statusListCredential is missing");
    };
    let revision = match cx.status {
        Some(source) => source.revision(url).await,
        None => None,
    };
    let cached = cx
        .status_cache
        .and_then(|c| c.get(url, cx.now))
        .filter(|l| l.revision == revision);
    let list = match cached {
        Some(list) => list,
        None => match load_list(url, revision, cx).await {
            Ok(list) => {
                let list = Arc::new(list);
                if let Some(cache) = cx.status_cache {
                    cache.put(url, list.clone(), cx.now);
                }
                list
            }
            Err(check) => return check,
        },
    };
    if list.issuer != issuer_id {
        return invalid(
            "status_list_issuer_mismatch",
            format!(
                "the status list {url} is issued by {}, not by the credential's issuer",
                list.issuer
            ),
        );
    }
    if !list.purposes.iter().any(|p| p == purpose) {
        return invalid(
            "status_purpose_mismatch",
            format!(
                "the status list {url} is for {}, not {purpose}",
                list.purposes.join(", ")
            ),
        );
    }
    match list.bits.get(index.get()) {
        Err(e) => invalid("status_index_out_of_range", e.to_string()),
        Ok(false) => Check::valid("status", format!("{purpose}: not set")),
        Ok(true) => match purpose {
            "revocation" => invalid("revoked", "the issuer revoked this credential"),
            "suspension" => invalid("suspended", "the issuer suspended this credential"),
            other => invalid("status_set", format!("the {other} status is set")),
        },
    }
}

/// Fetches, verifies and decodes a status list credential.
async fn load_list(
    url: &str,
    revision: Option<i64>,
    cx: VerifyContext<'_>,
) -> Result<CachedList, Check> {
    let Some(source) = cx.status else {
        return Err(unknown(
            "status_not_checked",
            "no status list source is configured",
        ));
    };
    let bytes = source.status_list(url).await.map_err(|e| {
        unknown(
            "status_list_unreachable",
            format!("status list {url}: {e} ({})", e.code),
        )
    })?;
    let doc: Value = model::strict_json::from_slice(&bytes).map_err(|e| {
        let code = match e {
            model::strict_json::StrictJsonError::DuplicateKey { .. } => e.code(),
            _ => "status_list_malformed",
        };
        unknown(code, format!("status list {url}: {e}"))
    })?;
    if model::json_depth(&doc) > model::MAX_JSON_DEPTH {
        return Err(unknown(
            "status_list_malformed",
            format!("status list {url} is nested too deeply"),
        ));
    }
    let types_ok = match doc.get("type") {
        Some(Value::Array(a)) => a.iter().any(|t| t == "BitstringStatusListCredential"),
        Some(Value::String(t)) => t == "BitstringStatusListCredential",
        _ => false,
    };
    if !types_ok {
        return Err(unknown(
            "status_list_malformed",
            format!("{url} is not a BitstringStatusListCredential"),
        ));
    }
    let issuer = match doc.get("issuer") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    };
    let proofs = proof_checks(&doc, &issuer, cx).await;
    if let Some(bad) = proofs.iter().find(|c| c.state != CheckState::Valid) {
        return Err(unknown(
            "status_list_proof_invalid",
            format!(
                "the status list {url} does not verify: {} ({})",
                bad.message, bad.code
            ),
        ));
    }
    // VCDM 2.0 §4.9 `validUntil`; a VC 1.1 list (VCDM 1.1 §4.7) has `expirationDate`.
    let until = doc
        .get("validUntil")
        .or_else(|| doc.get("expirationDate"))
        .and_then(Value::as_str);
    if let Some(until) = until.and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok())
        && until.to_utc() < cx.now - cx.clock_skew
    {
        return Err(unknown(
            "status_list_expired",
            format!("the status list {url} expired"),
        ));
    }
    let subject = doc.get("credentialSubject").unwrap_or(&Value::Null);
    let purposes = match subject.get("statusPurpose") {
        Some(Value::String(p)) => vec![p.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let bits = Bitstring::decode(encoded, MAX_DECODED_BYTES)
        .map_err(|e| unknown(e.code(), format!("status list {url}: {e}")))?;
    let ttl_ms = subject
        .get("ttl")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_TTL_MS);
    let ttl = Duration::milliseconds(i64::try_from(ttl_ms.min(DEFAULT_TTL_MS)).unwrap_or(0));
    Ok(CachedList {
        revision,
        issuer,
        purposes,
        bits,
        expires: cx.now + ttl,
    })
}
