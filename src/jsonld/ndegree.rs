//! RDFC-1.0 for blank nodes that share a first-degree hash: Hash Related
//! Blank Node (§4.7), Hash N-Degree Quads (§4.8) and step 5 of the
//! Canonicalization Algorithm (§4.4.3).
//!
//! The hash to related blank nodes map (§4.8.3 step 3.1.2) keeps one entry
//! per quad that relates the two nodes, so a node related through six quads
//! appears six times in the list and six times in the path. This is what
//! `rdf-canonize` (jsonld.js, and so every Digital Bazaar signer and
//! verifier) computes; an implementation that keeps a set instead gives a
//! different labelling whenever a node is related through several quads,
//! as the proof node of every embedded proof graph is (one quad per proof
//! member, all in the graph the node names). Permutations of such a list
//! are enumerated once per distinct order: equal orders give equal paths
//! and equal issuers, so the chosen path is unchanged.

use super::{JsonLdError, Quad, Term};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Most permutations examined for one dataset before it is refused as
/// poisoned (RDFC-1.0 §7).
pub const MAX_PERMUTATIONS: usize = 100_000;

/// An identifier issuer (RDFC-1.0 §4.5): blank node → issued number, in order.
#[derive(Clone, Default)]
struct Issuer {
    ids: HashMap<u32, u32>,
    order: Vec<u32>,
}

impl Issuer {
    /// Issue Identifier (§4.5.2): the number issued to `node`, issuing one if needed.
    fn issue(&mut self, node: u32) -> u32 {
        if let Some(id) = self.ids.get(&node) {
            return *id;
        }
        let id = self.order.len() as u32;
        self.ids.insert(node, id);
        self.order.push(node);
        id
    }
}

fn sha256_hex(data: &str) -> String {
    hex::encode(Sha256::digest(data.as_bytes()))
}

/// Everything the n-degree steps read.
struct State<'a> {
    quads: &'a [Quad],
    /// Per blank node, the indices of its distinct quads.
    quads_of: &'a [Vec<usize>],
    first_degree: &'a [String],
    /// Canonical numbers issued so far (`u32::MAX`: none yet).
    canonical: &'a mut [u32],
    next_canonical: u32,
    /// Hash N-Degree Quads calls left: as many as there are blank nodes
    /// sharing a first-degree hash, the bound `rdf-canonize` applies by
    /// default (`maxWorkFactor` 1), so what it refuses is refused here too.
    deep_left: usize,
    permutations: usize,
}

impl State<'_> {
    fn spend_permutation(&mut self) -> Result<(), JsonLdError> {
        self.permutations += 1;
        if self.permutations > MAX_PERMUTATIONS {
            return Err(JsonLdError::Poisoned(format!(
                "blank node labelling needs more than {MAX_PERMUTATIONS} permutations"
            )));
        }
        Ok(())
    }

    fn canonical_of(&self, node: u32) -> Option<u32> {
        Some(self.canonical[node as usize]).filter(|c| *c != u32::MAX)
    }

    /// Hash Related Blank Node (§4.7).
    fn hash_related(&self, related: u32, quad: &Quad, issuer: &Issuer, position: char) -> String {
        let mut input = String::with_capacity(128);
        input.push(position);
        if position != 'g' {
            input.push('<');
            input.push_str(&quad.predicate);
            input.push('>');
        }
        if let Some(c) = self.canonical_of(related) {
            let _ = write!(input, "_:c14n{c}");
        } else if let Some(b) = issuer.ids.get(&related) {
            let _ = write!(input, "_:b{b}");
        } else {
            input.push_str(&self.first_degree[related as usize]);
        }
        sha256_hex(&input)
    }

    /// Hash N-Degree Quads (§4.8): the issuer after labelling the nodes
    /// reachable from `node`, and the hash.
    fn hash_n_degree(
        &mut self,
        node: u32,
        issuer: &Issuer,
    ) -> Result<(Issuer, String), JsonLdError> {
        if self.deep_left == 0 {
            return Err(JsonLdError::Poisoned(
                "blank node labelling needs more n-degree hashing than blank nodes to label".into(),
            ));
        }
        self.deep_left -= 1;
        let mut issuer = issuer.clone();
        // Steps 1–3: related hash → related blank nodes, one entry per quad.
        let mut related: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for &qi in &self.quads_of[node as usize] {
            let q = &self.quads[qi];
            let components = [
                (Some(&q.subject), 's'),
                (Some(&q.object), 'o'),
                (q.graph.as_ref(), 'g'),
            ];
            for (term, position) in components {
                if let Some(Term::Blank(b)) = term
                    && *b != node
                {
                    let h = self.hash_related(*b, q, &issuer, position);
                    related.entry(h).or_default().push(*b);
                }
            }
        }
        // Steps 4–5.
        let mut data = String::new();
        for (hash, mut list) in related {
            data.push_str(&hash);
            let mut chosen_path = String::new();
            let mut chosen_issuer: Option<Issuer> = None;
            list.sort_unstable();
            loop {
                self.spend_permutation()?;
                if let Some((path, copy)) = self.try_permutation(&list, &issuer, &chosen_path)?
                    && (chosen_path.is_empty() || path < chosen_path)
                {
                    chosen_path = path;
                    chosen_issuer = Some(copy);
                }
                if !next_permutation(&mut list) {
                    break;
                }
            }
            data.push_str(&chosen_path);
            if let Some(chosen) = chosen_issuer {
                issuer = chosen;
            }
        }
        Ok((issuer, sha256_hex(&data)))
    }

    /// §4.8.3 step 5.4 for one permutation; `None` once its path can no
    /// longer beat `chosen` (step 5.4.4.3 / 5.4.5.5).
    fn try_permutation(
        &mut self,
        permutation: &[u32],
        issuer: &Issuer,
        chosen: &str,
    ) -> Result<Option<(String, Issuer)>, JsonLdError> {
        let worse = |path: &str| !chosen.is_empty() && path.len() >= chosen.len() && path > chosen;
        let mut copy = issuer.clone();
        let mut path = String::new();
        let mut recursion = Vec::new();
        for &r in permutation {
            if let Some(c) = self.canonical_of(r) {
                let _ = write!(path, "_:c14n{c}");
            } else {
                if !copy.ids.contains_key(&r) {
                    recursion.push(r);
                }
                let _ = write!(path, "_:b{}", copy.issue(r));
            }
            if worse(&path) {
                return Ok(None);
            }
        }
        for r in recursion {
            let (result_issuer, result_hash) = self.hash_n_degree(r, &copy)?;
            let _ = write!(path, "_:b{}<{result_hash}>", copy.issue(r));
            copy = result_issuer;
            if worse(&path) {
                return Ok(None);
            }
        }
        Ok(Some((path, copy)))
    }
}

/// The next lexicographic permutation of `items` in place; `false` after the
/// last one. Each distinct order of a list with repeats comes once.
fn next_permutation(items: &mut [u32]) -> bool {
    let Some(i) = items.windows(2).rposition(|w| w[0] < w[1]) else {
        return false;
    };
    let Some(j) = items.iter().rposition(|x| *x > items[i]) else {
        return false;
    };
    items.swap(i, j);
    items[i + 1..].reverse();
    true
}

/// Canonicalization Algorithm step 5 (§4.4.3): issues canonical numbers to
/// the blank nodes of `groups` (each a list of nodes sharing one first-degree
/// hash, in hash order). `canonical` holds the numbers issued so far
/// (`u32::MAX`: none) and `next` the next one.
pub(super) fn label_shared(
    quads: &[Quad],
    quads_of: &[Vec<usize>],
    first_degree: &[String],
    groups: &[Vec<u32>],
    canonical: &mut [u32],
    next: u32,
) -> Result<(), JsonLdError> {
    let mut state = State {
        quads,
        quads_of,
        first_degree,
        canonical,
        next_canonical: next,
        deep_left: groups.iter().map(Vec::len).sum(),
        permutations: 0,
    };
    for group in groups {
        let mut results: Vec<(String, Issuer)> = Vec::with_capacity(group.len());
        for &node in group {
            if state.canonical_of(node).is_some() {
                continue;
            }
            let mut temporary = Issuer::default();
            temporary.issue(node);
            let (issuer, hash) = state.hash_n_degree(node, &temporary)?;
            results.push((hash, issuer));
        }
        results.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, issuer) in results {
            for node in issuer.order {
                if state.canonical_of(node).is_none() {
                    state.canonical[node as usize] = state.next_canonical;
                    state.next_canonical += 1;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::next_permutation;

    #[test]
    fn permutations_of_a_list_with_repeats_come_once_each() {
        let mut items = vec![1, 1, 2];
        let mut seen = vec![items.clone()];
        while next_permutation(&mut items) {
            seen.push(items.clone());
        }
        assert_eq!(seen, vec![vec![1, 1, 2], vec![1, 2, 1], vec![2, 1, 1]]);
        let mut same = vec![7; 6];
        assert!(!next_permutation(&mut same));
        let mut distinct = vec![0, 1, 2, 3];
        let mut count = 1;
        while next_permutation(&mut distinct) {
            count += 1;
        }
        assert_eq!(count, 24);
    }
}
