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
//!
//! One file per image format: `png_itxt.rs` (OB 3.0 §5.3.1) and
//! `svg_element.rs` (§5.3.2); what they share (the error, the credential
//! text, sniffing the format) is here.

mod png_itxt;
mod svg_element;

#[cfg(test)]
mod tests;

pub use png_itxt::{bake_png, unbake_png};
pub use svg_element::{bake_svg, unbake_svg};

use png_itxt::PNG_SIGNATURE;

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

/// Most chunks read from a PNG (IHDR and IEND included); a real badge has
/// a handful.
pub const MAX_PNG_CHUNKS: usize = 1024;

/// Most bytes of text chunks (`tEXt`, `zTXt`, `iTXt`) read from a PNG besides
/// the credential's own chunk (which [`MAX_CREDENTIAL_BYTES`] bounds).
pub const MAX_PNG_TEXT_BYTES: usize = 1024 * 1024;

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
    /// The PNG has more than [`MAX_PNG_CHUNKS`] chunks.
    #[error("the PNG has more than {MAX_PNG_CHUNKS} chunks")]
    TooManyChunks,
    /// The PNG's other text chunks hold more than [`MAX_PNG_TEXT_BYTES`]
    /// bytes. Carries the count read when the limit was passed.
    #[error("the PNG's text chunks hold more than {MAX_PNG_TEXT_BYTES} bytes ({0} read)")]
    TooMuchText(usize),
    /// The PNG has a second `openbadgecredential` iTXt chunk; OB 3.0 §5.3.1
    /// bakes exactly one, and two could be read differently by two readers.
    /// Carries the second chunk's offset.
    #[error(
        "the PNG has a second openbadgecredential iTXt chunk (at offset {0}); Open Badges 3.0 bakes one"
    )]
    DuplicateCredential(usize),
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
            BakeError::TooManyChunks => "png_too_many_chunks",
            BakeError::TooMuchText(_) => "png_text_too_large",
            BakeError::DuplicateCredential(_) => "png_duplicate_credential",
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

pub(super) fn is_xml_space(c: char) -> bool {
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
pub(super) fn classify(text: &str) -> Result<Baked, BakeError> {
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
