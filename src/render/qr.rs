//! The verification QR code as SVG elements to nest inside a badge.
//!
//! The `qrcode` crate's own SVG renderer writes a whole document (with an
//! XML declaration); here the module grid is turned into one `<path>` with a
//! horizontal run per dark stretch of a row, which keeps the markup small
//! and the output byte-for-byte stable.
//!
//! The code is built with the crate's encoder, error correction and
//! canvas, but the mask is chosen here: the crate scores the eight masks
//! with the same rules about ten times slower than this (it was most of
//! the time spent on a badge). The scoring is the crate's, rule for rule,
//! so the chosen mask and the modules are the same (a test checks it).

use std::fmt::Write as _;

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel, bits, ec};

use super::error::RenderError;

/// Light modules drawn around the code inside its box. ISO/IEC 18004
/// §6.3.8 asks for four; the badge's white card adds the rest, and two
/// leave room for bigger modules (the code must scan from a 300-pixel
/// badge).
pub const QUIET_ZONE: usize = 2;

/// Error correction level: L (7 %). The code is drawn on screen or print
/// without damage to recover from, and the lowest level keeps a
/// verification URL at version 4 (33 modules), so modules stay large.
pub const EC_LEVEL: EcLevel = EcLevel::L;

/// SVG elements (no XML declaration, no `<svg>` wrapper) drawing the QR
/// code of `text` (error correction [`EC_LEVEL`], a [`QUIET_ZONE`]-module
/// margin) in a `size`×`size` box at the origin: a white background `rect`
/// and the dark modules as one `<path>`.
///
/// When the code with its margin has at most `size` modules, a module is a
/// whole number of units and the code is centred on whole units, so that on
/// a badge drawn at one pixel per unit (or two, or a half) every module
/// edge falls on a pixel edge and the code stays sharp.
///
/// # Errors
/// [`RenderError::Qr`] when `size` is not a positive finite number or
/// `text` is too long for a QR code at level L (about 2,900 bytes).
pub fn qr_elements(text: &str, size: f64) -> Result<String, RenderError> {
    if !size.is_finite() || size <= 0.0 {
        return Err(RenderError::Qr(format!(
            "size {size} is not a positive number"
        )));
    }
    let (width, dark) = modules(text)?;
    let modules = width + 2 * QUIET_ZONE;
    // `modules` is at most 177 + 4, exactly representable.
    let exact = size / modules as f64;
    let scale = if exact >= 1.0 { exact.floor() } else { exact };
    let offset = ((size - scale * modules as f64) / 2.0).floor().max(0.0);

    let mut out = String::with_capacity(96 + width * width * 2);
    let _ = write!(
        out,
        r##"<rect width="{}" height="{}" fill="#ffffff"/><path transform="translate({} {}) scale({})" fill="#000000" shape-rendering="crispEdges" d=""##,
        number(size),
        number(size),
        number(offset),
        number(offset),
        number(scale),
    );
    for (y, row) in dark.chunks(width.max(1)).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row[x] {
                let start = x;
                while x < row.len() && row[x] {
                    x += 1;
                }
                let run = x - start;
                let _ = write!(
                    out,
                    "M{} {}h{run}v1h-{run}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE
                );
            } else {
                x += 1;
            }
        }
    }
    out.push_str(r#""/>"#);
    Ok(out)
}

/// The eight masks, in the order the `qrcode` crate tries them (ties go to
/// the first).
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The QR code of `text` at [`EC_LEVEL`]: its width in modules and the modules
/// row by row (`true` = dark).
fn modules(text: &str) -> Result<(usize, Vec<bool>), RenderError> {
    let too_long = |e: qrcode::types::QrError| {
        RenderError::Qr(format!("cannot encode {} bytes: {e}", text.len()))
    };
    let bits = bits::encode_auto(text.as_bytes(), EC_LEVEL).map_err(too_long)?;
    let version = bits.version();
    let (data, ec) =
        ec::construct_codewords(&bits.into_bytes(), version, EC_LEVEL).map_err(too_long)?;
    let width = usize::try_from(version.width())
        .map_err(|_| RenderError::Qr("unsupported QR version".to_owned()))?;
    let mut canvas = Canvas::new(version, EC_LEVEL);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);

    let mut best: Option<(u32, Vec<bool>)> = None;
    for mask in MASKS {
        let mut masked = canvas.clone();
        masked.apply_mask(mask);
        let dark: Vec<bool> = masked
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        let score = penalty(&dark, width);
        if best.as_ref().is_none_or(|(lowest, _)| score < *lowest) {
            best = Some((score, dark));
        }
    }
    best.map(|(_, dark)| (width, dark))
        .ok_or_else(|| RenderError::Qr("no mask".to_owned()))
}

/// The mask penalty of a module grid, scored as `qrcode` 0.14 does
/// (ISO/IEC 18004 §7.8.3: runs, 2×2 blocks, finder look-alikes, balance),
/// without its constant offset.
fn penalty(dark: &[bool], width: usize) -> u32 {
    if width < 7 || dark.len() != width * width {
        return u32::MAX;
    }
    let at = |x: usize, y: usize| dark[y * width + x];
    let mut score = 0u32;
    for horizontal in [true, false] {
        let get = |line: usize, k: usize| if horizontal { at(k, line) } else { at(line, k) };
        for line in 0..width {
            // Runs of five or more: length − 2 each.
            let mut run = 1u32;
            for k in 1..=width {
                if k < width && get(line, k) == get(line, k - 1) {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run - 2;
                    }
                    run = 1;
                }
            }
            // Dark-light-dark-dark-dark-light-dark without four light
            // modules (or the edge) on both sides: 40 each.
            for j in 0..width - 6 {
                let pattern = [true, false, true, true, true, false, true];
                if (0..7).any(|i| get(line, j + i) != pattern[i]) {
                    continue;
                }
                let dark_in = |from: usize, to: usize| (from..to.min(width)).any(|k| get(line, k));
                if !dark_in(j.saturating_sub(4), j) || !dark_in(j + 7, j + 11) {
                    score += 40;
                }
            }
        }
    }
    // 2×2 blocks of one colour: 3 each.
    for y in 0..width - 1 {
        for x in 0..width - 1 {
            let c = at(x, y);
            if at(x + 1, y) == c && at(x, y + 1) == c && at(x + 1, y + 1) == c {
                score += 3;
            }
        }
    }
    // Balance: distance from 50 % dark, in half percents.
    let ratio = dark.iter().filter(|d| **d).count() * 200 / dark.len();
    score + u32::try_from(ratio.abs_diff(100)).unwrap_or(u32::MAX)
}

/// A number for an SVG attribute: at most 6 decimals, no trailing zeros.
pub(super) fn number(value: f64) -> String {
    let mut s = format!("{value:.6}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".to_owned() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://certs.example.com/v/0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0001";

    fn decode(svg_body: &str, size: u32) -> String {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">{svg_body}</svg>"#
        );
        let opts = crate::render::fonts::options();
        let tree = resvg::usvg::Tree::from_str(&svg, &opts).unwrap();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size, size).unwrap();
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::default(),
            &mut pixmap.as_mut(),
        );
        let img = image::GrayImage::from_fn(size, size, |x, y| {
            let p = pixmap.pixel(x, y).unwrap().demultiply();
            image::Luma([p.red()])
        });
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn elements_are_a_background_and_one_path_and_decode() {
        let body = qr_elements(URL, 92.0).unwrap();
        assert!(body.starts_with(r##"<rect width="92" height="92" fill="#ffffff"/>"##));
        assert_eq!(body.matches("<path").count(), 1);
        assert!(!body.contains("<?xml") && !body.contains("<svg"));
        roxmltree::Document::parse(&format!("<g>{body}</g>")).unwrap();
        assert_eq!(decode(&body, 92), URL);
        assert_eq!(decode(&qr_elements(URL, 300.0).unwrap(), 300), URL);
        assert_eq!(qr_elements(URL, 92.0).unwrap(), body, "deterministic");
    }

    #[test]
    fn bad_sizes_and_oversized_text_are_errors() {
        for size in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(qr_elements(URL, size), Err(RenderError::Qr(_))));
        }
        let long = "x".repeat(5000);
        assert!(matches!(qr_elements(&long, 92.0), Err(RenderError::Qr(_))));
        assert!(qr_elements("", 92.0).is_ok());
    }

    #[test]
    fn mask_choice_matches_the_qrcode_crate() {
        for text in [
            URL,
            "",
            "a",
            "HELLO WORLD 1234567890",
            "https://certs.example.com/v/00000000-0000-0000-0000-000000000000",
            &"https://rosette.example.org/v/".repeat(12),
            "山田太郎 محمد",
        ] {
            let code = qrcode::QrCode::with_error_correction_level(text, EC_LEVEL).unwrap();
            let expected: Vec<bool> = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
            assert_eq!(modules(text).unwrap(), (code.width(), expected), "{text}");
        }
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(number(92.0), "92");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(92.0 / 45.0), "2.044444");
        assert_eq!(number(-0.0000001), "0");
    }
}
