//! `GET /`: the issuer's home page (who issues, its certifications, a box
//! to paste a credential id or link, how to verify with the API) and
//! `GET /lookup`, where that box submits: it sends a recognised id on to
//! the verification page.

use super::layout::{
    CSP_WITH_FORM, document, escape, lookup_form, respond, respond_with_csp, wrap_id,
};
use super::state::AppState;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `GET /`.
#[utoipa::path(
    get,
    path = "/",
    operation_id = "home_page",
    tag = "verification",
    summary = "The issuer's home page (HTML)",
    description = "Who issues (name and DID), the certifications it issues (each linking to its \
page), a form to paste a credential id or link (submitted to `/lookup`), and how to verify with \
the API. Server-rendered (no JavaScript).",
    responses(
        (status = 200, description = "The page.", body = String,
            content_type = "text/html; charset=utf-8"),
        (status = 404, description = "This server does not issue (an HTML page).", body = String,
            content_type = "text/html; charset=utf-8"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn home(State(state): State<AppState>) -> Response {
    let Some(parts) = state.issuer.as_deref() else {
        return not_issuing();
    };
    let name = escape(&parts.profile.name);
    let home_link = match &parts.profile.url {
        Some(url) => format!(
            "<dt>Website</dt><dd><a href=\"{}\" rel=\"noopener\">{}</a></dd>",
            escape(url),
            wrap_id(url)
        ),
        None => String::new(),
    };
    let mut certs = String::new();
    for c in &parts.catalog {
        let code = c
            .human_code
            .as_deref()
            .map(|h| format!(" <code>{}</code>", escape(h)))
            .unwrap_or_default();
        certs.push_str(&format!(
            "<li><a href=\"/certifications/{slug}\">{n}</a>{code}</li>",
            slug = escape(c.slug.as_str()),
            n = escape(&c.name),
        ));
    }
    let curl = format!(
        "curl -X POST {}/api/v1/verify -H 'Content-Type: application/json' --data @credential.json",
        parts.public_url.trim_end_matches('/')
    );
    let main = format!(
        "<section class=\"card\" id=\"issuer\"><h1>{name}</h1><p>{name} issues the certifications below as \
Open Badges 3.0 verifiable credentials, signed with its key. Anyone can check one here.</p>\
<dl><dt>Issuer</dt><dd>{name}</dd><dt>DID</dt><dd><code>{did}</code></dd>{home_link}</dl></section>\
<section class=\"card\" id=\"verify\"><h2>Verify a credential</h2>\
<p>Paste the credential's id (<code>urn:uuid:…</code>) or the link printed on the badge.</p>{form}</section>\
<section class=\"card\" id=\"certifications\"><h2>Certifications</h2><ul>{certs}</ul></section>\
<section class=\"card\" id=\"api\"><h2>Verify with the API</h2>\
<p>Send the credential's JSON to the verification API; the answer says VALID, REVOKED, SUSPENDED, \
EXPIRED or why not. See the <a href=\"/docs\">API reference</a>.</p><pre><code>{curl}</code></pre></section>",
        did = wrap_id(&parts.profile.id),
        form = lookup_form(""),
        curl = escape(&curl),
    );
    respond_with_csp(
        StatusCode::OK,
        document(&parts.profile.name, "", Some(&parts.profile.name), &main),
        CSP_WITH_FORM,
    )
}

/// The query of `GET /lookup`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Lookup {
    /// A credential id `urn:uuid:…`, a bare UUID, or a link to its page
    /// (`…/v/{uuid}`) or to the credential (`…/credentials/{uuid}`).
    #[serde(default)]
    pub id: String,
}

/// `GET /lookup?id=…`.
#[utoipa::path(
    get,
    path = "/lookup",
    tag = "verification",
    summary = "Find a credential's verification page from a pasted id or link",
    description = "Where the home page's form submits. A credential id `urn:uuid:…`, a bare UUID \
or a pasted link to `/v/{uuid}` or `/credentials/{uuid}` redirects (303) to `/v/{uuid}`; \
without `id`, the page with the form; anything else answers an HTML page that says which forms \
are accepted.",
    params(Lookup),
    responses(
        (status = 303, description = "The verification page.",
            headers(("Location" = String, description = "`/v/{uuid}`"))),
        (status = 200, description = "No `id` given: the page with the form.",
            body = String, content_type = "text/html; charset=utf-8"),
        (status = 400, description = "Not a credential id or link (an HTML page with the form).",
            body = String, content_type = "text/html; charset=utf-8"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn lookup(State(state): State<AppState>, Query(q): Query<Lookup>) -> Response {
    if let Some(uuid) = credential_uuid(&q.id) {
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/v/{uuid}"))],
        )
            .into_response();
    }
    let issuer = state.issuer.as_deref().map(|p| p.profile.name.as_str());
    let entered = q.id.trim();
    let (status, title, said) = if entered.is_empty() {
        (
            StatusCode::OK,
            "Find a credential",
            "Paste a credential id or link to see whether it is valid.".to_owned(),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            "Not a credential id",
            format!("“{entered}” is not a credential id or link."),
        )
    };
    let main = format!(
        "<section class=\"verdict neutral\" id=\"verdict\"><h1>{title}</h1><p>{said}</p></section>\
<section class=\"card\"><h2>What to paste</h2><ul>\
<li>The credential id, such as <code>urn:uuid:0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0abc</code> (or the UUID alone).</li>\
<li>The link printed on the badge or sent to you, ending in <code>/v/</code> and the UUID.</li></ul>{form}\
<p><a href=\"/\">Back to the home page</a></p></section>",
        said = escape(&said),
        form = lookup_form(entered),
    );
    respond_with_csp(status, document(title, "", issuer, &main), CSP_WITH_FORM)
}

/// The UUID (lower case) in a pasted credential id or link: `urn:uuid:…`,
/// a bare UUID, or a URL whose path is `…/v/{uuid}` or
/// `…/credentials/{uuid}…` (query and fragment ignored).
pub fn credential_uuid(input: &str) -> Option<String> {
    let text = input.trim();
    let candidate = if let Some(rest) = strip_prefix_ignore_case(text, "urn:uuid:") {
        rest
    } else if text.contains('/') {
        let path = text.split(['?', '#']).next().unwrap_or("");
        let mut segments = path.split('/');
        let mut found = None;
        while let Some(s) = segments.next() {
            if s == "v" || s == "credentials" {
                found = segments.next();
            }
        }
        found?
    } else {
        text
    };
    is_uuid(candidate).then(|| candidate.to_ascii_lowercase())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// 8-4-4-4-12 hexadecimal digits (RFC 9562 §4).
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The page of a server that only serves status lists.
fn not_issuing() -> Response {
    let main = "<section class=\"verdict neutral\" id=\"verdict\"><h1>NOT FOUND</h1>\
<p>This server publishes status lists only; it issues no certifications.</p></section>";
    respond(StatusCode::NOT_FOUND, document("Not found", "", None, main))
}

#[cfg(test)]
mod tests {
    use super::credential_uuid;

    #[test]
    fn pasted_ids_and_links_give_the_uuid() {
        let u = "0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0abc";
        for input in [
            u.to_owned(),
            format!("  urn:uuid:{u} "),
            format!("URN:UUID:{}", u.to_uppercase()),
            format!("https://certs.example.com/v/{u}"),
            format!("https://certs.example.com/v/{u}?utm=x#top"),
            format!("certs.example.com/credentials/{u}/badge.png"),
        ] {
            assert_eq!(credential_uuid(&input).as_deref(), Some(u), "{input}");
        }
        for input in [
            "",
            "hello",
            "urn:uuid:",
            "https://certs.example.com/",
            "https://certs.example.com/v/not-a-uuid",
            "0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0abcX",
            "0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0ab",
        ] {
            assert_eq!(credential_uuid(input), None, "{input}");
        }
    }
}
