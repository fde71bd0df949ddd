//! Identifier newtypes: [`Uri`], [`CredentialId`], [`Did`],
//! [`CertificationSlug`], [`StatusListIndex`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ModelError;

/// Implements the string plumbing shared by validated string newtypes:
/// `as_str`, `into_string`, `Display`, `AsRef<str>`, `FromStr`,
/// `TryFrom<&str>`, `TryFrom<String>`, `Serialize`, `Deserialize`.
/// The type must provide `fn validate(s: &str) -> Result<(), ModelError>`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            /// The value as a string slice, exactly as parsed.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value as an owned string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ModelError;
            fn from_str(s: &str) -> Result<Self, ModelError> {
                Self::validate(s)?;
                Ok(Self(s.to_owned()))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ModelError;
            fn try_from(s: &str) -> Result<Self, ModelError> {
                s.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = ModelError;
            fn try_from(s: String) -> Result<Self, ModelError> {
                Self::validate(&s)?;
                Ok(Self(s))
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Self::try_from(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Checks the shape of an absolute URI / IRI (RFC 3986 §4.3, RFC 3987):
/// `scheme ":" rest` with a valid scheme, a non-empty rest, no whitespace,
/// control characters or characters that URIs never contain
/// (`<>"{}|\^` and backtick), well-formed `%XX` escapes and at most one `#`.
/// Non-ASCII letters are allowed (IRIs).
pub(crate) fn check_absolute_uri(s: &str) -> Result<(), &'static str> {
    let Some((scheme, rest)) = s.split_once(':') else {
        return Err("not an absolute URI: no scheme");
    };
    let mut scheme_chars = scheme.chars();
    match scheme_chars.next() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return Err("not an absolute URI: the scheme must start with a letter"),
    }
    if !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return Err("not an absolute URI: invalid character in the scheme");
    }
    if rest.is_empty() {
        return Err("not an absolute URI: nothing after the scheme");
    }
    let bytes = rest.as_bytes();
    let mut hashes = 0;
    let mut i = 0;
    for c in rest.chars() {
        if c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`' | '\u{FFFE}' | '\u{FFFF}'
            )
        {
            return Err("contains a character that is not allowed in a URI");
        }
        if c == '#' {
            hashes += 1;
            if hashes > 1 {
                return Err("contains more than one '#'");
            }
        }
        if c == '%' {
            let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return Err("'%' is not followed by two hex digits");
            }
        }
        i += c.len_utf8();
    }
    Ok(())
}

/// An absolute URI or IRI: the value of `id`-like properties (OB 3.0 Derived
/// Types "URI"; VCDM 2.0 §4.4 identifiers). Accepts `https:` URLs, `urn:`,
/// `did:` and `data:` URIs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uri(String);

string_newtype!(Uri);

impl Uri {
    fn validate(s: &str) -> Result<(), ModelError> {
        check_absolute_uri(s).map_err(|reason| ModelError::parse("URI", s, reason))
    }

    /// Parses an absolute URI.
    ///
    /// # Errors
    /// [`ModelError::Parse`] when `s` is not an absolute URI.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        s.parse()
    }

    /// The scheme, e.g. `"https"`, `"did"`, `"urn"`.
    pub fn scheme(&self) -> &str {
        self.0.split_once(':').map_or("", |(scheme, _)| scheme)
    }
}

impl From<CredentialId> for Uri {
    fn from(id: CredentialId) -> Self {
        Uri(id.0)
    }
}

impl From<Did> for Uri {
    fn from(did: Did) -> Self {
        Uri(did.0)
    }
}

/// The `id` of a credential: a single absolute URL or URN (VCDM 2.0 §4.4;
/// OB 3.0 §B.1 AchievementCredential makes it required). A `urn:uuid:` value
/// must carry a well-formed UUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialId(String);

string_newtype!(CredentialId);

impl CredentialId {
    fn validate(s: &str) -> Result<(), ModelError> {
        check_absolute_uri(s).map_err(|reason| ModelError::parse("credential id", s, reason))?;
        if let Some(rest) = strip_prefix_ignore_case(s, "urn:uuid:")
            && uuid::Uuid::try_parse(rest).is_err()
        {
            return Err(ModelError::parse(
                "credential id",
                s,
                "urn:uuid: is not followed by a valid UUID",
            ));
        }
        Ok(())
    }

    /// The identifier `urn:uuid:<v4 UUID>` (RFC 9562 §5.4), lower-case hex,
    /// made from 16 random bytes the caller draws (the version and variant
    /// bits are set here), so the core reads no generator itself.
    pub fn urn_uuid_from_random(bytes: [u8; 16]) -> Self {
        CredentialId(
            uuid::Builder::from_random_bytes(bytes)
                .into_uuid()
                .urn()
                .to_string(),
        )
    }

    /// Parses a credential id.
    ///
    /// # Errors
    /// [`ModelError::Parse`] when `s` is not an absolute URI or is a
    /// malformed `urn:uuid:`.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        s.parse()
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// A decentralized identifier without path, query or fragment
/// (DID Core 1.0 §3.1 DID Syntax): `did:<method>:<method-specific-id>`,
/// method = `[a-z0-9]+`, method-specific-id = `*( *idchar ":" ) 1*idchar`,
/// idchar = `ALPHA / DIGIT / "." / "-" / "_" / pct-encoded`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Did(String);

string_newtype!(Did);

impl Did {
    fn validate(s: &str) -> Result<(), ModelError> {
        let err = |reason: &str| ModelError::parse("DID", s, reason);
        let Some(rest) = s.strip_prefix("did:") else {
            return Err(err("must start with \"did:\""));
        };
        let Some((method, msid)) = rest.split_once(':') else {
            return Err(err("missing method-specific id"));
        };
        if method.is_empty()
            || !method
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return Err(err("the method name must be one or more of a-z, 0-9"));
        }
        if msid.is_empty() || msid.ends_with(':') {
            return Err(err(
                "the method-specific id must not be empty or end with ':'",
            ));
        }
        let bytes = msid.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
                if !ok {
                    return Err(err("'%' is not followed by two hex digits"));
                }
                i += 3;
                continue;
            }
            if !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':')) {
                return Err(err("invalid character in the method-specific id"));
            }
            i += 1;
        }
        Ok(())
    }

    /// Parses a DID.
    ///
    /// # Errors
    /// [`ModelError::Parse`] when `s` is not a DID (DID URLs with a path,
    /// query or fragment are refused).
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        s.parse()
    }

    /// The method name, e.g. `"key"` or `"web"`.
    pub fn method(&self) -> &str {
        self.0
            .get(4..)
            .and_then(|rest| rest.split_once(':'))
            .map_or("", |(method, _)| method)
    }

    /// The method-specific identifier (everything after `did:<method>:`).
    pub fn method_specific_id(&self) -> &str {
        self.0
            .get(4..)
            .and_then(|rest| rest.split_once(':'))
            .map_or("", |(_, msid)| msid)
    }
}

/// The short name of a certification in the catalog (`badges/<slug>/`), used
/// in URLs: 1 to 64 characters of `a-z`, `0-9` and `-`, not starting or
/// ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificationSlug(String);

string_newtype!(CertificationSlug);

impl CertificationSlug {
    /// Longest accepted slug, in characters.
    pub const MAX_LEN: usize = 64;

    fn validate(s: &str) -> Result<(), ModelError> {
        let err = |reason: &str| ModelError::parse("certification slug", s, reason);
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return Err(err("must be 1 to 64 characters long"));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(err("only a-z, 0-9 and '-' are allowed"));
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(err("must not start or end with '-'"));
        }
        Ok(())
    }

    /// Parses a slug.
    ///
    /// # Errors
    /// [`ModelError::Parse`] when `s` breaks the slug rules.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        s.parse()
    }
}

/// The position of a credential's entry in a Bitstring Status List
/// (Bitstring Status List v1.0 §2.1 `statusListIndex`).
///
/// Serialized as a decimal JSON **string** (`"94567"`): a JSON number gives a
/// different RDF literal and so a different signature (STANDARDS §1 item 7).
/// Parses only the canonical form: ASCII digits, no sign, no leading zero
/// (except `"0"` itself), fitting in `u64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusListIndex(pub u64);

impl StatusListIndex {
    /// Wraps an index.
    pub const fn new(index: u64) -> Self {
        Self(index)
    }

    /// The index as a number.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Parses the canonical decimal string form.
    ///
    /// # Errors
    /// [`ModelError::Parse`] for anything but a canonical non-negative
    /// decimal that fits in `u64`.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        let err = |reason: &str| ModelError::parse("statusListIndex", s, reason);
        if s.is_empty() {
            return Err(err("empty"));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("only the digits 0-9 are allowed"));
        }
        if s.len() > 1 && s.starts_with('0') {
            return Err(err("leading zeros are not allowed"));
        }
        s.parse::<u64>()
            .map(Self)
            .map_err(|_| err("too large (more than 2^64 - 1)"))
    }
}

impl From<u64> for StatusListIndex {
    fn from(index: u64) -> Self {
        Self(index)
    }
}

impl fmt::Display for StatusListIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for StatusListIndex {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, ModelError> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for StatusListIndex {
    type Error = ModelError;
    fn try_from(s: &str) -> Result<Self, ModelError> {
        Self::parse(s)
    }
}

impl Serialize for StatusListIndex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for StatusListIndex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = StatusListIndex;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative decimal integer as a JSON string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StatusListIndex, E> {
                StatusListIndex::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_accepts_common_forms() {
        for ok in [
            "https://example.com/issuers/1",
            "http://1edtech.edu/credentials/3732",
            "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "did:web:dc.1edtech.org:wellspring2022",
            "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "data:image/png;base64,iVBORw0KGgo=",
            "https://example.com/%20space",
            "https://例え.jp/パス",
            "mailto:a@example.com",
        ] {
            let u = Uri::parse(ok).unwrap();
            assert_eq!(u.as_str(), ok);
        }
        assert_eq!(Uri::parse("did:key:z6Mk").unwrap().scheme(), "did");
    }

    #[test]
    fn uri_refuses_malformed() {
        for bad in [
            "",
            "example.com/no-scheme",
            "/relative/path",
            "1http://x",
            "ht tp://x",
            "https:",
            "https://exa mple.com",
            "https://example.com/\n",
            "https://example.com/<x>",
            "https://example.com/%zz",
            "https://example.com/%2",
            "https://example.com/#a#b",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn credential_id_urn_uuid() {
        let id = CredentialId::urn_uuid_from_random([0xa5; 16]);
        let s = id.as_str();
        assert!(s.starts_with("urn:uuid:"), "{s}");
        assert_eq!(s.len(), "urn:uuid:".len() + 36);
        let u = uuid::Uuid::parse_str(&s[9..]).unwrap();
        assert_eq!(u.get_version_num(), 4);
        assert_eq!(s, s.to_ascii_lowercase());
        assert_eq!(s, "urn:uuid:a5a5a5a5-a5a5-45a5-a5a5-a5a5a5a5a5a5");
        assert_ne!(CredentialId::urn_uuid_from_random([1; 16]), id);
        assert_eq!(CredentialId::parse(s).unwrap(), id);
        assert!(CredentialId::parse("urn:uuid:not-a-uuid").is_err());
        assert!(CredentialId::parse("https://example.com/credentials/1").is_ok());
        assert!(CredentialId::parse("no scheme").is_err());
    }

    #[test]
    fn did_syntax() {
        let d = Did::parse("did:web:example.com%3A8443:users:alice").unwrap();
        assert_eq!(d.method(), "web");
        assert_eq!(d.method_specific_id(), "example.com%3A8443:users:alice");
        let k = Did::parse("did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi").unwrap();
        assert_eq!(k.method(), "key");
        for bad in [
            "did:",
            "did:web",
            "did:web:",
            "did:Web:example.com",
            "did:web:example.com:",
            "did:key:z6Mk#frag",
            "did:web:example.com/path",
            "did:web:a%2",
            "DID:web:example.com",
            "https://example.com",
        ] {
            assert!(Did::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(Uri::from(k.clone()).as_str(), k.as_str());
    }

    #[test]
    fn slug_rules() {
        for ok in ["a", "git-associate", "ci-cd-2", "x".repeat(64).as_str()] {
            assert_eq!(CertificationSlug::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "-a",
            "a-",
            "Git",
            "a_b",
            "a b",
            "é",
            "x".repeat(65).as_str(),
        ] {
            assert!(CertificationSlug::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn status_list_index_is_a_canonical_decimal_string() {
        assert_eq!(StatusListIndex::parse("0").unwrap().get(), 0);
        assert_eq!(StatusListIndex::parse("94567").unwrap().get(), 94567);
        assert_eq!(
            StatusListIndex::parse("18446744073709551615")
                .unwrap()
                .get(),
            u64::MAX
        );
        for bad in [
            "",
            "007",
            "-1",
            "+1",
            " 1",
            "1.0",
            "1e3",
            "0x10",
            "18446744073709551616",
            "١٢",
        ] {
            assert!(StatusListIndex::parse(bad).is_err(), "{bad:?}");
        }
        let idx = StatusListIndex::new(94567);
        assert_eq!(
            serde_json::to_value(idx).unwrap(),
            serde_json::json!("94567")
        );
        assert_eq!(idx.to_string(), "94567");
        let back: StatusListIndex = serde_json::from_value(serde_json::json!("23")).unwrap();
        assert_eq!(back.get(), 23);
        assert!(serde_json::from_value::<StatusListIndex>(serde_json::json!(23)).is_err());
        assert!(serde_json::from_value::<StatusListIndex>(serde_json::json!("023")).is_err());
    }

    #[test]
    fn newtypes_serialize_as_strings_and_validate_on_deserialize() {
        let slug = CertificationSlug::parse("gitlab-ci").unwrap();
        assert_eq!(serde_json::to_string(&slug).unwrap(), "\"gitlab-ci\"");
        assert!(serde_json::from_str::<CertificationSlug>("\"Bad Slug\"").is_err());
        assert!(serde_json::from_str::<Uri>("\"not a uri\"").is_err());
        let did: Did = serde_json::from_str("\"did:key:z6Mk\"").unwrap();
        assert_eq!(did.to_string(), "did:key:z6Mk");
    }
}
