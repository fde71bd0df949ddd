//! Background bulk imports in the console: a job's page (progress while it
//! runs, reloading itself every two seconds without JavaScript; the
//! outcomes when done), its results file, and the worker pass
//! `rosette serve` runs ([`run_next_job`]).

use super::pages::{console_issuer, console_unavailable};
use super::records::outcomes;
use super::{Console, Refusal, respond, shell, shell_with_head};
use crate::issuance::bulk::Summary;
use crate::issuance::bulk_jobs::JOB_LEASE;
use crate::issuance::stamp;
use crate::store::StoreError;
use crate::web::layout::{escape, moment};
use crate::web::state::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How often the worker looks for a queued job.
pub const JOB_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// One pass of the worker: claims the oldest waiting job (or one whose
/// node stopped) and runs it to its end on the blocking pool. True when a
/// job ran.
pub async fn run_next_job(state: &AppState) -> Result<bool, StoreError> {
    let Some(issuer) = state.issuer() else {
        return Ok(false);
    };
    let now = issuer.clock.now();
    let Some(job) = issuer
        .store
        .claim_bulk_job(&stamp(now), &stamp(now + JOB_LEASE))
        .await?
    else {
        return Ok(false);
    };
    tracing::info!(job = %job.id, rows = job.total_rows, "bulk job started");
    let task_state = state.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let issuer = task_state.issuer()?;
        Some(tokio::runtime::Handle::current().block_on(issuer.run_bulk_job(&job)))
    })
    .await;
    match outcome {
        Ok(Some(Ok(summary))) => {
            state.metrics.observe_issued(summary.issued);
            tracing::info!(
                issued = summary.issued,
                refused = summary.refused,
                "bulk job done"
            );
        }
        Ok(Some(Err(e))) => tracing::warn!(error = %e, "bulk job failed"),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "bulk job stopped"),
    }
    Ok(true)
}

/// `GET /admin/bulk/jobs/{id}`.
pub async fn job_page(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let Some(job) = issuer
        .store
        .bulk_job(&id)
        .await
        .map_err(console_unavailable)?
    else {
        return Err(Refusal::Page(
            StatusCode::NOT_FOUND,
            format!("no bulk job {id}"),
        ));
    };
    let head = format!(
        "<h1>Bulk issue</h1><p>Queued {} by {}: {} rows.</p>",
        escape(&moment(&job.created_at)),
        escape(&job.created_by),
        job.total_rows
    );
    let main = match job.state.as_str() {
        "done" => {
            let summary: Summary = job
                .summary
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default();
            format!(
                "{head}{}",
                outcomes(
                    &summary,
                    job.results.as_deref().unwrap_or(""),
                    &format!("/admin/bulk/jobs/{}/results.csv", job.id)
                )
            )
        }
        "failed" => format!(
            "{head}<p class=\"error\" role=\"alert\" id=\"bulk-summary\">The import failed: {}</p>",
            escape(job.error.as_deref().unwrap_or("unknown error"))
        ),
        state => {
            let page = format!(
                "{head}<p role=\"status\" id=\"bulk-progress\">{word}: {done} of {total} rows.</p>\
<progress max=\"{total}\" value=\"{done}\" aria-labelledby=\"bulk-progress\"></progress><p>This page reloads itself every 2 seconds.</p>",
                word = if state == "queued" {
                    "Waiting"
                } else {
                    "Importing"
                },
                done = job.done_rows,
                total = job.total_rows.max(1),
            );
            let html = shell_with_head(
                "Bulk issue",
                "<meta http-equiv=\"refresh\" content=\"2\">",
                Some(&console),
                &page,
            );
            return Ok(respond(StatusCode::OK, html));
        }
    };
    Ok(respond(
        StatusCode::OK,
        shell("Bulk issue", Some(&console), &main),
    ))
}

/// `GET /admin/bulk/jobs/{id}/results.csv`: a finished job's results.
pub async fn job_results(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    console.admin_only()?;
    let issuer = console_issuer(&state)?;
    let Some(results) = issuer
        .store
        .bulk_job(&id)
        .await
        .map_err(console_unavailable)?
        .and_then(|j| j.results)
    else {
        return Err(Refusal::Page(
            StatusCode::NOT_FOUND,
            format!("bulk job {id} has no results"),
        ));
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"bulk-results.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        results,
    )
        .into_response())
}
