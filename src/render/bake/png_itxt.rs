//! Baking into PNG (OB 3.0 §5.3.1): the credential in one uncompressed
//! `iTXt` chunk with keyword [`PNG_KEYWORD`], spliced in before `IEND` after
//! every chunk's length and CRC-32 is checked, and read back from it.

use super::{
    BakeError, Baked, MAX_CREDENTIAL_BYTES, MAX_IMAGE_BYTES, MAX_PNG_CHUNKS, MAX_PNG_TEXT_BYTES,
    PNG_KEYWORD, classify,
};

/// The eight-byte PNG signature.
pub(super) const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// PNG limits a chunk's data length to 2^31 − 1 bytes.
const PNG_MAX_CHUNK_LEN: usize = 0x7FFF_FFFF;

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
/// IHDR first, IEND last, nothing after IEND, at most [`MAX_PNG_CHUNKS`]
/// chunks and [`MAX_PNG_TEXT_BYTES`] of text besides our own chunk. Yields
/// `Err` once, then stops.
struct Chunks<'a> {
    png: &'a [u8],
    pos: usize,
    index: usize,
    /// Bytes of text chunks other than ours read so far.
    text: usize,
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
            text: 0,
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
        if self.index >= MAX_PNG_CHUNKS && !rest.is_empty() {
            return Err(BakeError::TooManyChunks);
        }
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
        let chunk = Chunk {
            offset: pos,
            ty,
            data,
            raw,
        };
        if matches!(&ty, b"tEXt" | b"zTXt" | b"iTXt") && !is_our_itxt(&chunk) {
            self.text = self.text.saturating_add(len);
            if self.text > MAX_PNG_TEXT_BYTES {
                return Err(BakeError::TooMuchText(self.text));
            }
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
        Ok(Some(chunk))
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
pub(super) fn write_chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) -> Result<(), BakeError> {
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
/// its one iTXt chunk with keyword [`PNG_KEYWORD`]; a second such chunk is
/// [`BakeError::DuplicateCredential`].
///
/// The whole chunk structure is validated (lengths, CRCs, IHDR … IEND), so a
/// truncated or damaged file is [`BakeError::CorruptPng`] even when the
/// credential chunk itself is intact. Errors also: [`BakeError::NotAnImage`],
/// [`BakeError::TooLarge`], [`BakeError::NoCredential`],
/// [`BakeError::CompressedText`], [`BakeError::NotUtf8`],
/// [`BakeError::CredentialTooLarge`], [`BakeError::InvalidCredential`],
/// [`BakeError::TooManyChunks`], [`BakeError::TooMuchText`].
pub fn unbake_png(png: &[u8]) -> Result<Baked, BakeError> {
    if png.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge(png.len()));
    }
    let mut found: Option<Result<Baked, BakeError>> = None;
    for chunk in Chunks::new(png)? {
        let chunk = chunk?;
        if is_our_itxt(&chunk) {
            if found.is_some() {
                return Err(BakeError::DuplicateCredential(chunk.offset));
            }
            found = Some(read_our_itxt(&chunk));
        }
    }
    found.unwrap_or(Err(BakeError::NoCredential))
}
