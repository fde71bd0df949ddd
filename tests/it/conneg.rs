//! Content negotiation on `GET /credentials/{id}` and `GET /status/{list}`
//! over `rosette serve`: `application/vc` by default and for `*/*`,
//! `application/ld+json` or `application/json` when `Accept` prefers them
//! (the W3C suites' document loader sends `application/ld+json,
//! application/json`), q-values honoured, ties to `application/vc`;
//! `Vary: Accept`, `Cache-Control` and a per-media-type `ETag` with 304.

use crate::did_key_issuer::{GRADER, issued};
use crate::support::{Client, Response, ServerProcess, ok, rosette};
use serde_json::Value;

fn get(client: &Client, path: &str, accept: Option<&str>, etag: Option<&str>) -> Response {
    let mut request = client.get(path);
    if let Some(a) = accept {
        request = request.header("Accept", a);
    }
    if let Some(t) = etag {
        request = request.header("If-None-Match", t);
    }
    request.send()
}

/// Checks every negotiation rule on `path`, whose body is `expected`
/// (parsed), cached with `cache_control`.
fn negotiates(client: &Client, path: &str, expected: &Value, cache_control: &str) {
    let cases: [(Option<&str>, &str); 9] = [
        (None, "application/vc"),
        (Some("*/*"), "application/vc"),
        (
            Some("application/ld+json, application/json"),
            "application/ld+json",
        ),
        (Some("application/json"), "application/json"),
        (
            Some("application/json;q=0.5, application/vc"),
            "application/vc",
        ),
        (
            Some("application/vc;q=0.5, application/ld+json"),
            "application/ld+json",
        ),
        (Some("application/vc, application/json"), "application/vc"),
        (
            Some("application/ld+json;q=0.2, application/json;q=0.9, */*;q=0.1"),
            "application/json",
        ),
        (Some("application/*"), "application/vc"),
    ];
    let mut tags = std::collections::BTreeMap::new();
    for (accept, media) in cases {
        let r = get(client, path, accept, None);
        assert_eq!(r.status, 200, "{path} {accept:?}: {}", r.head);
        assert_eq!(r.header("content-type"), Some(media), "{path} {accept:?}");
        assert_eq!(&r.json(), expected, "{path} {accept:?}: the same document");
        assert_eq!(r.header("vary"), Some("Accept"), "{path} {accept:?}");
        assert_eq!(r.header("cache-control"), Some(cache_control), "{path}");
        let etag = r.header("etag").expect("an ETag").to_owned();
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "strong: {etag}"
        );
        let previous = tags.insert(media, etag.clone());
        assert!(
            previous.is_none_or(|p| p == etag),
            "one tag per representation"
        );
    }
    assert_eq!(tags.len(), 3);
    let distinct: std::collections::BTreeSet<&String> = tags.values().collect();
    assert_eq!(
        distinct.len(),
        3,
        "RFC 9110 §8.8.3: one strong tag per media type: {tags:?}"
    );

    // 304 for each representation's own tag, with its headers; another
    // representation's tag gets the full answer.
    for (accept, media) in [
        (None, "application/vc"),
        (
            Some("application/ld+json, application/json"),
            "application/ld+json",
        ),
        (Some("application/json"), "application/json"),
    ] {
        let tag = tags[media].as_str();
        let r = get(client, path, accept, Some(tag));
        assert_eq!(r.status, 304, "{path} {accept:?}: {}", r.head);
        assert!(r.body.is_empty());
        assert_eq!(r.header("etag"), Some(tag));
        assert_eq!(r.header("vary"), Some("Accept"));
        assert_eq!(r.header("cache-control"), Some(cache_control));
        let weak = format!("W/{tag}");
        assert_eq!(
            get(client, path, accept, Some(&weak)).status,
            304,
            "weak comparison"
        );
        let other = if media == "application/vc" {
            "application/json"
        } else {
            "application/vc"
        };
        let r = get(client, path, accept, Some(tags[other].as_str()));
        assert_eq!(r.status, 200, "{path} {accept:?} with the {other} tag");
        assert_eq!(r.header("content-type"), Some(media));
    }
}

#[test]
fn credentials_and_status_lists_answer_in_the_media_type_the_client_prefers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&rosette(
        &data,
        &[
            "init",
            "--public-url",
            "https://certs.example.com",
            "--grader",
            GRADER,
        ],
    ));
    let (_, credential) = issued(&data, "lin@example.com", "Lin Wu");
    let server = ServerProcess::start(&data, &[], &[]);
    let client = Client::new(server.addr);
    let uuid = credential["id"]
        .as_str()
        .unwrap()
        .trim_start_matches("urn:uuid:");
    negotiates(
        &client,
        &format!("/credentials/{uuid}"),
        &credential,
        "public, max-age=300",
    );

    let list_url = credential["credentialStatus"]
        .as_array()
        .map_or(&credential["credentialStatus"], |a| &a[0])["statusListCredential"]
        .as_str()
        .unwrap()
        .to_owned();
    let list_path = list_url.strip_prefix("https://certs.example.com").unwrap();
    let list = get(&client, list_path, None, None).json();
    assert_eq!(list["type"][1], "BitstringStatusListCredential", "{list:#}");
    negotiates(&client, list_path, &list, "public, max-age=300");

    // A browser still gets the page, not a JSON type.
    let r = get(
        &client,
        &format!("/credentials/{uuid}"),
        Some("text/html"),
        None,
    );
    assert_eq!(r.status, 303, "{}", r.head);
}
