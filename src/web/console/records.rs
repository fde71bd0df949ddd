//! Candidates and their results in the console: search, a candidate's
//! assessments and credentials, recording a written or a lab result,
//! issuing, and bulk issuance from the CSV of `rosette issue --csv`. Each
//! form posts to the same issuance function as the CLI and the admin API;
//! a refusal is shown next to its field, with the form kept filled.

use super::pages::{console_issuer, console_unavailable};
use super::{Console, Refusal, redirect, respond, shell};
use crate::issuance::badge_data::public_id;
use crate::issuance::{IssuanceError, IssueOutcome, LabInput, WrittenInput};
use crate::web::layout::{day, escape};
use crate::web::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;

/// A form's values, kept to fill it again after a refusal.
type Values = HashMap<String, String>;

fn val<'a>(v: &'a Values, k: &str) -> &'a str {
    v.get(k).map(String::as_str).unwrap_or("")
}

/// An input with its label; the error, if it is this field's, beside it.
fn field(
    form: &str,
    name: &str,
    label: &str,
    kind: &str,
    v: &Values,
    error: Option<(&str, &str)>,
    extra: &str,
) -> String {
    let id = format!("{form}-{name}");
    let err = match error {
        Some((f, m)) if f == name => format!(
            "<span class=\"field-error\" id=\"{id}-error\" role=\"alert\">{}</span>",
            escape(m)
        ),
        _ => String::new(),
    };
    let described = if err.is_empty() {
        String::new()
    } else {
        format!(" aria-describedby=\"{id}-error\" aria-invalid=\"true\"")
    };
    format!(
        "<label for=\"{id}\">{label}</label><input id=\"{id}\" name=\"{name}\" type=\"{kind}\" value=\"{}\"{described}{extra}>{err}",
        escape(val(v, name))
    )
}

fn cert_select(form: &str, issuer: &crate::issuance::Issuer<'_>, v: &Values) -> String {
    let mut out = format!(
        "<label for=\"{form}-certification\">Certification</label><select id=\"{form}-certification\" name=\"certification\">"
    );
    for c in issuer.catalog {
        let sel = if val(v, "certification") == c.slug.as_str() {
            " selected"
        } else {
            ""
        };
        out.push_str(&format!(
            "<option value=\"{s}\"{sel}>{n}</option>",
            s = escape(c.slug.as_str()),
            n = escape(&c.name)
        ));
    }
    out.push_str("</select>");
    out
}

/// Where a refusal belongs: the field it names, else the form as a whole.
fn error_field(e: &IssuanceError) -> &'static str {
    match e {
        IssuanceError::Invalid { field, .. } => field,
        IssuanceError::UnknownCandidate(_) => "name",
        IssuanceError::UnknownCertification(_) => "certification",
        IssuanceError::NotAGrader(_) => "grader",
        IssuanceError::DateRefused { .. } => "date",
        _ => "form",
    }
}

fn form_error(error: Option<(&str, &str)>, form: &str, which: &str) -> String {
    match error {
        Some(("form", m)) if form == which => {
            format!("<p class=\"error\" role=\"alert\">{}</p>", escape(m))
        }
        _ => String::new(),
    }
}

fn written_form(
    console: &Console,
    issuer: &crate::issuance::Issuer<'_>,
    v: &Values,
    error: Option<(&str, &str)>,
) -> String {
    format!(
        "<section class=\"card\"><h2 id=\"written\">Record a written result</h2>{fe}<form method=\"post\" action=\"/admin/assessments/written\" class=\"console-form\">{csrf}\
{email}{name}{cert}{attempt}{score}{date}{reference}<button type=\"submit\">Record written result</button></form></section>",
        fe = form_error(error, "written", val(v, "form")),
        csrf = console.csrf_field(),
        email = field(
            "written",
            "email",
            "Candidate e-mail",
            "email",
            v,
            error,
            " required"
        ),
        name = field(
            "written",
            "name",
            "Name (to register a new candidate)",
            "text",
            v,
            error,
            ""
        ),
        cert = cert_select("written", issuer, v),
        attempt = field(
            "written",
            "attempt",
            "Attempt",
            "number",
            v,
            error,
            " min=\"1\" max=\"1000\""
        ),
        score = field(
            "written",
            "score",
            "Score (%)",
            "number",
            v,
            error,
            " min=\"0\" max=\"100\" step=\"0.1\" required"
        ),
        date = field("written", "date", "Date", "date", v, error, " required"),
        reference = field(
            "written",
            "reference",
            "Exam reference",
            "text",
            v,
            error,
            ""
        ),
    )
}

fn lab_form(
    console: &Console,
    issuer: &crate::issuance::Issuer<'_>,
    v: &Values,
    error: Option<(&str, &str)>,
) -> String {
    let pass = if val(v, "result") == "fail" {
        ""
    } else {
        " checked"
    };
    let fail = if val(v, "result") == "fail" {
        " checked"
    } else {
        ""
    };
    let grader = if crate::issuance::sessions::is_admin(&console.0) {
        field(
            "lab",
            "grader",
            "Grader (a registered grader's e-mail)",
            "email",
            v,
            error,
            " required",
        )
    } else {
        format!(
            "<p>Graded by <strong>{}</strong> (this token's grader).</p>",
            escape(&console.0.token_name)
        )
    };
    format!(
        "<section class=\"card\"><h2 id=\"lab\">Record a lab result</h2>{fe}<form method=\"post\" action=\"/admin/assessments/lab\" class=\"console-form\">{csrf}\
{email}{cert}{attempt}<fieldset><legend>Result</legend><input id=\"lab-pass\" type=\"radio\" name=\"result\" value=\"pass\"{pass}><label for=\"lab-pass\">Pass</label>\
<input id=\"lab-fail\" type=\"radio\" name=\"result\" value=\"fail\"{fail}><label for=\"lab-fail\">Fail</label></fieldset>{grader}{date}\
<label for=\"lab-notes\">Rubric notes (no personal data)</label><textarea id=\"lab-notes\" name=\"notes\">{notes}</textarea>\
<button type=\"submit\">Record lab result</button></form></section>",
        fe = form_error(error, "lab", val(v, "form")),
        csrf = console.csrf_field(),
        email = field(
            "lab",
            "email",
            "Candidate e-mail",
            "email",
            v,
            error,
            " required"
        ),
        cert = cert_select("lab", issuer, v),
        attempt = field(
            "lab",
            "attempt",
            "Attempt",
            "number",
            v,
            error,
            " min=\"1\" max=\"1000\""
        ),
        date = field("lab", "date", "Date", "date", v, error, " required"),
        notes = escape(val(v, "notes")),
    )
}

fn issue_form(
    console: &Console,
    issuer: &crate::issuance::Issuer<'_>,
    v: &Values,
    error: Option<(&str, &str)>,
) -> String {
    format!(
        "<section class=\"card\"><h2 id=\"issue\">Issue a certification</h2>{fe}<form method=\"post\" action=\"/admin/issue\" class=\"console-form\">{csrf}\
{email}{cert}{attempt}<button type=\"submit\">Issue</button></form></section>",
        fe = form_error(error, "issue", val(v, "form")),
        csrf = console.csrf_field(),
        email = field(
            "issue",
            "email",
            "Candidate e-mail",
            "email",
            v,
            error,
            " required"
        ),
        cert = cert_select("issue", issuer, v),
        attempt = field(
            "issue",
            "attempt",
            "Attempt",
            "number",
            v,
            error,
            " min=\"1\" max=\"1000\""
        ),
    )
}

/// The candidates page: search, then the forms (`which` form refilled with
/// `v` and showing `error`).
async fn candidates_page(
    state: &AppState,
    console: &Console,
    q: &str,
    v: &Values,
    error: Option<(&str, &str)>,
    notice: &str,
) -> Result<String, Refusal> {
    let issuer = console_issuer(state)?;
    let mut found = String::new();
    if !q.trim().is_empty() {
        let candidates = issuer
            .store
            .search_candidates(q, 50)
            .await
            .map_err(console_unavailable)?;
        for c in &candidates {
            let creds = issuer
                .store
                .list_credentials(&crate::store::CredentialFilter {
                    candidate_id: Some(c.id.clone()),
                    limit: 100,
                    ..Default::default()
                })
                .await
                .map_err(console_unavailable)?;
            let mut items = String::new();
            for r in &creds {
                items.push_str(&format!(
                    "<li><a href=\"/admin/credentials/{u}\">{cert}</a>, attempt {a}, issued {d}</li>",
                    u = escape(public_id(&r.id)),
                    cert = escape(&r.certification),
                    a = r.attempt,
                    d = escape(&day(&r.issued_at))
                ));
            }
            let mut results = String::new();
            for cert in issuer.catalog {
                for attempt in 1..=20 {
                    let a = issuer
                        .store
                        .assessments(&c.id, cert.slug.as_str(), attempt)
                        .await
                        .map_err(console_unavailable)?;
                    if a.is_empty() {
                        break;
                    }
                    for r in &a {
                        let what = match r.kind {
                            crate::store::AssessmentKind::Written => {
                                format!("written {}%", r.score.unwrap_or(0.0))
                            }
                            crate::store::AssessmentKind::Lab => "lab".to_owned(),
                        };
                        results.push_str(&format!(
                            "<li>{cert}, attempt {attempt}: {what} — {p} on {d}</li>",
                            cert = escape(&cert.name),
                            p = if r.passed { "passed" } else { "failed" },
                            d = escape(&r.assessed_on)
                        ));
                    }
                }
            }
            found.push_str(&format!(
                "<section class=\"card candidate\"><h3>{n}</h3><p>{e}</p><h4>Assessments</h4><ul>{results}</ul><h4>Credentials</h4><ul>{items}</ul></section>",
                n = escape(&c.name),
                e = escape(&c.email)
            ));
        }
        if candidates.is_empty() {
            found = "<p>No candidate matches.</p>".into();
        }
    }
    Ok(format!(
        "<h1>Candidates</h1>{notice}<form method=\"get\" action=\"/admin/candidates\" class=\"console-form\" role=\"search\">\
<label for=\"q\">Name or e-mail</label><input id=\"q\" name=\"q\" value=\"{q}\"><button type=\"submit\">Search</button></form>{found}{w}{l}{i}",
        q = escape(q),
        w = written_form(console, &issuer, v, error),
        l = lab_form(console, &issuer, v, error),
        i = issue_form(console, &issuer, v, error),
    ))
}

/// `GET /admin/candidates?q=`.
pub async fn candidates(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let page = candidates_page(
        &state,
        &console,
        q.get("q").map(String::as_str).unwrap_or(""),
        &Values::new(),
        None,
        "",
    )
    .await?;
    Ok(respond(
        StatusCode::OK,
        shell("Candidates", Some(&console), &page),
    ))
}

/// `GET /admin/lab`: the lab-recording page (the one page of a grader).
pub async fn lab_page(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, Refusal> {
    let issuer = console_issuer(&state)?;
    let main = format!(
        "<h1>Lab results</h1>{}",
        lab_form(&console, &issuer, &Values::new(), None)
    );
    Ok(respond(
        StatusCode::OK,
        shell("Lab results", Some(&console), &main),
    ))
}

fn attempt_of(v: &Values) -> Result<i64, (&'static str, String)> {
    match val(v, "attempt").trim() {
        "" => Ok(1),
        a => a
            .parse()
            .map_err(|_| ("attempt", format!("{a:?} is not a whole number"))),
    }
}

fn csrf_of(console: &Console, v: &Values) -> Result<(), Refusal> {
    console.check_csrf(val(v, "csrf"))
}

/// Shows `page` again after a refusal, with `status`.
async fn refused(
    state: &AppState,
    console: &Console,
    mut v: Values,
    form: &str,
    (field, message): (&str, String),
) -> Result<Response, Refusal> {
    v.insert("form".into(), form.into());
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    if form == "lab" && !crate::issuance::sessions::is_admin(&console.0) {
        let issuer = console_issuer(state)?;
        let main = format!(
            "<h1>Lab results</h1>{}",
            lab_form(console, &issuer, &v, Some((field, &message)))
        );
        return Ok(respond(status, shell("Lab results", Some(console), &main)));
    }
    let page = candidates_page(state, console, "", &v, Some((field, &message)), "").await?;
    Ok(respond(status, shell("Candidates", Some(console), &page)))
}

/// Back to the candidates page, searching for `email`.
fn done(email: &str) -> Response {
    let query = serde_urlencoded::to_string([("q", email)]).unwrap_or_default();
    redirect(&format!("/admin/candidates?{query}"))
}

/// `POST /admin/assessments/written`.
pub async fn record_written(
    State(state): State<AppState>,
    console: Console,
    axum::Form(v): axum::Form<Values>,
) -> Result<Response, Refusal> {
    csrf_of(&console, &v)?;
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let attempt = match attempt_of(&v) {
        Ok(a) => a,
        Err((f, m)) => return refused(&state, &console, v, "written", (f, m)).await,
    };
    let Ok(score) = val(&v, "score").trim().parse::<f64>() else {
        let m = format!("{:?} is not a score", val(&v, "score"));
        return refused(&state, &console, v, "written", ("score", m)).await;
    };
    let input = WrittenInput {
        email: val(&v, "email").to_owned(),
        certification: val(&v, "certification").to_owned(),
        attempt,
        score,
        assessed_on: val(&v, "date").to_owned(),
        reference: Some(val(&v, "reference").trim().to_owned()).filter(|r| !r.is_empty()),
    };
    let name = Some(val(&v, "name")).filter(|n| !n.trim().is_empty());
    let email = input.email.clone();
    match issuer
        .record_written_registering(input, name, None, &console.0.actor)
        .await
    {
        Ok(_) => Ok(done(&email)),
        Err(e) => {
            let f = error_field(&e);
            refused(&state, &console, v, "written", (f, e.to_string())).await
        }
    }
}

/// `POST /admin/assessments/lab`: as an admin naming the grader, or as the
/// grader of this session's token.
pub async fn record_lab(
    State(state): State<AppState>,
    console: Console,
    axum::Form(v): axum::Form<Values>,
) -> Result<Response, Refusal> {
    csrf_of(&console, &v)?;
    let issuer = console_issuer(&state)?;
    let attempt = match attempt_of(&v) {
        Ok(a) => a,
        Err((f, m)) => return refused(&state, &console, v, "lab", (f, m)).await,
    };
    let passed = match val(&v, "result") {
        "pass" => true,
        "fail" => false,
        other => {
            return refused(
                &state,
                &console,
                v.clone(),
                "lab",
                ("result", format!("{other:?} is not pass or fail")),
            )
            .await;
        }
    };
    let input = LabInput {
        email: val(&v, "email").to_owned(),
        certification: val(&v, "certification").to_owned(),
        attempt,
        passed,
        notes: Some(val(&v, "notes").trim().to_owned()).filter(|n| !n.is_empty()),
        assessed_on: val(&v, "date").to_owned(),
    };
    let grader = if crate::issuance::sessions::is_admin(&console.0) {
        val(&v, "grader").to_owned()
    } else {
        console.0.token_name.clone()
    };
    match issuer
        .record_lab_for(&input, &grader, &console.0.actor)
        .await
    {
        Ok(_) if !crate::issuance::sessions::is_admin(&console.0) => {
            let main = format!(
                "<h1>Lab results</h1><p class=\"ok\" role=\"status\">Recorded: {} for {}.</p>{}",
                if passed { "pass" } else { "fail" },
                escape(&input.email),
                lab_form(&console, &issuer, &Values::new(), None)
            );
            Ok(respond(
                StatusCode::OK,
                shell("Lab results", Some(&console), &main),
            ))
        }
        Ok(_) => Ok(done(&input.email)),
        Err(e) => {
            let f = error_field(&e);
            refused(&state, &console, v, "lab", (f, e.to_string())).await
        }
    }
}

/// `POST /admin/issue`: issues once both stages pass; a refusal says why.
pub async fn issue(
    State(state): State<AppState>,
    console: Console,
    axum::Form(v): axum::Form<Values>,
) -> Result<Response, Refusal> {
    csrf_of(&console, &v)?;
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let attempt = match attempt_of(&v) {
        Ok(a) => a,
        Err((f, m)) => return refused(&state, &console, v, "issue", (f, m)).await,
    };
    match issuer
        .issue(
            val(&v, "email"),
            val(&v, "certification"),
            attempt,
            None,
            &console.0.actor,
        )
        .await
    {
        Ok(outcome) => {
            if let IssueOutcome::Issued(_) = outcome {
                state.metrics.observe_issued(1);
            }
            Ok(redirect(&format!(
                "/admin/credentials/{}",
                public_id(&outcome.record().id)
            )))
        }
        Err(e) => {
            let f = error_field(&e);
            refused(&state, &console, v, "issue", (f, e.to_string())).await
        }
    }
}

fn bulk_form(console: &Console) -> String {
    format!(
        "<form method=\"post\" action=\"/admin/bulk\" enctype=\"multipart/form-data\" class=\"console-form\">{csrf}\
<label for=\"csv\">CSV file (the columns of <code>rosette issue --csv</code>)</label><input id=\"csv\" name=\"csv\" type=\"file\" accept=\".csv,text/csv\" required>\
<button type=\"submit\">Issue</button></form>",
        csrf = console.csrf_field()
    )
}

/// `GET /admin/bulk`: the upload form and the latest background jobs.
pub async fn bulk_page(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let jobs: String = issuer
        .store
        .bulk_jobs(10)
        .await
        .map_err(console_unavailable)?
        .iter()
        .map(|j| {
            format!(
                "<li><a href=\"/admin/bulk/jobs/{id}\">{at}</a>: {rows} rows, {state}</li>",
                id = escape(&j.id),
                at = escape(&crate::web::layout::moment(&j.created_at)),
                rows = j.total_rows,
                state = escape(&j.state)
            )
        })
        .collect();
    let jobs = if jobs.is_empty() {
        String::new()
    } else {
        format!("<h2>Background imports</h2><ul>{jobs}</ul>")
    };
    let main = format!(
        "<h1>Bulk issue</h1><p>Files of more than {} rows are imported in the background: the page shows the progress.</p>{}{jobs}",
        crate::issuance::bulk_jobs::INLINE_ROWS,
        bulk_form(&console)
    );
    Ok(respond(
        StatusCode::OK,
        shell("Bulk issue", Some(&console), &main),
    ))
}

/// `POST /admin/bulk`: a multipart upload of the CSV; imports it as
/// `rosette issue --csv` does and shows every row's outcome, with the
/// results as a CSV file to download (a `data:` link needs no storage).
pub async fn bulk(
    State(state): State<AppState>,
    console: Console,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let bad = |m: &str| Refusal::Page(StatusCode::BAD_REQUEST, m.to_owned());
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary =
        multer::parse_boundary(content_type).map_err(|_| bad("send the file as a form upload"))?;
    let mut parts = multer::Multipart::new(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) }),
        boundary,
    );
    let (mut csrf, mut csv) = (String::new(), Vec::new());
    while let Ok(Some(part)) = parts.next_field().await {
        match part.name() {
            Some("csrf") => csrf = part.text().await.unwrap_or_default(),
            Some("csv") => csv = part.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
            _ => {}
        }
    }
    console.check_csrf(&csrf)?;
    if csv.is_empty() {
        return Err(bad("choose a CSV file"));
    }
    if crate::issuance::bulk_jobs::data_rows(&csv) > crate::issuance::bulk_jobs::INLINE_ROWS {
        let issuer = console_issuer(&state)?;
        return match issuer.queue_bulk_job(&csv, &console.0.actor).await {
            Ok(job) => Ok(redirect(&format!("/admin/bulk/jobs/{}", job.id))),
            Err(e) => {
                let main = format!(
                    "<h1>Bulk issue</h1><p class=\"error\" role=\"alert\">{}</p>{}",
                    escape(&e.to_string()),
                    bulk_form(&console)
                );
                Ok(respond(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    shell("Bulk issue", Some(&console), &main),
                ))
            }
        };
    }
    let result = crate::web::admin::credentials::import_on_blocking_pool(
        &state,
        csv,
        console.0.actor.clone(),
    )
    .await
    .map_err(|_| {
        Refusal::Page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the import stopped".into(),
        )
    })?;
    let (summary, rows) = match result {
        Ok(r) => r,
        Err(e) => {
            let main = format!(
                "<h1>Bulk issue</h1><p class=\"error\" role=\"alert\">{}</p>{}",
                escape(&e.to_string()),
                bulk_form(&console)
            );
            return Ok(respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                shell("Bulk issue", Some(&console), &main),
            ));
        }
    };
    state.metrics.observe_issued(summary.issued);
    use base64::Engine as _;
    let results = crate::issuance::bulk_jobs::results_csv(&rows);
    let href = format!(
        "data:text/csv;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&results)
    );
    let main = format!(
        "<h1>Bulk issue</h1>{}{}",
        outcomes(&summary, &results, &href),
        bulk_form(&console)
    );
    Ok(respond(
        StatusCode::OK,
        shell("Bulk issue", Some(&console), &main),
    ))
}

/// A finished import: its totals, the link to the results file, and every
/// row's outcome as a table — read from the results CSV, so an inline
/// import and a background job show the same page.
pub(super) fn outcomes(
    summary: &crate::issuance::bulk::Summary,
    results_csv: &str,
    href: &str,
) -> String {
    let mut table = String::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(results_csv.trim_start_matches('\u{feff}').as_bytes());
    for record in reader.records().flatten() {
        let f = |i: usize| record.get(i).unwrap_or("");
        let link = if f(4).is_empty() {
            String::new()
        } else {
            format!(
                "<a href=\"/admin/credentials/{u}\">{u}</a>",
                u = escape(public_id(f(4)))
            )
        };
        table.push_str(&format!(
            "<tr class=\"outcome-{cls}\"><td>{line}</td><td>{email}</td><td>{cert}</td><td>{what}</td><td>{link}</td><td>{msg}</td></tr>",
            cls = escape(&f(3).replace(' ', "-")),
            line = escape(f(0)),
            email = escape(f(1)),
            cert = escape(f(2)),
            what = escape(f(3)),
            msg = escape(f(6)),
        ));
    }
    format!(
        "<p role=\"status\" id=\"bulk-summary\">{rows} rows: {i} issued, {a} already issued, {r} refused.</p>\
<p><a href=\"{href}\" download=\"bulk-results.csv\">Download the results (CSV)</a></p>\
<table id=\"bulk-results\"><thead><tr><th scope=\"col\">Line</th><th scope=\"col\">E-mail</th><th scope=\"col\">Certification</th><th scope=\"col\">Outcome</th><th scope=\"col\">Credential</th><th scope=\"col\">Message</th></tr></thead><tbody>{table}</tbody></table>",
        rows = summary.rows,
        i = summary.issued,
        a = summary.already_issued,
        r = summary.refused,
        href = escape(href),
    )
}
