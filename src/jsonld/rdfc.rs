//! RDF Dataset Canonicalization (RDFC-1.0, W3C REC 2024) and canonical N-Quads.
//!
//! The common case — every blank node has a distinct first-degree hash —
//! is computed here directly (RDFC-1.0 §4.4 steps 1–5, §4.6). Datasets that
//! need the n-degree hashing of §4.8 are handed to `oxrdf`'s complete
//! implementation, with a bound on the blank nodes that share a hash (the
//! "dataset poisoning" guard of RDFC-1.0 §7 and EDDSA §3.2).

use super::{JsonLdError, Quad, Term};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// `http://www.w3.org/2001/XMLSchema#string`, the datatype that plain literals omit.
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
/// `rdf:langString`.
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// Most blank nodes allowed to share one first-degree hash before the input
/// is refused as a poisoned dataset (the n-degree step is exponential in it).
pub const MAX_SHARED_HASH_BLANK_NODES: usize = 16;
/// Most blank nodes in one dataset.
pub const MAX_BLANK_NODES: usize = 4096;

/// Writes a literal's lexical form with the escapes of RDF 1.2 N-Quads
/// canonical form (RDFC-1.0 §4.1 "canonical n-quads"): ECHAR for BS, TAB,
/// LF, FF, CR, `"` and `\`, UCHAR (upper-case hex) for the other C0
/// controls and DEL.
fn write_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0'..='\u{1F}' | '\u{7F}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
}

/// How blank nodes are written while serializing.
#[derive(Clone, Copy)]
enum BlankLabels<'a> {
    /// `_:c14nN` from the canonical issuer.
    Canonical(&'a [u32]),
    /// First-degree hashing: `_:a` for the reference node, `_:z` for others.
    Reference(u32),
}

fn write_term(out: &mut String, term: &Term, labels: BlankLabels<'_>) {
    match term {
        Term::Iri(iri) => {
            out.push('<');
            out.push_str(iri);
            out.push('>');
        }
        Term::Blank(b) => match labels {
            BlankLabels::Canonical(map) => {
                let _ = write!(out, "_:c14n{}", map[*b as usize]);
            }
            BlankLabels::Reference(r) => out.push_str(if *b == r { "_:a" } else { "_:z" }),
        },
        Term::Literal {
            value,
            datatype,
            language,
        } => {
            out.push('"');
            write_escaped(out, value);
            out.push('"');
            if let Some(lang) = language {
                out.push('@');
                out.push_str(lang);
            } else if datatype != XSD_STRING {
                out.push_str("^^<");
                out.push_str(datatype);
                out.push('>');
            }
        }
    }
}

fn write_quad(out: &mut String, q: &Quad, labels: BlankLabels<'_>) {
    write_term(out, &q.subject, labels);
    out.push_str(" <");
    out.push_str(&q.predicate);
    out.push_str("> ");
    write_term(out, &q.object, labels);
    if let Some(g) = &q.graph {
        out.push(' ');
        write_term(out, g, labels);
    }
    out.push_str(" .\n");
}

fn blanks_of(q: &Quad) -> impl Iterator<Item = u32> + '_ {
    [Some(&q.subject), Some(&q.object), q.graph.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|t| match t {
            Term::Blank(b) => Some(*b),
            _ => None,
        })
}

/// Canonicalizes `quads` (blank nodes numbered `0..blank_count`) with
/// RDFC-1.0 and SHA-256 and returns the canonical N-Quads document: one
/// line per distinct quad, sorted by code point, each ending in LF.
pub fn canonical_nquads(quads: &[Quad], blank_count: u32) -> Result<String, JsonLdError> {
    if blank_count as usize > MAX_BLANK_NODES {
        return Err(JsonLdError::Poisoned(format!(
            "{blank_count} blank nodes (at most {MAX_BLANK_NODES})"
        )));
    }
    // §4.4.3 step 2: blank node to quads map.
    let mut quads_of: Vec<Vec<usize>> = vec![Vec::new(); blank_count as usize];
    for (i, q) in quads.iter().enumerate() {
        for b in blanks_of(q) {
            let list = &mut quads_of[b as usize];
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    // §4.6 Hash First Degree Quads, then §4.4.3 steps 3–5.
    let mut by_hash: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut line = String::new();
    for b in 0..blank_count {
        let mut lines: Vec<String> = Vec::with_capacity(quads_of[b as usize].len());
        for &qi in &quads_of[b as usize] {
            line.clear();
            write_quad(&mut line, &quads[qi], BlankLabels::Reference(b));
            lines.push(line.clone());
        }
        lines.sort_unstable();
        let mut h = Sha256::new();
        for l in &lines {
            h.update(l.as_bytes());
        }
        by_hash
            .entry(hex::encode(h.finalize()))
            .or_default()
            .push(b);
    }
    let mut canonical = vec![u32::MAX; blank_count as usize];
    let mut next = 0u32;
    let mut shared = false;
    for nodes in by_hash.values() {
        if let [only] = nodes.as_slice() {
            canonical[*only as usize] = next;
            next += 1;
        } else {
            if nodes.len() > MAX_SHARED_HASH_BLANK_NODES {
                return Err(JsonLdError::Poisoned(format!(
                    "{} blank nodes share one first-degree hash (at most {MAX_SHARED_HASH_BLANK_NODES})",
                    nodes.len()
                )));
            }
            shared = true;
        }
    }
    if shared {
        return full_rdfc(quads, blank_count);
    }
    Ok(serialize(quads, &canonical))
}

fn serialize(quads: &[Quad], canonical: &[u32]) -> String {
    let mut lines: Vec<String> = quads
        .iter()
        .map(|q| {
            let mut s = String::with_capacity(128);
            write_quad(&mut s, q, BlankLabels::Canonical(canonical));
            s
        })
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines.concat()
}

/// The complete RDFC-1.0 (with n-degree hashing) from `oxrdf`.
fn full_rdfc(quads: &[Quad], blank_count: u32) -> Result<String, JsonLdError> {
    use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
    use oxrdf::{BlankNode, Dataset, GraphName, Literal, NamedNode, NamedOrBlankNode};
    let blanks: Vec<BlankNode> = (0..blank_count)
        .map(|i| BlankNode::new_unchecked(format!("b{i}")))
        .collect();
    let named = |iri: &str| NamedNode::new_unchecked(iri.to_owned());
    let to_term = |t: &Term| -> oxrdf::Term {
        match t {
            Term::Iri(i) => named(i).into(),
            Term::Blank(b) => blanks[*b as usize].clone().into(),
            Term::Literal {
                value,
                datatype,
                language: Some(lang),
            } => {
                let _ = datatype;
                Literal::new_language_tagged_literal_unchecked(value.clone(), lang.clone()).into()
            }
            Term::Literal {
                value,
                datatype,
                language: None,
            } => Literal::new_typed_literal(value.clone(), named(datatype)).into(),
        }
    };
    let mut ds = Dataset::new();
    for q in quads {
        let subject: NamedOrBlankNode = match &q.subject {
            Term::Iri(i) => named(i).into(),
            Term::Blank(b) => blanks[*b as usize].clone().into(),
            Term::Literal { .. } => {
                return Err(JsonLdError::Invalid("a literal in subject position".into()));
            }
        };
        let graph = match &q.graph {
            None => GraphName::DefaultGraph,
            Some(Term::Iri(i)) => named(i).into(),
            Some(Term::Blank(b)) => blanks[*b as usize].clone().into(),
            Some(Term::Literal { .. }) => {
                return Err(JsonLdError::Invalid("a literal as graph name".into()));
            }
        };
        ds.insert(&oxrdf::Quad::new(
            subject,
            named(&q.predicate),
            to_term(&q.object),
            graph,
        ));
    }
    ds.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    // Map back to our terms so both paths share one serializer.
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut back = |b: &str| -> u32 {
        let n = ids.len() as u32;
        *ids.entry(b.to_owned()).or_insert(n)
    };
    let mut out_quads = Vec::with_capacity(ds.len());
    let mut labels: Vec<u32> = Vec::new();
    let conv = |t: oxrdf::TermRef<'_>, back: &mut dyn FnMut(&str) -> u32| -> Term {
        match t {
            oxrdf::TermRef::NamedNode(n) => Term::Iri(n.as_str().to_owned()),
            oxrdf::TermRef::BlankNode(b) => Term::Blank(back(b.as_str())),
            oxrdf::TermRef::Literal(l) => Term::Literal {
                value: l.value().to_owned(),
                datatype: l.datatype().as_str().to_owned(),
                language: l.language().map(str::to_owned),
            },
            #[allow(unreachable_patterns)]
            _ => Term::Iri(String::new()),
        }
    };
    for q in ds.iter() {
        let subject = conv(q.subject.into(), &mut back);
        let object = conv(q.object, &mut back);
        let graph = match q.graph_name {
            oxrdf::GraphNameRef::DefaultGraph => None,
            oxrdf::GraphNameRef::NamedNode(n) => Some(Term::Iri(n.as_str().to_owned())),
            oxrdf::GraphNameRef::BlankNode(b) => Some(Term::Blank(back(b.as_str()))),
        };
        out_quads.push(Quad {
            subject,
            predicate: q.predicate.as_str().to_owned(),
            object,
            graph,
        });
    }
    // oxrdf labels canonical nodes "c14nN": keep N.
    let mut by_index: Vec<(u32, String)> = ids.into_iter().map(|(k, v)| (v, k)).collect();
    by_index.sort_unstable();
    for (_, label) in by_index {
        let n = label
            .strip_prefix("c14n")
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or_else(|| JsonLdError::Invalid(format!("unexpected canonical label {label}")))?;
        labels.push(n);
    }
    Ok(serialize(&out_quads, &labels))
}
