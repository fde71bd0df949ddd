//! The badge: a certification's template (see [`super::template`]) filled
//! in for one holder.
//!
//! - Values become XML-escaped text (control characters, bidi overrides
//!   and U+FFFE/U+FFFF removed, white space collapsed).
//! - Fitted slots are measured with the bundled fonts and shrunk, or for
//!   the holder wrapped onto two lines between words (never inside one),
//!   and as a last resort end in an ellipsis, so that they never overflow
//!   their width
//!   (`text_fit.rs`). Characters no bundled font has (emoji) are
//!   left out of the drawn text, not of the `<title>`.
//! - `{{qr}}` becomes the QR code of the verification URL, 148 × 148 at the
//!   origin of its group ([`super::qr::qr_elements`]).
//! - A revoked, suspended or expired credential gets a diagonal banner
//!   across the medal (`id="status-banner"`) and muted artwork.
//!
//! - Not valid: the line with `{{expires_on}}` ("VALID UNTIL …") says the
//!   status and its date instead ("REVOKED 2 DEC 2026", "SUSPENDED SINCE
//!   …", "EXPIRED 1 DEC 2026").
//! - The served SVG has its text drawn as outlines ([`badge_svg`]).
//!
//! The same input always gives the same bytes.

use std::fmt::Write as _;

use super::error::RenderError;
use super::fonts::FONT_STACK;
use super::qr;
use super::template::{BadgeTemplate, Field, Part, Prepared, Slot, SlotKind};
use super::text_fit::{CERT_RULES, HOLDER_RULES, clean, escape_into, fit_text, floor2};
use super::{outline, png};

/// Side of the box `{{qr}}` is drawn in, in template units.
pub const QR_SIZE: f64 = 148.0;

/// The words `{{qr_caption}}` becomes on a badge.
pub const QR_CAPTION: &str = "SCAN TO VERIFY";

/// The `id` of the status banner's group (absent when the credential is valid).
pub const STATUS_BANNER_ID: &str = "status-banner";

/// The credential's standing, as the badge shows it. Dates are as shown
/// ("2 Dec 2026"); `None` when not known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum BadgeStatus {
    /// In force: no banner.
    #[default]
    Valid,
    /// Revoked by the issuer: red "REVOKED" banner, "REVOKED {since}".
    Revoked {
        /// When it was revoked.
        since: Option<String>,
    },
    /// Suspended by the issuer: amber "SUSPENDED" banner, "SUSPENDED SINCE {since}".
    Suspended {
        /// When it was suspended.
        since: Option<String>,
    },
    /// Past its expiry date: grey "EXPIRED" banner, "EXPIRED {on}".
    Expired {
        /// The expiry date (`validUntil`).
        on: Option<String>,
    },
}

impl BadgeStatus {
    /// The banner text, `None` when valid.
    pub fn banner(&self) -> Option<&'static str> {
        match self {
            BadgeStatus::Valid => None,
            BadgeStatus::Revoked { .. } => Some("REVOKED"),
            BadgeStatus::Suspended { .. } => Some("SUSPENDED"),
            BadgeStatus::Expired { .. } => Some("EXPIRED"),
        }
    }

    /// What the badge prints instead of "VALID UNTIL …" when not valid:
    /// "Revoked 2 Dec 2026", "Suspended since 2 Dec 2026", "Expired 1 Dec
    /// 2026" (upper case for upper-case lettering), unescaped.
    pub fn status_line(&self, upper: bool) -> Option<String> {
        let (words, date) = match self {
            BadgeStatus::Valid => return None,
            BadgeStatus::Revoked { since } => ("Revoked", since),
            BadgeStatus::Suspended { since } => (
                if since.is_some() {
                    "Suspended since"
                } else {
                    "Suspended"
                },
                since,
            ),
            BadgeStatus::Expired { on } => ("Expired", on),
        };
        let mut line = words.to_owned();
        if let Some(date) = date.as_deref().map(clean).filter(|d| !d.is_empty()) {
            line.push(' ');
            line.push_str(&date);
        }
        Some(if upper { line.to_uppercase() } else { line })
    }

    /// The banner colour and its darker edge shade.
    pub(super) fn colors(&self) -> (&'static str, &'static str) {
        match self {
            BadgeStatus::Valid => ("#2e7d32", "#1b5e20"),
            BadgeStatus::Revoked { .. } => ("#c62828", "#7f1212"),
            BadgeStatus::Suspended { .. } => ("#d97706", "#8a4b04"),
            BadgeStatus::Expired { .. } => ("#4b5563", "#262c35"),
        }
    }

    /// One sentence for the share image.
    pub(super) fn sentence(&self) -> &'static str {
        match self {
            BadgeStatus::Valid => "",
            BadgeStatus::Revoked { .. } => "This credential has been revoked by its issuer.",
            BadgeStatus::Suspended { .. } => "This credential is suspended by its issuer.",
            BadgeStatus::Expired { .. } => "This credential has expired.",
        }
    }
}

/// What the renderer needs of a certification: its template, and for the
/// share image its name, short code and colours.
#[derive(Debug, Clone, Copy)]
pub struct BadgeDesign<'a> {
    /// The parsed `template.svg`.
    pub template: &'a BadgeTemplate,
    /// The certification's display name, shown when
    /// [`BadgeData::certification_name`] is empty.
    pub name: &'a str,
    /// Short code shown above the name on the share image, e.g. "GL-CICD".
    pub human_code: Option<&'a str>,
    /// Main colour, `#rrggbb` (others fall back to orange).
    pub primary: &'a str,
    /// Accent colour, `#rrggbb` (others fall back to orange).
    pub secondary: &'a str,
}

/// What one badge shows besides the certification itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeData {
    /// The certification's display name (usually [`BadgeDesign::name`]).
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
fn status_mute(status: &BadgeStatus) -> &'static str {
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
fn status_banner(status: &BadgeStatus) -> String {
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

/// The words for a credential without an expiry date, in the lettering's case.
fn no_expiry(upper: bool) -> &'static str {
    if upper {
        "NO EXPIRY DATE"
    } else {
        "No expiry date"
    }
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
            Part::Expiry { parts, upper } => {
                match (values.status.status_line(*upper), &values.expires_on) {
                    (Some(line), _) => out.push_str(&line),
                    (None, Some(_)) => plain_text(out, parts, values),
                    (None, None) => out.push_str(no_expiry(*upper)),
                }
            }
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
                match (values.status.status_line(*upper), &values.expires_on) {
                    (Some(line), _) => escape_into(out, &line),
                    (None, Some(_)) => write_parts(out, parts, prepared, values)?,
                    (None, None) => out.push_str(no_expiry(*upper)),
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
            Part::Mute => out.push_str(status_mute(&values.status)),
            Part::Banner => out.push_str(&status_banner(&values.status)),
        }
    }
    Ok(())
}

/// The cleaned values of one badge.
pub(super) struct Values {
    pub(super) certification_name: String,
    pub(super) holder_name: String,
    pub(super) issued_on: String,
    pub(super) expires_on: Option<String>,
    pub(super) qr: String,
    /// The words under the QR code.
    pub(super) qr_caption: &'static str,
    pub(super) status: BadgeStatus,
}

impl Values {
    pub(super) fn new(design: &BadgeDesign<'_>, data: &BadgeData) -> Result<Self, RenderError> {
        let mut certification_name = clean(&data.certification_name);
        if certification_name.is_empty() {
            certification_name = clean(design.name);
        }
        Ok(Values {
            certification_name,
            holder_name: clean(&data.holder_name),
            issued_on: clean(&data.issued_on),
            expires_on: data.expires_on.as_deref().map(clean),
            qr: qr::qr_elements(&data.verify_url, QR_SIZE)?,
            qr_caption: QR_CAPTION,
            status: data.status.clone(),
        })
    }

    fn get(&self, field: Field) -> &str {
        match field {
            Field::CertificationName => &self.certification_name,
            Field::HolderName => &self.holder_name,
            Field::IssuedOn => &self.issued_on,
            Field::ExpiresOn => self.expires_on.as_deref().unwrap_or(""),
            Field::QrCaption => self.qr_caption,
        }
    }
}

/// The badge as served and downloaded: the certification's template filled
/// in ([`filled_svg`]) with its text drawn as outlines
/// ([`super::outline::outline_cached`]: a badge viewed again comes from a
/// bounded cache), so it needs no font to look right. Its
/// `<title>` and `<desc>` say what is printed.
///
/// # Errors
/// As [`filled_svg`].
pub fn badge_svg(design: &BadgeDesign<'_>, data: &BadgeData) -> Result<String, RenderError> {
    outline::outline_cached(&filled_svg(design, data)?)
}

/// The certification's template filled in for one holder, with live
/// `<text>` in the bundled family: user-supplied strings XML-escaped, fitted
/// slots measured with the bundled fonts (see the module documentation),
/// the QR code of `data.verify_url` at `{{qr}}`, and the status banner and
/// status line when the credential is not valid. The same input always
/// gives the same bytes.
///
/// The certification name shown is `data.certification_name` when set,
/// otherwise `design.name`.
///
/// # Errors
/// [`RenderError::Qr`] for a verification URL too long for a QR code,
/// [`RenderError::Svg`] if text cannot be measured (template errors are
/// found by [`BadgeTemplate::parse`]).
pub fn filled_svg(design: &BadgeDesign<'_>, data: &BadgeData) -> Result<String, RenderError> {
    fill(design, &Values::new(design, data)?)
}

/// The badge as a size×size PNG (600 or 1200), drawn from [`filled_svg`]
/// (the same pixels as the outlined SVG, without the cost of outlining).
///
/// # Errors
/// As [`filled_svg`] and [`png::render_png`].
pub fn badge_png(
    design: &BadgeDesign<'_>,
    data: &BadgeData,
    size: u32,
) -> Result<Vec<u8>, RenderError> {
    png::render_png(&filled_svg(design, data)?, size)
}

/// [`badge_svg`] from cleaned values.
pub(super) fn fill(design: &BadgeDesign<'_>, values: &Values) -> Result<String, RenderError> {
    let prepared = &design.template.prepared;
    let mut out = String::with_capacity(design.template.source().len() + values.qr.len() + 2048);
    write_parts(&mut out, &prepared.parts, prepared, values)?;
    Ok(out)
}
