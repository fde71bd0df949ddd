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
//! jsonld.js `safe: true`): an undefined term, a relative IRI, a value JSON-LD
//! would drop, or `@direction` is an error, never silently dropped.

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
