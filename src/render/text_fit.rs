//! User text on a badge: made safe to show (cleaned, XML-escaped), split
//! into user-perceived characters, measured with the bundled fonts (usvg
//! layout, so shaping, Arabic and Hebrew joining and the CJK fallback are
//! accounted for) and fitted into a width: shrunk, wrapped onto two lines
//! when allowed, and as a last resort cut with an ellipsis.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use resvg::usvg;

use super::error::RenderError;
use super::{fonts, qr};

/// Longest text measured, in characters; longer values are cut (they end
/// in an ellipsis anyway, as two lines hold far fewer characters).
const MAX_FIT_CHARS: usize = 240;

/// The ellipsis that ends a cut value.
pub(super) const ELLIPSIS: &str = "\u{2026}";

/// Appends `s` with `&`, `<`, `>`, `"` and `'` escaped.
pub(super) fn escape_into(out: &mut String, s: &str) {
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
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// A user-supplied string made safe to show: characters XML 1.0 cannot
/// carry or that only disturb display (controls, U+FFFE/U+FFFF, bidi
/// embeddings and overrides, byte-order marks) removed, white space
/// collapsed to single spaces and trimmed.
pub(super) fn clean(s: &str) -> String {
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
pub(super) fn units(s: &str) -> Vec<&str> {
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
pub(super) fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let s = s.strip_suffix("px").unwrap_or(s).trim();
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Floors `v` to two decimals (font sizes: never rounds up into an overflow).
pub(super) fn floor2(v: f64) -> f64 {
    (v * 100.0).floor() / 100.0
}

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
pub(super) struct FitRules {
    /// 1 (shrink, then cut) or 2 (shrink, then wrap, then cut).
    pub(super) max_lines: usize,
    /// Smallest size for a single line.
    pub(super) single_min: f64,
    /// Largest size for two lines.
    pub(super) double_max: f64,
    /// Smallest size for two lines.
    pub(super) double_min: f64,
}

/// The holder name on the badge: 21 → at least 17 on one line, 13.7–16
/// on two lines.
pub(super) const HOLDER_RULES: FitRules = FitRules {
    max_lines: 2,
    single_min: 0.8,
    double_max: 0.76,
    double_min: 0.62,
};

/// The certification name in the badge's banner: one line, shrunk to 60 %.
pub(super) const CERT_RULES: FitRules = FitRules {
    max_lines: 1,
    single_min: 0.6,
    double_max: 0.6,
    double_min: 0.6,
};

/// A fitted value: its lines and font size.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Fitted {
    pub(super) lines: Vec<String>,
    pub(super) size: f64,
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
    fn best_break(&self) -> Option<(Range<usize>, Range<usize>, f64)> {
        (1..self.units.len())
            .filter(|&i| self.can_break(i))
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

/// `text` (already cleaned) as it will be drawn, and its width at `size`:
/// cut to [`MAX_FIT_CHARS`] (at a space when there is one), and without
/// the characters no bundled font has (emoji, rare scripts), which would
/// show as boxes (the badge's `<title>` keeps the full value), unless
/// nothing would be left.
fn drawable(text: &str, font_attrs: &str, size: f64) -> Result<(String, f64), RenderError> {
    let mut text = if text.chars().count() > MAX_FIT_CHARS {
        let capped: String = text.chars().take(MAX_FIT_CHARS).collect();
        let at_space = capped
            .rfind(' ')
            .filter(|&i| i > capped.len() / 2)
            .unwrap_or(capped.len());
        capped[..at_space].to_owned() + ELLIPSIS
    } else {
        text.to_owned()
    };
    let (widths, missing) = measure_full(font_attrs, size, &[text.as_str()])?;
    let mut whole = widths.first().copied().unwrap_or(0.0);
    if let Some(boxes) = missing.first().filter(|b| !b.is_empty()) {
        let mut kept = text.clone();
        for cluster in boxes {
            kept = kept.replace(cluster.as_str(), " ");
        }
        let kept = clean(&kept);
        if !kept.is_empty() {
            text = kept;
            whole = measure(font_attrs, size, &[text.as_str()])?
                .first()
                .copied()
                .unwrap_or(0.0);
        }
    }
    Ok((text, whole))
}

/// Fits `text` (already cleaned) into `width` user units, starting from
/// `size`: shrinking, wrapping onto two lines (if allowed) at the most
/// balanced break between words, or else as [`fit_words`] does (never
/// inside a word), and cutting a single line with an ellipsis, in that
/// order. The result never measures wider than `width` at its size.
pub(super) fn fit_text(
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
    let (text, whole) = drawable(text, font_attrs, size)?;
    let text = text.as_str();
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
        let natural = m.best_break().filter(|b| b.2 <= floor);
        // Without a break between words, a smaller single line reads
        // better than a word cut in two.
        if natural.is_none() && shrunk >= size * rules.double_min {
            return Ok(single(text.to_owned(), shrunk));
        }
        match natural {
            Some((a, b, _)) => vec![m.text(a), m.text(b)],
            // No balanced break between words fits: fill the lines word
            // by word, ending in an ellipsis after a whole word.
            None => return fit_words(text, font_attrs, size, width, rules),
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

/// Fits `text` (already cleaned) into at most `rules.max_lines` lines of
/// `width` user units, breaking only where a line may break (between
/// words, after a hyphen in a word, around CJK characters), never inside a
/// word: one line shrunk down to `rules.single_min`, or else lines at the
/// largest scale from `rules.double_max` down to `rules.double_min` (in
/// steps of 4 %) at which they fit. Text that does not fit even then keeps
/// `max_lines` lines at the smallest scale, the last ending with an
/// ellipsis after its last whole word. A word wider than a line on its own
/// makes the text smaller still, so that it is not cut either, down to half
/// the smallest scale; only a longer run without a break is cut, with an
/// ellipsis.
pub(super) fn fit_words(
    text: &str,
    font_attrs: &str,
    size: f64,
    width: f64,
    rules: FitRules,
) -> Result<Fitted, RenderError> {
    if text.is_empty() || width <= 0.0 || size <= 0.0 {
        return Ok(Fitted {
            lines: vec![text.to_owned()],
            size: floor2(size),
        });
    }
    let (text, whole) = drawable(text, font_attrs, size)?;
    let shrunk = width / whole.max(f64::MIN_POSITIVE);
    if shrunk >= rules.single_min.min(1.0) {
        return Ok(Fitted {
            lines: vec![text],
            size: floor2(size * shrunk.min(1.0)),
        });
    }
    let (m, ellipsis) = measure_units(&text, font_attrs, size)?;
    let max_lines = rules.max_lines.max(1);
    let min_scale = rules.double_min.clamp(0.05, 1.0);
    let max_scale = rules.double_max.clamp(min_scale, 1.0);
    let wrapped = Wrapped::new(&m);
    // The scale at which the widest word still fits a line, but not below
    // half the smallest scale: a "word" longer than that (no real name
    // has one) is cut with an ellipsis rather than drawn too small to read.
    let word_scale =
        (width / wrapped.widest_word.max(f64::MIN_POSITIVE)).clamp(min_scale / 2.0, 1.0);

    let mut scale = max_scale;
    let mut lines = loop {
        let lines = wrapped.lines(width / scale);
        if (lines.len() <= max_lines && scale <= word_scale) || scale <= min_scale.min(word_scale) {
            break lines;
        }
        scale = (scale - 0.04).max(min_scale.min(word_scale));
    };
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let limit = width / scale - ellipsis;
            while m.width(last.clone()) > limit {
                match (last.start + 1..last.end).rev().find(|&i| m.can_break(i)) {
                    Some(b) => *last = wrapped.trim(last.start..b),
                    None => break,
                }
            }
        }
    }
    let limit = width / scale;
    let mut texts: Vec<String> = lines
        .iter()
        .map(|r| {
            if m.width(r.clone()) > limit {
                m.cut(r.start, limit, ellipsis)
            } else {
                m.text(r.clone())
            }
        })
        .collect();
    if lines.last().is_some_and(|r| r.end < m.units.len())
        && let Some(last) = texts.last_mut().filter(|l| !l.ends_with(ELLIPSIS))
    {
        last.push_str(ELLIPSIS);
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let widest = measure(font_attrs, size, &refs)?
        .into_iter()
        .fold(0.0, f64::max);
    let fitted = if widest > 0.0 {
        (size * scale).min(size * width / widest)
    } else {
        size * scale
    };
    Ok(Fitted {
        lines: texts,
        size: floor2(fitted),
    })
}

/// A measured text cut into words at its allowed line breaks.
struct Wrapped<'m, 'a> {
    m: &'m Measured<'a>,
    /// Where words start (allowed breaks), then the end.
    bounds: Vec<usize>,
    /// The widest word, at the measured size.
    widest_word: f64,
}

impl<'m, 'a> Wrapped<'m, 'a> {
    fn new(m: &'m Measured<'a>) -> Self {
        let n = m.units.len();
        let mut bounds = vec![0];
        bounds.extend((1..n).filter(|&i| m.can_break(i)));
        bounds.push(n);
        let mut wrapped = Wrapped {
            m,
            bounds,
            widest_word: 0.0,
        };
        wrapped.widest_word = wrapped
            .bounds
            .windows(2)
            .map(|w| m.width(wrapped.trim(w[0]..w[1])))
            .fold(0.0, f64::max);
        wrapped
    }

    /// `range` without its trailing spaces.
    fn trim(&self, range: Range<usize>) -> Range<usize> {
        let mut end = range.end;
        while end > range.start && self.m.is_space(end - 1) {
            end -= 1;
        }
        range.start..end
    }

    /// Greedy lines of whole words no wider than `limit` (a word wider
    /// than that has a line of its own).
    fn lines(&self, limit: f64) -> Vec<Range<usize>> {
        let b = &self.bounds;
        let mut lines = Vec::new();
        let mut k = 0;
        while k + 1 < b.len() {
            let mut e = k + 1;
            while e + 1 < b.len() && self.m.width(self.trim(b[k]..b[e + 1])) <= limit {
                e += 1;
            }
            lines.push(self.trim(b[k]..b[e]));
            k = e;
        }
        lines
    }
}
