//! The badge: a certification's `template.svg` filled in for one holder,
//! its PNG renderings, and the Open Graph share image.
//!
//! # Filling a template
//!
//! The template is parsed once (roxmltree) and cached as a list of literal
//! parts and slots; each badge then only writes the parts out:
//!
//! - `{{certification_name}}`, `{{holder_name}}`, `{{issued_on}}` and
//!   `{{expires_on}}` become XML-escaped text (control characters, bidi
//!   overrides and U+FFFE/U+FFFF removed, white space collapsed). Dates
//!   take the case of the lettering around them (`ISSUED 25 NOV 2026`).
//! - A `<text>` that carries `data-fit-width` and holds only text with
//!   placeholders (the certification name, the holder name, the dates) is
//!   fitted: measured with the bundled fonts (usvg layout, so shaping,
//!   Arabic and Hebrew joining and the CJK fallback are accounted for), then
//!   shrunk, or for the holder wrapped onto two lines, and as a last resort
//!   cut with an ellipsis, so that it never overflows its width. Characters
//!   no bundled font has (emoji) are left out of the drawn text, not of the
//!   `<title>`. The holder's element gets `id="holder-name"`, the
//!   certification's `id="certification-name"`.
//! - `{{qr}}` becomes the QR code of the verification URL, 92 × 92 at the
//!   origin of its group ([`super::qr::qr_elements`]).
//! - Comments are dropped; `font-family="Rosette Sans"` gets web fallbacks
//!   (`DejaVu Sans`, Verdana, sans-serif) for browsers.
//! - A revoked, suspended or expired credential gets a diagonal banner
//!   across the medal (`id="status-banner"`) and muted artwork.
//!
//! The same input always gives the same bytes.
//!
//! # Rendering
//!
//! [`render_png`] and [`og_image`] rasterise with resvg and the fonts of
//! [`super::fonts`] only, into canvases that are reused between calls, and
//! encode with fast DEFLATE. `benches/render.rs` measures them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use resvg::{tiny_skia, usvg};

use super::{fonts, qr};
use crate::catalog::Certification;

/// The PNG sizes a badge renders at, in pixels (square).
pub const BADGE_SIZES: [u32; 2] = [600, 1200];

/// Width of the Open Graph share image, in pixels.
pub const OG_WIDTH: u32 = 1200;

/// Height of the Open Graph share image, in pixels.
pub const OG_HEIGHT: u32 = 627;

/// Side of the box `{{qr}}` is drawn in, in template units.
pub const QR_SIZE: f64 = 92.0;

/// The `id` of the holder name's `<text>` in a filled-in badge.
pub const HOLDER_NAME_ID: &str = "holder-name";

/// The `id` of the certification name's `<text>` in a filled-in badge.
pub const CERTIFICATION_NAME_ID: &str = "certification-name";

/// The `id` of the status banner's group (absent when the credential is valid).
pub const STATUS_BANNER_ID: &str = "status-banner";

/// The `font-family` written for text: the template family first, then the
/// bundled face by name and look-alikes for browsers without it.
const FONT_STACK: &str = "'Rosette Sans', 'DejaVu Sans', Verdana, sans-serif";

/// Longest text measured, in characters; longer values are cut (they end
/// in an ellipsis anyway, as two lines hold far fewer characters).
const MAX_FIT_CHARS: usize = 240;

/// The ellipsis that ends a cut value.
const ELLIPSIS: &str = "\u{2026}";

/// Why a badge could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The requested PNG size is neither 600 nor 1200 pixels.
    #[error("unsupported badge size {0}: badges render at 600 or 1200 pixels")]
    UnsupportedSize(u32),
    /// The certification's template cannot be filled in.
    #[error("badge template: {0}")]
    Template(String),
    /// An SVG does not parse or cannot be laid out.
    #[error("badge SVG: {0}")]
    Svg(String),
    /// Rasterising or PNG encoding failed.
    #[error("badge PNG: {0}")]
    Png(String),
    /// The QR code cannot be made (e.g. the URL is too long).
    #[error("QR code: {0}")]
    Qr(String),
}

impl RenderError {
    /// A stable, machine-readable code for logs and API errors.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::UnsupportedSize(_) => "render_unsupported_size",
            RenderError::Template(_) => "render_template",
            RenderError::Svg(_) => "render_svg",
            RenderError::Png(_) => "render_png",
            RenderError::Qr(_) => "render_qr",
        }
    }
}

/// The credential's standing, as the badge shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BadgeStatus {
    /// In force: no banner.
    #[default]
    Valid,
    /// Revoked by the issuer: red "REVOKED" banner.
    Revoked,
    /// Suspended by the issuer: amber "SUSPENDED" banner.
    Suspended,
    /// Past its expiry date: grey "EXPIRED" banner.
    Expired,
}

impl BadgeStatus {
    /// The banner text, `None` when valid.
    pub fn banner(self) -> Option<&'static str> {
        match self {
            BadgeStatus::Valid => None,
            BadgeStatus::Revoked => Some("REVOKED"),
            BadgeStatus::Suspended => Some("SUSPENDED"),
            BadgeStatus::Expired => Some("EXPIRED"),
        }
    }

    /// The banner colour and its darker edge shade.
    fn colors(self) -> (&'static str, &'static str) {
        match self {
            BadgeStatus::Valid => ("#2e7d32", "#1b5e20"),
            BadgeStatus::Revoked => ("#c62828", "#7f1212"),
            BadgeStatus::Suspended => ("#d97706", "#8a4b04"),
            BadgeStatus::Expired => ("#4b5563", "#262c35"),
        }
    }

    /// One sentence for the share image.
    fn sentence(self) -> &'static str {
        match self {
            BadgeStatus::Valid => "",
            BadgeStatus::Revoked => "This credential has been revoked by its issuer.",
            BadgeStatus::Suspended => "This credential is suspended by its issuer.",
            BadgeStatus::Expired => "This credential has expired.",
        }
    }
}

/// What one badge shows besides the certification itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeData {
    /// The certification's display name (usually `Certification::name`).
    pub certification_name: String,
    /// The holder's display name, any script, as entered.
    pub holder_name: String,
    /// The issue date as shown, e.g. "25 Nov 2026".
    pub issued_on: String,
    /// The expiry date as shown; `None` prints "no expiry date".
    pub expires_on: Option<String>,
    /// The public verification URL, encoded in the QR code.
    pub verify_url: String,
    /// Valid, or the banner to show.
    pub status: BadgeStatus,
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

/// Appends `s` with `&`, `<`, `>`, `"` and `'` escaped.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// `s` XML-escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// A user-supplied string made safe to show: characters XML 1.0 cannot
/// carry or that only disturb display (controls, U+FFFE/U+FFFF, bidi
/// embeddings and overrides, byte-order marks) removed, white space
/// collapsed to single spaces and trimmed.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let dropped = c.is_control()
            || matches!(c, '\u{FFFE}' | '\u{FFFF}' | '\u{FEFF}')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        // Marks left without a base (at the start or after a space).
        let orphan = is_extending(c) && (out.is_empty() || space);
        if dropped || orphan {
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// True for characters that attach to the one before (combining marks,
/// joiners, variation selectors, emoji modifiers and tags).
fn is_extending(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{05BF}' | '\u{05C1}' | '\u{05C2}' | '\u{05C4}' | '\u{05C5}' | '\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}' | '\u{06E8}'
        | '\u{06EA}'..='\u{06ED}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{0951}'..='\u{0957}'
        | '\u{0962}' | '\u{0963}'
        | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}' | '\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{3099}' | '\u{309A}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{E0020}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}'
    )
}

/// True for scripts written without spaces, where a line may break
/// between any two characters (Han, kana, Hangul, full-width forms).
fn breaks_anywhere(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{303F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3100}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}'
    )
}

/// Splits `s` into user-perceived characters (a base and what attaches to
/// it); an approximation of grapheme clusters that is enough for line
/// breaking and cutting.
fn units(s: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut joined = false;
    for (i, c) in s.char_indices() {
        if i > start && !is_extending(c) && !joined {
            out.push(&s[start..i]);
            start = i;
        }
        joined = c == '\u{200D}';
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Parses an SVG length as user units (`21`, `21px`, `21.5`).
fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let s = s.strip_suffix("px").unwrap_or(s).trim();
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Floors `v` to two decimals (font sizes: never rounds up into an overflow).
fn floor2(v: f64) -> f64 {
    (v * 100.0).floor() / 100.0
}

// ---------------------------------------------------------------------------
// Measuring and fitting text
// ---------------------------------------------------------------------------

/// Measures the advance widths of `texts` at `size`, laid out by usvg with
/// the bundled fonts and the given font attributes (already escaped,
/// e.g. ` font-family="…" font-weight="700"`). One usvg parse for all.
fn measure(font_attrs: &str, size: f64, texts: &[&str]) -> Result<Vec<f64>, RenderError> {
    Ok(measure_full(font_attrs, size, texts)?.0)
}

/// [`measure`], plus for each text the clusters no bundled font can draw
/// (laid out as the `.notdef` glyph, a box).
fn measure_full(
    font_attrs: &str,
    size: f64,
    texts: &[&str],
) -> Result<(Vec<f64>, Vec<Vec<String>>), RenderError> {
    let mut svg = String::with_capacity(200 + texts.iter().map(|t| t.len() + 48).sum::<usize>());
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10"><g{font_attrs} font-size="{}">"#,
        qr::number(size)
    );
    for (i, text) in texts.iter().enumerate() {
        let _ = write!(svg, r#"<text id="m{i}" x="0" y="0" xml:space="preserve">"#);
        escape_into(&mut svg, text);
        svg.push_str("</text>");
    }
    svg.push_str("</g></svg>");
    let tree = usvg::Tree::from_str(&svg, &fonts::options())
        .map_err(|e| RenderError::Svg(format!("measuring text: {e}")))?;
    let mut widths = Vec::with_capacity(texts.len());
    let mut missing = Vec::with_capacity(texts.len());
    for i in 0..texts.len() {
        match tree.node_by_id(&format!("m{i}")) {
            Some(usvg::Node::Text(text)) => {
                widths.push(f64::from(text.bounding_box().width()));
                let mut boxes: Vec<String> = Vec::new();
                for glyph in text
                    .layouted()
                    .iter()
                    .flat_map(|span| &span.positioned_glyphs)
                {
                    if glyph.id.0 == 0
                        && !glyph.text.trim().is_empty()
                        && !boxes.contains(&glyph.text)
                    {
                        boxes.push(glyph.text.clone());
                    }
                }
                missing.push(boxes);
            }
            _ => {
                widths.push(0.0);
                missing.push(Vec::new());
            }
        }
    }
    Ok((widths, missing))
}

/// How a value may be fitted into its width, as fractions of the
/// template's font size.
#[derive(Debug, Clone, Copy)]
struct FitRules {
    /// 1 (shrink, then cut) or 2 (shrink, then wrap, then cut).
    max_lines: usize,
    /// Smallest size for a single line.
    single_min: f64,
    /// Largest size for two lines.
    double_max: f64,
    /// Smallest size for two lines.
    double_min: f64,
}

/// The holder name on the badge: 21 → at least 17 on one line, 13.7–16
/// on two lines.
const HOLDER_RULES: FitRules = FitRules {
    max_lines: 2,
    single_min: 0.8,
    double_max: 0.76,
    double_min: 0.62,
};

/// The certification name in the badge's banner: one line, shrunk to 60 %.
const CERT_RULES: FitRules = FitRules {
    max_lines: 1,
    single_min: 0.6,
    double_max: 0.6,
    double_min: 0.6,
};

/// A fitted value: its lines and font size.
#[derive(Debug, Clone, PartialEq)]
struct Fitted {
    lines: Vec<String>,
    size: f64,
}

/// The units of a value with their approximate widths at the base size.
struct Measured<'a> {
    units: Vec<&'a str>,
    widths: Vec<f64>,
}

impl Measured<'_> {
    fn width(&self, range: Range<usize>) -> f64 {
        self.widths.get(range).map_or(0.0, |w| w.iter().sum())
    }

    fn text(&self, range: Range<usize>) -> String {
        self.units
            .get(range)
            .map_or_else(String::new, |u| u.concat())
    }

    fn is_space(&self, i: usize) -> bool {
        self.units.get(i).is_some_and(|u| *u == " ")
    }

    /// A break before unit `i` is allowed: after a space, after a hyphen
    /// inside a word, or next to a CJK character.
    fn can_break(&self, i: usize) -> bool {
        if i < 2 || i >= self.units.len() || self.is_space(i) {
            return false;
        }
        let cjk = |u: &str| u.chars().next().is_some_and(breaks_anywhere);
        let hyphen = matches!(self.units[i - 1], "-" | "\u{2010}") && !self.is_space(i - 2);
        self.is_space(i - 1) || hyphen || cjk(self.units[i - 1]) || cjk(self.units[i])
    }

    /// The two lines for a break before unit `i` (the space at a break is
    /// dropped).
    fn split(&self, i: usize) -> (Range<usize>, Range<usize>) {
        let end1 = if self.is_space(i - 1) { i - 1 } else { i };
        let start2 = if self.is_space(i) { i + 1 } else { i };
        (0..end1, start2..self.units.len())
    }

    /// The most balanced break: the one with the narrowest longer line.
    fn best_break(&self, anywhere: bool) -> Option<(Range<usize>, Range<usize>, f64)> {
        (1..self.units.len())
            .filter(|&i| anywhere || self.can_break(i))
            .map(|i| {
                let (a, b) = self.split(i);
                let widest = self.width(a.clone()).max(self.width(b.clone()));
                (a, b, widest)
            })
            .filter(|(a, b, _)| !a.is_empty() && !b.is_empty())
            .min_by(|x, y| x.2.total_cmp(&y.2))
    }

    /// The units from `from` that fit in `limit` with an ellipsis after
    /// them, trailing spaces dropped, and the ellipsis.
    fn cut(&self, from: usize, limit: f64, ellipsis: f64) -> String {
        let mut end = from;
        let mut used = 0.0;
        while end < self.units.len() && used + self.widths[end] + ellipsis <= limit {
            used += self.widths[end];
            end += 1;
        }
        while end > from && self.is_space(end - 1) {
            end -= 1;
        }
        let mut s = self.text(from..end);
        s.push_str(ELLIPSIS);
        s
    }

    /// The end of a first line filled up to `limit`, at the last allowed
    /// break in its second half if there is one.
    fn fill(&self, limit: f64) -> usize {
        let mut end = 0;
        let mut used = 0.0;
        while end < self.units.len() && used + self.widths[end] <= limit {
            used += self.widths[end];
            end += 1;
        }
        let end = end.max(1);
        (end / 2 + 1..=end)
            .rev()
            .find(|&i| self.can_break(i))
            .unwrap_or(end)
    }
}

/// Approximate widths of every unit of `text`, and of the ellipsis, from
/// one layout of its distinct words: spaces and CJK characters are
/// measured on their own, and a word's width is shared among its units by
/// character count (exact at word boundaries, where lines usually break).
fn measure_units<'a>(
    text: &'a str,
    font_attrs: &str,
    size: f64,
) -> Result<(Measured<'a>, f64), RenderError> {
    let units = units(text);
    let is_cjk = |u: &str| u.chars().next().is_some_and(breaks_anywhere);
    // Tokens: runs of units that are neither spaces nor CJK.
    let mut tokens: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let start = i;
        if units[i] == " " || is_cjk(units[i]) {
            i += 1;
        } else {
            while i < units.len() && units[i] != " " && !is_cjk(units[i]) {
                i += 1;
            }
        }
        tokens.push(start..i);
    }
    let token_text = |r: &Range<usize>| units.get(r.clone()).map_or(String::new(), |u| u.concat());
    let mut distinct: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut token_index = Vec::with_capacity(tokens.len());
    for token in &tokens {
        let t = token_text(token);
        let next = distinct.len();
        let k = *index.entry(t.clone()).or_insert(next);
        if k == next {
            distinct.push(t);
        }
        token_index.push(k);
    }
    // A lone space lays out with no width: measure "a a" minus "aa".
    let mut probes: Vec<&str> = distinct
        .iter()
        .map(|t| if t == " " { "a a" } else { t.as_str() })
        .collect();
    probes.extend(["aa", ELLIPSIS]);
    let measured = measure(font_attrs, size, &probes)?;
    let pair = measured.get(distinct.len()).copied().unwrap_or(0.0);
    let ellipsis = measured.get(distinct.len() + 1).copied().unwrap_or(0.0);

    let mut widths = vec![0.0; units.len()];
    for (token, k) in tokens.iter().zip(token_index) {
        let mut total = measured.get(k).copied().unwrap_or(0.0);
        if distinct.get(k).is_some_and(|t| t == " ") {
            total = (total - pair).max(0.0);
        }
        let chars: usize = units[token.clone()].iter().map(|u| u.chars().count()).sum();
        for i in token.clone() {
            widths[i] = total * units[i].chars().count() as f64 / chars.max(1) as f64;
        }
    }
    Ok((Measured { units, widths }, ellipsis))
}

/// Fits `text` (already cleaned) into `width` user units, starting from
/// `size`: shrinking, wrapping onto two lines (if allowed) and cutting with
/// an ellipsis, in that order. The result never measures wider than
/// `width` at its size.
fn fit_text(
    text: &str,
    font_attrs: &str,
    size: f64,
    width: f64,
    rules: FitRules,
) -> Result<Fitted, RenderError> {
    let single = |line: String, s: f64| Fitted {
        lines: vec![line],
        size: floor2(s),
    };
    if text.is_empty() || width <= 0.0 || size <= 0.0 {
        return Ok(single(text.to_owned(), size));
    }
    let capped: String;
    let text = if text.chars().count() > MAX_FIT_CHARS {
        capped = text.chars().take(MAX_FIT_CHARS).collect::<String>() + ELLIPSIS;
        capped.as_str()
    } else {
        text
    };

    let (widths, missing) = measure_full(font_attrs, size, &[text])?;
    let mut whole = widths.first().copied().unwrap_or(0.0);
    // Characters no bundled font has (emoji, rare scripts) would show as
    // boxes: leave them out of the drawn text (the badge's <title> keeps
    // the full value), unless nothing would be left.
    let stripped: String;
    let mut text = text;
    if let Some(boxes) = missing.first().filter(|b| !b.is_empty()) {
        let mut kept = text.to_owned();
        for cluster in boxes {
            kept = kept.replace(cluster.as_str(), " ");
        }
        let kept = clean(&kept);
        if !kept.is_empty() {
            stripped = kept;
            text = stripped.as_str();
            whole = measure(font_attrs, size, &[text])?
                .first()
                .copied()
                .unwrap_or(0.0);
        }
    }
    if whole <= width {
        return Ok(single(text.to_owned(), size));
    }
    let shrunk = size * width / whole;
    if shrunk >= size * rules.single_min {
        return Ok(single(text.to_owned(), shrunk));
    }

    let (m, ellipsis) = measure_units(text, font_attrs, size)?;
    // The widest a line may measure at `size` to fit when drawn at `s`.
    let limit = |s: f64| width * size / s;

    let lines: Vec<String> = if rules.max_lines < 2 {
        vec![m.cut(0, limit(size * rules.single_min), ellipsis)]
    } else {
        let floor = limit(size * rules.double_min);
        let natural = m.best_break(false).filter(|b| b.2 <= floor);
        // Without a break between words, a smaller single line reads
        // better than a word cut in two.
        if natural.is_none() && shrunk >= size * rules.double_min {
            return Ok(single(text.to_owned(), shrunk));
        }
        let chosen = natural.or_else(|| m.best_break(true).filter(|b| b.2 <= floor));
        match chosen {
            Some((a, b, _)) => vec![m.text(a), m.text(b)],
            None => {
                let end1 = m.fill(floor);
                let (first, rest) = if m.is_space(end1.saturating_sub(1)) {
                    (0..end1 - 1, end1)
                } else {
                    (0..end1, end1 + usize::from(m.is_space(end1)))
                };
                let second = if m.width(rest..m.units.len()) <= floor {
                    m.text(rest..m.units.len())
                } else {
                    m.cut(rest, floor, ellipsis)
                };
                vec![m.text(first), second]
            }
        }
    };

    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let real = measure(font_attrs, size, &refs)?;
    let widest = real.iter().copied().fold(0.0, f64::max);
    let cap = if lines.len() > 1 {
        rules.double_max
    } else {
        rules.single_min
    };
    let s = if widest > 0.0 {
        (size * cap).min(size * width / widest)
    } else {
        size * cap
    };
    Ok(Fitted {
        lines,
        size: floor2(s),
    })
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

/// A value substituted into a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    CertificationName,
    HolderName,
    IssuedOn,
    ExpiresOn,
}

/// One piece of a prepared template.
#[derive(Debug, Clone)]
enum Part {
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
enum SlotKind {
    /// `{{holder_name}}`: shrunk, wrapped onto two lines, cut.
    Holder,
    /// `{{certification_name}}`: shrunk, cut.
    CertificationName,
    /// Other text with placeholders (dates): shrunk, cut.
    Other,
}

/// What a fitted `<text>` needs.
#[derive(Debug, Clone)]
struct Slot {
    kind: SlotKind,
    /// The content: decoded literal text and values (written unescaped
    /// by [`plain_text`], escaped on output).
    content: Vec<Part>,
    /// `<text` plus the element's attributes except `font-size` (and
    /// with `id` added).
    start_tag: String,
    x: f64,
    y: f64,
    size: f64,
    width: f64,
    /// The inherited `letter-spacing` and `word-spacing` in user units:
    /// scaled with the font size, so that widths stay proportional to it.
    spacing: [Option<f64>; 2],
    /// The inherited `text-anchor`: `start`, `middle` or `end`.
    #[cfg(test)]
    anchor: String,
    font_attrs: String,
}

/// How far above the baseline and below it, in template font sizes, the
/// fitted holder name may reach: one line at full size, two smaller lines
/// ([`HOLDER_RULES`], placed by [`fitted_element`]), and glyphs from the
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
    fn area(&self) -> (f64, f64, f64, f64) {
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

/// A template parsed once.
#[derive(Debug)]
struct Prepared {
    parts: Vec<Part>,
    slots: Vec<Slot>,
    /// Fitted certification-name and date elements, by slot and text.
    fitted_names: Mutex<HashMap<String, String>>,
}

/// Prepared templates, by template text.
static PREPARED: OnceLock<Mutex<HashMap<String, Arc<Prepared>>>> = OnceLock::new();

/// The prepared form of `template`, from the cache when seen before.
fn prepared(template: &str) -> Result<Arc<Prepared>, RenderError> {
    let cache = PREPARED.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(p) = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(template)
    {
        return Ok(Arc::clone(p));
    }
    let p = Arc::new(prepare(template)?);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= 64 {
        map.clear();
    }
    map.insert(template.to_owned(), Arc::clone(&p));
    Ok(p)
}

/// The placeholder names.
fn field_of(placeholder: &str) -> Option<Option<Field>> {
    match placeholder {
        "{{certification_name}}" => Some(Some(Field::CertificationName)),
        "{{holder_name}}" => Some(Some(Field::HolderName)),
        "{{issued_on}}" => Some(Some(Field::IssuedOn)),
        "{{expires_on}}" => Some(Some(Field::ExpiresOn)),
        "{{qr}}" => Some(None),
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
fn is_upper_lettering(raw: &str) -> bool {
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

/// Parses a template into parts and slots.
fn prepare(template: &str) -> Result<Prepared, RenderError> {
    let doc = roxmltree::Document::parse(template)
        .map_err(|e| RenderError::Template(format!("not well-formed XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(RenderError::Template(
            "the root element is not <svg>".to_owned(),
        ));
    }

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
        parts,
        slots,
        fitted_names: Mutex::new(HashMap::new()),
    })
}

/// The fitted `<text>` element for a slot.
fn fitted_element(slot: &Slot, text: &str) -> Result<String, RenderError> {
    let rules = match slot.kind {
        SlotKind::Holder => HOLDER_RULES,
        _ => CERT_RULES,
    };
    let fitted = fit_text(text, &slot.font_attrs, slot.size, slot.width, rules)?;
    let mut out = String::with_capacity(slot.start_tag.len() + text.len() + 120);
    out.push_str(&slot.start_tag);
    let _ = write!(out, r#" font-size="{}""#, qr::number(fitted.size));
    for (name, value) in ["letter-spacing", "word-spacing"].iter().zip(slot.spacing) {
        if let Some(value) = value {
            let scaled = floor2(value * fitted.size / slot.size);
            let _ = write!(out, r#" {name}="{}""#, qr::number(scaled));
        }
    }
    out.push('>');
    match fitted.lines.as_slice() {
        [one] => escape_into(&mut out, one),
        lines => {
            // Two lines centred a little above where the single line's
            // middle was (the rule under the name is close).
            let middle = slot.y - 0.46 * slot.size;
            let pitch = 1.2 * fitted.size;
            let first = middle + 0.36 * fitted.size - pitch * (lines.len() as f64 - 1.0) / 2.0;
            for (i, line) in lines.iter().enumerate() {
                let _ = write!(
                    out,
                    r#"<tspan x="{}" y="{}">"#,
                    qr::number(slot.x),
                    qr::number(floor2(first + pitch * i as f64))
                );
                escape_into(&mut out, line);
                out.push_str("</tspan>");
            }
        }
    }
    out.push_str("</text>");
    Ok(out)
}

/// The start of the muted artwork for a non-valid status: a filter that
/// drains most of the colour, and the group it applies to (closed by
/// [`status_banner`]).
fn status_mute(status: BadgeStatus) -> &'static str {
    if status.banner().is_none() {
        return "";
    }
    concat!(
        r#"<defs><filter id="rosette-status-mute" filterUnits="userSpaceOnUse" x="0" y="0" "#,
        r#"width="600" height="600" color-interpolation-filters="sRGB">"#,
        r#"<feColorMatrix type="saturate" values="0.15"/></filter></defs>"#,
        r#"<g filter="url(#rosette-status-mute)">"#
    )
}

/// The banner across the medal for a non-valid status (after the muted
/// artwork's group, which it closes): a sash across the upper half, clear
/// of the certification name, the holder and the QR code.
fn status_banner(status: BadgeStatus) -> String {
    let Some(label) = status.banner() else {
        return String::new();
    };
    let (color, edge) = status.colors();
    let spacing = if label.len() > 7 { 6 } else { 9 };
    format!(
        concat!(
            r##"</g><clipPath id="rosette-status-clip"><rect width="600" height="600"/></clipPath>"##,
            r##"<g id="{id}" clip-path="url(#rosette-status-clip)"><g transform="rotate(-14 300 150)">"##,
            r##"<rect x="-60" y="116" width="720" height="68" fill="{edge}"/>"##,
            r##"<rect x="-60" y="121" width="720" height="58" fill="{color}"/>"##,
            r##"<path d="M-60 126.5H660M-60 173.5H660" stroke="#ffffff" stroke-width="1.5" opacity="0.6"/>"##,
            r##"<text x="300" y="163" font-family="{font}" font-size="38" font-weight="700" "##,
            r##"letter-spacing="{spacing}" text-anchor="middle" fill="#ffffff">{label}</text>"##,
            r##"</g></g>"##
        ),
        id = STATUS_BANNER_ID,
        edge = edge,
        color = color,
        font = FONT_STACK,
        spacing = spacing,
        label = label,
    )
}

/// Appends the text of `parts` unescaped (the content of a fitted slot:
/// decoded literals and values).
fn plain_text(out: &mut String, parts: &[Part], values: &Values) {
    for part in parts {
        match part {
            Part::Literal(s) => out.push_str(s),
            Part::Value { field, upper } => {
                let value = values.get(*field);
                if *upper {
                    out.push_str(&value.to_uppercase());
                } else {
                    out.push_str(value);
                }
            }
            Part::Expiry { parts, upper } => match (&values.expires_on, upper) {
                (Some(_), _) => plain_text(out, parts, values),
                (None, true) => out.push_str("NO EXPIRY DATE"),
                (None, false) => out.push_str("No expiry date"),
            },
            Part::Qr | Part::Fit(_) | Part::Mute | Part::Banner => {}
        }
    }
}

/// Writes `parts` for one badge.
fn write_parts(
    out: &mut String,
    parts: &[Part],
    prepared: &Prepared,
    values: &Values,
) -> Result<(), RenderError> {
    for part in parts {
        match part {
            Part::Literal(s) => out.push_str(s),
            Part::Value { field, upper } => {
                let value = values.get(*field);
                if *upper {
                    escape_into(out, &value.to_uppercase());
                } else {
                    escape_into(out, value);
                }
            }
            Part::Expiry { parts, upper } => {
                if values.expires_on.is_some() {
                    write_parts(out, parts, prepared, values)?;
                } else if *upper {
                    out.push_str("NO EXPIRY DATE");
                } else {
                    out.push_str("No expiry date");
                }
            }
            Part::Qr => out.push_str(&values.qr),
            Part::Fit(i) => {
                let Some(slot) = prepared.slots.get(*i) else {
                    continue;
                };
                let mut text = String::new();
                plain_text(&mut text, &slot.content, values);
                let text = clean(&text);
                if slot.kind == SlotKind::Holder {
                    out.push_str(&fitted_element(slot, &text)?);
                } else {
                    // Certification names and dates repeat across badges.
                    let mut names = prepared
                        .fitted_names
                        .lock()
                        .unwrap_or_else(|e| e.into_inner());
                    let key = format!("{i}\u{0}{text}");
                    if let Some(element) = names.get(&key) {
                        out.push_str(element);
                    } else {
                        let element = fitted_element(slot, &text)?;
                        out.push_str(&element);
                        if names.len() >= 256 {
                            names.clear();
                        }
                        names.insert(key, element);
                    }
                }
            }
            Part::Mute => out.push_str(status_mute(values.status)),
            Part::Banner => out.push_str(&status_banner(values.status)),
        }
    }
    Ok(())
}

/// The cleaned values of one badge.
struct Values {
    certification_name: String,
    holder_name: String,
    issued_on: String,
    expires_on: Option<String>,
    qr: String,
    status: BadgeStatus,
}

impl Values {
    fn new(cert: &Certification, data: &BadgeData) -> Result<Self, RenderError> {
        let mut certification_name = clean(&data.certification_name);
        if certification_name.is_empty() {
            certification_name = clean(&cert.name);
        }
        Ok(Values {
            certification_name,
            holder_name: clean(&data.holder_name),
            issued_on: clean(&data.issued_on),
            expires_on: data.expires_on.as_deref().map(clean),
            qr: qr::qr_elements(&data.verify_url, QR_SIZE)?,
            status: data.status,
        })
    }

    fn get(&self, field: Field) -> &str {
        match field {
            Field::CertificationName => &self.certification_name,
            Field::HolderName => &self.holder_name,
            Field::IssuedOn => &self.issued_on,
            Field::ExpiresOn => self.expires_on.as_deref().unwrap_or(""),
        }
    }
}

/// Fills the certification's template: every user-supplied string XML-escaped (&, <, >, ", '), the holder name wrapped onto two lines or shrunk (font-size reduced) so it never overflows its area — measure with the real font metrics (e.g. lay out with usvg and check bbox, or use ttf-parser via fontdb's face data to sum advances), very long names (200 chars) end in an ellipsis; RTL (Arabic/Hebrew) and CJK render via the fallback font; the QR of verify_url replaces {{qr}}; a non-valid status adds a clear diagonal or horizontal banner ("REVOKED", "SUSPENDED", "EXPIRED") across the badge. Deterministic output (same input → same bytes).
///
/// The certification name shown is `data.certification_name` when set,
/// otherwise `cert.name`. See the module documentation for the rules.
///
/// # Errors
/// [`RenderError::Template`] for a template that is not well-formed or puts
/// `{{qr}}` in an attribute, [`RenderError::Qr`] for a verification URL
/// too long for a QR code, [`RenderError::Svg`] if text cannot be measured.
pub fn badge_svg(cert: &Certification, data: &BadgeData) -> Result<String, RenderError> {
    fill(cert, &Values::new(cert, data)?)
}

/// [`badge_svg`] from cleaned values.
fn fill(cert: &Certification, values: &Values) -> Result<String, RenderError> {
    let prepared = prepared(&cert.template_svg)?;
    let mut out = String::with_capacity(cert.template_svg.len() + values.qr.len() + 2048);
    write_parts(&mut out, &prepared.parts, &prepared, values)?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------

/// Parses an SVG with the bundled fonts.
fn parse_svg(svg: &str) -> Result<usvg::Tree, RenderError> {
    usvg::Tree::from_str(svg, &fonts::options()).map_err(|e| RenderError::Svg(e.to_string()))
}

/// Draws `tree` scaled uniformly to fit `width`×`height`, centred.
fn draw(
    tree: &usvg::Tree,
    pixmap: &mut tiny_skia::Pixmap,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
) {
    let size = tree.size();
    let scale = (width / size.width()).min(height / size.height());
    let dx = x + (width - size.width() * scale) / 2.0;
    let dy = y + (height - size.height() * scale) / 2.0;
    let transform = tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    resvg::render(tree, transform, &mut pixmap.as_mut());
}

/// Canvases kept for reuse: allocating (and faulting in) a fresh 1.4 to
/// 5.8 MB canvas for every badge costs as much as drawing half of it.
static CANVASES: Mutex<Vec<tiny_skia::Pixmap>> = Mutex::new(Vec::new());

/// At most this many canvases are kept (a few per size in use).
const KEPT_CANVASES: usize = 6;

/// A transparent canvas, reused when one of that size is free.
fn canvas(width: u32, height: u32) -> Result<tiny_skia::Pixmap, RenderError> {
    let reused = {
        let mut kept = CANVASES.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter()
            .position(|p| p.width() == width && p.height() == height)
            .map(|i| kept.swap_remove(i))
    };
    if let Some(mut pixmap) = reused {
        pixmap.fill(tiny_skia::Color::TRANSPARENT);
        return Ok(pixmap);
    }
    tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| RenderError::Png(format!("cannot allocate a {width}×{height} image")))
}

/// Encodes a canvas as an RGBA PNG (fast DEFLATE, Paeth filter) and keeps
/// the canvas for reuse. Colours are demultiplied in place: tiny-skia
/// stores premultiplied alpha, PNG straight alpha.
fn encode_png(mut pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, RenderError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    for pixel in pixmap.data_mut().chunks_exact_mut(4) {
        let alpha = u32::from(pixel[3]);
        // Opaque and fully transparent pixels are already straight colour.
        if alpha != 0 && alpha != 255 {
            for channel in &mut pixel[..3] {
                let straight = (u32::from(*channel) * 255 + alpha / 2) / alpha;
                *channel = u8::try_from(straight.min(255)).unwrap_or(u8::MAX);
            }
        }
    }
    let mut out = Vec::with_capacity(pixmap.data().len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        // Paeth: nearly the size of adaptive filtering (badges are flat
        // colour and gradients) in three quarters of the time.
        encoder.set_filter(png::Filter::Paeth);
        let mut writer = encoder
            .write_header()
            .map_err(|e| RenderError::Png(e.to_string()))?;
        writer
            .write_image_data(pixmap.data())
            .map_err(|e| RenderError::Png(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| RenderError::Png(e.to_string()))?;
    }
    let mut kept = CANVASES.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() < KEPT_CANVASES {
        kept.push(pixmap);
    }
    Ok(out)
}

/// PNG of an SVG at size×size (600 or 1200).
///
/// The SVG is drawn scaled to fit the square, with the bundled fonts only;
/// the background stays transparent where the SVG draws nothing.
///
/// # Errors
/// [`RenderError::UnsupportedSize`] for any other size,
/// [`RenderError::Svg`] when the SVG does not parse, [`RenderError::Png`]
/// when encoding fails.
pub fn render_png(svg: &str, size: u32) -> Result<Vec<u8>, RenderError> {
    if !BADGE_SIZES.contains(&size) {
        return Err(RenderError::UnsupportedSize(size));
    }
    let tree = parse_svg(svg)?;
    let mut canvas = canvas(size, size)?;
    let side = size as f32;
    draw(&tree, &mut canvas, 0.0, 0.0, side, side);
    encode_png(canvas)
}

// ---------------------------------------------------------------------------
// Open Graph image
// ---------------------------------------------------------------------------

/// A `#rrggbb` colour, or `fallback` when `value` is anything else.
fn color_or<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    let ok = value.len() == 7
        && value.starts_with('#')
        && value[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok { value } else { fallback }
}

/// The host (and port) of a URL, without user information; the text up to
/// the first `/` when there is no scheme.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

/// Left edge of the text column of the share image.
const OG_TEXT_X: f64 = 636.0;
/// Width of the text column of the share image.
const OG_TEXT_WIDTH: f64 = 520.0;

/// Writes fitted lines as one left-aligned `<text>` with a `<tspan>` per
/// line; returns the baseline of the last line.
fn og_text(
    out: &mut String,
    id: &str,
    attrs: &str,
    fitted: &Fitted,
    first_baseline: f64,
    pitch: f64,
) -> f64 {
    let _ = write!(
        out,
        r#"<text id="{id}" x="{x}" font-size="{}"{attrs}>"#,
        qr::number(fitted.size),
        x = qr::number(OG_TEXT_X),
    );
    let mut y = first_baseline;
    for (i, line) in fitted.lines.iter().enumerate() {
        y = first_baseline + pitch * fitted.size * i as f64;
        let _ = write!(
            out,
            r#"<tspan x="{}" y="{}">"#,
            qr::number(OG_TEXT_X),
            qr::number(floor2(y))
        );
        escape_into(out, line);
        out.push_str("</tspan>");
    }
    out.push_str("</text>");
    y
}

/// The share image's background: dark, lit from behind the badge in the
/// certification's colours, with a divider and a colour bar at the bottom.
fn og_background_svg(primary: &str, secondary: &str) -> String {
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"##,
            r##"<defs>"##,
            r##"<linearGradient id="og-bg" x1="0" y1="0" x2="1" y2="1">"##,
            r##"<stop offset="0" stop-color="#241e35"/><stop offset="1" stop-color="#120f1a"/></linearGradient>"##,
            r##"<radialGradient id="og-glow" cx="0.5" cy="0.5" r="0.5">"##,
            r##"<stop offset="0" stop-color="{secondary}" stop-opacity="0.42"/>"##,
            r##"<stop offset="0.55" stop-color="{primary}" stop-opacity="0.14"/>"##,
            r##"<stop offset="1" stop-color="{primary}" stop-opacity="0"/></radialGradient>"##,
            r##"<linearGradient id="og-bar" x1="0" y1="0" x2="1" y2="0">"##,
            r##"<stop offset="0" stop-color="{primary}"/><stop offset="1" stop-color="{secondary}"/></linearGradient>"##,
            r##"</defs>"##,
            r##"<rect width="{w}" height="{h}" fill="url(#og-bg)"/>"##,
            r##"<circle cx="310" cy="306" r="330" fill="url(#og-glow)"/>"##,
            r##"<g fill="none" stroke="#ffffff" stroke-width="1.5">"##,
            r##"<circle cx="310" cy="306" r="292" stroke-opacity="0.06"/>"##,
            r##"<circle cx="310" cy="306" r="340" stroke-opacity="0.04"/>"##,
            r##"<circle cx="310" cy="306" r="392" stroke-opacity="0.03"/></g>"##,
            r##"<path d="M606 64V563" stroke="#ffffff" stroke-width="1" stroke-opacity="0.12"/>"##,
            r##"<rect y="{bar_y}" width="{w}" height="12" fill="url(#og-bar)"/></svg>"##,
        ),
        w = OG_WIDTH,
        h = OG_HEIGHT,
        primary = primary,
        secondary = secondary,
        bar_y = OG_HEIGHT - 12,
    )
}

/// A rendered share-image background and its (primary, secondary) colours.
type Background = ((String, String), Arc<tiny_skia::Pixmap>);

/// Rendered share-image backgrounds, by colours.
static OG_BACKGROUNDS: Mutex<Vec<Background>> = Mutex::new(Vec::new());

/// The share image's background for these colours, rendered once.
fn og_background(primary: &str, secondary: &str) -> Result<Arc<tiny_skia::Pixmap>, RenderError> {
    let key = (primary.to_owned(), secondary.to_owned());
    {
        let cached = OG_BACKGROUNDS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, pixmap)) = cached.iter().find(|(k, _)| *k == key) {
            return Ok(Arc::clone(pixmap));
        }
    }
    let tree = parse_svg(&og_background_svg(primary, secondary))?;
    let mut pixmap = tiny_skia::Pixmap::new(OG_WIDTH, OG_HEIGHT)
        .ok_or_else(|| RenderError::Png("cannot allocate the share image".to_owned()))?;
    draw(
        &tree,
        &mut pixmap,
        0.0,
        0.0,
        OG_WIDTH as f32,
        OG_HEIGHT as f32,
    );
    let pixmap = Arc::new(pixmap);
    let mut cached = OG_BACKGROUNDS.lock().unwrap_or_else(|e| e.into_inner());
    if cached.len() >= 8 {
        cached.clear();
    }
    cached.push((key, Arc::clone(&pixmap)));
    Ok(pixmap)
}

/// The share image's text column (drawn over [`og_background`]).
fn og_svg(cert: &Certification, values: &Values, verify_url: &str) -> Result<String, RenderError> {
    let primary = color_or(&cert.art.primary, "#fc6d26");
    let secondary = color_or(&cert.art.secondary, "#fca326");
    let mut out = String::with_capacity(4000);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><g font-family="{FONT_STACK}">"#,
        w = OG_WIDTH,
        h = OG_HEIGHT,
    );

    let title = fit_text(
        &values.certification_name,
        r#" font-weight="700""#,
        46.0,
        OG_TEXT_WIDTH,
        FitRules {
            max_lines: 2,
            single_min: 0.9,
            double_max: 1.0,
            double_min: 0.66,
        },
    )?;
    let holder = fit_text(
        &values.holder_name,
        r#" font-weight="600""#,
        40.0,
        OG_TEXT_WIDTH,
        FitRules {
            max_lines: 2,
            single_min: 0.8,
            double_max: 0.8,
            double_min: 0.6,
        },
    )?;

    // The upper block (kicker to dates) is centred in the room the lower
    // block (verification or status) leaves, up to 36 units lower.
    let extra_lines = |f: &Fitted, pitch: f64| pitch * f.size * (f.lines.len().max(1) - 1) as f64;
    let dates_at_top =
        166.0 + extra_lines(&title, 1.16) + 26.0 + 44.0 + 44.0 + extra_lines(&holder, 1.2) + 40.0;
    let lower_top = if values.status.banner().is_some() {
        446.0
    } else {
        487.0
    };
    let dy = floor2(((lower_top - 40.0 - dates_at_top) / 2.0).clamp(0.0, 36.0));

    // Kicker: "CERTIFICATION · GL-CICD".
    let mut kicker = String::from("CERTIFICATION");
    if let Some(code) = cert
        .human_code
        .as_deref()
        .map(clean)
        .filter(|c| !c.is_empty())
    {
        kicker.push_str("\u{2002}·\u{2002}");
        kicker.push_str(&code.to_uppercase());
    }
    let kicker_fit = fit_text(
        &kicker,
        r#" font-weight="700" letter-spacing="3""#,
        17.0,
        OG_TEXT_WIDTH,
        CERT_RULES,
    )?;
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" font-size="{}" font-weight="700" letter-spacing="{}" fill="{secondary}">"#,
        qr::number(OG_TEXT_X),
        qr::number(108.0 + dy),
        qr::number(kicker_fit.size),
        qr::number(floor2(3.0 * kicker_fit.size / 17.0))
    );
    escape_into(
        &mut out,
        kicker_fit.lines.first().map_or("", String::as_str),
    );
    out.push_str("</text>");

    // Certification name.
    let title_attrs = r##" font-weight="700" fill="#ffffff""##;
    let mut y = og_text(
        &mut out,
        "og-certification-name",
        title_attrs,
        &title,
        166.0 + dy,
        1.16,
    );

    // Accent rule, "AWARDED TO", holder name.
    y += 26.0;
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="72" height="5" rx="2.5" fill="{primary}"/>"#,
        qr::number(OG_TEXT_X),
        qr::number(y)
    );
    y += 44.0;
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="16" font-weight="700" letter-spacing="3" fill="#a49dba">AWARDED TO</text>"##,
        qr::number(OG_TEXT_X),
        qr::number(y)
    );
    let holder_attrs = r##" font-weight="600" fill="#ffffff""##;
    y = og_text(
        &mut out,
        "og-holder-name",
        holder_attrs,
        &holder,
        y + 44.0,
        1.2,
    );

    // Dates.
    let mut dates = format!("Issued {}", values.issued_on);
    match &values.expires_on {
        Some(expires) => {
            dates.push_str("\u{2002}\u{2002}·\u{2002}\u{2002}Valid until ");
            dates.push_str(expires);
        }
        None => dates.push_str("\u{2002}\u{2002}·\u{2002}\u{2002}No expiry date"),
    }
    let dates_fit = fit_text(&dates, "", 21.0, OG_TEXT_WIDTH, CERT_RULES)?;
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="{}" fill="#d4cfe0">"##,
        qr::number(OG_TEXT_X),
        qr::number(floor2(y + 40.0)),
        qr::number(dates_fit.size)
    );
    escape_into(&mut out, dates_fit.lines.first().map_or("", String::as_str));
    out.push_str("</text>");

    // Status, or the verification hint.
    match values.status.banner() {
        Some(label) => {
            let (color, _) = values.status.colors();
            let sentence = fit_text(
                values.status.sentence(),
                "",
                19.0,
                OG_TEXT_WIDTH,
                CERT_RULES,
            )?;
            let _ = write!(
                out,
                concat!(
                    r##"<rect x="{x}" y="446" width="{pill}" height="40" rx="20" fill="{color}"/>"##,
                    r##"<text x="{tx}" y="473" font-size="19" font-weight="700" letter-spacing="3" "##,
                    r##"text-anchor="middle" fill="#ffffff">{label}</text>"##,
                    r##"<text x="{x}" y="520" font-size="{size}" fill="#f1dede">{sentence}</text>"##,
                ),
                x = qr::number(OG_TEXT_X),
                pill = 180,
                color = color,
                tx = qr::number(OG_TEXT_X + 90.0),
                label = label,
                size = qr::number(sentence.size),
                sentence = escape(sentence.lines.first().map_or("", String::as_str)),
            );
        }
        None => {
            let _ = write!(
                out,
                concat!(
                    r##"<g transform="translate({x} 487)">"##,
                    r##"<path d="M15 1L28 6V15C28 23 22.5 29 15 32C7.5 29 2 23 2 15V6Z" fill="{primary}"/>"##,
                    r##"<path d="M9 16L13.5 20.5L21.5 11.5" stroke="#ffffff" stroke-width="3" "##,
                    r##"stroke-linecap="round" stroke-linejoin="round" fill="none"/></g>"##,
                ),
                x = qr::number(OG_TEXT_X),
                primary = primary,
            );
        }
    }
    let host = clean(host_of(verify_url));
    let verify = format!("Verify at {host}");
    let verify_fit = fit_text(
        &verify,
        r#" font-weight="700""#,
        22.0,
        OG_TEXT_WIDTH - 44.0,
        CERT_RULES,
    )?;
    let verify_y = if values.status.banner().is_some() {
        562.0
    } else {
        511.0
    };
    let verify_x = if values.status.banner().is_some() {
        OG_TEXT_X
    } else {
        OG_TEXT_X + 44.0
    };
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="{}" font-weight="700" fill="#ffffff">"##,
        qr::number(verify_x),
        qr::number(verify_y),
        qr::number(verify_fit.size)
    );
    escape_into(
        &mut out,
        verify_fit.lines.first().map_or("", String::as_str),
    );
    out.push_str("</text>");
    if values.status.banner().is_none() {
        out.push_str(r##"<text x=""##);
        out.push_str(&qr::number(OG_TEXT_X + 44.0));
        out.push_str(r##"" y="540" font-size="16" fill="#a49dba">Scan the QR code or visit the link to check it is genuine</text>"##);
    }
    out.push_str("</g></svg>");
    Ok(out)
}

/// The 1200×627 Open Graph / LinkedIn share image (PNG): the badge on the left, certification name, holder, dates and "Verify at `host`" on the right, banner when not valid; designed, not plain.
///
/// The badge is the one [`badge_svg`] makes (with its QR code and status
/// banner), drawn 540 pixels high on a dark background lit in the
/// certification's colours.
///
/// # Errors
/// As [`badge_svg`], plus [`RenderError::Png`] when encoding fails.
pub fn og_image(cert: &Certification, data: &BadgeData) -> Result<Vec<u8>, RenderError> {
    let values = Values::new(cert, data)?;
    let badge = parse_svg(&fill(cert, &values)?)?;
    let text = parse_svg(&og_svg(cert, &values, &data.verify_url)?)?;
    let background = og_background(
        color_or(&cert.art.primary, "#fc6d26"),
        color_or(&cert.art.secondary, "#fca326"),
    )?;
    let mut canvas = canvas(OG_WIDTH, OG_HEIGHT)?;
    canvas.data_mut().copy_from_slice(background.data());
    draw(
        &text,
        &mut canvas,
        0.0,
        0.0,
        OG_WIDTH as f32,
        OG_HEIGHT as f32,
    );
    draw(&badge, &mut canvas, 40.0, 40.0, 540.0, 540.0);
    encode_png(canvas)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use std::path::Path;

    const URL: &str = "https://certs.example.com/v/0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0001";

    fn catalog() -> Catalog {
        Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("badges")).unwrap()
    }

    fn data(cert: &Certification, holder: &str, status: BadgeStatus) -> BadgeData {
        BadgeData {
            certification_name: cert.name.clone(),
            holder_name: holder.to_owned(),
            issued_on: "25 Nov 2026".to_owned(),
            expires_on: Some("25 Nov 2028".to_owned()),
            verify_url: URL.to_owned(),
            status,
        }
    }

    fn long_name() -> String {
        "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt de la Cruz y Montenegro "
            .repeat(3)
            .chars()
            .take(200)
            .collect()
    }

    /// The decoded QR codes found in a PNG (composited over white, to luma).
    fn decode_qr(png: &[u8]) -> Vec<String> {
        let rgba = image::load_from_memory(png).unwrap().to_rgba8();
        let over_white = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            let p = rgba.get_pixel(x, y);
            let a = u32::from(p[3]);
            let mix = |c: u8| ((u32::from(c) * a + 255 * (255 - a)) / 255) as u8;
            image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
        });
        let luma = image::DynamicImage::ImageRgb8(over_white).to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(luma);
        prepared
            .detect_grids()
            .into_iter()
            .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
            .collect()
    }

    fn png_size(png: &[u8]) -> (u32, u32) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        (reader.info().width, reader.info().height)
    }

    /// The holder name's text node in the laid-out badge.
    fn holder_node(tree: &usvg::Tree) -> &usvg::Text {
        match tree.node_by_id(HOLDER_NAME_ID) {
            Some(usvg::Node::Text(text)) => text,
            other => panic!("no holder text node: {other:?}"),
        }
    }

    fn holder_slot(cert: &Certification) -> Slot {
        prepared(&cert.template_svg)
            .unwrap()
            .slots
            .iter()
            .find(|s| s.kind == SlotKind::Holder)
            .cloned()
            .unwrap()
    }

    /// The text content of the element with `id` in `svg`.
    fn text_of(svg: &str, id: &str) -> String {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let node = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap();
        node.descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn golden_svgs_match_byte_for_byte() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let cases = [
            (
                "badge-gitlab-ci-cd-specialist.svg",
                data(cert, "Ada Lovelace", BadgeStatus::Valid),
            ),
            (
                "badge-gitlab-ci-cd-specialist-revoked-two-lines.svg",
                data(
                    cert,
                    "Bartholomew Montgomery-Fitzgerald",
                    BadgeStatus::Revoked,
                ),
            ),
        ];
        let update = std::env::var("ROSETTE_UPDATE_GOLDEN").is_ok_and(|v| v == "1");
        for (file, data) in cases {
            let svg = badge_svg(cert, &data).unwrap();
            assert_eq!(badge_svg(cert, &data).unwrap(), svg, "deterministic");
            let path = golden.join(file);
            if update {
                std::fs::create_dir_all(&golden).unwrap();
                std::fs::write(&path, &svg).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e}; run with ROSETTE_UPDATE_GOLDEN=1 to create it",
                    path.display()
                )
            });
            assert!(
                svg == expected,
                "{file} differs from the golden file; if the change is intended, rerun with \
                 ROSETTE_UPDATE_GOLDEN=1 and review the diff"
            );
        }
    }

    #[test]
    fn qr_code_decodes_from_600_and_1200_pngs_and_the_og_image() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-certified-associate").unwrap();
        let d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
        let svg = badge_svg(cert, &d).unwrap();
        for size in BADGE_SIZES {
            let png = render_png(&svg, size).unwrap();
            assert_eq!(decode_qr(&png), [URL], "{size} px");
        }
        assert_eq!(decode_qr(&og_image(cert, &d).unwrap()), [URL], "og image");
        // Still scannable under a status banner.
        let revoked = data(cert, "Ada Lovelace", BadgeStatus::Revoked);
        let png = render_png(&badge_svg(cert, &revoked).unwrap(), 600).unwrap();
        assert_eq!(decode_qr(&png), [URL], "revoked");
    }

    #[test]
    fn hostile_holder_names_are_escaped_and_stay_in_the_name_area() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
        let slot = holder_slot(cert);
        let (left, top, right, bottom) = slot.area();
        assert_eq!((left, right), (140.0, 460.0));
        let long = long_name();
        let names = [
            "<script>&\"'",
            "Robert'); DROP TABLE",
            "محمد عبد الله",
            "דוד בן-גוריון",
            "山田太郎",
            "🎓👩\u{200D}💻",
            long.as_str(),
            "Zoe\u{0308} Cafe\u{0301} Nguye\u{0302}\u{0303}n",
            "Bartholomew Montgomery-Fitzgerald",
            "山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎",
            "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessenschafewarenwohlgepflegeundsorgfaltigkeitbeschutzenvonangreifendurchihrraubgierigfeindewelche",
            "Wolfeschlegelsteinhausenbergerdorff",
            "\u{0301}\u{202E}evil\u{0000} \t name\u{FFFF}",
            "]]><!-- --> </text></svg>",
        ];
        for name in names {
            let svg = badge_svg(cert, &data(cert, name, BadgeStatus::Valid)).unwrap();
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!svg.contains("<script"), "{name}");
            assert!(
                !svg.contains("\u{202E}") && !svg.contains('\u{0}'),
                "{name}"
            );
            let tree = parse_svg(&svg).unwrap();
            let text = holder_node(&tree);
            let bbox = text.abs_bounding_box();
            let inside = f64::from(bbox.left()) >= left - 0.01
                && f64::from(bbox.right()) <= right + 0.01
                && f64::from(bbox.top()) >= top - 0.01
                && f64::from(bbox.bottom()) <= bottom + 0.01;
            assert!(inside, "{name}: {bbox:?} not inside {:?}", slot.area());
            render_png(&svg, 600).unwrap();
        }
    }

    #[test]
    fn user_text_is_escaped_everywhere_it_appears() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
        let mut d = data(cert, "<script>&\"'", BadgeStatus::Valid);
        d.issued_on = "<b>1 Jan</b>".to_owned();
        d.expires_on = Some("\"2 Jan\" & 'x'".to_owned());
        let svg = badge_svg(cert, &d).unwrap();
        assert!(svg.contains("&lt;script&gt;&amp;&quot;&apos;"));
        assert!(svg.contains("ISSUED &lt;B&gt;1 JAN&lt;/B&gt;"));
        assert!(svg.contains("VALID UNTIL &quot;2 JAN&quot; &amp; &apos;X&apos;"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(title.text(), Some("GitLab CI/CD Specialist: <script>&\"'"));
        assert_eq!(text_of(&svg, HOLDER_NAME_ID), "<script>&\"'");
    }

    /// Every text node of a laid-out tree with its text.
    fn texts(tree: &usvg::Tree) -> Vec<(String, usvg::Rect)> {
        fn walk(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect)>) {
            for node in group.children() {
                match node {
                    usvg::Node::Group(g) => walk(g, out),
                    usvg::Node::Text(t) => {
                        let text = t.chunks().iter().map(|c| c.text()).collect::<String>();
                        out.push((text, t.abs_bounding_box()));
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(tree.root(), &mut out);
        out
    }

    #[test]
    fn long_dates_shrink_to_their_width() {
        let catalog = catalog();
        for cert in &catalog {
            let mut d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
            d.issued_on = "Wednesday, 25 November 2026 at 14:35 UTC".to_owned();
            d.expires_on = Some("Saturday, 25 November 2028 at 14:35 UTC".to_owned());
            let svg = badge_svg(cert, &d).unwrap();
            let tree = parse_svg(&svg).unwrap();
            let all = texts(&tree);
            for (prefix, width) in [("ISSUED WEDNESDAY", 240.0), ("VALID UNTIL SATURDAY", 212.0)] {
                let (_, bbox) = all.iter().find(|(t, _)| t.starts_with(prefix)).unwrap();
                assert!(
                    f64::from(bbox.width()) <= width + 0.01,
                    "{prefix}: {bbox:?}"
                );
                assert!((f64::from(bbox.left()) - (300.0 - width / 2.0)) > -0.01);
            }
            // Short dates keep the template's size.
            let svg = badge_svg(cert, &data(cert, "Ada", BadgeStatus::Valid)).unwrap();
            assert!(
                svg.contains(r#"data-fit-width="240" font-size="12" letter-spacing="1.5">ISSUED 25 NOV 2026</text>"#)
            );
        }
    }

    #[test]
    fn long_names_wrap_then_end_in_an_ellipsis() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-certified-associate").unwrap();
        let svg = badge_svg(cert, &data(cert, &long_name(), BadgeStatus::Valid)).unwrap();
        let lines = text_of(&svg, HOLDER_NAME_ID);
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].ends_with(ELLIPSIS), "{lines:?}");
        assert!(lines[0].starts_with("Maximiliana Alexandrina"));

        let svg = badge_svg(
            cert,
            &data(
                cert,
                "Bartholomew Montgomery-Fitzgerald",
                BadgeStatus::Valid,
            ),
        )
        .unwrap();
        assert_eq!(
            text_of(&svg, HOLDER_NAME_ID),
            "Bartholomew\nMontgomery-Fitzgerald"
        );

        // One long word: a smaller single line rather than a cut word.
        let svg = badge_svg(
            cert,
            &data(
                cert,
                "Wolfeschlegelsteinhausenbergerdorff",
                BadgeStatus::Valid,
            ),
        )
        .unwrap();
        assert_eq!(
            text_of(&svg, HOLDER_NAME_ID),
            "Wolfeschlegelsteinhausenbergerdorff"
        );

        // Short names keep the template's size; longer ones shrink first.
        let short = badge_svg(cert, &data(cert, "Ada Lovelace", BadgeStatus::Valid)).unwrap();
        assert!(short.contains(r#"id="holder-name" font-size="21">Ada Lovelace</text>"#));
        let svg = badge_svg(
            cert,
            &data(cert, "Alexandra Konstantinopoulou", BadgeStatus::Valid),
        )
        .unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let node = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(HOLDER_NAME_ID))
            .unwrap();
        let size: f64 = node.attribute("font-size").unwrap().parse().unwrap();
        assert!(
            (21.0 * HOLDER_RULES.single_min..21.0).contains(&size),
            "{size}"
        );
        assert_eq!(node.text(), Some("Alexandra Konstantinopoulou"));
    }

    #[test]
    fn rtl_and_cjk_names_are_drawn_with_real_glyphs() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-innersourcing-specialist").unwrap();
        for (name, family) in [
            ("محمد عبد الله", fonts::PRIMARY_FAMILY),
            ("דוד בן-גוריון", fonts::PRIMARY_FAMILY),
            ("山田太郎", fonts::FALLBACK_FAMILY),
            ("やまだ タロウ", fonts::FALLBACK_FAMILY),
            ("김민준 이서연", fonts::HANGUL_FAMILY),
        ] {
            let svg = badge_svg(cert, &data(cert, name, BadgeStatus::Valid)).unwrap();
            let tree = parse_svg(&svg).unwrap();
            let glyphs: Vec<_> = holder_node(&tree)
                .layouted()
                .iter()
                .flat_map(|span| span.positioned_glyphs.iter())
                .filter(|g| !g.text.trim().is_empty())
                .collect();
            assert!(!glyphs.is_empty(), "{name}");
            for glyph in glyphs {
                assert_ne!(glyph.id.0, 0, "{name}: no glyph for {:?}", glyph.text);
                let face = tree.fontdb().face(glyph.font).unwrap();
                assert_eq!(face.families[0].0, family, "{name}");
            }
        }
        // Arabic is shaped right to left: the first letter is drawn rightmost.
        let svg = badge_svg(cert, &data(cert, "محمد", BadgeStatus::Valid)).unwrap();
        let tree = parse_svg(&svg).unwrap();
        let glyphs: Vec<_> = holder_node(&tree)
            .layouted()
            .iter()
            .flat_map(|span| span.positioned_glyphs.iter())
            .collect();
        let first = glyphs.iter().find(|g| g.text.starts_with('م')).unwrap();
        let last = glyphs.iter().find(|g| g.text.starts_with('د')).unwrap();
        assert!(first.transform().tx > last.transform().tx);
    }

    #[test]
    fn characters_no_font_has_are_left_out_of_the_drawing_not_the_title() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
        let svg = badge_svg(cert, &data(cert, "🎓👩\u{200D}💻 Ada", BadgeStatus::Valid)).unwrap();
        assert_eq!(text_of(&svg, HOLDER_NAME_ID), "Ada");
        assert!(svg.contains("GitLab CI/CD Specialist: 🎓👩\u{200D}💻 Ada</title>"));
        // Only emoji: drawn as is rather than nothing.
        let svg = badge_svg(cert, &data(cert, "🎓", BadgeStatus::Valid)).unwrap();
        assert_eq!(text_of(&svg, HOLDER_NAME_ID), "🎓");
    }

    #[test]
    fn png_sizes_and_unsupported_sizes() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
        let d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
        let svg = badge_svg(cert, &d).unwrap();
        for size in BADGE_SIZES {
            assert_eq!(png_size(&render_png(&svg, size).unwrap()), (size, size));
        }
        for size in [0, 1, 599, 601, 1199, 1201, 4096, u32::MAX] {
            let err = render_png(&svg, size).unwrap_err();
            assert!(
                matches!(err, RenderError::UnsupportedSize(s) if s == size),
                "{size}"
            );
            assert_eq!(err.code(), "render_unsupported_size");
        }
        assert_eq!(
            png_size(&og_image(cert, &d).unwrap()),
            (OG_WIDTH, OG_HEIGHT)
        );
        assert_eq!((OG_WIDTH, OG_HEIGHT), (1200, 627));
        assert!(matches!(render_png("<svg", 600), Err(RenderError::Svg(_))));
        assert!(matches!(render_png("", 600), Err(RenderError::Svg(_))));
    }

    #[test]
    fn status_banner_only_when_not_valid() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-project-management-specialist").unwrap();
        let labels = ["REVOKED", "SUSPENDED", "EXPIRED"];
        for status in [
            BadgeStatus::Valid,
            BadgeStatus::Revoked,
            BadgeStatus::Suspended,
            BadgeStatus::Expired,
        ] {
            let svg = badge_svg(cert, &data(cert, "Ada Lovelace", status)).unwrap();
            roxmltree::Document::parse(&svg).unwrap();
            match status.banner() {
                None => {
                    for label in labels {
                        assert!(!svg.contains(label), "{label}");
                    }
                    assert!(!svg.contains(STATUS_BANNER_ID));
                    assert!(!svg.contains("filter="));
                }
                Some(label) => {
                    assert_eq!(text_of(&svg, STATUS_BANNER_ID), label);
                    for other in labels.iter().filter(|l| **l != label) {
                        assert!(!svg.contains(other), "{other}");
                    }
                    let tree = parse_svg(&svg).unwrap();
                    assert!(tree.node_by_id(STATUS_BANNER_ID).is_some());
                }
            }
        }
    }

    #[test]
    fn all_four_certifications_render() {
        let catalog = catalog();
        assert_eq!(catalog.len(), 4);
        for cert in &catalog {
            let d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
            let svg = badge_svg(cert, &d).unwrap();
            assert!(!svg.contains("{{"), "{}", cert.slug.as_str());
            assert!(!svg.contains("<!--"), "comments are dropped");
            assert!(!svg.contains(r#"font-family="Rosette Sans""#));
            assert_eq!(text_of(&svg, CERTIFICATION_NAME_ID), cert.name);
            assert_eq!(text_of(&svg, HOLDER_NAME_ID), "Ada Lovelace");
            let tree = parse_svg(&svg).unwrap();
            // The certification name fits its banner.
            let Some(usvg::Node::Text(name)) = tree.node_by_id(CERTIFICATION_NAME_ID) else {
                panic!("no certification name");
            };
            assert!(name.abs_bounding_box().width() <= 420.0 + 0.01);
            let png = render_png(&svg, 600).unwrap();
            assert_eq!(png_size(&png), (600, 600));
        }
    }

    #[test]
    fn no_expiry_date_and_odd_values() {
        let catalog = catalog();
        let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
        let mut d = data(cert, "", BadgeStatus::Expired);
        d.expires_on = None;
        d.certification_name = String::new();
        let svg = badge_svg(cert, &d).unwrap();
        assert!(svg.contains("NO EXPIRY DATE"));
        assert!(!svg.contains("VALID UNTIL"));
        assert_eq!(
            text_of(&svg, CERTIFICATION_NAME_ID),
            cert.name,
            "falls back to the catalog"
        );
        render_png(&svg, 600).unwrap();
        og_image(cert, &d).unwrap();

        let mut d = data(cert, "Ada", BadgeStatus::Valid);
        d.verify_url = "x".repeat(4000);
        let err = badge_svg(cert, &d).unwrap_err();
        assert!(matches!(err, RenderError::Qr(_)));
        assert_eq!(err.code(), "render_qr");
    }

    #[test]
    fn bad_templates_are_errors_not_panics() {
        let catalog = catalog();
        let mut cert = catalog.get("gitlab-ci-cd-specialist").unwrap().clone();
        let d = data(&cert, "Ada", BadgeStatus::Valid);
        for template in [
            "",
            "<svg",
            "<html/>",
            r#"<svg xmlns="http://www.w3.org/2000/svg"><g id="{{qr}}"/></svg>"#,
        ] {
            cert.template_svg = template.to_owned();
            let err = badge_svg(&cert, &d).unwrap_err();
            assert!(matches!(err, RenderError::Template(_)), "{template}: {err}");
            assert_eq!(err.code(), "render_template");
        }
        // A minimal template without fit hints still fills in.
        cert.template_svg = concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" width="600" height="600">"#,
            r#"<text x="10" y="20" font-family="Rosette Sans">{{certification_name}} {{holder_name}} "#,
            r#"{{issued_on}} {{expires_on}} {{unknown}}</text><g>{{qr}}</g></svg>"#
        )
        .to_owned();
        let svg = badge_svg(&cert, &d).unwrap();
        assert!(svg.contains("GitLab CI/CD Specialist Ada 25 Nov 2026 25 Nov 2028 {{unknown}}"));
        assert_eq!(decode_qr(&render_png(&svg, 600).unwrap()), [URL]);
    }

    #[test]
    fn helpers() {
        assert_eq!(clean("  a \t\n b\u{0}c\u{202E} "), "a bc");
        assert_eq!(clean("\u{0301}x \u{0308}y"), "x y");
        assert_eq!(
            units("e\u{0301}a👩\u{200D}💻"),
            ["e\u{0301}", "a", "👩\u{200D}💻"]
        );
        assert_eq!(escape(r#"<&>"'"#), "&lt;&amp;&gt;&quot;&apos;");
        assert_eq!(
            host_of("https://user:pw@certs.example.com:8443/v/1?x#y"),
            "certs.example.com:8443"
        );
        assert_eq!(host_of("certs.example.com/v/1"), "certs.example.com");
        assert_eq!(color_or("#1f75cb", "#000000"), "#1f75cb");
        assert_eq!(color_or("red\"/><script>", "#000000"), "#000000");
        assert!(is_upper_lettering("ISSUED {{issued_on}}"));
        assert!(!is_upper_lettering("Issued {{issued_on}}"));
        assert!(!is_upper_lettering("{{issued_on}}"));
        for e in [
            RenderError::Svg(String::new()),
            RenderError::Png(String::new()),
        ] {
            assert!(e.code().starts_with("render_"));
        }
    }
}
