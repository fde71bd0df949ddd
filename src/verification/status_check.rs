//! Status checks and the cache of the lists they read: Bitstring Status
//! List 1.0 (`BitstringStatusListEntry`, §3.2), its predecessor W3C CCG
//! StatusList2021 (`StatusList2021Entry`), and the 1EdTech revocation list
//! (`1EdTechRevocationList`, OB 3.0 §9.1 step 4, in [`super::revocation_list`]).
//! Every list comes through the same [`StatusSource`] and [`StatusCache`],
//! only once the credential's signature holds; a list out of reach is
//! `unknown`.

use super::report::{Check, CheckState};
use super::{VerifyContext, proofs::proof_checks};
use crate::future::BoxFuture;
use crate::model;
use crate::status::{Bitstring, DEFAULT_TTL_MS, MAX_DECODED_BYTES};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
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
pub(super) struct CachedList {
    pub(super) revision: Option<i64>,
    /// The status method it was read as ([`Method::name`]).
    pub(super) method: &'static str,
    /// The list's issuer; `None` when the list names none (a 1EdTech
    /// revocation list may not).
    pub(super) issuer: Option<String>,
    pub(super) content: ListContent,
    pub(super) expires: DateTime<Utc>,
}

/// What a list says.
#[derive(Debug)]
pub(super) enum ListContent {
    /// A bitstring list, with the purposes it serves.
    Bits {
        purposes: Vec<String>,
        bits: Bitstring,
    },
    /// The ids of revoked credentials (1EdTech revocation list).
    Revoked(HashSet<String>),
}

/// A bitstring status method: what its entries point to.
#[derive(Debug)]
pub(super) struct BitstringMethod {
    /// The list credential's `type`.
    credential_type: &'static str,
    /// The list credential's `credentialSubject.type`.
    subject_type: &'static str,
    /// `encodedList` with the multibase `u` prefix and at least
    /// [`crate::status::MIN_LIST_SIZE`] entries (BSL §2.2, §3.2); else bare
    /// base64url, no minimum (StatusList2021, as the Digital Bazaar
    /// reference `@digitalbazaar/vc-status-list` reads it).
    multibase: bool,
}

/// Bitstring Status List v1.0 §2.1, §2.2.
const BITSTRING_STATUS_LIST: BitstringMethod = BitstringMethod {
    credential_type: "BitstringStatusListCredential",
    subject_type: "BitstringStatusList",
    multibase: true,
};

/// W3C CCG "Status List 2021" (https://w3c-ccg.github.io/vc-status-list-2021/)
/// `StatusList2021Entry` → `StatusList2021Credential`.
const STATUS_LIST_2021: BitstringMethod = BitstringMethod {
    credential_type: "StatusList2021Credential",
    subject_type: "StatusList2021",
    multibase: false,
};

/// The status method of an entry, which decides how its list is read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Method {
    /// A signed bitstring list credential.
    Bitstring(&'static BitstringMethod),
    /// An unsigned 1EdTech revocation list.
    RevocationList,
}

impl Method {
    /// The name a cached list is filed under.
    fn name(self) -> &'static str {
        match self {
            Method::Bitstring(m) => m.credential_type,
            Method::RevocationList => super::revocation_list::ENTRY_TYPE,
        }
    }
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

pub(super) fn unknown(code: &'static str, message: impl Into<String>) -> Check {
    Check::new("status", CheckState::Unknown, code, message)
}

pub(super) fn invalid(code: &'static str, message: impl Into<String>) -> Check {
    Check::new("status", CheckState::Invalid, code, message)
}

/// The status check of one entry of the credential `credential_id` issued
/// by `issuer_id`, by the entry's `type`.
pub(super) async fn status_check(
    entry: &model::StatusEntryRef,
    credential_id: Option<&str>,
    issuer_id: &str,
    cx: VerifyContext<'_>,
) -> Check {
    match entry.entry_type.as_str() {
        "BitstringStatusListEntry" => {
            bitstring_check(entry, &BITSTRING_STATUS_LIST, issuer_id, cx).await
        }
        "StatusList2021Entry" => bitstring_check(entry, &STATUS_LIST_2021, issuer_id, cx).await,
        super::revocation_list::ENTRY_TYPE => {
            super::revocation_list::check(entry, credential_id, issuer_id, cx).await
        }
        other => unknown(
            "status_type_unsupported",
            format!("status type {other} is not supported"),
        ),
    }
}

/// The list at `url` read as `method`: from the cache while it is fresh
/// (and its revision unchanged), else fetched, checked and cached.
pub(super) async fn list_for(
    url: &str,
    method: Method,
    cx: VerifyContext<'_>,
) -> Result<Arc<CachedList>, Check> {
    let revision = match cx.status {
        Some(source) => source.revision(url).await,
        None => None,
    };
    let cached = cx
        .status_cache
        .and_then(|c| c.get(url, cx.now))
        .filter(|l| l.revision == revision && l.method == method.name());
    if let Some(list) = cached {
        return Ok(list);
    }
    let list = Arc::new(match method {
        Method::Bitstring(m) => load_list(url, m, revision, cx).await?,
        Method::RevocationList => super::revocation_list::load(url, revision, cx).await?,
    });
    if let Some(cache) = cx.status_cache {
        cache.put(url, list.clone(), cx.now);
    }
    Ok(list)
}

/// The bytes at `url` from the configured source, as strict JSON of
/// bounded depth; `what` names the document in messages.
pub(super) async fn fetch_json(
    url: &str,
    what: &str,
    cx: VerifyContext<'_>,
) -> Result<Value, Check> {
    let Some(source) = cx.status else {
        return Err(unknown(
            "status_not_checked",
            "no status list source is configured",
        ));
    };
    let bytes = source.status_list(url).await.map_err(|e| {
        unknown(
            "status_list_unreachable",
            format!("{what} {url}: {e} ({})", e.code),
        )
    })?;
    let doc: Value = model::strict_json::from_slice(&bytes).map_err(|e| {
        let code = match e {
            model::strict_json::StrictJsonError::DuplicateKey { .. } => e.code(),
            _ => "status_list_malformed",
        };
        unknown(code, format!("{what} {url}: {e}"))
    })?;
    if model::json_depth(&doc) > model::MAX_JSON_DEPTH {
        return Err(unknown(
            "status_list_malformed",
            format!("{what} {url} is nested too deeply"),
        ));
    }
    Ok(doc)
}

/// The issuer a list names (`issuer` as a string or `issuer.id`).
pub(super) fn issuer_of(doc: &Value) -> Option<String> {
    match doc.get("issuer") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// Whether `list` is issued by `issuer_id` (a list that names no issuer
/// passes; only a 1EdTech revocation list may name none). Two ids of this
/// verifier's own issuer count as the same issuer
/// ([`super::TrustedIssuers::same_issuer`]): a did:key issuer re-signs its
/// lists with its current key (BSL §3.2 asks only that the list's proofs
/// verify; issuer and list issuer may differ).
pub(super) fn issuer_mismatch(
    list: &CachedList,
    url: &str,
    issuer_id: &str,
    issuers: Option<&super::TrustedIssuers>,
) -> Option<Check> {
    let same = |i: &str| match issuers {
        Some(t) => t.same_issuer(i, issuer_id),
        None => i == issuer_id,
    };
    match &list.issuer {
        Some(i) if !same(i) => Some(invalid(
            "status_list_issuer_mismatch",
            format!("the status list {url} is issued by {i}, not by the credential's issuer"),
        )),
        _ => None,
    }
}

/// Bitstring status validation (BSL §3.2; StatusList2021 "Validate
/// Algorithm") of one entry: the list is obtained, its proof verified, its
/// issuer and purpose compared, then the bit read.
async fn bitstring_check(
    entry: &model::StatusEntryRef,
    method: &'static BitstringMethod,
    issuer_id: &str,
    cx: VerifyContext<'_>,
) -> Check {
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
    let list = match list_for(url, Method::Bitstring(method), cx).await {
        Ok(list) => list,
        Err(check) => return check,
    };
    if let Some(check) = issuer_mismatch(&list, url, issuer_id, cx.issuers) {
        return check;
    }
    let ListContent::Bits { purposes, bits } = &list.content else {
        return unknown(
            "status_list_malformed",
            format!("{url} is not a bitstring status list"),
        );
    };
    if !purposes.iter().any(|p| p == purpose) {
        return invalid(
            "status_purpose_mismatch",
            format!(
                "the status list {url} is for {}, not {purpose}",
                purposes.join(", ")
            ),
        );
    }
    match bits.get(index.get()) {
        Err(e) => invalid("status_index_out_of_range", e.to_string()),
        Ok(false) => Check::valid("status", format!("{purpose}: not set")),
        Ok(true) => match purpose {
            "revocation" => invalid("revoked", "the issuer revoked this credential"),
            "suspension" => invalid("suspended", "the issuer suspended this credential"),
            other => invalid("status_set", format!("the {other} status is set")),
        },
    }
}

/// Fetches, verifies and decodes a bitstring status list credential.
async fn load_list(
    url: &str,
    method: &'static BitstringMethod,
    revision: Option<i64>,
    cx: VerifyContext<'_>,
) -> Result<CachedList, Check> {
    let doc = fetch_json(url, "status list", cx).await?;
    let has_type = |v: Option<&Value>, wanted: &str| match v {
        Some(Value::Array(a)) => a.iter().any(|t| t == wanted),
        Some(Value::String(t)) => t == wanted,
        _ => false,
    };
    if !has_type(doc.get("type"), method.credential_type) {
        return Err(unknown(
            "status_list_malformed",
            format!("{url} is not a {}", method.credential_type),
        ));
    }
    let subject = doc.get("credentialSubject").unwrap_or(&Value::Null);
    if !has_type(subject.get("type"), method.subject_type) {
        return Err(unknown(
            "status_list_malformed",
            format!("the subject of {url} is not a {}", method.subject_type),
        ));
    }
    let issuer = issuer_of(&doc).unwrap_or_default();
    let proofs = proof_checks(&doc, &issuer, cx).await;
    if let Some(bad) = proofs.iter().find(|c| !c.passes()) {
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
    let bits = if method.multibase {
        Bitstring::decode(encoded, MAX_DECODED_BYTES)
    } else {
        Bitstring::expand(encoded, MAX_DECODED_BYTES)
    }
    .map_err(|e| unknown(e.code(), format!("status list {url}: {e}")))?;
    let ttl_ms = subject
        .get("ttl")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_TTL_MS);
    let ttl = Duration::milliseconds(i64::try_from(ttl_ms.min(DEFAULT_TTL_MS)).unwrap_or(0));
    Ok(CachedList {
        revision,
        method: method.credential_type,
        issuer: Some(issuer),
        content: ListContent::Bits { purposes, bits },
        expires: cx.now + ttl,
    })
}
