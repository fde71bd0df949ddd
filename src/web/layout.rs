//! What every HTML page shares: escaping, the security headers, the
//! document shell with the issuer's name in its header, the stylesheet,
//! the one date format, and ids that wrap only after `:`, `/` or `#`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// A long id (DID, URL, `urn:uuid:…`) escaped for element content, with a
/// `<wbr>` after each `:`, `/` and `#` so that it wraps there and never
/// inside a token.
pub fn wrap_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 32);
    for c in id.chars() {
        push_escaped(&mut out, c);
        if matches!(c, ':' | '/' | '#') {
            out.push_str("<wbr>");
        }
    }
    out
}

/// The one date format of the pages, "25 Nov 2026", from an RFC 3339
/// timestamp (a string that is not one shows its first ten characters).
pub fn day(stamp: &str) -> String {
    crate::issuance::badge_data::display_date(stamp)
}

/// "25 Nov 2026 at 12:00 UTC": a moment, the only place a page says UTC.
pub fn moment(stamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .map(|d| {
            d.with_timezone(&chrono::Utc)
                .format("%-d %b %Y at %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| day(stamp))
}

/// The Content-Security-Policy of pages without a form: no scripts, no
/// form submission, no framing.
pub const CSP: &str = "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// [`CSP`] for a page with a form that submits to this server.
pub const CSP_WITH_FORM: &str = "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Headers every page carries: a strict CSP (no scripts at all), no
/// framing, no sniffing, no referrer leaks, and revalidation on every
/// view (a verdict must never come from a stale cache).
pub const PAGE_HEADERS: [(header::HeaderName, &str); 6] = [
    (header::CACHE_CONTROL, "no-cache"),
    (header::CONTENT_SECURITY_POLICY, CSP),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
];

/// An HTML response with [`PAGE_HEADERS`] (the CSP replaced by `csp`).
pub fn respond_with_csp(status: StatusCode, body: String, csp: &'static str) -> Response {
    let mut response = (status, body).into_response();
    for (name, value) in PAGE_HEADERS {
        let value = if name == header::CONTENT_SECURITY_POLICY {
            csp
        } else {
            value
        };
        response
            .headers_mut()
            .insert(name, header::HeaderValue::from_static(value));
    }
    response
}

/// An HTML response with [`PAGE_HEADERS`].
pub fn respond(status: StatusCode, body: String) -> Response {
    respond_with_csp(status, body, CSP)
}

/// A whole page: `title` (escaped here), extra `<head>` markup, a header
/// with the issuer's name linking to the home page (`/`), and `main`.
pub fn document(title: &str, head: &str, issuer: Option<&str>, main: &str) -> String {
    let brand = match issuer {
        Some(name) => format!(
            "<header class=\"brand\"><a href=\"/\"><img src=\"/assets/icon.svg\" alt=\"\" width=\"28\" height=\"28\"><span id=\"issuer-name\">{}</span></a></header>",
            escape(name)
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{t}</title>{head}<link rel=\"stylesheet\" href=\"/assets/rosette.css\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"/assets/icon.svg\"></head>\
<body>{brand}<main>{main}</main></body></html>",
        t = escape(title),
    )
}

/// Where the credential lookup form submits (a GET, no JavaScript; the
/// route `GET /lookup`, `home::lookup`).
pub const LOOKUP_PATH: &str = "/lookup";

/// The form to paste a credential id or link into, `value` prefilled.
/// Pages that show it need [`CSP_WITH_FORM`].
pub fn lookup_form(value: &str) -> String {
    format!(
        "<form class=\"lookup\" method=\"get\" action=\"{LOOKUP_PATH}\" role=\"search\">\
<label for=\"lookup-id\" class=\"visually-hidden\">Credential id or link</label>\
<input id=\"lookup-id\" name=\"id\" type=\"text\" inputmode=\"url\" autocomplete=\"off\" spellcheck=\"false\" \
placeholder=\"urn:uuid:… or https://…/v/…\" value=\"{}\" required><button type=\"submit\">Verify</button></form>",
        escape(value)
    )
}

/// A static asset compiled into the binary, cacheable for a day.
pub fn asset(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// The pages' stylesheet, served at `/assets/rosette.css` (the CSP allows no inline style).
pub const STYLE: &str = "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f4f4f7;color:#1f1e24;line-height:1.45}\
main{max-width:640px;margin:0 auto;padding:16px}\
.brand{background:#fff;border-bottom:1px solid #e3e2e8}\
.brand a{display:flex;align-items:center;gap:10px;max-width:640px;margin:0 auto;padding:10px 16px;color:#1f1e24;text-decoration:none;font-weight:600}\
.verdict{color:#fff;border-radius:12px;padding:20px;text-align:center}\
.verdict h1{margin:0;font-size:40px;letter-spacing:2px}\
.verdict p{margin:6px 0 0;font-size:16px}\
.card{background:#fff;border-radius:12px;padding:16px 20px;margin-top:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
.notice{border-left:6px solid #6b4fbb}.notice p{margin:0}\
.card h2{font-size:15px;text-transform:uppercase;letter-spacing:1px;color:#6b6a75;margin:0 0 8px}\
dl{display:grid;grid-template-columns:fit-content(40%) minmax(0,1fr);gap:6px 16px;margin:0}\
dt{color:#6b6a75}dd{margin:0;min-width:0;overflow-wrap:break-word}\
img.badge{display:block;width:100%;max-width:320px;height:auto;margin:0 auto}\
ul{padding-left:20px;margin:0}li{margin:4px 0}\
ul.checks{list-style:none;padding:0}ul.checks li{display:flex;gap:8px}\
.mark{flex:none;font-weight:700;width:1.2em;text-align:center}\
details{margin-top:8px}#technical dl{grid-template-columns:minmax(0,1fr);gap:2px}#technical dd{margin-bottom:8px}summary{cursor:pointer;color:#1f75cb}\
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}\
a{color:#1f75cb}.links a{display:inline-block;margin:4px 12px 4px 0}\
form.lookup{display:flex;flex-wrap:wrap;gap:8px}form.lookup input{flex:1 1 240px;min-width:0;padding:8px;font-size:16px;border:1px solid #b9b8c2;border-radius:6px}\
form.lookup button{padding:8px 16px;font-size:16px;border:0;border-radius:6px;background:#6b4fbb;color:#fff}\
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\
pre{overflow-x:auto;background:#f4f4f7;padding:8px;border-radius:6px;margin:8px 0 0}\
.ok{color:#1a7f37}.bad{color:#c62828}.unk{color:#b35900}\
.valid{background:#1a7f37}.suspended{background:#b35900}.failed{background:#c62828}.neutral{background:#555}\
.console-nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px 14px;padding:0;margin:0 0 8px}\
.console-nav form{display:flex;gap:8px;align-items:center;justify-content:flex-end;margin-bottom:8px}\
.console table{display:block;overflow-x:auto;border-collapse:collapse;width:100%}\
.console th,.console td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e2e8;vertical-align:top}\
.console-form{display:flex;flex-direction:column;gap:6px;margin:8px 0}\
.console-form label,.console-form legend{font-weight:600}\
.console-form fieldset label{font-weight:400;margin-right:12px}\
.console-form input:not([type=radio]):not([type=checkbox]),.console-form select,.console-form textarea{flex:none;padding:8px;font-size:16px;border:1px solid #6e6d78;border-radius:6px;background:#fff}\
.console-form fieldset{border:1px solid #e3e2e8;border-radius:6px}\
.console-form button{align-self:flex-start}\
.console button,.console-nav button{padding:8px 16px;font-size:16px;border:0;border-radius:6px;background:#6b4fbb;color:#fff;cursor:pointer}\
.console-nav button{padding:4px 12px;font-size:14px}\
.console .danger button{background:#b3261e}\
.console .confirm{display:flex;gap:8px;align-items:center}\
.verdict-word{display:inline-block;font-weight:700;padding:4px 10px;border-radius:6px;background:#fff;border:2px solid #1f1e24}\
.field-error,.console .error{color:#b3261e;font-weight:600}\
.console .ok{color:#1a6b30}\
.tiles{list-style:none;display:flex;flex-wrap:wrap;gap:12px;padding:0}\
.tiles li{background:#fff;border-radius:12px;padding:12px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08);min-width:120px}\
.tiles .n{display:block;font-size:28px;font-weight:700}\
.wallet-qr svg{display:block;width:100%;max-width:240px;height:auto;margin:0 auto}\
a.wallet{display:block;text-align:center;padding:10px 16px;margin:8px 0;border-radius:6px;background:#6b4fbb;color:#fff;text-decoration:none;font-weight:600}\
a.wallet:focus-visible{outline:3px solid #1f75cb;outline-offset:2px}ol.steps{padding-left:20px;margin:0}ol.steps li{margin:6px 0}\
.console a:focus-visible,.console button:focus-visible,.console input:focus-visible,.console select:focus-visible,.console textarea:focus-visible,.console-nav a:focus-visible,.console-nav button:focus-visible{outline:3px solid #1f75cb;outline-offset:2px}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_break_only_after_separators_and_stay_escaped() {
        assert_eq!(
            wrap_id("did:web:a.example#k<1>"),
            "did:<wbr>web:<wbr>a.example#<wbr>k&lt;1&gt;"
        );
    }

    #[test]
    fn one_date_format_and_utc_said_once() {
        assert_eq!(day("2026-11-25T12:00:00Z"), "25 Nov 2026");
        assert_eq!(
            moment("2026-11-25T13:05:00+01:00"),
            "25 Nov 2026 at 12:05 UTC"
        );
        assert_eq!(moment("not a date"), "not a date");
    }

    #[test]
    fn the_form_csp_allows_only_this_server() {
        let r = respond_with_csp(StatusCode::OK, String::new(), CSP_WITH_FORM);
        let csp = r.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("form-action 'self'") && !csp.contains("script-src"));
    }
}
