//! Ed25519 key generation and encodings: Multikey public keys, multibase
//! secret keys and PKCS#8 PEM.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};
use rand_core::TryCryptoRng;
use zeroize::{Zeroize, Zeroizing};

use super::{KeyError, SigningKey, VerifyingKey};

/// Multicodec header of an Ed25519 public key (`ed25519-pub`, code 0xed,
/// varint-encoded as `0xed 0x01`); CID 1.0 §2.2.2 Multikey.
pub const ED25519_PUB_HEADER: [u8; 2] = [0xed, 0x01];

/// Multicodec header of an Ed25519 secret key (`ed25519-priv`, code 0x1300,
/// varint-encoded as `0x80 0x26`); CID 1.0 §2.2.2 Multikey.
pub const ED25519_PRIV_HEADER: [u8; 2] = [0x80, 0x26];

/// Longest multibase key string accepted (a 66-byte secret needs 91
/// characters); bounds the quadratic base58 decoder on hostile input.
const MAX_MULTIBASE_LEN: usize = 128;

/// Longest PEM text accepted.
const MAX_PEM_LEN: usize = 16 * 1024;

/// Generates a new Ed25519 signing key from `rng` (RFC 8032 §5.1.5: the
/// secret key is 32 random bytes).
///
/// The caller picks the generator: the operating system's
/// (`getrandom::SysRng`) where the service wires it, a seeded one in tests.
/// Any [`rand_core::CryptoRng`] will do; a fallible
/// [`TryCryptoRng`] reports its failure here instead of panicking.
///
/// # Errors
/// [`KeyError::Random`] if the generator fails.
pub fn generate_signing_key<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<SigningKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.try_fill_bytes(seed.as_mut())
        .map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Encodes a secret key as PKCS#8 v1 PEM (`-----BEGIN PRIVATE KEY-----`,
/// RFC 8410 §7 / RFC 5958), the form `openssl genpkey -algorithm ed25519`
/// writes. The public key is not embedded.
pub fn encode_pkcs8_pem(key: &SigningKey) -> Result<Zeroizing<String>, KeyError> {
    let mut pair = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };
    let pem = pair.to_pkcs8_pem(LineEnding::LF);
    pair.secret_key.zeroize();
    pem.map_err(|e| KeyError::Pem(e.to_string()))
}

/// Decodes a secret key from text. Accepted forms (surrounding white space
/// is ignored):
///
/// * PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, RFC 8410 §7), v1 or v2; a
///   public key embedded in v2 must match the seed;
/// * a multibase secret key `z…` = base58btc(`0x80 0x26` ‖ 32-byte seed), as
///   in the W3C EdDSA test vectors' `privateKeyMultibase` (CID 1.0 §2.2.2);
/// * base58btc(`0x80 0x26` ‖ seed ‖ public), 66 bytes, as in the Open Badges
///   implementation guide's `secretKeyMultibase`; the public half must match
///   the key derived from the seed.
pub fn decode_secret_key(text: &str) -> Result<SigningKey, KeyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(KeyError::Empty { what: "secret key" });
    }
    if text.starts_with("-----BEGIN ") {
        decode_pem(text)
    } else if text.starts_with('z') {
        decode_secret_multibase(text)
    } else {
        Err(KeyError::UnrecognisedSecretKey)
    }
}

fn decode_pem(text: &str) -> Result<SigningKey, KeyError> {
    if text.len() > MAX_PEM_LEN {
        return Err(KeyError::Pem(format!(
            "{} bytes of text, more than the {MAX_PEM_LEN} a key file can need",
            text.len()
        )));
    }
    let first_line = text.lines().next().unwrap_or_default().trim_end();
    let label = first_line
        .strip_prefix("-----BEGIN ")
        .and_then(|l| l.strip_suffix("-----"))
        .unwrap_or_default();
    match label {
        "PRIVATE KEY" => {}
        "ENCRYPTED PRIVATE KEY" => {
            return Err(KeyError::Pem(
                "encrypted PKCS#8 keys are not supported; decrypt with `openssl pkey` first".into(),
            ));
        }
        "OPENSSH PRIVATE KEY" => {
            return Err(KeyError::Pem(
                "OpenSSH key format is not supported; expected PKCS#8 \"PRIVATE KEY\"".into(),
            ));
        }
        "PUBLIC KEY" => {
            return Err(KeyError::Pem(
                "this is a public key; a secret key (\"PRIVATE KEY\") is needed".into(),
            ));
        }
        other => {
            return Err(KeyError::Pem(format!(
                "PEM label \"{other}\" is not supported; expected PKCS#8 \"PRIVATE KEY\""
            )));
        }
    }
    let mut pair = KeypairBytes::from_pkcs8_pem(text).map_err(|e| KeyError::Pem(e.to_string()))?;
    let key = SigningKey::from_bytes(&pair.secret_key);
    pair.secret_key.zeroize();
    if let Some(public) = &pair.public_key
        && key.verifying_key().as_bytes() != public.as_ref()
    {
        return Err(KeyError::KeypairMismatch);
    }
    Ok(key)
}

fn decode_secret_multibase(text: &str) -> Result<SigningKey, KeyError> {
    const WHAT: &str = "secret key multibase";
    let bytes = decode_base58btc(text, WHAT, true)?;
    let header = header_hex(&bytes);
    if bytes.len() < 2 || bytes[..2] != ED25519_PRIV_HEADER {
        let hint = if bytes.starts_with(&ED25519_PUB_HEADER) {
            " (this is a public key)"
        } else {
            ""
        };
        return Err(KeyError::NotEd25519SecretKey {
            found: header,
            hint,
        });
    }
    let body = &bytes[2..];
    match body.len() {
        32 => {
            let mut seed = Zeroizing::new([0u8; 32]);
            seed.copy_from_slice(body);
            Ok(SigningKey::from_bytes(&seed))
        }
        64 => {
            let mut seed = Zeroizing::new([0u8; 32]);
            seed.copy_from_slice(&body[..32]);
            let key = SigningKey::from_bytes(&seed);
            if key.verifying_key().as_bytes()[..] != body[32..] {
                return Err(KeyError::KeypairMismatch);
            }
            Ok(key)
        }
        n => Err(KeyError::Length {
            what: "Ed25519 secret key after the 0x8026 header",
            expected: "32 (seed) or 64 (seed ‖ public)",
            found: n,
        }),
    }
}

/// Encodes a secret key as multibase `z…` = base58btc(`0x80 0x26` ‖ 32-byte
/// seed) (CID 1.0 §2.2.2 `secretKeyMultibase`). Never publish this value.
pub fn encode_secret_key_multibase(key: &SigningKey) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; 34]);
    bytes[..2].copy_from_slice(&ED25519_PRIV_HEADER);
    bytes[2..].copy_from_slice(key.as_bytes());
    let mut out = Zeroizing::new(String::with_capacity(64));
    out.push('z');
    let encoded = Zeroizing::new(bs58::encode(&bytes[..]).into_string());
    out.push_str(&encoded);
    out
}

/// Encodes a public key as a Multikey `publicKeyMultibase`: `z` +
/// base58btc(`0xed 0x01` ‖ 32 bytes), which always starts `z6Mk`
/// (CID 1.0 §2.2.2 Multikey, §2.4 Multibase).
pub fn public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = [0u8; 34];
    bytes[..2].copy_from_slice(&ED25519_PUB_HEADER);
    bytes[2..].copy_from_slice(key.as_bytes());
    let mut out = String::with_capacity(49);
    out.push('z');
    out.push_str(&bs58::encode(&bytes[..]).into_string());
    out
}

/// Decodes a Multikey `publicKeyMultibase` (`z6Mk…`, CID 1.0 §2.2.2): `z`
/// header, base58btc, multicodec header `0xed 0x01`, exactly 32 key bytes.
/// The key must be a canonical encoding of a curve point and not a weak
/// (small-order) point.
pub fn decode_public_key_multibase(s: &str) -> Result<VerifyingKey, KeyError> {
    const WHAT: &str = "public key multibase";
    let bytes = decode_base58btc(s, WHAT, false)?;
    if bytes.len() < 2 || bytes[..2] != ED25519_PUB_HEADER {
        return Err(KeyError::NotEd25519PublicKey {
            found: header_hex(&bytes),
        });
    }
    let raw: &[u8; 32] = bytes[2..].try_into().map_err(|_| KeyError::Length {
        what: "Ed25519 public key after the 0xed01 header",
        expected: "32",
        found: bytes.len() - 2,
    })?;
    verifying_key_from_bytes(raw)
}

/// Builds a [`VerifyingKey`] from 32 raw bytes, refusing non-canonical
/// encodings (RFC 8032 §5.1.3) and weak small-order points.
pub(crate) fn verifying_key_from_bytes(raw: &[u8; 32]) -> Result<VerifyingKey, KeyError> {
    let key = VerifyingKey::from_bytes(raw)
        .map_err(|_| KeyError::InvalidPublicKey("not a point on the Ed25519 curve"))?;
    if key.to_edwards().compress().as_bytes() != raw {
        return Err(KeyError::InvalidPublicKey("non-canonical point encoding"));
    }
    if key.is_weak() {
        return Err(KeyError::InvalidPublicKey("weak (small-order) point"));
    }
    Ok(key)
}

/// Strips the `z` multibase header and decodes base58btc. Error positions
/// are 1-based in the whole string (header included). For secrets the error
/// never echoes the offending character.
fn decode_base58btc(
    s: &str,
    what: &'static str,
    secret: bool,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut chars = s.chars();
    let Some(prefix) = chars.next() else {
        return Err(KeyError::Empty { what });
    };
    if prefix != 'z' {
        return Err(KeyError::MultibasePrefix {
            found: prefix,
            expected: 'z',
        });
    }
    let body = chars.as_str();
    if body.is_empty() {
        return Err(KeyError::Empty { what });
    }
    if s.len() > MAX_MULTIBASE_LEN {
        return Err(KeyError::Base58 {
            what,
            detail: format!(
                "{} characters, more than the {MAX_MULTIBASE_LEN} a key can need",
                s.len()
            ),
        });
    }
    let decoded = bs58::decode(body)
        .into_vec()
        .map_err(|e| KeyError::Base58 {
            what,
            detail: match e {
                bs58::decode::Error::InvalidCharacter { character, index } if !secret => {
                    format!(
                        "character '{character}' at position {} is not base58btc",
                        index + 2
                    )
                }
                bs58::decode::Error::InvalidCharacter { index, .. }
                | bs58::decode::Error::NonAsciiCharacter { index } => {
                    format!("character at position {} is not base58btc", index + 2)
                }
                other => other.to_string(),
            },
        })?;
    Ok(Zeroizing::new(decoded))
}

/// Hex of the first (up to) two bytes, for header error messages.
fn header_hex(bytes: &[u8]) -> String {
    bytes.iter().take(2).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_rng::{BrokenRng, CountingRng};
    use getrandom::SysRng;

    fn hex32(s: &str) -> [u8; 32] {
        let v = hex::decode(s).unwrap();
        v.try_into().unwrap()
    }

    // W3C vc-di-eddsa TestVectors/keyPair.json (W3C Software and Document
    // License; copy at ../shared/data/test-vectors/eddsa-rdfc-2022/keyPair.json).
    const W3C_PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const W3C_PRIVATE: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";

    // RFC 8410 §10.3 (private key) and §10.1 (its public key).
    const RFC8410_PEM: &str = "-----BEGIN PRIVATE KEY-----\n\
        MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
        -----END PRIVATE KEY-----\n";
    const RFC8410_SEED: &str = "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";
    const RFC8410_PUBLIC: &str = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

    #[test]
    fn w3c_key_pair_round_trip() {
        let key = decode_secret_key(W3C_PRIVATE).unwrap();
        assert_eq!(public_key_multibase(&key.verifying_key()), W3C_PUBLIC);
        assert_eq!(encode_secret_key_multibase(&key).as_str(), W3C_PRIVATE);
        let public = decode_public_key_multibase(W3C_PUBLIC).unwrap();
        assert_eq!(public, key.verifying_key());
    }

    #[test]
    fn w3c_key_pair_file_matches_embedded_constants() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/test-vectors/eddsa-rdfc-2022/keyPair.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipped: {path} not present");
            return;
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["publicKeyMultibase"], W3C_PUBLIC);
        assert_eq!(v["privateKeyMultibase"], W3C_PRIVATE);
    }

    #[test]
    fn sixty_six_byte_secret_is_accepted_and_checked() {
        let key = decode_secret_key(W3C_PRIVATE).unwrap();
        let mut bytes = ED25519_PRIV_HEADER.to_vec();
        bytes.extend_from_slice(&key.to_keypair_bytes());
        let text = format!("z{}", bs58::encode(&bytes).into_string());
        assert_eq!(decode_secret_key(&text).unwrap(), key);

        // Flip one bit of the public half.
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let text = format!("z{}", bs58::encode(&bytes).into_string());
        assert!(matches!(
            decode_secret_key(&text),
            Err(KeyError::KeypairMismatch)
        ));
    }

    /// The Open Badges 3.0 implementation guide vector: `secretKeyMultibase`
    /// is 0x8026 ‖ seed ‖ public (66 bytes). Read from ../shared when present
    /// (1EdTech licence: the file is not copied into the project).
    #[test]
    fn ob_vector_sixty_four_byte_secret() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/test-vectors/ob-v3p0-eddsa-rdfc-2022/vector.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipped: {path} not present");
            return;
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let secret = v["secretKeyMultibase"].as_str().unwrap();
        let key = decode_secret_key(secret).unwrap();
        let public = v["publicKeyMultibase"].as_str().unwrap();
        assert_eq!(public_key_multibase(&key.verifying_key()), public);
        assert_eq!(
            hex::encode(key.verifying_key().as_bytes()),
            v["publicKeyHex"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(key.to_keypair_bytes()),
            v["privateKeyHex"].as_str().unwrap()
        );
        // Emitted form is the 34-byte one; it decodes to the same key.
        let short = encode_secret_key_multibase(&key);
        assert_ne!(short.as_str(), secret);
        assert_eq!(decode_secret_key(&short).unwrap(), key);
        // The published signature is reproduced from the published data.
        let data = hex::decode(v["dataToSignHex"].as_str().unwrap()).unwrap();
        use ed25519_dalek::Signer;
        assert_eq!(
            hex::encode(key.sign(&data).to_bytes()),
            v["signatureHex"].as_str().unwrap()
        );
    }

    #[test]
    fn pem_rfc8410_vector() {
        let key = decode_secret_key(RFC8410_PEM).unwrap();
        assert_eq!(key.to_bytes(), hex32(RFC8410_SEED));
        assert_eq!(key.verifying_key().to_bytes(), hex32(RFC8410_PUBLIC));
        // Our encoder writes exactly the RFC's (and OpenSSL's) v1 form.
        assert_eq!(encode_pkcs8_pem(&key).unwrap().as_str(), RFC8410_PEM);
    }

    #[test]
    fn pem_round_trip_generated() {
        let key = generate_signing_key(&mut SysRng).unwrap();
        let pem = encode_pkcs8_pem(&key).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(pem.ends_with("-----END PRIVATE KEY-----\n"));
        assert_eq!(decode_secret_key(&pem).unwrap(), key);
        // Surrounding white space / CRLF is tolerated.
        let crlf = format!("\r\n  {}\r\n", pem.replace('\n', "\r\n"));
        assert_eq!(decode_secret_key(&crlf).unwrap(), key);
    }

    #[test]
    fn pem_v2_with_public_key_checked() {
        let key = decode_secret_key(W3C_PRIVATE).unwrap();
        let v2 = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        assert_eq!(decode_secret_key(&v2).unwrap(), key);

        // A v2 document whose embedded public key belongs to another seed.
        let other = decode_secret_key(RFC8410_PEM).unwrap();
        let pair = KeypairBytes {
            secret_key: key.to_bytes(),
            public_key: Some(ed25519_dalek::pkcs8::PublicKeyBytes(
                other.verifying_key().to_bytes(),
            )),
        };
        let bad = pair.to_pkcs8_pem(LineEnding::LF).unwrap();
        assert!(matches!(
            decode_secret_key(&bad),
            Err(KeyError::KeypairMismatch)
        ));
    }

    #[test]
    fn pem_errors() {
        let err = decode_secret_key("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad PEM secret key: this is a public key; a secret key (\"PRIVATE KEY\") is needed"
        );
        let err = decode_secret_key(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----",
        )
        .unwrap_err();
        assert!(err.to_string().contains("OpenSSH"), "{err}");
        let err =
            decode_secret_key("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----")
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad PEM secret key: PEM label \"EC PRIVATE KEY\" is not supported; expected PKCS#8 \"PRIVATE KEY\""
        );
        // Truncated base64 body.
        let err = decode_secret_key(
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp\n-----END PRIVATE KEY-----\n",
        )
        .unwrap_err();
        assert!(matches!(err, KeyError::Pem(_)), "{err:?}");
        // Wrong algorithm: an X25519 PKCS#8 key (OID 1.3.101.110).
        let x25519 = "-----BEGIN PRIVATE KEY-----\n\
            MC4CAQAwBQYDK2VuBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
            -----END PRIVATE KEY-----\n";
        assert!(matches!(decode_secret_key(x25519), Err(KeyError::Pem(_))));
        // Absurd sizes are refused before parsing.
        let huge = format!("-----BEGIN PRIVATE KEY-----\n{}", "A".repeat(20_000));
        assert!(matches!(decode_secret_key(&huge), Err(KeyError::Pem(_))));
    }

    #[test]
    fn secret_multibase_errors() {
        assert_eq!(
            decode_secret_key("   ").unwrap_err().to_string(),
            "empty secret key"
        );
        assert!(matches!(
            decode_secret_key("u3u2en7t5LR2"),
            Err(KeyError::UnrecognisedSecretKey)
        ));
        assert_eq!(
            decode_secret_key(W3C_PUBLIC).unwrap_err().to_string(),
            "not an Ed25519 secret key multibase (header 0xed01, expected 0x8026) (this is a public key)"
        );
        // 0l are not base58btc characters; the secret character is not echoed.
        let err =
            decode_secret_key("z3u2en7t5LR2W0QH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid base58btc in secret key multibase: character at position 14 is not base58btc"
        );
        // Right header, wrong length.
        let mut bytes = ED25519_PRIV_HEADER.to_vec();
        bytes.extend_from_slice(&[7u8; 31]);
        let text = format!("z{}", bs58::encode(&bytes).into_string());
        assert_eq!(
            decode_secret_key(&text).unwrap_err().to_string(),
            "wrong length for Ed25519 secret key after the 0x8026 header: 31 bytes \
             (expected 32 (seed) or 64 (seed ‖ public))"
        );
        assert!(matches!(
            decode_secret_key("z"),
            Err(KeyError::Empty { .. })
        ));
        let long = format!("z{}", "1".repeat(200));
        assert!(matches!(
            decode_secret_key(&long),
            Err(KeyError::Base58 { .. })
        ));
    }

    #[test]
    fn public_multibase_errors() {
        assert_eq!(
            decode_public_key_multibase("x6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
                .unwrap_err()
                .to_string(),
            "bad multibase prefix 'x' (expected 'z')"
        );
        assert_eq!(
            decode_public_key_multibase("").unwrap_err().to_string(),
            "empty public key multibase"
        );
        assert_eq!(
            decode_public_key_multibase("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQl")
                .unwrap_err()
                .to_string(),
            "invalid base58btc in public key multibase: character 'l' at position 48 is not base58btc"
        );
        // X25519 key from the did:key vectors: header 0xec01.
        assert_eq!(
            decode_public_key_multibase("z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW")
                .unwrap_err()
                .to_string(),
            "not an Ed25519 Multikey (header 0xec01, expected 0xed01)"
        );
        // Secret key given where a public key is expected.
        assert_eq!(
            decode_public_key_multibase(W3C_PRIVATE)
                .unwrap_err()
                .to_string(),
            "not an Ed25519 Multikey (header 0x8026, expected 0xed01)"
        );
        // Right header, 31 and 33 bytes.
        for n in [31usize, 33] {
            let mut bytes = ED25519_PUB_HEADER.to_vec();
            bytes.extend(std::iter::repeat_n(9u8, n));
            let text = format!("z{}", bs58::encode(&bytes).into_string());
            assert_eq!(
                decode_public_key_multibase(&text).unwrap_err().to_string(),
                format!(
                    "wrong length for Ed25519 public key after the 0xed01 header: {n} bytes (expected 32)"
                )
            );
        }
        // One byte only.
        let text = format!("z{}", bs58::encode(&[0xedu8]).into_string());
        assert_eq!(
            decode_public_key_multibase(&text).unwrap_err().to_string(),
            "not an Ed25519 Multikey (header 0xed, expected 0xed01)"
        );
    }

    fn public_multibase_from_raw(raw: [u8; 32]) -> String {
        let mut bytes = ED25519_PUB_HEADER.to_vec();
        bytes.extend_from_slice(&raw);
        format!("z{}", bs58::encode(&bytes).into_string())
    }

    #[test]
    fn weak_and_invalid_points_are_refused() {
        // Identity point (y = 1): small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            decode_public_key_multibase(&public_multibase_from_raw(identity))
                .unwrap_err()
                .to_string(),
            "invalid Ed25519 public key: weak (small-order) point"
        );
        // y = 0 is a point of order 4.
        assert_eq!(
            decode_public_key_multibase(&public_multibase_from_raw([0u8; 32]))
                .unwrap_err()
                .to_string(),
            "invalid Ed25519 public key: weak (small-order) point"
        );
        // y = 2 is not on the curve.
        let mut two = [0u8; 32];
        two[0] = 2;
        assert_eq!(
            decode_public_key_multibase(&public_multibase_from_raw(two))
                .unwrap_err()
                .to_string(),
            "invalid Ed25519 public key: not a point on the Ed25519 curve"
        );
        // Non-canonical: y = p + 1 (encodes the identity again).
        let mut p_plus_one = [0xffu8; 32];
        p_plus_one[0] = 0xee;
        p_plus_one[31] = 0x7f;
        let err = decode_public_key_multibase(&public_multibase_from_raw(p_plus_one)).unwrap_err();
        assert!(matches!(err, KeyError::InvalidPublicKey(_)), "{err:?}");
    }

    #[test]
    fn generated_keys_differ_and_encode_as_z6mk() {
        let a = generate_signing_key(&mut SysRng).unwrap();
        let b = generate_signing_key(&mut SysRng).unwrap();
        assert_ne!(a.to_bytes(), b.to_bytes());
        let mb = public_key_multibase(&a.verifying_key());
        assert!(mb.starts_with("z6Mk"), "{mb}");
        assert_eq!(mb.len(), 48);
        assert_eq!(decode_public_key_multibase(&mb).unwrap(), a.verifying_key());
        let sk = encode_secret_key_multibase(&a);
        assert!(sk.starts_with("z3u2"), "{}", sk.as_str());
        assert_eq!(decode_secret_key(&sk).unwrap(), a);
    }

    #[test]
    fn key_generation_is_deterministic_with_a_seeded_generator() {
        let a = generate_signing_key(&mut CountingRng(1)).unwrap();
        let b = generate_signing_key(&mut CountingRng(1)).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        // The seed is the generator's first 32 bytes (RFC 8032 §5.1.5).
        let seed: Vec<u8> = (1..=32).collect();
        assert_eq!(a.to_bytes().as_slice(), seed.as_slice());
        let c = generate_signing_key(&mut CountingRng(2)).unwrap();
        assert_ne!(a.to_bytes(), c.to_bytes());
    }

    #[test]
    fn key_generation_reports_a_failing_generator() {
        let err = generate_signing_key(&mut BrokenRng).unwrap_err();
        assert!(
            matches!(&err, KeyError::Random(m) if m == "no entropy"),
            "{err:?}"
        );
    }
}
