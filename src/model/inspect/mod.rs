//! Structural reading of a received credential (the "parse" step of
//! verification): [`inspect_credential`] reads a `serde_json::Value` without
//! changing it and reports a [`CredentialSummary`] or [`Finding`]s.

use super::json_kind;
use std::fmt;

use serde_json::{Map, Value};

use super::datetime::XsdDateTime;
use super::identity::IdentityObject;
use super::newtypes::{StatusListIndex, check_absolute_uri};
use super::{VC_V1_CONTEXT, VC_V2_CONTEXT};

pub mod codes;
mod status;
mod subject;

use status::check_status;
use subject::inspect_subject;

/// Deepest JSON nesting callers should accept before inspecting or
/// canonicalizing a document (see [`json_depth`]). Real credentials,
/// including embedded endorsements, stay well under 20.
pub const MAX_JSON_DEPTH: usize = 64;

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
/// Strings are copies of the document's values, unchanged; a name or
/// description given as language value objects (VCDM 2.0 §11.1) is the
/// `@value` of the English one, else of the first.
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

/// A `name` / `description`: a string verbatim, or the text of a language
/// value object or array chosen by [`super::vcdm::display_text`].
fn opt_text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => Some(s.clone()),
        other => super::vcdm::display_text(other, Some(super::vcdm::DISPLAY_LANG)),
    }
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
                Some(v) if super::vcdm::is_text_value(v) => issuer_name = opt_text(issuer, "name"),
                Some(other) => f.error(
                    codes::ISSUER_NAME_INVALID,
                    "/issuer/name",
                    format!(
                        "the issuer name must be a string or a language value object \
                         (or an array of them, VCDM 2.0 §11.1), found {}",
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
    let subject = inspect_subject(obj, is_open_badge, is_endorsement, &mut f);

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
mod tests;
