//! The fast path: JSON-LD 1.1 Expansion (JSON-LD 1.1 API §5.1) and
//! Deserialize JSON-LD to RDF (§8.1, §8.4 "Object to RDF Conversion"), fused
//! into one walk over the JSON, over the cached contexts of [`super::context`].
//!
//! Safe mode is enforced here natively: every place where the algorithms
//! would drop data (an undefined term, a relative `@id` or `@type`, a
//! `@direction` outside a value object, a `null` `@value`, a malformed
//! language tag) is an error with a JSON pointer.

use super::context::{self, ActiveContext, Container, TermDef};
use super::{JsonLdError, Quad, Term, pointer_push};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// Deepest JSON nesting the walk accepts.
pub const MAX_DEPTH: usize = 64;

/// Document-level contexts, keyed by their URL list.
static DOC_CONTEXTS: LazyLock<RwLock<HashMap<Vec<String>, Arc<ActiveContext>>>> =
    LazyLock::new(RwLock::default);

fn document_context(urls: Vec<&str>) -> Result<Arc<ActiveContext>, JsonLdError> {
    if let Ok(map) = DOC_CONTEXTS.read()
        && let Some(hit) = map
            .iter()
            .find(|(k, _)| k.iter().map(String::as_str).eq(urls.iter().copied()))
    {
        return Ok(hit.1.clone());
    }
    let ctx = context::for_urls(&urls)?;
    if let Ok(mut map) = DOC_CONTEXTS.write()
        && map.len() < 256
    {
        map.insert(urls.iter().map(|s| (*s).to_owned()).collect(), ctx.clone());
    }
    Ok(ctx)
}

struct Walk {
    /// A top-level member to leave out (the `proof` of a secured document).
    skip_top: Option<&'static str>,
    quads: Vec<Quad>,
    blanks: u32,
    labels: HashMap<String, u32>,
}

fn safe(reason: impl Into<String>, path: &str) -> JsonLdError {
    JsonLdError::safe_mode(reason, path)
}

fn unsupported(what: impl Into<String>) -> JsonLdError {
    JsonLdError::Unsupported(what.into())
}

/// Checks an IRI the document supplied (RFC 3987 syntax, via `oxiri`).
fn checked_iri(iri: Cow<'_, str>, what: &str, path: &str) -> Result<String, JsonLdError> {
    if !context::is_absolute_iri(&iri) {
        return Err(safe(format!("relative {what} reference {iri:?}"), path));
    }
    match oxrdf::NamedNode::new(iri.as_ref()) {
        Ok(_) => Ok(iri.into_owned()),
        Err(e) => Err(safe(format!("invalid {what} IRI {iri:?}: {e}"), path)),
    }
}

impl Walk {
    fn fresh(&mut self) -> Term {
        let b = self.blanks;
        self.blanks += 1;
        Term::Blank(b)
    }

    fn labelled(&mut self, label: &str) -> Term {
        if let Some(b) = self.labels.get(label) {
            return Term::Blank(*b);
        }
        let b = self.blanks;
        self.blanks += 1;
        self.labels.insert(label.to_owned(), b);
        Term::Blank(b)
    }

    fn emit(&mut self, subject: &Term, predicate: &str, object: Term, graph: &Option<Term>) {
        self.quads.push(Quad {
            subject: subject.clone(),
            predicate: predicate.to_owned(),
            object,
            graph: graph.clone(),
        });
    }

    /// A node identifier from `@id` (document-relative, base null).
    fn node_id(
        &mut self,
        ctx: &ActiveContext,
        id: &Value,
        path: &str,
    ) -> Result<Term, JsonLdError> {
        let Value::String(id) = id else {
            return Err(JsonLdError::Invalid(format!(
                "@id must be a string at {path}"
            )));
        };
        let expanded = ctx
            .expand_iri(id, false)
            .ok_or_else(|| safe("null @id", path))?;
        if let Some(label) = expanded.strip_prefix("_:") {
            return Ok(self.labelled(label));
        }
        Ok(Term::Iri(checked_iri(expanded, "@id", path)?))
    }

    /// One value of a property: node, value or list object, or a scalar
    /// (Expansion §5.1.2 with `active property` = `term`).
    #[allow(clippy::too_many_arguments)]
    fn item(
        &mut self,
        ctx: &Arc<ActiveContext>,
        term: &str,
        def: Option<&TermDef>,
        value: &Value,
        graph: &Option<Term>,
        path: &str,
        depth: usize,
    ) -> Result<Option<Term>, JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(JsonLdError::Invalid(format!(
                "JSON nested deeper than {MAX_DEPTH} at {path}"
            )));
        }
        match value {
            Value::Null => Ok(None),
            Value::Array(_) => Err(unsupported("nested array")),
            Value::Object(map) => {
                // Value and list objects keep the active context (step 7).
                let mut is_value = false;
                let mut is_list = false;
                for k in map.keys() {
                    match ctx.keyword_of(k) {
                        Some("@value") => is_value = true,
                        Some("@list") => is_list = true,
                        Some("@set") => return Err(unsupported("@set object")),
                        _ => {}
                    }
                }
                let scoped_ctx = match def.and_then(|d| d.scoped) {
                    Some(s) if is_value || is_list => context::apply(ctx, s, true, true)?,
                    _ => ctx.clone(),
                };
                if is_value {
                    return self.value_object(&scoped_ctx, map, path).map(Some);
                }
                if is_list {
                    let items = map
                        .iter()
                        .find(|(k, _)| scoped_ctx.keyword_of(k) == Some("@list"))
                        .map(|(_, v)| v)
                        .unwrap_or(&Value::Null);
                    if map.len() != 1 {
                        return Err(unsupported("list object with other members"));
                    }
                    let sdef = scoped_ctx.terms.get(term).cloned();
                    return self
                        .list(
                            &scoped_ctx,
                            term,
                            sdef.as_deref(),
                            items,
                            graph,
                            path,
                            depth,
                        )
                        .map(Some);
                }
                self.node(ctx, def.and_then(|d| d.scoped), map, graph, path, depth)
                    .map(Some)
            }
            scalar => {
                let (sctx, sdef): (Cow<'_, Arc<ActiveContext>>, Option<Arc<TermDef>>) =
                    match def.and_then(|d| d.scoped) {
                        Some(s) => {
                            let c = context::apply(ctx, s, true, true)?;
                            let d = c.terms.get(term).cloned();
                            (Cow::Owned(c), d)
                        }
                        None => (Cow::Borrowed(ctx), None),
                    };
                let def = match &sdef {
                    Some(d) => Some(d.as_ref()),
                    None if matches!(sctx, Cow::Owned(_)) => None,
                    None => def,
                };
                self.scalar(&sctx, def, scalar, path).map(Some)
            }
        }
    }

    /// Value Expansion (§5.3.2) of a scalar, then Object to RDF (§8.4).
    fn scalar(
        &mut self,
        ctx: &ActiveContext,
        def: Option<&TermDef>,
        value: &Value,
        path: &str,
    ) -> Result<Term, JsonLdError> {
        let type_mapping = def.and_then(|d| d.type_mapping.as_deref());
        if let Value::String(s) = value {
            match type_mapping {
                Some("@id") => {
                    let e = ctx
                        .expand_iri(s, false)
                        .ok_or_else(|| safe("null IRI", path))?;
                    if let Some(label) = e.strip_prefix("_:") {
                        return Ok(self.labelled(label));
                    }
                    return Ok(Term::Iri(checked_iri(e, "object", path)?));
                }
                Some("@vocab") => {
                    let e = ctx
                        .expand_iri(s, true)
                        .ok_or_else(|| safe("null IRI", path))?;
                    if let Some(label) = e.strip_prefix("_:") {
                        return Ok(self.labelled(label));
                    }
                    return Ok(Term::Iri(checked_iri(e, "object", path)?));
                }
                _ => {}
            }
        }
        match type_mapping {
            Some("@json") => Err(unsupported("@json literal")),
            Some("@id") | Some("@vocab") | Some("@none") | None => literal(value, None, None, path),
            Some(datatype) => literal(value, Some(datatype), None, path),
        }
    }

    /// A value object (Expansion §5.1.2 step 15, Value Expansion) to an RDF
    /// literal (Object to RDF Conversion), with a base direction converted
    /// under the `i18n-datatype` rdfDirection ([`super::i18n_datatype`]).
    fn value_object(
        &mut self,
        ctx: &ActiveContext,
        map: &Map<String, Value>,
        path: &str,
    ) -> Result<Term, JsonLdError> {
        let mut value = None;
        let mut datatype = None;
        let mut language = None;
        let mut direction = None;
        for (k, v) in map {
            match ctx.keyword_of(k) {
                Some("@value") => value = Some(v),
                Some("@type") => {
                    let t = v.as_str().ok_or_else(|| {
                        JsonLdError::Invalid(format!("@type of a value must be a string at {path}"))
                    })?;
                    if t == "@json" || ctx.expand_iri(t, true).as_deref() == Some("@json") {
                        return Err(unsupported("@json value"));
                    }
                    let e = ctx
                        .expand_iri(t, true)
                        .ok_or_else(|| safe("null @type", path))?;
                    datatype = Some(checked_iri(e, "@type", &pointer_push(path, k))?);
                }
                // A null @language expands as if it were absent (as jsonld.js has it).
                Some("@language") if v.is_null() => {}
                Some("@language") => {
                    let l = v.as_str().ok_or_else(|| {
                        JsonLdError::Invalid(format!("@language must be a string at {path}"))
                    })?;
                    language = Some(super::language_tag(l, path)?.into_owned());
                }
                Some("@direction") => {
                    direction = Some(super::base_direction(v, path)?);
                }
                Some("@context") => return Err(unsupported("@context in a value object")),
                Some("@index") => return Err(unsupported("@index")),
                _ => {
                    return Err(JsonLdError::Invalid(format!(
                        "invalid value object member {k:?} at {path}"
                    )));
                }
            }
        }
        let value = value.unwrap_or(&Value::Null);
        if value.is_null() {
            return Err(safe("null @value", path));
        }
        if (language.is_some() || direction.is_some()) && datatype.is_some() {
            return Err(JsonLdError::Invalid(format!(
                "a value object with @type cannot have @language or @direction at {path}"
            )));
        }
        if language.is_some() && !value.is_string() {
            return Err(JsonLdError::Invalid(format!(
                "invalid language-tagged value at {path}"
            )));
        }
        if value.is_object() || value.is_array() {
            return Err(JsonLdError::Invalid(format!("invalid @value at {path}")));
        }
        if let Some(direction) = direction {
            if !value.is_string() {
                return Err(safe(
                    "@direction on a value that is not a string would be dropped",
                    path,
                ));
            }
            let datatype = super::i18n_datatype(language.as_deref(), direction);
            return literal(value, Some(&datatype), None, path);
        }
        literal(value, datatype.as_deref(), language, path)
    }

    #[allow(clippy::too_many_arguments)]
    fn list(
        &mut self,
        ctx: &Arc<ActiveContext>,
        term: &str,
        def: Option<&TermDef>,
        items: &Value,
        graph: &Option<Term>,
        path: &str,
        depth: usize,
    ) -> Result<Term, JsonLdError> {
        let items: &[Value] = match items {
            Value::Array(a) => a,
            Value::Null => &[],
            one => std::slice::from_ref(one),
        };
        let mut terms = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if item.is_array() {
                return Err(unsupported("list of lists"));
            }
            let p = pointer_push(path, &i.to_string());
            if let Some(t) = self.item(ctx, term, def, item, graph, &p, depth + 1)? {
                terms.push(t);
            }
        }
        if terms.is_empty() {
            return Ok(Term::Iri(RDF_NIL.into()));
        }
        let nodes: Vec<Term> = (0..terms.len()).map(|_| self.fresh()).collect();
        for (i, t) in terms.into_iter().enumerate() {
            self.emit(&nodes[i], RDF_FIRST, t, graph);
            let rest = nodes
                .get(i + 1)
                .cloned()
                .unwrap_or_else(|| Term::Iri(RDF_NIL.into()));
            self.emit(&nodes[i], RDF_REST, rest, graph);
        }
        Ok(nodes[0].clone())
    }

    /// A node object (Expansion §5.1.2 steps 7–13; Node Map Generation and
    /// Deserialize to RDF for its triples).
    fn node(
        &mut self,
        parent: &Arc<ActiveContext>,
        property_scoped: Option<&'static Value>,
        map: &Map<String, Value>,
        graph: &Option<Term>,
        path: &str,
        depth: usize,
    ) -> Result<Term, JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(JsonLdError::Invalid(format!(
                "JSON nested deeper than {MAX_DEPTH} at {path}"
            )));
        }
        // Step 7: a non-propagated context does not reach new node objects.
        let mut ctx = parent.clone();
        if let Some(prev) = &ctx.previous {
            let only_id = map.len() == 1 && map.keys().all(|k| ctx.keyword_of(k) == Some("@id"));
            if !only_id {
                ctx = prev.clone();
            }
        }
        // Step 8: property-scoped context.
        if let Some(s) = property_scoped {
            ctx = context::apply(&ctx, s, true, true)?;
        }
        // Step 9: embedded contexts are left to the general path (the
        // document's own `@context` was processed by the caller).
        if depth > 0 && map.contains_key("@context") {
            return Err(unsupported("embedded @context"));
        }
        // Steps 10–11: type-scoped contexts, in lexicographical order of the types.
        let type_scoped = ctx.clone();
        let mut types: Vec<(&str, String)> = Vec::new();
        let mut id_value = None;
        for (k, v) in map {
            if depth == 0 && self.skip_top == Some(k.as_str()) {
                continue;
            }
            match type_scoped.keyword_of(k) {
                Some("@type") => {
                    let p = pointer_push(path, k);
                    match v {
                        Value::String(s) => types.push((s, p)),
                        Value::Array(a) => {
                            for (i, t) in a.iter().enumerate() {
                                let s = t.as_str().ok_or_else(|| {
                                    JsonLdError::Invalid(format!(
                                        "@type values must be strings at {p}"
                                    ))
                                })?;
                                types.push((s, pointer_push(&p, &i.to_string())));
                            }
                        }
                        _ => {
                            return Err(JsonLdError::Invalid(format!(
                                "@type must be a string or array at {p}"
                            )));
                        }
                    }
                }
                Some("@id") => id_value = Some((v, pointer_push(path, k))),
                _ => {}
            }
        }
        let mut sorted: Vec<&str> = types.iter().map(|(t, _)| *t).collect();
        sorted.sort_unstable();
        for t in sorted {
            if let Some(s) = type_scoped.terms.get(t).and_then(|d| d.scoped) {
                ctx = context::apply(&ctx, s, false, false)?;
            }
        }
        let subject = match id_value {
            Some((v, p)) => self.node_id(&ctx, v, &p)?,
            None => self.fresh(),
        };
        for (t, p) in &types {
            let e = type_scoped
                .expand_iri(t, true)
                .ok_or_else(|| safe("null @type", p))?;
            if e.starts_with("_:") {
                return Err(unsupported("blank node type"));
            }
            let iri = checked_iri(e, "@type", p)?;
            self.emit(&subject, RDF_TYPE, Term::Iri(iri), graph);
        }
        // Step 13: the other members.
        for (key, value) in map {
            if depth == 0 && self.skip_top == Some(key.as_str()) {
                continue;
            }
            let p = pointer_push(path, key);
            let expanded = ctx.expand_iri(key, true);
            let Some(expanded) = expanded else {
                return Err(safe(format!("term {key:?} is mapped to null"), &p));
            };
            if expanded.starts_with('@') {
                match expanded.as_ref() {
                    "@id" | "@type" | "@context" => continue,
                    "@direction" => {
                        return Err(safe(
                            "@direction outside a value object would be dropped",
                            &p,
                        ));
                    }
                    "@value" | "@language" => {
                        return Err(JsonLdError::Invalid(format!(
                            "{expanded} in a node object at {p}"
                        )));
                    }
                    other => return Err(unsupported(format!("{other} in a node object"))),
                }
            }
            if !expanded.contains(':') {
                return Err(safe(format!("undefined term {key:?}"), &p));
            }
            if expanded.starts_with("_:") {
                return Err(safe(format!("blank node predicate {key:?}"), &p));
            }
            let def = ctx.terms.get(key.as_str()).cloned();
            let predicate = match &def {
                // Term IRIs come from the compiled-in contexts.
                Some(_) => expanded.into_owned(),
                None => checked_iri(expanded, "property", &p)?,
            };
            let container = def.as_ref().map(|d| d.container).unwrap_or_default();
            match container {
                Container::List => {
                    let head = self.list(&ctx, key, def.as_deref(), value, graph, &p, depth + 1)?;
                    self.emit(&subject, &predicate, head, graph);
                }
                Container::Graph => {
                    let values: &[Value] = match value {
                        Value::Array(a) => a,
                        v => std::slice::from_ref(v),
                    };
                    for (i, v) in values.iter().enumerate() {
                        let vp = if value.is_array() {
                            pointer_push(&p, &i.to_string())
                        } else {
                            p.clone()
                        };
                        let Value::Object(inner) = v else {
                            if v.is_null() {
                                continue;
                            }
                            return Err(unsupported("non-object value in a @graph container"));
                        };
                        if inner.keys().any(|k| {
                            matches!(
                                ctx.keyword_of(k),
                                Some("@value" | "@list" | "@graph" | "@set")
                            )
                        }) {
                            return Err(unsupported("special object in a @graph container"));
                        }
                        let graph_name = self.fresh();
                        self.node(
                            &ctx,
                            def.as_ref().and_then(|d| d.scoped),
                            inner,
                            &Some(graph_name.clone()),
                            &vp,
                            depth + 1,
                        )?;
                        self.emit(&subject, &predicate, graph_name, graph);
                    }
                }
                Container::None | Container::Set => {
                    let values: &[Value] = match value {
                        Value::Array(a) => a,
                        v => std::slice::from_ref(v),
                    };
                    for (i, v) in values.iter().enumerate() {
                        let vp = if value.is_array() {
                            pointer_push(&p, &i.to_string())
                        } else {
                            p.clone()
                        };
                        if let Some(object) =
                            self.item(&ctx, key, def.as_deref(), v, graph, &vp, depth + 1)?
                        {
                            self.emit(&subject, &predicate, object, graph);
                        }
                    }
                }
            }
        }
        Ok(subject)
    }
}

/// Object to RDF Conversion (§8.4) of a native or typed value.
fn literal(
    value: &Value,
    datatype: Option<&str>,
    language: Option<String>,
    path: &str,
) -> Result<Term, JsonLdError> {
    let (lexical, default_type) = match value {
        Value::Bool(b) => (if *b { "true" } else { "false" }.to_owned(), XSD_BOOLEAN),
        Value::Number(n) => number_lexical(n, datatype == Some(XSD_DOUBLE)),
        Value::String(s) => (s.clone(), XSD_STRING),
        _ => return Err(JsonLdError::Invalid(format!("invalid value at {path}"))),
    };
    if lexical.contains(['\u{FFFE}', '\u{FFFF}']) {
        return Err(safe(
            "U+FFFE/U+FFFF have no agreed canonical N-Quads form",
            path,
        ));
    }
    Ok(match language {
        Some(lang) => Term::Literal {
            value: lexical,
            datatype: RDF_LANG_STRING.into(),
            language: Some(lang),
        },
        None => Term::Literal {
            value: lexical,
            datatype: datatype.unwrap_or(default_type).to_owned(),
            language: None,
        },
    })
}

/// JSON-LD's number forms (§8.4 steps 8–10) as jsonld.js writes them, since
/// that is what the verifiers in the field compute: a number is written in
/// canonical `xsd:double` form (`1.5E0`) when its ECMAScript `String()` form
/// contains a `.` or it is at least 10^21 (jsonld.js `types.isDouble`), or
/// when the datatype is `xsd:double`; otherwise with `toFixed(0)`. So `1e-7`
/// (written `"1e-7"` by ECMAScript) becomes `"0"`, as jsonld.js has it,
/// where the specification's wording would give `"1.0E-7"`.
fn number_lexical(n: &Number, force_double: bool) -> (String, &'static str) {
    let f = n.as_f64().unwrap_or(f64::NAN);
    let is_double = force_double || f.abs() >= 1e21 || ecmascript_string_has_point(f);
    if !is_double {
        // ECMAScript `toFixed(0)`: round half away from zero; "-0" for small negatives.
        let rounded = f.round();
        let text = if rounded == 0.0 {
            if f < 0.0 && f != 0.0 {
                "-0".to_owned()
            } else {
                "0".to_owned()
            }
        } else {
            format!("{rounded:.0}")
        };
        return (text, XSD_INTEGER);
    }
    (canonical_double(f), XSD_DOUBLE)
}

/// Whether ECMAScript's `Number.prototype.toString` of `f` contains a `.`:
/// it uses plain decimal notation for 1e-6 <= |f| < 1e21 (a `.` exactly when
/// `f` is not integral) and exponent notation otherwise (a `.` exactly when
/// the shortest round-trip mantissa has more than one digit).
fn ecmascript_string_has_point(f: f64) -> bool {
    if f == 0.0 || !f.is_finite() {
        return false;
    }
    let a = f.abs();
    if (1e-6..1e21).contains(&a) {
        return f.fract() != 0.0;
    }
    format!("{a:e}").contains('.')
}

/// `value.toExponential(15)` with trailing zeros of the mantissa removed
/// (keeping one fractional digit) and `E` for the exponent, as jsonld.js does.
pub fn canonical_double(f: f64) -> String {
    let s = format!("{f:.15e}");
    let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
    let mantissa = match mantissa.split_once('.') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            format!("{int}.{}", if frac.is_empty() { "0" } else { frac })
        }
        None => format!("{mantissa}.0"),
    };
    format!("{mantissa}E{exponent}")
}

/// Converts `doc` to RDF quads over the compiled-in contexts; returns the
/// quads and the number of blank nodes. Features outside the fast path's
/// subset yield [`JsonLdError::Unsupported`].
pub fn to_rdf(doc: &Value) -> Result<(Vec<Quad>, u32), JsonLdError> {
    let Value::Object(map) = doc else {
        return Err(unsupported("top-level value that is not a single object"));
    };
    to_rdf_object(map, None)
}

/// [`to_rdf`] of a JSON object, leaving out the top-level member `skip`
/// (so a secured document's `proof` need not be copied away first).
pub fn to_rdf_object(
    map: &Map<String, Value>,
    skip: Option<&'static str>,
) -> Result<(Vec<Quad>, u32), JsonLdError> {
    let urls: Vec<&str> = match map.get("@context") {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s],
        Some(Value::Array(a)) => {
            let mut v = Vec::with_capacity(a.len());
            for c in a {
                match c {
                    Value::String(s) => v.push(s.as_str()),
                    _ => return Err(unsupported("inline context")),
                }
            }
            v
        }
        Some(_) => return Err(unsupported("inline context")),
    };
    let ctx = document_context(urls)?;
    let mut walk = Walk {
        skip_top: skip,
        quads: Vec::with_capacity(64),
        blanks: 0,
        labels: HashMap::new(),
    };
    if map
        .keys()
        .any(|k| matches!(ctx.keyword_of(k), Some("@graph" | "@included" | "@reverse")))
    {
        return Err(unsupported("top-level @graph"));
    }
    walk.node(&ctx, None, map, &None, "", 0)?;
    Ok((walk.quads, walk.blanks))
}
