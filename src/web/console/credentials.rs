//! Credentials in the console: the filtered, paginated list and its CSV
//! export, a credential's page (the verdict its public page computes, the
//! lineage, the badge) and the actions on it — renew, correct, suspend,
//! reinstate, revoke, create a wallet claim — each through the same
//! issuance function as the API.

use super::pages::{console_issuer, console_unavailable};
use super::{Console, Refusal, redirect, respond, shell};
use crate::issuance::badge_data::public_id;
use crate::issuance::revocation::{CredentialStatus, StatusChange};
use crate::store::{CredentialHit, CredentialSearch};
use crate::web::admin::credentials::ListQuery;
use crate::web::admin::views::view;
use crate::web::layout::{day, escape};
use crate::web::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The filters as the API validates them (one rule): a bad one is a 422 page.
fn search_of(
    query: &ListQuery,
    issuer: &crate::issuance::Issuer<'_>,
) -> Result<CredentialSearch, Refusal> {
    let mut search = query.search().map_err(|e| {
        Refusal::Page(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.problem().detail.unwrap_or_default(),
        )
    })?;
    search.now = Some(crate::issuance::stamp(issuer.clock.now()));
    Ok(search)
}

fn selected(current: Option<&str>, value: &str) -> &'static str {
    if current == Some(value) {
        " selected"
    } else {
        ""
    }
}

/// `GET /admin/credentials`: filter by certification, status, text and
/// issue dates; 50 a page; export the same selection as CSV.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(query): Query<ListQuery>,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let search = search_of(&query, &issuer)?;
    let hits = issuer
        .store
        .search_credentials(&search)
        .await
        .map_err(console_unavailable)?;
    let mut certs = String::from("<option value=\"\">All</option>");
    for c in issuer.catalog {
        certs.push_str(&format!(
            "<option value=\"{s}\"{sel}>{n}</option>",
            s = escape(c.slug.as_str()),
            sel = selected(query.certification.as_deref(), c.slug.as_str()),
            n = escape(&c.name)
        ));
    }
    let mut statuses = String::from("<option value=\"\">Any</option>");
    for s in ["active", "expired", "suspended", "revoked", "superseded"] {
        statuses.push_str(&format!(
            "<option value=\"{s}\"{}>{s}</option>",
            selected(query.status.as_deref(), s)
        ));
    }
    let v = |o: &Option<String>| escape(o.as_deref().unwrap_or(""));
    let rows: String = hits
        .iter()
        .map(|h| {
            let word = view(&issuer, h.record.clone(), None, CredentialStatus { revoked: h.revoked, suspended: h.suspended, since: None }).status;
            format!(
                "<tr><td><a href=\"/admin/credentials/{u}\">{name}</a></td><td>{email}</td><td>{cert}</td><td>{issued}</td><td>{until}</td><td class=\"status-{word}\">{word}</td></tr>",
                u = escape(public_id(&h.record.id)),
                name = escape(&h.record.holder_name),
                email = escape(&h.holder_email),
                cert = escape(&h.record.certification),
                issued = escape(&day(&h.record.issued_at)),
                until = escape(&h.record.valid_until.as_deref().map(day).unwrap_or_default()),
            )
        })
        .collect();
    let query_string = serde_urlencoded::to_string(&query).unwrap_or_default();
    let offset = search.offset;
    let mut pager = String::new();
    if offset > 0 {
        let prev = ListQuery {
            offset: Some((offset - search.limit).max(0)),
            ..query.clone()
        };
        pager.push_str(&format!(
            "<a href=\"/admin/credentials?{}\" rel=\"prev\">Previous page</a> ",
            escape(&serde_urlencoded::to_string(&prev).unwrap_or_default())
        ));
    }
    if hits.len() as i64 == search.limit {
        let next = ListQuery {
            offset: Some(offset + search.limit),
            ..query.clone()
        };
        pager.push_str(&format!(
            "<a href=\"/admin/credentials?{}\" rel=\"next\">Next page</a>",
            escape(&serde_urlencoded::to_string(&next).unwrap_or_default())
        ));
    }
    let main = format!(
        "<h1>Credentials</h1><form method=\"get\" action=\"/admin/credentials\" class=\"console-form filters\" role=\"search\">\
<label for=\"q\">Holder name or e-mail</label><input id=\"q\" name=\"q\" value=\"{q}\">\
<label for=\"certification\">Certification</label><select id=\"certification\" name=\"certification\">{certs}</select>\
<label for=\"status\">Status</label><select id=\"status\" name=\"status\">{statuses}</select>\
<label for=\"issued_from\">Issued from</label><input id=\"issued_from\" name=\"issued_from\" type=\"date\" value=\"{from}\">\
<label for=\"issued_to\">Issued to</label><input id=\"issued_to\" name=\"issued_to\" type=\"date\" value=\"{to}\">\
<button type=\"submit\">Filter</button></form>\
<p><a href=\"/admin/credentials.csv?{qs}\" download>Export this selection as CSV</a></p>\
<table id=\"credentials\"><thead><tr><th scope=\"col\">Holder</th><th scope=\"col\">E-mail</th><th scope=\"col\">Certification</th><th scope=\"col\">Issued</th><th scope=\"col\">Expires</th><th scope=\"col\">Status</th></tr></thead><tbody>{rows}</tbody></table>\
<p class=\"pager\">{pager}</p>",
        q = v(&query.q),
        from = v(&query.issued_from),
        to = v(&query.issued_to),
        qs = escape(&query_string),
    );
    Ok(respond(
        StatusCode::OK,
        shell("Credentials", Some(&console), &main),
    ))
}

/// A CSV cell that a spreadsheet will not run as a formula.
fn cell(text: &str) -> String {
    crate::issuance::bulk::inert_cell(text)
}

/// `GET /admin/credentials.csv`: every credential of the selection (all
/// pages), UTF-8 with a BOM, cells made inert for spreadsheets.
pub async fn export(
    State(state): State<AppState>,
    console: Console,
    Query(query): Query<ListQuery>,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let mut search = search_of(
        &ListQuery {
            limit: Some(500),
            offset: Some(0),
            ..query
        },
        &issuer,
    )?;
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = out.write_record([
        "id",
        "holder",
        "email",
        "certification",
        "issued_at",
        "valid_until",
        "status",
        "verification_url",
    ]);
    loop {
        let hits = issuer
            .store
            .search_credentials(&search)
            .await
            .map_err(console_unavailable)?;
        for CredentialHit {
            record,
            holder_email,
            revoked,
            suspended,
        } in &hits
        {
            let v = view(
                &issuer,
                record.clone(),
                None,
                CredentialStatus {
                    revoked: *revoked,
                    suspended: *suspended,
                    since: None,
                },
            );
            let _ = out.write_record([
                cell(&record.id),
                cell(&record.holder_name),
                cell(holder_email),
                cell(&record.certification),
                cell(&record.issued_at),
                cell(record.valid_until.as_deref().unwrap_or("")),
                v.status,
                cell(&v.verification_url),
            ]);
        }
        if (hits.len() as i64) < search.limit {
            break;
        }
        search.offset += search.limit;
    }
    let body = out.into_inner().unwrap_or_default();
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"credentials.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

fn link(id: &Option<String>, words: &str) -> String {
    id.as_deref()
        .map(|i| {
            format!(
                "<dt>{words}</dt><dd><a href=\"/admin/credentials/{u}\">{e}</a></dd>",
                u = escape(public_id(i)),
                e = escape(i)
            )
        })
        .unwrap_or_default()
}

/// `GET /admin/credentials/{id}`: the verdict as the public page computes
/// it, the record, its lineage, its badge, and the actions.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let Some(parts) = state.issuer.as_deref() else {
        return Err(Refusal::Page(
            StatusCode::NOT_FOUND,
            "this server does not issue".into(),
        ));
    };
    let issuer = console_issuer(&state)?;
    let full = crate::web::dto::full_id(&id);
    let Some(rec) = issuer
        .store
        .credential(&full)
        .await
        .map_err(console_unavailable)?
    else {
        return Err(Refusal::Page(
            StatusCode::NOT_FOUND,
            format!("no credential {full}"),
        ));
    };
    let (report, _) = crate::web::page::stored_report(&state, parts, &rec, parts.clock.now()).await;
    let successors = issuer
        .store
        .successors(&rec.id)
        .await
        .map_err(console_unavailable)?;
    let later: String = successors
        .iter()
        .map(|s| {
            let what = if s.replaces.as_deref() == Some(rec.id.as_str()) {
                "Corrected by"
            } else {
                "Renewed by"
            };
            link(&Some(s.id.clone()), what)
        })
        .collect();
    let u = escape(public_id(&rec.id));
    let csrf = console.csrf_field();
    let reason = |form: &str| {
        format!(
            "<label for=\"{form}-reason\">Reason (kept in the audit log only)</label><input id=\"{form}-reason\" name=\"reason\" required maxlength=\"2000\">"
        )
    };
    let action = |title: &str, body: String| {
        format!("<section class=\"card\"><h3>{title}</h3>{body}</section>")
    };
    let actions = [
        action("Renew", format!("<p>A new credential for the same results, valid from today.</p><form method=\"post\" action=\"/admin/credentials/{u}/renew\" class=\"console-form\">{csrf}<button type=\"submit\">Renew</button></form>")),
        action("Correct", format!("<form method=\"post\" action=\"/admin/credentials/{u}/correct\" class=\"console-form\">{csrf}<label for=\"correct-name\">Corrected holder name</label><input id=\"correct-name\" name=\"name\" required>{}<button type=\"submit\">Correct</button></form>", reason("correct"))),
        action("Suspend", format!("<form method=\"post\" action=\"/admin/credentials/{u}/suspend\" class=\"console-form\">{csrf}{}<button type=\"submit\">Suspend</button></form>", reason("suspend"))),
        action("Reinstate", format!("<form method=\"post\" action=\"/admin/credentials/{u}/reinstate\" class=\"console-form\">{csrf}{}<button type=\"submit\">Reinstate</button></form>", reason("reinstate"))),
        action("Revoke", format!("<p>Revocation is final.</p><form method=\"post\" action=\"/admin/credentials/{u}/revoke\" class=\"console-form danger\">{csrf}{}\
<div class=\"confirm\"><input id=\"revoke-confirm\" name=\"confirm\" type=\"checkbox\" value=\"yes\" required><label for=\"revoke-confirm\">I understand that revocation is final</label></div>\
<button type=\"submit\">Revoke</button></form>", reason("revoke"))),
    ]
    .concat();
    let claims = issuer
        .store
        .wallet_claims_of(&rec.id)
        .await
        .map_err(console_unavailable)?;
    let now = crate::issuance::stamp(parts.clock.now());
    let actions = format!(
        "<h2>Actions</h2>{actions}{}",
        claims_card(&u, &csrf, claims, &now)
    );
    let main = format!(
        "<h1>{name}</h1><p class=\"verdict-word\" id=\"verdict\">{verdict}</p>\
<img class=\"badge\" src=\"/credentials/{u}/badge.svg\" alt=\"The badge of this credential\" width=\"200\" height=\"200\">\
<dl><dt>Certification</dt><dd>{cert}</dd><dt>Credential</dt><dd><code>{id}</dd></code><dt>Issued</dt><dd>{issued}</dd><dt>Expires</dt><dd>{until}</dd>{renews}{replaces}{later}</dl>\
<p><a href=\"/v/{u}\">Public verification page</a></p>{actions}",
        name = escape(&rec.holder_name),
        verdict = report.verdict.label(),
        cert = escape(&rec.certification),
        id = escape(&rec.id),
        issued = escape(&day(&rec.issued_at)),
        until = escape(
            &rec.valid_until
                .as_deref()
                .map(day)
                .unwrap_or_else(|| "no expiry".into())
        ),
        renews = link(&rec.renews, "Renews"),
        replaces = link(&rec.replaces, "Corrects"),
    );
    Ok(respond(
        StatusCode::OK,
        shell(&rec.holder_name, Some(&console), &main),
    ))
}

/// The lifetimes the console offers for a wallet claim (`parse_ttl` text).
const CLAIM_LIFETIMES: [(&str, &str); 5] = [
    ("1d", "1 day"),
    ("7d", "7 days"),
    ("14d", "14 days"),
    ("30d", "30 days"),
    ("90d", "90 days"),
];

/// The "Wallet claims" card: the form that creates one, and the
/// credential's claims with their state (never their links).
fn claims_card(u: &str, csrf: &str, claims: Vec<crate::store::ClaimRecord>, now: &str) -> String {
    let options: String = CLAIM_LIFETIMES
        .iter()
        .map(|(value, label)| {
            let sel = if *value == "14d" { " selected" } else { "" };
            format!("<option value=\"{value}\"{sel}>{label}</option>")
        })
        .collect();
    let rows: String = claims
        .into_iter()
        .map(|c| crate::web::admin::claims::ClaimView::of(c, now))
        .map(|v| {
            let copy = v
                .issued_credential_id
                .as_deref()
                .map(|id| {
                    format!(
                        "<a href=\"/admin/credentials/{}\">{}</a>",
                        escape(public_id(id)),
                        escape(id)
                    )
                })
                .unwrap_or_default();
            format!(
                "<tr><td><code>{id}</code></td><td class=\"claim-state\">{state}</td><td>{expires}</td><td>{via}</td><td><code>{holder}</code></td><td>{copy}</td></tr>",
                id = escape(&v.id),
                state = escape(&v.state),
                expires = escape(&crate::web::layout::moment(&v.expires_at)),
                via = escape(v.redeemed_via.as_deref().unwrap_or("")),
                holder = escape(v.holder_did.as_deref().unwrap_or("")),
            )
        })
        .collect();
    let list = if rows.is_empty() {
        "<p>No wallet claims yet.</p>".to_owned()
    } else {
        format!(
            "<table id=\"claims\"><thead><tr><th scope=\"col\">Claim</th><th scope=\"col\">State</th><th scope=\"col\">Expires</th><th scope=\"col\">Redeemed via</th><th scope=\"col\">Holder DID</th><th scope=\"col\">Copy</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    };
    format!(
        "<section class=\"card\" id=\"wallet-claims\"><h3>Wallet claims</h3>\
<p>A one-time link through which the holder's wallet receives a copy bound to the holder's DID. The link is shown once.</p>\
<form method=\"post\" action=\"/admin/credentials/{u}/claim\" class=\"console-form\">{csrf}\
<label for=\"claim-expires\">The link works for</label><select id=\"claim-expires\" name=\"expires\">{options}</select>\
<div class=\"confirm\"><input id=\"claim-tx-code\" name=\"tx_code\" type=\"checkbox\" value=\"yes\"><label for=\"claim-tx-code\">Require a transaction code in OpenID wallets</label></div>\
<button type=\"submit\">Create wallet claim</button></form>{list}</section>"
    )
}

/// `POST /admin/credentials/{id}/claim`: creates a wallet claim through
/// [`crate::issuance::Issuer::create_claim`] and shows its link (and
/// transaction code) this once.
async fn create_claim(
    state: &AppState,
    console: &Console,
    full: &str,
    form: &ActionForm,
) -> Result<Response, Refusal> {
    use crate::issuance::claims::{DEFAULT_CLAIM_TTL, parse_ttl};
    let issuer = console_issuer(state)?;
    let refused = |e: crate::issuance::IssuanceError| {
        Refusal::Page(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
    };
    let ttl = match form.expires.trim() {
        "" => DEFAULT_CLAIM_TTL,
        text => parse_ttl(text).map_err(refused)?,
    };
    let new = issuer
        .create_claim(full, ttl, form.tx_code == "yes", &console.0.actor)
        .await
        .map_err(refused)?;
    let holder = issuer
        .store
        .credential(&new.claim.credential_id)
        .await
        .map_err(console_unavailable)?
        .map(|r| r.holder_name)
        .unwrap_or_default();
    let links = &new.links;
    let code = new
        .tx_code
        .as_deref()
        .map(|c| {
            format!(
                "<dt>Transaction code</dt><dd><code id=\"claim-tx-code-value\">{}</code> (for OpenID wallets: send it apart from the link)</dd>",
                escape(c)
            )
        })
        .unwrap_or_default();
    let u = escape(public_id(&new.claim.credential_id));
    let main = format!(
        "<h1>Wallet claim for {holder}</h1>\
<section class=\"card\"><p>Send the holder this link. It works once, until {expires}. It is shown only now: only its hash is stored.</p>\
<dl><dt>Claim link</dt><dd><code id=\"claim-url\">{url}</code></dd>{code}<dt>Claim</dt><dd><code>{id}</code></dd></dl></section>\
<section class=\"card\"><h2>Message for the holder</h2><pre id=\"claim-notice\">{notice}</pre></section>\
<p><a href=\"/admin/credentials/{u}\">Back to the credential</a></p>",
        holder = escape(&holder),
        expires = escape(&crate::web::layout::moment(&new.claim.expires_at)),
        url = escape(&links.claim_url),
        id = escape(&new.claim.id),
        notice = escape(&new.notice),
    );
    Ok(respond(
        StatusCode::CREATED,
        shell("Wallet claim", Some(console), &main),
    ))
}

/// An action's form.
#[derive(Debug, serde::Deserialize)]
pub struct ActionForm {
    /// CSRF token.
    #[serde(default)]
    pub csrf: String,
    /// Why (status changes, corrections).
    #[serde(default)]
    pub reason: String,
    /// The corrected name (corrections).
    #[serde(default)]
    pub name: String,
    /// `yes`: a revocation was confirmed.
    #[serde(default)]
    pub confirm: String,
    /// A wallet claim's lifetime (`14d`…).
    #[serde(default)]
    pub expires: String,
    /// `yes`: the wallet claim requires a transaction code.
    #[serde(default)]
    pub tx_code: String,
}

/// `POST /admin/credentials/{id}/{action}`: `renew`, `correct`, `suspend`,
/// `reinstate` or `revoke` (which must be confirmed); then back to the
/// credential (the new one for a renewal or a correction). `claim` creates
/// a wallet claim and shows its link once.
pub async fn act(
    State(state): State<AppState>,
    console: Console,
    Path((id, action)): Path<(String, String)>,
    axum::Form(form): axum::Form<ActionForm>,
) -> Result<Response, Refusal> {
    console.check_csrf(&form.csrf)?;
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let full = crate::web::dto::full_id(&id);
    let actor = &console.0.actor;
    let refused = |e: crate::issuance::IssuanceError| {
        Refusal::Page(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
    };
    let go_to = match action.as_str() {
        "claim" => return create_claim(&state, &console, &full, &form).await,
        "renew" => issuer
            .renew(&full, actor)
            .await
            .map_err(refused)?
            .record()
            .id
            .clone(),
        "correct" => issuer
            .correct(&full, &form.name, &form.reason, actor)
            .await
            .map_err(refused)?
            .record()
            .id
            .clone(),
        "suspend" | "reinstate" | "revoke" => {
            let change = match action.as_str() {
                "suspend" => StatusChange::Suspend,
                "reinstate" => StatusChange::Reinstate,
                _ => StatusChange::Revoke,
            };
            if change == StatusChange::Revoke && form.confirm != "yes" {
                return Err(Refusal::Page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "revocation is final: tick the confirmation box to revoke".into(),
                ));
            }
            issuer
                .change_status(&full, change, &form.reason, actor)
                .await
                .map_err(refused)?;
            state.status_changed();
            full
        }
        other => {
            return Err(Refusal::Page(
                StatusCode::NOT_FOUND,
                format!("no action {other:?}"),
            ));
        }
    };
    Ok(redirect(&format!(
        "/admin/credentials/{}",
        public_id(&go_to)
    )))
}
