//! The Open Graph / LinkedIn share image: the badge on the left, on a dark
//! background lit in the certification's colours, and a text column with
//! the certification, the holder, the dates and where to verify, or the
//! credential's status when it is not valid.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use resvg::tiny_skia;

use super::badge::{BadgeData, BadgeDesign, QR_SIZE, Values, fill};
use super::error::RenderError;
use super::fonts::FONT_STACK;
use super::png::{canvas, draw, encode_png, parse_svg};
use super::qr;
use super::text_fit::{
    CERT_RULES, FitRules, Fitted, clean, escape, escape_into, fit_text, fit_words, floor2,
};

/// Width of the Open Graph share image, in pixels.
pub const OG_WIDTH: u32 = 1200;

/// Height of the Open Graph share image, in pixels.
pub const OG_HEIGHT: u32 = 627;

/// A `#rrggbb` colour, or `fallback` when `value` is anything else.
pub(super) fn color_or<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    let ok = value.len() == 7
        && value.starts_with('#')
        && value[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok { value } else { fallback }
}

/// The host (and port) of a URL, without user information; the text up to
/// the first `/` when there is no scheme.
pub(super) fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

/// The `id` of the share image's printed verification link.
pub(super) const OG_LINK_ID: &str = "og-link";

/// The link shrinks to half its size before it is cut.
const LINK_RULES: FitRules = FitRules {
    max_lines: 1,
    single_min: 0.5,
    double_max: 0.5,
    double_min: 0.5,
};

/// The caption under the badge's QR card on the share image.
const OG_QR_CAPTION: &str = "VERIFY ONLINE";

/// A URL without its scheme, as printed.
pub(super) fn link_of(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

/// What the badge's QR card shows on the share image instead of the code:
/// a shield with a check mark, in a `size`×`size` box.
fn card_mark(primary: &str, size: f64) -> String {
    let scale = size * 0.6 / 33.0;
    let offset = (size - 30.0 * scale) / 2.0;
    format!(
        concat!(
            r##"<rect width="{size}" height="{size}" fill="#ffffff"/>"##,
            r##"<g transform="translate({x} {y}) scale({scale})">"##,
            r##"<path d="M15 1L28 6V15C28 23 22.5 29 15 32C7.5 29 2 23 2 15V6Z" fill="{primary}"/>"##,
            r##"<path d="M9 16L13.5 20.5L21.5 11.5" stroke="#ffffff" stroke-width="3" "##,
            r##"stroke-linecap="round" stroke-linejoin="round" fill="none"/></g>"##,
        ),
        size = qr::number(size),
        x = qr::number(offset),
        y = qr::number((size - 33.0 * scale) / 2.0),
        scale = qr::number(scale),
        primary = primary,
    )
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
pub(super) fn og_svg(
    design: &BadgeDesign<'_>,
    values: &Values,
    verify_url: &str,
) -> Result<String, RenderError> {
    let primary = color_or(design.primary, "#fc6d26");
    let secondary = color_or(design.secondary, "#fca326");
    let mut out = String::with_capacity(4000);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><g font-family="{FONT_STACK}">"#,
        w = OG_WIDTH,
        h = OG_HEIGHT,
    );

    // Names wrap between words (or shrink); they are never cut inside one.
    let title = fit_words(
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
    let holder = fit_words(
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
    if let Some(code) = design.human_code.map(clean).filter(|c| !c.is_empty()) {
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
    // A credential that is not valid shows its status and date instead.
    let mut dates = format!(
        "Issued {}\u{2002}\u{2002}·\u{2002}\u{2002}",
        values.issued_on
    );
    match (values.status.status_line(false), &values.expires_on) {
        (Some(line), _) => dates.push_str(&line),
        (None, Some(expires)) => {
            dates.push_str("Valid until ");
            dates.push_str(expires);
        }
        (None, None) => dates.push_str("No expiry date"),
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
    // The full verification link (the image has no QR code: see og_image).
    let link = clean(link_of(verify_url));
    let link_width = OG_TEXT_WIDTH - (verify_x - OG_TEXT_X);
    let link_fit = fit_text(&link, "", 16.0, link_width, LINK_RULES)?;
    let _ = write!(
        out,
        r##"<text id="{OG_LINK_ID}" x="{}" y="{}" font-size="{}" fill="#a49dba">"##,
        qr::number(verify_x),
        qr::number(verify_y + 29.0),
        qr::number(link_fit.size)
    );
    escape_into(&mut out, link_fit.lines.first().map_or("", String::as_str));
    out.push_str("</text></g></svg>");
    Ok(out)
}

/// The 1200×627 Open Graph / LinkedIn share image (PNG): the badge on the
/// left; on the right the certification name, the holder, the dates (or the
/// status and its date), "Verify at `host`" and the verification link, and
/// a status pill when not valid.
///
/// The badge is the one [`filled_svg`](super::badge::filled_svg) makes
/// (with its status banner), drawn 540 pixels high on a dark background lit
/// in the certification's colours; its QR card shows a shield instead of
/// the code, which would be too small to scan at feed sizes.
///
/// # Errors
/// As [`filled_svg`](super::badge::filled_svg), plus [`RenderError::Png`] when encoding fails.
pub fn og_image(design: &BadgeDesign<'_>, data: &BadgeData) -> Result<Vec<u8>, RenderError> {
    let mut values = Values::new(design, data)?;
    // No QR code: drawn 540 pixels high, its modules would be 3.6 pixels
    // wide at 1200 pixels, 2.4 at 800 and 1.7 at 552 (feed sizes), too
    // small to scan. The printed link replaces it.
    values.qr = card_mark(color_or(design.primary, "#fc6d26"), QR_SIZE);
    values.qr_caption = OG_QR_CAPTION;
    let badge = parse_svg(&fill(design, &values)?)?;
    let text = parse_svg(&og_svg(design, &values, &data.verify_url)?)?;
    let background = og_background(
        color_or(design.primary, "#fc6d26"),
        color_or(design.secondary, "#fca326"),
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
