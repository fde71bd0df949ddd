//! `GET /v/{id}`: the page an employer sees after scanning a badge's QR
//! code. Server-rendered (the verdict shows without JavaScript), built for
//! phones, every user-supplied string HTML-escaped, strict CSP.

use super::state::AppState;
use crate::issuance::badge_data::{display_date, public_id};
use crate::verification::{self, Check, CheckState, Verdict, VerifyContext};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Headers every page carries: a strict CSP (no scripts at all), no
/// framing, no sniffing, no referrer leaks, and revalidation on every
/// view (a verdict must never come from a stale cache).
pub const PAGE_HEADERS: [(header::HeaderName, &str); 6] = [
    (header::CACHE_CONTROL, "no-cache"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
];

fn page(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    for (name, value) in PAGE_HEADERS {
        if let Ok(v) = header::HeaderValue::from_str(value) {
            response.headers_mut().insert(name, v);
        }
    }
    response
}

/// The page's stylesheet, served at `/assets/rosette.css` (the CSP allows no inline style).
pub const STYLE: &str = "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f4f4f7;color:#1f1e24}\
main{max-width:640px;margin:0 auto;padding:16px}\
.verdict{color:#fff;border-radius:12px;padding:20px;text-align:center}\
.verdict h1{margin:0;font-size:40px;letter-spacing:2px}\
.verdict p{margin:6px 0 0;font-size:16px}\
.card{background:#fff;border-radius:12px;padding:16px 20px;margin-top:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
.notice{border-left:6px solid #6b4fbb}.notice p{margin:0}\
.card h2{font-size:15px;text-transform:uppercase;letter-spacing:1px;color:#6b6a75;margin:0 0 8px}\
dl{display:grid;grid-template-columns:fit-content(40%) minmax(0,1fr);gap:6px 16px;margin:0}\
dt{color:#6b6a75}dd{margin:0;overflow-wrap:anywhere}\
img.badge{display:block;width:100%;max-width:320px;margin:0 auto}\
ul{padding-left:20px;margin:0}li{margin:4px 0;overflow-wrap:anywhere}\
a{color:#1f75cb}.links a{display:inline-block;margin:4px 12px 4px 0}\
.ok{color:#1a7f37}.bad{color:#c62828}.unk{color:#b35900}\
.valid{background:#1a7f37}.suspended{background:#b35900}.failed{background:#c62828}.neutral{background:#555}";

/// `GET /v/{id}`.
#[utoipa::path(
    get,
    path = "/v/{id}",
    tag = "verification",
    summary = "The verification page (HTML)",
    description = "What an employer sees after scanning a badge's QR code: the verdict in large \
letters (VALID, REVOKED, SUSPENDED, EXPIRED, NOT VALID or CANNOT VERIFY: the `verdict` of the \
API's report), the holder, the certification, issue and \
expiry dates, the assessment results, what was checked, and download and share links. \
Server-rendered (no JavaScript), strict Content-Security-Policy.",
    params(
        ("id" = String, Path, description = "The credential's UUID, or its full id `urn:uuid:…`."),
    ),
    responses(
        (status = 200, description = "The page, with the verdict.", body = String,
            content_type = "text/html; charset=utf-8"),
        (status = 404, description = "No such credential, or this server does not issue (an HTML page).",
            body = String, content_type = "text/html; charset=utf-8"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, description = "The database is not reachable (an HTML page), or the request took longer than `request_timeout`.",
            body = String, content_type = "text/html; charset=utf-8"),
    )
)]
pub async fn verification_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Some(parts) = state.issuer.as_deref() else {
        return not_found(&id);
    };
    let rec = match state.store.credential(&super::dto::full_id(&id)).await {
        Ok(Some(rec)) => rec,
        Ok(None) => return not_found(&id),
        Err(e) => {
            let unavailable = page(
                StatusCode::SERVICE_UNAVAILABLE,
                simple_page("Temporarily unavailable", "Please try again in a moment."),
            );
            return super::error::ErrorCause::attach(
                unavailable,
                "the credential could not be read",
                &e,
            );
        }
    };
    let now = parts.clock.now();
    let lists = crate::issuance::revocation::OwnStatusLists::new(
        state.store.as_ref(),
        &parts.public_url,
        None,
    )
    .with_shared_versions(&state.list_versions);
    let resolver = state.key_ring.resolver();
    let cx = VerifyContext::new(resolver.as_ref(), now).with_status(&lists, &state.status_cache);
    // Parsed once, for the verification and for the page.
    let (report, doc) = match serde_json::from_str::<Value>(&rec.document) {
        Ok(doc) => (verification::verify_value(&doc, cx).await, doc),
        // A stored document that no longer parses: the report says so.
        Err(_) => (
            verification::verify_bytes(rec.document.as_bytes(), cx).await,
            Value::Null,
        ),
    };
    let verdict = report.verdict;
    state.metrics.observe_verification(verdict.as_str());
    let achievement = &doc["credentialSubject"]["achievement"];
    let cert_name = achievement["name"].as_str().unwrap_or(&rec.certification);
    let description = achievement["description"].as_str().unwrap_or("");
    let issuer_name = doc["issuer"]["name"]
        .as_str()
        .unwrap_or(&parts.profile.name);
    let uuid = public_id(&rec.id);
    let base = &parts.public_url;
    let page_url = format!("{base}/v/{uuid}");
    let og = format!("{base}/credentials/{uuid}/og.png");

    let mut results = String::new();
    if let (Some(list), Some(descs)) = (
        doc["credentialSubject"]["result"].as_array(),
        achievement["resultDescription"].as_array(),
    ) {
        for r in list {
            let rd = r["resultDescription"].as_str().unwrap_or("");
            let Some(d) = descs.iter().find(|d| d["id"] == rd) else {
                continue;
            };
            let name = d["name"].as_str().unwrap_or("Result");
            let value = match (r["value"].as_str(), d["resultType"].as_str()) {
                (Some(v), Some("Percent")) => format!(
                    "{v}% (pass mark {}%)",
                    d["requiredValue"].as_str().unwrap_or("?")
                ),
                (Some(v), _) => v.to_owned(),
                (None, _) if r["achievedLevel"].is_string() => {
                    let level = r["achievedLevel"].as_str().unwrap_or("");
                    d["rubricCriterionLevel"]
                        .as_array()
                        .and_then(|ls| ls.iter().find(|l| l["id"] == level))
                        .and_then(|l| l["name"].as_str())
                        .unwrap_or("achieved")
                        .to_owned()
                }
                _ => r["status"].as_str().unwrap_or("completed").to_owned(),
            };
            results.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>",
                escape(name),
                escape(&value)
            ));
        }
    }
    let mut checks = String::new();
    for c in &report.checks {
        let (class, mark) = match c.state {
            CheckState::Valid => ("ok", "✓"),
            CheckState::Invalid => ("bad", "✗"),
            CheckState::Unknown => ("unk", "?"),
        };
        checks.push_str(&format!(
            "<li class=\"{class}\">{mark} {}: {}</li>",
            escape(c.check),
            escape(&c.message)
        ));
    }
    let issued = display_date(&rec.valid_from);
    let expires = rec
        .valid_until
        .as_deref()
        .map(display_date)
        .unwrap_or_else(|| "no expiry".into());
    // A credential that no longer stands may have a successor (a correction
    // or a renewal): point the visitor to it. Valid ones skip the lookup.
    let successor = if verdict == Verdict::Valid {
        None
    } else {
        state
            .store
            .successors(&rec.id)
            .await
            .ok()
            .and_then(|s| s.into_iter().max_by(|a, b| a.issued_at.cmp(&b.issued_at)))
    };
    let notice = match &successor {
        Some(next) => format!(
            "<section class=\"card notice\" id=\"successor\"><p>{what} <a href=\"/v/{u}\">View the current credential</a>.</p></section>",
            what = if next.replaces.as_deref() == Some(rec.id.as_str()) {
                "The issuer replaced this credential with a corrected one."
            } else {
                "This certification was renewed."
            },
            u = escape(public_id(&next.id)),
        ),
        None => String::new(),
    };
    let sub = match verdict {
        Verdict::Valid => "This certification is genuine and current.".to_owned(),
        Verdict::Revoked if rec.superseded_by.is_some() => {
            "The issuer replaced this credential with a corrected one.".to_owned()
        }
        Verdict::Revoked => "The issuer has revoked this certification.".to_owned(),
        Verdict::Suspended => "The issuer has suspended this certification.".to_owned(),
        Verdict::Expired => format!("This certification expired on {expires}."),
        Verdict::Invalid => "This credential did not pass verification.".to_owned(),
        Verdict::NotFound => NOT_FOUND_TEXT.to_owned(),
        Verdict::Unknown => {
            "Its status could not be checked right now; try again in a moment.".to_owned()
        }
    };
    let linkedin = linkedin_url(
        cert_name,
        parts.linkedin_organization_id.as_deref(),
        issuer_name,
        &rec.valid_from,
        rec.valid_until.as_deref(),
        &page_url,
        uuid,
    );
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{verdict_label}: {cert} — {holder}</title>\
<meta property=\"og:title\" content=\"{cert} — {holder}\"><meta property=\"og:description\" content=\"{sub_e} Issued by {issuer_e}.\">\
<meta property=\"og:image\" content=\"{og_e}\"><meta property=\"og:image:width\" content=\"1200\"><meta property=\"og:image:height\" content=\"627\">\
<meta property=\"og:url\" content=\"{page_e}\"><meta property=\"og:type\" content=\"website\">\
<meta name=\"twitter:card\" content=\"summary_large_image\"><meta name=\"twitter:title\" content=\"{cert} — {holder}\"><meta name=\"twitter:image\" content=\"{og_e}\">\
<link rel=\"stylesheet\" href=\"/assets/rosette.css\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"/assets/icon.svg\"></head><body><main>\
<section class=\"verdict {class}\" id=\"verdict\"><h1>{verdict_label}</h1><p>{sub_e}</p></section>{notice}\
<section class=\"card\"><img class=\"badge\" src=\"/credentials/{uuid_e}/badge.png\" alt=\"{cert} badge for {holder}\">\
<dl><dt>Holder</dt><dd id=\"holder\">{holder}</dd><dt>Certification</dt><dd>{cert}</dd><dt>Issuer</dt><dd>{issuer_e}</dd>\
<dt>Issued</dt><dd>{issued}</dd><dt>Expires</dt><dd>{expires_e}</dd></dl><p>{desc}</p></section>\
<section class=\"card\"><h2>Assessment results</h2><dl>{results}</dl></section>\
<section class=\"card\"><h2>What was checked</h2><ul>{checks}</ul><p>Checked {checked}.</p></section>\
<section class=\"card links\"><h2>Download and share</h2>\
<a href=\"/credentials/{uuid_e}/badge.png\" download>Badge (PNG)</a><a href=\"/credentials/{uuid_e}/badge.svg\" download>Badge (SVG)</a>\
<a href=\"/credentials/{uuid_e}\" type=\"application/vc\">Credential (JSON)</a><a href=\"{linkedin_e}\" rel=\"noopener\">Add to LinkedIn</a>\
<details><summary>Add to LinkedIn by hand</summary><dl><dt>Name</dt><dd>{cert}</dd><dt>Issuing organization</dt><dd>{issuer_e}</dd>\
<dt>Issue date</dt><dd>{issued}</dd><dt>Expiration date</dt><dd>{expires_e}</dd><dt>Credential ID</dt><dd>{uuid_e}</dd><dt>Credential URL</dt><dd>{page_e}</dd></dl></details>\
</section></main></body></html>",
        verdict_label = verdict.label(),
        class = verdict_class(verdict),
        cert = escape(cert_name),
        holder = escape(&rec.holder_name),
        issuer_e = escape(issuer_name),
        sub_e = escape(&sub),
        og_e = escape(&og),
        page_e = escape(&page_url),
        uuid_e = escape(uuid),
        issued = escape(&issued),
        expires_e = escape(&expires),
        desc = escape(description),
        checked = escape(&report.checked_at),
        linkedin_e = escape(&linkedin),
    );
    page(StatusCode::OK, body)
}

/// LinkedIn's add-to-profile link for a certification.
fn linkedin_url(
    name: &str,
    organization_id: Option<&str>,
    organization: &str,
    from: &str,
    until: Option<&str>,
    url: &str,
    id: &str,
) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let ym = |s: &str| {
        (
            s.get(..4).unwrap_or("").to_owned(),
            s.get(5..7)
                .map(|m| m.trim_start_matches('0').to_owned())
                .unwrap_or_default(),
        )
    };
    let (fy, fm) = ym(from);
    let mut q = format!("startTask=CERTIFICATION_NAME&name={}", enc(name));
    match organization_id {
        Some(org) => q.push_str(&format!("&organizationId={}", enc(org))),
        None => q.push_str(&format!("&organizationName={}", enc(organization))),
    }
    q.push_str(&format!("&issueYear={fy}&issueMonth={fm}"));
    if let Some(until) = until {
        let (ey, em) = ym(until);
        q.push_str(&format!("&expirationYear={ey}&expirationMonth={em}"));
    }
    q.push_str(&format!("&certUrl={}&certId={}", enc(url), enc(id)));
    format!("https://www.linkedin.com/profile/add?{q}")
}

fn simple_page(title: &str, text: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{t}</title><link rel=\"stylesheet\" href=\"/assets/rosette.css\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"/assets/icon.svg\"></head>\
<body><main><section class=\"verdict neutral\" id=\"verdict\"><h1>{t}</h1><p>{x}</p></section></main></body></html>",
        t = escape(title),
        x = escape(text)
    )
}

/// What the page says under NOT FOUND.
const NOT_FOUND_TEXT: &str =
    "No certification with this id was issued here. Check the link or scan the QR code again.";

/// The 404 page for an id this issuer never issued: its verdict is the one
/// the verification API reports for the same id ([`Check::not_issued_here`]).
fn not_found(id: &str) -> Response {
    let verdict = Verdict::of(&[Check::not_issued_here(&super::dto::full_id(id))]);
    page(
        StatusCode::NOT_FOUND,
        simple_page(verdict.label(), NOT_FOUND_TEXT),
    )
}

/// The page's CSS class for a verdict's colour.
fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Valid => "valid",
        Verdict::Suspended | Verdict::Unknown => "suspended",
        Verdict::NotFound => "neutral",
        Verdict::Revoked | Verdict::Expired | Verdict::Invalid => "failed",
    }
}

/// The site icon: a rosette (also served at `/favicon.ico`, which
/// browsers ask for on their own).
pub const ICON_SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">\
<circle cx=\"16\" cy=\"13\" r=\"11\" fill=\"#6b4fbb\"/><circle cx=\"16\" cy=\"13\" r=\"7\" fill=\"#fff\"/>\
<circle cx=\"16\" cy=\"13\" r=\"4\" fill=\"#fc6d26\"/><path d=\"M10 21l-3 10 5-3 3 4 1-9zM22 21l3 10-5-3-3 4-1-9z\" fill=\"#6b4fbb\"/></svg>";

/// `GET /assets/icon.svg`: [`ICON_SVG`].
#[utoipa::path(
    get,
    path = "/assets/icon.svg",
    operation_id = "site_icon",
    tag = "verification",
    summary = "The site icon (SVG)",
    responses(
        (status = 200, description = "The icon.", body = String, content_type = "image/svg+xml"),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn icon() -> Response {
    asset("image/svg+xml", ICON_SVG)
}

/// `GET /favicon.ico`, which browsers ask for on their own: [`ICON_SVG`].
#[utoipa::path(
    get,
    path = "/favicon.ico",
    operation_id = "favicon",
    tag = "verification",
    summary = "The site icon where browsers look for it (served as SVG)",
    responses(
        (status = 200, description = "The icon.", body = String, content_type = "image/svg+xml"),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn favicon() -> Response {
    asset("image/svg+xml", ICON_SVG)
}

/// A static asset compiled into the binary, cacheable for a day.
pub(super) fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// `GET /assets/rosette.css`.
#[utoipa::path(
    get,
    path = "/assets/rosette.css",
    operation_id = "verification_page_stylesheet",
    tag = "verification",
    summary = "The verification page's stylesheet",
    responses(
        (status = 200, description = "The stylesheet.", body = String,
            content_type = "text/css; charset=utf-8"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
/// `GET /assets/rosette.css`: the pages' stylesheet.
pub async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}
