//! The general path: `oxjsonld` (a complete JSON-LD 1.1 toRdf) with the
//! offline loader and a safe-mode guard.
//!
//! `oxjsonld` drops undefined terms, relative IRIs, invalid IRIs and
//! malformed language tags silently. The guard makes such losses visible
//! instead of re-implementing expansion:
//!
//! - The document is processed with one extra leading context
//!   `{"@vocab": "<sentinel>"}` (leading, so a context that sets its own
//!   `@vocab` still wins) and a sentinel base IRI. A term that no context
//!   defines then expands under the sentinel vocabulary, and a relative
//!   reference resolves under the sentinel base; any sentinel IRI in the
//!   output is a safe-mode error. When none appears, the sentinels changed
//!   nothing, so the quads are those of the unmodified document.
//! - Every context (inline or compiled-in) is prepared so that nothing
//!   removes the sentinel: a `null` context entry is followed by the sentinel
//!   context again, `"@vocab": null` becomes the sentinel vocabulary, and a
//!   term mapped to `null` is mapped to a sentinel IRI instead (`guard_context`).
//! - The document is converted twice, strictly and leniently (lenient
//!   `oxjsonld` keeps the IRIs and language tags that strict conversion
//!   drops); different quads mean strict conversion dropped something.
//!
//! Two jsonld.js behaviours are reproduced by rewriting the JSON first:
//! a base direction in a value object becomes its `i18n-datatype` literal
//! type (`oxjsonld` has no such rdfDirection mode), and a context entry that
//! is an object with its own `@context` member is unwrapped
//! (`unwrap_local_context`).
//!
//! One known difference from jsonld.js remains on this path: a non-integral
//! JSON number whose shortest round-trip form has 17 significant digits
//! (e.g. `0.1 + 0.2`) is written by `oxjsonld` with 17 digits, by jsonld.js
//! with `toExponential(15)`. The fast path follows jsonld.js.

use super::{JsonLdError, Quad, Term, pointer_push};
use crate::contexts;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

const SENTINEL_VOCAB: &str = "urn:x-rosette-undefined-term:";
const SENTINEL_BASE: &str = "https://relative-reference.rosette.invalid/";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";

fn safe(reason: impl Into<String>, path: &str) -> JsonLdError {
    JsonLdError::safe_mode(reason, path)
}

fn sentinel_context() -> Value {
    let mut m = Map::with_capacity(1);
    m.insert("@vocab".into(), Value::String(SENTINEL_VOCAB.into()));
    Value::Object(m)
}

/// jsonld.js's truthiness (`if(ctx['@context'])`).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// A local context as jsonld.js reads it (`context.js` `api.process` and
/// `ContextResolver.resolve`), in the JSON-LD 1.1 form `oxjsonld` processes:
/// a map whose `@context` member is an array, or is any other truthy
/// value, stands for that member; then each entry of the (array of)
/// contexts that is a map with an `@context` member stands for that member,
/// which must then be a map. The JSON-LD 1.1 algorithms would instead
/// refuse such a map (`@context` is not a context keyword); jsonld.js's
/// reading is the one credentials in the field are signed with. Returns the
/// entries.
fn unwrap_local_context(ctx: Value, path: &str) -> Result<(Vec<Value>, bool), JsonLdError> {
    let mut changed = false;
    let ctx = match ctx {
        Value::Object(mut m)
            if m.get("@context")
                .is_some_and(|inner| inner.is_array() || truthy(inner)) =>
        {
            changed = true;
            m.remove("@context").unwrap_or(Value::Null)
        }
        other => other,
    };
    let entries = match ctx {
        Value::Array(a) => a,
        one => vec![one],
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        match entry {
            Value::Object(mut m) if m.contains_key("@context") => {
                changed = true;
                match m.remove("@context") {
                    Some(Value::Object(inner)) => out.push(Value::Object(inner)),
                    _ => {
                        return Err(JsonLdError::Invalid(format!(
                            "the @context member of a context entry must be a map at {path}"
                        )));
                    }
                }
            }
            Value::Null | Value::String(_) | Value::Object(_) => out.push(entry),
            _ => {
                return Err(JsonLdError::Invalid(format!(
                    "a context must be a map, a URL, null or an array of them at {path}"
                )));
            }
        }
    }
    Ok((out, changed))
}

/// Prepares a local context (at `path`) for `oxjsonld` in place: unwraps it
/// the jsonld.js way, keeps the sentinel vocabulary in force after every
/// `null` entry, and guards each context map (`guard_context`). Returns
/// whether it changed anything; an unchanged context is left byte for byte
/// as it was.
fn guard_local_context(ctx: &mut Value, path: &str, depth: usize) -> Result<bool, JsonLdError> {
    if depth > super::expand::MAX_DEPTH {
        return Err(JsonLdError::Invalid(format!(
            "JSON nested deeper than {} at {path}",
            super::expand::MAX_DEPTH
        )));
    }
    let original = ctx.clone();
    let (entries, mut changed) = unwrap_local_context(ctx.take(), path)?;
    let mut out = Vec::with_capacity(entries.len() + 1);
    for (i, entry) in entries.into_iter().enumerate() {
        match entry {
            Value::Null => {
                out.push(Value::Null);
                out.push(sentinel_context());
                changed = true;
            }
            Value::Object(mut m) => {
                changed |= guard_context(&mut m, &pointer_push(path, &i.to_string()), depth + 1)?;
                out.push(Value::Object(m));
            }
            other => out.push(other),
        }
    }
    *ctx = if changed { Value::Array(out) } else { original };
    Ok(changed)
}

/// Guards one context map (JSON-LD 1.1 API §4.1 "Context Processing") so
/// that `oxjsonld` cannot drop data without a sentinel showing it:
/// `"@vocab": null` becomes the sentinel vocabulary, a term mapped to `null`
/// (directly or by `"@id": null`) is mapped to a sentinel IRI, and scoped
/// contexts are guarded in turn. `@direction` in a context (a default base
/// direction other than `null`, a term's direction mapping, or an alias) is
/// refused: only value objects may carry a base direction.
fn guard_context(
    m: &mut Map<String, Value>,
    path: &str,
    depth: usize,
) -> Result<bool, JsonLdError> {
    if m.get("@direction").is_some_and(|d| !d.is_null()) {
        return Err(safe(
            "@direction in a context is not supported; give the direction in each value object",
            &pointer_push(path, "@direction"),
        ));
    }
    let mut changed = false;
    if let Some(v) = m.get_mut("@vocab")
        && v.is_null()
    {
        *v = Value::String(SENTINEL_VOCAB.into());
        changed = true;
    }
    for (term, def) in m.iter_mut() {
        if term.starts_with('@') {
            continue;
        }
        let p = pointer_push(path, term);
        match def {
            Value::Null => {
                *def = Value::String(format!("{SENTINEL_VOCAB}{term}"));
                changed = true;
            }
            Value::String(s) if s == "@direction" => {
                return Err(safe("an alias of @direction is not supported", &p));
            }
            Value::Object(d) => {
                match d.get("@id") {
                    Some(Value::String(s)) if s == "@direction" => {
                        return Err(safe("an alias of @direction is not supported", &p));
                    }
                    Some(Value::Null) => {
                        d.insert(
                            "@id".into(),
                            Value::String(format!("{SENTINEL_VOCAB}{term}")),
                        );
                        changed = true;
                    }
                    _ => {}
                }
                if d.get("@direction").is_some_and(|x| !x.is_null()) {
                    return Err(safe(
                        "a term's @direction mapping is not supported; give the direction in each value object",
                        &p,
                    ));
                }
                if let Some(scoped) = d.get_mut("@context") {
                    changed |=
                        guard_local_context(scoped, &pointer_push(&p, "@context"), depth + 1)?;
                }
            }
            _ => {}
        }
    }
    Ok(changed)
}

/// Rewrites a value object with a base direction to its `i18n-datatype`
/// form `{"@value": …, "@type": "https://www.w3.org/ns/i18n#…"}`, which
/// `oxjsonld` converts to the literal jsonld.js produces (JSON-LD 1.1 API,
/// Object to RDF Conversion step 13). The checks are those of the fast path.
fn rewrite_direction(m: &mut Map<String, Value>, path: &str) -> Result<(), JsonLdError> {
    let direction =
        super::base_direction(m.get("@direction").unwrap_or(&Value::Null), path)?.to_owned();
    if m.contains_key("@type") {
        return Err(JsonLdError::Invalid(format!(
            "a value object with @type cannot have @language or @direction at {path}"
        )));
    }
    match m.get("@value") {
        Some(Value::String(_)) => {}
        Some(Value::Null) | None => return Err(safe("null @value", path)),
        Some(_) => {
            return Err(safe(
                "@direction on a value that is not a string would be dropped",
                path,
            ));
        }
    }
    if let Some(k) = m
        .keys()
        .find(|k| !matches!(k.as_str(), "@value" | "@language" | "@direction" | "@index"))
    {
        return Err(safe(
            format!("{k} beside @direction is not supported"),
            path,
        ));
    }
    let language = match m.remove("@language") {
        None | Some(Value::Null) => None,
        Some(Value::String(l)) => Some(super::language_tag(&l, path)?.into_owned()),
        Some(_) => {
            return Err(JsonLdError::Invalid(format!(
                "@language must be a string at {path}"
            )));
        }
    };
    m.remove("@direction");
    m.insert(
        "@type".into(),
        Value::String(super::i18n_datatype(language.as_deref(), &direction)),
    );
    Ok(())
}

/// Walks the document (outside contexts) before conversion: guards every
/// embedded `@context`, rewrites base directions, checks language tags and
/// refuses what JSON-LD would drop (`null` `@value`, `@direction` outside a
/// value object) or cannot write canonically (U+FFFE/U+FFFF). Returns
/// whether the document was changed.
fn prepare(v: &mut Value, path: &str, depth: usize) -> Result<bool, JsonLdError> {
    if depth > super::expand::MAX_DEPTH {
        return Err(JsonLdError::Invalid(format!(
            "JSON nested deeper than {} at {path}",
            super::expand::MAX_DEPTH
        )));
    }
    let mut changed = false;
    match v {
        Value::Object(m) => {
            if let Some(ctx) = m.get_mut("@context") {
                changed |= guard_local_context(ctx, &pointer_push(path, "@context"), depth + 1)?;
            }
            // A null @language expands as if it were absent (jsonld.js);
            // oxjsonld refuses it.
            if m.contains_key("@value") && m.get("@language").is_some_and(Value::is_null) {
                m.remove("@language");
                changed = true;
            }
            if m.contains_key("@direction") {
                if !m.contains_key("@value") {
                    return Err(safe(
                        "@direction outside a value object would be dropped",
                        &pointer_push(path, "@direction"),
                    ));
                }
                rewrite_direction(m, path)?;
                changed = true;
            }
            for (k, v) in m.iter_mut() {
                let p = pointer_push(path, k);
                match (k.as_str(), &*v) {
                    ("@context", _) => continue,
                    ("@value", Value::Null) => return Err(safe("null @value", &p)),
                    ("@language", Value::String(l)) => {
                        super::language_tag(l, path)?;
                    }
                    (_, Value::String(s)) if s.contains(['\u{FFFE}', '\u{FFFF}']) => {
                        return Err(safe(
                            "U+FFFE/U+FFFF have no agreed canonical N-Quads form",
                            &p,
                        ));
                    }
                    _ => {}
                }
                changed |= prepare(v, &p, depth + 1)?;
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter_mut().enumerate() {
                changed |= prepare(v, &pointer_push(path, &i.to_string()), depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(changed)
}

/// A compiled-in context document as `oxjsonld` gets it: guarded like an
/// inline context ([`guard_local_context`]; e.g. the VC 2.0 context's
/// `verifiableCredential` resets the context with `null`). Computed once per URL.
fn guarded_remote(url: &str) -> Result<(Arc<Vec<u8>>, &'static str), JsonLdError> {
    /// Guarded context documents by URL (at most one per compiled-in context).
    type Guarded = RwLock<HashMap<&'static str, Arc<Vec<u8>>>>;
    static GUARDED: LazyLock<Guarded> = LazyLock::new(RwLock::default);
    let ctx = contexts::load(url)?;
    if let Ok(map) = GUARDED.read()
        && let Some(bytes) = map.get(ctx.url)
    {
        return Ok((bytes.clone(), ctx.url));
    }
    let mut doc = contexts::parsed(url)?.clone();
    let changed = match doc.get_mut("@context") {
        Some(local) => guard_local_context(local, "", 0)?,
        None => false,
    };
    let bytes = Arc::new(if changed {
        serde_json::to_vec(&doc).map_err(|e| JsonLdError::Invalid(e.to_string()))?
    } else {
        ctx.bytes.to_vec()
    });
    if let Ok(mut map) = GUARDED.write() {
        map.insert(ctx.url, bytes.clone());
    }
    Ok((bytes, ctx.url))
}

/// JSON-LD toRdf of `doc` with `oxjsonld`, in safe mode; returns the quads
/// and the number of blank nodes.
pub fn to_rdf(doc: &Value) -> Result<(Vec<Quad>, u32), JsonLdError> {
    if !doc.is_object() {
        return Err(JsonLdError::Invalid(
            "the document must be a JSON object".into(),
        ));
    }
    let mut guarded = doc.clone();
    let rewritten = prepare(&mut guarded, "", 0)?;
    let Value::Object(map) = &mut guarded else {
        return Err(JsonLdError::Invalid(
            "the document must be a JSON object".into(),
        ));
    };
    let listed: Vec<Value> = match map.remove("@context") {
        None => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(other) => vec![other],
    };
    // Unknown context URLs are refused before parsing, with their own error.
    for c in &listed {
        if let Value::String(url) = c {
            contexts::load(url)?;
        }
    }
    let ctx = std::iter::once(sentinel_context()).chain(listed).collect();
    map.insert("@context".into(), Value::Array(ctx));
    let bytes = serde_json::to_vec(&guarded).map_err(|e| JsonLdError::Invalid(e.to_string()))?;
    let (quads, blanks) = convert(&bytes, false)?;
    // Lenient conversion keeps what strict conversion drops (invalid IRIs,
    // malformed language tags); any difference is data loss.
    match convert(&bytes, true) {
        Ok((lenient, _)) if lenient == quads => {}
        _ => {
            return Err(safe(
                "a value has no valid RDF form (an invalid IRI or language tag) and would be dropped",
                "/",
            ));
        }
    }
    if rewritten
        && quads
            .iter()
            .any(|q| matches!(&q.object, Term::Literal { datatype, .. } if datatype == RDF_JSON))
    {
        return Err(safe(
            "a base direction or a wrapped @context cannot be combined with a JSON literal (@json) in one document",
            "/",
        ));
    }
    Ok((quads, blanks))
}

/// One `oxjsonld` toRdf run over the prepared document bytes, strict or
/// lenient; sentinel IRIs are refused (in the strict run, which comes first).
fn convert(bytes: &[u8], lenient: bool) -> Result<(Vec<Quad>, u32), JsonLdError> {
    let mut parser = oxjsonld::JsonLdParser::new()
        .with_base_iri(SENTINEL_BASE)
        .map_err(|e| JsonLdError::Invalid(e.to_string()))?;
    if lenient {
        parser = parser.lenient();
    }
    let mut labels: HashMap<String, u32> = HashMap::new();
    let mut quads = Vec::new();
    let reader = parser
        .for_slice(bytes)
        .with_load_document_callback(|url, _| {
            let (document, url) = guarded_remote(url)?;
            Ok(oxjsonld::JsonLdRemoteDocument {
                document: document.to_vec(),
                document_url: url.to_owned(),
            })
        });
    let check = |iri: &str| -> Result<(), JsonLdError> {
        if lenient {
            return Ok(());
        }
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
                        // Strict conversion lower-cases tags; lenient keeps them as written.
                        language: l.language().map(str::to_ascii_lowercase),
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
