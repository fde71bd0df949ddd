//! `POST /api/v1/verify`: the verification API for HR systems. Accepts a
//! credential (JSON, or a VC-JWT: compact JWS text as the raw body or a
//! JSON string), a baked PNG or SVG (raw body), `{"url": …}` (a bounded
//! fetch), or a batch `{"credentials": [item, …]}` of up to [`MAX_BATCH`]
//! items, each a credential object, a VC-JWT string, `{"url": …}` or a
//! string URL, or a roster (a CSV or text file of credential ids or links,
//! raw or as form parts; see [`super::roster`]). Answers the same report as
//! `rosette verify --json`, or `{"results": [report, …]}` for a batch
//! (shaped, as JSON or CSV, by [`super::batch`]).

use super::batch::{self, Batch, Origin};
use super::error::{ApiError, ErrorCode, vc_json_body, vc_problem as problem};
use super::multipart::{self, FormError, Part};
use super::outbound::{
    FETCH_CONCURRENCY, FETCH_FAILED, FETCH_FAILED_DETAIL, Outbound, RequestInfo,
};
use super::receipts;
use super::roster::{self, Sniffed};
use super::state::{AppState, Pieces, count};
use crate::proof::jwt::looks_like_compact_jws;
use crate::verification::receipt::{self, Received};
use crate::verification::{self, Check, CheckState, Report, VerifyContext};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde_json::Value;
use serde_json::value::RawValue;
use std::sync::Arc;

pub use super::state::MAX_BATCH;

/// `POST /api/v1/verify`.
#[utoipa::path(
    post,
    path = "/api/v1/verify",
    tag = "verification",
    summary = "Verify a credential, a baked badge, a credential URL, or a batch",
    description = "For HR systems. The body is one of: a credential as JSON (`application/json`, \
`application/vc`, `application/ld+json`); a VC-JWT (Open Badges 3.0 §8.2: a compact JWS signed with EdDSA, \
ES256 or RS256, its key from the header's `kid` DID URL or `jwk`) as the raw body (`application/jwt`, \
`application/vc+jwt`, `text/plain`) or as a JSON string; a badge image with the credential baked in (`image/png`, \
`image/svg+xml`: any body whose type is not JSON is sniffed); the same as files of a \
`multipart/form-data` upload (one part: one report; several: a batch); `{\"url\": …}`, fetched with a bounded \
client; or a batch `{\"credentials\": [item, …]}` of at most `max_batch` items (100 by default), each a \
credential, a VC-JWT string, `{\"url\": …}` or a URL string. A reference to one of this issuer's own credentials — its id \
(`urn:uuid:…` or the bare UUID, also as `{\"id\": …}`) or its page link (`{public_url}/v/{uuid}`, what the \
badge's QR code carries) — is read from the store, not fetched. A URL is fetched over HTTPS from a public \
address only (never loopback or another private address, in any spelling, unless the server runs with \
`fetch_allow_loopback`); one that cannot be fetched, whatever the cause, answers one `unknown` check with the \
code `fetch_failed` and no detail (the cause is in the server log under the answer's `X-Request-Id`). The \
fetches of one request share one deadline, a batch's run several at a time, and each client has a budget of \
outbound fetches per minute (a fetch over it is not made and answers `fetch_failed`).\n\n\
**Rosters.** A body or form part is told by its content, not its declared type: JSON, a PNG, an SVG or a \
compact JWT is a credential; other text is a roster (`text/csv`, `text/plain`, or what Windows sends for a \
.csv file: `application/vnd.ms-excel`, `application/octet-stream`). A roster is UTF-8 (a BOM is skipped; \
else Windows-1252), with LF or CRLF line ends, cells separated by `,`, `;` or tab (the one its first line \
uses most) and optionally quoted (RFC 4180). Every line that is not blank gives one result, in order: the \
first cell that is or holds a credential id or link is verified; a line without one answers `NOT VALID` \
with the check code `no_credential_id` naming the line. The first line is a header, not a result, when it \
holds no id but names the column where later lines have theirs. Each roster result carries `line` and \
`input`, the line's cells unchanged (an object keyed by the header's names, or an array); each result of \
a form carries `part` (the form field name) and `filename`. A roster line counts as one item against \
`max_batch`.\n\n\
**CSV.** With `Accept: text/csv` a batch answers CSV, UTF-8 with a BOM: the roster's own columns first, \
then `part`, `filename` (a form), `line` (a roster), `item`, `verified`, `verdict`, holder, certification, \
issuer, dates, the first problem, then `issuer_id`, `issued_here` and `issuer_trust` (in words: \"issuer not on \
your list\"…); cells that a spreadsheet would run as a formula get a leading `'`.\n\n\
The answer is the same report as `rosette verify --json`: one state per check (`valid`, `invalid`, or \
`unknown` when it could not be checked, which never counts as valid), `verified`, true only when \
every check is valid, and `verdict`, the word the verification page shows and the CSV answer writes \
(`VALID`, `REVOKED`, `SUSPENDED`, `EXPIRED`, `NOT FOUND` for an id this issuer never issued, \
`NOT VALID`, or `CANNOT VERIFY` when nothing failed but something could not be checked). Its `credential` \
names the issuer (`issuer`: its DID or URL, `issuer_name`) and says whether this Rosette issued it \
(`issued_here`: its issuer id and one of its keys) and where the issuer stands (`issuer_trust`: \
`this_issuer`, `listed` or `not_listed` against the configured `trusted_issuers`, `no_list` when none is \
configured); that is information for the reader and never changes `verified` or `verdict`. A credential \
that fails verification is still a 200 with `verified: false`. A batch answers \
`{\"verified\": all, \"results\": [report, …]}`. A request with nothing to verify — an empty \
`credentials` array, a form without files, a roster without a line that is not blank — is a 400 \
problem with the code `empty_batch`, never `verified: true`.\n\n\
**Receipts.** With `\"receipt\": true` in a JSON body (`{\"credential\": …, \"receipt\": true}`, \
`{\"url\": …, \"receipt\": true}`, `{\"id\": …, \"receipt\": true}`, `{\"credentials\": […], \"receipt\": true}`) \
or `?receipt=true` (any body: raw credentials, images, forms, rosters), the answer also carries `receipt`: a \
signed `VerificationReceipt`, a VCDM 2.0 credential issued and signed (`eddsa-rdfc-2022`) by this server's \
issuer key, with the context `https://w3id.org/rosette/receipt/v1` (compiled in; served at \
`/contexts/receipt/v1`). Its `credentialSubject` holds the verified credential's `id`, the \
`digestMultibase` (sha2-256 multihash, base64url) of the credential's bytes as received — the whole raw \
body, the `credential` member's text as sent, the stored or fetched document for a reference or URL, the \
credential baked in an image — and for a baked image `bakedImage` (its digest and `mediaType`), `verified`, \
`verdict`, each check's `check`, `state`, `code` (and `path`), `checkedAt` and the `verifier` (id and \
name); never a check's message. A batch gives each result its own `receipt`; the CSV answer carries none. \
Receipts are not stored by the server. A body `{\"receipt\": {…}, \"credential\": …}` verifies a receipt \
(any credential whose `type` lists `VerificationReceipt` is verified as one: the report's `attests` says \
what it attests) and, when the credential is given, compares its digest: check `receipt_digest`, code \
`receipt_digest_mismatch` when it differs. A server without an issuer key answers a receipt request with \
404 `not_issuing`.",
    request_body(
        description = "A credential, `{\"url\": …}`, a batch, a baked badge image, or a roster.",
        content(
            (super::dto::VerifyRequest = "application/json"),
            (super::dto::Credential = "application/vc"),
            (super::dto::Credential = "application/ld+json"),
            ("image/png"),
            ("image/svg+xml"),
            ("multipart/form-data"),
            ("text/csv"),
            ("text/plain"),
            ("application/jwt"),
            ("application/vc+jwt"),
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
files, a roster of blank lines.",
            body = super::error::Problem, content_type = "application/problem+json",
            example = json!({"type": "https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR",
                "title": "the batch is empty: `credentials` lists nothing to verify",
                "status": 400, "code": "empty_batch"})),
        (status = 413, description = "The body is larger than `max_body_bytes` (1 MB by default), or the batch has more than `max_batch` items (a roster line counts one); the problem names the limit.",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    request: RequestInfo,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut want = match receipts::query_flag(query.as_deref()) {
        Ok(want) => want,
        Err(refusal) => return refusal.into_response(),
    };
    if want && state.issuer.is_none() {
        return receipts::unavailable().into_response();
    }
    let pieces = Pieces::new(&state, request);
    let own = pieces.own_lists(&state);
    let cx = pieces.context(own.as_ref());
    let fetcher = pieces.fetcher.as_ref();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        return verify_multipart(&state, &headers, content_type, body, fetcher, cx, want).await;
    }
    // `application/vc+jwt` (a VC-JWT) is not JSON, though it starts like `application/vc`.
    let is_json = (content_type.contains("json") || content_type.starts_with("application/vc"))
        && !content_type.contains("jwt");
    if !is_json {
        let essence = content_type
            .split(';')
            .next()
            .map(|t| t.trim().to_ascii_lowercase());
        if roster::sniff(&body, essence.as_deref()) == Sniffed::Roster {
            // A roster sent as the whole body (`text/csv`, `text/plain`…).
            let items = roster_items(&body, None, None);
            if items.is_empty() {
                return empty_batch("the roster has no line to verify: the body is empty or blank");
            }
            if let Some(refusal) = refuse_size(&state, items.len(), "roster") {
                return refusal;
            }
            let rows = verify_all(&state, items, fetcher, cx, want).await;
            return batch_answer(&state, &headers, rows, false, want);
        }
        // A baked image (or anything else): let the sniffing verifier decide.
        let report = verification::verify_input(&body, cx).await;
        count(&state, &report);
        return answer_one(&state, &report, want.then(|| Received::input(&body)));
    }
    let mut value = match vc_json_body(&body) {
        Ok(v) => v,
        Err(answer) => return answer.into_response(),
    };
    // A wrapper (an object that is not itself a JSON-LD document) may ask
    // for a receipt, carry the credential, or carry a receipt to verify.
    let wrapper = value
        .as_object()
        .is_some_and(|o| !o.contains_key("@context"));
    // What the request itself says was received (the credential's text as sent).
    let mut given = None;
    if wrapper {
        match value.get("receipt") {
            Some(Value::Bool(flag)) => {
                want |= *flag;
                if let Some(o) = value.as_object_mut() {
                    o.remove("receipt");
                    if o.is_empty() {
                        return malformed(
                            "nothing to verify next to `receipt`: give `credential`, `url`, `id` \
                             or `credentials`",
                        );
                    }
                }
            }
            Some(Value::Object(_)) => return verify_receipt(&state, &body, &value, cx).await,
            Some(_) => return malformed("`receipt` must be true, false, or a receipt to verify"),
            None => {}
        }
        if want && state.issuer.is_none() {
            return receipts::unavailable().into_response();
        }
        if let Some(o) = value.as_object_mut()
            && o.contains_key("credential")
        {
            if o.len() > 1 {
                return malformed(
                    "next to `credential`, only `receipt` (true or false) may be given",
                );
            }
            // The credential's exact text is digested only for a receipt.
            if want {
                given = raw_member(&body, "credential").and_then(received_of_raw);
            }
            value = o.remove("credential").unwrap_or(Value::Null);
        }
    } else if want {
        // The whole body is the credential (or a VC-JWT as a JSON string).
        // A JSON string is a VC-JWT (its text) or a reference (read or
        // fetched, and digested then).
        given = match &value {
            Value::String(text) => looks_like_compact_jws(text.as_bytes())
                .then(|| Received::credential(text.as_bytes())),
            _ => Some(Received::credential(&body)),
        };
    }
    if let Some(items) = value.get_mut("credentials").map(Value::take) {
        let Value::Array(items) = items else {
            return problem(
                StatusCode::BAD_REQUEST,
                "MALFORMED_VALUE_ERROR",
                "credentials must be an array",
            );
        };
        if items.is_empty() {
            return empty_batch("the batch is empty: `credentials` lists nothing to verify");
        }
        if let Some(refusal) = refuse_size(&state, items.len(), "batch") {
            return refusal;
        }
        // Each item's text as sent, for its receipt's digest.
        let mut raw = if want {
            raw_items(&body).into_iter()
        } else {
            Vec::new().into_iter()
        };
        // The batch owns its items: each is moved, not copied.
        let items = items
            .into_iter()
            .map(|item| {
                let origin = Origin {
                    item: item_label(&item),
                    ..Origin::default()
                };
                let given = raw.next().flatten();
                (origin, Pending::Item(item, given))
            })
            .collect();
        let rows = verify_all(&state, items, fetcher, cx, want).await;
        return batch_answer(&state, &headers, rows, false, want);
    }
    let (report, obtained) = verify_item(&state, &value, fetcher, cx).await;
    count(&state, &report);
    let received = want.then(|| {
        obtained
            .map(|bytes| Received::input(&bytes))
            .or(given)
            .unwrap_or_default()
    });
    answer_one(&state, &report, received)
}

/// A 400 problem for a JSON body of the wrong shape.
fn malformed(detail: &str) -> Response {
    problem(StatusCode::BAD_REQUEST, "MALFORMED_VALUE_ERROR", detail)
}

/// One report, with its signed receipt when `received` is given.
fn answer_one(state: &AppState, report: &Report, received: Option<Received>) -> Response {
    let Some(received) = received else {
        return report_response(report);
    };
    match receipts::sign(state, report, &received) {
        Ok(receipt) => receipts::report_with_receipt(report, Some(receipt)),
        Err(e) => e.into_response(),
    }
}

/// A batch's answer, each row with its signed receipt when `want` (and the
/// answer is JSON: the CSV answer carries no receipts).
fn batch_answer(
    state: &AppState,
    headers: &HeaderMap,
    rows: Vec<(Origin, Report, Received)>,
    form: bool,
    want: bool,
) -> Response {
    let mut batch = Batch {
        rows: Vec::with_capacity(rows.len()),
        form,
        receipts: Vec::new(),
    };
    let sign = want && !batch::wants_csv(headers);
    for (origin, report, received) in rows {
        if sign {
            match receipts::sign(state, &report, &received) {
                Ok(receipt) => batch.receipts.push(receipt),
                Err(e) => return e.into_response(),
            }
        }
        batch.rows.push((origin, report));
    }
    batch::answer(headers, batch)
}

/// The raw text of the top-level member `name` of a JSON object body.
fn raw_member<'a>(body: &'a [u8], name: &str) -> Option<&'a RawValue> {
    let members: std::collections::HashMap<&str, &RawValue> = serde_json::from_slice(body).ok()?;
    members.get(name).copied()
}

/// The raw text of each item of a batch body's `credentials` array, for
/// the items that are themselves credentials.
fn raw_items(body: &[u8]) -> Vec<Option<Received>> {
    let Some(raw) = raw_member(body, "credentials") else {
        return Vec::new();
    };
    serde_json::from_str::<Vec<&RawValue>>(raw.get())
        .map(|items| items.into_iter().map(received_of_raw).collect())
        .unwrap_or_default()
}

/// What a credential given inside a JSON body is, as received: an object's
/// text exactly as sent, or a VC-JWT string's text. `None` for anything
/// else (a reference is read or fetched, and digested then).
fn received_of_raw(raw: &RawValue) -> Option<Received> {
    let text = raw.get();
    if text.starts_with('{') {
        return Some(Received::credential(text.as_bytes()));
    }
    let string: String = serde_json::from_str(text).ok()?;
    looks_like_compact_jws(string.as_bytes()).then(|| Received::credential(string.as_bytes()))
}

/// `{"receipt": {…}, "credential": …}`: verifies the receipt (its proof and
/// its issuer's key, like any credential) and, when the credential it was
/// made for is given, compares its digest (check `receipt_digest`).
async fn verify_receipt(
    state: &AppState,
    body: &[u8],
    value: &Value,
    cx: VerifyContext<'_>,
) -> Response {
    if value
        .as_object()
        .is_some_and(|o| o.keys().any(|k| k != "receipt" && k != "credential"))
    {
        return malformed("next to `receipt`, only `credential` may be given");
    }
    let report = verification::verify_value(&value["receipt"], cx).await;
    let report = match raw_member(body, "credential") {
        None => receipt::expect_receipt(report),
        Some(raw) => {
            let text = raw.get();
            let bytes = match serde_json::from_str::<String>(text) {
                Ok(string) => string.into_bytes(),
                Err(_) => text.as_bytes().to_vec(),
            };
            receipt::with_credential(report, &bytes)
        }
    };
    count(state, &report);
    report_response(&report)
}

/// What one batch item is.
enum Pending {
    /// An item of a JSON batch: a credential, `{"url": …}`, a reference;
    /// with its text as sent when it is a credential.
    Item(Value, Option<Received>),
    /// A credential file: JSON, or a baked PNG or SVG.
    File(Bytes),
    /// A roster line's credential id or link.
    Reference(String),
    /// A roster line without a credential id or link.
    NoReference,
}

/// The items of a roster, one per data line (see [`roster::parse`]).
fn roster_items(
    bytes: &[u8],
    part: Option<&str>,
    filename: Option<&str>,
) -> Vec<(Origin, Pending)> {
    let roster = roster::parse(bytes);
    let header = roster.header.map(Arc::new);
    roster
        .rows
        .into_iter()
        .map(|row| {
            let origin = Origin {
                part: part.map(str::to_owned),
                filename: filename.map(str::to_owned),
                line: Some(row.line),
                item: row.reference.clone().unwrap_or_default(),
                cells: row.cells,
                header: header.clone(),
            };
            let pending = row
                .reference
                .map_or(Pending::NoReference, Pending::Reference);
            (origin, pending)
        })
        .collect()
}

/// The 413 problem for more than `max_batch` items (a roster line counts
/// one), naming the limit; nothing is verified, nothing cut off.
fn refuse_size(state: &AppState, items: usize, what: &str) -> Option<Response> {
    (items > state.max_batch).then(|| too_many(state, what))
}

/// The 413 problem of [`refuse_size`].
fn too_many(state: &AppState, what: &str) -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RANGE_ERROR",
        &format!(
            "the {what} has more than {max} items to verify (a roster line counts one): \
             at most {max} per request (`max_batch`)",
            max = state.max_batch
        ),
    )
}

/// Verifies the items, [`FETCH_CONCURRENCY`] at a time, answering in
/// their order; every fetch shares the request's one deadline. A roster
/// line without a reference is not verified: its report has one `invalid`
/// check, code `no_credential_id`, naming the line (verdict `NOT VALID`).
async fn verify_all(
    state: &AppState,
    items: Vec<(Origin, Pending)>,
    fetcher: Option<&Outbound>,
    cx: VerifyContext<'_>,
    want: bool,
) -> Vec<(Origin, Report, Received)> {
    let digest = move |bytes: Option<Bytes>, given: Option<Received>| {
        if !want {
            return Received::default();
        }
        bytes
            .map(|b| Received::input(&b))
            .or(given)
            .unwrap_or_default()
    };
    futures_util::stream::iter(items)
        .map(|(origin, pending)| async move {
            let (report, received) = match pending {
                Pending::Item(value, given) => {
                    let (report, obtained) = verify_item(state, &value, fetcher, cx).await;
                    (report, digest(obtained, given))
                }
                Pending::File(bytes) => {
                    let report = verification::verify_input(&bytes, cx).await;
                    (report, digest(Some(bytes), None))
                }
                Pending::Reference(r) => {
                    let (report, obtained) =
                        verify_item(state, &Value::String(r), fetcher, cx).await;
                    (report, digest(obtained, None))
                }
                Pending::NoReference => {
                    let report = Report::of_checks(vec![no_reference(&origin)], cx.now);
                    return (origin, report, Received::default());
                }
            };
            count(state, &report);
            (origin, report, received)
        })
        .buffered(FETCH_CONCURRENCY)
        .collect()
        .await
}

/// The check of a roster line without a credential id or link.
fn no_reference(origin: &Origin) -> Check {
    let place = origin
        .filename
        .as_deref()
        .or(origin.part.as_deref())
        .map(|f| format!(" of {f}"))
        .unwrap_or_default();
    Check {
        check: "parse",
        state: CheckState::Invalid,
        code: "no_credential_id".into(),
        message: format!(
            "line {}{place} has no credential id (urn:uuid:…, a UUID) or link (https://…)",
            origin.line.unwrap_or_default()
        ),
        path: None,
    }
}

/// `multipart/form-data` (RFC 7578), as a browser form or `curl -F` sends
/// it. Each part is decided by its content ([`roster::sniff`]), whatever
/// type it declares: a credential file (JSON, a baked PNG or SVG) is one
/// item; a roster (text, CSV) is one item per data line. One credential
/// file answers one report; anything else a batch, in order, each row
/// naming its part (field name and file name) and roster line, at most
/// `max_batch` items.
async fn verify_multipart(
    state: &AppState,
    headers: &HeaderMap,
    content_type: &str,
    body: Bytes,
    fetcher: Option<&Outbound>,
    cx: VerifyContext<'_>,
    want: bool,
) -> Response {
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "multipart/form-data without a boundary",
        );
    };
    let parts = match multipart::read_form(body, &boundary, state.max_batch).await {
        Ok(parts) => parts,
        // Each part that is not blank is at least one item.
        Err(FormError::TooManyParts { .. }) => return too_many(state, "form"),
        Err(e) => return problem(StatusCode::BAD_REQUEST, "PARSING_ERROR", &e.to_string()),
    };
    let mut items: Vec<(Origin, Pending)> = Vec::new();
    let mut rosters = 0;
    for Part {
        name: part,
        filename,
        kind,
        bytes,
    } in parts
    {
        if kind == Sniffed::Roster {
            rosters += 1;
            items.extend(roster_items(&bytes, part.as_deref(), filename.as_deref()));
        } else {
            let origin = Origin {
                item: filename
                    .clone()
                    .unwrap_or_else(|| format!("part {}", items.len() + 1)),
                part,
                filename,
                ..Origin::default()
            };
            items.push((origin, Pending::File(bytes)));
        }
        if let Some(refusal) = refuse_size(state, items.len(), "form") {
            return refusal;
        }
    }
    if items.is_empty() {
        return empty_batch("the form has no credential, badge file or roster line to verify");
    }
    let single = rosters == 0 && items.len() == 1;
    let mut rows = verify_all(state, items, fetcher, cx, want).await;
    match rows.pop() {
        Some((_, report, received)) if single => {
            answer_one(state, &report, want.then_some(received))
        }
        last => {
            rows.extend(last);
            batch_answer(state, headers, rows, true, want)
        }
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
/// credentials (id or link, read from the store), or a URL (fetched; any
/// failure is the opaque `fetch_failed`, its cause logged).
async fn verify_item(
    state: &AppState,
    item: &Value,
    fetcher: Option<&Outbound>,
    cx: VerifyContext<'_>,
) -> (Report, Option<Bytes>) {
    // A VC-JWT given as a JSON string (OB 3.0 §8.2), not a reference.
    if let Value::String(text) = item
        && looks_like_compact_jws(text.as_bytes())
    {
        return (verification::verify_jws_text(text, cx).await, None);
    }
    let url = match item {
        Value::String(u) => Some(u.as_str()),
        Value::Object(o) if o.len() == 1 => {
            o.get("url").or_else(|| o.get("id")).and_then(Value::as_str)
        }
        _ => None,
    };
    if let Some(id) = url.and_then(|u| own_reference(state, u)) {
        return match state.store.credential(&id).await {
            Ok(Some(rec)) => {
                let report = verification::verify_bytes(rec.document.as_bytes(), cx).await;
                (report, Some(Bytes::from(rec.document)))
            }
            Ok(None) => (
                Report::of_checks(vec![verification::Check::not_issued_here(&id)], cx.now),
                None,
            ),
            Err(e) => {
                // A batch item, answered 200 with an `unknown` check: the
                // request-log layer sees no error, so the cause is logged here.
                tracing::error!(credential = %id, error = %e, "batch item: the credential store did not answer");
                let report = Report::of_checks(
                    vec![verification::Check::fetch_failed(
                        "store_unavailable",
                        "the credential store did not answer",
                    )],
                    cx.now,
                );
                (report, None)
            }
        };
    }
    match url {
        None => (verification::verify_value(item, cx).await, None),
        Some(url) => {
            let fetched = match fetcher {
                Some(f) => f
                    .get(url, "application/vc, application/ld+json;q=0.9, application/json;q=0.8, image/png;q=0.5, image/svg+xml;q=0.5", "a credential URL")
                    .await,
                None => {
                    tracing::info!(url, "a credential URL was not fetched: this server has no fetcher");
                    Err(())
                }
            };
            match fetched {
                Ok(f) => {
                    let report = verification::verify_input(&f.body, cx).await;
                    (report, Some(Bytes::from(f.body)))
                }
                // The credential itself could not be obtained: nothing was checked.
                Err(()) => (
                    Report::of_checks(
                        vec![verification::Check::fetch_failed(
                            FETCH_FAILED,
                            FETCH_FAILED_DETAIL,
                        )],
                        cx.now,
                    ),
                    None,
                ),
            }
        }
    }
}

fn report_response(report: &Report) -> Response {
    let body = serde_json::to_string(report).unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}
