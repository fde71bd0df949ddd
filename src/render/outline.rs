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
