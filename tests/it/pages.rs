//! The public pages on a real server (127.0.0.1:0, `public_url` its own
//! address): every URL inside an issued credential, on its badge (links,
//! text and the QR code) and on its page resolves; the home page and its
//! lookup form; the certification pages (HTML and Achievement JSON) and
//! badge images; what the verification page shows for each verdict.

use crate::support::Response;
use crate::verify_api::{CERT, NOW, SECRET, TestServer};
use rosette::issuance::revocation::StatusChange;
use serde_json::Value;
use std::collections::{BTreeSet, VecDeque};

const ISSUER: &str = "GitLab Professional Services";
const SLUGS: [&str; 4] = [
    "gitlab-certified-associate",
    "gitlab-ci-cd-specialist",
    "gitlab-innersourcing-specialist",
    "gitlab-project-management-specialist",
];

/// Every string value of `v` that is an http(s) URL, with the JSON path
/// of the key it sits under (`@context` values are told apart).
fn json_urls(v: &Value, under_context: bool, out: &mut Vec<(String, bool)>) {
    match v {
        Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            out.push((s.clone(), under_context));
        }
        Value::Array(items) => items.iter().for_each(|i| json_urls(i, under_context, out)),
        Value::Object(fields) => {
            for (k, x) in fields {
                json_urls(x, under_context || k == "@context", out);
            }
        }
        _ => {}
    }
}

/// The values of `href`, `src` and `content` attributes (HTML unescaped).
fn attribute_values(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\"", " content=\""] {
        for piece in html.split(attr).skip(1) {
            if let Some(value) = piece.split('"').next() {
                out.push(value.replace("&amp;", "&"));
            }
        }
    }
    out
}

/// URLs in a badge SVG: `href`/`xlink:href` attributes and text that is a URL.
fn svg_urls(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut out = Vec::new();
    for node in doc.descendants() {
        for a in node.attributes() {
            if a.name() == "href" {
                out.push(a.value().to_owned());
            }
        }
        if let Some(text) = node.text() {
            let t = text.trim();
            if t.starts_with("http://") || t.starts_with("https://") {
                out.push(t.to_owned());
            }
        }
    }
    out
}

/// The text of the QR codes in a PNG (scaled up 2× first: the badge's
/// modules are under 3 px at 600 px).
fn qr_texts(png: &[u8]) -> Vec<String> {
    let img = image::load_from_memory(png).unwrap().to_luma8();
    let img = image::imageops::resize(
        &img,
        img.width() * 2,
        img.height() * 2,
        image::imageops::FilterType::Nearest,
    );
    let (w, h) = img.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32).0[0]
        });
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

/// Fetches `url` (on `server`) and answers the response.
fn fetch(server: &TestServer, url: &str) -> Response {
    let path = url.strip_prefix(&server.public_url).unwrap_or(url);
    server.client.get(path).send()
}

/// Resolves an attribute value found on the page at `base_url` to an
/// absolute URL; `None` for values that are not links (plain meta text).
fn absolute(server: &TestServer, base_url: &str, value: &str) -> Option<String> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Some(value.to_owned())
    } else if value.starts_with('/') {
        Some(format!("{}{value}", server.public_url))
    } else if value.starts_with('#') {
        Some(format!(
            "{}{value}",
            base_url.split('#').next().unwrap_or("")
        ))
    } else {
        None
    }
}

#[test]
fn every_url_in_a_credential_its_badge_and_its_page_resolves() {
    let server = TestServer::start();
    let id = server.issue("Ada Lovelace", SECRET, NOW);
    let uuid = id.trim_start_matches("urn:uuid:").to_owned();
    let base = server.public_url.clone();

    // Seeds: the credential's strings, the badge SVG, the badge QR code and
    // the verification page.
    let credential = server.client.get(&format!("/credentials/{uuid}")).send();
    assert_eq!(credential.status, 200);
    let mut found = Vec::new();
    json_urls(&credential.json(), false, &mut found);
    let mut seeds: Vec<(String, &str)> = Vec::new();
    for (url, context) in found {
        if context {
            assert!(
                rosette::contexts::load(&url).is_ok(),
                "a @context the verifier does not know: {url}"
            );
        } else {
            seeds.push((url, "credential"));
        }
    }
    let svg = server
        .client
        .get(&format!("/credentials/{uuid}/badge.svg"))
        .send()
        .text();
    seeds.extend(svg_urls(&svg).into_iter().map(|u| (u, "badge.svg")));
    let png = server
        .client
        .get(&format!("/credentials/{uuid}/badge.png"))
        .send()
        .body;
    let qr = qr_texts(&png);
    assert_eq!(qr, [format!("{base}/v/{uuid}")], "the badge's QR code");
    seeds.extend(qr.into_iter().map(|u| (u, "badge QR")));
    seeds.push((format!("{base}/v/{uuid}"), "page"));
    for must in [
        format!("{base}/certifications/{CERT}"),
        format!("{base}/certifications/{CERT}#criteria"),
        format!("{base}/certifications/{CERT}/badge.png"),
    ] {
        assert!(
            seeds.iter().any(|(u, _)| *u == must),
            "{must} not in the credential"
        );
    }

    // Follow every link of every page of this server (the API reference
    // `/docs` aside); another origin only for LinkedIn's add-to-profile link.
    let mut queue: VecDeque<(String, String)> = seeds
        .into_iter()
        .map(|(u, from)| (u, from.to_owned()))
        .collect();
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    while let Some((url, from)) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        if !url.starts_with(&format!("{base}/")) && url != base {
            if !url.starts_with("https://www.linkedin.com/profile/add?") {
                failures.push(format!("{url} (from {from}) is on another origin"));
            }
            continue;
        }
        let (resource, fragment) = match url.split_once('#') {
            Some((r, f)) => (r.to_owned(), Some(f.to_owned())),
            None => (url.clone(), None),
        };
        let r = fetch(&server, &resource);
        checked += 1;
        if r.status != 200 {
            failures.push(format!("{url} (from {from}): {}", r.status));
            continue;
        }
        let html = r
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"));
        if let (Some(f), true) = (&fragment, html)
            && !r.text().contains(&format!("id=\"{f}\""))
        {
            failures.push(format!("{url} (from {from}): no element with id=\"{f}\""));
        }
        if html && !resource.ends_with("/docs") {
            for value in attribute_values(&r.text()) {
                if let Some(next) = absolute(&server, &resource, &value) {
                    queue.push_back((next, resource.clone()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The credential, its images, the page, the home page, the four
    // certifications and their badges, the status lists, did.json…
    assert!(
        checked >= 15,
        "only {checked} URLs were followed: {seen:#?}"
    );
    for must in [format!("{base}/"), format!("{base}/docs")] {
        assert!(seen.contains(&must), "{must} not reached: {seen:#?}");
    }
}

/// Asserts the headers every page carries.
fn assert_page_headers(r: &Response, form: bool) {
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let action = if form {
        "form-action 'self'"
    } else {
        "form-action 'none'"
    };
    assert!(csp.contains(action), "{csp}");
}

#[test]
fn the_home_page_says_who_issues_lists_the_certifications_and_offers_a_lookup_box() {
    let server = TestServer::start();
    let r = server.client.get("/").send();
    assert_eq!(r.status, 200, "{}", r.head);
    assert_page_headers(&r, true);
    let html = r.text();
    assert!(
        html.contains(&format!("<span id=\"issuer-name\">{ISSUER}</span>")),
        "{html}"
    );
    // The DID, wrapped only after its colons.
    let did = server.did.replace(':', ":<wbr>");
    assert!(html.contains(&did), "{did} in {html}");
    for slug in SLUGS {
        assert!(
            html.contains(&format!("href=\"/certifications/{slug}\"")),
            "{slug}"
        );
    }
    assert!(html.contains("<form class=\"lookup\" method=\"get\" action=\"/lookup\""));
    assert!(html.contains("name=\"id\""));
    assert!(html.contains("href=\"/docs\""));
    assert!(html.contains(&format!("curl -X POST {}/api/v1/verify", server.public_url)));
    assert!(!html.contains("<script"));
}

#[test]
fn the_lookup_box_sends_ids_and_links_to_their_page_and_explains_anything_else() {
    let server = TestServer::start();
    let uuid = "0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0abc";
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    for pasted in [
        format!("urn:uuid:{uuid}"),
        uuid.to_uppercase(),
        format!(" {}/v/{uuid}?ref=mail ", server.public_url),
    ] {
        let r = server
            .client
            .get(&format!("/lookup?id={}", enc(&pasted)))
            .send();
        assert_eq!(r.status, 303, "{pasted}: {}", r.head);
        assert_eq!(
            r.header("location"),
            Some(format!("/v/{uuid}").as_str()),
            "{pasted}"
        );
    }
    let r = server
        .client
        .get(&format!("/lookup?id={}", enc("<b>my badge</b>")))
        .send();
    assert_eq!(r.status, 400);
    assert_page_headers(&r, true);
    let html = r.text();
    assert!(html.contains("“&lt;b&gt;my badge&lt;/b&gt;” is not a credential id or link."));
    assert!(
        html.contains("value=\"&lt;b&gt;my badge&lt;/b&gt;\""),
        "prefilled"
    );
    assert!(!html.contains("<b>my badge"));
    let r = server.client.get("/lookup?id=+").send();
    assert_eq!(r.status, 200, "nothing entered: the page with the form");
    assert!(
        r.text().contains("<h1>Find a credential</h1>") && r.text().contains("action=\"/lookup\"")
    );
}

#[test]
fn a_certification_page_is_html_for_people_and_the_achievement_for_json_clients() {
    let server = TestServer::start();
    let id = server.issue("Ada Lovelace", SECRET, NOW);
    let uuid = id.trim_start_matches("urn:uuid:");
    let credential = server
        .client
        .get(&format!("/credentials/{uuid}"))
        .send()
        .json();
    let in_credential = &credential["credentialSubject"]["achievement"];
    let path = format!("/certifications/{CERT}");

    let r = server
        .client
        .get(&path)
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send();
    assert_eq!(r.status, 200);
    assert_page_headers(&r, false);
    assert_eq!(r.header("vary"), Some("Accept"));
    let html = r.text();
    for part in [
        "id=\"criteria\"",
        "id=\"written\"",
        "id=\"lab\"",
        "id=\"lab-pass\"",
        "id=\"lab-fail\"",
        "Score at least <strong>80%</strong>",
        "valid for 24 months",
        &format!("src=\"/certifications/{CERT}/badge.png\""),
        &format!("<span id=\"issuer-name\">{ISSUER}</span>"),
    ] {
        assert!(html.contains(part), "{part} in {html}");
    }
    let catalog = crate::issuance::catalog();
    for criterion in &catalog.get(CERT).unwrap().lab.rubric {
        assert!(html.contains(&criterion.name), "{}", criterion.name);
    }

    for accept in ["application/json", "application/ld+json"] {
        let r = server.client.get(&path).header("Accept", accept).send();
        assert_eq!(r.status, 200, "{accept}");
        assert_eq!(r.header("content-type"), Some(accept));
        assert_eq!(r.header("vary"), Some("Accept"));
        let mut achievement = r.json();
        assert_eq!(
            achievement["@context"],
            serde_json::json!([
                rosette::contexts::CREDENTIALS_V2,
                rosette::contexts::OB_V3P0_3_0_3
            ])
        );
        achievement.as_object_mut().unwrap().remove("@context");
        assert_eq!(
            &achievement, in_credential,
            "{accept}: the credential's Achievement"
        );
    }

    let r = server
        .client
        .get("/certifications/gitlab-cobol-wizard")
        .send();
    assert_eq!(r.status, 404);
    assert_page_headers(&r, false);
    let html = r.text();
    assert!(html.contains("There is no certification “gitlab-cobol-wizard” here."));
    for slug in SLUGS {
        assert!(
            html.contains(&format!("href=\"/certifications/{slug}\"")),
            "{slug}"
        );
    }
    let r = server
        .client
        .get("/certifications/gitlab-cobol-wizard")
        .header("Accept", "application/json")
        .send();
    r.expect(404, None);
}

#[test]
fn a_certification_badge_is_a_cacheable_png_whose_qr_opens_its_page() {
    let server = TestServer::start();
    for slug in SLUGS {
        let r = server
            .client
            .get(&format!("/certifications/{slug}/badge.png"))
            .send();
        assert_eq!(r.status, 200, "{slug}");
        assert_eq!(r.header("content-type"), Some("image/png"));
        assert_eq!(r.header("cache-control"), Some("public, max-age=86400"));
        let img = image::load_from_memory(&r.body).unwrap();
        assert_eq!((img.width(), img.height()), (600, 600));
        assert_eq!(
            qr_texts(&r.body),
            [format!("{}/certifications/{slug}", server.public_url)]
        );
    }
    let r = server.client.get("/certifications/nope/badge.png").send();
    r.expect(404, None);
}

/// The `/v/{id}` page of `id`.
fn page(server: &TestServer, id: &str) -> Response {
    let r = server
        .client
        .get(&format!("/v/{}", id.trim_start_matches("urn:uuid:")))
        .send();
    assert_eq!(r.status, 200, "{}", r.head);
    assert_page_headers(&r, false);
    r
}

const ISSUED_EARLIER: &str = "2026-10-01T09:00:00Z";

#[test]
fn revoked_suspended_and_expired_pages_invite_no_sharing_say_since_when_and_keep_the_downloads() {
    let server = TestServer::start();
    let valid = server.issue("Vera Valid", SECRET, ISSUED_EARLIER);
    let revoked = server.issue("Rex Revoked", SECRET, ISSUED_EARLIER);
    let suspended = server.issue("Sue Suspended", SECRET, ISSUED_EARLIER);
    let expired = server.issue("Ed Expired", SECRET, "2023-06-01T09:00:00Z");
    let reason = "Reason-Kept-Private-7f3a";
    server.change_at(
        &revoked,
        StatusChange::Revoke,
        reason,
        "2026-11-20T10:00:00Z",
    );
    server.change_at(
        &suspended,
        StatusChange::Suspend,
        reason,
        "2026-11-21T10:00:00Z",
    );

    let html = page(&server, &valid).text();
    assert!(html.contains("<h1>VALID</h1>"));
    assert!(
        html.contains("id=\"linkedin\"") && html.contains("https://www.linkedin.com/profile/add?")
    );
    assert!(html.contains("property=\"og:image\"") && html.contains("summary_large_image"));

    for (id, label, since) in [
        (&revoked, "REVOKED", Some("20 Nov 2026")),
        (&suspended, "SUSPENDED", Some("21 Nov 2026")),
        (&expired, "EXPIRED", None),
    ] {
        let html = page(&server, id).text();
        assert!(
            html.contains(&format!("<h1>{label}</h1>")),
            "{label}: {html}"
        );
        let lower = html.to_lowercase();
        assert!(!lower.contains("linkedin"), "{label}: a LinkedIn link");
        assert!(
            !html.contains("og:image") && !html.contains("twitter:image"),
            "{label}: a share image"
        );
        assert!(!html.contains("summary_large_image"), "{label}");
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{label}"
        );
        assert!(
            html.contains(&format!("<meta property=\"og:title\" content=\"{label}: ")),
            "{label}: a shared link says the verdict"
        );
        assert!(!html.contains(reason), "{label}: the reason shows");
        let uuid = id.trim_start_matches("urn:uuid:");
        for download in [
            format!("href=\"/credentials/{uuid}/badge.png\" download"),
            format!("href=\"/credentials/{uuid}/badge.svg\" download"),
            format!("href=\"/credentials/{uuid}\" type=\"application/vc\""),
        ] {
            assert!(html.contains(&download), "{label}: {download}");
        }
        match since {
            Some(day) => {
                assert!(
                    html.contains(&format!("id=\"since\">{day}</dd>")),
                    "{label}: {html}"
                );
                assert!(
                    html.contains(&format!("this certification on {day}.")),
                    "{label}"
                );
            }
            None => assert!(
                html.contains("This certification expired on 1 Jun 2025."),
                "{html}"
            ),
        }
    }
}

#[test]
fn what_was_checked_is_in_plain_words_with_the_details_behind_a_disclosure() {
    let server = TestServer::start();
    let id = server.issue("Ada Lovelace", SECRET, NOW);
    let html = page(&server, &id).text();
    let checked = html
        .split("<section class=\"card\" id=\"checked\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap();
    let (plain, technical) = checked.split_once("<details id=\"technical\">").unwrap();
    for words in [
        format!("Signed by {ISSUER} — signature verified"),
        "Not revoked".to_owned(),
        "Not suspended".to_owned(),
        "Within its validity dates (25 Nov 2026 to 25 Nov 2028)".to_owned(),
    ] {
        assert!(
            plain.contains(&format!("<span>{words}</span>")),
            "{words} in {plain}"
        );
    }
    // One marker a line, in a list without bullets.
    assert!(plain.starts_with("<h2>What was checked</h2><ul class=\"checks\""));
    assert_eq!(
        plain.matches("<li").count(),
        plain.matches("class=\"mark\"").count()
    );
    assert!(
        !plain.contains("did:") && !plain.contains("eddsa"),
        "{plain}"
    );
    // The details: DID and method wrapped after separators, the suite, the lists.
    assert!(technical.starts_with("<summary>Technical details</summary>"));
    assert!(
        technical.contains(&server.did.replace(':', ":<wbr>")),
        "{technical}"
    );
    assert!(
        technical.contains("#<wbr>"),
        "the method's fragment: {technical}"
    );
    assert!(technical.contains("eddsa-rdfc-2022"));
    assert!(technical.contains("Status list index (revocation)"));
    assert!(technical.contains(&format!(
        "href=\"{}/status/revocation-1\"",
        server.public_url
    )));
    // One date format, UTC said once; no raw timestamps anywhere on the page.
    assert!(technical.contains("25 Nov 2026 at 12:00 UTC"));
    assert_eq!(html.matches("UTC").count(), 1, "{html}");
    assert!(
        !html.contains("T12:00:00Z") && !html.contains("2026-11-25"),
        "{html}"
    );
    // Issuer branding in the header, linking home.
    assert!(html.contains(&format!(
        "<header class=\"brand\"><a href=\"/\"><img src=\"/assets/icon.svg\" alt=\"\" width=\"28\" height=\"28\"><span id=\"issuer-name\">{ISSUER}</span>"
    )));
    let css = server.client.get("/assets/rosette.css").send().text();
    assert!(!css.contains("anywhere"), "no mid-token wrapping: {css}");
    assert!(css.contains("ul.checks{list-style:none"));
}

#[test]
fn the_not_found_page_says_what_to_do_next() {
    let server = TestServer::start();
    let r = server
        .client
        .get("/v/00000000-0000-4000-8000-000000000000")
        .send();
    assert_eq!(r.status, 404);
    assert_page_headers(&r, true);
    let html = r.text();
    assert!(html.contains("<h1>NOT FOUND</h1>"));
    assert!(html.contains("Check the link"));
    assert!(html.contains(&format!(
        "<a href=\"/\">verification home page</a> of {ISSUER}"
    )));
    assert!(html.contains("action=\"/lookup\""));
    assert!(html.contains("value=\"00000000-0000-4000-8000-000000000000\""));
    assert!(html.contains(&format!("Contact {ISSUER}")));
}

/// Every verification page offers "Download signed receipt"; the download
/// is an attachment, a receipt this server signed for that credential, and
/// it verifies (`POST /api/v1/verify`), also for a revoked credential,
/// whose receipt says REVOKED.
#[test]
fn the_page_offers_a_signed_receipt_that_verifies() {
    let server = TestServer::start();
    let valid = server.issue("Vera Valid", SECRET, NOW);
    let revoked = server.issue("Rex Revoked", SECRET, NOW);
    server.change(&revoked, StatusChange::Revoke);
    for (id, verdict) in [(&valid, "VALID"), (&revoked, "REVOKED")] {
        let uuid = id.trim_start_matches("urn:uuid:");
        let html = page(&server, id).text();
        let link = format!(
            "<a href=\"/v/{uuid}/receipt\" download id=\"receipt\">Download signed receipt</a>"
        );
        assert!(html.contains(&link), "{verdict}: no receipt link in {html}");
        let r = server.client.get(&format!("/v/{uuid}/receipt")).send();
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("content-type"), Some("application/vc"));
        assert_eq!(
            r.header("content-disposition"),
            Some(format!("attachment; filename=\"receipt-{uuid}.json\"").as_str())
        );
        let receipt = r.json();
        assert_eq!(receipt["issuer"], server.did.as_str());
        assert_eq!(receipt["credentialSubject"]["id"], id.as_str());
        assert_eq!(receipt["credentialSubject"]["verdict"], verdict);
        let checked = server
            .client
            .post("/api/v1/verify")
            .body("application/json", &r.body)
            .send()
            .expect(200, None);
        assert_eq!(checked["verified"], true, "{checked:#}");
        assert_eq!(checked["attests"]["verdict"], verdict);
        // The credential as served has the digest the receipt attests.
        let served = server.client.get(&format!("/credentials/{uuid}")).send();
        let compared = server
            .client
            .post("/api/v1/verify")
            .body(
                "application/json",
                format!(
                    "{{\"receipt\": {}, \"credential\": {}}}",
                    receipt,
                    served.text()
                )
                .as_bytes(),
            )
            .send()
            .expect(200, None);
        assert_eq!(compared["verified"], true, "{compared:#}");
    }
    let missing = server
        .client
        .get("/v/00000000-0000-4000-8000-000000000000/receipt")
        .send();
    missing.expect(404, Some("unknown_credential"));
}
