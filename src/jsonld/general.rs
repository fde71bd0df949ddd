//! The general path: `oxjsonld` (a complete JSON-LD 1.1 toRdf) with the
//! offline loader and a safe-mode guard.
//!
//! `oxjsonld` drops undefined terms and relative IRIs silently. The guard
//! makes such losses visible instead of re-implementing expansion: the
//! document is processed with one extra leading context
//! `{"@vocab": "<sentinel>"}` (leading, so a context that sets its own
//! `@vocab` still wins) and a sentinel base IRI. A term that no
//! context defines then expands under the sentinel vocabulary, and a
//! relative reference resolves under the sentinel base; any sentinel IRI in
//! the output is a safe-mode error. When none appears, the sentinels changed
//! nothing, so the quads are those of the unmodified document.
//!
//! One known difference from jsonld.js remains on this path: a non-integral
//! JSON number whose shortest round-trip form has 17 significant digits
//! (e.g. `0.1 + 0.2`) is written by `oxjsonld` with 17 digits, by jsonld.js
//! with `toExponential(15)`. The fast path follows jsonld.js.

use super::{JsonLdError, Quad, Term, pointer_push};
use crate::contexts;
use serde_json::Value;
use std::collections::HashMap;

const SENTINEL_VOCAB: &str = "urn:x-rosette-undefined-term:";
const SENTINEL_BASE: &str = "https://relative-reference.rosette.invalid/";

/// Finds members JSON-LD cannot represent without loss: `@direction`
/// (no `rdfDirection` mode is used) and `null` `@value`s.
fn scan(v: &Value, path: &str, depth: usize) -> Result<(), JsonLdError> {
    if depth > super::expand::MAX_DEPTH {
        return Err(JsonLdError::Invalid(format!(
            "JSON nested deeper than {} at {path}",
            super::expand::MAX_DEPTH
        )));
    }
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = pointer_push(path, k);
                if k == "@direction" {
                    return Err(JsonLdError::SafeMode {
                        reason: "@direction has no RDF form (rdfDirection not set)".into(),
                        path: p,
                    });
                }
                if k == "@value" && v.is_null() {
                    return Err(JsonLdError::SafeMode {
                        reason: "null @value".into(),
                        path: p,
                    });
                }
                if let Value::String(s) = v
                    && s.contains(['\u{FFFE}', '\u{FFFF}'])
                {
                    return Err(JsonLdError::SafeMode {
                        reason: "U+FFFE/U+FFFF have no agreed canonical N-Quads form".into(),
                        path: p,
                    });
                }
                scan(v, &p, depth + 1)?;
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                scan(v, &pointer_push(path, &i.to_string()), depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// JSON-LD toRdf of `doc` with `oxjsonld`, in safe mode; returns the quads
/// and the number of blank nodes.
pub fn to_rdf(doc: &Value) -> Result<(Vec<Quad>, u32), JsonLdError> {
    scan(doc, "", 0)?;
    let Value::Object(map) = doc else {
        return Err(JsonLdError::Invalid(
            "the document must be a JSON object".into(),
        ));
    };
    // Unknown context URLs are refused before parsing, with their own error.
    let listed: Vec<&Value> = match map.get("@context") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    for c in listed {
        if let Value::String(url) = c {
            contexts::load(url)?;
        }
    }
    let mut guarded = map.clone();
    let sentinel = serde_json::json!({ "@vocab": SENTINEL_VOCAB });
    let ctx = match guarded.remove("@context") {
        None => Value::Array(vec![sentinel]),
        Some(Value::Array(a)) => Value::Array(std::iter::once(sentinel).chain(a).collect()),
        Some(other) => Value::Array(vec![sentinel, other]),
    };
    guarded.insert("@context".into(), ctx);
    let bytes = serde_json::to_vec(&Value::Object(guarded))
        .map_err(|e| JsonLdError::Invalid(e.to_string()))?;
    let parser = oxjsonld::JsonLdParser::new()
        .with_base_iri(SENTINEL_BASE)
        .map_err(|e| JsonLdError::Invalid(e.to_string()))?;
    let mut labels: HashMap<String, u32> = HashMap::new();
    let mut quads = Vec::new();
    let reader = parser
        .for_slice(&bytes)
        .with_load_document_callback(|url, _| {
            let c = contexts::load(url)?;
            Ok(oxjsonld::JsonLdRemoteDocument {
                document: c.bytes.to_vec(),
                document_url: c.url.to_owned(),
            })
        });
    let check = |iri: &str| -> Result<(), JsonLdError> {
        if let Some(term) = iri.strip_prefix(SENTINEL_VOCAB) {
            return Err(JsonLdError::SafeMode {
                reason: format!("undefined term {term:?}"),
                path: "/".into(),
            });
        }
        if let Some(rel) = iri.strip_prefix(SENTINEL_BASE) {
            return Err(JsonLdError::SafeMode {
                reason: format!("relative IRI reference {rel:?}"),
                path: "/".into(),
            });
        }
        Ok(())
    };
    for quad in reader {
        let quad = quad.map_err(|e| JsonLdError::Invalid(e.to_string()))?;
        let mut term = |t: oxrdf::TermRef<'_>| -> Result<Term, JsonLdError> {
            Ok(match t {
                oxrdf::TermRef::NamedNode(n) => {
                    check(n.as_str())?;
                    Term::Iri(n.as_str().to_owned())
                }
                oxrdf::TermRef::BlankNode(b) => {
                    let n = labels.len() as u32;
                    Term::Blank(*labels.entry(b.as_str().to_owned()).or_insert(n))
                }
                oxrdf::TermRef::Literal(l) => {
                    check(l.datatype().as_str())?;
                    Term::Literal {
                        value: l.value().to_owned(),
                        datatype: l.datatype().as_str().to_owned(),
                        language: l.language().map(str::to_owned),
                    }
                }
                #[allow(unreachable_patterns)]
                _ => return Err(JsonLdError::Unsupported("RDF 1.2 triple term".into())),
            })
        };
        check(quad.predicate.as_str())?;
        let subject = term(quad.subject.as_ref().into())?;
        let object = term(quad.object.as_ref())?;
        let graph = match quad.graph_name.as_ref() {
            oxrdf::GraphNameRef::DefaultGraph => None,
            oxrdf::GraphNameRef::NamedNode(n) => Some(term(n.into())?),
            oxrdf::GraphNameRef::BlankNode(b) => Some(term(b.into())?),
        };
        quads.push(Quad {
            subject,
            predicate: quad.predicate.as_str().to_owned(),
            object,
            graph,
        });
    }
    let blanks = labels.len() as u32;
    Ok((quads, blanks))
}
