//! Checks of `template.svg`: well-formed enough to render, self-contained,
//! and carrying every placeholder.
//!
//! There is no XML crate in the dependency tree, so this is a small scanner
//! for the subset of XML that badge templates use: an optional XML
//! declaration, comments, elements with quoted attributes, text, CDATA and
//! the five predefined entities plus character references. It refuses a
//! DOCTYPE (entity definitions have no place in a badge), more than one root,
//! a root other than `<svg>`, and unbalanced tags.

/// The placeholders every template must contain, in text or attribute
/// values (comments do not count); the renderer substitutes them. Text placeholders get XML-escaped text;
/// `{{qr}}` gets SVG elements drawn in a 92 × 92 box at the origin of the
/// element that holds it.
pub const TEMPLATE_PLACEHOLDERS: [&str; 5] = [
    "{{certification_name}}",
    "{{holder_name}}",
    "{{issued_on}}",
    "{{expires_on}}",
    "{{qr}}",
];

/// The one font family templates may name; the renderer bundles it.
const FONT_FAMILY: &str = "Rosette Sans";

/// The coordinate system renderers and the QR placement rely on.
const VIEW_BOX: &str = "0 0 600 600";

/// Elements that would make the badge depend on something outside the
/// file, or run code.
const FORBIDDEN_ELEMENTS: [&str; 5] = ["script", "image", "foreignObject", "style", "iframe"];

/// One start tag as found.
#[derive(Debug)]
pub(super) struct Element<'a> {
    pub name: &'a str,
    pub attributes: Vec<(&'a str, &'a str)>,
}

/// The result of [`scan`]: the start tags in document order, and the text
/// and attribute values outside comments (where placeholders may be).
#[derive(Debug)]
pub(super) struct Scanned<'a> {
    pub elements: Vec<Element<'a>>,
    pub text: String,
}

/// Checks a template; the error is a message for people.
pub(super) fn check(svg: &str) -> Result<(), String> {
    let scanned = scan(svg)?;
    let root = scanned
        .elements
        .first()
        .ok_or_else(|| "no <svg> root element".to_owned())?;
    match attribute(root, "viewBox") {
        Some(v) if v.split_whitespace().collect::<Vec<_>>().join(" ") == VIEW_BOX => {}
        Some(v) => {
            return Err(format!(
                "the root viewBox is {v:?}; it must be {VIEW_BOX:?}"
            ));
        }
        None => return Err(format!("the root <svg> needs viewBox=\"{VIEW_BOX}\"")),
    }

    for element in &scanned.elements {
        if FORBIDDEN_ELEMENTS.contains(&element.name) {
            return Err(format!(
                "<{}> is not allowed: a template is self-contained SVG shapes and text",
                element.name
            ));
        }
        for (name, value) in &element.attributes {
            let local = name.rsplit(':').next().unwrap_or(name);
            if local == "href" && !value.starts_with('#') {
                return Err(format!(
                    "<{} {name}={value:?}>: only references inside the file (#id) are allowed",
                    element.name
                ));
            }
            if value.contains("url(") && !only_local_urls(value) {
                return Err(format!(
                    "<{} {name}={value:?}>: only url(#id) references are allowed",
                    element.name
                ));
            }
            if name.starts_with("on") {
                return Err(format!(
                    "<{} {name}>: event handler attributes are not allowed",
                    element.name
                ));
            }
            let family = match *name {
                "font-family" => Some(*value),
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
        if !scanned.text.contains(placeholder) {
            return Err(format!("missing the placeholder {placeholder}"));
        }
    }
    let mut rest = scanned.text.as_str();
    while let Some(start) = rest.find("{{") {
        let after = &rest[start..];
        let end = after.find("}}").map_or(after.len(), |e| e + 2);
        let found = &after[..end];
        if !TEMPLATE_PLACEHOLDERS.contains(&found) {
            let shown: String = found.chars().take(40).collect();
            return Err(format!(
                "unknown placeholder {shown}; the placeholders are {}",
                TEMPLATE_PLACEHOLDERS.join(", ")
            ));
        }
        rest = &after[end..];
    }
    Ok(())
}

fn attribute<'a>(element: &Element<'a>, name: &str) -> Option<&'a str> {
    element
        .attributes
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
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

/// Scans `svg` as XML: one `<svg>` root, balanced tags, quoted attributes
/// without duplicates, valid entity references.
pub(super) fn scan(svg: &str) -> Result<Scanned<'_>, String> {
    let s = svg.strip_prefix('\u{FEFF}').unwrap_or(svg);
    let mut elements = Vec::new();
    let mut text = String::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0usize;
    let mut i = 0usize;
    let at = |i: usize| line_of(s, i);

    while i < s.len() {
        let rest = &s[i..];
        if rest.starts_with("<?") {
            let end = rest
                .find("?>")
                .ok_or_else(|| format!("unclosed <? at line {}", at(i)))?;
            if roots > 0 || !stack.is_empty() {
                return Err(format!(
                    "processing instruction after the root starts, line {}",
                    at(i)
                ));
            }
            i += end + 2;
        } else if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment
                .find("-->")
                .ok_or_else(|| format!("unclosed comment at line {}", at(i)))?;
            i += 4 + end + 3;
        } else if rest.starts_with("<![CDATA[") {
            if stack.is_empty() {
                return Err(format!("CDATA outside the root element, line {}", at(i)));
            }
            let end = rest
                .find("]]>")
                .ok_or_else(|| format!("unclosed CDATA at line {}", at(i)))?;
            text.push_str(&rest[9..end]);
            i += end + 3;
        } else if rest.starts_with("<!") {
            return Err(format!(
                "line {}: DOCTYPE and other declarations are not allowed",
                at(i)
            ));
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after
                .find('>')
                .ok_or_else(|| format!("unclosed end tag at line {}", at(i)))?;
            let name = after[..end].trim_end();
            match stack.pop() {
                Some(open) if open == name => {}
                Some(open) => {
                    return Err(format!("line {}: </{name}> closes <{open}>", at(i)));
                }
                None => return Err(format!("line {}: </{name}> without a start tag", at(i))),
            }
            i += 2 + end + 1;
        } else if rest.starts_with('<') {
            let (element, self_closing, len) =
                start_tag(rest).map_err(|m| format!("line {}: {m}", at(i)))?;
            if stack.is_empty() {
                roots += 1;
                if roots > 1 {
                    return Err(format!(
                        "line {}: a second root element <{}>",
                        at(i),
                        element.name
                    ));
                }
                if element.name != "svg" {
                    return Err(format!("the root element is <{}>, not <svg>", element.name));
                }
            }
            if !self_closing {
                stack.push(element.name);
            }
            for (_, value) in &element.attributes {
                text.push('\n');
                text.push_str(value);
                text.push('\n');
            }
            elements.push(element);
            i += len;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let chunk = &rest[..end];
            if stack.is_empty() && !chunk.trim().is_empty() {
                return Err(format!("line {}: text outside the root element", at(i)));
            }
            check_references(chunk).map_err(|m| format!("line {}: {m}", at(i)))?;
            text.push_str(chunk);
            i += end;
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{open}> is never closed"));
    }
    if roots == 0 {
        return Err("no <svg> root element".to_owned());
    }
    Ok(Scanned { elements, text })
}

/// Parses a start tag at the beginning of `s` (which starts with `<`):
/// the element, whether it is self-closing, and its length in bytes.
fn start_tag(s: &str) -> Result<(Element<'_>, bool, usize), String> {
    let bytes = s.as_bytes();
    let name_end = s[1..]
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .map_or(s.len(), |e| e + 1);
    let name = &s[1..name_end];
    if !is_name(name) {
        return Err(format!("invalid element name {name:?}"));
    }
    let mut attributes: Vec<(&str, &str)> = Vec::new();
    let mut i = name_end;
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i) {
            None => return Err(format!("unclosed start tag <{name}")),
            Some(b'>') => return Ok((Element { name, attributes }, false, i + 1)),
            Some(b'/') => {
                return if bytes.get(i + 1) == Some(&b'>') {
                    Ok((Element { name, attributes }, true, i + 2))
                } else {
                    Err(format!("stray '/' in <{name}>"))
                };
            }
            Some(_) => {}
        }
        let attr_end = s[i..]
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .map_or(s.len(), |e| e + i);
        let attr = &s[i..attr_end];
        if !is_name(attr) {
            return Err(format!("invalid attribute name {attr:?} in <{name}>"));
        }
        i = attr_end;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err(format!("attribute {attr} of <{name}> has no value"));
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(q @ (b'"' | b'\'')) => char::from(*q),
            _ => return Err(format!("the value of {attr} in <{name}> is not quoted")),
        };
        let value_start = i + 1;
        let value_len = s[value_start..]
            .find(quote)
            .ok_or_else(|| format!("unclosed value of {attr} in <{name}>"))?;
        let value = &s[value_start..value_start + value_len];
        if value.contains('<') {
            return Err(format!("'<' in the value of {attr} in <{name}>"));
        }
        check_references(value).map_err(|m| format!("{m} in the value of {attr}"))?;
        if attributes.iter().any(|(n, _)| *n == attr) {
            return Err(format!("attribute {attr} appears twice in <{name}>"));
        }
        attributes.push((attr, value));
        i = value_start + value_len + 1;
        if !matches!(bytes.get(i), Some(b) if b.is_ascii_whitespace() || *b == b'>' || *b == b'/') {
            return Err(format!("missing space after attribute {attr} in <{name}>"));
        }
    }
}

/// XML names, simplified: a letter, `_` or `:` then letters, digits, `_`,
/// `:`, `-`, `.` (non-ASCII letters allowed).
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
}

/// Every `&` starts `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`, `&#N;` or
/// `&#xH;`.
fn check_references(s: &str) -> Result<(), String> {
    for (i, _) in s.match_indices('&') {
        let rest = &s[i + 1..];
        let Some(end) = rest.find(';') else {
            return Err("'&' that does not start an entity reference".to_owned());
        };
        let name = &rest[..end];
        let ok = matches!(name, "lt" | "gt" | "amp" | "quot" | "apos")
            || name
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            let shown: String = name.chars().take(20).collect();
            return Err(format!("unknown entity reference &{shown};"));
        }
    }
    Ok(())
}

fn line_of(s: &str, byte: usize) -> usize {
    s.get(..byte).map_or(0, |b| b.matches('\n').count()) + 1
}
