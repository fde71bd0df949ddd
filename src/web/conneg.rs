//! Content negotiation for the signed JSON documents this server publishes
//! (credentials and status list credentials): one body, three media types.
//!
//! `application/vc` (VCDM 2.0 §6.2) is the default, and wins every tie; a
//! client whose `Accept` header prefers `application/ld+json` or
//! `application/json` (RFC 9110 §12.5.1, q-values honoured, the most
//! specific matching range deciding) gets that type instead — what the
//! Digital Bazaar document loader sends (`application/ld+json,
//! application/json`). Every answer carries `Vary: Accept`, `Cache-Control`
//! and a strong `ETag` that differs per media type: RFC 9110 §8.8.3 asks a
//! strong validator to be unique across all representations of a resource,
//! and the three differ in `Content-Type`. `If-None-Match` (weak comparison,
//! RFC 9110 §13.1.2) answers 304 for the negotiated representation's tag.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The media types a signed JSON document is served as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonMediaType {
    /// `application/vc` (VCDM 2.0 §6.2), the default.
    Vc,
    /// `application/ld+json` (JSON-LD 1.1 §C).
    LdJson,
    /// `application/json` (RFC 8259).
    Json,
}

impl JsonMediaType {
    /// Tie order: earlier wins.
    const ALL: [JsonMediaType; 3] = [
        JsonMediaType::Vc,
        JsonMediaType::LdJson,
        JsonMediaType::Json,
    ];

    /// The `Content-Type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonMediaType::Vc => "application/vc",
            JsonMediaType::LdJson => "application/ld+json",
            JsonMediaType::Json => "application/json",
        }
    }
}

/// The quality `accept` gives `media` (RFC 9110 §12.5.1): the q of the most
/// specific matching range (`type/subtype` over `type/*` over `*/*`); 0
/// when no range matches. Malformed q-values count as 1, as if absent.
fn quality(accept: &str, media: &str) -> f32 {
    let (kind, _) = media.split_once('/').unwrap_or((media, ""));
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let specificity = if name == media {
            3
        } else if name.strip_suffix("/*") == Some(kind) {
            2
        } else if name == "*/*" {
            1
        } else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .and_then(|(_, v)| v.trim().parse::<f32>().ok())
            .filter(|q| (0.0..=1.0).contains(q))
            .unwrap_or(1.0);
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// The media type to answer with for this `Accept` header: the highest
/// quality one, ties going to `application/vc`, then `application/ld+json`;
/// `application/vc` when the header is absent or accepts none of them.
pub fn negotiate(headers: &HeaderMap) -> JsonMediaType {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return JsonMediaType::Vc;
    };
    let mut chosen = (JsonMediaType::Vc, 0.0_f32);
    for media in JsonMediaType::ALL {
        let q = quality(accept, media.as_str());
        if q > chosen.1 {
            chosen = (media, q);
        }
    }
    chosen.0
}

/// The strong entity tag of `body` served as `media`: distinct per media
/// type (RFC 9110 §8.8.3).
pub fn entity_tag(media: JsonMediaType, body: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(media.as_str().as_bytes());
    hash.update([0]);
    hash.update(body.as_bytes());
    format!("\"{}\"", hex::encode(&hash.finalize()[..16]))
}

/// Whether an `If-None-Match` header matches `etag` (weak comparison,
/// RFC 9110 §13.1.2, so `W/"…"` matches too; `*` matches any).
fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// The answer for a signed JSON document `body`: negotiated type,
/// `Vary: Accept`, `ETag`, `Cache-Control: cache_control`; 304 without a
/// body when `If-None-Match` names this representation's tag.
pub fn json_document(headers: &HeaderMap, body: String, cache_control: &str) -> Response {
    let media = negotiate(headers);
    let etag = entity_tag(media, &body);
    let mut response = if none_match(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, media.as_str())], body).into_response()
    };
    let h = response.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Accept"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(cache_control) {
        h.insert(header::CACHE_CONTROL, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_accept(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        h
    }

    #[test]
    fn application_vc_by_default_and_on_ties_json_types_when_preferred() {
        use JsonMediaType::*;
        assert_eq!(negotiate(&HeaderMap::new()), Vc);
        for (accept, expected) in [
            ("*/*", Vc),
            ("application/*", Vc),
            ("application/vc", Vc),
            ("text/html", Vc),
            ("application/ld+json, application/json", LdJson),
            ("application/json, application/ld+json", LdJson),
            ("application/json", Json),
            ("application/json, */*;q=0.1", Json),
            ("application/vc;q=0.5, application/json", Json),
            ("application/vc, application/json", Vc),
            ("application/vc;q=0.9, application/ld+json;q=0.9", Vc),
            ("application/ld+json;q=0.4, application/json;q=0.8", Json),
            ("application/ld+json;q=0, */*", Vc),
            ("application/json;q=0", Vc),
            ("APPLICATION/JSON ; Q=0.7, application/vc;q=0.6", Json),
            ("application/json;q=nonsense, application/vc;q=0.9", Json),
            ("*/*;q=0.2, application/ld+json;q=0.3", LdJson),
        ] {
            assert_eq!(negotiate(&with_accept(accept)), expected, "{accept}");
        }
    }

    #[test]
    fn tags_differ_per_media_type_and_304_needs_the_negotiated_ones() {
        let body = "{\"a\":1}".to_owned();
        let vc = entity_tag(JsonMediaType::Vc, &body);
        let ld = entity_tag(JsonMediaType::LdJson, &body);
        assert_ne!(vc, ld);
        assert_ne!(vc, entity_tag(JsonMediaType::Vc, "{\"a\":2}"));
        let mut h = with_accept("application/ld+json");
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&vc).unwrap());
        let r = json_document(&h, body.clone(), "public, max-age=1");
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "the vc tag is not the ld+json one"
        );
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/ld+json");
        assert_eq!(r.headers()[header::ETAG], ld.as_str());
        assert_eq!(r.headers()[header::VARY], "Accept");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=1");
        let weak = format!("W/{ld}");
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&weak).unwrap());
        let r = json_document(&h, body, "public, max-age=1");
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(r.headers()[header::ETAG], ld.as_str());
        assert_eq!(r.headers()[header::VARY], "Accept");
    }
}
