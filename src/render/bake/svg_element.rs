//! Baking into SVG (OB 3.0 §5.3.2): an `<openbadges:credential>` element
//! in the [`SVG_NAMESPACE`] right after the root start tag, the JSON in
//! CDATA or a compact JWS in `verify`, and reading it back. An SVG with a
//! DTD internal subset is refused before parsing.

use std::borrow::Cow;
use std::ops::Range;

use super::{
    BOM, BakeError, Baked, MAX_CREDENTIAL_BYTES, MAX_IMAGE_BYTES, SVG_NAMESPACE, classify,
    is_xml_space,
};

/// Prefix written for [`SVG_NAMESPACE`] (the spelling OB 3.0 §5.3.2.1 shows).
const SVG_PREFIX: &str = "openbadges";
/// The SVG namespace of the root element.
const SVG_ELEMENT_NAMESPACE: &str = "http://www.w3.org/2000/svg";
/// Upper bound on XML nodes in an SVG (memory bound for hostile input).
const SVG_MAX_NODES: u32 = 500_000;

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Scans the prolog (BOM, XML declaration, comments, processing
/// instructions) for a DOCTYPE. A DOCTYPE with an internal subset (`[`) is
/// refused; one with only an external identifier (as in 1EdTech's sample
/// SVGs) is returned so it can be blanked out: its DTD is never fetched, so
/// it declares nothing.
fn find_doctype(svg: &str) -> Result<Option<Range<usize>>, BakeError> {
    let b = svg.as_bytes();
    let mut i = if b.starts_with(BOM) { BOM.len() } else { 0 };
    loop {
        while b
            .get(i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            i += 1;
        }
        let rest = b.get(i..).unwrap_or_default();
        if rest.starts_with(b"<?") {
            match find_bytes(rest, b"?>") {
                Some(j) => i += j + 2,
                None => return Ok(None), // the parser reports it
            }
        } else if rest.starts_with(b"<!--") {
            match find_bytes(rest.get(4..).unwrap_or_default(), b"-->") {
                Some(j) => i += 4 + j + 3,
                None => return Ok(None),
            }
        } else if rest.starts_with(b"<!DOCTYPE") {
            let mut quote: Option<u8> = None;
            for (j, &c) in rest.iter().enumerate().skip(9) {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        b'"' | b'\'' => quote = Some(c),
                        b'[' => return Err(BakeError::SvgEntities),
                        b'>' => return Ok(Some(i..i + j + 1)),
                        _ => {}
                    },
                }
            }
            return Err(BakeError::SvgMalformed("unterminated DOCTYPE".into()));
        } else {
            return Ok(None);
        }
    }
}

/// The text handed to the XML parser: the input with an external-only
/// DOCTYPE replaced by spaces (same byte offsets).
fn prepare_svg(svg: &str) -> Result<Cow<'_, str>, BakeError> {
    if svg.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge(svg.len()));
    }
    match find_doctype(svg)? {
        None => Ok(Cow::Borrowed(svg)),
        Some(r) => {
            let mut s = String::with_capacity(svg.len());
            s.push_str(svg.get(..r.start).unwrap_or_default());
            s.extend(std::iter::repeat_n(' ', r.len()));
            s.push_str(svg.get(r.end..).unwrap_or_default());
            Ok(Cow::Owned(s))
        }
    }
}

/// Parses with DTDs disallowed and a node limit; the root must be `<svg>`.
fn parse_svg(text: &str) -> Result<roxmltree::Document<'_>, BakeError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: SVG_MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => BakeError::SvgEntities,
        roxmltree::Error::NodesLimitReached => BakeError::TooLarge(text.len()),
        other => BakeError::SvgMalformed(other.to_string()),
    })?;
    let root = doc.root_element();
    let name = root.tag_name();
    if name.name() != "svg" || !matches!(name.namespace(), None | Some(SVG_ELEMENT_NAMESPACE)) {
        return Err(BakeError::NotAnImage);
    }
    Ok(doc)
}

fn is_credential_element(n: &roxmltree::Node<'_, '_>) -> bool {
    n.is_element()
        && n.tag_name().namespace() == Some(SVG_NAMESPACE)
        && n.tag_name().name() == "credential"
}

/// Is `c` a character XML 1.0 can carry?
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Bakes a credential into an SVG (OB 3.0 §5.3.2.1).
///
/// Adds `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` to the root
/// `<svg>` (if absent) and, directly after the root start tag, an
/// `<openbadges:credential>` element: the JSON in CDATA (a `]]>` is split
/// across two CDATA sections; CR/CRLF become LF, which XML would do anyway),
/// or, for a compact JWS, `verify="<JWS>"` on an empty element. Every
/// existing `{https://purl.imsglobal.org/ob/v3p0}credential` element is
/// removed (re-baking replaces). The rest of the document is kept byte for
/// byte. The result is parsed again and must unbake to the same credential.
///
/// Errors: [`BakeError::TooLarge`], [`BakeError::SvgEntities`],
/// [`BakeError::SvgMalformed`] (also when the prefix `openbadges` is already
/// bound to another namespace, such as OB 2.0's on the root),
/// [`BakeError::NotAnImage`] (root is not `svg`),
/// [`BakeError::CredentialTooLarge`], [`BakeError::InvalidCredential`].
pub fn bake_svg(svg: &str, credential: &str) -> Result<String, BakeError> {
    let prepared = prepare_svg(svg)?;
    let baked = match classify(credential)? {
        Baked::Json(j) => {
            if let Some(c) = j.chars().find(|&c| !is_xml_char(c)) {
                return Err(BakeError::InvalidCredential(format!(
                    "U+{:04X} cannot be carried in XML",
                    u32::from(c)
                )));
            }
            Baked::Json(j.replace("\r\n", "\n").replace('\r', "\n"))
        }
        jws => jws,
    };
    let doc = parse_svg(&prepared)?;
    let root = doc.root_element();

    let need_ns = match root.lookup_namespace_uri(Some(SVG_PREFIX)) {
        None => true,
        Some(SVG_NAMESPACE) => false,
        Some(other) => {
            return Err(BakeError::SvgMalformed(format!(
                "the prefix `{SVG_PREFIX}` is already bound to `{other}` on the root element"
            )));
        }
    };

    // End of the root start tag: the first `>` outside a quoted value.
    let b = svg.as_bytes();
    let start = root.range().start;
    let mut quote: Option<u8> = None;
    let mut gt = None;
    for (k, &c) in b.iter().enumerate().skip(start + 1) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'>' => {
                    gt = Some(k);
                    break;
                }
                _ => {}
            },
        }
    }
    let Some(gt) = gt else {
        return Err(BakeError::SvgMalformed(
            "unterminated root start tag".into(),
        ));
    };
    let self_closing = gt > start && b.get(gt - 1) == Some(&b'/');
    let tag_close = if self_closing { gt - 1 } else { gt };
    let qname_end = b
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, c)| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>'))
        .map_or(gt, |(k, _)| k);
    let qname = svg.get(start + 1..qname_end).unwrap_or("svg");

    // Existing credential elements (outermost only), in document order.
    let mut removals: Vec<Range<usize>> = Vec::new();
    for n in root.descendants().filter(is_credential_element) {
        let r = n.range();
        if removals.last().is_none_or(|last| r.start >= last.end) {
            removals.push(r);
        }
    }

    let mut element = String::with_capacity(baked.as_str().len() + 80);
    match &baked {
        Baked::Json(j) => {
            element.push_str("<openbadges:credential><![CDATA[");
            element.push_str(&j.replace("]]>", "]]]]><![CDATA[>"));
            element.push_str("]]></openbadges:credential>");
        }
        Baked::Jws(t) => {
            element.push_str("<openbadges:credential verify=\"");
            element.push_str(t);
            element.push_str("\"></openbadges:credential>");
        }
    }

    let mut out = String::with_capacity(svg.len() + element.len() + 64);
    out.push_str(svg.get(..tag_close).unwrap_or_default());
    if need_ns {
        out.push_str(" xmlns:");
        out.push_str(SVG_PREFIX);
        out.push_str("=\"");
        out.push_str(SVG_NAMESPACE);
        out.push('"');
    }
    out.push('>');
    out.push_str(&element);
    if self_closing {
        out.push_str("</");
        out.push_str(qname);
        out.push('>');
    }
    let mut pos = gt + 1;
    for r in removals {
        if r.start < pos {
            continue;
        }
        out.push_str(svg.get(pos..r.start).unwrap_or_default());
        pos = r.end;
    }
    out.push_str(svg.get(pos..).unwrap_or_default());

    if out.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge(out.len()));
    }
    match unbake_svg(&out) {
        Ok(check) if check == baked => Ok(out),
        Ok(_) => Err(BakeError::SvgMalformed(
            "the baked SVG does not unbake to the same credential".into(),
        )),
        Err(e) => Err(BakeError::SvgMalformed(format!(
            "the baked SVG does not unbake: {e}"
        ))),
    }
}

/// Extracts the credential from a baked SVG (OB 3.0 §5.3.2.2): the first
/// `{https://purl.imsglobal.org/ob/v3p0}credential` element; a non-empty
/// `verify` attribute gives [`Baked::Jws`], otherwise its text (all text and
/// CDATA children joined, trimmed) gives [`Baked::Json`] (or
/// [`Baked::Jws`] if the text is a compact JWS).
///
/// A DOCTYPE with an internal subset is refused before parsing
/// ([`BakeError::SvgEntities`]); a DOCTYPE with only an external identifier
/// is ignored and never fetched; no entity other than the five predefined
/// ones and character references is ever expanded. Errors also:
/// [`BakeError::TooLarge`], [`BakeError::SvgMalformed`],
/// [`BakeError::NotAnImage`] (root is not `svg`), [`BakeError::NoCredential`],
/// [`BakeError::CredentialTooLarge`], [`BakeError::InvalidCredential`].
pub fn unbake_svg(svg: &str) -> Result<Baked, BakeError> {
    let prepared = prepare_svg(svg)?;
    let doc = parse_svg(&prepared)?;
    let Some(el) = doc.descendants().find(is_credential_element) else {
        return Err(BakeError::NoCredential);
    };
    if let Some(v) = el.attribute("verify")
        && !v.trim_matches(is_xml_space).is_empty()
    {
        return match classify(v)? {
            jws @ Baked::Jws(_) => Ok(jws),
            Baked::Json(_) => Err(BakeError::InvalidCredential(
                "the verify attribute is not a compact JWS".into(),
            )),
        };
    }
    let mut text = String::new();
    for t in el
        .children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
    {
        if text.len() + t.len() > 2 * MAX_CREDENTIAL_BYTES + 1024 {
            // Far past the limit even after trimming whitespace at both ends.
            let total: usize = el.children().filter_map(|n| n.text()).map(str::len).sum();
            return Err(BakeError::CredentialTooLarge(total));
        }
        text.push_str(t);
    }
    classify(&text)
}
