//! A certification's `template.svg`, parsed once (roxmltree) into literal
//! parts and slots that [`super::badge`] fills in for each holder:
//!
//! - `{{certification_name}}`, `{{holder_name}}`, `{{issued_on}}` and
//!   `{{expires_on}}` become values; dates take the case of the lettering
//!   around them (`ISSUED 25 NOV 2026`).
//! - A `<text>` that carries `data-fit-width` and holds only text with
//!   placeholders (the certification name, the holder name, the dates) is
//!   a slot, fitted to that width for each badge. The holder's element gets
//!   `id="holder-name"`, the certification's `id="certification-name"`.
//! - `{{qr}}` marks where the QR code goes; it may not be an attribute value.
//! - Comments are dropped; `font-family="Rosette Sans"` gets web fallbacks
//!   (`DejaVu Sans`, Verdana, sans-serif) for browsers.
//! - The artwork's start (muted under a status banner) and the root's end
//!   tag (where the banner goes) are marked.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use super::error::RenderError;
use super::fonts::{self, FONT_STACK};
use super::text_fit::{escape, parse_number};

/// The `id` of the holder name's `<text>` in a filled-in badge.
pub const HOLDER_NAME_ID: &str = "holder-name";

/// The `id` of the certification name's `<text>` in a filled-in badge.
pub const CERTIFICATION_NAME_ID: &str = "certification-name";

/// A value substituted into a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    CertificationName,
    HolderName,
    IssuedOn,
    ExpiresOn,
    /// The caption under the QR code (optional in templates).
    QrCaption,
}

/// One piece of a prepared template.
#[derive(Debug, Clone)]
pub(super) enum Part {
    /// Written as is.
    Literal(String),
    /// An escaped value; `upper` for dates in upper-case lettering.
    Value { field: Field, upper: bool },
    /// A text node holding `{{expires_on}}`: its parts, or the words
    /// "no expiry date" in its case when there is none.
    Expiry { parts: Vec<Part>, upper: bool },
    /// The QR code elements.
    Qr,
    /// A fitted `<text>` (index into `Prepared::slots`).
    Fit(usize),
    /// Where the artwork starts: a non-valid badge mutes what follows.
    Mute,
    /// Where the status banner goes (just before `</svg>`).
    Banner,
}

/// What a fitted `<text>` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SlotKind {
    /// `{{holder_name}}`: shrunk, wrapped onto two lines, cut.
    Holder,
    /// `{{certification_name}}`: shrunk, cut.
    CertificationName,
    /// Other text with placeholders (dates): shrunk, cut.
    Other,
}

/// What a fitted `<text>` needs.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub(super) kind: SlotKind,
    /// The content: decoded literal text and values (written unescaped
    /// by `badge::plain_text`, escaped on output).
    pub(super) content: Vec<Part>,
    /// `<text` plus the element's attributes except `font-size` (and
    /// with `id` added).
    pub(super) start_tag: String,
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) size: f64,
    pub(super) width: f64,
    /// The inherited `letter-spacing` and `word-spacing` in user units:
    /// scaled with the font size, so that widths stay proportional to it.
    pub(super) spacing: [Option<f64>; 2],
    /// The inherited `text-anchor`: `start`, `middle` or `end`.
    #[cfg(test)]
    pub(super) anchor: String,
    pub(super) font_attrs: String,
}

/// How far above the baseline and below it, in template font sizes, the
/// fitted holder name may reach: one line at full size, two smaller lines
/// ([`super::text_fit::HOLDER_RULES`], placed by `badge::fitted_element`), and glyphs from the
/// CJK fallback (taller than DejaVu) all stay inside. Checked by the tests.
#[cfg(test)]
const AREA_ABOVE: f64 = 1.5;
#[cfg(test)]
const AREA_BELOW: f64 = 0.65;

#[cfg(test)]
impl Slot {
    /// The box a fitted value stays in: `data-fit-width` wide (placed by
    /// the text anchor), from [`AREA_ABOVE`] font sizes above the baseline
    /// to [`AREA_BELOW`] below; `(left, top, right, bottom)`.
    pub(super) fn area(&self) -> (f64, f64, f64, f64) {
        let left = match self.anchor.as_str() {
            "middle" => self.x - self.width / 2.0,
            "end" => self.x - self.width,
            _ => self.x,
        };
        (
            left,
            self.y - AREA_ABOVE * self.size,
            left + self.width,
            self.y + AREA_BELOW * self.size,
        )
    }
}

/// A certification's `template.svg`, parsed once: cheap to clone (the
/// parsed form is shared), compared by its text.
#[derive(Clone)]
pub struct BadgeTemplate {
    pub(super) prepared: Arc<Prepared>,
}

/// The parsed form of a template.
#[derive(Debug)]
pub(super) struct Prepared {
    /// The template as written.
    source: String,
    pub(super) parts: Vec<Part>,
    pub(super) slots: Vec<Slot>,
    /// Fitted certification-name and date elements, by slot and text.
    pub(super) fitted_names: Mutex<HashMap<String, String>>,
}

impl BadgeTemplate {
    /// Parses a template (see the module documentation).
    ///
    /// # Errors
    /// [`RenderError::Template`] when the text is not well-formed XML, its
    /// root is not `<svg>`, or `{{qr}}` is an attribute value.
    pub fn parse(svg: &str) -> Result<Self, RenderError> {
        Self::parse_with(svg, |_| Ok(()))
    }

    /// [`parse`](Self::parse), with `rules` checking the parsed document
    /// (after the XML and the root, before the placeholders): how the
    /// catalog refuses templates it will not serve.
    ///
    /// # Errors
    /// As [`parse`](Self::parse); `rules`' message as
    /// [`RenderError::Template`].
    pub fn parse_with(
        svg: &str,
        rules: impl FnOnce(&roxmltree::Document<'_>) -> Result<(), String>,
    ) -> Result<Self, RenderError> {
        Ok(BadgeTemplate {
            prepared: Arc::new(prepare(svg, rules)?),
        })
    }

    /// The template as written.
    pub fn source(&self) -> &str {
        &self.prepared.source
    }
}

impl PartialEq for BadgeTemplate {
    fn eq(&self, other: &Self) -> bool {
        self.source() == other.source()
    }
}

impl std::fmt::Debug for BadgeTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BadgeTemplate")
            .field("source", &self.source())
            .finish_non_exhaustive()
    }
}

/// The placeholder names.
fn field_of(placeholder: &str) -> Option<Option<Field>> {
    match placeholder {
        "{{certification_name}}" => Some(Some(Field::CertificationName)),
        "{{holder_name}}" => Some(Some(Field::HolderName)),
        "{{issued_on}}" => Some(Some(Field::IssuedOn)),
        "{{expires_on}}" => Some(Some(Field::ExpiresOn)),
        "{{qr}}" => Some(None),
        "{{qr_caption}}" => Some(Some(Field::QrCaption)),
        _ => None,
    }
}

/// Splits raw template text into literals and placeholders. `upper`
/// applies to dates; `qr_allowed` is false inside attribute values.
fn split_placeholders(raw: &str, upper: bool, qr_allowed: bool) -> Result<Vec<Part>, RenderError> {
    let mut parts = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start..];
        let end = after.find("}}").map_or(after.len(), |e| e + 2);
        let token = &after[..end];
        match field_of(token) {
            Some(field) => {
                if start > 0 {
                    parts.push(Part::Literal(rest[..start].to_owned()));
                }
                match field {
                    Some(field) => parts.push(Part::Value {
                        field,
                        upper: upper && matches!(field, Field::IssuedOn | Field::ExpiresOn),
                    }),
                    None if qr_allowed => parts.push(Part::Qr),
                    None => {
                        return Err(RenderError::Template(
                            "{{qr}} must be the content of an element, not an attribute value"
                                .to_owned(),
                        ));
                    }
                }
            }
            None => parts.push(Part::Literal(rest[..start + 2].to_owned())),
        }
        rest = if field_of(token).is_some() {
            &after[end..]
        } else {
            &after[2..]
        };
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest.to_owned()));
    }
    Ok(parts)
}

/// True when the literal text around the placeholders has letters, all
/// upper-case.
pub(super) fn is_upper_lettering(raw: &str) -> bool {
    let mut literal = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find("{{") {
        literal.push_str(&rest[..start]);
        let after = &rest[start..];
        rest = after.find("}}").map_or("", |e| &after[e + 2..]);
    }
    literal.push_str(rest);
    literal.chars().any(char::is_alphabetic) && !literal.chars().any(char::is_lowercase)
}

/// The inherited value of a presentation attribute (attribute or `style`
/// declaration, nearest ancestor first).
fn inherited<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.ancestors().filter(|n| n.is_element()).find_map(|n| {
        n.attribute(name).or_else(|| {
            n.attribute("style").and_then(|style| {
                style.split(';').find_map(|decl| {
                    let (prop, value) = decl.split_once(':')?;
                    (prop.trim() == name).then_some(value.trim())
                })
            })
        })
    })
}

/// The font attributes for measuring a `<text>` as the template draws it.
fn font_attrs_of(node: roxmltree::Node<'_, '_>) -> String {
    let mut out = String::new();
    let _ = write!(out, r#" font-family="{FONT_STACK}""#);
    for name in [
        "font-weight",
        "font-style",
        "font-stretch",
        "font-variant",
        "letter-spacing",
        "word-spacing",
        "font-kerning",
    ] {
        if let Some(value) = inherited(node, name) {
            let _ = write!(out, r#" {name}="{}""#, escape(value));
        }
    }
    out
}

/// True for `font-family` values naming the template family.
fn is_template_family(value: &str) -> bool {
    value
        .trim()
        .trim_matches(['"', '\''])
        .eq_ignore_ascii_case(fonts::TEMPLATE_FAMILY)
}

/// `range` widened to whole lines when only blanks share its lines (so a
/// dropped comment leaves no empty line behind).
fn whole_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut start = range.start;
    while start > 0 && matches!(bytes.get(start - 1), Some(b' ' | b'\t')) {
        start -= 1;
    }
    let mut end = range.end;
    while matches!(bytes.get(end), Some(b' ' | b'\t' | b'\r')) {
        end += 1;
    }
    let line_start = start == 0 || bytes.get(start - 1) == Some(&b'\n');
    if line_start && bytes.get(end) == Some(&b'\n') {
        start..end + 1
    } else {
        range
    }
}

/// Parses a template into parts and slots, checking `rules` first.
fn prepare(
    template: &str,
    rules: impl FnOnce(&roxmltree::Document<'_>) -> Result<(), String>,
) -> Result<Prepared, RenderError> {
    let doc = roxmltree::Document::parse(template).map_err(|e| {
        RenderError::Template(format!("not well-formed XML: {}", xml_error(template, &e)))
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(RenderError::Template(format!(
            "the root element is <{}>, not <svg>",
            root.tag_name().name()
        )));
    }
    rules(&doc).map_err(RenderError::Template)?;

    // Edits by byte range of the template, in document order.
    let mut edits: Vec<(Range<usize>, Vec<Part>)> = Vec::new();
    let mut slots: Vec<Slot> = Vec::new();
    let mut skip_until = 0usize;

    for node in root.descendants() {
        let range = node.range();
        if range.start < skip_until {
            continue;
        }
        if node.is_comment() {
            edits.push((whole_lines(template, range), Vec::new()));
            continue;
        }
        if node.is_text() {
            let raw = template.get(range.clone()).unwrap_or("");
            if raw.contains("{{") {
                let upper = is_upper_lettering(raw);
                let parts = split_placeholders(raw, upper, true)?;
                let has_expiry = parts.iter().any(|p| {
                    matches!(
                        p,
                        Part::Value {
                            field: Field::ExpiresOn,
                            ..
                        }
                    )
                });
                let parts = if has_expiry && node.parent().is_some_and(|p| p.has_tag_name("text")) {
                    vec![Part::Expiry { parts, upper }]
                } else {
                    parts
                };
                edits.push((range, parts));
            }
            continue;
        }
        if !node.is_element() {
            continue;
        }

        // A <text> with data-fit-width and only text with placeholders in
        // it is fitted to that width.
        let fit_width = node.attribute("data-fit-width").and_then(parse_number);
        let only_text = node.children().count() == 1 && node.children().all(|c| c.is_text());
        let decoded = node.text().map(str::trim).unwrap_or("");
        if let (true, true, Some(width), true) = (
            node.has_tag_name("text"),
            only_text,
            fit_width,
            decoded.contains("{{"),
        ) {
            let mut content = split_placeholders(decoded, is_upper_lettering(decoded), false)?;
            let has = |content: &[Part], f: Field| {
                content
                    .iter()
                    .any(|p| matches!(p, Part::Value { field, .. } if *field == f))
            };
            let kind = if has(&content, Field::HolderName) {
                SlotKind::Holder
            } else if has(&content, Field::CertificationName) {
                SlotKind::CertificationName
            } else {
                SlotKind::Other
            };
            if has(&content, Field::ExpiresOn) {
                let upper = is_upper_lettering(decoded);
                content = vec![Part::Expiry {
                    parts: content,
                    upper,
                }];
            }
            let id = match kind {
                SlotKind::Holder => Some(HOLDER_NAME_ID),
                SlotKind::CertificationName => Some(CERTIFICATION_NAME_ID),
                SlotKind::Other => None,
            };
            let taken = id.is_none() || slots.iter().any(|s| s.kind == kind);
            let mut start_tag = String::from("<text");
            for attr in node.attributes() {
                // Spacing in user units is rewritten scaled (em scales by itself).
                let replaced = attr.name() == "font-size"
                    || (matches!(attr.name(), "letter-spacing" | "word-spacing")
                        && parse_number(attr.value()).is_some());
                if replaced || (attr.name() == "id" && !taken) {
                    continue;
                }
                if attr.name() == "font-family" && is_template_family(attr.value()) {
                    let _ = write!(start_tag, r#" font-family="{FONT_STACK}""#);
                    continue;
                }
                start_tag.push(' ');
                start_tag.push_str(template.get(attr.range()).unwrap_or(""));
            }
            if let (false, Some(id)) = (taken, id) {
                let _ = write!(start_tag, r#" id="{id}""#);
            }
            let size = inherited(node, "font-size")
                .and_then(parse_number)
                .unwrap_or(16.0);
            let spacing = ["letter-spacing", "word-spacing"]
                .map(|name| inherited(node, name).and_then(parse_number));
            slots.push(Slot {
                kind,
                content,
                spacing,
                start_tag,
                x: node.attribute("x").and_then(parse_number).unwrap_or(0.0),
                y: node.attribute("y").and_then(parse_number).unwrap_or(0.0),
                size,
                width,
                #[cfg(test)]
                anchor: inherited(node, "text-anchor")
                    .unwrap_or("start")
                    .trim()
                    .to_owned(),
                font_attrs: font_attrs_of(node),
            });
            skip_until = range.end;
            edits.push((range, vec![Part::Fit(slots.len() - 1)]));
            continue;
        }

        for attr in node.attributes() {
            let value_range = attr.range_value();
            if attr.name() == "font-family" && is_template_family(attr.value()) {
                edits.push((value_range, vec![Part::Literal(FONT_STACK.to_owned())]));
            } else if let Some(raw) = template.get(value_range.clone())
                && raw.contains("{{")
            {
                edits.push((value_range, split_placeholders(raw, false, false)?));
            }
        }
    }

    // The banner goes before the root's end tag.
    let root_range = root.range();
    let body = template.get(root_range.clone()).unwrap_or("");
    let end_tag = body
        .rfind("</")
        .map(|i| root_range.start + i)
        .ok_or_else(|| RenderError::Template("the root <svg> has no end tag".to_owned()))?;
    edits.push((end_tag..end_tag, vec![Part::Banner]));
    let artwork = root
        .children()
        .find(|n| n.is_element() && !matches!(n.tag_name().name(), "title" | "desc" | "metadata"))
        .map_or(end_tag, |n| n.range().start);
    edits.push((artwork..artwork, vec![Part::Mute]));

    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut parts: Vec<Part> = Vec::new();
    let mut pos = 0usize;
    let push_literal = |parts: &mut Vec<Part>, s: &str| {
        if s.is_empty() {
            return;
        }
        if let Some(Part::Literal(last)) = parts.last_mut() {
            last.push_str(s);
        } else {
            parts.push(Part::Literal(s.to_owned()));
        }
    };
    for (range, replacement) in edits {
        if range.start < pos {
            continue;
        }
        push_literal(&mut parts, template.get(pos..range.start).unwrap_or(""));
        for part in replacement {
            match part {
                Part::Literal(s) => push_literal(&mut parts, &s),
                other => parts.push(other),
            }
        }
        pos = range.end;
    }
    push_literal(&mut parts, template.get(pos..).unwrap_or(""));

    Ok(Prepared {
        source: template.to_owned(),
        parts,
        slots,
        fitted_names: Mutex::new(HashMap::new()),
    })
}

/// A roxmltree error said the way template authors read it: the line, and
/// what is wrong in XML terms (`</svg> closes <g>`, `<svg> is never
/// closed`).
fn xml_error(text: &str, e: &roxmltree::Error) -> String {
    use roxmltree::Error as E;
    let pos = e.pos();
    // The byte offset of the position: rows count from 1, columns from 1
    // in characters.
    let line_start: usize = text
        .split_inclusive('\n')
        .take(pos.row.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line = text.get(line_start..).unwrap_or("");
    let at = line_start
        + line
            .char_indices()
            .nth(pos.col.saturating_sub(1) as usize)
            .map_or(line.len(), |(i, _)| i);
    let (before, rest) = text.split_at(at.min(text.len()));
    let name_at = |s: &str| -> String {
        s.chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '/' | '>'))
            .collect()
    };
    let what = match e {
        E::NoRootNode => return "no <svg> root element".to_owned(),
        E::UnclosedRootNode => {
            let root = text
                .match_indices('<')
                .map(|(i, _)| &text[i + 1..])
                .find(|s| s.starts_with(|c: char| c.is_alphabetic() || c == '_'))
                .map_or_else(String::new, name_at);
            return format!("<{root}> is never closed");
        }
        E::DtdDetected => return "DOCTYPE and other declarations are not allowed".to_owned(),
        E::UnexpectedCloseTag(expected, actual, _) => format!("</{actual}> closes <{expected}>"),
        E::DuplicatedAttribute(name, _) => format!("attribute {name} appears twice"),
        E::UnknownEntityReference(name, _) => format!("unknown entity reference &{name};"),
        E::MalformedEntityReference(_) => "'&' that does not start an entity reference".to_owned(),
        E::InvalidChar2("a quote", ..) => "an attribute value is not quoted".to_owned(),
        E::InvalidChar2("a whitespace", ..) => "missing space between attributes".to_owned(),
        E::InvalidString("-->", _) => "unclosed comment".to_owned(),
        E::InvalidName(_) if before.ends_with('<') => {
            format!("invalid element name {:?}", name_at(rest))
        }
        E::UnknownToken(_) if rest.starts_with("<!") => {
            "DOCTYPE and other declarations are not allowed".to_owned()
        }
        E::UnknownToken(_) if rest.starts_with('<') => {
            format!("a second root element <{}>", name_at(&rest[1..]))
        }
        E::UnknownToken(_) if !rest.is_empty() => "text outside the root element".to_owned(),
        other => other.to_string(),
    };
    format!("line {}: {what}", pos.row)
}
