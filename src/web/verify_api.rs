//! `POST /api/v1/verify`: the verification API for HR systems. Accepts a
//! credential (JSON), a baked PNG or SVG (raw body), `{"url": …}` (a
//! bounded fetch), or a batch `{"credentials": [item, …]}` of up to
//! [`MAX_BATCH`] items, each a credential object, `{"url": …}` or a
//! string URL. Answers the same report as `rosette verify --json`, or
//! `{"results": [report, …]}` for a batch.

use super::error::{ApiError, ErrorCode, vc_json_body, vc_problem as problem};
use super::state::{AppState, Pieces, count};
use crate::fetch::HttpFetcher;
use crate::verification::{self, Report, VerifyContext};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub use super::state::MAX_BATCH;

/// `POST /api/v1/verify`.
#[utoipa::path(
    post,
    path = "/api/v1/verify",
    tag = "verification",
    summary = "Verify a credential, a baked badge, a credential URL, or a batch",
    description = "For HR systems. The body is one of: a credential as JSON (`application/json`, \
`application/vc`, `application/ld+json`); a badge image with the credential baked in (`image/png`, \
`image/svg+xml`: any body whose type is not JSON is sniffed); the same as files of a \
`multipart/form-data` upload (one part: one report; several: a batch); `{\"url\": …}`, fetched with a bounded \
client; or a batch `{\"credentials\": [item, …]}` of at most `max_batch` items (100 by default), each a \
credential, `{\"url\": …}` or a URL string. A reference to one of this issuer's own credentials — its id \
(`urn:uuid:…` or the bare UUID, also as `{\"id\": …}`) or its page link (`{public_url}/v/{uuid}`, what the \
badge's QR code carries) — is read from the store, not fetched. In a `multipart/form-data` upload, a \
`text/plain` or `text/csv` part is a roster: the first credential id or link on each line. A batch \
answers CSV (one row per item: verdict, holder, certification, issuer, dates, first problem) when the \
request says `Accept: text/csv`.\n\n\
The answer is the same report as `rosette verify --json`: one state per check (`valid`, `invalid`, or \
`unknown` when it could not be checked, which never counts as valid), `verified`, true only when \
every check is valid, and `verdict`, the word the verification page shows and the CSV answer writes \
(`VALID`, `REVOKED`, `SUSPENDED`, `EXPIRED`, `NOT FOUND` for an id this issuer never issued, \
`NOT VALID`, or `CANNOT VERIFY` when nothing failed but something could not be checked). A credential \
that fails verification is still a 200 with `verified: false`. A batch answers \
`{\"verified\": all, \"results\": [report, …]}`. A request with nothing to verify — an empty \
`credentials` array, a form without files, a roster without a credential id or link — is a 400 \
problem with the code `empty_batch`, never `verified: true`.",
    request_body(
        description = "A credential, `{\"url\": …}`, a batch, or a baked badge image.",
        content(
            (super::dto::VerifyRequest = "application/json"),
            (super::dto::Credential = "application/vc"),
            (super::dto::Credential = "application/ld+json"),
            ("image/png"),
            ("image/svg+xml"),
            ("multipart/form-data"),
        ),
    ),
    responses(
        (status = 200, description = "The verification report; for a batch, one report per item (or CSV rows with `Accept: text/csv`).",
            content(
                (super::dto::VerifyResponse = "application/json"),
                (String = "text/csv"),
            )),
        (status = 400, description = "A JSON content type but the body is not JSON, `credentials` is not an array, \
a malformed form; or nothing to verify (code `empty_batch`): an empty `credentials` array, a form without \
files, a roster without a credential id or link.",
            body = super::error::Problem, content_type = "application/problem+json",
            example = json!({"type": "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR",
                "title": "the batch is empty: `credentials` lists nothing to verify",
                "status": 400, "code": "empty_batch"})),
        (status = 413, description = "The body is larger than `max_body_bytes` (1 MB by default), or the batch has more than `max_batch` items.",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn verify(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let pieces = Pieces::new(&state);
    let own = pieces.own_lists(&state);
    let cx = pieces.context(own.as_ref());
    let fetcher = pieces.fetcher.as_ref();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        return verify_multipart(&state, &headers, content_type, body, fetcher, cx).await;
    }
    let is_json = content_type.contains("json") || content_type.starts_with("application/vc");
    if !is_json {
        // A baked image (or anything else): let the sniffing verifier decide.
        let report = verification::verify_input(&body, cx).await;
        count(&state, &report);
        return report_response(&report);
    }
    let value = match vc_json_body(&body) {
        Ok(v) => v,
        Err(answer) => return answer.into_response(),
    };
    if let Some(items) = value.get("credentials") {
        let Some(items) = items.as_array() else {
            return problem(
                StatusCode::BAD_REQUEST,
                "MALFORMED_VALUE_ERROR",
                "credentials must be an array",
            );
        };
        if items.is_empty() {
            return empty_batch("the batch is empty: `credentials` lists nothing to verify");
        }
        if items.len() > state.max_batch {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RANGE_ERROR",
                &format!("at most {} credentials per batch", state.max_batch),
            );
        }
        let mut results = Vec::with_capacity(items.len());
        let mut labels = Vec::with_capacity(items.len());
        for item in items {
            let report = verify_item(&state, item, fetcher, cx).await;
            count(&state, &report);
            results.push(report);
            labels.push(item_label(item));
        }
        return batch_response(&headers, &labels, &results);
    }
    let report = verify_item(&state, &value, fetcher, cx).await;
    count(&state, &report);
    report_response(&report)
}

/// One thing uploaded in a form.
enum Upload {
    /// A credential file: JSON, or a baked PNG or SVG.
    File { label: String, bytes: Bytes },
    /// A line of a roster: a credential id or link.
    Reference(String),
}

/// The references in a roster (plain text or CSV): on each line, the first
/// cell that is a credential id (`urn:uuid:…`, a UUID) or an http(s) link;
/// lines without one (a header row, names) are skipped.
fn roster_references(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            line.split([',', ';', '\t'])
                .map(|cell| cell.trim().trim_matches('"').trim())
                .find(|cell| {
                    cell.starts_with("urn:uuid:")
                        || cell.starts_with("https://")
                        || cell.starts_with("http://")
                        || uuid::Uuid::try_parse(cell).is_ok()
                })
                .map(str::to_owned)
        })
        .collect()
}

/// `multipart/form-data` (RFC 7578), as a browser form or `curl -F` sends
/// it: every file part is one credential — JSON, or a baked PNG or SVG,
/// sniffed like a raw body; a text part (`text/plain`, `text/csv`, or a
/// field without a file name) is a roster of credential ids or links, one
/// per line (an employer checking a team). One credential answers one
/// report; several answer a batch, in order, at most `max_batch`.
async fn verify_multipart(
    state: &AppState,
    headers: &HeaderMap,
    content_type: &str,
    body: Bytes,
    fetcher: Option<&HttpFetcher>,
    cx: VerifyContext<'_>,
) -> Response {
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "multipart/form-data without a boundary",
        );
    };
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut uploads: Vec<Upload> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "PARSING_ERROR",
                    &format!("the multipart body is malformed: {e}"),
                );
            }
        };
        let file_name = field.file_name().map(str::to_owned);
        let part_type = field.content_type().map(|m| m.essence_str().to_owned());
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "PARSING_ERROR",
                    &format!("the multipart body is malformed: {e}"),
                );
            }
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let roster = matches!(part_type.as_deref(), Some("text/plain" | "text/csv"))
            || (file_name.is_none() && part_type.is_none());
        if roster {
            let text = String::from_utf8_lossy(&bytes);
            uploads.extend(roster_references(&text).into_iter().map(Upload::Reference));
        } else {
            uploads.push(Upload::File {
                label: file_name.unwrap_or_else(|| format!("part {}", uploads.len() + 1)),
                bytes,
            });
        }
        if uploads.len() > state.max_batch {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RANGE_ERROR",
                &format!("at most {} credentials per request", state.max_batch),
            );
        }
    }
    let mut results = Vec::with_capacity(uploads.len());
    let mut labels = Vec::with_capacity(uploads.len());
    for upload in &uploads {
        let report = match upload {
            Upload::File { label, bytes } => {
                labels.push(label.clone());
                verification::verify_input(bytes, cx).await
            }
            Upload::Reference(reference) => {
                labels.push(reference.clone());
                verify_item(state, &Value::String(reference.clone()), fetcher, cx).await
            }
        };
        count(state, &report);
        results.push(report);
    }
    match results.len() {
        0 => empty_batch(
            "the form has no credential, badge file or roster line with a credential id or link",
        ),
        1 if matches!(uploads.first(), Some(Upload::File { .. })) => report_response(&results[0]),
        _ => batch_response(headers, &labels, &results),
    }
}

/// The refusal of a request with nothing to verify (an empty batch, form or
/// roster): a 400 problem with the stable code `empty_batch`, never a
/// `verified: true` over no credential at all.
fn empty_batch(detail: &str) -> Response {
    ApiError::vc(
        StatusCode::BAD_REQUEST,
        "MALFORMED_VALUE_ERROR",
        detail.to_owned(),
    )
    .with_code(ErrorCode::EmptyBatch)
    .into_response()
}

/// How a batch item is named in a CSV answer: the reference, or `credential`.
fn item_label(item: &Value) -> String {
    match item {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.len() == 1 => o
            .get("url")
            .or_else(|| o.get("id"))
            .and_then(Value::as_str)
            .map_or_else(|| "credential".to_owned(), str::to_owned),
        _ => "credential".to_owned(),
    }
}

/// A spreadsheet cell that cannot run as a formula (OWASP "CSV Injection"):
/// text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`.
fn inert_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A batch's answer: JSON (`{"verified", "results"}`), or — when the client
/// asks for `text/csv` — one row per item for a spreadsheet: the item, the
/// verdict, holder, certification, issuer, dates and the first problem.
fn batch_response(headers: &HeaderMap, labels: &[String], results: &[Report]) -> Response {
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    if !wants_csv {
        let all = !results.is_empty() && results.iter().all(|r| r.verified);
        return (
            [(header::CONTENT_TYPE, "application/json")],
            json!({ "verified": all, "results": results }).to_string(),
        )
            .into_response();
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<[String; 10]> = vec![
        [
            "item",
            "verified",
            "verdict",
            "holder",
            "certification",
            "issuer",
            "valid_from",
            "valid_until",
            "problem_code",
            "problem",
        ]
        .map(str::to_owned),
    ];
    for (label, report) in labels.iter().zip(results) {
        let info = report.credential.clone().unwrap_or_default();
        let failure = report.first_failure();
        rows.push([
            label.clone(),
            report.verified.to_string(),
            report.verdict.label().to_owned(),
            info.holder.unwrap_or_default(),
            info.achievement.unwrap_or_default(),
            info.issuer_name.unwrap_or(info.issuer),
            info.valid_from.unwrap_or_default(),
            info.valid_until.unwrap_or_default(),
            failure.map(|c| c.code.clone()).unwrap_or_default(),
            failure.map(|c| c.message.clone()).unwrap_or_default(),
        ]);
    }
    for row in &rows {
        if let Err(e) = out.write_record(row.iter().map(|c| inert_cell(c))) {
            return ApiError::vc(
                StatusCode::INTERNAL_SERVER_ERROR,
                "PARSING_ERROR",
                "the CSV answer could not be written",
            )
            .caused_by("the CSV answer could not be written", &e)
            .into_response();
        }
    }
    let bytes = out.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"verification.csv\"",
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The credential id a reference names when it is one of this issuer's
/// own: a credential id (`urn:uuid:…` or the bare UUID), or a link to its
/// page or document under the public URL (`{public_url}/v/{uuid}`, as the
/// badge's QR code carries, or `{public_url}/credentials/{uuid}`).
fn own_reference(state: &AppState, reference: &str) -> Option<String> {
    let reference = reference.trim();
    let is_uuid = |s: &str| uuid::Uuid::try_parse(s).is_ok();
    if let Some(u) = reference.strip_prefix("urn:uuid:") {
        return is_uuid(u).then(|| reference.to_owned());
    }
    if is_uuid(reference) {
        return Some(format!("urn:uuid:{reference}"));
    }
    let base = state.issuer.as_deref()?.public_url.trim_end_matches('/');
    let rest = reference.strip_prefix(base)?;
    let u = rest
        .strip_prefix("/v/")
        .or_else(|| rest.strip_prefix("/credentials/"))?
        .trim_end_matches('/');
    is_uuid(u).then(|| format!("urn:uuid:{u}"))
}

/// One batch item: a credential, a reference to one of this issuer's
/// credentials (id or link, read from the store), or a URL (fetched).
async fn verify_item(
    state: &AppState,
    item: &Value,
    fetcher: Option<&HttpFetcher>,
    cx: VerifyContext<'_>,
) -> Report {
    let url = match item {
        Value::String(u) => Some(u.as_str()),
        Value::Object(o) if o.len() == 1 => {
            o.get("url").or_else(|| o.get("id")).and_then(Value::as_str)
        }
        _ => None,
    };
    if let Some(id) = url.and_then(|u| own_reference(state, u)) {
        return match state.store.credential(&id).await {
            Ok(Some(rec)) => verification::verify_bytes(rec.document.as_bytes(), cx).await,
            Ok(None) => Report::of_checks(vec![verification::Check::not_issued_here(&id)], cx.now),
            Err(e) => {
                // A batch item, answered 200 with an `unknown` check: the
                // request-log layer sees no error, so the cause is logged here.
                tracing::error!(credential = %id, error = %e, "batch item: the credential store did not answer");
                Report::of_checks(
                    vec![verification::Check::fetch_failed(
                        "store_unavailable",
                        "the credential store did not answer",
                    )],
                    cx.now,
                )
            }
        };
    }
    match url {
        None => verification::verify_value(item, cx).await,
        Some(url) => {
            let fetched = match fetcher {
                Some(f) => f
                    .get(url, "application/vc, application/ld+json;q=0.9, application/json;q=0.8, image/png;q=0.5, image/svg+xml;q=0.5")
                    .await
                    .map_err(|e| (e.code(), e.to_string())),
                None => Err(("fetch_failed", "fetching is not available".to_owned())),
            };
            match fetched {
                Ok(f) => verification::verify_input(&f.body, cx).await,
                // The credential itself could not be obtained: nothing was checked.
                Err((code, message)) => Report::of_checks(
                    vec![verification::Check::fetch_failed(code, &message)],
                    cx.now,
                ),
            }
        }
    }
}

fn report_response(report: &Report) -> Response {
    let body = serde_json::to_string(report).unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}
