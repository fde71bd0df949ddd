//! [`IdentityObject`]: hashed recipient identifiers (OB 3.0 §B.1
//! IdentityObject, Derived Types "IdentityHash", recipient check §9.3).

use rand_core::TryCryptoRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ModelError;
use super::vocab::{IdentityObjectTag, IdentityType};

/// One way to identify the recipient (OB 3.0 §B.1 IdentityObject), used in
/// `credentialSubject.identifier[]`.
///
/// Serializes as
/// `{"type": "IdentityObject", "identityHash": …, "identityType": …, "hashed": …, "salt"?: …}`
/// — `type` is a string, not an array (the OB JSON Schema sets
/// `additionalProperties: false` on this class).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentityObject {
    /// Always `"IdentityObject"`.
    #[serde(rename = "type")]
    pub type_: IdentityObjectTag,
    /// If hashed: an IdentityHash `<alg>$<hex digest>` of UTF-8(identifier ‖
    /// salt) with alg `sha256` or `md5`; otherwise the plaintext identifier.
    pub identity_hash: String,
    /// What kind of identifier this is.
    pub identity_type: IdentityType,
    /// Whether `identity_hash` is hashed.
    pub hashed: bool,
    /// The salt appended to the identifier before hashing; absent means
    /// unsalted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

/// The IdentityHash `sha256$<lower-case hex>` of UTF-8(`identifier` ‖
/// `salt`) (OB 3.0 Derived Types "IdentityHash"). No normalization is
/// applied: callers decide whether to lower-case or trim.
pub fn identity_hash_sha256(identifier: &str, salt: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(identifier.as_bytes());
    if let Some(salt) = salt {
        h.update(salt.as_bytes());
    }
    format!("sha256${}", hex::encode(h.finalize()))
}

impl IdentityObject {
    /// A hashed `emailAddress` identity: `hashed: true`,
    /// `identityHash: sha256$hex(SHA-256(email ‖ salt))`, `salt` recorded
    /// (omitted when empty). The email is hashed exactly as given — apply
    /// any local normalization (e.g. lower-casing) before calling, and the
    /// same normalization when matching (STANDARDS §2.3).
    pub fn hashed_email(email: &str, salt: &str) -> Self {
        let salt = (!salt.is_empty()).then(|| salt.to_owned());
        Self {
            type_: IdentityObjectTag,
            identity_hash: identity_hash_sha256(email, salt.as_deref()),
            identity_type: IdentityType::EmailAddress,
            hashed: true,
            salt,
        }
    }

    /// A plaintext (unhashed) identity of the given type.
    pub fn plaintext(identity_type: IdentityType, value: &str) -> Self {
        Self {
            type_: IdentityObjectTag,
            identity_hash: value.to_owned(),
            identity_type,
            hashed: false,
            salt: None,
        }
    }

    /// A fresh random salt: 16 bytes from `rng`, as 32 lower-case hex
    /// characters. Use a new salt per credential. The caller picks the
    /// generator (the operating system's in the service, a seeded one in
    /// tests); any [`rand_core::CryptoRng`] will do.
    ///
    /// # Errors
    /// [`ModelError::Random`] if the generator fails.
    pub fn random_salt<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<String, ModelError> {
        let mut bytes = [0u8; 16];
        rng.try_fill_bytes(&mut bytes)
            .map_err(|e| ModelError::Random(e.to_string()))?;
        Ok(hex::encode(bytes))
    }

    /// True when `candidate` is the identifier this object denotes
    /// (OB 3.0 §9.3): for a hashed object, IdentityHash(candidate ‖ salt)
    /// with the stated algorithm (`sha256` or `md5`, hex compared without
    /// regard to case) equals `identity_hash`; for a plaintext object, the
    /// strings are equal. An unknown algorithm or malformed hash never
    /// matches. The identity type is not checked here; see
    /// [`matches_email`](Self::matches_email).
    pub fn matches(&self, candidate: &str) -> bool {
        if !self.hashed {
            return self.identity_hash == candidate;
        }
        let Some((alg, expected_hex)) = self.identity_hash.split_once('$') else {
            return false;
        };
        let salt = self.salt.as_deref().unwrap_or("");
        let actual = if alg.eq_ignore_ascii_case("sha256") {
            let mut h = Sha256::new();
            h.update(candidate.as_bytes());
            h.update(salt.as_bytes());
            hex::encode(h.finalize())
        } else if alg.eq_ignore_ascii_case("md5") {
            let mut input = Vec::with_capacity(candidate.len() + salt.len());
            input.extend_from_slice(candidate.as_bytes());
            input.extend_from_slice(salt.as_bytes());
            hex::encode(md5(&input))
        } else {
            return false;
        };
        actual.eq_ignore_ascii_case(expected_hex)
    }

    /// True when this is an `emailAddress` identity and
    /// [`matches`](Self::matches) `email`.
    pub fn matches_email(&self, email: &str) -> bool {
        self.identity_type == IdentityType::EmailAddress && self.matches(email)
    }

    /// Checks the IdentityHash shape when hashed: `sha256$` + 64 hex digits
    /// or `md5$` + 32 hex digits.
    pub(crate) fn check(&self, field: &str) -> Result<(), ModelError> {
        if !self.identity_type.is_valid() {
            return Err(ModelError::invalid(
                format!("{field}/identityType"),
                "extension values must be ext: followed by [A-Za-z0-9._-]+",
            ));
        }
        if self.identity_hash.is_empty() {
            return Err(ModelError::invalid(
                format!("{field}/identityHash"),
                "empty",
            ));
        }
        if self.hashed {
            let ok = match self.identity_hash.split_once('$') {
                Some(("sha256", hex)) => hex.len() == 64,
                Some(("md5", hex)) => hex.len() == 32,
                _ => false,
            } && self
                .identity_hash
                .split_once('$')
                .is_some_and(|(_, hex)| hex.bytes().all(|b| b.is_ascii_hexdigit()));
            if !ok {
                return Err(ModelError::invalid(
                    format!("{field}/identityHash"),
                    "a hashed identity must be sha256$<64 hex> or md5$<32 hex>",
                ));
            }
        }
        Ok(())
    }
}

/// MD5 (RFC 1321), only to check `md5$…` IdentityHash values in received
/// credentials (OB 3.0 Derived Types "IdentityHash" allows it). Never used to
/// create identities.
fn md5(input: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    const K: [u32; 64] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
        0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
        0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
        0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
        0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
        0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
        0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
        0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
        0xeb86d391,
    ];
    let mut a0: u32 = 0x67452301;
    let mut b0: u32 = 0xefcdab89;
    let mut c0: u32 = 0x98badcfe;
    let mut d0: u32 = 0x10325476;

    let bit_len = (input.len() as u64).wrapping_mul(8);
    let mut msg = input.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());

    for chunk in msg.chunks_exact(64) {
        let mut m = [0u32; 16];
        for (word, bytes) in m.iter_mut().zip(chunk.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(K[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    out[..4].copy_from_slice(&a0.to_le_bytes());
    out[4..8].copy_from_slice(&b0.to_le_bytes());
    out[8..12].copy_from_slice(&c0.to_le_bytes());
    out[12..].copy_from_slice(&d0.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_rng::{BrokenRng, CountingRng};
    use serde_json::json;

    #[test]
    fn spec_example_hash() {
        // OB 3.0 Derived Types "IdentityHash" example (STANDARDS §2.3).
        let id = IdentityObject::hashed_email("a@example.com", "Kosher");
        assert_eq!(
            id.identity_hash,
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        );
        assert_eq!(id.salt.as_deref(), Some("Kosher"));
        assert!(id.hashed);
        assert_eq!(id.identity_type, IdentityType::EmailAddress);
    }

    #[test]
    fn implementation_guide_example_hash() {
        // OB-IMPL getting-started example (STANDARDS §2.3).
        let id = IdentityObject::hashed_email("jjefferson18@example.com", "FleurDeSel");
        assert_eq!(
            id.identity_hash,
            "sha256$658625b25ab3d75d613ca97d9a5a77f70e2192feca5557f4ad09a4d4f121f5fc"
        );
        assert_eq!(
            serde_json::to_value(&id).unwrap(),
            json!({
                "type": "IdentityObject",
                "identityHash": "sha256$658625b25ab3d75d613ca97d9a5a77f70e2192feca5557f4ad09a4d4f121f5fc",
                "identityType": "emailAddress",
                "hashed": true,
                "salt": "FleurDeSel"
            })
        );
    }

    #[test]
    fn matching_per_section_9_3() {
        let id = IdentityObject::hashed_email("a@example.com", "Kosher");
        assert!(id.matches("a@example.com"));
        assert!(id.matches_email("a@example.com"));
        assert!(!id.matches("A@example.com"), "no normalization");
        assert!(!id.matches("a@example.com "));
        assert!(!id.matches("b@example.com"));

        let mut upper = id.clone();
        upper.identity_hash = upper
            .identity_hash
            .to_uppercase()
            .replacen("SHA256", "sha256", 1);
        assert!(
            upper.matches("a@example.com"),
            "hex is compared case-insensitively"
        );

        let unsalted = IdentityObject::hashed_email("a@example.com", "");
        assert_eq!(unsalted.salt, None);
        assert_eq!(
            unsalted.identity_hash,
            identity_hash_sha256("a@example.com", None)
        );
        assert!(unsalted.matches("a@example.com"));

        let plain = IdentityObject::plaintext(IdentityType::EmailAddress, "student@1edtech.edu");
        assert!(plain.matches("student@1edtech.edu"));
        assert!(!plain.matches("Student@1edtech.edu"));

        let not_email = IdentityObject::plaintext(IdentityType::UserName, "a@example.com");
        assert!(not_email.matches("a@example.com"));
        assert!(!not_email.matches_email("a@example.com"));

        let mut md5_id = id.clone();
        // md5("a@example.comKosher")
        md5_id.identity_hash = format!("md5${}", hex::encode(md5(b"a@example.comKosher")));
        assert!(md5_id.matches("a@example.com"));
        assert!(!md5_id.matches("b@example.com"));

        let mut unknown = id.clone();
        unknown.identity_hash = "sha1$abcdef".into();
        assert!(!unknown.matches("a@example.com"));
        unknown.identity_hash = "no-dollar".into();
        assert!(!unknown.matches("a@example.com"));
    }

    #[test]
    fn md5_rfc1321_vectors() {
        for (input, digest) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ] {
            assert_eq!(hex::encode(md5(input.as_bytes())), digest, "{input:?}");
        }
    }

    #[test]
    fn random_salts_differ() {
        let a = IdentityObject::random_salt(&mut getrandom::SysRng).unwrap();
        let b = IdentityObject::random_salt(&mut getrandom::SysRng).unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn random_salt_is_deterministic_with_a_seeded_generator() {
        let a = IdentityObject::random_salt(&mut CountingRng(7)).unwrap();
        assert_eq!(a, IdentityObject::random_salt(&mut CountingRng(7)).unwrap());
        assert_eq!(a, "0708090a0b0c0d0e0f10111213141516");
        assert_ne!(a, IdentityObject::random_salt(&mut CountingRng(8)).unwrap());
    }

    #[test]
    fn random_salt_reports_a_failing_generator() {
        let err = IdentityObject::random_salt(&mut BrokenRng).unwrap_err();
        assert_eq!(err, ModelError::Random("no entropy".into()));
    }

    #[test]
    fn check_hash_shape() {
        let good = IdentityObject::hashed_email("a@example.com", "s");
        assert!(good.check("/x").is_ok());
        let mut bad = good.clone();
        bad.identity_hash = "sha256$xyz".into();
        assert!(bad.check("/x").is_err());
        bad.identity_hash = format!("sha256${}", "g".repeat(64));
        assert!(bad.check("/x").is_err());
        let plain = IdentityObject::plaintext(IdentityType::Ext("ext:Badge".into()), "42");
        assert!(plain.check("/x").is_ok());
        let bad_ext = IdentityObject::plaintext(IdentityType::Ext("Badge".into()), "42");
        assert!(bad_ext.check("/x").is_err());
    }

    #[test]
    fn deserializes_the_1edtech_complete_example_identifier() {
        let v = json!({
            "type": "IdentityObject",
            "identityHash": "student@1edtech.edu",
            "identityType": "emailAddress",
            "hashed": false,
            "salt": "not-used"
        });
        let id: IdentityObject = serde_json::from_value(v).unwrap();
        assert!(id.matches_email("student@1edtech.edu"));
        assert!(serde_json::from_value::<IdentityObject>(json!({
            "type": ["IdentityObject"], "identityHash": "x", "identityType": "name", "hashed": false
        }))
        .is_err());
    }
}
