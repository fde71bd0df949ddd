//! The admin console under `/admin`: server-rendered pages, no JavaScript,
//! a strict CSP (forms post to this origin only). A token (scope `admin` or
//! `grader`) is exchanged at sign-in for a session ([`crate::issuance::sessions`]);
//! its cookie is `HttpOnly`, `SameSite=Strict`, `Secure` over TLS, and
//! every form carries the session's CSRF token, checked on POST. Pages call
//! the same issuance functions as the CLI and the admin API, with the
//! token's actor, so every action is audited as it would be there. A grader
//! sees the lab-recording page only.

pub mod credentials;
pub mod jobs;
pub mod pages;
pub mod records;

use super::layout::{self, escape};
use super::state::AppState;
use crate::issuance::sessions::{ConsoleSession, SessionError, console_session, csrf_matches};
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

/// The session cookie's name.
pub const COOKIE: &str = "rosette_session";

/// The console's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(pages::dashboard))
        .route("/admin/sign-in", get(sign_in_page).post(sign_in))
        .route("/admin/sign-out", post(sign_out))
        .route("/admin/credentials", get(credentials::list))
        .route("/admin/credentials.csv", get(credentials::export))
        .route("/admin/credentials/{id}", get(credentials::show))
        .route("/admin/credentials/{id}/{action}", post(credentials::act))
        .route("/admin/candidates", get(records::candidates))
        .route("/admin/assessments/written", post(records::record_written))
        .route("/admin/lab", get(records::lab_page))
        .route("/admin/assessments/lab", post(records::record_lab))
        .route("/admin/issue", post(records::issue))
        .route("/admin/bulk", get(records::bulk_page).post(records::bulk))
        .route("/admin/bulk/jobs/{id}", get(jobs::job_page))
        .route("/admin/bulk/jobs/{id}/results.csv", get(jobs::job_results))
        .route("/admin/audit", get(pages::audit))
        .route(
            "/admin/tokens",
            get(pages::tokens).post(pages::create_token),
        )
        .route("/admin/tokens/{id}/revoke", post(pages::revoke_token))
}

/// A signed-in console user (an extractor): without a valid session, a
/// page request is sent to the sign-in page.
pub struct Console(pub ConsoleSession);

/// Why a console request is refused: sign in again, or an error page.
pub enum Refusal {
    /// No valid session: 303 to the sign-in page.
    SignIn,
    /// A page with this status and message.
    Page(StatusCode, String),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::SignIn => redirect("/admin/sign-in"),
            Refusal::Page(status, message) => respond(
                status,
                shell(
                    status.canonical_reason().unwrap_or("Refused"),
                    None,
                    &format!(
                        "<h1>{}</h1><p class=\"error\" role=\"alert\">{}</p><p><a href=\"/admin\">Back to the console</a></p>",
                        status.as_u16(),
                        escape(&message)
                    ),
                ),
            ),
        }
    }
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
}

impl FromRequestParts<AppState> for Console {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refusal> {
        let Some(secret) = session_cookie(&parts.headers) else {
            return Err(Refusal::SignIn);
        };
        let Some(issuer) = state.issuer.as_deref() else {
            return Err(Refusal::Page(
                StatusCode::NOT_FOUND,
                "this server does not issue".into(),
            ));
        };
        match console_session(state.store.as_ref(), &secret, issuer.clock.now()).await {
            Ok(s) => Ok(Console(s)),
            Err(SessionError::Unavailable(_)) => Err(Refusal::Page(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database cannot be reached right now; try again in a moment".into(),
            )),
            Err(_) => Err(Refusal::SignIn),
        }
    }
}

impl Console {
    /// Refuses a POST whose `csrf` field is not this session's token (403).
    pub fn check_csrf(&self, presented: &str) -> Result<(), Refusal> {
        if csrf_matches(&self.0, presented) {
            Ok(())
        } else {
            Err(Refusal::Page(
                StatusCode::FORBIDDEN,
                "this form is out of date or did not come from this console (CSRF check); reload the page and try again".into(),
            ))
        }
    }

    /// Refuses a grader (403): the page is for admins.
    pub fn admin_only(&self) -> Result<(), Refusal> {
        if crate::issuance::sessions::is_admin(&self.0) {
            Ok(())
        } else {
            Err(Refusal::Page(
                StatusCode::FORBIDDEN,
                "a grader token may only record lab results".into(),
            ))
        }
    }

    /// The hidden CSRF field every form carries.
    pub fn csrf_field(&self) -> String {
        format!(
            "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
            escape(&self.0.csrf)
        )
    }
}

/// 303 See Other to `to`.
pub fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// A console page: the strict CSP with forms to this origin, never cached.
pub fn respond(status: StatusCode, body: String) -> Response {
    let mut r = layout::respond_with_csp(status, body, layout::CSP_WITH_FORM);
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The console's page shell: navigation for the session's role, the
/// sign-out form, and `main`.
pub fn shell(title: &str, console: Option<&Console>, main: &str) -> String {
    shell_with_head(title, "", console, main)
}

/// [`shell`] with extra `<head>` markup (a page that reloads itself).
pub fn shell_with_head(title: &str, head: &str, console: Option<&Console>, main: &str) -> String {
    let nav = match console {
        Some(c) => {
            let links: &[(&str, &str)] = if crate::issuance::sessions::is_admin(&c.0) {
                &[
                    ("/admin", "Dashboard"),
                    ("/admin/candidates", "Candidates"),
                    ("/admin/lab", "Lab results"),
                    ("/admin/bulk", "Bulk issue"),
                    ("/admin/credentials", "Credentials"),
                    ("/admin/audit", "Audit log"),
                    ("/admin/tokens", "Tokens"),
                ]
            } else {
                &[("/admin/lab", "Lab results")]
            };
            let items: String = links
                .iter()
                .map(|(href, text)| format!("<li><a href=\"{href}\">{text}</a></li>"))
                .collect();
            format!(
                "<nav class=\"console-nav\" aria-label=\"Console\"><ul>{items}</ul>\
<form method=\"post\" action=\"/admin/sign-out\">{csrf}<span class=\"who\">{who}</span> <button type=\"submit\">Sign out</button></form></nav>",
                csrf = c.csrf_field(),
                who = escape(&c.0.token_name),
            )
        }
        None => String::new(),
    };
    layout::document(
        &format!("{title} — Rosette console"),
        &format!("<meta name=\"robots\" content=\"noindex\">{head}"),
        Some("Rosette console"),
        &format!("{nav}<div class=\"console\">{main}</div>"),
    )
}

/// The sign-in form's fields.
#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    /// An admin or grader token.
    pub token: String,
}

fn sign_in_form(message: Option<&str>) -> String {
    let error = message
        .map(|m| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"token-error\">{}</p>",
                escape(m)
            )
        })
        .unwrap_or_default();
    let described = if message.is_some() {
        " aria-describedby=\"token-error\" aria-invalid=\"true\""
    } else {
        ""
    };
    shell(
        "Sign in",
        None,
        &format!(
            "<h1>Sign in</h1><p>Paste an admin or grader token (made with <code>rosette tokens create</code>).</p>{error}\
<form method=\"post\" action=\"/admin/sign-in\" class=\"console-form\">\
<label for=\"token\">Token</label><input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required{described}>\
<button type=\"submit\">Sign in</button></form>"
        ),
    )
}

/// `GET /admin/sign-in`.
pub async fn sign_in_page() -> Response {
    respond(StatusCode::OK, sign_in_form(None))
}

/// `POST /admin/sign-in`: a valid token starts a session (303 to the
/// console); a wrong one costs the client's failed-attempt budget, as on
/// the admin API, and is answered 401 with the form again.
pub async fn sign_in(State(state): State<AppState>, req_parts: axum::extract::Request) -> Response {
    let ip = super::layers::client_ip(&req_parts, &state.trusted_proxies);
    if let Some(refused) = super::auth::failed_auth_refusal(&state, ip) {
        return refused;
    }
    let Some(issuer) = state.issuer() else {
        return Refusal::Page(StatusCode::NOT_FOUND, "this server does not issue".into())
            .into_response();
    };
    let form = match axum::Form::<SignInForm>::from_request(req_parts, &state).await {
        Ok(axum::Form(f)) => f,
        Err(_) => return respond(StatusCode::BAD_REQUEST, sign_in_form(Some("paste a token"))),
    };
    match issuer.sign_in(&form.token).await {
        Ok((_, secret)) => {
            let secure = if state.hsts { "; Secure" } else { "" };
            let max_age = crate::issuance::sessions::SESSION_MAX.num_seconds();
            let cookie = format!(
                "{COOKIE}={secret}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
            );
            let mut r = redirect("/admin");
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(SessionError::Unavailable(_)) => respond(
            StatusCode::SERVICE_UNAVAILABLE,
            sign_in_form(Some(
                "the database cannot be reached right now; try again in a moment",
            )),
        ),
        Err(e) => {
            super::auth::spend_failed_auth(&state, ip);
            let message = match e {
                SessionError::WrongScope => e.to_string(),
                SessionError::Revoked => "this token was revoked".to_owned(),
                _ => "this token is not valid".to_owned(),
            };
            respond(StatusCode::UNAUTHORIZED, sign_in_form(Some(&message)))
        }
    }
}

use axum::extract::FromRequest as _;

/// A form with only the CSRF field.
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    /// The session's CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// `POST /admin/sign-out`: ends the session and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    console: Console,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response, Refusal> {
    console.check_csrf(&form.csrf)?;
    if let Some(issuer) = state.issuer() {
        issuer.sign_out(&console.0).await.map_err(|e| {
            Refusal::Page(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("could not sign out: {e}"),
            )
        })?;
    }
    let mut r = redirect("/admin/sign-in");
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "rosette_session=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
    );
    Ok(r)
}
