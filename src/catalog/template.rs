//! The catalog's rules for `template.svg`, beyond what the renderer needs
//! to fill it in: self-contained (no scripts, images, style sheets, event
//! handlers or references outside the file), drawn in the 600 × 600 box
//! with the bundled font only, and carrying every placeholder and no
//! other. The renderer parses the template ([`BadgeTemplate::parse_with`],
//! roxmltree, no DTD); these rules run on the document it parsed.

use crate::render::RenderError;
use crate::render::template::BadgeTemplate;

/// The placeholders every template must contain, in text or attribute
/// values (comments do not count); the renderer substitutes them. Text placeholders get XML-escaped text;
/// `{{qr}}` gets SVG elements drawn in a 148 × 148 box at the origin of the
/// element that holds it.
pub const TEMPLATE_PLACEHOLDERS: [&str; 5] = [
    "{{certification_name}}",
    "{{holder_name}}",
    "{{issued_on}}",
    "{{expires_on}}",
    "{{qr}}",
];

/// Placeholders a template may contain: `{{qr_caption}}` becomes the words
/// under the QR code ("SCAN TO VERIFY"; another caption where the image
/// shows no code).
pub const OPTIONAL_PLACEHOLDERS: [&str; 1] = ["{{qr_caption}}"];

/// The one font family templates may name; the renderer bundles it.
const FONT_FAMILY: &str = "Rosette Sans";

/// The coordinate system renderers and the QR placement rely on.
const VIEW_BOX: &str = "0 0 600 600";

/// Elements that would make the badge depend on something outside the
/// file, or run code.
const FORBIDDEN_ELEMENTS: [&str; 5] = ["script", "image", "foreignObject", "style", "iframe"];

/// Parses a template and checks it against the catalog's rules; the error
/// is a message for people.
pub(super) fn parse(svg: &str) -> Result<BadgeTemplate, String> {
    BadgeTemplate::parse_with(svg, check).map_err(|e| match e {
        RenderError::Template(message) => message,
        other => other.to_string(),
    })
}

/// The catalog's rules, on the parsed template.
fn check(doc: &roxmltree::Document<'_>) -> Result<(), String> {
    let root = doc.root_element();
    match root.attribute("viewBox") {
        Some(v) if v.split_whitespace().collect::<Vec<_>>().join(" ") == VIEW_BOX => {}
        Some(v) => {
            return Err(format!(
                "the root viewBox is {v:?}; it must be {VIEW_BOX:?}"
            ));
        }
        None => return Err(format!("the root <svg> needs viewBox=\"{VIEW_BOX}\"")),
    }

    // The text and attribute values outside comments, where placeholders
    // may be.
    let mut text = String::new();
    for node in doc.descendants() {
        if node.is_text() {
            text.push_str(node.text().unwrap_or(""));
        }
        if !node.is_element() {
            continue;
        }
        let element = node.tag_name().name();
        if FORBIDDEN_ELEMENTS.contains(&element) {
            return Err(format!(
                "<{element}> is not allowed: a template is self-contained SVG shapes and text"
            ));
        }
        for attribute in node.attributes() {
            let (name, value) = (attribute.name(), attribute.value());
            text.push('\n');
            text.push_str(value);
            text.push('\n');
            if name == "href" && !value.starts_with('#') {
                return Err(format!(
                    "<{element} {name}={value:?}>: only references inside the file (#id) are allowed"
                ));
            }
            if value.contains("url(") && !only_local_urls(value) {
                return Err(format!(
                    "<{element} {name}={value:?}>: only url(#id) references are allowed"
                ));
            }
            if name.starts_with("on") {
                return Err(format!(
                    "<{element} {name}>: event handler attributes are not allowed"
                ));
            }
            let family = match name {
                "font-family" => Some(value),
                "style" => style_font_family(value),
                _ => None,
            };
            if let Some(family) = family {
                let family = family.trim().trim_matches(['"', '\'']);
                if family != FONT_FAMILY {
                    return Err(format!(
                        "font-family {family:?}: only {FONT_FAMILY:?} is bundled with the renderer"
                    ));
                }
            }
        }
    }

    for placeholder in TEMPLATE_PLACEHOLDERS {
        if !text.contains(placeholder) {
            return Err(format!("missing the placeholder {placeholder}"));
        }
    }
    let mut rest = text.as_str();
    while let Some(start) = rest.find("{{") {
        let after = &rest[start..];
        let end = after.find("}}").map_or(after.len(), |e| e + 2);
        let found = &after[..end];
        if !TEMPLATE_PLACEHOLDERS.contains(&found) && !OPTIONAL_PLACEHOLDERS.contains(&found) {
            let shown: String = found.chars().take(40).collect();
            return Err(format!(
                "unknown placeholder {shown}; the placeholders are {}, {}",
                TEMPLATE_PLACEHOLDERS.join(", "),
                OPTIONAL_PLACEHOLDERS.join(", ")
            ));
        }
        rest = &after[end..];
    }
    Ok(())
}

/// True when every `url(` in `value` is `url(#…)`.
fn only_local_urls(value: &str) -> bool {
    value.match_indices("url(").all(|(i, _)| {
        value[i + 4..]
            .trim_start()
            .trim_start_matches(['"', '\''])
            .starts_with('#')
    })
}

/// The `font-family` declaration of a `style` attribute, if any.
fn style_font_family(style: &str) -> Option<&str> {
    style.split(';').find_map(|decl| {
        let (prop, value) = decl.split_once(':')?;
        (prop.trim() == "font-family").then_some(value)
    })
}
