//! Reading `credentialStatus` entries (VCDM 2.0 §4.10; Bitstring Status
//! List v1.0 §2.1 BitstringStatusListEntry).

use serde_json::{Map, Value};

use super::{
    Findings, StatusEntryRef, StatusListIndex, codes, describe, is_uri, json_kind, opt_string,
    read_types,
};

/// Reads the status entries (object or array), recording what is wrong.
pub(super) fn check_status(obj: &Map<String, Value>, f: &mut Findings) -> Vec<StatusEntryRef> {
    let mut out = Vec::new();
    let entries: Vec<(String, &Value)> = match obj.get("credentialStatus") {
        None => return out,
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("/credentialStatus/{i}"), v))
            .collect(),
        Some(v @ Value::Object(_)) => vec![("/credentialStatus".to_owned(), v)],
        Some(other) => {
            f.error(
                codes::CREDENTIAL_STATUS_INVALID,
                "/credentialStatus",
                format!(
                    "credentialStatus must be an object or an array, found {}",
                    json_kind(other)
                ),
            );
            return out;
        }
    };
    for (path, v) in entries {
        let Some(e) = v.as_object() else {
            f.error(
                codes::CREDENTIAL_STATUS_INVALID,
                path,
                format!("a status entry must be an object, found {}", json_kind(v)),
            );
            continue;
        };
        let entry_type = match read_types(e.get("type")) {
            Some(Ok(types)) if !types.is_empty() => types
                .iter()
                .find(|t| *t == "BitstringStatusListEntry")
                .unwrap_or(&types[0])
                .clone(),
            _ => {
                f.error(
                    codes::CREDENTIAL_STATUS_TYPE_MISSING,
                    format!("{path}/type"),
                    "a status entry needs a string type",
                );
                continue;
            }
        };
        let id = match e.get("id") {
            None => None,
            Some(Value::String(s)) if is_uri(s) => Some(s.clone()),
            Some(other) => {
                f.error(
                    codes::CREDENTIAL_STATUS_ID_INVALID,
                    format!("{path}/id"),
                    format!(
                        "the status entry id must be an absolute URI string, found {}",
                        describe(other)
                    ),
                );
                None
            }
        };
        let bitstring = entry_type == "BitstringStatusListEntry";
        let purpose = opt_string(e, "statusPurpose");
        if bitstring && purpose.is_none() {
            f.error(
                codes::STATUS_PURPOSE_MISSING,
                format!("{path}/statusPurpose"),
                "a BitstringStatusListEntry needs a string statusPurpose",
            );
        }
        let index = match e.get("statusListIndex") {
            None => {
                if bitstring {
                    f.error(
                        codes::STATUS_LIST_INDEX_MISSING,
                        format!("{path}/statusListIndex"),
                        "a BitstringStatusListEntry needs a statusListIndex",
                    );
                }
                None
            }
            Some(Value::String(s)) => match StatusListIndex::parse(s) {
                Ok(i) => Some(i.to_string()),
                Err(err) => {
                    f.error(
                        codes::STATUS_LIST_INDEX_MALFORMED,
                        format!("{path}/statusListIndex"),
                        err.to_string(),
                    );
                    None
                }
            },
            Some(Value::Number(n)) => match n.as_u64() {
                Some(i) => {
                    f.warn(
                        codes::STATUS_LIST_INDEX_NOT_STRING,
                        format!("{path}/statusListIndex"),
                        "statusListIndex should be a string; a number signs as a different RDF literal",
                    );
                    Some(i.to_string())
                }
                None => {
                    f.error(
                        codes::STATUS_LIST_INDEX_MALFORMED,
                        format!("{path}/statusListIndex"),
                        format!("statusListIndex must be a non-negative integer, found {n}"),
                    );
                    None
                }
            },
            Some(other) => {
                f.error(
                    codes::STATUS_LIST_INDEX_MALFORMED,
                    format!("{path}/statusListIndex"),
                    format!(
                        "statusListIndex must be a decimal string, found {}",
                        json_kind(other)
                    ),
                );
                None
            }
        };
        let list_url = match e.get("statusListCredential") {
            None => {
                if bitstring {
                    f.error(
                        codes::STATUS_LIST_CREDENTIAL_MISSING,
                        format!("{path}/statusListCredential"),
                        "a BitstringStatusListEntry needs a statusListCredential",
                    );
                }
                None
            }
            Some(Value::String(s)) if is_uri(s) => Some(s.clone()),
            Some(other) => {
                f.error(
                    codes::STATUS_LIST_CREDENTIAL_INVALID,
                    format!("{path}/statusListCredential"),
                    format!(
                        "statusListCredential must be an absolute URL string, found {}",
                        describe(other)
                    ),
                );
                None
            }
        };
        out.push(StatusEntryRef {
            path,
            entry_type,
            id,
            purpose,
            index,
            list_url,
        });
    }
    out
}
