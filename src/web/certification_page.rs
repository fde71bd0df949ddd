//! `GET /certifications/{slug}`: the OB achievement `id` and criteria URL
//! of a certification. Browsers get an HTML page (criteria, the two
//! stages and pass marks, the lab's rubric, validity and renewal, the
//! badge art; `#criteria`, `#written`, `#lab`, `#lab-pass`, `#lab-fail`
//! land on their parts); `Accept: application/json` or
//! `application/ld+json` gets the OB 3.0 `Achievement` (OB 3.0 §B.1.1)
//! the credentials carry, with its `@context`. `GET
//! /certifications/{slug}/badge.png` is the achievement's `image`.

use super::layout::{asset, document, escape, respond, wrap_id};
use super::state::{AppState, IssuerParts};
use crate::catalog::Certification;
use crate::model::{ModelError, OB_CREDENTIAL_CONTEXTS, Profile, Uri};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// Side of the certification's badge image, in pixels.
pub const BADGE_PX: u32 = 600;

/// The JSON media type a client asks for, if any: `application/ld+json`
/// or `application/json`.
fn json_type(headers: &HeaderMap) -> Option<&'static str> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if accept.contains("application/ld+json") {
        Some("application/ld+json")
    } else if accept.contains("application/json") {
        Some("application/json")
    } else {
        None
    }
}

/// The OB 3.0 `Achievement` of `cert` as the credentials carry it (the
/// issuer profile as its `creator`), with the VC 2.0 and OB 3.0 contexts
/// so that it stands alone as JSON-LD.
///
/// # Errors
/// [`ModelError`] when the issuer's id or home page is not a URI (the
/// credentials could not be issued either).
pub fn achievement_json(cert: &Certification, parts: &IssuerParts) -> Result<Value, ModelError> {
    let mut creator = Profile::new(Uri::parse(&parts.profile.id)?, &parts.profile.name);
    creator.url = parts.profile.url.as_deref().map(Uri::parse).transpose()?;
    let achievement = cert.try_achievement(&parts.public_url, creator)?;
    let mut out = serde_json::Map::new();
    out.insert(
        "@context".into(),
        Value::from(OB_CREDENTIAL_CONTEXTS.to_vec()),
    );
    if let Value::Object(fields) = serde_json::to_value(&achievement).unwrap_or_default() {
        out.extend(fields);
    }
    Ok(Value::Object(out))
}

/// `GET /certifications/{slug}`.
#[utoipa::path(
    get,
    path = "/certifications/{slug}",
    tag = "verification",
    summary = "A certification: its page (HTML) or its OB Achievement (JSON)",
    description = "The `id` of the OB 3.0 `Achievement` in every credential of this \
certification, and (with `#criteria`) its criteria URL. `Accept: application/json` or \
`application/ld+json`: the `Achievement` JSON the credentials carry, with the VC 2.0 and OB 3.0 \
`@context`. Otherwise an HTML page: the criteria, the written assessment and its pass mark, the \
hands-on lab and its rubric, validity and renewal, and the badge art. `Vary: Accept`.",
    params(
        ("slug" = String, Path, description = "The certification's slug.",
            example = "gitlab-ci-cd-specialist"),
        ("Accept" = Option<String>, Header, description = "`application/json` or `application/ld+json` for the Achievement JSON."),
    ),
    responses(
        (status = 200, description = "The page or the Achievement.",
            headers(("Vary" = String, description = "`Accept`")),
            content((String = "text/html; charset=utf-8"), (Object = "application/ld+json"), (Object = "application/json"))),
        (status = 500, description = "The issuer's profile is not usable (JSON clients).",
            body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such certification (an HTML page listing the certifications, or problem JSON for a JSON client).",
            content((String = "text/html; charset=utf-8"), (crate::web::error::Problem = "application/problem+json"))),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn certification(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let json = json_type(&headers);
    let cert = state
        .issuer
        .as_deref()
        .and_then(|p| p.catalog.get(&slug).map(|c| (p, c)));
    let mut response = match (cert, json) {
        (Some((parts, cert)), Some(media)) => match achievement_json(cert, parts) {
            Ok(json) => (
                [
                    (header::CONTENT_TYPE, media),
                    (header::CACHE_CONTROL, "public, max-age=3600"),
                ],
                json.to_string(),
            )
                .into_response(),
            Err(e) => {
                let what = "the achievement could not be built";
                super::error::ApiError::titled(StatusCode::INTERNAL_SERVER_ERROR, what)
                    .caused_by(what, &e)
                    .into_response()
            }
        },
        (Some((parts, cert)), None) => respond(StatusCode::OK, page(cert, parts)),
        (None, Some(_)) => {
            super::error::ApiError::titled(StatusCode::NOT_FOUND, "no such certification")
                .into_response()
        }
        (None, None) => unknown(&state, &slug),
    };
    response
        .headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("Accept"));
    response
}

fn page(cert: &Certification, parts: &IssuerParts) -> String {
    let slug = escape(cert.slug.as_str());
    let name = escape(&cert.name);
    let code = cert
        .human_code
        .as_deref()
        .map(|h| format!(" <code>{}</code>", escape(h)))
        .unwrap_or_default();
    let w = &cert.written;
    let mut written_facts = format!(
        "Score at least <strong>{}%</strong>",
        escape(&cert.pass_mark_string())
    );
    match (w.question_count, w.duration_minutes) {
        (Some(q), Some(m)) => written_facts.push_str(&format!(": {q} questions in {m} minutes.")),
        (Some(q), None) => written_facts.push_str(&format!(": {q} questions.")),
        (None, Some(m)) => written_facts.push_str(&format!(" in {m} minutes.")),
        (None, None) => written_facts.push('.'),
    }
    let mut rubric = String::new();
    for r in &cert.lab.rubric {
        rubric.push_str(&format!(
            "<li id=\"rubric-{}\"><strong>{}</strong>: {}</li>",
            escape(&r.id),
            escape(&r.name),
            escape(&r.description)
        ));
    }
    let months = cert.validity_months;
    let achievement_id = cert.achievement_id(&parts.public_url);
    let main = format!(
        "<section class=\"card\" id=\"about\"><h1>{name}{code}</h1>\
<img class=\"badge\" src=\"/certifications/{slug}/badge.png\" alt=\"{name} badge\" width=\"{px}\" height=\"{px}\">\
<p>{desc}</p><dl><dt>Issued by</dt><dd>{issuer}</dd><dt>Type</dt><dd>{kind}</dd>\
<dt>Achievement id</dt><dd><code>{aid}</code></dd></dl></section>\
<section class=\"card\" id=\"criteria\"><h2>How to earn it</h2>\
<p>Pass both stages, the written assessment first and then the hands-on lab.</p>\
<section id=\"written\"><h3>1. {wname}</h3><p>{written_facts}</p></section>\
<section id=\"lab\"><h3>2. {lname}</h3><p>{ldesc}</p>\
<p>What the lab checks (graded pass or fail; a pass needs every criterion met):</p><ul>{rubric}</ul>\
<ul class=\"checks\"><li id=\"lab-pass\"><span class=\"mark ok\" aria-hidden=\"true\">✓</span><span><strong>Pass</strong>: every rubric criterion is met.</span></li>\
<li id=\"lab-fail\"><span class=\"mark bad\" aria-hidden=\"true\">✗</span><span><strong>Fail</strong>: at least one rubric criterion is not met.</span></li></ul></section></section>\
<section class=\"card\" id=\"validity\"><h2>Validity and renewal</h2>\
<p>A credential is valid for {months} months from its date of issue; its page says EXPIRED after that. \
The issuer can renew it: the renewal is a new credential for the same holder and results, valid for another \
{months} months, and the earlier credential's page links to it. A revoked or suspended credential is no \
longer valid; its page says since when.</p></section>\
<section class=\"card\" id=\"signed-criteria\"><details><summary>The criteria as signed into each credential</summary>\
<pre>{narrative}</pre></details></section>\
<p><a href=\"/\">All certifications by {issuer}</a></p>",
        px = BADGE_PX,
        desc = escape(&cert.description),
        issuer = escape(&parts.profile.name),
        kind = escape(cert.achievement_type.as_str()),
        aid = wrap_id(&achievement_id),
        wname = escape(&w.name),
        lname = escape(&cert.lab.name),
        ldesc = escape(&cert.lab.description),
        narrative = escape(&cert.criteria_narrative),
    );
    document(&cert.name, "", Some(&parts.profile.name), &main)
}

/// The 404 page for an unknown slug: it lists the certifications.
fn unknown(state: &AppState, slug: &str) -> Response {
    let parts = state.issuer.as_deref();
    let mut list = String::new();
    for c in parts.into_iter().flat_map(|p| &p.catalog) {
        list.push_str(&format!(
            "<li><a href=\"/certifications/{}\">{}</a></li>",
            escape(c.slug.as_str()),
            escape(&c.name)
        ));
    }
    let main = format!(
        "<section class=\"verdict neutral\" id=\"verdict\"><h1>NOT FOUND</h1>\
<p>There is no certification “{}” here.</p></section>\
<section class=\"card\" id=\"certifications\"><h2>The certifications</h2><ul>{list}</ul></section>",
        escape(slug)
    );
    let issuer = parts.map(|p| p.profile.name.as_str());
    respond(
        StatusCode::NOT_FOUND,
        document("No such certification", "", issuer, &main),
    )
}

/// `GET /certifications/{slug}/badge.png`.
#[utoipa::path(
    get,
    path = "/certifications/{slug}/badge.png",
    operation_id = "certification_badge",
    tag = "verification",
    summary = "A certification's badge image (the Achievement's `image`)",
    description = "The certification's badge art as a 600×600 PNG, without a holder; its QR code \
opens the certification's page. Cacheable for a day.",
    params(
        ("slug" = String, Path, description = "The certification's slug.",
            example = "gitlab-ci-cd-specialist"),
    ),
    responses(
        (status = 200, description = "The image.", content_type = "image/png",
            headers(("Cache-Control" = String, description = "`public, max-age=86400`"))),
        (status = 404, description = "No such certification.",
            body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 500, description = "The image could not be rendered.",
            body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn certification_badge(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, super::error::ApiError> {
    let Some((parts, cert)) = state
        .issuer
        .as_deref()
        .and_then(|p| p.catalog.get(&slug).map(|c| (p, c)))
    else {
        return Err(super::error::ApiError::titled(
            StatusCode::NOT_FOUND,
            "no such certification",
        ));
    };
    let png = badge_png(cert, &parts.public_url)?;
    Ok(asset("image/png", png))
}

/// The certification's badge without a holder: "ISSUED ON PASSING", the
/// validity period in place of an expiry date, and a QR code to the
/// certification's page.
pub fn badge_png(
    cert: &Certification,
    public_url: &str,
) -> Result<Vec<u8>, crate::render::error::RenderError> {
    use crate::render::badge::{BadgeData, BadgeStatus, badge_svg};
    let data = BadgeData {
        certification_name: cert.name.clone(),
        holder_name: String::new(),
        issued_on: "on passing".to_owned(),
        expires_on: Some(format!("{} months later", cert.validity_months)),
        verify_url: cert.achievement_id(public_url),
        status: BadgeStatus::Valid,
    };
    crate::render::png::render_png(&badge_svg(&cert.design(), &data)?, BADGE_PX)
}
