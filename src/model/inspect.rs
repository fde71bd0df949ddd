//! Structural reading of a received credential (the "parse" step of
//! verification): [`inspect_credential`] reads a `serde_json::Value` without
//! changing it and reports a [`CredentialSummary`] or [`Finding`]s.

use std::fmt;

use serde_json::{Map, Value};

use super::datetime::XsdDateTime;
use super::identity::IdentityObject;
use super::newtypes::{StatusListIndex, check_absolute_uri};
use super::{VC_V1_CONTEXT, VC_V2_CONTEXT};

/// Deepest JSON nesting callers should accept before inspecting or
/// canonicalizing a document (see [`json_depth`]). Real credentials,
/// including embedded endorsements, stay well under 20.
pub const MAX_JSON_DEPTH: usize = 64;

/// Stable machine codes of [`Finding`]s. Codes are part of the verification
/// API: never rename one, add new ones instead.
pub mod codes {
    /// The document is not a JSON object.
    pub const NOT_AN_OBJECT: &str = "not_an_object";
    /// The document nests deeper than [`MAX_JSON_DEPTH`](super::MAX_JSON_DEPTH).
    pub const TOO_DEEP: &str = "too_deep";
    /// No `@context` (VCDM 2.0 §4.3).
    pub const CONTEXT_MISSING: &str = "context_missing";
    /// `@context` is not an array (VCDM 2.0 §4.3: an ordered set).
    pub const CONTEXT_NOT_ARRAY: &str = "context_not_array";
    /// `@context` is an empty array.
    pub const CONTEXT_EMPTY: &str = "context_empty";
    /// A `@context` item is neither a string nor an object.
    pub const CONTEXT_ITEM_INVALID: &str = "context_item_invalid";
    /// The VC base context is not the first item, or the OB context is not
    /// the second, although they appear elsewhere in `@context`.
    pub const CONTEXT_ORDER: &str = "context_order";
    /// Neither VC base context (v2 or v1) appears in `@context`.
    pub const CONTEXT_BASE_MISSING: &str = "context_base_missing";
    /// An Open Badges credential lacks an OB 3.0 context as `@context[1]`
    /// (OB 3.0 §B.1 AchievementCredential `@context`).
    pub const CONTEXT_OB_MISSING: &str = "context_ob_missing";
    /// `id` is not a string holding an absolute URI (VCDM 2.0 §4.4).
    pub const ID_INVALID: &str = "id_invalid";
    /// An Open Badges credential has no `id` (required by OB 3.0).
    pub const ID_MISSING: &str = "id_missing";
    /// No `type` (VCDM 2.0 §4.5).
    pub const TYPE_MISSING: &str = "type_missing";
    /// `type` is not a string or an array of strings.
    pub const TYPE_INVALID: &str = "type_invalid";
    /// `type` does not include `VerifiableCredential` (VCDM 2.0 §4.5).
    pub const TYPE_MISSING_VERIFIABLE_CREDENTIAL: &str = "type_missing_verifiable_credential";
    /// No `issuer` (VCDM 2.0 §4.7).
    pub const ISSUER_MISSING: &str = "issuer_missing";
    /// `issuer` is neither a string nor an object.
    pub const ISSUER_INVALID: &str = "issuer_invalid";
    /// The issuer object has no `id`.
    pub const ISSUER_ID_MISSING: &str = "issuer_id_missing";
    /// The issuer id is not a string holding an absolute URI.
    pub const ISSUER_ID_INVALID: &str = "issuer_id_invalid";
    /// The issuer `name` is present but not a string.
    pub const ISSUER_NAME_INVALID: &str = "issuer_name_invalid";
    /// An OB issuer object does not have type `Profile` (OB 3.0 §B.1 Profile).
    pub const ISSUER_TYPE_MISSING: &str = "issuer_type_missing";
    /// A VC 2.0 Open Badges credential has no `validFrom` (required by OB 3.0).
    pub const VALID_FROM_MISSING: &str = "valid_from_missing";
    /// `validFrom` is not an XSD dateTimeStamp (VCDM 2.0 §4.9).
    pub const VALID_FROM_MALFORMED: &str = "valid_from_malformed";
    /// `validUntil` is not an XSD dateTimeStamp (VCDM 2.0 §4.9).
    pub const VALID_UNTIL_MALFORMED: &str = "valid_until_malformed";
    /// The end of validity is before its start (VCDM 2.0 §4.9; VC 1.1
    /// `expirationDate` before `issuanceDate`).
    pub const VALID_UNTIL_BEFORE_VALID_FROM: &str = "valid_until_before_valid_from";
    /// A VC 1.1 credential has no `issuanceDate` (VCDM 1.1 §4.6).
    pub const ISSUANCE_DATE_MISSING: &str = "issuance_date_missing";
    /// `issuanceDate` is not a date-time with timezone.
    pub const ISSUANCE_DATE_MALFORMED: &str = "issuance_date_malformed";
    /// `expirationDate` is not a date-time with timezone.
    pub const EXPIRATION_DATE_MALFORMED: &str = "expiration_date_malformed";
    /// No `credentialSubject` (VCDM 2.0 §4.8).
    pub const SUBJECT_MISSING: &str = "subject_missing";
    /// `credentialSubject` (or an item of it) is not an object.
    pub const SUBJECT_INVALID: &str = "subject_invalid";
    /// `credentialSubject` is an empty array.
    pub const SUBJECT_EMPTY: &str = "subject_empty";
    /// An Open Badges credential has an array of subjects (OB 3.0 requires
    /// one AchievementSubject object).
    pub const SUBJECT_NOT_SINGLE: &str = "subject_not_single";
    /// The subject `id` is not a string holding an absolute URI.
    pub const SUBJECT_ID_INVALID: &str = "subject_id_invalid";
    /// An OB subject has neither `id` nor an `identifier` (OB 3.0 §9.1
    /// step 1); an endorsement subject has no `id`.
    pub const SUBJECT_UNIDENTIFIED: &str = "subject_unidentified";
    /// An OB subject's `type` lacks `AchievementSubject` (OB 3.0 §B.1).
    pub const SUBJECT_TYPE_MISSING: &str = "subject_type_missing";
    /// An `identifier` entry is not a valid IdentityObject (OB 3.0 §B.1).
    pub const SUBJECT_IDENTIFIER_MALFORMED: &str = "subject_identifier_malformed";
    /// An OB subject has no `achievement`.
    pub const ACHIEVEMENT_MISSING: &str = "achievement_missing";
    /// `achievement` is not an object.
    pub const ACHIEVEMENT_INVALID: &str = "achievement_invalid";
    /// The achievement has no `id`.
    pub const ACHIEVEMENT_ID_MISSING: &str = "achievement_id_missing";
    /// The achievement `id` is not a string holding an absolute URI.
    pub const ACHIEVEMENT_ID_INVALID: &str = "achievement_id_invalid";
    /// The achievement `type` lacks `Achievement`.
    pub const ACHIEVEMENT_TYPE_MISSING: &str = "achievement_type_missing";
    /// The achievement has no string `name`.
    pub const ACHIEVEMENT_NAME_MISSING: &str = "achievement_name_missing";
    /// The achievement has no string `description`.
    pub const ACHIEVEMENT_DESCRIPTION_MISSING: &str = "achievement_description_missing";
    /// The achievement has no `criteria` object.
    pub const ACHIEVEMENT_CRITERIA_MISSING: &str = "achievement_criteria_missing";
    /// `achievementType` is present but not a string.
    pub const ACHIEVEMENT_KIND_INVALID: &str = "achievement_kind_invalid";
    /// `result` (or an item of it) is not an object / array of objects.
    pub const RESULT_INVALID: &str = "result_invalid";
    /// A result's `type` lacks `Result`.
    pub const RESULT_TYPE_MISSING: &str = "result_type_missing";
    /// A result's `resultDescription`, `value`, `status` or `achievedLevel`
    /// is not a string.
    pub const RESULT_FIELD_INVALID: &str = "result_field_invalid";
    /// `credentialStatus` (or an item of it) is not an object.
    pub const CREDENTIAL_STATUS_INVALID: &str = "credential_status_invalid";
    /// A status entry has no string `type` (VCDM 2.0 §4.10).
    pub const CREDENTIAL_STATUS_TYPE_MISSING: &str = "credential_status_type_missing";
    /// A status entry `id` is not a string holding an absolute URI.
    pub const CREDENTIAL_STATUS_ID_INVALID: &str = "credential_status_id_invalid";
    /// A BitstringStatusListEntry has no string `statusPurpose`.
    pub const STATUS_PURPOSE_MISSING: &str = "status_purpose_missing";
    /// A BitstringStatusListEntry has no `statusListIndex`.
    pub const STATUS_LIST_INDEX_MISSING: &str = "status_list_index_missing";
    /// `statusListIndex` is not a non-negative base-10 integer.
    pub const STATUS_LIST_INDEX_MALFORMED: &str = "status_list_index_malformed";
    /// A BitstringStatusListEntry has no `statusListCredential`.
    pub const STATUS_LIST_CREDENTIAL_MISSING: &str = "status_list_credential_missing";
    /// `statusListCredential` is not a string holding an absolute URI.
    pub const STATUS_LIST_CREDENTIAL_INVALID: &str = "status_list_credential_invalid";

    /// Warning: an OB credential's `type` is a bare string (the strict OB
    /// JSON Schema wants an array; RDF is unchanged).
    pub const TYPE_NOT_ARRAY: &str = "type_not_array";
    /// Warning: an OB credential's `proof` is a single object (STANDARDS §1
    /// item 4, §9 item 5).
    pub const PROOF_NOT_ARRAY: &str = "proof_not_array";
    /// Warning: `statusListIndex` is a JSON number; it should be a string
    /// (Bitstring Status List v1.0 §2.1; STANDARDS §1 item 7).
    pub const STATUS_LIST_INDEX_NOT_STRING: &str = "status_list_index_not_string";
    /// Warning: a date property of the other VC version is present
    /// (`issuanceDate`/`expirationDate` in VC 2.0, `validFrom`/`validUntil`
    /// in VC 1.1); that context does not define it, so JSON-LD safe mode
    /// fails on it.
    pub const DATE_PROPERTY_WRONG_VERSION: &str = "date_property_wrong_version";
    /// Warning: `identifier` / `result` is a single object instead of an
    /// array (STANDARDS §1 item 4).
    pub const NOT_ARRAY: &str = "not_array";
}

/// One finding of [`inspect_credential`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable snake_case code from [`codes`].
    pub code: &'static str,
    /// JSON pointer (RFC 6901) of the offending value; `""` is the document.
    pub path: String,
    /// Human-readable explanation (English; not stable).
    pub message: String,
}

impl Finding {
    fn new(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{} at {}: {}", self.code, path, self.message)
    }
}

/// Which VC data model a credential follows, from `@context[0]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VcVersion {
    /// `https://www.w3.org/ns/credentials/v2` (VCDM 2.0).
    V2,
    /// `https://www.w3.org/2018/credentials/v1` (VCDM 1.1): dates are
    /// `issuanceDate` / `expirationDate`.
    V1_1,
}

/// A `credentialStatus` entry as found (VCDM 2.0 §4.10), not interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntryRef {
    /// JSON pointer of the entry (`/credentialStatus` or `/credentialStatus/<i>`).
    pub path: String,
    /// `type`, e.g. `BitstringStatusListEntry` or `1EdTechRevocationList`
    /// (the first string when `type` is an array).
    pub entry_type: String,
    /// `id`, if a string.
    pub id: Option<String>,
    /// `statusPurpose`, if a string.
    pub purpose: Option<String>,
    /// `statusListIndex` as a canonical decimal string (a JSON number is
    /// accepted with a warning and converted).
    pub index: Option<String>,
    /// `statusListCredential`, if a string.
    pub list_url: Option<String>,
}

impl StatusEntryRef {
    /// The index parsed, when present and canonical.
    pub fn index_value(&self) -> Option<StatusListIndex> {
        self.index
            .as_deref()
            .and_then(|s| StatusListIndex::parse(s).ok())
    }
}

/// One `credentialSubject.result[]` entry as found (OB 3.0 §B.1 Result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultSummary {
    /// `resultDescription` (id of a ResultDescription).
    pub result_description: Option<String>,
    /// `value`.
    pub value: Option<String>,
    /// `status`, e.g. `Completed`.
    pub status: Option<String>,
    /// `achievedLevel` (id of a RubricCriterionLevel).
    pub achieved_level: Option<String>,
}

/// What [`inspect_credential`] read from a structurally sound credential.
/// Strings are copies of the document's values, unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialSummary {
    /// `id`.
    pub id: Option<String>,
    /// `type` values (a bare string is read as one value).
    pub types: Vec<String>,
    /// `type` includes `OpenBadgeCredential` or `AchievementCredential`.
    pub is_open_badge: bool,
    /// `type` includes `EndorsementCredential` (OB 3.0 §B.1
    /// EndorsementCredential).
    pub is_endorsement: bool,
    /// From `@context[0]`.
    pub vc_version: VcVersion,
    /// `issuer` or `issuer.id`.
    pub issuer_id: String,
    /// `issuer.name`.
    pub issuer_name: Option<String>,
    /// `validFrom` (VC 1.1: `issuanceDate`), lexical form kept.
    pub valid_from: Option<XsdDateTime>,
    /// `validUntil` (VC 1.1: `expirationDate`), lexical form kept.
    pub valid_until: Option<XsdDateTime>,
    /// `credentialSubject.id` (first subject when there are several).
    pub subject_id: Option<String>,
    /// `credentialSubject.name`.
    pub subject_name: Option<String>,
    /// `credentialSubject.identifier[]`, for the recipient check
    /// (OB 3.0 §9.3, [`IdentityObject::matches`]).
    pub subject_identifiers: Vec<IdentityObject>,
    /// `credentialSubject.achievement.id`.
    pub achievement_id: Option<String>,
    /// `credentialSubject.achievement.name`.
    pub achievement_name: Option<String>,
    /// `credentialSubject.achievement.description`.
    pub achievement_description: Option<String>,
    /// `credentialSubject.achievement.achievementType`, e.g. `Certification`.
    pub achievement_type: Option<String>,
    /// `credentialSubject.result[]`.
    pub results: Vec<ResultSummary>,
    /// `credentialStatus` entries (single object or array).
    pub status_entries: Vec<StatusEntryRef>,
    /// Non-fatal findings (codes marked "Warning" in [`codes`]).
    pub warnings: Vec<Finding>,
}

/// Depth of `v`: the number of values on the longest path from the root to a
/// leaf. A scalar, `[]` and `{}` have depth 1; `[1]` and `{"a": {}}` have
/// depth 2. Iterative, so safe on any input that could be parsed.
pub fn json_depth(v: &Value) -> usize {
    let mut max = 0;
    let mut stack: Vec<(&Value, usize)> = vec![(v, 1)];
    while let Some((v, depth)) = stack.pop() {
        max = max.max(depth);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    max
}

/// True when `url` matches `^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$`,
/// the pattern of the OB 3.0 JSON Schema for `@context[1]` (STANDARDS §2.1).
pub fn is_ob_context_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://purl.imsglobal.org/spec/ob/v3p0/context") else {
        return false;
    };
    let Some(mut versions) = rest.strip_suffix(".json") else {
        return false;
    };
    // (-3\.\d\.\d)* : zero or more chunks of exactly "-3.<digit>.<digit>".
    while !versions.is_empty() {
        let b = versions.as_bytes();
        let chunk_ok = b.len() >= 6
            && b[0] == b'-'
            && b[1] == b'3'
            && b[2] == b'.'
            && b[3].is_ascii_digit()
            && b[4] == b'.'
            && b[5].is_ascii_digit();
        if !chunk_ok {
            return false;
        }
        versions = &versions[6..];
    }
    true
}

const OB_TYPES: [&str; 2] = ["OpenBadgeCredential", "AchievementCredential"];

/// Collected findings.
#[derive(Default)]
struct Findings {
    errors: Vec<Finding>,
    warnings: Vec<Finding>,
}

impl Findings {
    fn error(&mut self, code: &'static str, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(Finding::new(code, path, message));
    }

    fn warn(&mut self, code: &'static str, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Finding::new(code, path, message));
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a `type` value: a string or an array of strings. `None` when
/// absent; `Err(message)` for a wrong JSON type.
fn read_types(v: Option<&Value>) -> Option<Result<Vec<String>, String>> {
    match v? {
        Value::String(s) => Some(Ok(vec![s.clone()])),
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("item {i} is {}, not a string", json_kind(item)))
                })
                .collect(),
        ),
        other => Some(Err(format!(
            "is {}, not a string or array",
            json_kind(other)
        ))),
    }
}

/// True when `v` (a `type` value) includes `name`.
fn has_type(v: Option<&Value>, name: &str) -> bool {
    match v {
        Some(Value::String(s)) => s == name,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(name)),
        _ => false,
    }
}

fn is_uri(s: &str) -> bool {
    check_absolute_uri(s).is_ok()
}

fn opt_string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Reads `@context`; returns the VC version when `@context[0]` is a VC base
/// context.
fn check_context(obj: &Map<String, Value>, ob_family: bool, f: &mut Findings) -> Option<VcVersion> {
    let items = match obj.get("@context") {
        None => {
            f.error(codes::CONTEXT_MISSING, "/@context", "@context is required");
            return None;
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            f.error(
                codes::CONTEXT_NOT_ARRAY,
                "/@context",
                format!("@context must be an array, found {}", json_kind(other)),
            );
            return match other.as_str() {
                Some(VC_V2_CONTEXT) => Some(VcVersion::V2),
                Some(VC_V1_CONTEXT) => Some(VcVersion::V1_1),
                _ => None,
            };
        }
    };
    if items.is_empty() {
        f.error(
            codes::CONTEXT_EMPTY,
            "/@context",
            "@context must not be empty",
        );
        return None;
    }
    for (i, item) in items.iter().enumerate() {
        if !(item.is_string() || item.is_object()) {
            f.error(
                codes::CONTEXT_ITEM_INVALID,
                format!("/@context/{i}"),
                format!(
                    "a context must be a URL string or an object, found {}",
                    json_kind(item)
                ),
            );
        }
    }
    let is_base = |v: &Value| matches!(v.as_str(), Some(VC_V2_CONTEXT | VC_V1_CONTEXT));
    let version = match items[0].as_str() {
        Some(VC_V2_CONTEXT) => Some(VcVersion::V2),
        Some(VC_V1_CONTEXT) => Some(VcVersion::V1_1),
        _ => {
            if let Some(pos) = items.iter().position(is_base) {
                f.error(
                    codes::CONTEXT_ORDER,
                    format!("/@context/{pos}"),
                    "the VC base context must be the first item of @context",
                );
            } else {
                f.error(
                    codes::CONTEXT_BASE_MISSING,
                    "/@context/0",
                    format!("@context[0] must be {VC_V2_CONTEXT} (or {VC_V1_CONTEXT} for VC 1.1)"),
                );
            }
            None
        }
    };
    if ob_family {
        let second_ok = items
            .get(1)
            .and_then(Value::as_str)
            .is_some_and(is_ob_context_url);
        if !second_ok {
            let elsewhere = items
                .iter()
                .enumerate()
                .find(|(i, v)| *i != 1 && v.as_str().is_some_and(is_ob_context_url));
            match elsewhere {
                Some((pos, _)) => f.error(
                    codes::CONTEXT_ORDER,
                    format!("/@context/{pos}"),
                    "the Open Badges context must be the second item of @context",
                ),
                None => f.error(
                    codes::CONTEXT_OB_MISSING,
                    "/@context/1",
                    "an Open Badges credential needs https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json as @context[1]",
                ),
            }
        }
    }
    version
}

/// Reads an optional date property; records `malformed` when it is not an
/// XSD dateTimeStamp.
fn read_date(
    obj: &Map<String, Value>,
    key: &str,
    malformed: &'static str,
    f: &mut Findings,
) -> Option<XsdDateTime> {
    let v = obj.get(key)?;
    let path = format!("/{key}");
    match v.as_str() {
        Some(s) => match XsdDateTime::parse(s) {
            Ok(t) => Some(t),
            Err(e) => {
                f.error(malformed, path, e.to_string());
                None
            }
        },
        None => {
            f.error(
                malformed,
                path,
                format!("{key} must be a string, found {}", json_kind(v)),
            );
            None
        }
    }
}

/// Accepts an array, or a single object (with a [`codes::NOT_ARRAY`]
/// warning); yields `(path, value)` pairs.
fn array_items<'a>(
    v: &'a Value,
    path: &str,
    invalid: &'static str,
    f: &mut Findings,
) -> Vec<(String, &'a Value)> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{path}/{i}"), item))
            .collect(),
        Value::Object(_) => {
            f.warn(codes::NOT_ARRAY, path, "should be an array");
            vec![(path.to_owned(), v)]
        }
        other => {
            f.error(
                invalid,
                path,
                format!("must be an array of objects, found {}", json_kind(other)),
            );
            Vec::new()
        }
    }
}

struct SubjectInfo {
    id: Option<String>,
    name: Option<String>,
    identifiers: Vec<IdentityObject>,
    achievement_id: Option<String>,
    achievement_name: Option<String>,
    achievement_description: Option<String>,
    achievement_type: Option<String>,
    results: Vec<ResultSummary>,
}

fn check_subject(
    obj: &Map<String, Value>,
    is_open_badge: bool,
    is_endorsement: bool,
    f: &mut Findings,
) -> SubjectInfo {
    let mut info = SubjectInfo {
        id: None,
        name: None,
        identifiers: Vec::new(),
        achievement_id: None,
        achievement_name: None,
        achievement_description: None,
        achievement_type: None,
        results: Vec::new(),
    };
    const P: &str = "/credentialSubject";
    let (subject, path): (&Map<String, Value>, String) = match obj.get("credentialSubject") {
        None => {
            f.error(codes::SUBJECT_MISSING, P, "credentialSubject is required");
            return info;
        }
        Some(Value::Object(s)) => (s, P.to_owned()),
        Some(Value::Array(items)) => {
            if is_open_badge || is_endorsement {
                f.error(
                    codes::SUBJECT_NOT_SINGLE,
                    P,
                    "an Open Badges credential has exactly one credentialSubject object",
                );
                return info;
            }
            if items.is_empty() {
                f.error(
                    codes::SUBJECT_EMPTY,
                    P,
                    "credentialSubject must not be empty",
                );
                return info;
            }
            let mut first = None;
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(s) => {
                        if first.is_none() {
                            first = Some((s, format!("{P}/{i}")));
                        }
                    }
                    other => f.error(
                        codes::SUBJECT_INVALID,
                        format!("{P}/{i}"),
                        format!("a subject must be an object, found {}", json_kind(other)),
                    ),
                }
            }
            match first {
                Some(first) => first,
                None => return info,
            }
        }
        Some(other) => {
            f.error(
                codes::SUBJECT_INVALID,
                P,
                format!(
                    "credentialSubject must be an object, found {}",
                    json_kind(other)
                ),
            );
            return info;
        }
    };

    match subject.get("id") {
        None => {}
        Some(Value::String(s)) if is_uri(s) => info.id = Some(s.clone()),
        Some(other) => f.error(
            codes::SUBJECT_ID_INVALID,
            format!("{path}/id"),
            format!(
                "the subject id must be an absolute URI string, found {}",
                describe(other)
            ),
        ),
    }
    info.name = opt_string(subject, "name");

    if is_endorsement && !is_open_badge && info.id.is_none() {
        f.error(
            codes::SUBJECT_UNIDENTIFIED,
            path.clone(),
            "an EndorsementSubject needs an id",
        );
    }
    if !is_open_badge {
        return info;
    }

    if !has_type(subject.get("type"), "AchievementSubject") {
        f.error(
            codes::SUBJECT_TYPE_MISSING,
            format!("{path}/type"),
            "the subject type must include AchievementSubject",
        );
    }
    if let Some(ids) = subject.get("identifier") {
        for (p, item) in array_items(
            ids,
            &format!("{path}/identifier"),
            codes::SUBJECT_IDENTIFIER_MALFORMED,
            f,
        ) {
            match serde_json::from_value::<IdentityObject>(item.clone()) {
                Ok(ident) => info.identifiers.push(ident),
                Err(e) => f.error(codes::SUBJECT_IDENTIFIER_MALFORMED, p, e.to_string()),
            }
        }
    }
    let identifier_present = subject.get("identifier").is_some_and(|v| {
        matches!(v, Value::Object(_)) || v.as_array().is_some_and(|a| !a.is_empty())
    });
    if info.id.is_none() && !identifier_present && subject.get("id").is_none() {
        f.error(
            codes::SUBJECT_UNIDENTIFIED,
            path.clone(),
            "the subject needs an id or at least one identifier (OB 3.0 §9.1)",
        );
    }

    let ap = format!("{path}/achievement");
    match subject.get("achievement") {
        None => f.error(
            codes::ACHIEVEMENT_MISSING,
            ap.clone(),
            "the subject needs an achievement",
        ),
        Some(Value::Object(a)) => {
            match a.get("id") {
                None => f.error(
                    codes::ACHIEVEMENT_ID_MISSING,
                    format!("{ap}/id"),
                    "the achievement needs an id",
                ),
                Some(Value::String(s)) if is_uri(s) => info.achievement_id = Some(s.clone()),
                Some(other) => f.error(
                    codes::ACHIEVEMENT_ID_INVALID,
                    format!("{ap}/id"),
                    format!(
                        "the achievement id must be an absolute URI string, found {}",
                        describe(other)
                    ),
                ),
            }
            if !has_type(a.get("type"), "Achievement") {
                f.error(
                    codes::ACHIEVEMENT_TYPE_MISSING,
                    format!("{ap}/type"),
                    "the achievement type must include Achievement",
                );
            }
            info.achievement_name = opt_string(a, "name");
            if info.achievement_name.is_none() {
                f.error(
                    codes::ACHIEVEMENT_NAME_MISSING,
                    format!("{ap}/name"),
                    "the achievement needs a string name",
                );
            }
            info.achievement_description = opt_string(a, "description");
            if info.achievement_description.is_none() {
                f.error(
                    codes::ACHIEVEMENT_DESCRIPTION_MISSING,
                    format!("{ap}/description"),
                    "the achievement needs a string description",
                );
            }
            if !a.get("criteria").is_some_and(Value::is_object) {
                f.error(
                    codes::ACHIEVEMENT_CRITERIA_MISSING,
                    format!("{ap}/criteria"),
                    "the achievement needs a criteria object",
                );
            }
            match a.get("achievementType") {
                None => {}
                Some(Value::String(s)) => info.achievement_type = Some(s.clone()),
                Some(other) => f.error(
                    codes::ACHIEVEMENT_KIND_INVALID,
                    format!("{ap}/achievementType"),
                    format!(
                        "achievementType must be a string, found {}",
                        json_kind(other)
                    ),
                ),
            }
        }
        Some(other) => f.error(
            codes::ACHIEVEMENT_INVALID,
            ap.clone(),
            format!("achievement must be an object, found {}", json_kind(other)),
        ),
    }

    if let Some(results) = subject.get("result") {
        for (p, item) in array_items(results, &format!("{path}/result"), codes::RESULT_INVALID, f) {
            let Some(r) = item.as_object() else {
                f.error(
                    codes::RESULT_INVALID,
                    p,
                    format!("a result must be an object, found {}", json_kind(item)),
                );
                continue;
            };
            if !has_type(r.get("type"), "Result") {
                f.error(
                    codes::RESULT_TYPE_MISSING,
                    format!("{p}/type"),
                    "the result type must include Result",
                );
            }
            let mut field = |key: &str| -> Option<String> {
                match r.get(key) {
                    None => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(other) => {
                        f.error(
                            codes::RESULT_FIELD_INVALID,
                            format!("{p}/{key}"),
                            format!("{key} must be a string, found {}", json_kind(other)),
                        );
                        None
                    }
                }
            };
            let summary = ResultSummary {
                result_description: field("resultDescription"),
                value: field("value"),
                status: field("status"),
                achieved_level: field("achievedLevel"),
            };
            info.results.push(summary);
        }
    }
    info
}

/// Describes a value for messages without echoing long strings.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let short: String = s.chars().take(60).collect();
            format!("{short:?}")
        }
        other => json_kind(other).to_owned(),
    }
}

fn check_status(obj: &Map<String, Value>, f: &mut Findings) -> Vec<StatusEntryRef> {
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

/// Reads the structure of a received credential without changing it
/// (verification's "parse" step; VCDM 2.0 §4 and §7.1 MALFORMED_VALUE_ERROR,
/// OB 3.0 §9.1 step 1).
///
/// Works for any VC (VCDM 2.0 or 1.1); Open Badges credentials
/// (`OpenBadgeCredential` / `AchievementCredential`) and
/// `EndorsementCredential`s get the extra OB rules:
///
/// * `@context` is a non-empty array whose first item is the VC v2 (or v1)
///   URL; for OB credentials the second item matches
///   `^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$`;
/// * `type` (string or array) includes `VerifiableCredential`;
/// * `issuer` is a URI string or an object with an `id`;
/// * `validFrom` (VC 1.1: `issuanceDate`) is required for OB (for every
///   VC 1.1 credential), `validUntil` ≥ `validFrom` as instants, all dates
///   XSD dateTimeStamps (timezone required);
/// * `credentialSubject` is an object (an array is accepted for generic
///   VCs); the OB subject has type AchievementSubject, an `id` or an
///   `identifier`, and an achievement with `id`, `type`, `name`,
///   `description` and `criteria`;
/// * `credentialStatus` entries (object or array) have a `type`;
///   BitstringStatusListEntry fields are checked.
///
/// Never panics; wrong JSON types become problems. Returns every problem
/// found, or the summary (with non-fatal `warnings`).
///
/// # Errors
/// All [`Finding`]s found, when at least one is not a warning.
pub fn inspect_credential(doc: &Value) -> Result<CredentialSummary, Vec<Finding>> {
    let Some(obj) = doc.as_object() else {
        return Err(vec![Finding::new(
            codes::NOT_AN_OBJECT,
            "",
            format!(
                "a credential must be a JSON object, found {}",
                json_kind(doc)
            ),
        )]);
    };
    let depth = json_depth(doc);
    if depth > MAX_JSON_DEPTH {
        return Err(vec![Finding::new(
            codes::TOO_DEEP,
            "",
            format!("the document nests {depth} levels deep; the limit is {MAX_JSON_DEPTH}"),
        )]);
    }
    let mut f = Findings::default();

    // type
    let types = match read_types(obj.get("type")) {
        None => {
            f.error(codes::TYPE_MISSING, "/type", "type is required");
            Vec::new()
        }
        Some(Err(message)) => {
            f.error(codes::TYPE_INVALID, "/type", format!("type {message}"));
            Vec::new()
        }
        Some(Ok(types)) => {
            if !types.iter().any(|t| t == "VerifiableCredential") {
                f.error(
                    codes::TYPE_MISSING_VERIFIABLE_CREDENTIAL,
                    "/type",
                    "type must include VerifiableCredential",
                );
            }
            types
        }
    };
    let is_open_badge = types.iter().any(|t| OB_TYPES.contains(&t.as_str()));
    let is_endorsement = types.iter().any(|t| t == "EndorsementCredential");
    let ob_family = is_open_badge || is_endorsement;
    if ob_family && obj.get("type").is_some_and(Value::is_string) {
        f.warn(codes::TYPE_NOT_ARRAY, "/type", "type should be an array");
    }

    // @context
    let version = check_context(obj, ob_family, &mut f);

    // id
    let id = match obj.get("id") {
        None => {
            if ob_family {
                f.error(
                    codes::ID_MISSING,
                    "/id",
                    "an Open Badges credential needs an id",
                );
            }
            None
        }
        Some(Value::String(s)) if is_uri(s) => Some(s.clone()),
        Some(other) => {
            f.error(
                codes::ID_INVALID,
                "/id",
                format!(
                    "id must be an absolute URI string, found {}",
                    describe(other)
                ),
            );
            None
        }
    };

    // issuer
    let mut issuer_id = None;
    let mut issuer_name = None;
    match obj.get("issuer") {
        None => f.error(codes::ISSUER_MISSING, "/issuer", "issuer is required"),
        Some(Value::String(s)) => {
            if is_uri(s) {
                issuer_id = Some(s.clone());
            } else {
                f.error(
                    codes::ISSUER_ID_INVALID,
                    "/issuer",
                    format!(
                        "issuer must be an absolute URI, found {}",
                        describe(&Value::String(s.clone()))
                    ),
                );
            }
        }
        Some(Value::Object(issuer)) => {
            match issuer.get("id") {
                None => f.error(
                    codes::ISSUER_ID_MISSING,
                    "/issuer/id",
                    "the issuer object needs an id",
                ),
                Some(Value::String(s)) if is_uri(s) => issuer_id = Some(s.clone()),
                Some(other) => f.error(
                    codes::ISSUER_ID_INVALID,
                    "/issuer/id",
                    format!(
                        "the issuer id must be an absolute URI string, found {}",
                        describe(other)
                    ),
                ),
            }
            match issuer.get("name") {
                None => {}
                Some(Value::String(s)) => issuer_name = Some(s.clone()),
                Some(other) => f.error(
                    codes::ISSUER_NAME_INVALID,
                    "/issuer/name",
                    format!(
                        "the issuer name must be a string, found {}",
                        json_kind(other)
                    ),
                ),
            }
            if ob_family && !has_type(issuer.get("type"), "Profile") {
                f.error(
                    codes::ISSUER_TYPE_MISSING,
                    "/issuer/type",
                    "an Open Badges issuer object must have type Profile",
                );
            }
        }
        Some(other) => f.error(
            codes::ISSUER_INVALID,
            "/issuer",
            format!(
                "issuer must be a URI string or an object, found {}",
                json_kind(other)
            ),
        ),
    }

    // dates
    let effective = version.unwrap_or(
        if obj.contains_key("issuanceDate") && !obj.contains_key("validFrom") {
            VcVersion::V1_1
        } else {
            VcVersion::V2
        },
    );
    let (valid_from, valid_until, until_key) = match effective {
        VcVersion::V2 => {
            let from = read_date(obj, "validFrom", codes::VALID_FROM_MALFORMED, &mut f);
            if ob_family && !obj.contains_key("validFrom") {
                f.error(
                    codes::VALID_FROM_MISSING,
                    "/validFrom",
                    "an Open Badges credential needs validFrom",
                );
            }
            for key in ["issuanceDate", "expirationDate"] {
                if obj.contains_key(key) {
                    f.warn(
                        codes::DATE_PROPERTY_WRONG_VERSION,
                        format!("/{key}"),
                        format!("{key} is a VC 1.1 property, undefined in the VC 2.0 context"),
                    );
                }
            }
            let until = read_date(obj, "validUntil", codes::VALID_UNTIL_MALFORMED, &mut f);
            (from, until, "validUntil")
        }
        VcVersion::V1_1 => {
            let from = read_date(obj, "issuanceDate", codes::ISSUANCE_DATE_MALFORMED, &mut f);
            if !obj.contains_key("issuanceDate") {
                f.error(
                    codes::ISSUANCE_DATE_MISSING,
                    "/issuanceDate",
                    "a VC 1.1 credential needs issuanceDate",
                );
            }
            for key in ["validFrom", "validUntil"] {
                if obj.contains_key(key) {
                    f.warn(
                        codes::DATE_PROPERTY_WRONG_VERSION,
                        format!("/{key}"),
                        format!("{key} is a VC 2.0 property, undefined in the VC 1.1 context"),
                    );
                }
            }
            let until = read_date(
                obj,
                "expirationDate",
                codes::EXPIRATION_DATE_MALFORMED,
                &mut f,
            );
            (from, until, "expirationDate")
        }
    };
    if let (Some(from), Some(until)) = (&valid_from, &valid_until)
        && until.instant() < from.instant()
    {
        f.error(
            codes::VALID_UNTIL_BEFORE_VALID_FROM,
            format!("/{until_key}"),
            format!("{} is before {}", until.as_str(), from.as_str()),
        );
    }

    // subject
    let subject = check_subject(obj, is_open_badge, is_endorsement, &mut f);

    // status
    let status_entries = check_status(obj, &mut f);

    // proof shape
    if ob_family && obj.get("proof").is_some_and(Value::is_object) {
        f.warn(codes::PROOF_NOT_ARRAY, "/proof", "proof should be an array");
    }

    // Every path that leaves `version` or `issuer_id` unset records an
    // error; keep that invariant even if a future edit breaks it.
    if f.errors.is_empty() && version.is_none() {
        f.error(
            codes::CONTEXT_BASE_MISSING,
            "/@context",
            "no VC base context",
        );
    }
    if f.errors.is_empty() && issuer_id.is_none() {
        f.error(codes::ISSUER_MISSING, "/issuer", "no issuer id");
    }
    match (f.errors.is_empty(), version, issuer_id) {
        (true, Some(vc_version), Some(issuer_id)) => Ok(CredentialSummary {
            id,
            types,
            is_open_badge,
            is_endorsement,
            vc_version,
            issuer_id,
            issuer_name,
            valid_from,
            valid_until,
            subject_id: subject.id,
            subject_name: subject.name,
            subject_identifiers: subject.identifiers,
            achievement_id: subject.achievement_id,
            achievement_name: subject.achievement_name,
            achievement_description: subject.achievement_description,
            achievement_type: subject.achievement_type,
            results: subject.results,
            status_entries,
            warnings: f.warnings,
        }),
        _ => Err(f.errors),
    }
}

#[cfg(test)]
#[path = "inspect_tests.rs"]
mod tests;
