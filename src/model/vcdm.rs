//! The input rules for a generic credential submitted for signing over
//! W3C VC-API "Issue Credential" (any VCDM 2.0 credential, and VCDM 1.1
//! input): what must hold before the issuer adds status entries and a proof.
//! Each rule cites the section of the W3C Verifiable Credentials Data Model
//! v2.0 Recommendation (VCDM 2.0, <https://www.w3.org/TR/vc-data-model-2.0/>)
//! or of VCDM 1.1 (<https://www.w3.org/TR/vc-data-model-1.1/>) it comes from.
//!
//! Also here: the one reading of a `name` / `description` value, a string
//! or a language value object (VCDM 2.0 §11.1), for checks and for display
//! ([`is_text_value`], [`display_text`]).

use serde_json::{Map, Value};

use super::XsdDateTime;
use super::newtypes::check_absolute_uri;
use crate::jsonld::JsonLdError;

/// VCDM 2.0 base context (VCDM 2.0 §4.3).
pub const V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// VCDM 1.1 base context (VCDM 1.1 §4.1).
pub const V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// Which data model the submitted credential follows, from its first context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataModel {
    /// VCDM 2.0 (`https://www.w3.org/ns/credentials/v2` first).
    V2,
    /// VCDM 1.1 (`https://www.w3.org/2018/credentials/v1` first).
    V1_1,
}

/// A rule the submitted credential breaks: the field's JSON path (e.g.
/// `credentialSubject[1]`, `@context[0]`) and why, in words a client can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// JSON path of the offending field, `credential` for the whole document.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for InputProblem {}

fn problem(field: impl Into<String>, reason: impl Into<String>) -> InputProblem {
    InputProblem {
        field: field.into(),
        reason: reason.into(),
    }
}

type Checked<T = ()> = Result<T, InputProblem>;

/// Checks a submitted, unsigned generic credential against the VCDM input
/// rules; `issuer_id` is this issuer's id (a DID), which `issuer` must name.
/// The credential is not changed: what passes is signed as given.
///
/// The structural rules run first (they name the field precisely), then
/// JSON-LD expansion in safe mode over the compiled-in contexts, which
/// refuses undefined terms and types, protected-term redefinitions and
/// anything else a JSON-LD processor would drop (VCDM 2.0 §5.2).
///
/// # Errors
/// The first [`InputProblem`] found.
pub fn check_generic_input(credential: &Value, issuer_id: &str) -> Checked<DataModel> {
    let Some(doc) = credential.as_object() else {
        return Err(problem("credential", "must be a JSON object"));
    };
    let depth = super::json_depth(credential);
    if depth > super::MAX_JSON_DEPTH {
        return Err(problem(
            "credential",
            format!(
                "nests {depth} levels deep; the limit is {}",
                super::MAX_JSON_DEPTH
            ),
        ));
    }
    let model = check_contexts(doc)?;
    check_optional_id(doc, "id")?;
    check_credential_type(doc)?;
    check_text_property(doc, "name", "name")?;
    check_text_property(doc, "description", "description")?;
    check_issuer(doc, issuer_id)?;
    check_subjects(doc)?;
    match model {
        DataModel::V2 => check_validity_period(doc)?,
        DataModel::V1_1 => check_v1_dates(doc)?,
    }
    check_status_entries(doc)?;
    check_schemas(doc)?;
    for (key, section) in [
        ("refreshService", "VCDM 2.0 §5.4"),
        ("termsOfUse", "VCDM 2.0 §5.5"),
        ("evidence", "VCDM 2.0 §5.6"),
    ] {
        check_typed_objects(doc, key, section)?;
    }
    check_related_resources(doc)?;
    check_signable_strings(credential, "")?;
    check_json_ld(credential)?;
    Ok(model)
}

/// Every string (and key) passes [`super::check_signable_text`]: control
/// characters other than `\n` are escaped differently by canonical N-Quads
/// implementations, so a credential carrying them would verify in some
/// verifiers and fail in others. The caller bounds the depth.
fn check_signable_strings(v: &Value, path: &str) -> Checked {
    let field = |p: &str| pointer_field(p).unwrap_or_else(|| "credential".into());
    match v {
        Value::String(s) => super::check_signable_text(path, s).map_err(|e| match e {
            super::ModelError::UnsignableText { reason, .. } => problem(field(path), reason),
            other => problem(field(path), other.to_string()),
        }),
        Value::Array(a) => a.iter().enumerate().try_for_each(|(i, x)| {
            check_signable_strings(x, &crate::jsonld::pointer_push(path, &i.to_string()))
        }),
        Value::Object(o) => o.iter().try_for_each(|(k, x)| {
            let p = crate::jsonld::pointer_push(path, k);
            super::check_signable_text(&p, k)
                .map_err(|_| problem(field(&p), "the property name holds a control character"))?;
            check_signable_strings(x, &p)
        }),
        _ => Ok(()),
    }
}

/// VCDM 2.0 §4.3 (VCDM 1.1 §4.1): `@context` is an ordered set whose first
/// item is the base context URL; later items are URLs or objects, each
/// processable as a JSON-LD context. URLs resolve only to the contexts
/// compiled into Rosette (nothing is fetched).
fn check_contexts(doc: &Map<String, Value>) -> Checked<DataModel> {
    let first_rule = format!(
        "must be an array whose first item is {V2_CONTEXT} (or {V1_CONTEXT} for VCDM 1.1 input)"
    );
    let items: Vec<&Value> = match doc.get("@context") {
        None => return Err(problem("@context", format!("is required; it {first_rule}"))),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::String(_)) => vec![v],
        Some(_) => return Err(problem("@context", first_rule)),
    };
    let model = match items.first() {
        Some(Value::String(s)) if s == V2_CONTEXT => DataModel::V2,
        Some(Value::String(s)) if s == V1_CONTEXT => DataModel::V1_1,
        _ => return Err(problem("@context[0]", first_rule)),
    };
    for (i, item) in items.iter().enumerate().skip(1) {
        let field = format!("@context[{i}]");
        match item {
            Value::String(url) if url == V2_CONTEXT || url == V1_CONTEXT => {
                return Err(problem(
                    field,
                    "the base context may appear only once, as the first item",
                ));
            }
            Value::String(url) => {
                if let Err(e) = crate::contexts::load(url) {
                    return Err(problem(
                        field,
                        format!(
                            "{e}; list only contexts this issuer holds, or put the term \
                             definitions in an inline context object"
                        ),
                    ));
                }
            }
            Value::Object(map) => check_inline_context(map, &field)?,
            other => {
                return Err(problem(
                    field,
                    format!(
                        "must be a context URL or a context object, found {}",
                        super::json_kind(other)
                    ),
                ));
            }
        }
    }
    Ok(model)
}

/// VCDM 2.0 §4.3 ("processable as a JSON-LD context"): in an inline
/// context, a term (or `@vocab`) mapped to a string with a `:` maps to an
/// absolute IRI (JSON-LD 1.1 API §4.2.2 step 14), not to a malformed one.
fn check_inline_context(map: &Map<String, Value>, field: &str) -> Checked {
    for (term, def) in map {
        let iri = match def {
            Value::String(s) => s.as_str(),
            Value::Object(d) => match d.get("@id") {
                Some(Value::String(s)) => s.as_str(),
                _ => continue,
            },
            _ => continue,
        };
        if (term.starts_with('@') && term != "@vocab") || iri.starts_with('@') {
            continue;
        }
        if iri.contains(':') || iri.chars().any(char::is_whitespace) {
            check_absolute_uri(iri).map_err(|why| {
                problem(
                    format!("{field}.{term}"),
                    format!("maps to {iri:?}, which is not an absolute IRI: {why}"),
                )
            })?;
        }
    }
    Ok(())
}

/// VCDM 2.0 §4.4: if present, `id` is a single URL.
fn check_optional_id(obj: &Map<String, Value>, field: &str) -> Checked {
    match obj.get("id") {
        None => Ok(()),
        Some(v) => check_url(v, field),
    }
}

/// A single absolute URL (VCDM 2.0 §4.4 "Identifiers").
fn check_url(v: &Value, field: &str) -> Checked {
    match v {
        Value::String(s) => check_absolute_uri(s)
            .map_err(|why| problem(field, format!("must be a single URL: {why} (found {s:?})"))),
        other => Err(problem(
            field,
            format!(
                "must be a single URL string, found {}",
                super::json_kind(other)
            ),
        )),
    }
}

/// VCDM 2.0 §4.5: `type` is one or more terms and/or absolute URL strings;
/// returns the values. Whether a term is defined is left to JSON-LD.
fn type_values<'a>(obj: &'a Map<String, Value>, field: &str) -> Checked<Vec<&'a str>> {
    let values: Vec<&Value> = match obj.get("type") {
        None => return Err(problem(field, "is required (VCDM 2.0 §4.5)")),
        Some(Value::Array(a)) if a.is_empty() => {
            return Err(problem(field, "must hold at least one type"));
        }
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    };
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        match v {
            Value::String(s) if !s.is_empty() && !s.chars().any(char::is_whitespace) => {
                if s.contains(':') {
                    check_absolute_uri(s).map_err(|why| {
                        problem(field, format!("{s:?} is neither a term nor a URL: {why}"))
                    })?;
                }
                out.push(s.as_str());
            }
            Value::String(s) => {
                return Err(problem(
                    field,
                    format!("{s:?} is neither a term nor an absolute URL"),
                ));
            }
            other => {
                return Err(problem(
                    field,
                    format!(
                        "must be a term or an absolute URL string (or an array of them), found {}",
                        super::json_kind(other)
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// VCDM 2.0 §4.5 (table of objects that must be typed) and VCDM 1.1 §4.3:
/// a credential's `type` includes `VerifiableCredential`.
fn check_credential_type(doc: &Map<String, Value>) -> Checked {
    let types = type_values(doc, "type")?;
    if !types.contains(&"VerifiableCredential") {
        return Err(problem(
            "type",
            "must include \"VerifiableCredential\" (VCDM 2.0 §4.5)",
        ));
    }
    Ok(())
}

/// True when `v` is a language value object (VCDM 2.0 §11.1): `@value`
/// string, optional `@language` (a well-formed BCP 47 tag) and `@direction`
/// (`ltr` or `rtl`), and no other key.
fn is_language_value_object(v: &Value) -> bool {
    let Value::Object(o) = v else { return false };
    o.get("@value").is_some_and(Value::is_string)
        && o.iter().all(|(k, v)| match k.as_str() {
            "@value" => true,
            "@language" => v.as_str().is_some_and(is_language_tag),
            "@direction" => matches!(v.as_str(), Some("ltr" | "rtl")),
            _ => false,
        })
}

/// A well-formed language tag in the sense JSON-LD 1.1 checks
/// (`[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`, BCP 47 §2.1 shape).
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The one rule for `name` and `description` values (VCDM 2.0 §4.6,
/// §11.1): a string, a language value object, or an array of them.
pub fn is_text_value(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Array(a) => {
            !a.is_empty()
                && a.iter()
                    .all(|i| i.is_string() || is_language_value_object(i))
        }
        other => is_language_value_object(other),
    }
}

/// The language Rosette's pages and reports prefer when a name is given in
/// several (VCDM 2.0 §11.1): they are written in English.
pub const DISPLAY_LANG: &str = "en";

/// The text to show for a `name` / `description` value (VCDM 2.0 §11.1):
/// a string as is; from language value objects, the one whose `@language`
/// matches `preferred_lang` (exactly, then by primary subtag, ignoring
/// case), else a string without language, else the first value, as
/// written. `None` when `v` is not a text value or the chosen text is blank.
pub fn display_text(v: &Value, preferred_lang: Option<&str>) -> Option<String> {
    if !is_text_value(v) {
        return None;
    }
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    fn text(i: &Value) -> Option<&str> {
        match i {
            Value::String(s) => Some(s.as_str()),
            other => other.get("@value").and_then(Value::as_str),
        }
    }
    fn lang(i: &Value) -> Option<&str> {
        i.get("@language").and_then(Value::as_str)
    }
    let primary = |t: &str| t.split('-').next().unwrap_or(t).to_ascii_lowercase();
    let chosen = preferred_lang
        .and_then(|want| {
            items
                .iter()
                .find(|i| lang(i).is_some_and(|l| l.eq_ignore_ascii_case(want)))
                .or_else(|| {
                    items
                        .iter()
                        .find(|i| lang(i).is_some_and(|l| primary(l) == primary(want)))
                })
        })
        .or_else(|| items.iter().find(|i| lang(i).is_none()))
        .or_else(|| items.first())?;
    text(chosen)
        .filter(|t| !t.trim().is_empty())
        .map(str::to_owned)
}

/// VCDM 2.0 §4.6: if present, `name` / `description` is a string or a
/// language value object (§11.1), or an array of them.
fn check_text_property(obj: &Map<String, Value>, key: &str, field: &str) -> Checked {
    match obj.get(key) {
        None => Ok(()),
        Some(v) if is_text_value(v) => Ok(()),
        Some(_) => Err(problem(
            field,
            "must be a string, a language value object ({\"@value\": \"…\", \"@language\": \"en\"}, \
             optionally \"@direction\": \"ltr\" or \"rtl\", no other keys), or an array of them \
             (VCDM 2.0 §4.6, §11.1)",
        )),
    }
}

/// VCDM 2.0 §4.7: `issuer` is a URL or an object whose `id` is a URL; here
/// it must also be this issuer, `issuer_id`.
fn check_issuer(doc: &Map<String, Value>, issuer_id: &str) -> Checked {
    let (id, field) = match doc.get("issuer") {
        None => {
            return Err(problem(
                "issuer",
                format!("is required; set it to this issuer, {issuer_id}"),
            ));
        }
        Some(v @ Value::String(_)) => {
            check_url(v, "issuer")?;
            (v, "issuer")
        }
        Some(Value::Object(o)) => {
            let Some(id) = o.get("id") else {
                return Err(problem(
                    "issuer.id",
                    format!("is required in an issuer object; set it to this issuer, {issuer_id}"),
                ));
            };
            check_url(id, "issuer.id")?;
            check_text_property(o, "name", "issuer.name")?;
            check_text_property(o, "description", "issuer.description")?;
            (id, "issuer.id")
        }
        Some(other) => {
            return Err(problem(
                "issuer",
                format!(
                    "must be a URL or an object with a URL id, found {}",
                    super::json_kind(other)
                ),
            ));
        }
    };
    if id.as_str() != Some(issuer_id) {
        return Err(problem(
            field,
            format!("must be this issuer, {issuer_id}: this service signs only as itself"),
        ));
    }
    Ok(())
}

/// The objects of a property that holds one object or an array of them,
/// each with its field path (`key` or `key[i]`). Refuses other shapes.
fn objects<'a>(
    doc: &'a Map<String, Value>,
    key: &str,
) -> Checked<Vec<(String, &'a Map<String, Value>)>> {
    let (items, indexed): (Vec<&Value>, bool) = match doc.get(key) {
        None => return Ok(Vec::new()),
        Some(Value::Array(a)) => (a.iter().collect(), true),
        Some(v) => (vec![v], false),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let field = if indexed {
            format!("{key}[{i}]")
        } else {
            key.to_owned()
        };
        match item {
            Value::Object(o) => out.push((field, o)),
            other => {
                return Err(problem(
                    field,
                    format!("must be an object, found {}", super::json_kind(other)),
                ));
            }
        }
    }
    Ok(out)
}

/// VCDM 2.0 §4.8: `credentialSubject` is required; one or more objects,
/// each making a claim (an empty object says nothing); a subject `id`
/// follows §4.4.
fn check_subjects(doc: &Map<String, Value>) -> Checked {
    let subjects = objects(doc, "credentialSubject")?;
    if subjects.is_empty() {
        return Err(problem(
            "credentialSubject",
            "is required: one object, or an array of objects, each making a claim about a subject",
        ));
    }
    for (field, subject) in subjects {
        if subject.is_empty() {
            return Err(problem(
                field,
                "makes no claim: give the subject an id or at least one property",
            ));
        }
        check_optional_id(subject, &format!("{field}.id"))?;
    }
    Ok(())
}

/// An optional date property: an XML Schema `dateTimeStamp` (VCDM 2.0
/// §4.9, §5.8; VCDM 1.1 §4.6, §4.7 ask for an RFC 3339 date-time, which
/// is the same lexical space).
fn date(doc: &Map<String, Value>, key: &str) -> Checked<Option<XsdDateTime>> {
    match doc.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => XsdDateTime::parse(s).map(Some).map_err(|e| {
            problem(
                key,
                format!("{e}; use an XML Schema dateTimeStamp such as 2025-01-31T09:00:00Z"),
            )
        }),
        Some(other) => Err(problem(
            key,
            format!(
                "must be a dateTimeStamp string, found {}",
                super::json_kind(other)
            ),
        )),
    }
}

/// `earlier` ≤ `later` when both are present.
fn check_order(
    earlier: Option<&XsdDateTime>,
    later: Option<&XsdDateTime>,
    field: &str,
    reason: &str,
) -> Checked {
    match (earlier, later) {
        (Some(a), Some(b)) if a.instant() > b.instant() => Err(problem(field, reason)),
        _ => Ok(()),
    }
}

/// VCDM 2.0 §4.9: `validFrom` / `validUntil` are dateTimeStamps and
/// `validFrom` is not later than `validUntil`. The VCDM 1.1 names are
/// refused with the 2.0 replacement.
fn check_validity_period(doc: &Map<String, Value>) -> Checked {
    for (old, new) in [
        ("issuanceDate", "validFrom"),
        ("expirationDate", "validUntil"),
    ] {
        if doc.contains_key(old) {
            return Err(problem(
                old,
                format!("is a VCDM 1.1 property; a VCDM 2.0 credential uses {new} (VCDM 2.0 §4.9)"),
            ));
        }
    }
    let from = date(doc, "validFrom")?;
    let until = date(doc, "validUntil")?;
    check_order(
        from.as_ref(),
        until.as_ref(),
        "validUntil",
        "is earlier than validFrom; the validity period must not end before it starts \
         (VCDM 2.0 §4.9)",
    )
}

/// VCDM 1.1 §4.6, §4.7: `issuanceDate` is required, `expirationDate`
/// optional, both RFC 3339 date-times; expiry is not before issuance.
fn check_v1_dates(doc: &Map<String, Value>) -> Checked {
    let Some(issued) = date(doc, "issuanceDate")? else {
        return Err(problem(
            "issuanceDate",
            "is required in a VCDM 1.1 credential (VCDM 1.1 §4.6), e.g. 2025-01-31T09:00:00Z",
        ));
    };
    let expires = date(doc, "expirationDate")?;
    check_order(
        Some(&issued),
        expires.as_ref(),
        "expirationDate",
        "is earlier than issuanceDate (VCDM 1.1 §4.7)",
    )
}

/// The rule shared by §4.10, §4.11, §5.4–§5.6 entries: each is an object
/// with a `type` (§4.5) and, if present, a URL `id` (§4.4).
fn check_typed_objects(doc: &Map<String, Value>, key: &str, section: &str) -> Checked {
    for (field, entry) in objects(doc, key)? {
        if !entry.contains_key("type") {
            return Err(problem(
                format!("{field}.type"),
                format!("is required: each {key} entry must say its type ({section})"),
            ));
        }
        type_values(entry, &format!("{field}.type"))?;
        check_optional_id(entry, &format!("{field}.id"))?;
    }
    Ok(())
}

/// VCDM 2.0 §4.10: each `credentialStatus` entry has a `type`; its `id`,
/// when present, is a URL.
fn check_status_entries(doc: &Map<String, Value>) -> Checked {
    check_typed_objects(doc, "credentialStatus", "VCDM 2.0 §4.10")
}

/// VCDM 2.0 §4.11: each `credentialSchema` entry has a URL `id` and a `type`.
fn check_schemas(doc: &Map<String, Value>) -> Checked {
    check_typed_objects(doc, "credentialSchema", "VCDM 2.0 §4.11")?;
    for (field, entry) in objects(doc, "credentialSchema")? {
        if !entry.contains_key("id") {
            return Err(problem(
                format!("{field}.id"),
                "is required: the URL of the schema (VCDM 2.0 §4.11)",
            ));
        }
    }
    Ok(())
}

/// VCDM 2.0 §5.2 (and §4.3, §4.5): the credential must expand under its
/// contexts without loss — every property and type defined, no protected
/// term redefined — the JSON-LD safe mode signing uses (VC Data Integrity
/// 1.0 §2.4.3). Runs for both cryptosuites, so `eddsa-jcs-2022`
/// credentials carry the same data model `eddsa-rdfc-2022` verifiers accept.
fn check_json_ld(credential: &Value) -> Checked {
    match crate::jsonld::canonicalize(credential) {
        Ok(_) => Ok(()),
        Err(e) => Err(json_ld_problem(credential, e)),
    }
}

/// Words for a JSON-LD refusal, naming the field where it can be found.
fn json_ld_problem(credential: &Value, e: JsonLdError) -> InputProblem {
    match e {
        JsonLdError::SafeMode { reason, path } => {
            let located = pointer_field(&path).or_else(|| {
                undefined_term(&reason).and_then(|term| locate_term(credential, term, "", 0))
            });
            let hint = if reason.contains("undefined") || reason.contains("relative") {
                "; every property and type must be defined by one of the listed contexts \
                 (check the spelling, or add a context that defines it)"
            } else {
                ""
            };
            problem(
                located.unwrap_or_else(|| "credential".into()),
                format!("{reason}: signing would drop it (JSON-LD safe mode){hint}"),
            )
        }
        JsonLdError::Context(e) => problem("@context", e.to_string()),
        JsonLdError::Invalid(why) | JsonLdError::Unsupported(why) => {
            let field = if why.contains("protected term") || why.contains("context") {
                "@context"
            } else {
                "credential"
            };
            problem(field, format!("is not valid JSON-LD: {why}"))
        }
        JsonLdError::Poisoned(why) => problem("credential", format!("refused: {why}")),
    }
}

/// `/a/0/b` → `a[0].b`; `None` for the root.
fn pointer_field(path: &str) -> Option<String> {
    let mut out = String::new();
    for seg in path.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.is_empty() {
            continue;
        }
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The term named in an "undefined term \"x\"" reason.
fn undefined_term(reason: &str) -> Option<&str> {
    let rest = reason.split_once('"')?.1;
    rest.split_once('"').map(|(t, _)| t)
}

/// The path of the first key equal to `term`, or of a `type` holding it.
fn locate_term(v: &Value, term: &str, path: &str, depth: usize) -> Option<String> {
    if depth > crate::jsonld::expand::MAX_DEPTH {
        return None;
    }
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                if k == "@context" {
                    continue;
                }
                if k == term {
                    return Some(join(k));
                }
                let is_type = k == "type" || k == "@type";
                let holds = |x: &Value| x.as_str() == Some(term);
                if is_type
                    && (holds(child) || child.as_array().is_some_and(|a| a.iter().any(holds)))
                {
                    return Some(join(k));
                }
                if let Some(found) = locate_term(child, term, &join(k), depth + 1) {
                    return Some(found);
                }
            }
            None
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| locate_term(x, term, &format!("{path}[{i}]"), depth + 1)),
        _ => None,
    }
}

#[path = "vcdm_related.rs"]
mod related;
use related::check_related_resources;

#[cfg(test)]
#[path = "vcdm_tests.rs"]
mod tests;
