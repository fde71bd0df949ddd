//! The Bitstring Status List suite: status entries added on request (or by
//! configuration) to generic credentials, and the lists they point to,
//! dereferenced by the suite itself over https with
//! `Accept: application/ld+json, application/json` (2026-12-03: 1 of 27;
//! lists came back as `application/vc`, which the suite's document loader
//! reads as "Document not found").

use super::{SUITE_ACCEPT, Suite, status_entries};
use serde_json::{Value, json};

/// One `BitstringStatusListEntry` of `vc` for `purpose`, checked as the
/// suite checks it: "string index, https list URL" on this server.
#[track_caller]
fn entry_for(s: &Suite, vc: &Value, purpose: &str) -> Value {
    let found: Vec<Value> = status_entries(vc)
        .into_iter()
        .filter(|e| e["type"] == "BitstringStatusListEntry" && e["statusPurpose"] == purpose)
        .collect();
    assert_eq!(found.len(), 1, "one {purpose} entry: {vc:#}");
    let e = found[0].clone();
    assert!(
        e["statusListIndex"]
            .as_str()
            .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit())),
        "statusListIndex is a string of digits: {e:#}"
    );
    let list = e["statusListCredential"].as_str().unwrap_or_default();
    assert!(
        list.starts_with(&s.server.url("/status/")),
        "the list URL is https on this server ({}): {e:#}",
        s.server.base
    );
    if let Some(id) = e.get("id") {
        assert!(
            id.as_str().is_some_and(|i| i.contains(':')),
            "an entry id is a URL: {e:#}"
        );
    }
    e
}

/// The purposes of `vc`'s Bitstring entries, sorted.
fn purposes(vc: &Value) -> Vec<String> {
    let mut p: Vec<String> = status_entries(vc)
        .iter()
        .filter(|e| e["type"] == "BitstringStatusListEntry")
        .filter_map(|e| e["statusPurpose"].as_str().map(str::to_owned))
        .collect();
    p.sort();
    p
}

/// The bit at `index` of a list's `encodedList` (Bitstring Status List
/// v1.0 §4.2: multibase base64url of the GZIP of the bits, index 0 the
/// most significant bit of the first byte), and the list's length in bits.
fn bit(encoded: &str, index: usize) -> (bool, usize) {
    use base64::Engine as _;
    use std::io::Read as _;
    let b64 = encoded.strip_prefix('u').expect("multibase base64url (u…)");
    let gz = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64.trim_end_matches('='))
        .expect("base64url");
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut bits)
        .expect("gzip");
    let byte = bits.get(index / 8).copied().expect("index inside the list");
    ((byte >> (7 - index % 8)) & 1 == 1, bits.len() * 8)
}

/// Fetches the list `entry` points to as the suite does and returns it,
/// checking what the suite's loader needs: 200, a JSON media type it reads
/// (`application/ld+json`), `Vary: Accept`, a validator and caching.
#[track_caller]
fn dereference(s: &Suite, entry: &Value) -> (Value, String) {
    let url = entry["statusListCredential"].as_str().unwrap();
    let r = s.get(url, Some(SUITE_ACCEPT));
    assert_eq!(r.status, 200, "{url}: {}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/ld+json"),
        "the suite's Accept prefers application/ld+json: {}",
        r.head
    );
    assert!(
        r.header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept")),
        "Vary: Accept: {}",
        r.head
    );
    assert!(r.header("cache-control").is_some(), "{}", r.head);
    let etag = r
        .header("etag")
        .unwrap_or_else(|| panic!("an ETag: {}", r.head))
        .to_owned();
    (r.json(), etag)
}

/// "With a status option (or always, by configuration), add
/// `BitstringStatusListEntry` entries (string index, https list URL)";
/// contract: `options.statusPurpose` (string or array), `options.credentialStatus`
/// (object or array of `{type, statusPurpose}`), else the configured default
/// (revocation and suspension).
#[test]
fn status_entries_follow_the_options_and_the_configured_default() {
    let s = Suite::start();
    let vc = s.example_credential();
    for (options, expected) in [
        (json!({ "statusPurpose": "revocation" }), vec!["revocation"]),
        (json!({ "statusPurpose": "suspension" }), vec!["suspension"]),
        (
            json!({ "statusPurpose": ["revocation", "suspension"] }),
            vec!["revocation", "suspension"],
        ),
        (
            json!({ "credentialStatus": { "type": "BitstringStatusListEntry", "statusPurpose": "suspension" } }),
            vec!["suspension"],
        ),
        (
            json!({ "credentialStatus": [
                { "type": "BitstringStatusListEntry", "statusPurpose": "revocation" },
                { "type": "BitstringStatusListEntry", "statusPurpose": "suspension" }
            ] }),
            vec!["revocation", "suspension"],
        ),
        (json!({}), vec!["revocation", "suspension"]),
        (
            json!({ "statusPurpose": "revocation", "cryptosuite": "eddsa-jcs-2022" }),
            vec!["revocation"],
        ),
    ] {
        let signed = s.issued(&format!("options {options}"), &vc, &options);
        assert_eq!(purposes(&signed), expected, "options {options}: {signed:#}");
        for purpose in &expected {
            entry_for(&s, &signed, purpose);
        }
        s.verifies(&format!("options {options}"), &signed);
    }
}

/// Routes and shapes: "Status lists are dereferenced by the suite itself
/// over **https** with `Accept: application/ld+json, application/json`";
/// Issuer requirements: "serve the list over https with a string
/// `issuer`". A revocation, a suspension and a reinstatement show in the
/// lists the suite reads; a revoked credential no longer verifies.
#[test]
fn status_lists_are_served_over_https_to_the_suites_loader_and_follow_changes() {
    let s = Suite::start();
    let vc = with_id(s.example_credential());
    let signed = s.issued(
        "revocation and suspension",
        &vc,
        &json!({ "statusPurpose": ["revocation", "suspension"] }),
    );
    for purpose in ["revocation", "suspension"] {
        let entry = entry_for(&s, &signed, purpose);
        let (list, etag) = dereference(&s, &entry);
        assert!(
            list["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == "BitstringStatusListCredential")),
            "{list:#}"
        );
        assert_eq!(
            list["issuer"],
            json!(s.issuer),
            "a string issuer, ours: {list:#}"
        );
        let subject = &list["credentialSubject"];
        assert_eq!(subject["type"], "BitstringStatusList", "{list:#}");
        assert_eq!(subject["statusPurpose"], purpose, "{list:#}");
        let index: usize = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
        let (set, length) = bit(subject["encodedList"].as_str().unwrap(), index);
        assert!(!set, "{purpose} bit {index} is clear at issuance");
        assert!(length >= 131_072, "at least 16 KiB of bits: {length}");
        // The suite verifies the list credential itself.
        s.verifies(&format!("{purpose} list"), &list);

        // Conditional GET with the same Accept: 304.
        let url = entry["statusListCredential"].as_str().unwrap();
        let again = s
            .server
            .client
            .get(url)
            .header("Accept", SUITE_ACCEPT)
            .header("If-None-Match", &etag)
            .send();
        assert_eq!(again.status, 304, "{}", again.head);
        // Other clients still get `application/vc` by default.
        let r = s.get(url, Some("*/*"));
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-type"),
            Some("application/vc"),
            "{}",
            r.head
        );
        let r = s.get(url, Some("application/json"));
        assert_eq!(
            r.header("content-type"),
            Some("application/json"),
            "{}",
            r.head
        );
        assert_eq!(r.json(), list, "every representation is the same document");
    }
    // The credential itself, as the suite's loader dereferences it.
    let uuid = Suite::uuid_of(&signed);
    let r = s.get(
        &s.server.url(&format!("/credentials/{uuid}")),
        Some(SUITE_ACCEPT),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/ld+json"),
        "{}",
        r.head
    );
    assert_eq!(r.json(), signed, "the credential as issued");

    // Suspend, see the bit; reinstate, see it clear; revoke.
    let change = |action: &str| {
        s.post(
            &format!("/api/v1/admin/credentials/{uuid}/{action}"),
            Some(s.admin_token()),
            &json!({ "reason": "conformance test" }),
        )
    };
    let bit_of = |purpose: &str| {
        let entry = entry_for(&s, &signed, purpose);
        let (list, _) = dereference(&s, &entry);
        let index: usize = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
        bit(
            list["credentialSubject"]["encodedList"].as_str().unwrap(),
            index,
        )
        .0
    };
    assert_eq!(change("suspend").status, 200);
    assert!(bit_of("suspension"), "suspended: the suspension bit is set");
    assert!(!bit_of("revocation"));
    s.does_not_verify("suspended", &signed);
    assert_eq!(change("reinstate").status, 200);
    assert!(!bit_of("suspension"), "reinstated: the bit is clear again");
    s.verifies("reinstated", &signed);
    assert_eq!(change("revoke").status, 200);
    assert!(bit_of("revocation"), "revoked: the revocation bit is set");
    s.does_not_verify("revoked", &signed);
}

fn with_id(mut vc: Value) -> Value {
    vc["id"] = json!(format!("urn:uuid:{}", uuid::Uuid::new_v4()));
    vc
}

/// "(or always, by configuration)": `generic_status_purposes`
/// (`ROSETTE_GENERIC_STATUS_PURPOSES`, comma-separated, empty = none) is what
/// a request without a status option gets; an option still wins.
#[test]
fn the_default_status_purposes_are_configurable() {
    for (setting, expected) in [("", vec![]), ("suspension", vec!["suspension"])] {
        let s = Suite::start_with(&[("ROSETTE_GENERIC_STATUS_PURPOSES", setting)]);
        let vc = s.example_credential();
        let signed = s.issued(&format!("default {setting:?}"), &vc, &json!({}));
        assert_eq!(
            purposes(&signed),
            expected,
            "default {setting:?}: {signed:#}"
        );
        let signed = s.issued(
            &format!("default {setting:?}, option revocation"),
            &vc,
            &json!({ "statusPurpose": "revocation" }),
        );
        assert_eq!(purposes(&signed), vec!["revocation"], "{signed:#}");
        entry_for(&s, &signed, "revocation");
    }
}
