//! Text as outlines: the filled-in badge is laid out with the bundled fonts
//! (usvg) and written back with every `<text>` drawn as `<path>`s, so the
//! SVG looks the same in every viewer, with or without those fonts.
//!
//! usvg's writer keeps no `<title>`, ARIA attribute or `viewBox`; they are
//! put back on the root: the template's `<title>`, and a `<desc>` with every
//! printed word (certification, holder, dates or status, banner), so screen
//! readers and tests can still read what the outlines say (SVG 2 §5.9;
//! WAI-ARIA `role="img"`). Baking (OB 3.0 §5.3.2) comes after this.

use resvg::usvg::{self, WriteOptions};
use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use super::error::RenderError;
use super::png::parse_svg;
use super::qr;
use super::text_fit::escape_into;

/// The `id` of the outlined badge's `<desc>`: the printed words.
pub const DESC_ID: &str = "badge-desc";

/// The `id` given to the outlined badge's `<title>`.
pub const TITLE_ID: &str = "badge-title";

/// `svg` with its text converted to outlines (see the module
/// documentation); deterministic.
///
/// # Errors
/// [`RenderError::Svg`] when `svg` does not parse.
pub fn outline(svg: &str) -> Result<String, RenderError> {
    let tree = parse_svg(svg)?;
    let written = tree.to_string(&WriteOptions {
        coordinates_precision: 3,
        transforms_precision: 5,
        indent: usvg::Indent::None,
        ..WriteOptions::default()
    });
    let Some(end) = written.find('>') else {
        return Err(RenderError::Svg(
            "the outlined SVG has no root element".to_owned(),
        ));
    };
    let (start_tag, rest) = written.split_at(end);
    let start_tag = start_tag.strip_suffix('/').unwrap_or(start_tag);
    let rest = rest.strip_prefix("/>").map_or(rest, |_| "></svg>");
    let rest = rest.strip_prefix('>').unwrap_or(rest);

    let mut out = String::with_capacity(written.len() + 512);
    out.push_str(start_tag);
    let size = tree.size();
    out.push_str(r#" viewBox="0 0 "#);
    out.push_str(&qr::number(f64::from(size.width())));
    out.push(' ');
    out.push_str(&qr::number(f64::from(size.height())));
    out.push_str(r#"" role="img" aria-labelledby=""#);
    out.push_str(TITLE_ID);
    out.push(' ');
    out.push_str(DESC_ID);
    out.push_str(r#""><title id=""#);
    out.push_str(TITLE_ID);
    out.push_str(r#"">"#);
    escape_into(&mut out, &title_of(svg));
    out.push_str(r#"</title><desc id=""#);
    out.push_str(DESC_ID);
    out.push_str(r#"">"#);
    escape_into(&mut out, &printed_words(&tree));
    out.push_str("</desc>");
    out.push_str(rest);
    Ok(out)
}

/// How many outlined badges [`outline_cached`] keeps (about 50 KB each).
pub const CACHE_ENTRIES: usize = 64;

static CACHE: Mutex<OutlineCache> = Mutex::new(OutlineCache::new(CACHE_ENTRIES));

/// [`outline`], remembered: [`outline`] is deterministic, so a badge viewed
/// again (same certification, holder, dates, status and link) is answered
/// from memory instead of being laid out again. Bounded to
/// [`CACHE_ENTRIES`], the oldest forgotten first; a changed status changes
/// the filled-in SVG and so misses.
///
/// # Errors
/// As [`outline`] (errors are not remembered).
pub fn outline_cached(svg: &str) -> Result<String, RenderError> {
    let mut hasher = DefaultHasher::new();
    svg.hash(&mut hasher);
    let key = hasher.finish();
    if let Some(hit) = CACHE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(key, svg)
    {
        return Ok(hit);
    }
    let outlined = outline(svg)?;
    CACHE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, svg, &outlined);
    Ok(outlined)
}

/// A bounded map from a filled-in SVG to its outlined form, first in, first
/// out. Entries keep the input, so a hash collision is a miss, never a
/// wrong badge.
#[derive(Debug)]
pub struct OutlineCache {
    capacity: usize,
    entries: Option<HashMap<u64, (String, String)>>,
    order: VecDeque<u64>,
}

impl OutlineCache {
    /// An empty cache holding at most `capacity` badges.
    pub const fn new(capacity: usize) -> OutlineCache {
        OutlineCache {
            capacity,
            entries: None,
            order: VecDeque::new(),
        }
    }

    /// The outlined form of `svg` (hashed to `key`), if remembered.
    pub fn get(&self, key: u64, svg: &str) -> Option<String> {
        let (input, outlined) = self.entries.as_ref()?.get(&key)?;
        (input == svg).then(|| outlined.clone())
    }

    /// Remembers `outlined` for `svg`, forgetting the oldest entry when full.
    pub fn insert(&mut self, key: u64, svg: &str, outlined: &str) {
        if self.capacity == 0 {
            return;
        }
        let entries = self.entries.get_or_insert_with(HashMap::new);
        if entries
            .insert(key, (svg.to_owned(), outlined.to_owned()))
            .is_none()
        {
            self.order.push_back(key);
        }
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                entries.remove(&old);
            }
        }
    }

    /// How many badges are remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// The text of the root's `<title>`, empty when there is none.
fn title_of(svg: &str) -> String {
    let Ok(doc) = roxmltree::Document::parse(svg) else {
        return String::new();
    };
    doc.root_element()
        .children()
        .find(|n| n.has_tag_name("title"))
        .map(|title| {
            title
                .descendants()
                .filter_map(|n| if n.is_text() { n.text() } else { None })
                .collect::<String>()
        })
        .unwrap_or_default()
}

/// Every text of `tree`, in document order, one per element ("; " between).
fn printed_words(tree: &usvg::Tree) -> String {
    fn walk(group: &usvg::Group, out: &mut Vec<String>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => walk(g, out),
                usvg::Node::Text(text) => {
                    let words: Vec<&str> = text
                        .chunks()
                        .iter()
                        .map(|c| c.text().trim())
                        .filter(|t| !t.is_empty())
                        .collect();
                    if !words.is_empty() {
                        out.push(words.join(" "));
                    }
                }
                _ => {}
            }
        }
    }
    let mut texts = Vec::new();
    walk(tree.root(), &mut texts);
    texts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_is_bounded_forgets_the_oldest_and_never_answers_another_input() {
        let mut cache = OutlineCache::new(2);
        assert!(cache.is_empty());
        cache.insert(1, "<a/>", "A");
        cache.insert(2, "<b/>", "B");
        assert_eq!(cache.get(1, "<a/>").as_deref(), Some("A"));
        // Same key, different input (a collision): a miss.
        assert_eq!(cache.get(1, "<z/>"), None);
        cache.insert(3, "<c/>", "C");
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(1, "<a/>"), None, "the oldest is forgotten");
        assert_eq!(cache.get(2, "<b/>").as_deref(), Some("B"));
        assert_eq!(cache.get(3, "<c/>").as_deref(), Some("C"));
        // Re-inserting a key keeps one entry for it.
        cache.insert(3, "<c/>", "C");
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(2, "<b/>").as_deref(), Some("B"));
        let mut none = OutlineCache::new(0);
        none.insert(1, "<a/>", "A");
        assert!(none.is_empty());
    }

    #[test]
    fn a_remembered_outline_is_the_outline() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><title>t</title><text x="4" y="30" font-family="DejaVu Sans" font-size="20">Ada</text></svg>"#;
        let cold = outline(svg).expect("outline");
        assert!(!cold.contains("<text"), "{cold}");
        assert_eq!(outline_cached(svg).expect("first"), cold);
        assert_eq!(outline_cached(svg).expect("again"), cold);
    }
}
