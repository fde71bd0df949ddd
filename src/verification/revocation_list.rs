//! The 1EdTech revocation list (`1EdTechRevocationList`, OB 3.0 §9.1
//! step 4 and 1EdTech "Verifiable Credentials Revocation List" 1.0): the
//! entry's `id` is the URL of an unsigned JSON list of revoked credentials,
//! `{"revokedCredentials": [{"id": <credential id>, "revoked"?: bool,
//! "revocationReason"?: …}]}`. A credential is revoked when an entry names
//! its `id` and `revoked` is `true` or absent. The 1EdTech validator reads
//! the array under `revokedCredential` (singular); both spellings are read.

use super::VerifyContext;
use super::report::Check;
use super::status_check::{
    CachedList, ListContent, Method, fetch_json, invalid, issuer_mismatch, issuer_of, list_for,
    unknown,
};
use crate::model;
use crate::status::DEFAULT_TTL_MS;
use chrono::Duration;
use serde_json::Value;
use std::collections::HashSet;

/// The status entry `type`.
pub(super) const ENTRY_TYPE: &str = "1EdTechRevocationList";

/// The members a list may keep its entries under: the specification's
/// plural and the 1EdTech validator's singular.
const LIST_MEMBERS: [&str; 2] = ["revokedCredentials", "revokedCredential"];

/// Most entries a list may have.
const MAX_ENTRIES: usize = 1_000_000;

/// The revocation check of the credential `credential_id` from `issuer_id`.
pub(super) async fn check(
    entry: &model::StatusEntryRef,
    credential_id: Option<&str>,
    issuer_id: &str,
    cx: VerifyContext<'_>,
) -> Check {
    let Some(url) = entry.id.as_deref() else {
        return invalid(
            "status_entry_malformed",
            "a 1EdTechRevocationList entry needs the list's URL as its id",
        );
    };
    let Some(credential_id) = credential_id else {
        return unknown(
            "status_not_checked",
            "the credential has no id, which a 1EdTech revocation list names",
        );
    };
    let list = match list_for(url, Method::RevocationList, cx).await {
        Ok(list) => list,
        Err(check) => return check,
    };
    if let Some(check) = issuer_mismatch(&list, url, issuer_id, cx.issuers) {
        return check;
    }
    let ListContent::Revoked(revoked) = &list.content else {
        return unknown(
            "status_list_malformed",
            format!("{url} is not a 1EdTech revocation list"),
        );
    };
    if revoked.contains(credential_id.trim()) {
        invalid(
            "revoked",
            format!("the issuer revoked this credential (revocation list {url})"),
        )
    } else {
        Check::valid("status", format!("revocation: not on the list {url}"))
    }
}

/// Fetches and reads a revocation list. It carries no proof: it is trusted
/// as far as the URL the signed credential names.
pub(super) async fn load(
    url: &str,
    revision: Option<i64>,
    cx: VerifyContext<'_>,
) -> Result<CachedList, Check> {
    let doc = fetch_json(url, "revocation list", cx).await?;
    let malformed = |why: &str| {
        unknown(
            "status_list_malformed",
            format!("revocation list {url}: {why}"),
        )
    };
    let Value::Object(obj) = &doc else {
        return Err(malformed("not a JSON object"));
    };
    let arrays: Vec<&Vec<Value>> = LIST_MEMBERS
        .iter()
        .filter_map(|m| obj.get(*m))
        .map(|v| {
            v.as_array()
                .ok_or_else(|| malformed("its revoked credentials are not an array"))
        })
        .collect::<Result<_, _>>()?;
    if arrays.is_empty() {
        return Err(malformed("it has no revokedCredentials array"));
    }
    let mut revoked = HashSet::new();
    for item in arrays.into_iter().flatten() {
        if revoked.len() >= MAX_ENTRIES {
            return Err(malformed("it has too many entries"));
        }
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("an entry has no string id"))?;
        let is_revoked = match item.get("revoked") {
            None | Some(Value::Bool(true)) => true,
            Some(Value::Bool(false)) => false,
            Some(_) => return Err(malformed("an entry's revoked is not a boolean")),
        };
        if is_revoked {
            revoked.insert(id.trim().to_owned());
        }
    }
    Ok(CachedList {
        revision,
        method: ENTRY_TYPE,
        issuer: issuer_of(&doc),
        content: ListContent::Revoked(revoked),
        expires: cx.now + Duration::milliseconds(i64::try_from(DEFAULT_TTL_MS).unwrap_or(0)),
    })
}
