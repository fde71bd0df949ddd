//! `did:web` identifiers and documents (did:web Method Specification).

use serde_json::{Value, json};

use super::multikey::public_key_multibase;
use super::{
    DID_CONTEXT_V1, KeyError, MULTIKEY_CONTEXT_V1, VerificationMethod, VerifyingKey, truncate,
};

const PREFIX: &str = "did:web:";

/// What kind of host a did:web names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostKind {
    /// `localhost` or `127.0.0.1`: allowed for local testing, over http.
    Loopback,
    /// A DNS name.
    Domain,
}

/// The loopback rule: only these two host names count as loopback.
fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "127.0.0.1"
}

/// Checks a (lower-cased) host: a DNS name of LDH labels, or a loopback
/// host. IP literals other than 127.0.0.1 are refused (did:web
/// "Method-specific identifier": a domain name, no IP addresses).
fn classify_host(host: &str) -> Result<HostKind, String> {
    if host.is_empty() {
        return Err("empty host".to_owned());
    }
    if host.starts_with('[') {
        return Err(
            "IPv6 literal hosts cannot be expressed in did:web (only DNS names, and the \
             loopback hosts 127.0.0.1 and localhost for testing)"
                .to_owned(),
        );
    }
    if !host.is_ascii() {
        return Err(format!(
            "host '{}' is not ASCII; use its punycode (xn--) form",
            truncate(host)
        ));
    }
    if is_loopback(host) {
        return Ok(HostKind::Loopback);
    }
    if host.len() > 253 {
        return Err("host name longer than 253 characters".to_owned());
    }
    let mut last = "";
    for label in host.split('.') {
        if label.is_empty() {
            return Err(format!("empty label in host '{host}'"));
        }
        if label.len() > 63 {
            return Err(format!("label longer than 63 characters in host '{host}'"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!(
                "host '{host}' may only contain letters, digits, '-' and '.'"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "label '{label}' in host '{host}' starts or ends with '-'"
            ));
        }
        last = label;
    }
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "IP address hosts are not allowed in did:web ('{host}'); only 127.0.0.1 and \
             localhost are accepted, for local testing"
        ));
    }
    Ok(HostKind::Domain)
}

/// Checks a port: decimal, no leading zero, 1..=65535.
fn check_port(port: &str) -> Result<u16, String> {
    let valid = !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && !port.starts_with('0');
    let number = if valid {
        port.parse::<u16>().ok()
    } else {
        None
    };
    number.ok_or_else(|| format!("invalid port '{}'", truncate(port)))
}

/// Checks one path segment: unreserved characters (`A-Z a-z 0-9 . - _`) or
/// `%HH` escapes, i.e. DID `idchar`s (DID Core §3.1); not `.` or `..`.
fn check_segment(segment: &str) -> Result<(), String> {
    if segment.is_empty() {
        return Err("empty path segment".to_owned());
    }
    if segment == "." || segment == ".." {
        return Err(format!("path segment '{segment}' is not allowed"));
    }
    let bytes = segment.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let ok = bytes.len() > i + 2
                    && bytes[i + 1].is_ascii_hexdigit()
                    && bytes[i + 2].is_ascii_hexdigit();
                if !ok {
                    return Err(format!(
                        "bad percent-encoding in path segment '{}'",
                        truncate(segment)
                    ));
                }
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') => i += 1,
            _ => {
                return Err(format!(
                    "path segment '{}' may only contain letters, digits, '.', '-', '_' and \
                     %-escapes",
                    truncate(segment)
                ));
            }
        }
    }
    Ok(())
}

/// Derives the `did:web` identifier of a public base URL (did:web
/// "Method-specific identifier"; the inverse of [`did_web_to_url`]):
/// `https://example.com` → `did:web:example.com`,
/// `https://example.com:3000/u/a` → `did:web:example.com%3A3000:u:a`.
///
/// Rules:
/// * **https only, http only for loopback**: the scheme must be `https`,
///   except that `http` is accepted when the host is `127.0.0.1` or
///   `localhost` (local testing);
/// * no user info, query or fragment; a trailing `/` is ignored;
/// * the host must be a DNS name (lower-cased here); IP-literal hosts are
///   refused except the loopback `127.0.0.1` (IPv6 literals cannot be
///   written in a did:web at all);
/// * the port, if any and not the scheme's default, becomes `%3A<port>`;
/// * each path segment becomes a `:`-separated part and must consist of DID
///   `idchar`s (`A-Z a-z 0-9 . - _` or `%HH`); a first segment
///   `.well-known` is refused (it would collide with the host's root DID).
pub fn did_web_from_base_url(url: &str) -> Result<String, KeyError> {
    let err = |m: String| KeyError::BaseUrl(m);
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(err(
            "URL contains white space or control characters".to_owned()
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(err(format!(
            "'{}' is not an absolute http(s) URL",
            truncate(url)
        )));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(err(format!(
            "scheme '{}' not allowed: did:web needs https (http only for loopback hosts)",
            truncate(&scheme)
        )));
    }
    if rest.contains('?') {
        return Err(err("a base URL may not have a query".to_owned()));
    }
    if rest.contains('#') {
        return Err(err("a base URL may not have a fragment".to_owned()));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(err("a base URL may not have user info".to_owned()));
    }
    let (host, port) = if authority.starts_with('[') {
        (authority, None)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let host = host.to_ascii_lowercase();
    let kind = classify_host(&host).map_err(err)?;
    if scheme == "http" && kind != HostKind::Loopback {
        return Err(err(format!(
            "http is only allowed for loopback hosts (127.0.0.1, localhost); use https for '{host}'"
        )));
    }
    let port = port.map(check_port).transpose().map_err(err)?;
    let default_port = if scheme == "https" { 443 } else { 80 };

    let mut did = format!("{PREFIX}{host}");
    if let Some(port) = port.filter(|p| *p != default_port) {
        did.push_str(&format!("%3A{port}"));
    }
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    if !path.is_empty() {
        for (i, segment) in path.split('/').enumerate() {
            check_segment(segment).map_err(err)?;
            if i == 0 && segment.eq_ignore_ascii_case(".well-known") {
                return Err(err(
                    "a base URL under /.well-known would name the same did.json as the host's \
                     root DID"
                        .to_owned(),
                ));
            }
            did.push(':');
            did.push_str(segment);
        }
    }
    Ok(did)
}

/// did:web "Read (Resolve)": the URL of a DID's `did.json`.
/// `did:web:example.com` → `https://example.com/.well-known/did.json`;
/// `did:web:example.com:issuers:gitlab` →
/// `https://example.com/issuers/gitlab/did.json`;
/// `did:web:example.com%3A3000:u:a` → `https://example.com:3000/u/a/did.json`.
///
/// Loopback hosts (`127.0.0.1`, `localhost`) map to `http://` (local
/// testing). IP-literal hosts other than those are refused, as are DID URLs
/// (fragments, queries, `/` paths): pass the DID itself.
pub fn did_web_to_url(did: &str) -> Result<String, KeyError> {
    document_url(did, true)
}

/// did:web "Read (Resolve)" as a resolver fetches it: like
/// [`did_web_to_url`], but always `https://` (DID Web Method §3.2 step 6,
/// "generate an HTTPS URL"), loopback hosts included. Our own did:web on a
/// plain-http loopback URL needs no fetch: its keys are known locally.
pub fn did_web_resolution_url(did: &str) -> Result<String, KeyError> {
    document_url(did, false)
}

/// The `did.json` URL of `did`; `loopback_http`: loopback hosts over http.
fn document_url(did: &str, loopback_http: bool) -> Result<String, KeyError> {
    let err = |m: String| KeyError::DidWeb(m);
    let Some(msid) = did.strip_prefix(PREFIX) else {
        return Err(err(format!(
            "'{}' does not start with \"did:web:\"",
            truncate(did)
        )));
    };
    if msid.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(err("white space or control characters".to_owned()));
    }
    if msid.contains('#') {
        return Err(err(
            "a DID URL with a fragment was given; pass the DID only".to_owned(),
        ));
    }
    if msid.contains('?') {
        return Err(err(
            "a DID URL with a query was given; pass the DID only".to_owned()
        ));
    }
    if msid.contains('/') {
        return Err(err(
            "'/' is not allowed; did:web separates path segments with ':'".to_owned(),
        ));
    }
    let mut parts = msid.split(':');
    let host_part = parts.next().unwrap_or_default();
    let (host, port) = match split_port(host_part) {
        Some((host, port)) => (host, Some(port)),
        None => (host_part, None),
    };
    if host.contains('%') {
        return Err(err(
            "the host may contain no percent-encoding except %3A before a port".to_owned(),
        ));
    }
    let host = host.to_ascii_lowercase();
    let kind = classify_host(&host).map_err(err)?;
    let port = port.map(check_port).transpose().map_err(err)?;
    let scheme = match kind {
        HostKind::Loopback if loopback_http => "http",
        _ => "https",
    };
    let mut url = format!("{scheme}://{host}");
    if let Some(port) = port {
        url.push_str(&format!(":{port}"));
    }
    let mut has_path = false;
    for segment in parts {
        check_segment(segment).map_err(err)?;
        url.push('/');
        url.push_str(segment);
        has_path = true;
    }
    if !has_path {
        url.push_str("/.well-known");
    }
    url.push_str("/did.json");
    Ok(url)
}

/// Splits `host%3Aport` (either case of the hex digits).
fn split_port(host_part: &str) -> Option<(&str, &str)> {
    let i = host_part.find("%3A").or_else(|| host_part.find("%3a"))?;
    Some((&host_part[..i], &host_part[i + 3..]))
}

/// The `did:web` document (DID Core §5, controller document CID 1.0 §2.1)
/// listing every key: the current key first, then retired ones, so that
/// credentials signed before a rotation keep verifying.
///
/// Each verification method is a `Multikey` (CID 1.0 §2.2.2) with the
/// absolute id `did#<publicKeyMultibase>` and `controller = did`, and is
/// listed by that absolute id under `assertionMethod` and `authentication`
/// (the Digital Bazaar verifier compares absolute ids; the 1EdTech validator
/// requires the full URL in `assertionMethod`). `@context` is
/// `["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]`.
/// Duplicate keys are listed once. Remove a compromised key from `keys`
/// instead of keeping it as "retired".
pub fn did_web_document(did: &str, keys: &[VerifyingKey]) -> Value {
    let mut methods: Vec<VerificationMethod> = Vec::with_capacity(keys.len());
    for key in keys {
        if methods.iter().any(|m| m.public_key == *key) {
            continue;
        }
        methods.push(VerificationMethod {
            id: format!("{did}#{}", public_key_multibase(key)),
            controller: did.to_owned(),
            public_key: *key,
        });
    }
    let ids: Vec<&str> = methods.iter().map(|m| m.id.as_str()).collect();
    json!({
        "@context": [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
        "id": did,
        "verificationMethod": methods.iter().map(VerificationMethod::to_multikey_json).collect::<Vec<_>>(),
        "assertionMethod": ids,
        "authentication": ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{SigningKey, method_from_controller_document};

    #[test]
    fn base_url_to_did() {
        let cases = [
            ("https://example.com", "did:web:example.com"),
            ("https://example.com/", "did:web:example.com"),
            ("HTTPS://Example.COM", "did:web:example.com"),
            (
                "https://example.com:3000/u/a",
                "did:web:example.com%3A3000:u:a",
            ),
            ("https://example.com:443/u/a/", "did:web:example.com:u:a"),
            (
                "https://w3c-ccg.github.io/user/alice",
                "did:web:w3c-ccg.github.io:user:alice",
            ),
            (
                "https://badges.example.org/issuers/gitlab",
                "did:web:badges.example.org:issuers:gitlab",
            ),
            ("http://127.0.0.1:8080", "did:web:127.0.0.1%3A8080"),
            ("http://localhost:3000/x", "did:web:localhost%3A3000:x"),
            ("http://localhost:80", "did:web:localhost"),
            ("https://localhost", "did:web:localhost"),
            (
                "https://xn--bcher-kva.example/a%20b",
                "did:web:xn--bcher-kva.example:a%20b",
            ),
        ];
        for (url, did) in cases {
            assert_eq!(did_web_from_base_url(url).unwrap(), did, "{url}");
        }
    }

    #[test]
    fn base_url_refusals() {
        let cases = [
            (
                "http://example.com",
                "http is only allowed for loopback hosts (127.0.0.1, localhost); use https for 'example.com'",
            ),
            (
                "ftp://example.com",
                "scheme 'ftp' not allowed: did:web needs https (http only for loopback hosts)",
            ),
            (
                "example.com",
                "'example.com' is not an absolute http(s) URL",
            ),
            (
                "https://example.com/?a=1",
                "a base URL may not have a query",
            ),
            (
                "https://example.com/#top",
                "a base URL may not have a fragment",
            ),
            (
                "https://user@example.com",
                "a base URL may not have user info",
            ),
            (
                "https://192.168.1.10",
                "IP address hosts are not allowed in did:web ('192.168.1.10'); only 127.0.0.1 and localhost are accepted, for local testing",
            ),
            (
                "https://[::1]:8080",
                "IPv6 literal hosts cannot be expressed in did:web (only DNS names, and the loopback hosts 127.0.0.1 and localhost for testing)",
            ),
            ("https://example.com:0", "invalid port '0'"),
            ("https://example.com:70000", "invalid port '70000'"),
            ("https://example.com:", "invalid port ''"),
            ("https://example.com//a", "empty path segment"),
            (
                "https://example.com/a/../b",
                "path segment '..' is not allowed",
            ),
            (
                "https://example.com/a:b",
                "path segment 'a:b' may only contain letters, digits, '.', '-', '_' and %-escapes",
            ),
            (
                "https://example.com/.well-known",
                "a base URL under /.well-known would name the same did.json as the host's root DID",
            ),
            (
                "https://exa_mple.com",
                "host 'exa_mple.com' may only contain letters, digits, '-' and '.'",
            ),
            (
                "https://-a.com",
                "label '-a' in host '-a.com' starts or ends with '-'",
            ),
            ("https://example.com.", "empty label in host 'example.com.'"),
            (
                "https://bücher.example",
                "host 'bücher.example' is not ASCII; use its punycode (xn--) form",
            ),
            (
                "https://exa mple.com",
                "URL contains white space or control characters",
            ),
            ("https://", "empty host"),
        ];
        for (url, message) in cases {
            let err = did_web_from_base_url(url).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid base URL for did:web: {message}"),
                "{url}"
            );
        }
    }

    #[test]
    fn did_to_url() {
        let cases = [
            (
                "did:web:example.com",
                "https://example.com/.well-known/did.json",
            ),
            (
                "did:web:example.com:issuers:gitlab",
                "https://example.com/issuers/gitlab/did.json",
            ),
            (
                "did:web:example.com%3A3000:u:a",
                "https://example.com:3000/u/a/did.json",
            ),
            (
                "did:web:example.com%3a3000",
                "https://example.com:3000/.well-known/did.json",
            ),
            (
                "did:web:w3c-ccg.github.io:user:alice",
                "https://w3c-ccg.github.io/user/alice/did.json",
            ),
            (
                "did:web:127.0.0.1%3A8080",
                "http://127.0.0.1:8080/.well-known/did.json",
            ),
            ("did:web:localhost:x", "http://localhost/x/did.json"),
            (
                "did:web:Example.COM",
                "https://example.com/.well-known/did.json",
            ),
        ];
        for (did, url) in cases {
            assert_eq!(did_web_to_url(did).unwrap(), url, "{did}");
        }
    }

    #[test]
    fn did_to_url_refusals() {
        let cases = [
            (
                "did:key:z6Mk",
                "'did:key:z6Mk' does not start with \"did:web:\"",
            ),
            ("did:web:", "empty host"),
            (
                "did:web:example.com#key-1",
                "a DID URL with a fragment was given; pass the DID only",
            ),
            (
                "did:web:example.com?v=1",
                "a DID URL with a query was given; pass the DID only",
            ),
            (
                "did:web:example.com/a",
                "'/' is not allowed; did:web separates path segments with ':'",
            ),
            ("did:web:example.com::a", "empty path segment"),
            ("did:web:example.com:", "empty path segment"),
            (
                "did:web:10.0.0.1",
                "IP address hosts are not allowed in did:web ('10.0.0.1'); only 127.0.0.1 and localhost are accepted, for local testing",
            ),
            ("did:web:example.com%3Aabc", "invalid port 'abc'"),
            (
                "did:web:exa%2Emple.com",
                "the host may contain no percent-encoding except %3A before a port",
            ),
            (
                "did:web:example.com:a%zz",
                "bad percent-encoding in path segment 'a%zz'",
            ),
        ];
        for (did, message) in cases {
            let err = did_web_to_url(did).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid did:web: {message}"),
                "{did}"
            );
        }
    }

    #[test]
    fn round_trip_base_url_did_url() {
        for (base, did_json) in [
            (
                "https://example.com",
                "https://example.com/.well-known/did.json",
            ),
            (
                "https://example.com:3000/u/a",
                "https://example.com:3000/u/a/did.json",
            ),
            (
                "http://127.0.0.1:8080/badges",
                "http://127.0.0.1:8080/badges/did.json",
            ),
        ] {
            let did = did_web_from_base_url(base).unwrap();
            assert_eq!(did_web_to_url(&did).unwrap(), did_json);
        }
    }

    fn key(seed: u8) -> VerifyingKey {
        SigningKey::from_bytes(&[seed; 32]).verifying_key()
    }

    #[test]
    fn document_shape_current_first_then_retired() {
        let did = "did:web:example.com";
        let current = key(1);
        let retired = key(2);
        let mb_current = public_key_multibase(&current);
        let mb_retired = public_key_multibase(&retired);
        let id_current = format!("{did}#{mb_current}");
        let id_retired = format!("{did}#{mb_retired}");
        let doc = did_web_document(did, &[current, retired, current]);
        let expected = json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [
                {"id": id_current, "type": "Multikey", "controller": did, "publicKeyMultibase": mb_current},
                {"id": id_retired, "type": "Multikey", "controller": did, "publicKeyMultibase": mb_retired},
            ],
            "assertionMethod": [id_current, id_retired],
            "authentication": [id_current, id_retired],
        });
        assert_eq!(doc, expected);
        // Both keys are retrievable under the CID rules.
        assert_eq!(
            method_from_controller_document(&doc, &id_current)
                .unwrap()
                .public_key,
            current
        );
        assert_eq!(
            method_from_controller_document(&doc, &id_retired)
                .unwrap()
                .public_key,
            retired
        );
    }

    #[test]
    fn resolution_urls_are_always_https() {
        for (did, url) in [
            (
                "did:web:127.0.0.1%3A8443",
                "https://127.0.0.1:8443/.well-known/did.json",
            ),
            ("did:web:localhost:x", "https://localhost/x/did.json"),
            (
                "did:web:example.com%3A3000:u:a",
                "https://example.com:3000/u/a/did.json",
            ),
        ] {
            assert_eq!(did_web_resolution_url(did).unwrap(), url, "{did}");
        }
        assert!(did_web_resolution_url("did:web:10.0.0.1").is_err());
        assert!(did_web_resolution_url("did:web:example.com#key-1").is_err());
    }
}
