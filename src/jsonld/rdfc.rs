//! RDF Dataset Canonicalization (RDFC-1.0, W3C REC 2024) and canonical N-Quads.
//!
//! The common case — every blank node has a distinct first-degree hash —
//! is computed here (RDFC-1.0 §4.4 steps 1–5, §4.6); blank nodes that share
//! a hash get the n-degree hashing of §4.7–§4.8 in `ndegree`, as
//! `rdf-canonize` (jsonld.js) computes it. Both are bounded: the blank nodes
//! that share a hash and the n-degree work (the "dataset poisoning" guard of
//! RDFC-1.0 §7 and EDDSA §3.2).

use super::{JsonLdError, Quad, Term};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
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
    // §4.4.3 step 2: blank node to quads map. The input is a dataset, a
    // set: a quad the conversion produced twice (`["_:x", "_:x"]`) counts
    // once, as in jsonld.js, whose node map merges repeated values.
    let mut quads_of: Vec<Vec<usize>> = vec![Vec::new(); blank_count as usize];
    for (i, q) in quads.iter().enumerate() {
        for b in blanks_of(q) {
            let list = &mut quads_of[b as usize];
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    for list in &mut quads_of {
        dedup_by_value(list, quads);
    }
    // §4.6 Hash First Degree Quads, then §4.4.3 steps 3–5.
    let mut by_hash: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut first_degree: Vec<String> = Vec::with_capacity(blank_count as usize);
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
        first_degree.push(hex::encode(h.finalize()));
    }
    for (b, hash) in first_degree.iter().enumerate() {
        by_hash.entry(hash).or_default().push(b as u32);
    }
    let mut canonical = vec![u32::MAX; blank_count as usize];
    let mut next = 0u32;
    let mut shared: Vec<Vec<u32>> = Vec::new();
    for nodes in by_hash.into_values() {
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
            shared.push(nodes);
        }
    }
    if !shared.is_empty() {
        super::ndegree::label_shared(
            quads,
            &quads_of,
            &first_degree,
            &shared,
            &mut canonical,
            next,
        )?;
    }
    Ok(serialize(quads, &canonical))
}

/// Keeps the first of equal quads in `list` (indices into `quads`).
fn dedup_by_value(list: &mut Vec<usize>, quads: &[Quad]) {
    match list.len() {
        0 | 1 => {}
        // Short lists (the usual case): compare pairwise, no allocation.
        2..=16 => {
            let mut kept = 0;
            for k in 0..list.len() {
                let i = list[k];
                if !list[..kept].iter().any(|&j| quads[j] == quads[i]) {
                    list[kept] = i;
                    kept += 1;
                }
            }
            list.truncate(kept);
        }
        _ => {
            let mut seen: std::collections::HashSet<&Quad> = std::collections::HashSet::new();
            list.retain(|&i| seen.insert(&quads[i]));
        }
    }
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
