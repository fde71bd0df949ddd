//! JSON-LD 1.1 to RDF in "safe mode", then RDFC-1.0 canonical N-Quads.
//!
//! Two implementations produce the RDF, and tests hold them byte-identical:
//!
//! - the **fast path** ([`expand`]) converts JSON straight to quads over
//!   contexts that were processed once per process and are reused across
//!   calls ([`context`]). It covers the JSON-LD features the compiled-in
//!   contexts and credentials use; anything else is reported as
//!   unsupported and handled by
//! - the **general path** ([`general`]): `oxjsonld` with the offline loader.
//!
//! Safe mode (VC Data Integrity 1.0 §2.4.3, `DATA_LOSS_DETECTION_ERROR`;
//! jsonld.js `safe: true`): an undefined term, a relative or invalid IRI, a
//! language tag that is not well-formed, or any other value JSON-LD would
//! drop is an error, never silently dropped.
//!
//! Base direction: both paths convert with the `i18n-datatype` rdfDirection
//! (JSON-LD 1.1 API, Object to RDF Conversion step 13, and the
//! `JsonLdOptions.rdfDirection` option), which is what the `eddsa-rdfc-2022`
//! implementations in the field sign with: a value object
//! `{"@value": "…", "@language": "ar", "@direction": "rtl"}` becomes the
//! literal `"…"^^<https://www.w3.org/ns/i18n#ar_rtl>` ([`i18n_datatype`]).
//! Still refused: `@direction` in a context (a default direction or a term's
//! direction mapping, which jsonld.js applies inconsistently), an alias of
//! `@direction`, `@direction` on a non-string value or outside a value
//! object (JSON-LD would drop it), and, on the general path, a document that
//! needs such a rewrite while also carrying a JSON literal (`@json`).

pub mod context;
pub mod expand;
pub mod general;
mod ndegree;
pub mod rdfc;

use serde_json::Value;

/// An RDF term as the canonicalizer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// An absolute IRI.
    Iri(String),
    /// A blank node, numbered from 0 within one dataset.
    Blank(u32),
    /// A literal; `language` is set only for `rdf:langString`.
    Literal {
        /// Lexical form, exactly as written.
        value: String,
        /// Datatype IRI.
        datatype: String,
        /// Language tag of an `rdf:langString`.
        language: Option<String>,
    },
}

/// One RDF quad; `graph` is `None` for the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Quad {
    /// Subject (IRI or blank node).
    pub subject: Term,
    /// Predicate IRI.
    pub predicate: String,
    /// Object.
    pub object: Term,
    /// Graph name.
    pub graph: Option<Term>,
}

/// Why a document could not be turned into canonical RDF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonLdError {
    /// Safe mode refused the document: JSON-LD would have dropped or changed
    /// data (VC-DI §2.4.3 `DATA_LOSS_DETECTION_ERROR`).
    #[error("JSON-LD safe mode: {reason} at {path}")]
    SafeMode {
        /// What would have been lost.
        reason: String,
        /// JSON pointer of the offending member.
        path: String,
    },
    /// A context URL that is not compiled in (never fetched).
    #[error(transparent)]
    Context(#[from] crate::contexts::ContextError),
    /// The document or a context is not valid JSON-LD.
    #[error("invalid JSON-LD: {0}")]
    Invalid(String),
    /// A JSON-LD feature the fast path does not implement; the general path handles it.
    #[error("not handled by the fast path: {0}")]
    Unsupported(String),
    /// Canonicalization would cost too much (RDFC-1.0 §7 dataset poisoning).
    #[error("refused to canonicalize: {0}")]
    Poisoned(String),
}

impl JsonLdError {
    /// A safe-mode refusal at the JSON pointer `path` (`/` for the root).
    pub(crate) fn safe_mode(reason: impl Into<String>, path: &str) -> Self {
        JsonLdError::SafeMode {
            reason: reason.into(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.to_owned()
            },
        }
    }

    /// Stable machine code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            JsonLdError::SafeMode { .. } => "jsonld_data_loss",
            JsonLdError::Context(crate::contexts::ContextError::Unknown(_)) => "context_unknown",
            JsonLdError::Context(_) => "context_corrupt",
            JsonLdError::Invalid(_) => "jsonld_invalid",
            JsonLdError::Unsupported(_) => "jsonld_unsupported",
            JsonLdError::Poisoned(_) => "rdfc_poisoned",
        }
    }
}

/// Which implementation produced a result (for tests and benchmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// [`expand`] over cached contexts.
    Fast,
    /// [`general`] (`oxjsonld`).
    General,
}

/// JSON-LD to RDF in safe mode with base IRI null, then RDFC-1.0 with SHA-256
/// (EDDSA §3.2.3 "Transformation"): the canonical N-Quads of `doc`.
/// Uses the fast path and falls back to the general one only where the fast
/// path reports a feature it does not implement.
pub fn canonicalize(doc: &Value) -> Result<String, JsonLdError> {
    canonicalize_with_path(doc).map(|(nq, _)| nq)
}

/// [`canonicalize`], also telling which path produced the result.
pub fn canonicalize_with_path(doc: &Value) -> Result<(String, Path), JsonLdError> {
    match expand::to_rdf(doc) {
        Ok((quads, blanks)) => Ok((rdfc::canonical_nquads(&quads, blanks)?, Path::Fast)),
        Err(JsonLdError::Unsupported(_)) => {
            let (quads, blanks) = general::to_rdf(doc)?;
            Ok((rdfc::canonical_nquads(&quads, blanks)?, Path::General))
        }
        Err(e) => Err(e),
    }
}

/// [`canonicalize`] of `map` without its top-level member `skip` (a
/// secured document without its `proof`), without copying the document on
/// the fast path.
pub fn canonicalize_without(
    map: &serde_json::Map<String, Value>,
    skip: &'static str,
) -> Result<String, JsonLdError> {
    match expand::to_rdf_object(map, Some(skip)) {
        Ok((quads, blanks)) => rdfc::canonical_nquads(&quads, blanks),
        Err(JsonLdError::Unsupported(_)) => {
            let rest: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(k, _)| k.as_str() != skip)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            canonicalize_general(&Value::Object(rest))
        }
        Err(e) => Err(e),
    }
}

/// The general path alone: `oxjsonld` plus the safe-mode guard, then RDFC-1.0.
pub fn canonicalize_general(doc: &Value) -> Result<String, JsonLdError> {
    let (quads, blanks) = general::to_rdf(doc)?;
    rdfc::canonical_nquads(&quads, blanks)
}

/// The fast path alone (errors with [`JsonLdError::Unsupported`] outside its subset).
pub fn canonicalize_fast(doc: &Value) -> Result<String, JsonLdError> {
    let (quads, blanks) = expand::to_rdf(doc)?;
    rdfc::canonical_nquads(&quads, blanks)
}

/// The datatype IRI of a value object with a base direction under the
/// `i18n-datatype` rdfDirection (JSON-LD 1.1 API, Object to RDF Conversion
/// step 13.2): `https://www.w3.org/ns/i18n#` + the language tag in lower
/// case (empty when absent) + `_` + the direction. `language` is already
/// checked and lower-cased by [`language_tag`]; `direction` is `ltr` or `rtl`.
pub fn i18n_datatype(language: Option<&str>, direction: &str) -> String {
    format!(
        "https://www.w3.org/ns/i18n#{}_{direction}",
        language.unwrap_or("")
    )
}

/// Checks the base direction of the value object at `path` (JSON-LD 1.1,
/// "Base Direction": `ltr` or `rtl`; JSON-LD 1.1 API, Expansion step 13.4.8).
pub(crate) fn base_direction<'a>(value: &'a Value, path: &str) -> Result<&'a str, JsonLdError> {
    match value.as_str() {
        Some(d @ ("ltr" | "rtl")) => Ok(d),
        Some(d) => Err(JsonLdError::Invalid(format!(
            "@direction must be \"ltr\" or \"rtl\", not {d:?}, at {path}"
        ))),
        None => Err(JsonLdError::Invalid(format!(
            "@direction must be a string at {path}"
        ))),
    }
}

/// The `@language` of the value object at `path`, lower-cased as JSON-LD
/// expansion does. It
/// must be well-formed for both implementations: jsonld.js's safe mode
/// refuses a tag outside `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*` ("invalid
/// @language value"), and RDF 1.1 Concepts §3.3 requires a BCP 47 tag (a tag
/// `oxrdf` rejects would otherwise be dropped).
pub fn language_tag<'a>(
    tag: &'a str,
    path: &str,
) -> Result<std::borrow::Cow<'a, str>, JsonLdError> {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !first_ok || !rest_ok || oxrdf::Literal::new_language_tagged_literal("", tag).is_err() {
        return Err(JsonLdError::SafeMode {
            reason: format!("{tag:?} is not a well-formed language tag"),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.to_owned()
            },
        });
    }
    Ok(if tag.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(tag.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(tag)
    })
}

/// Writes a JSON pointer segment (RFC 6901 escaping).
pub(crate) fn pointer_push(path: &str, segment: &str) -> String {
    let mut s = String::with_capacity(path.len() + segment.len() + 1);
    s.push_str(path);
    s.push('/');
    for c in segment.chars() {
        match c {
            '~' => s.push_str("~0"),
            '/' => s.push_str("~1"),
            c => s.push(c),
        }
    }
    s
}
