//! The dashboard, the audit log and the tokens pages.

use super::{Console, CsrfForm, Refusal, redirect, respond, shell};
use crate::issuance::checkpoints::verify_log;
use crate::issuance::stamp;
use crate::issuance::tokens::Scope;
use crate::web::layout::{escape, moment};
use crate::web::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike as _;

pub(super) fn console_issuer(state: &AppState) -> Result<crate::issuance::Issuer<'_>, Refusal> {
    state
        .issuer()
        .ok_or_else(|| Refusal::Page(StatusCode::NOT_FOUND, "this server does not issue".into()))
}

pub(super) fn console_unavailable(e: impl std::fmt::Display) -> Refusal {
    tracing::warn!(error = %e, "console: the database could not be read");
    Refusal::Page(
        StatusCode::SERVICE_UNAVAILABLE,
        "the database cannot be read right now; try again in a moment".into(),
    )
}

/// `GET /admin`: the dashboard (a grader is sent to the lab page).
pub async fn dashboard(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, Refusal> {
    if console.admin_only().is_err() {
        return Ok(redirect("/admin/lab"));
    }
    let issuer = console_issuer(&state)?;
    let now = issuer.clock.now();
    let month_start = format!("{:04}-{:02}-01T00:00:00Z", now.year(), now.month());
    let counts = issuer
        .store
        .credential_counts(&stamp(now), &month_start)
        .await
        .map_err(console_unavailable)?;
    let expiring = issuer
        .expiring(60, &console.0.actor)
        .await
        .map_err(console_unavailable)?
        .len();
    let (head, _) = issuer
        .store
        .audit_head()
        .await
        .map_err(console_unavailable)?;
    let latest = issuer
        .store
        .audit_entries((head - 8).max(0), 8)
        .await
        .map_err(console_unavailable)?;
    let mut by_cert = String::new();
    for c in issuer.catalog {
        let n = counts
            .issued_since
            .iter()
            .find(|(slug, _)| slug == c.slug.as_str())
            .map_or(0, |(_, n)| *n);
        by_cert.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{n}</td></tr>",
            escape(&c.name)
        ));
    }
    let audit_rows: String = latest
        .iter()
        .rev()
        .map(|e| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e.seq,
                escape(&moment(&e.at)),
                escape(&e.actor),
                escape(&e.action)
            )
        })
        .collect();
    let main = format!(
        "<h1>Dashboard</h1>\
<ul class=\"tiles\"><li><span class=\"n\" id=\"count-active\">{a}</span> active</li>\
<li><span class=\"n\" id=\"count-expiring\">{x}</span> expiring in 60 days</li>\
<li><span class=\"n\" id=\"count-suspended\">{s}</span> suspended</li>\
<li><span class=\"n\" id=\"count-revoked\">{r}</span> revoked</li></ul>\
<h2>Issued this month</h2><table><thead><tr><th scope=\"col\">Certification</th><th scope=\"col\">Issued</th></tr></thead><tbody>{by_cert}</tbody></table>\
<h2>Latest audit entries</h2><table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">What</th></tr></thead><tbody>{audit_rows}</tbody></table>\
<p><a href=\"/admin/audit\">The whole audit log</a></p>",
        a = counts.active,
        x = expiring,
        s = counts.suspended,
        r = counts.revoked,
    );
    Ok(respond(
        StatusCode::OK,
        shell("Dashboard", Some(&console), &main),
    ))
}

/// Page of the audit log.
#[derive(Debug, serde::Deserialize)]
pub struct AuditQuery {
    /// Entries after this sequence number.
    pub after: Option<i64>,
}

const AUDIT_PAGE: i64 = 50;

/// `GET /admin/audit`: the chain's state (as `rosette audit verify`
/// reports it), then the entries, oldest first, 50 a page.
pub async fn audit(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<AuditQuery>,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let verdict = match verify_log(issuer.store, &[])
        .await
        .map_err(console_unavailable)?
    {
        Ok(intact) => format!(
            "<p class=\"ok\" id=\"chain\">Audit log intact: {} entries, head {} <code>{}</code>; it extends the {} stored checkpoint(s).</p>",
            intact.entries,
            intact.head.0,
            escape(&intact.head.1),
            intact.checkpoints.1
        ),
        Err(broken) => format!(
            "<p class=\"error\" role=\"alert\" id=\"chain\">Audit log BROKEN: {}</p>",
            escape(&broken.to_string())
        ),
    };
    let after = q.after.unwrap_or(0).max(0);
    let entries = issuer
        .store
        .audit_entries(after, AUDIT_PAGE)
        .await
        .map_err(console_unavailable)?;
    let rows: String = entries
        .iter()
        .map(|e| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"id\">{}</td><td><code>{}</code></td></tr>",
                e.seq,
                escape(&moment(&e.at)),
                escape(&e.actor),
                escape(&e.action),
                escape(&e.subject),
                escape(&e.details)
            )
        })
        .collect();
    let next = match entries.last() {
        Some(last) if entries.len() as i64 == AUDIT_PAGE => {
            format!(
                "<p><a href=\"/admin/audit?after={}\" rel=\"next\">Next entries</a></p>",
                last.seq
            )
        }
        _ => String::new(),
    };
    let main = format!(
        "<h1>Audit log</h1>{verdict}<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">When</th><th scope=\"col\">Who</th>\
<th scope=\"col\">What</th><th scope=\"col\">Subject</th><th scope=\"col\">Details</th></tr></thead><tbody>{rows}</tbody></table>{next}"
    );
    Ok(respond(
        StatusCode::OK,
        shell("Audit log", Some(&console), &main),
    ))
}

fn tokens_page(
    console: &Console,
    tokens: &[crate::store::TokenRecord],
    created: Option<(&str, &str)>,
    error: Option<&str>,
) -> String {
    let shown = created
        .map(|(name, secret)| {
            format!(
                "<section class=\"card notice\" id=\"new-token\"><p>Token for {} — copy it now, it is shown only once:</p><p><code>{}</code></p></section>",
                escape(name),
                escape(secret)
            )
        })
        .unwrap_or_default();
    let error = error
        .map(|m| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"name-error\">{}</p>",
                escape(m)
            )
        })
        .unwrap_or_default();
    let rows: String = tokens
        .iter()
        .map(|t| {
            let action = if t.revoked_at.is_none() {
                format!(
                    "<form method=\"post\" action=\"/admin/tokens/{id}/revoke\">{csrf}<button type=\"submit\">Revoke</button></form>",
                    id = escape(&t.id),
                    csrf = console.csrf_field()
                )
            } else {
                format!("revoked {}", escape(&moment(t.revoked_at.as_deref().unwrap_or(""))))
            };
            format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
                escape(&t.id),
                escape(&t.name),
                escape(&t.scope),
                escape(&moment(&t.created_at))
            )
        })
        .collect();
    format!(
        "<h1>Tokens</h1>{shown}<h2>Create a token</h2>{error}\
<form method=\"post\" action=\"/admin/tokens\" class=\"console-form\">{csrf}\
<label for=\"name\">Name (a person or a system; a grader token: the grader's e-mail)</label><input id=\"name\" name=\"name\" required maxlength=\"100\">\
<label for=\"scope\">Scope</label><select id=\"scope\" name=\"scope\"><option value=\"admin\">admin</option><option value=\"grader\">grader</option><option value=\"issuer\">issuer</option></select>\
<button type=\"submit\">Create</button></form>\
<h2>All tokens</h2><table><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Name</th><th scope=\"col\">Scope</th><th scope=\"col\">Created</th><th scope=\"col\"><span class=\"visually-hidden\">Action</span></th></tr></thead><tbody>{rows}</tbody></table>",
        csrf = console.csrf_field()
    )
}

/// `GET /admin/tokens`.
pub async fn tokens(State(state): State<AppState>, console: Console) -> Result<Response, Refusal> {
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let list = issuer.store.tokens().await.map_err(console_unavailable)?;
    Ok(respond(
        StatusCode::OK,
        shell(
            "Tokens",
            Some(&console),
            &tokens_page(&console, &list, None, None),
        ),
    ))
}

/// The token form.
#[derive(Debug, serde::Deserialize)]
pub struct TokenForm {
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
    /// What the token is for.
    #[serde(default)]
    pub name: String,
    /// `admin`, `grader` or `issuer`.
    #[serde(default)]
    pub scope: String,
}

/// `POST /admin/tokens`: creates a token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    console: Console,
    axum::Form(form): axum::Form<TokenForm>,
) -> Result<Response, Refusal> {
    console.check_csrf(&form.csrf)?;
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let scope = Scope::parse(&form.scope).ok_or_else(|| {
        Refusal::Page(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("scope {:?} is not admin, grader or issuer", form.scope),
        )
    })?;
    let result = issuer
        .create_token(&form.name, scope, &console.0.actor)
        .await;
    let list = issuer.store.tokens().await.map_err(console_unavailable)?;
    let (status, body) = match &result {
        Ok((token, secret)) => (
            StatusCode::CREATED,
            tokens_page(&console, &list, Some((&token.name, secret)), None),
        ),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            tokens_page(&console, &list, None, Some(&e.to_string())),
        ),
    };
    Ok(respond(status, shell("Tokens", Some(&console), &body)))
}

/// `POST /admin/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response, Refusal> {
    console.check_csrf(&form.csrf)?;
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    issuer
        .revoke_token(&id, &console.0.actor)
        .await
        .map_err(|e| Refusal::Page(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    Ok(redirect("/admin/tokens"))
}
