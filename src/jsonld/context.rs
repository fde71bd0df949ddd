//! JSON-LD 1.1 context processing (JSON-LD 1.1 Processing Algorithms and API
//! §4.1 "Context Processing Algorithm", §4.2 "Create Term Definition", §5.2
//! "IRI Expansion") over the compiled-in contexts, with every processed
//! context cached for the life of the process.
//!
//! Only the features the compiled-in contexts use are implemented; anything
//! else yields [`JsonLdError::Unsupported`] so the caller falls back to the
//! general path. Local contexts are always `&'static` JSON (parsed once from
//! the compiled-in bytes), so a local context is identified by its address
//! and a derived context can be cached as a child of the context it was
//! derived from.

use super::JsonLdError;
use crate::contexts;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

/// A term's container mapping (the subset the fast path implements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Container {
    /// No container.
    #[default]
    None,
    /// `@set` (arrays are sets already; no effect on RDF).
    Set,
    /// `@list`: an RDF collection.
    List,
    /// `@graph` (optionally with `@set`): each value is a named graph.
    Graph,
}

/// A term definition (§4.2).
#[derive(Debug, Clone, PartialEq)]
pub struct TermDef {
    /// IRI mapping, a keyword for aliases such as `id` → `@id`; `None` when
    /// the term is explicitly mapped to null.
    pub iri: Option<String>,
    /// Type mapping: `@id`, `@vocab`, `@json`, `@none` or a datatype IRI.
    pub type_mapping: Option<String>,
    /// Container mapping.
    pub container: Container,
    /// Scoped context (type- or property-scoped, §4.1.2).
    pub scoped: Option<&'static Value>,
    /// Protected flag.
    pub protected: bool,
    /// Prefix flag (usable as the prefix of a compact IRI).
    pub prefix: bool,
}

impl TermDef {
    /// Term definitions equal except for the protected flag (§4.2.2 step 27.2).
    fn same_as(&self, other: &TermDef) -> bool {
        self.iri == other.iri
            && self.type_mapping == other.type_mapping
            && self.container == other.container
            && self.scoped == other.scoped
            && self.prefix == other.prefix
    }
}

/// A processed active context.
#[derive(Debug, Default)]
pub struct ActiveContext {
    /// Term definitions.
    pub terms: HashMap<String, Arc<TermDef>>,
    /// Vocabulary mapping.
    pub vocab: Option<String>,
    /// The context to revert to when entering a new node object (non-propagated
    /// type-scoped contexts, §4.1.2 step 3).
    pub previous: Option<Arc<ActiveContext>>,
    children: RwLock<HashMap<(usize, bool, bool), Arc<ActiveContext>>>,
}

/// Contexts cached so far; past [`MAX_CACHED`] new ones are computed uncached.
static CACHED: AtomicUsize = AtomicUsize::new(0);
/// Upper bound on cached processed contexts (memory bound against inputs that
/// list the compiled-in contexts in ever new orders).
pub const MAX_CACHED: usize = 4096;

static EMPTY: LazyLock<Arc<ActiveContext>> = LazyLock::new(|| Arc::new(ActiveContext::default()));

/// The empty initial context (§4.1 "active context" at the start of expansion).
pub fn empty() -> Arc<ActiveContext> {
    EMPTY.clone()
}

/// `true` for the JSON-LD 1.1 keywords.
pub fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "@base"
            | "@container"
            | "@context"
            | "@default"
            | "@direction"
            | "@embed"
            | "@explicit"
            | "@graph"
            | "@id"
            | "@import"
            | "@included"
            | "@index"
            | "@json"
            | "@language"
            | "@list"
            | "@nest"
            | "@none"
            | "@omitDefault"
            | "@prefix"
            | "@preserve"
            | "@propagate"
            | "@protected"
            | "@requireAll"
            | "@reverse"
            | "@set"
            | "@type"
            | "@value"
            | "@version"
            | "@vocab"
    )
}

/// `@` followed by one or more ASCII letters: reserved for future keywords
/// and ignored (§4.2.2 step 5, §5.2.2 step 2).
pub fn has_keyword_form(s: &str) -> bool {
    s.len() > 1 && s.as_bytes()[0] == b'@' && s.as_bytes()[1..].iter().all(u8::is_ascii_alphabetic)
}

/// An IRI with a scheme (RFC 3987 `scheme ":"`); the JSON-LD notion of absolute IRI.
pub fn is_absolute_iri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s.as_bytes()[..colon];
    !scheme.is_empty()
        && scheme[0].is_ascii_alphabetic()
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

fn ends_with_gen_delim(s: &str) -> bool {
    matches!(
        s.as_bytes().last(),
        Some(b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@')
    )
}

impl ActiveContext {
    /// IRI Expansion (§5.2.2) against this processed context. `vocab`
    /// selects vocabulary-relative expansion; document-relative expansion
    /// uses a null base, so relative references come back unchanged (the
    /// caller decides). `None` means the value maps to null.
    pub fn expand_iri<'a>(
        &'a self,
        value: &'a str,
        vocab: bool,
    ) -> Option<std::borrow::Cow<'a, str>> {
        use std::borrow::Cow;
        if is_keyword(value) {
            return Some(Cow::Borrowed(value));
        }
        if has_keyword_form(value) {
            return None;
        }
        if let Some(def) = self.terms.get(value) {
            if let Some(iri) = &def.iri
                && iri.starts_with('@')
            {
                return Some(Cow::Borrowed(iri));
            }
            if vocab {
                return def.iri.as_deref().map(Cow::Borrowed);
            }
        }
        if let Some(colon) = value[1.min(value.len())..].find(':').map(|i| i + 1) {
            let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
            if prefix == "_" || suffix.starts_with("//") {
                return Some(Cow::Borrowed(value));
            }
            if let Some(def) = self.terms.get(prefix)
                && def.prefix
                && let Some(iri) = &def.iri
            {
                return Some(Cow::Owned(format!("{iri}{suffix}")));
            }
            if is_absolute_iri(value) {
                return Some(Cow::Borrowed(value));
            }
        }
        if vocab && let Some(v) = &self.vocab {
            return Some(Cow::Owned(format!("{v}{value}")));
        }
        Some(Cow::Borrowed(value))
    }

    /// The keyword `key` stands for, directly or through an alias.
    pub fn keyword_of<'a>(&'a self, key: &'a str) -> Option<&'a str> {
        if key.starts_with('@') {
            return is_keyword(key).then_some(key);
        }
        match self.terms.get(key).and_then(|d| d.iri.as_deref()) {
            Some(iri) if iri.starts_with('@') && is_keyword(iri) => Some(iri),
            _ => None,
        }
    }

    fn fork(self: &Arc<Self>) -> ActiveContext {
        ActiveContext {
            terms: self.terms.clone(),
            vocab: self.vocab.clone(),
            previous: self.previous.clone(),
            children: RwLock::default(),
        }
    }
}

/// The Context Processing Algorithm (§4.1.2) applied to `active` with the
/// compiled-in `local` context, memoized per (`active`, `local`, flags).
pub fn apply(
    active: &Arc<ActiveContext>,
    local: &'static Value,
    override_protected: bool,
    propagate: bool,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    let key = (
        local as *const Value as usize,
        override_protected,
        propagate,
    );
    if let Ok(children) = active.children.read()
        && let Some(hit) = children.get(&key)
    {
        return Ok(hit.clone());
    }
    let processed = Arc::new(process(active, local, override_protected, propagate)?);
    if CACHED.load(Ordering::Relaxed) < MAX_CACHED
        && let Ok(mut children) = active.children.write()
    {
        CACHED.fetch_add(1, Ordering::Relaxed);
        return Ok(children.entry(key).or_insert(processed).clone());
    }
    Ok(processed)
}

/// The context of a document whose `@context` is this list of URLs.
pub fn for_urls(urls: &[&str]) -> Result<Arc<ActiveContext>, JsonLdError> {
    let mut ctx = empty();
    for url in urls {
        let doc = contexts::parsed(url)?;
        let local = doc
            .get("@context")
            .ok_or_else(|| JsonLdError::Invalid(format!("context {url} has no @context")))?;
        ctx = apply(&ctx, local, false, true)?;
    }
    Ok(ctx)
}

fn process(
    active: &Arc<ActiveContext>,
    local: &'static Value,
    override_protected: bool,
    mut propagate: bool,
) -> Result<ActiveContext, JsonLdError> {
    // Step 2: @propagate in a local context map.
    if let Value::Object(m) = local
        && let Some(p) = m.get("@propagate")
    {
        propagate = p
            .as_bool()
            .ok_or_else(|| JsonLdError::Invalid("@propagate must be a boolean".into()))?;
    }
    let mut result = active.fork();
    // Step 3.
    if !propagate && result.previous.is_none() {
        result.previous = Some(active.clone());
    }
    let items: Vec<&'static Value> = match local {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    for item in items {
        match item {
            Value::Null => return Err(JsonLdError::Unsupported("null context".into())),
            Value::String(url) => {
                let doc = contexts::parsed(url)?;
                let inner = doc.get("@context").ok_or_else(|| {
                    JsonLdError::Invalid(format!("context {url} has no @context"))
                })?;
                result = process(&Arc::new(result), inner, override_protected, true)?;
            }
            Value::Object(map) => define_all(&mut result, map, override_protected)?,
            _ => {
                return Err(JsonLdError::Invalid(
                    "a context must be a map, URL or array".into(),
                ));
            }
        }
    }
    Ok(result)
}

fn define_all(
    result: &mut ActiveContext,
    map: &'static Map<String, Value>,
    override_protected: bool,
) -> Result<(), JsonLdError> {
    for (k, v) in map {
        match k.as_str() {
            "@version" if v.as_f64() != Some(1.1) => {
                return Err(JsonLdError::Invalid("@version must be 1.1".into()));
            }
            "@vocab" => match v {
                Value::Null => result.vocab = None,
                Value::String(s) if is_absolute_iri(s) => result.vocab = Some(s.clone()),
                _ => {
                    return Err(JsonLdError::Unsupported(
                        "relative or compact @vocab".into(),
                    ));
                }
            },
            "@protected" | "@propagate" => {}
            "@base" | "@import" | "@language" | "@direction" => {
                return Err(JsonLdError::Unsupported(format!("{k} in a context")));
            }
            _ => {}
        }
    }
    let default_protected = map
        .get("@protected")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut defined: HashMap<&'static str, bool> = HashMap::new();
    for key in map.keys() {
        if key.starts_with('@') && is_keyword(key) {
            continue;
        }
        create_term(
            result,
            map,
            key,
            &mut defined,
            default_protected,
            override_protected,
        )?;
    }
    Ok(())
}

/// IRI expansion while a context is being processed: terms of the local
/// context are defined first when referenced (§5.2.2 steps 3 and 6.3).
fn expand_in_local(
    result: &mut ActiveContext,
    local: &'static Map<String, Value>,
    value: &'static str,
    defined: &mut HashMap<&'static str, bool>,
    default_protected: bool,
    override_protected: bool,
) -> Result<Option<String>, JsonLdError> {
    if is_keyword(value) {
        return Ok(Some(value.to_owned()));
    }
    if has_keyword_form(value) {
        return Ok(None);
    }
    if local.contains_key(value) && defined.get(value) != Some(&true) {
        create_term(
            result,
            local,
            value,
            defined,
            default_protected,
            override_protected,
        )?;
    }
    if let Some(colon) = value[1.min(value.len())..].find(':').map(|i| i + 1) {
        let prefix = &value[..colon];
        if local.contains_key(prefix) && defined.get(prefix) != Some(&true) {
            let (k, _) = local
                .get_key_value(prefix)
                .ok_or_else(|| JsonLdError::Invalid("prefix vanished".into()))?;
            create_term(
                result,
                local,
                k,
                defined,
                default_protected,
                override_protected,
            )?;
        }
    }
    Ok(result.expand_iri(value, true).map(|c| c.into_owned()))
}

/// Create Term Definition (§4.2.2).
fn create_term(
    result: &mut ActiveContext,
    local: &'static Map<String, Value>,
    term: &'static str,
    defined: &mut HashMap<&'static str, bool>,
    default_protected: bool,
    override_protected: bool,
) -> Result<(), JsonLdError> {
    match defined.get(term) {
        Some(true) => return Ok(()),
        Some(false) => {
            return Err(JsonLdError::Invalid(format!(
                "cyclic IRI mapping for {term}"
            )));
        }
        None => {}
    }
    defined.insert(term, false);
    let value = &local[term];
    if has_keyword_form(term) {
        defined.insert(term, true);
        return Ok(());
    }
    let previous = result.terms.remove(term);
    let simple = value.is_string();
    let (def_map, id_value): (Option<&'static Map<String, Value>>, Option<&'static Value>) =
        match value {
            Value::Null | Value::String(_) => (None, Some(value)),
            Value::Object(m) => (Some(m), m.get("@id")),
            _ => {
                return Err(JsonLdError::Invalid(format!(
                    "invalid term definition for {term}"
                )));
            }
        };
    let def_get = |k: &str| def_map.and_then(|m| m.get(k));
    for k in def_map.iter().flat_map(|m| m.keys()) {
        if !matches!(
            k.as_str(),
            "@id" | "@type" | "@container" | "@context" | "@protected" | "@prefix"
        ) {
            return Err(JsonLdError::Unsupported(format!(
                "{k} in the definition of {term}"
            )));
        }
    }
    let protected = def_get("@protected")
        .and_then(Value::as_bool)
        .unwrap_or(default_protected);
    let mut def = TermDef {
        iri: None,
        type_mapping: None,
        container: Container::None,
        scoped: None,
        protected,
        prefix: false,
    };
    if let Some(t) = def_get("@type") {
        let t = t
            .as_str()
            .ok_or_else(|| JsonLdError::Invalid(format!("@type of {term} must be a string")))?;
        let expanded = expand_in_local(
            result,
            local,
            t,
            defined,
            default_protected,
            override_protected,
        )?
        .ok_or_else(|| JsonLdError::Invalid(format!("invalid type mapping for {term}")))?;
        if !matches!(expanded.as_str(), "@id" | "@json" | "@none" | "@vocab")
            && !is_absolute_iri(&expanded)
        {
            return Err(JsonLdError::Invalid(format!(
                "invalid type mapping {t} for {term}"
            )));
        }
        def.type_mapping = Some(expanded);
    }
    match id_value {
        Some(Value::Null) => def.iri = None,
        Some(Value::String(id)) if id != term => {
            let expanded = expand_in_local(
                result,
                local,
                id,
                defined,
                default_protected,
                override_protected,
            )?;
            match expanded {
                Some(e) if e.starts_with('@') => {
                    if e == "@context" {
                        return Err(JsonLdError::Invalid("@context cannot be aliased".into()));
                    }
                    def.iri = Some(e);
                }
                Some(e) if is_absolute_iri(&e) || e.starts_with("_:") => {
                    if !term.contains(':')
                        && !term.contains('/')
                        && simple
                        && (ends_with_gen_delim(&e) || e.starts_with("_:"))
                    {
                        def.prefix = true;
                    }
                    def.iri = Some(e);
                }
                _ => {
                    return Err(JsonLdError::Invalid(format!(
                        "invalid IRI mapping for {term}"
                    )));
                }
            }
            if term.contains(':') || term.contains('/') {
                return Err(JsonLdError::Unsupported(format!(
                    "compact-IRI term {term} with @id"
                )));
            }
        }
        Some(Value::String(_)) | None => {
            if let Some(colon) = term[1.min(term.len())..].find(':').map(|i| i + 1) {
                let prefix = &term[..colon];
                if local.contains_key(prefix) {
                    let (k, _) = local
                        .get_key_value(prefix)
                        .ok_or_else(|| JsonLdError::Invalid("prefix vanished".into()))?;
                    create_term(
                        result,
                        local,
                        k,
                        defined,
                        default_protected,
                        override_protected,
                    )?;
                }
                def.iri = Some(match result.terms.get(prefix).and_then(|d| d.iri.clone()) {
                    Some(p) => format!("{p}{}", &term[colon + 1..]),
                    None => term.to_owned(),
                });
            } else if term.contains('/') {
                return Err(JsonLdError::Unsupported(format!(
                    "relative IRI term {term}"
                )));
            } else if term == "@type" {
                def.iri = Some("@type".into());
            } else if let Some(v) = &result.vocab {
                def.iri = Some(format!("{v}{term}"));
            } else {
                return Err(JsonLdError::Invalid(format!(
                    "no IRI mapping for term {term}"
                )));
            }
        }
        Some(_) => {
            return Err(JsonLdError::Invalid(format!(
                "@id of {term} must be a string"
            )));
        }
    }
    if let Some(c) = def_get("@container") {
        let items: Vec<&str> = match c {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => {
                return Err(JsonLdError::Invalid(format!(
                    "invalid @container for {term}"
                )));
            }
        };
        def.container = match items.as_slice() {
            ["@set"] => Container::Set,
            ["@list"] => Container::List,
            ["@graph"] | ["@graph", "@set"] | ["@set", "@graph"] => Container::Graph,
            _ => return Err(JsonLdError::Unsupported(format!("container {c} on {term}"))),
        };
    }
    if let Some(p) = def_get("@prefix") {
        def.prefix = p
            .as_bool()
            .ok_or_else(|| JsonLdError::Invalid(format!("@prefix of {term} must be a boolean")))?;
    }
    if let Some(scoped) = def_get("@context") {
        def.scoped = Some(scoped);
    }
    // Step 27: protected terms may only be redefined identically.
    if let Some(prev) = previous
        && prev.protected
        && !override_protected
    {
        if !prev.same_as(&def) {
            return Err(JsonLdError::Invalid(format!(
                "protected term redefinition: {term}"
            )));
        }
        result.terms.insert(term.to_owned(), prev);
        defined.insert(term, true);
        return Ok(());
    }
    result.terms.insert(term.to_owned(), Arc::new(def));
    defined.insert(term, true);
    Ok(())
}
