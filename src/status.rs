//! W3C Bitstring Status List v1.0 (BSL): the bitstring, its encoding, the
//! status list credential, and the random index permutation.
//!
//! Pure: no store, no network. Bit `i` is the `i % 8`-th most significant
//! bit of byte `i / 8` (BSL §2.2 / §3.3: "the first index … is the left-most
//! bit"); `encodedList` is `u` + base64url-without-padding of the GZIP
//! (RFC 1952) of the bytes (BSL §2.2, multibase `u`).

use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// Minimum entries per list (BSL §3.1 step 1; herd privacy, §6.1): 16 KB of bits.
pub const MIN_LIST_SIZE: usize = 131_072;
/// Largest decompressed list accepted from others (gzip-bomb guard): 16 MB.
pub const MAX_DECODED_BYTES: usize = 16 * 1024 * 1024;
/// Default time-to-live of published lists, milliseconds (BSL §2.2 `ttl`).
pub const DEFAULT_TTL_MS: u64 = 300_000;

/// Why a status list could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// `encodedList` does not start with the multibase `u` prefix.
    #[error("encodedList is not multibase base64url (it must start with 'u')")]
    NotMultibase,
    /// `encodedList` is not valid base64url.
    #[error("encodedList is not valid base64url: {0}")]
    Base64(String),
    /// The bytes are not valid GZIP.
    #[error("encodedList is not valid GZIP: {0}")]
    Gzip(String),
    /// The list decompresses to more than the allowed size.
    #[error("the status list decompresses to more than {0} bytes")]
    TooLarge(usize),
    /// The list has fewer entries than BSL requires (STATUS_LIST_LENGTH_ERROR).
    #[error("the status list has {0} entries, fewer than the {MIN_LIST_SIZE} required")]
    TooShort(usize),
    /// The index is outside the list (BSL §3.2 step 6, RANGE_ERROR).
    #[error("status list index {index} is outside the list of {len} entries")]
    OutOfRange {
        /// The index asked for.
        index: u64,
        /// The list length in entries.
        len: usize,
    },
}

impl StatusError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            StatusError::NotMultibase | StatusError::Base64(_) => "status_list_encoding",
            StatusError::Gzip(_) => "status_list_gzip",
            StatusError::TooLarge(_) => "status_list_too_large",
            StatusError::TooShort(_) => "status_list_too_short",
            StatusError::OutOfRange { .. } => "status_index_out_of_range",
        }
    }
}

/// A bitstring of status bits (one bit per entry; `statusSize` 1).
#[derive(Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Bitstring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Bitstring({} bits, {} set)",
            self.len(),
            self.set_indexes().len()
        )
    }
}

impl Bitstring {
    /// All zeros, `bits` long (rounded up to whole bytes).
    pub fn new(bits: usize) -> Self {
        Bitstring {
            bytes: vec![0; bits.div_ceil(8)],
        }
    }

    /// From raw bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Bitstring { bytes }
    }

    /// Length in bits.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Bit `index` (MSB-first within each byte).
    pub fn get(&self, index: u64) -> Result<bool, StatusError> {
        let i = usize::try_from(index).map_err(|_| StatusError::OutOfRange {
            index,
            len: self.len(),
        })?;
        let byte = self.bytes.get(i / 8).ok_or(StatusError::OutOfRange {
            index,
            len: self.len(),
        })?;
        Ok(byte & (0x80 >> (i % 8)) != 0)
    }

    /// Sets or clears bit `index`.
    pub fn set(&mut self, index: u64, value: bool) -> Result<(), StatusError> {
        let len = self.len();
        let i = usize::try_from(index).map_err(|_| StatusError::OutOfRange { index, len })?;
        let byte = self
            .bytes
            .get_mut(i / 8)
            .ok_or(StatusError::OutOfRange { index, len })?;
        let mask = 0x80 >> (i % 8);
        if value {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
        Ok(())
    }

    /// Indexes of the set bits, ascending.
    pub fn set_indexes(&self) -> Vec<u64> {
        let mut out = Vec::new();
        for (b, byte) in self.bytes.iter().enumerate() {
            if *byte != 0 {
                for bit in 0..8 {
                    if byte & (0x80 >> bit) != 0 {
                        out.push((b * 8 + bit) as u64);
                    }
                }
            }
        }
        out
    }

    /// `encodedList` (BSL §3.1 "Bitstring Generation Algorithm" steps 3–4):
    /// GZIP, then multibase base64url without padding.
    pub fn encode(&self) -> String {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(&self.bytes);
        let compressed = gz.finish().unwrap_or_default();
        format!(
            "u{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
        )
    }

    /// Reads an `encodedList` (BSL §3.2 "Bitstring Expansion Algorithm"),
    /// refusing more than `max_bytes` once decompressed and fewer than
    /// [`MIN_LIST_SIZE`] entries.
    pub fn decode(encoded: &str, max_bytes: usize) -> Result<Bitstring, StatusError> {
        let b64 = encoded.strip_prefix('u').ok_or(StatusError::NotMultibase)?;
        let bits = Bitstring::expand(b64, max_bytes)?;
        if bits.len() < MIN_LIST_SIZE {
            return Err(StatusError::TooShort(bits.len()));
        }
        Ok(bits)
    }

    /// GZIP-compressed bits in base64url without a multibase prefix (the
    /// form of the W3C CCG StatusList2021 `encodedList`; padding tolerated),
    /// refusing more than `max_bytes` once decompressed; no minimum length.
    pub fn expand(base64url: &str, max_bytes: usize) -> Result<Bitstring, StatusError> {
        let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(base64url.trim_end_matches('='))
            .map_err(|e| StatusError::Base64(e.to_string()))?;
        let mut bytes = Vec::new();
        let mut reader = flate2::read::GzDecoder::new(&compressed[..]).take(max_bytes as u64 + 1);
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| StatusError::Gzip(e.to_string()))?;
        if bytes.len() > max_bytes {
            return Err(StatusError::TooLarge(max_bytes));
        }
        Ok(Bitstring { bytes })
    }
}

/// The unsigned `BitstringStatusListCredential` (BSL §2.2): VC 2.0, id =
/// the list URL, `credentialSubject` of type `BitstringStatusList` with the
/// purpose, the encoded list and the ttl in milliseconds.
pub fn list_credential(
    list_url: &str,
    issuer: &Value,
    purpose: &str,
    bits: &Bitstring,
    valid_from: &str,
    ttl_ms: u64,
) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bits.encode(),
            "ttl": ttl_ms,
        }
    })
}

/// A keyed permutation of `0..2^bits` (a 4-round balanced Feistel network
/// with SHA-256 round functions), so list positions are allocated in an
/// order that reveals nothing about issuance order (BSL §6.1, herd
/// privacy) while a counter guarantees no index is ever used twice.
#[derive(Clone)]
pub struct IndexPermutation {
    key: [u8; 32],
    half_bits: u32,
    domain: u64,
}

impl std::fmt::Debug for IndexPermutation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IndexPermutation(domain {})", self.domain)
    }
}

impl IndexPermutation {
    /// A permutation of `0..domain` under `key`. Cycle-walking over the
    /// smallest even power of two at least `domain` keeps it a bijection.
    pub fn new(key: [u8; 32], domain: u64) -> Self {
        let bits = 64 - domain.saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        IndexPermutation {
            key,
            half_bits,
            domain,
        }
    }

    fn round(&self, round: u8, value: u64) -> u64 {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update([round]);
        h.update(value.to_be_bytes());
        let d = h.finalize();
        let mut word = [0u8; 8];
        word.copy_from_slice(&d[..8]);
        u64::from_be_bytes(word) & ((1 << self.half_bits) - 1)
    }

    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let (mut l, mut r) = (x >> self.half_bits, x & mask);
        for round in 0..4 {
            let next = l ^ self.round(round, r);
            l = r;
            r = next;
        }
        (l << self.half_bits) | r
    }

    /// The position of the `n`-th allocation (`n < domain`).
    pub fn index(&self, n: u64) -> u64 {
        let mut x = self.feistel(n % self.domain);
        while x >= self.domain {
            x = self.feistel(x);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_order_is_msb_first() {
        let mut b = Bitstring::new(16);
        b.set(0, true).unwrap();
        b.set(7, true).unwrap();
        b.set(8, true).unwrap();
        assert_eq!(b.bytes, vec![0b1000_0001, 0b1000_0000]);
        assert_eq!(b.set_indexes(), vec![0, 7, 8]);
        b.set(7, false).unwrap();
        assert_eq!(b.get(7), Ok(false));
        assert_eq!(
            b.get(16),
            Err(StatusError::OutOfRange { index: 16, len: 16 })
        );
    }

    #[test]
    fn encode_decode_round_trip_and_the_spec_examples() {
        let mut b = Bitstring::new(MIN_LIST_SIZE);
        for i in [0, 7, 8, 94567, 131071] {
            b.set(i, true).unwrap();
        }
        let enc = b.encode();
        assert!(
            enc.starts_with('u') && !enc.contains('=') && !enc.contains('+') && !enc.contains('/')
        );
        assert_eq!(Bitstring::decode(&enc, MAX_DECODED_BYTES).unwrap(), b);
        // BSL §2.2 example: 16,384 zero bytes.
        let spec = Bitstring::decode(
            "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
            MAX_DECODED_BYTES,
        )
        .unwrap();
        assert_eq!((spec.len(), spec.set_indexes().len()), (131_072, 0));
        // 1EdTech's test list: exactly bit 23.
        let onedtech = Bitstring::decode(
            "uH4sIAAAAAAAA_-3BMQEAAAzDoMy_6cnoA9QFAAAAAAAAAAAAAAAAAAAAbD3uPa2cAEAAAA",
            MAX_DECODED_BYTES,
        )
        .unwrap();
        assert_eq!(onedtech.set_indexes(), vec![23]);
    }

    #[test]
    fn bad_lists_are_refused_with_their_reason() {
        let short = Bitstring::new(8 * 100).encode();
        assert_eq!(
            Bitstring::decode(&short, MAX_DECODED_BYTES),
            Err(StatusError::TooShort(800))
        );
        assert_eq!(
            Bitstring::decode("zabc", MAX_DECODED_BYTES),
            Err(StatusError::NotMultibase)
        );
        assert!(matches!(
            Bitstring::decode("u!!!", MAX_DECODED_BYTES),
            Err(StatusError::Base64(_))
        ));
        assert!(matches!(
            Bitstring::decode("uAAAA", MAX_DECODED_BYTES),
            Err(StatusError::Gzip(_))
        ));
        // A gzip bomb: 64 MB of zeros compresses to ~64 KB.
        let bomb = Bitstring::new(64 * 1024 * 1024 * 8).encode();
        assert!(bomb.len() < 200_000);
        assert_eq!(
            Bitstring::decode(&bomb, MAX_DECODED_BYTES),
            Err(StatusError::TooLarge(MAX_DECODED_BYTES))
        );
    }

    #[test]
    fn status_list_2021_lists_expand_without_prefix_or_minimum() {
        // The Digital Bazaar vc-status-list form: bare base64url.
        let fixture = "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
        let bits = Bitstring::expand(fixture, MAX_DECODED_BYTES).unwrap();
        assert_eq!((bits.len(), bits.set_indexes().len()), (131_072, 0));
        // Shorter than BSL's minimum, with `=` padding: still read.
        let mut short = Bitstring::new(100_000);
        short.set(42, true).unwrap();
        let bare = &short.encode()[1..];
        let padded = format!("{bare}{}", "=".repeat((4 - bare.len() % 4) % 4));
        for form in [bare, padded.as_str()] {
            let read = Bitstring::expand(form, MAX_DECODED_BYTES).unwrap();
            assert_eq!(read.set_indexes(), vec![42]);
        }
        assert_eq!(
            Bitstring::decode(&short.encode(), MAX_DECODED_BYTES),
            Err(StatusError::TooShort(100_000))
        );
    }

    #[test]
    fn the_permutation_is_a_bijection_that_hides_order() {
        let p = IndexPermutation::new([7; 32], MIN_LIST_SIZE as u64);
        let mut seen = vec![false; MIN_LIST_SIZE];
        for n in 0..MIN_LIST_SIZE as u64 {
            let i = p.index(n) as usize;
            assert!(!seen[i], "index {i} used twice");
            seen[i] = true;
        }
        let first: Vec<u64> = (0..8).map(|n| p.index(n)).collect();
        assert_ne!(first, (0..8).collect::<Vec<_>>());
        assert_ne!(
            IndexPermutation::new([8; 32], MIN_LIST_SIZE as u64).index(0),
            p.index(0),
            "keyed"
        );
        let odd = IndexPermutation::new([1; 32], 1000);
        let mut all: Vec<u64> = (0..1000).map(|n| odd.index(n)).collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
    }
}
