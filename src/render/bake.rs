//! Baking: embedding a signed credential into the badge image and getting it
//! back out (Open Badges 3.0 §5.3 "Baked Badge").
//!
//! * PNG (OB 3.0 §5.3.1): one uncompressed `iTXt` chunk with keyword
//!   [`PNG_KEYWORD`], empty language tag and translated keyword, text = the
//!   credential JSON or the compact JWS (VC-JWT). Baking splices chunks, so it
//!   works on any valid PNG, not only the ones this service renders; every
//!   chunk's length and CRC-32 is checked first.
//! * SVG (OB 3.0 §5.3.2): `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`
//!   on the root `<svg>` and an `<openbadges:credential>` element directly
//!   after the root start tag, with the JSON in CDATA (a `]]>` inside the JSON
//!   is split across two CDATA sections) or `verify="<compact JWS>"`.
//!
//! OB 2.0 used the keyword `openbadges` and the namespace
//! `http://openbadges.org`; they are neither written nor read here.
//!
//! Hostile input: image size and credential size are capped
//! ([`MAX_IMAGE_BYTES`], [`MAX_CREDENTIAL_BYTES`]); an SVG with a DTD
//! internal subset (the only place an entity can be declared) is refused
//! before parsing, and no external entity or DTD is ever resolved.

use std::borrow::Cow;
use std::ops::Range;

/// Keyword of the PNG `iTXt` chunk holding an OB 3.0 credential (OB 3.0
/// §5.3.1.1). OB 2.0's keyword `openbadges` is a different, ignored chunk.
pub const PNG_KEYWORD: &str = "openbadgecredential";

/// Namespace of the `<openbadges:credential>` element in a baked SVG (OB 3.0
/// §5.3.2.1). OB 2.0's `http://openbadges.org` is a different, ignored
/// namespace.
pub const SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";

/// Largest image accepted for baking and unbaking, and largest baked image
/// produced (8 MiB). Applies to PNG (OB 3.0 §5.3.1) and SVG (OB 3.0 §5.3.2).
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// Largest credential text (JSON or compact JWS, after trimming XML/JSON
/// whitespace) accepted for baking or returned by unbaking (1 MiB), OB 3.0
/// §5.3.1 and §5.3.2.
pub const MAX_CREDENTIAL_BYTES: usize = 1024 * 1024;

/// The eight-byte PNG signature.
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// PNG limits a chunk's data length to 2^31 − 1 bytes.
const PNG_MAX_CHUNK_LEN: usize = 0x7FFF_FFFF;
/// Prefix written for [`SVG_NAMESPACE`] (the spelling OB 3.0 §5.3.2.1 shows).
const SVG_PREFIX: &str = "openbadges";
/// The SVG namespace of the root element.
const SVG_ELEMENT_NAMESPACE: &str = "http://www.w3.org/2000/svg";
/// Upper bound on XML nodes in an SVG (memory bound for hostile input).
const SVG_MAX_NODES: u32 = 500_000;
/// UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why baking or unbaking failed (OB 3.0 §5.3.1 PNG, §5.3.2 SVG).
///
/// [`BakeError::code`] gives a stable snake_case code for API responses and
/// logs; the `Display` text is for humans and may change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BakeError {
    /// The bytes are neither a PNG (signature) nor an SVG (first
    /// non-whitespace character `<` and a root element `svg`).
    #[error("not a PNG or SVG image")]
    NotAnImage,
    /// The PNG signature is right but the chunk structure is not: truncated
    /// chunk, bad length, CRC mismatch, missing IHDR/IEND, data after IEND, or
    /// a malformed `openbadgecredential` iTXt chunk (OB 3.0 §5.3.1).
    #[error("corrupt PNG: {0}")]
    CorruptPng(String),
    /// The image carries no OB 3.0 credential (no `openbadgecredential` iTXt
    /// chunk, no `{https://purl.imsglobal.org/ob/v3p0}credential` element).
    #[error("the image carries no Open Badges 3.0 credential")]
    NoCredential,
    /// The first `openbadgecredential` iTXt chunk is compressed, which OB 3.0
    /// §5.3.1.1 forbids ("Compression MUST NOT be used").
    #[error("the openbadgecredential iTXt chunk is compressed, which Open Badges 3.0 forbids")]
    CompressedText,
    /// The SVG is not well-formed XML, or it cannot be baked as OB 3.0
    /// §5.3.2.1 requires (e.g. the prefix `openbadges` is already bound to
    /// another namespace).
    #[error("malformed SVG: {0}")]
    SvgMalformed(String),
    /// The SVG has a DTD internal subset (which can declare entities,
    /// including external ones). Refused before parsing: nothing is expanded
    /// or fetched.
    #[error("SVG with a DTD internal subset (entity declarations) refused")]
    SvgEntities,
    /// The image (input, or baked output) is larger than
    /// [`MAX_IMAGE_BYTES`], or has more XML nodes than this module parses.
    /// Carries the size in bytes.
    #[error("image too large: {0} bytes (limit {MAX_IMAGE_BYTES})")]
    TooLarge(usize),
    /// The credential text is larger than [`MAX_CREDENTIAL_BYTES`]. Carries
    /// its size in bytes.
    #[error("credential too large: {0} bytes (limit {MAX_CREDENTIAL_BYTES})")]
    CredentialTooLarge(usize),
    /// The text of the `openbadgecredential` iTXt chunk is not UTF-8
    /// (iTXt text is UTF-8 by definition, and OB 3.0 §5 requires UTF-8).
    #[error("the baked credential text is not UTF-8")]
    NotUtf8,
    /// The credential text (to bake, or found in the image) is neither a
    /// JSON object nor a compact JWS, or it holds a character XML cannot
    /// carry.
    #[error("not a credential: {0}")]
    InvalidCredential(String),
}

impl BakeError {
    /// Stable snake_case code of the error, for API responses and logs
    /// (OB 3.0 §5.3.1 PNG, §5.3.2 SVG).
    pub fn code(&self) -> &'static str {
        match self {
            BakeError::NotAnImage => "not_an_image",
            BakeError::CorruptPng(_) => "png_corrupt",
            BakeError::NoCredential => "no_credential",
            BakeError::CompressedText => "png_text_compressed",
            BakeError::SvgMalformed(_) => "svg_malformed",
            BakeError::SvgEntities => "svg_entities_refused",
            BakeError::TooLarge(_) => "image_too_large",
            BakeError::CredentialTooLarge(_) => "credential_too_large",
            BakeError::NotUtf8 => "credential_not_utf8",
            BakeError::InvalidCredential(_) => "credential_invalid",
        }
    }
}

/// What was baked (OB 3.0 §5.3.1.2 and §5.3.2.2, "Extracting"): the
/// credential JSON text (embedded proof), or a compact JWS (VC-JWT). Both
/// are trimmed of surrounding XML/JSON whitespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baked {
    /// The credential as JSON text (a JSON object with an embedded proof).
    Json(String),
    /// A compact JWS (VC-JWT, OB 3.0 §8.2).
    Jws(String),
}

impl Baked {
    /// The baked text, JSON or compact JWS (OB 3.0 §5.3).
    pub fn as_str(&self) -> &str {
        match self {
            Baked::Json(s) | Baked::Jws(s) => s,
        }
    }

    /// The baked text, JSON or compact JWS, by value (OB 3.0 §5.3).
    pub fn into_string(self) -> String {
        match self {
            Baked::Json(s) | Baked::Jws(s) => s,
        }
    }
}

// ---------------------------------------------------------------------------
// Credential text
// ---------------------------------------------------------------------------

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// `header.payload.signature`, three non-empty base64url segments.
fn is_compact_jws(s: &str) -> bool {
    let mut parts = 0usize;
    for part in s.split('.') {
        parts += 1;
        if part.is_empty()
            || !part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return false;
        }
    }
    parts == 3
}

/// Trims, checks the size and tells JSON (a JSON object) from a compact JWS.
fn classify(text: &str) -> Result<Baked, BakeError> {
    let t = text.trim_matches(is_xml_space);
    if t.len() > MAX_CREDENTIAL_BYTES {
        return Err(BakeError::CredentialTooLarge(t.len()));
    }
    if t.is_empty() {
        return Err(BakeError::InvalidCredential("empty credential text".into()));
    }
    if t.starts_with('{') {
        match serde_json::from_str::<serde_json::Value>(t) {
            Ok(v) if v.is_object() => Ok(Baked::Json(t.to_owned())),
            Ok(_) => Err(BakeError::InvalidCredential("JSON is not an object".into())),
            Err(e) => Err(BakeError::InvalidCredential(format!("invalid JSON: {e}"))),
        }
    } else if is_compact_jws(t) {
        Ok(Baked::Jws(t.to_owned()))
    } else {
        Err(BakeError::InvalidCredential(
            "neither a JSON object nor a compact JWS".into(),
        ))
    }
}

// ---------------------------------------------------------------------------
// PNG (OB 3.0 §5.3.1)
// ---------------------------------------------------------------------------

/// One chunk of a PNG datastream.
struct Chunk<'a> {
    /// Offset of the chunk's length field in the file.
    offset: usize,
    ty: [u8; 4],
    data: &'a [u8],
    /// The whole chunk: length, type, data, CRC.
    raw: &'a [u8],
}

/// Walks the chunks after the signature, checking lengths, types, CRCs,
/// IHDR first, IEND last and nothing after IEND. Yields `Err` once, then stops.
struct Chunks<'a> {
    png: &'a [u8],
    pos: usize,
    index: usize,
    done: bool,
}

impl<'a> Chunks<'a> {
    fn new(png: &'a [u8]) -> Result<Self, BakeError> {
        if !png.starts_with(&PNG_SIGNATURE) {
            return Err(BakeError::NotAnImage);
        }
        Ok(Chunks {
            png,
            pos: PNG_SIGNATURE.len(),
            index: 0,
            done: false,
        })
    }

    fn next_chunk(&mut self) -> Result<Option<Chunk<'a>>, BakeError> {
        if self.done {
            return Ok(None);
        }
        let png = self.png;
        let pos = self.pos;
        let rest = png.get(pos..).unwrap_or_default();
        if rest.is_empty() {
            return Err(corrupt("missing IEND chunk (file truncated?)".into()));
        }
        let (Some(len_bytes), Some(ty_bytes)) = (rest.get(0..4), rest.get(4..8)) else {
            return Err(corrupt(format!("truncated chunk header at offset {pos}")));
        };
        let mut len4 = [0u8; 4];
        len4.copy_from_slice(len_bytes);
        let mut ty = [0u8; 4];
        ty.copy_from_slice(ty_bytes);
        let len = u32::from_be_bytes(len4) as usize;
        if len > PNG_MAX_CHUNK_LEN {
            return Err(corrupt(format!(
                "chunk length {len} at offset {pos} exceeds 2^31-1"
            )));
        }
        if !ty.iter().all(u8::is_ascii_alphabetic) {
            return Err(corrupt(format!("invalid chunk type at offset {pos}")));
        }
        let name = String::from_utf8_lossy(&ty).into_owned();
        let total = len.saturating_add(12);
        let Some(raw) = rest.get(..total) else {
            return Err(corrupt(format!(
                "{name} chunk at offset {pos} is truncated ({len} data bytes declared, {} present)",
                rest.len().saturating_sub(12)
            )));
        };
        let data = raw.get(8..8 + len).unwrap_or_default();
        let crc_bytes = raw.get(8 + len..).unwrap_or_default();
        let mut crc4 = [0u8; 4];
        if crc_bytes.len() == 4 {
            crc4.copy_from_slice(crc_bytes);
        }
        let stored = u32::from_be_bytes(crc4);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&ty);
        hasher.update(data);
        if hasher.finalize() != stored {
            return Err(corrupt(format!(
                "CRC mismatch in {name} chunk at offset {pos}"
            )));
        }
        if self.index == 0 && (&ty != b"IHDR" || len != 13) {
            return Err(corrupt("the first chunk is not a 13-byte IHDR".into()));
        }
        if self.index > 0 && &ty == b"IHDR" {
            return Err(corrupt(format!("second IHDR chunk at offset {pos}")));
        }
        self.index += 1;
        self.pos = pos + total;
        if &ty == b"IEND" {
            if len != 0 {
                return Err(corrupt("IEND chunk with data".into()));
            }
            if self.pos != png.len() {
                return Err(corrupt(format!(
                    "{} bytes after the IEND chunk",
                    png.len() - self.pos
                )));
            }
            self.done = true;
        }
        Ok(Some(Chunk {
            offset: pos,
            ty,
            data,
            raw,
        }))
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<Chunk<'a>, BakeError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_chunk() {
            Ok(Some(c)) => Some(Ok(c)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn corrupt(msg: String) -> BakeError {
    BakeError::CorruptPng(msg)
}

/// Is this an iTXt chunk whose keyword is [`PNG_KEYWORD`]?
fn is_our_itxt(chunk: &Chunk<'_>) -> bool {
    &chunk.ty == b"iTXt"
        && chunk.data.len() > PNG_KEYWORD.len()
        && chunk.data.starts_with(PNG_KEYWORD.as_bytes())
        && chunk.data.get(PNG_KEYWORD.len()) == Some(&0)
}

/// Reads the text of an `openbadgecredential` iTXt chunk (PNG §11.3.3.4
/// layout: keyword, NUL, compression flag, compression method, language tag,
/// NUL, translated keyword, NUL, text).
fn read_our_itxt(chunk: &Chunk<'_>) -> Result<Baked, BakeError> {
    let at = chunk.offset;
    let rest = chunk.data.get(PNG_KEYWORD.len() + 1..).unwrap_or_default();
    let (Some(&flag), Some(&method)) = (rest.first(), rest.get(1)) else {
        return Err(corrupt(format!("iTXt chunk at offset {at} is too short")));
    };
    match flag {
        0 => {}
        1 => return Err(BakeError::CompressedText),
        other => {
            return Err(corrupt(format!(
                "iTXt chunk at offset {at} has compression flag {other}"
            )));
        }
    }
    if method != 0 {
        return Err(corrupt(format!(
            "iTXt chunk at offset {at} has compression method {method}"
        )));
    }
    let rest = rest.get(2..).unwrap_or_default();
    let Some(lang_end) = rest.iter().position(|&b| b == 0) else {
        return Err(corrupt(format!(
            "iTXt chunk at offset {at}: unterminated language tag"
        )));
    };
    let rest = rest.get(lang_end + 1..).unwrap_or_default();
    let Some(tk_end) = rest.iter().position(|&b| b == 0) else {
        return Err(corrupt(format!(
            "iTXt chunk at offset {at}: unterminated translated keyword"
        )));
    };
    let text = rest.get(tk_end + 1..).unwrap_or_default();
    if text.len() > MAX_CREDENTIAL_BYTES {
        // Checked before UTF-8 validation; same measure as `classify`.
        let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        let start = text.iter().position(|b| !is_ws(b)).unwrap_or(text.len());
        let end = text
            .iter()
            .rposition(|b| !is_ws(b))
            .map_or(start, |e| e + 1);
        let trimmed = end.saturating_sub(start);
        if trimmed > MAX_CREDENTIAL_BYTES {
            return Err(BakeError::CredentialTooLarge(trimmed));
        }
    }
    let text = std::str::from_utf8(text).map_err(|_| BakeError::NotUtf8)?;
    classify(text)
}

/// Appends one PNG chunk (length, type, data, CRC-32 over type and data).
fn write_chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) -> Result<(), BakeError> {
    let len = u32::try_from(data.len()).map_err(|_| BakeError::CredentialTooLarge(data.len()))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(ty);
    out.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(ty);
    hasher.update(data);
    out.extend_from_slice(&hasher.finalize().to_be_bytes());
    Ok(())
}

/// Bakes a credential into a PNG (OB 3.0 §5.3.1.1) by splicing chunks, so it
/// works on any valid PNG, ours or not.
///
/// `credential` is the credential JSON (a JSON object, embedded proof) or a
/// compact JWS (VC-JWT); surrounding whitespace is trimmed. The signature and
/// every chunk's length and CRC are validated; every existing iTXt chunk with
/// keyword [`PNG_KEYWORD`] is dropped (re-baking replaces), and one new
/// uncompressed iTXt chunk (compression flag 0, method 0, empty language tag
/// and translated keyword) is inserted right before IEND. Other chunks,
/// including an OB 2.0 `openbadges` iTXt chunk, are copied unchanged.
///
/// Errors: [`BakeError::NotAnImage`], [`BakeError::CorruptPng`],
/// [`BakeError::TooLarge`] (input or output above [`MAX_IMAGE_BYTES`]),
/// [`BakeError::CredentialTooLarge`], [`BakeError::InvalidCredential`].
pub fn bake_png(png: &[u8], credential: &str) -> Result<Vec<u8>, BakeError> {
    if png.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge(png.len()));
    }
    if !png.starts_with(&PNG_SIGNATURE) {
        return Err(BakeError::NotAnImage);
    }
    let baked = classify(credential)?;
    let text = baked.as_str().as_bytes();

    let mut data = Vec::with_capacity(PNG_KEYWORD.len() + 5 + text.len());
    data.extend_from_slice(PNG_KEYWORD.as_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0]); // NUL, flag 0, method 0, "" NUL, "" NUL
    data.extend_from_slice(text);

    let mut out = Vec::with_capacity(png.len() + data.len() + 12);
    out.extend_from_slice(&PNG_SIGNATURE);
    for chunk in Chunks::new(png)? {
        let chunk = chunk?;
        if is_our_itxt(&chunk) {
            continue;
        }
        if &chunk.ty == b"IEND" {
            write_chunk(&mut out, b"iTXt", &data)?;
        }
        out.extend_from_slice(chunk.raw);
    }
    if out.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge(out.len()));
    }
    Ok(out)
}

/// Extracts the credential from a baked PNG (OB 3.0 §5.3.1.2): the text of
/// the first iTXt chunk with keyword [`PNG_KEYWORD`].
///
/// The whole chunk structure is validated (lengths, CRCs, IHDR … IEND), so a
/// truncated or damaged file is [`BakeError::CorruptPng`] even when the
/// credential chunk itself is intact. Errors also: [`BakeError::NotAnImage`],
/// [`BakeError::TooLarge`], [`BakeError::NoCredential`],
/// [`BakeError::CompressedText`], [`BakeError::NotUtf8`],
/// [`BakeError::CredentialTooLarge`], [`BakeError::InvalidCredential`].
pub fn unbake_png(png: &[u8]) -> Result<Baked, BakeError> {
    if png.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge(png.len()));
    }
    let mut found: Option<Result<Baked, BakeError>> = None;
    for chunk in Chunks::new(png)? {
        let chunk = chunk?;
        if found.is_none() && is_our_itxt(&chunk) {
            found = Some(read_our_itxt(&chunk));
        }
    }
    found.unwrap_or(Err(BakeError::NoCredential))
}

// ---------------------------------------------------------------------------
// SVG (OB 3.0 §5.3.2)
// ---------------------------------------------------------------------------

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

/// Sniffs the format and extracts the credential (OB 3.0 §5.3.1.2 PNG,
/// §5.3.2.2 SVG): PNG by its signature, SVG when the first non-whitespace
/// character after an optional UTF-8 BOM is `<` (the SVG must be UTF-8).
/// Anything else, including empty input, is [`BakeError::NotAnImage`].
pub fn unbake(bytes: &[u8]) -> Result<Baked, BakeError> {
    if bytes.is_empty() {
        return Err(BakeError::NotAnImage);
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge(bytes.len()));
    }
    if bytes.starts_with(&PNG_SIGNATURE) {
        return unbake_png(bytes);
    }
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let first = body
        .iter()
        .find(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'));
    if first != Some(&b'<') {
        return Err(BakeError::NotAnImage);
    }
    let svg = std::str::from_utf8(bytes)
        .map_err(|e| BakeError::SvgMalformed(format!("SVG is not UTF-8: {e}")))?;
    unbake_svg(svg)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const JSON_CRED: &str = r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":["VerifiableCredential","OpenBadgeCredential"],"name":"Zertifikat für Ærøskøbing — 日本語 ✓ and a ]]> inside a string, plus ]]]]>> twice","credentialSubject":{"type":["AchievementSubject"]}}"#;
    const JWS_CRED: &str =
        "eyJhbGciOiJFZERTQSJ9.eyJ0eXBlIjpbIk9wZW5CYWRnZUNyZWRlbnRpYWwiXX0.c2lnbmF0dXJlLWJ5dGVz";

    fn vector(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/vectors/baked/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// A 4×3 RGBA PNG made with the png crate, optionally with an extra
    /// text chunk written before IDAT.
    fn small_png_with(text: Option<png::text_metadata::ITXtChunk>) -> Vec<u8> {
        let mut buf = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut buf, 4, 3);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            if let Some(t) = text {
                w.write_text_chunk(&t).unwrap();
            }
            let pixels: Vec<u8> = (0..4 * 3 * 4).map(|i| (i * 5) as u8).collect();
            w.write_image_data(&pixels).unwrap();
            w.finish().unwrap();
        }
        buf
    }

    fn small_png() -> Vec<u8> {
        small_png_with(None)
    }

    /// (type, data) of every chunk, via an independent minimal walker.
    fn chunk_list(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        let mut v = Vec::new();
        let mut i = 8;
        while i + 12 <= png.len() {
            let len = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
            let ty: [u8; 4] = png[i + 4..i + 8].try_into().unwrap();
            v.push((ty, png[i + 8..i + 8 + len].to_vec()));
            i += 12 + len;
        }
        v
    }

    fn our_itxt_count(png: &[u8]) -> usize {
        chunk_list(png)
            .iter()
            .filter(|(t, d)| t == b"iTXt" && d.starts_with(b"openbadgecredential\0"))
            .count()
    }

    /// Bitwise CRC-32 (ISO-HDLC), independent of crc32fast.
    fn crc32_reference(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// Inserts a raw chunk right before IEND (test helper, any bytes).
    fn splice_before_iend(png: &[u8], ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let iend = png.len() - 12;
        assert_eq!(&png[iend + 4..iend + 8], b"IEND");
        let mut out = png[..iend].to_vec();
        write_chunk(&mut out, ty, data).unwrap();
        out.extend_from_slice(&png[iend..]);
        out
    }

    fn type_contains_obc(json: &str) -> bool {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["type"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "OpenBadgeCredential")
    }

    const PLAIN_SVG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- badge -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" data-x=\"a>b\"><rect width=\"10\" height=\"10\" fill=\"#c00\"/><text x=\"1\" y=\"9\">Grüße &amp; ✓</text></svg>\n";

    // ---------------------------------------------------------------- PNG

    #[test]
    fn png_round_trip_json_with_cdata_end_and_non_ascii() {
        let png = small_png();
        let baked = bake_png(&png, JSON_CRED).unwrap();
        assert_eq!(unbake_png(&baked).unwrap(), Baked::Json(JSON_CRED.into()));
        assert_eq!(unbake(&baked).unwrap(), Baked::Json(JSON_CRED.into()));
        assert_eq!(our_itxt_count(&baked), 1);

        // The png crate decodes the result: same pixels, and it sees our
        // uncompressed iTXt chunk.
        let decode = |bytes: &[u8]| {
            let mut r = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()))
                .read_info()
                .unwrap();
            let mut px = vec![0; r.output_buffer_size().unwrap()];
            r.next_frame(&mut px).unwrap();
            r.finish().unwrap();
            let texts: Vec<(String, bool, String)> = r
                .info()
                .utf8_text
                .iter()
                .map(|t| (t.keyword.clone(), t.compressed, t.get_text().unwrap()))
                .collect();
            (px, texts)
        };
        let (px0, _) = decode(&png);
        let (px1, texts) = decode(&baked);
        assert_eq!(px0, px1);
        assert_eq!(
            texts,
            vec![(PNG_KEYWORD.to_string(), false, JSON_CRED.to_string())]
        );
    }

    #[test]
    fn png_round_trip_jws_and_trimming() {
        let baked = bake_png(&small_png(), &format!("\n {JWS_CRED}\n")).unwrap();
        assert_eq!(unbake(&baked).unwrap(), Baked::Jws(JWS_CRED.into()));
    }

    #[test]
    fn png_itxt_layout_and_crc_exact() {
        let baked = bake_png(&small_png(), JSON_CRED).unwrap();
        let chunks = chunk_list(&baked);
        let n = chunks.len();
        assert_eq!(&chunks[n - 1].0, b"IEND");
        assert_eq!(&chunks[n - 2].0, b"iTXt", "iTXt right before IEND");
        let mut expected = Vec::new();
        expected.extend_from_slice(b"openbadgecredential");
        expected.extend_from_slice(&[0, 0, 0, 0, 0]);
        expected.extend_from_slice(JSON_CRED.as_bytes());
        assert_eq!(chunks[n - 2].1, expected);

        // Raw bytes: length, type, data, CRC over type + data.
        let at = baked.len() - 12 - (12 + expected.len());
        let raw = &baked[at..baked.len() - 12];
        assert_eq!(&raw[..4], &(expected.len() as u32).to_be_bytes());
        assert_eq!(&raw[4..8], b"iTXt");
        assert_eq!(&raw[8..8 + expected.len()], &expected[..]);
        let mut crc_input = b"iTXt".to_vec();
        crc_input.extend_from_slice(&expected);
        assert_eq!(
            &raw[8 + expected.len()..],
            &crc32_reference(&crc_input).to_be_bytes()
        );
        // Sanity of the reference CRC: PNG's IEND CRC is AE 42 60 82.
        assert_eq!(crc32_reference(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn png_rebake_replaces() {
        // Start from a PNG that already has our chunk before IDAT (written by
        // the png crate) plus an unrelated iTXt and an OB 2.0 chunk.
        let mut pre = small_png_with(Some(png::text_metadata::ITXtChunk::new(
            PNG_KEYWORD,
            JWS_CRED,
        )));
        pre = splice_before_iend(&pre, b"iTXt", b"openbadges\0\0\0\0\0{\"old\":\"ob2\"}");
        pre = splice_before_iend(&pre, b"iTXt", b"Comment\0\0\0\0\0hello");
        assert_eq!(unbake(&pre).unwrap(), Baked::Jws(JWS_CRED.into()));

        let once = bake_png(&pre, JSON_CRED).unwrap();
        let twice = bake_png(&once, r#"{"type":["OpenBadgeCredential"],"n":2}"#).unwrap();
        assert_eq!(our_itxt_count(&once), 1);
        assert_eq!(our_itxt_count(&twice), 1);
        assert_eq!(
            unbake(&twice).unwrap(),
            Baked::Json(r#"{"type":["OpenBadgeCredential"],"n":2}"#.into())
        );
        // Other chunks kept.
        let kinds: Vec<_> = chunk_list(&twice)
            .into_iter()
            .filter(|(t, _)| t == b"iTXt")
            .map(|(_, d)| d.split(|&b| b == 0).next().unwrap().to_vec())
            .collect();
        assert_eq!(
            kinds,
            vec![
                b"openbadges".to_vec(),
                b"Comment".to_vec(),
                b"openbadgecredential".to_vec()
            ]
        );
        // Re-baking the same credential is idempotent.
        assert_eq!(bake_png(&once, JSON_CRED).unwrap(), once);
    }

    #[test]
    fn png_1edtech_vectors() {
        let json = unbake(&vector("simple-json.png")).unwrap();
        let Baked::Json(j) = &json else {
            panic!("{json:?}")
        };
        assert!(type_contains_obc(j));
        assert_eq!(unbake_png(&vector("simple-json.png")).unwrap(), json);

        let jwt = unbake(&vector("simple-jwt.png")).unwrap();
        let Baked::Jws(t) = &jwt else {
            panic!("{jwt:?}")
        };
        assert_eq!(t.split('.').count(), 3);
        assert!(t.starts_with("eyJ"));

        // Re-baking a foreign PNG replaces its credential.
        let rebaked = bake_png(&vector("simple-json.png"), JWS_CRED).unwrap();
        assert_eq!(our_itxt_count(&rebaked), 1);
        assert_eq!(unbake(&rebaked).unwrap(), Baked::Jws(JWS_CRED.into()));
    }

    #[test]
    fn png_errors() {
        let plain = small_png();
        let baked = bake_png(&plain, JSON_CRED).unwrap();

        // No credential.
        assert_eq!(unbake(&plain), Err(BakeError::NoCredential));
        assert_eq!(unbake_png(&plain), Err(BakeError::NoCredential));

        // Truncated (inside the iTXt chunk, and just before IEND's CRC).
        for cut in [baked.len() / 2, baked.len() - 1, baked.len() - 12] {
            let e = unbake(&baked[..cut]).unwrap_err();
            assert!(matches!(e, BakeError::CorruptPng(_)), "{cut}: {e:?}");
            assert_eq!(e.code(), "png_corrupt");
            assert!(matches!(
                bake_png(&baked[..cut], JWS_CRED),
                Err(BakeError::CorruptPng(_))
            ));
        }

        // Flipped CRC byte, in the IHDR and in our iTXt chunk.
        let mut bad = baked.clone();
        bad[8 + 8 + 13] ^= 0x01;
        let e = unbake(&bad).unwrap_err();
        assert!(
            matches!(&e, BakeError::CorruptPng(m) if m.contains("CRC") && m.contains("IHDR")),
            "{e:?}"
        );
        let mut bad = baked.clone();
        let crc_at = baked.len() - 12 - 4;
        bad[crc_at] ^= 0x80;
        assert!(
            matches!(unbake(&bad), Err(BakeError::CorruptPng(m)) if m.contains("CRC in iTXt") || m.contains("CRC mismatch in iTXt"))
        );
        assert!(matches!(
            bake_png(&bad, JSON_CRED),
            Err(BakeError::CorruptPng(_))
        ));

        // Data after IEND.
        let mut trailing = baked.clone();
        trailing.extend_from_slice(b"junk");
        assert!(
            matches!(unbake(&trailing), Err(BakeError::CorruptPng(m)) if m.contains("after the IEND"))
        );

        // Compressed iTXt with our keyword (compressed by the png crate).
        let mut chunk = png::text_metadata::ITXtChunk::new(PNG_KEYWORD, JSON_CRED);
        chunk.compressed = true;
        let compressed = small_png_with(Some(chunk));
        assert_eq!(unbake(&compressed), Err(BakeError::CompressedText));
        assert_eq!(
            unbake(&compressed).unwrap_err().code(),
            "png_text_compressed"
        );
        // Baking over it replaces the compressed chunk.
        let fixed = bake_png(&compressed, JSON_CRED).unwrap();
        assert_eq!(our_itxt_count(&fixed), 1);
        assert_eq!(unbake(&fixed).unwrap(), Baked::Json(JSON_CRED.into()));

        // Credential text that is not UTF-8.
        let mut data = b"openbadgecredential\0\0\0\0\0{\"name\":\"".to_vec();
        data.extend_from_slice(&[0xC3, 0x28, 0xFF]);
        data.extend_from_slice(b"\"}");
        let not_utf8 = splice_before_iend(&plain, b"iTXt", &data);
        assert_eq!(unbake(&not_utf8), Err(BakeError::NotUtf8));
        assert_eq!(unbake(&not_utf8).unwrap_err().code(), "credential_not_utf8");

        // Text that is no credential.
        let junk = splice_before_iend(&plain, b"iTXt", b"openbadgecredential\0\0\0\0\0hello world");
        assert!(matches!(
            unbake(&junk),
            Err(BakeError::InvalidCredential(_))
        ));

        // Only the first chunk with our keyword counts.
        let two = splice_before_iend(
            &baked,
            b"iTXt",
            b"openbadgecredential\0\0\0\0\0{\"second\":1}",
        );
        assert_eq!(unbake(&two).unwrap(), Baked::Json(JSON_CRED.into()));

        // A credential above 1 MiB in the chunk.
        let mut big = b"openbadgecredential\0\0\0\0\0{\"x\":\"".to_vec();
        big.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
        big.extend_from_slice(b"\"}");
        let big_png = splice_before_iend(&plain, b"iTXt", &big);
        let text_len = big.len() - (PNG_KEYWORD.len() + 5);
        assert_eq!(
            unbake(&big_png),
            Err(BakeError::CredentialTooLarge(text_len))
        );

        // Baking refuses bad credentials and oversize input.
        assert!(matches!(
            bake_png(&plain, "not a credential"),
            Err(BakeError::InvalidCredential(_))
        ));
        assert!(matches!(
            bake_png(&plain, "[1,2]"),
            Err(BakeError::InvalidCredential(_))
        ));
        assert!(matches!(
            bake_png(&plain, "{\"a\":"),
            Err(BakeError::InvalidCredential(_))
        ));
        assert!(matches!(
            bake_png(&plain, "  "),
            Err(BakeError::InvalidCredential(_))
        ));
        let huge_cred = format!("{{\"x\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
        assert_eq!(
            bake_png(&plain, &huge_cred),
            Err(BakeError::CredentialTooLarge(huge_cred.len()))
        );
        let mut huge_png = plain.clone();
        huge_png.resize(MAX_IMAGE_BYTES + 1, 0);
        assert_eq!(
            bake_png(&huge_png, JSON_CRED),
            Err(BakeError::TooLarge(MAX_IMAGE_BYTES + 1))
        );
        assert_eq!(
            unbake(&huge_png),
            Err(BakeError::TooLarge(MAX_IMAGE_BYTES + 1))
        );
        assert_eq!(
            bake_png(b"GIF89a......", JSON_CRED),
            Err(BakeError::NotAnImage)
        );
        assert_eq!(unbake_png(b"GIF89a"), Err(BakeError::NotAnImage));
    }

    #[test]
    fn not_an_image() {
        assert_eq!(unbake(b""), Err(BakeError::NotAnImage));
        assert_eq!(unbake(b"   \n"), Err(BakeError::NotAnImage));
        assert_eq!(unbake(b"{\"type\":[]}"), Err(BakeError::NotAnImage));
        // Pseudo-random bytes (xorshift), none starting with '<' or the PNG signature.
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut bytes = Vec::new();
        for _ in 0..4096 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            bytes.push(s as u8);
        }
        bytes[0] = 0x17;
        assert_eq!(unbake(&bytes), Err(BakeError::NotAnImage));
        assert_eq!(unbake(&bytes).unwrap_err().code(), "not_an_image");
        // Well-formed XML that is not an SVG.
        assert_eq!(unbake(b"<html><body/></html>"), Err(BakeError::NotAnImage));
    }

    // ---------------------------------------------------------------- SVG

    #[test]
    fn svg_round_trip_json_with_cdata_end_and_non_ascii() {
        let baked = bake_svg(PLAIN_SVG, JSON_CRED).unwrap();
        assert_eq!(unbake_svg(&baked).unwrap(), Baked::Json(JSON_CRED.into()));
        assert_eq!(
            unbake(baked.as_bytes()).unwrap(),
            Baked::Json(JSON_CRED.into())
        );
        // Namespace once on the root, element directly after the start tag,
        // `]]>` split across CDATA sections.
        assert_eq!(baked.matches("xmlns:openbadges=").count(), 1);
        assert!(baked.contains(
            "data-x=\"a>b\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential><![CDATA[{"
        ));
        assert!(baked.contains("a ]]]]><![CDATA[> inside"));
        assert_eq!(baked.matches("<openbadges:credential").count(), 1);
        // The rest is byte for byte the same.
        assert!(
            baked.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- badge -->\n<svg ")
        );
        assert!(baked.ends_with("</openbadges:credential><rect width=\"10\" height=\"10\" fill=\"#c00\"/><text x=\"1\" y=\"9\">Grüße &amp; ✓</text></svg>\n"));
        // First child of the root element is the credential element.
        let doc = roxmltree::Document::parse(&baked).unwrap();
        let first = doc.root_element().first_child().unwrap();
        assert_eq!(first.tag_name().namespace(), Some(SVG_NAMESPACE));
        assert_eq!(first.tag_name().name(), "credential");
    }

    #[test]
    fn svg_round_trip_jws() {
        let baked = bake_svg(PLAIN_SVG, JWS_CRED).unwrap();
        assert!(baked.contains(&format!(
            "><openbadges:credential verify=\"{JWS_CRED}\"></openbadges:credential><rect"
        )));
        assert_eq!(unbake_svg(&baked).unwrap(), Baked::Jws(JWS_CRED.into()));
    }

    #[test]
    fn svg_rebake_replaces() {
        let once = bake_svg(PLAIN_SVG, JWS_CRED).unwrap();
        let twice = bake_svg(&once, JSON_CRED).unwrap();
        let thrice = bake_svg(&twice, JSON_CRED).unwrap();
        for s in [&once, &twice, &thrice] {
            assert_eq!(s.matches("<openbadges:credential").count(), 1, "{s}");
            assert_eq!(s.matches("xmlns:openbadges=").count(), 1);
        }
        assert_eq!(twice, thrice, "re-baking is idempotent");
        assert_eq!(unbake_svg(&twice).unwrap(), Baked::Json(JSON_CRED.into()));

        // A credential element elsewhere, under another prefix, is removed too.
        let odd = "<svg xmlns=\"http://www.w3.org/2000/svg\"><g><ob:credential xmlns:ob=\"https://purl.imsglobal.org/ob/v3p0\">{\"old\":1}</ob:credential></g></svg>";
        let baked = bake_svg(odd, JWS_CRED).unwrap();
        assert_eq!(baked.matches("credential").count(), 2, "{baked}"); // start + end tag
        assert!(baked.ends_with("<g></g></svg>"));
        assert_eq!(unbake_svg(&baked).unwrap(), Baked::Jws(JWS_CRED.into()));
    }

    #[test]
    fn svg_special_roots() {
        // Self-closing root.
        let baked = bake_svg("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", JSON_CRED).unwrap();
        assert!(baked.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>"));
        assert!(baked.ends_with("</openbadges:credential></svg>"));
        assert_eq!(unbake_svg(&baked).unwrap(), Baked::Json(JSON_CRED.into()));
        // Prefixed root, self-closing.
        let baked = bake_svg("<s:svg xmlns:s='http://www.w3.org/2000/svg' />", JWS_CRED).unwrap();
        assert!(
            baked.ends_with("</openbadges:credential></s:svg>"),
            "{baked}"
        );
        assert_eq!(unbake_svg(&baked).unwrap(), Baked::Jws(JWS_CRED.into()));
        // Namespace already declared: not declared twice.
        let pre = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"></svg>";
        let baked = bake_svg(pre, JWS_CRED).unwrap();
        assert_eq!(baked.matches("xmlns:openbadges").count(), 1);
        // OB 2.0 prefix binding on the root: refused, not mixed.
        let ob2 = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion verify=\"https://example.org/a\"/></svg>";
        assert!(
            matches!(bake_svg(ob2, JSON_CRED), Err(BakeError::SvgMalformed(m)) if m.contains("http://openbadges.org"))
        );
        assert_eq!(unbake_svg(ob2), Err(BakeError::NoCredential));
        // Root that is not <svg>.
        assert_eq!(bake_svg("<html/>", JSON_CRED), Err(BakeError::NotAnImage));
        // CRLF in JSON whitespace becomes LF (XML end-of-line handling).
        let crlf = "{\r\n\"type\": [\"OpenBadgeCredential\"]\r\n}";
        let baked = bake_svg(PLAIN_SVG, crlf).unwrap();
        assert_eq!(
            unbake_svg(&baked).unwrap(),
            Baked::Json("{\n\"type\": [\"OpenBadgeCredential\"]\n}".into())
        );
        // A non-XML character in the JSON.
        assert!(matches!(
            bake_svg(PLAIN_SVG, "{\"a\":\"\u{FFFE}\"}"),
            Err(BakeError::InvalidCredential(_))
        ));
        // BOM and leading whitespace are sniffed as SVG.
        let baked = bake_svg(PLAIN_SVG, JWS_CRED).unwrap();
        let mut with_bom = b"\xEF\xBB\xBF \n".to_vec();
        with_bom.extend_from_slice(baked.trim_start().as_bytes());
        // (leading whitespace before the XML declaration is not well-formed)
        assert!(matches!(unbake(&with_bom), Err(BakeError::SvgMalformed(_))));
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(baked.as_bytes());
        assert_eq!(unbake(&with_bom).unwrap(), Baked::Jws(JWS_CRED.into()));
        let mut ws = b"\n  ".to_vec();
        ws.extend_from_slice(
            bake_svg("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", JWS_CRED)
                .unwrap()
                .as_bytes(),
        );
        assert_eq!(unbake(&ws).unwrap(), Baked::Jws(JWS_CRED.into()));
    }

    #[test]
    fn svg_1edtech_vectors() {
        for name in ["simple-json.svg", "simple-jwt.svg"] {
            let bytes = vector(name);
            let got = unbake(&bytes).unwrap();
            assert_eq!(
                unbake_svg(std::str::from_utf8(&bytes).unwrap()).unwrap(),
                got
            );
            match (name, &got) {
                ("simple-json.svg", Baked::Json(j)) => assert!(type_contains_obc(j)),
                ("simple-jwt.svg", Baked::Jws(t)) => assert!(t.starts_with("eyJ")),
                _ => panic!("{name}: {got:?}"),
            }
        }
        // Re-baking the 1EdTech SVG (which has an external-only DOCTYPE)
        // keeps its DOCTYPE and replaces the element.
        let src = String::from_utf8(vector("simple-json.svg")).unwrap();
        let rebaked = bake_svg(&src, JWS_CRED).unwrap();
        assert!(rebaked.contains("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\""));
        assert_eq!(rebaked.matches("<openbadges:credential").count(), 1);
        assert_eq!(rebaked.matches("xmlns:openbadges=").count(), 1);
        assert_eq!(
            unbake(rebaked.as_bytes()).unwrap(),
            Baked::Jws(JWS_CRED.into())
        );
    }

    #[test]
    fn svg_errors() {
        // XXE: refused before parsing; the file is never read.
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.txt");
        std::fs::write(
            &secret,
            "{\"type\":[\"OpenBadgeCredential\"],\"leak\":\"SECRET-MARKER\"}",
        )
        .unwrap();
        let xxe = format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file://{}\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>&xxe;</openbadges:credential></svg>",
            secret.display()
        );
        assert_eq!(unbake(xxe.as_bytes()), Err(BakeError::SvgEntities));
        assert_eq!(unbake_svg(&xxe).unwrap_err().code(), "svg_entities_refused");
        assert_eq!(bake_svg(&xxe, JSON_CRED), Err(BakeError::SvgEntities));
        let passwd = "<!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&xxe;</svg>";
        assert_eq!(unbake(passwd.as_bytes()), Err(BakeError::SvgEntities));
        // Billion laughs.
        let lol = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><svg>&lol2;</svg>";
        assert_eq!(unbake(lol.as_bytes()), Err(BakeError::SvgEntities));
        // An undeclared entity with an external-only DOCTYPE: not resolved.
        let ext = "<!DOCTYPE svg SYSTEM \"file:///etc/passwd\"><svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>&ent;</openbadges:credential></svg>";
        assert!(matches!(
            unbake(ext.as_bytes()),
            Err(BakeError::SvgMalformed(_))
        ));
        // A '[' inside the quoted system id is not an internal subset.
        let quoted =
            "<!DOCTYPE svg SYSTEM \"x[y].dtd\"><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(unbake(quoted.as_bytes()), Err(BakeError::NoCredential));
        // Two DOCTYPEs.
        let twice = "<!DOCTYPE svg><!DOCTYPE svg><svg/>";
        assert!(unbake(twice.as_bytes()).is_err());

        // No credential.
        assert_eq!(unbake(PLAIN_SVG.as_bytes()), Err(BakeError::NoCredential));
        assert_eq!(unbake_svg(PLAIN_SVG).unwrap_err().code(), "no_credential");
        // Empty credential element.
        let empty = "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential verify=\"\"> </openbadges:credential></svg>";
        assert!(matches!(
            unbake_svg(empty),
            Err(BakeError::InvalidCredential(_))
        ));
        // Malformed.
        assert!(matches!(
            unbake(b"<svg><g></svg>"),
            Err(BakeError::SvgMalformed(_))
        ));
        assert!(matches!(
            bake_svg("<svg", JSON_CRED),
            Err(BakeError::SvgMalformed(_))
        ));
        assert_eq!(
            unbake(b"<svg"[..].as_ref()).unwrap_err().code(),
            "svg_malformed"
        );
        // Not UTF-8.
        assert!(matches!(
            unbake(b"<svg>\xFF</svg>"),
            Err(BakeError::SvgMalformed(_))
        ));

        // Bigger than MAX_IMAGE_BYTES.
        let mut big = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\">");
        big.push_str(&" ".repeat(MAX_IMAGE_BYTES));
        big.push_str("</svg>");
        assert_eq!(unbake(big.as_bytes()), Err(BakeError::TooLarge(big.len())));
        assert_eq!(unbake_svg(&big), Err(BakeError::TooLarge(big.len())));
        assert_eq!(
            bake_svg(&big, JSON_CRED),
            Err(BakeError::TooLarge(big.len()))
        );
        assert_eq!(unbake_svg(&big).unwrap_err().code(), "image_too_large");

        // A 2 MiB CDATA credential.
        let cred = format!("{{\"x\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential><![CDATA[\n{cred}\n]]></openbadges:credential></svg>"
        );
        assert_eq!(
            unbake(svg.as_bytes()),
            Err(BakeError::CredentialTooLarge(cred.len()))
        );
        assert_eq!(unbake_svg(&svg).unwrap_err().code(), "credential_too_large");
        assert_eq!(
            bake_svg(PLAIN_SVG, &cred),
            Err(BakeError::CredentialTooLarge(cred.len()))
        );
        // Many CDATA sections adding up to far more than the limit.
        let piece = format!("<![CDATA[{}]]>", "a".repeat(64 * 1024));
        let svg = format!(
            "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>{}</openbadges:credential></svg>",
            piece.repeat(40)
        );
        assert!(
            matches!(unbake_svg(&svg), Err(BakeError::CredentialTooLarge(n)) if n > MAX_CREDENTIAL_BYTES)
        );

        // verify attribute that is not a JWS.
        let v = "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential verify=\"{&quot;a&quot;:1}\"/></svg>";
        assert!(matches!(
            unbake_svg(v),
            Err(BakeError::InvalidCredential(_))
        ));
    }

    #[test]
    fn error_codes_are_stable_and_distinct() {
        let all = [
            BakeError::NotAnImage,
            BakeError::CorruptPng(String::new()),
            BakeError::NoCredential,
            BakeError::CompressedText,
            BakeError::SvgMalformed(String::new()),
            BakeError::SvgEntities,
            BakeError::TooLarge(0),
            BakeError::CredentialTooLarge(0),
            BakeError::NotUtf8,
            BakeError::InvalidCredential(String::new()),
        ];
        let codes: Vec<_> = all.iter().map(BakeError::code).collect();
        assert_eq!(
            codes,
            [
                "not_an_image",
                "png_corrupt",
                "no_credential",
                "png_text_compressed",
                "svg_malformed",
                "svg_entities_refused",
                "image_too_large",
                "credential_too_large",
                "credential_not_utf8",
                "credential_invalid"
            ]
        );
    }

    #[test]
    fn no_panic_on_prefixes_and_mutations() {
        let png = bake_png(&small_png(), JSON_CRED).unwrap();
        let svg = bake_svg(PLAIN_SVG, JSON_CRED).unwrap().into_bytes();
        let jwt_svg = vector("simple-jwt.svg");
        for bytes in [&png, &svg, &jwt_svg] {
            for n in 0..bytes.len() {
                let r = unbake(&bytes[..n]);
                assert!(r.is_err() || r.is_ok());
                if let Ok(s) = std::str::from_utf8(&bytes[..n]) {
                    let _ = bake_svg(s, JWS_CRED);
                }
                let _ = bake_png(&bytes[..n], JWS_CRED);
            }
            // Every prefix of a PNG short of the whole file is an error.
            if bytes.starts_with(&PNG_SIGNATURE) {
                for n in 0..bytes.len() {
                    assert!(unbake(&bytes[..n]).is_err());
                }
            }
            // Single-byte mutations.
            let mut s = 0x2545_F491_4F6C_DD1Du64;
            for _ in 0..3000 {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let mut m = bytes.to_vec();
                let at = (s as usize) % m.len();
                m[at] = (s >> 32) as u8;
                let _ = unbake(&m);
                let _ = bake_png(&m, JSON_CRED);
                if let Ok(t) = std::str::from_utf8(&m) {
                    let _ = bake_svg(t, JSON_CRED);
                }
            }
        }
    }
}
