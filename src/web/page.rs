//! `GET /v/{id}`: the page an employer sees after scanning a badge's QR
//! code. Server-rendered (the verdict shows without JavaScript), built for
//! phones, every user-supplied string HTML-escaped, strict CSP. Only a
//! VALID credential's page invites sharing (LinkedIn link, share image);
//! the others say since when they stopped standing and keep the downloads.

use super::checks;
use super::layout::{self, day, document, respond, respond_with_csp, wrap_id};
use super::state::AppState;
use crate::issuance::badge_data::public_id;
use crate::model::vcdm::{DISPLAY_LANG, display_text};
use crate::verification::{self, Check, Verdict, VerifyContext};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

pub use super::layout::{PAGE_HEADERS, STYLE, asset, escape};

/// `GET /v/{id}`.
#[utoipa::path(
    get,
    path = "/v/{id}",
    tag = "verification",
    summary = "The verification page (HTML)",
    description = "What an employer sees after scanning a badge's QR code: the verdict in large \
letters (VALID, REVOKED, SUSPENDED, EXPIRED, NOT VALID or CANNOT VERIFY: the `verdict` of the \
API's report), the holder, the certification, issue and \
expiry dates, the assessment results, what was checked (in plain words, the technical details \
behind a disclosure) and the downloads (badge images, the credential, a signed verification receipt \
from `/v/{id}/receipt`). Only a VALID page invites sharing (share image, LinkedIn \
link); a REVOKED, SUSPENDED or EXPIRED page says since when, never why. \
Server-rendered (no JavaScript), strict Content-Security-Policy.",
    params(
        ("id" = String, Path, description = "The credential's UUID, or its full id `urn:uuid:…`."),
    ),
    responses(
        (status = 200, description = "The page, with the verdict.", body = String,
            content_type = "text/html; charset=utf-8"),
        (status = 404, description = "No such credential, or this server does not issue (an HTML page \
saying what to do next, with the lookup form).",
            body = String, content_type = "text/html; charset=utf-8"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, description = "The database is not reachable (an HTML page), or the request took longer than `request_timeout`.",
            body = String, content_type = "text/html; charset=utf-8"),
    )
)]
pub async fn verification_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Some(parts) = state.issuer.as_deref() else {
        return not_found(&id, None);
    };
    let rec = match state.store.credential(&super::dto::full_id(&id)).await {
        Ok(Some(rec)) => rec,
        Ok(None) => return not_found(&id, Some(&parts.profile)),
        Err(e) => {
            let unavailable = respond(
                StatusCode::SERVICE_UNAVAILABLE,
                simple_page(
                    "Temporarily unavailable",
                    "Please try again in a moment.",
                    Some(&parts.profile.name),
                ),
            );
            return super::error::ErrorCause::attach(
                unavailable,
                "the credential could not be read",
                &e,
            );
        }
    };
    let now = parts.clock.now();
    let (report, doc) = stored_report(&state, parts, &rec, now).await;
    let verdict = report.verdict;
    state.metrics.observe_verification(verdict.as_str());
    let achievement = &doc["credentialSubject"]["achievement"];
    // Names may be strings or language value objects (VCDM 2.0 §11.1).
    let text = |v: &Value| display_text(v, Some(DISPLAY_LANG));
    let cert_name = text(&achievement["name"])
        .or_else(|| text(&doc["name"]))
        .unwrap_or_else(|| rec.certification.clone());
    let cert_name = cert_name.as_str();
    let description = text(&achievement["description"])
        .or_else(|| text(&doc["description"]))
        .unwrap_or_default();
    let issuer_name = text(&doc["issuer"]["name"]).unwrap_or_else(|| parts.profile.name.clone());
    let issuer_name = issuer_name.as_str();
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
            let name = text(&d["name"]).unwrap_or_else(|| "Result".to_owned());
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
                        .and_then(|l| text(&l["name"]))
                        .unwrap_or_else(|| "achieved".to_owned())
                }
                _ => r["status"].as_str().unwrap_or("completed").to_owned(),
            };
            results.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>",
                escape(&name),
                escape(&value)
            ));
        }
    }
    // Since when a revoked or suspended credential stopped standing.
    let since = match (verdict, state.issuer()) {
        (Verdict::Revoked | Verdict::Suspended, Some(issuer)) => issuer
            .credential_status(&rec.id)
            .await
            .ok()
            .and_then(|s| s.since),
        _ => None,
    };
    let lines = checks::plain_lines(&report, &doc, issuer_name, since.as_deref());
    let checks_html = checks::lines_html(&lines);
    let technical = checks::technical_html(&doc, &rec.id, &report.checked_at);
    let issued = day(&rec.valid_from);
    let expires = rec
        .valid_until
        .as_deref()
        .map(day)
        .unwrap_or_else(|| "no expiry".into());
    if rec.kind == crate::store::CredentialKind::Generic {
        let facts = GenericFacts {
            verdict,
            issuer_name,
            issued: &issued,
            expires: &expires,
            since: since.as_deref(),
            checks_html: &checks_html,
            technical: &technical,
        };
        return generic_credential_page(&doc, &rec.id, &facts, &parts.profile.name);
    }
    // A credential that no longer stands may have a successor (a correction
    // or a renewal): point the visitor to it. Valid ones skip the lookup.
    let successor = if verdict == Verdict::Valid {
        None
    } else {
        state.store.successors(&rec.id).await.ok().and_then(|s| {
            // A wallet copy is the holder's, not a successor to point visitors to.
            s.into_iter()
                .filter(|n| !crate::issuance::claims::is_wallet_copy(n))
                .max_by(|a, b| a.issued_at.cmp(&b.issued_at))
        })
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
    let notice = if verdict == Verdict::Valid {
        renewal_notice(&state, parts, &rec, now, issuer_name).await
    } else {
        notice
    };
    let sub = verdict_sentence(
        verdict,
        "certification",
        since.as_deref(),
        &expires,
        rec.superseded_by.is_some(),
    );
    let standing = match (verdict, since.as_deref()) {
        (Verdict::Revoked, Some(s)) => format!("<dt>Revoked</dt><dd id=\"since\">{}</dd>", day(s)),
        (Verdict::Suspended, Some(s)) => {
            format!("<dt>Suspended</dt><dd id=\"since\">{}</dd>", day(s))
        }
        _ => String::new(),
    };
    let cert = escape(cert_name);
    let holder = escape(&rec.holder_name);
    let uuid_e = escape(uuid);
    // Only a credential that stands invites sharing: the others get no
    // share image, no LinkedIn link, and ask search engines to skip them.
    let shareable = verdict == Verdict::Valid;
    let meta = if shareable {
        format!(
            "<meta property=\"og:title\" content=\"{cert} — {holder}\"><meta property=\"og:description\" content=\"{sub_e} Issued by {issuer_e}.\">\
<meta property=\"og:image\" content=\"{og_e}\"><meta property=\"og:image:width\" content=\"1200\"><meta property=\"og:image:height\" content=\"627\">\
<meta property=\"og:url\" content=\"{page_e}\"><meta property=\"og:type\" content=\"website\">\
<meta name=\"twitter:card\" content=\"summary_large_image\"><meta name=\"twitter:title\" content=\"{cert} — {holder}\"><meta name=\"twitter:image\" content=\"{og_e}\">",
            sub_e = escape(&sub),
            issuer_e = escape(issuer_name),
            og_e = escape(&og),
            page_e = escape(&page_url),
        )
    } else {
        format!(
            "<meta name=\"robots\" content=\"noindex\"><meta property=\"og:title\" content=\"{label}: {cert} — {holder}\">\
<meta property=\"og:description\" content=\"{sub_e}\"><meta name=\"twitter:card\" content=\"summary\">",
            label = verdict.label(),
            sub_e = escape(&sub),
        )
    };
    let downloads = format!(
        "<a href=\"/credentials/{uuid_e}/badge.png\" download>Badge (PNG)</a><a href=\"/credentials/{uuid_e}/badge.svg\" download>Badge (SVG)</a>\
<a href=\"/credentials/{uuid_e}\" type=\"application/vc\">Credential (JSON)</a>\
<a href=\"/v/{uuid_e}/receipt\" download id=\"receipt\">Download signed receipt</a>"
    );
    let links = if shareable {
        let linkedin = linkedin_url(
            cert_name,
            parts.linkedin_organization_id.as_deref(),
            issuer_name,
            &rec.valid_from,
            rec.valid_until.as_deref(),
            &page_url,
            uuid,
        );
        format!(
            "<section class=\"card links\" id=\"links\"><h2>Download and share</h2>{downloads}<a href=\"{linkedin_e}\" rel=\"noopener\" id=\"linkedin\">Add to LinkedIn</a>\
<details><summary>Add to LinkedIn by hand</summary><dl><dt>Name</dt><dd>{cert}</dd><dt>Issuing organization</dt><dd>{issuer_e}</dd>\
<dt>Issue date</dt><dd>{issued}</dd><dt>Expiration date</dt><dd>{expires_e}</dd><dt>Credential ID</dt><dd><code>{uuid_e}</code></dd><dt>Credential URL</dt><dd>{page_w}</dd></dl></details></section>",
            linkedin_e = escape(&linkedin),
            issuer_e = escape(issuer_name),
            issued = escape(&issued),
            expires_e = escape(&expires),
            page_w = wrap_id(&page_url),
        )
    } else {
        format!(
            "<section class=\"card links\" id=\"links\"><h2>Downloads</h2>{downloads}</section>"
        )
    };
    let main = format!(
        "<section class=\"verdict {class}\" id=\"verdict\"><h1>{verdict_label}</h1><p>{sub_e}</p></section>{notice}\
<section class=\"card\"><img class=\"badge\" src=\"/credentials/{uuid_e}/badge.png\" alt=\"{cert} badge for {holder}\" width=\"600\" height=\"600\">\
<dl><dt>Holder</dt><dd id=\"holder\">{holder}</dd><dt>Certification</dt><dd><a href=\"{cert_href}\">{cert}</a></dd><dt>Issuer</dt><dd>{issuer_e}</dd>\
<dt>Issued</dt><dd>{issued}</dd><dt>Expires</dt><dd>{expires_e}</dd>{standing}</dl><p>{desc}</p></section>\
<section class=\"card\"><h2>Assessment results</h2><dl>{results}</dl></section>\
<section class=\"card\" id=\"checked\"><h2>What was checked</h2>{checks_html}{technical}</section>{links}",
        verdict_label = verdict.label(),
        class = verdict_class(verdict),
        sub_e = escape(&sub),
        cert_href = escape(&format!("/certifications/{}", rec.certification)),
        issuer_e = escape(issuer_name),
        issued = escape(&issued),
        expires_e = escape(&expires),
        desc = escape(&description),
    );
    let title = format!("{}: {cert_name} — {}", verdict.label(), rec.holder_name);
    respond(
        StatusCode::OK,
        document(&title, &meta, Some(&parts.profile.name), &main),
    )
}

/// What the page of a generic credential shows besides the document.
struct GenericFacts<'a> {
    verdict: Verdict,
    issuer_name: &'a str,
    issued: &'a str,
    expires: &'a str,
    since: Option<&'a str>,
    checks_html: &'a str,
    technical: &'a str,
}

/// A generic credential's display name: its `name` read as every name on
/// the page is ([`display_text`], VCDM 2.0 §4.6, §11.1), else its most
/// specific type.
fn generic_name(doc: &Value) -> String {
    display_text(&doc["name"], Some(DISPLAY_LANG))
        .or_else(|| match &doc["type"] {
            Value::Array(types) => types.last().and_then(Value::as_str).map(str::to_owned),
            Value::String(t) => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "Credential".to_owned())
}

/// The verification page of a credential issued over VC-API from a
/// client's document: the verdict, the credential's name, issuer and
/// dates, and what was checked. No badge, results or sharing links: those
/// belong to certifications. Never indexed.
fn generic_credential_page(
    doc: &Value,
    id: &str,
    facts: &GenericFacts<'_>,
    site_issuer: &str,
) -> Response {
    let name = generic_name(doc);
    let sub = verdict_sentence(
        facts.verdict,
        "credential",
        facts.since,
        facts.expires,
        false,
    );
    let uuid = escape(public_id(id));
    let main = format!(
        "<section class=\"verdict {class}\" id=\"verdict\"><h1>{label}</h1><p>{sub}</p></section>\
<section class=\"card\"><dl><dt>Credential</dt><dd id=\"credential-name\">{name}</dd><dt>Issuer</dt><dd>{issuer}</dd>\
<dt>Issued</dt><dd>{issued}</dd><dt>Expires</dt><dd>{expires}</dd></dl></section>\
<section class=\"card\" id=\"checked\"><h2>What was checked</h2>{checks}{technical}</section>\
<section class=\"card links\" id=\"links\"><h2>Downloads</h2><a href=\"/credentials/{uuid}\" type=\"application/vc\">Credential (JSON)</a>\
<a href=\"/v/{uuid}/receipt\" download id=\"receipt\">Download signed receipt</a></section>",
        class = verdict_class(facts.verdict),
        label = facts.verdict.label(),
        sub = escape(&sub),
        name = escape(&name),
        issuer = escape(facts.issuer_name),
        issued = escape(facts.issued),
        expires = escape(facts.expires),
        checks = facts.checks_html,
        technical = facts.technical,
    );
    let title = format!("{}: {name}", facts.verdict.label());
    respond(
        StatusCode::OK,
        document(
            &title,
            "<meta name=\"robots\" content=\"noindex\">",
            Some(site_issuer),
            &main,
        ),
    )
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

fn simple_page(title: &str, text: &str, issuer: Option<&str>) -> String {
    let main = format!(
        "<section class=\"verdict neutral\" id=\"verdict\"><h1>{}</h1><p>{}</p></section>",
        escape(title),
        escape(text)
    );
    document(title, "", issuer, &main)
}

/// What the page says under NOT FOUND.
const NOT_FOUND_TEXT: &str = "No certification with this id was issued here.";

/// The 404 page for an id this issuer never issued: its verdict is the one
/// the verification API reports for the same id ([`Check::not_issued_here`]),
/// and what to do next: check the link, paste the id on the home page,
/// contact the issuer.
fn not_found(id: &str, issuer: Option<&crate::issuance::IssuerProfile>) -> Response {
    let verdict = Verdict::of(&[Check::not_issued_here(&super::dto::full_id(id))]);
    let who = issuer.map_or("the issuer", |p| p.name.as_str());
    let contact = match issuer.and_then(|p| p.url.as_deref()) {
        Some(url) => format!(
            "<a href=\"{}\" rel=\"noopener\">{}</a>",
            escape(url),
            escape(who)
        ),
        None => escape(who),
    };
    let main = format!(
        "<section class=\"verdict neutral\" id=\"verdict\"><h1>{label}</h1><p>{text}</p></section>\
<section class=\"card\" id=\"next\"><h2>What to do next</h2><ul>\
<li>Check the link: compare it with the one you were given, or scan the badge's QR code again.</li>\
<li>Paste the credential id or link here, or on the <a href=\"/\">verification home page</a> of {who_e}:</li></ul>{form}\
<ul><li>Still not found? Contact {contact}, who issues these certifications, and give them the link you were sent.</li></ul></section>",
        label = verdict.label(),
        text = escape(NOT_FOUND_TEXT),
        who_e = escape(who),
        form = layout::lookup_form(id),
    );
    respond_with_csp(
        StatusCode::NOT_FOUND,
        document(
            verdict.label(),
            "<meta name=\"robots\" content=\"noindex\">",
            issuer.map(|p| p.name.as_str()),
            &main,
        ),
        layout::CSP_WITH_FORM,
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

/// The sentence under the verdict: what it means for this `noun`
/// (`certification` or `credential`), since when a revocation or
/// suspension holds, when it expired, or that it was `replaced` by a
/// correction.
fn verdict_sentence(
    verdict: Verdict,
    noun: &str,
    since: Option<&str>,
    expires: &str,
    replaced: bool,
) -> String {
    let since_words = since.map(|s| format!(" on {}", day(s))).unwrap_or_default();
    match verdict {
        Verdict::Valid => format!("This {noun} is genuine and current."),
        Verdict::Revoked if replaced => {
            format!("The issuer replaced this credential with a corrected one{since_words}.")
        }
        Verdict::Revoked => format!("The issuer revoked this {noun}{since_words}."),
        Verdict::Suspended => format!("The issuer suspended this {noun}{since_words}."),
        Verdict::Expired => format!("This {noun} expired on {expires}."),
        Verdict::Invalid => "This credential did not pass verification.".to_owned(),
        Verdict::NotFound => NOT_FOUND_TEXT.to_owned(),
        Verdict::Unknown => {
            "Its status could not be checked right now; try again in a moment.".to_owned()
        }
    }
}

/// How close to `validUntil` the page tells the holder how to renew.
pub const RENEWAL_NOTICE_DAYS: i64 = 30;

/// For a current certification that expires within
/// [`RENEWAL_NOTICE_DAYS`]: when, and how to renew (the catalog's
/// `renewal` text), or a link to the renewal already issued.
async fn renewal_notice(
    state: &AppState,
    parts: &super::IssuerParts,
    rec: &crate::store::CredentialRecord,
    now: chrono::DateTime<chrono::Utc>,
    issuer_name: &str,
) -> String {
    let Some(until) = rec
        .valid_until
        .as_deref()
        .and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok())
    else {
        return String::new();
    };
    let left = until.to_utc() - now;
    if left <= chrono::Duration::zero() || left > chrono::Duration::days(RENEWAL_NOTICE_DAYS) {
        return String::new();
    }
    let on = escape(&day(rec.valid_until.as_deref().unwrap_or_default()));
    let renewal = state.store.successors(&rec.id).await.ok().and_then(|s| {
        s.into_iter().find(|n| {
            n.renews.as_deref() == Some(rec.id.as_str())
                && !crate::issuance::claims::is_wallet_copy(n)
        })
    });
    if let Some(next) = renewal {
        return format!(
            "<section class=\"card notice\" id=\"renewal\"><p>This certification expires on {on}; it has been renewed. \
<a href=\"/v/{u}\">View the renewed credential</a>.</p></section>",
            u = escape(public_id(&next.id)),
        );
    }
    let days = match left.num_days() {
        0 => "less than a day".to_owned(),
        1 => "1 day".to_owned(),
        n => format!("{n} days"),
    };
    let how = parts
        .catalog
        .get(&rec.certification)
        .and_then(|c| c.renewal.clone())
        .unwrap_or_else(|| format!("To renew it, contact {issuer_name}."));
    format!(
        "<section class=\"card notice\" id=\"renewal\"><h2>Expires in {days}</h2><p>This certification expires on {on}.</p><p>{how}</p></section>",
        how = escape(&how),
    )
}

/// Verifies a stored credential as its public page does (this issuer's
/// keys and own status lists, at `now`): the report, and the document
/// parsed once (`Null` when it no longer parses). The console shows the
/// same verdict through this function.
pub(crate) async fn stored_report(
    state: &AppState,
    parts: &super::IssuerParts,
    rec: &crate::store::CredentialRecord,
    now: chrono::DateTime<chrono::Utc>,
) -> (verification::Report, Value) {
    let lists = crate::issuance::revocation::OwnStatusLists::new(
        state.store.as_ref(),
        &parts.public_url,
        None,
    )
    .with_shared_versions(&state.list_versions);
    let resolver = state.key_ring.resolver();
    let cx = VerifyContext::new(resolver.as_ref(), now).with_status(&lists, &state.status_cache);
    // Parsed once, for the verification and for the page.
    let (report, doc): (verification::Report, Value) =
        match serde_json::from_str::<Value>(&rec.document) {
            Ok(doc) => (verification::verify_value(&doc, cx).await, doc),
            // A stored document that no longer parses: the report says so.
            Err(_) => (
                verification::verify_bytes(rec.document.as_bytes(), cx).await,
                Value::Null,
            ),
        };
    (report, doc)
}
