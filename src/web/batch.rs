//! The answer to a batch of `POST /api/v1/verify`: JSON (`{"verified",
//! "results"}`), or CSV rows for a spreadsheet. Each row says where its item
//! came from (form part, file name, roster line) and echoes the employer's
//! own roster columns.

use super::dto::{BatchReport, BatchResult};
use super::error::ApiError;
use crate::issuance::bulk::inert_cell;
use crate::verification::Report;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Where a batch item came from.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The form field name of its `multipart/form-data` part.
    pub part: Option<String>,
    /// The file name of that part.
    pub filename: Option<String>,
    /// Its line in a roster (1-based).
    pub line: Option<u64>,
    /// How the CSV's `item` column names it: the reference, the file name.
    pub item: String,
    /// The roster line's cells, as the employer wrote them.
    pub cells: Vec<String>,
    /// The roster's header line, when it has one.
    pub header: Option<Arc<Vec<String>>>,
}

impl Origin {
    /// The JSON `input` echo of a roster line: an object keyed by the
    /// header's names (`column N` for a cell without a name of its own or
    /// with a name an earlier cell took), or an array without a header.
    fn input(&self) -> Option<Value> {
        self.line?;
        let cells = self.cells.iter().cloned().map(Value::String);
        let Some(header) = &self.header else {
            return Some(Value::Array(cells.collect()));
        };
        let mut object = Map::new();
        for (i, cell) in cells.enumerate() {
            let name = header
                .get(i)
                .filter(|n| !n.is_empty() && !object.contains_key(n.as_str()))
                .cloned()
                .unwrap_or_else(|| format!("column {}", i + 1));
            object.insert(name, cell);
        }
        Some(Value::Object(object))
    }
}

/// A batch's rows, in order.
#[derive(Debug, Default)]
pub struct Batch {
    /// Each item's origin and report.
    pub rows: Vec<(Origin, Report)>,
    /// Whether it came as a form (the CSV then has `part` and `filename`).
    pub form: bool,
    /// The signed verification receipt of each row, in order, when asked
    /// for (else empty). The CSV answer carries none.
    pub receipts: Vec<Value>,
}

/// The names of the employer's columns in the CSV answer, as many as the
/// widest roster line has cells: the header's names when every roster line
/// has the same header, else (and for a cell without a name) `column N`.
fn employer_columns(rows: &[(Origin, Report)]) -> Vec<String> {
    let width = rows.iter().map(|(o, _)| o.cells.len()).max().unwrap_or(0);
    let mut headers = rows
        .iter()
        .filter(|(o, _)| o.line.is_some())
        .map(|(o, _)| &o.header);
    let first = headers.next().cloned().flatten();
    let shared = first.filter(|h| headers.all(|other| other.as_ref() == Some(h)));
    (0..width)
        .map(|i| {
            shared
                .as_ref()
                .and_then(|h| h.get(i))
                .filter(|n| !n.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("column {}", i + 1))
        })
        .collect()
}

/// Whether the client asks for the CSV answer (`Accept: text/csv`).
pub fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"))
}

/// The answer: JSON, or CSV when the client asks for `text/csv`.
pub fn answer(headers: &HeaderMap, batch: Batch) -> Response {
    if wants_csv(headers) {
        return csv_answer(&batch);
    }
    let verified = !batch.rows.is_empty() && batch.rows.iter().all(|(_, r)| r.verified);
    let mut receipts = batch.receipts.into_iter();
    let results = batch
        .rows
        .into_iter()
        .map(|(origin, report)| BatchResult {
            input: origin.input(),
            part: origin.part,
            filename: origin.filename,
            line: origin.line,
            report,
            receipt: receipts.next(),
        })
        .collect();
    let body =
        serde_json::to_string(&BatchReport { verified, results }).unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The CSV answer, with a UTF-8 BOM (so spreadsheet programs read it as
/// UTF-8): the employer's roster columns first (named by its header when
/// every roster in the request has that same header, else `column N`),
/// `part` and `filename` for a form, `line` for a roster, then `item`,
/// `verified`, `verdict`, holder, certification, issuer, dates and the
/// first problem, then (added later, so existing column positions hold)
/// the issuer id, whether it was issued here and the issuer's standing
/// ([`crate::verification::IssuerTrust::label`]: "issuer not on your
/// list"…). Every cell goes through [`inert_cell`].
fn csv_answer(batch: &Batch) -> Response {
    let roster = batch.rows.iter().any(|(o, _)| o.line.is_some());
    let mut head = employer_columns(&batch.rows);
    let width = head.len();
    let ours: &[&str] = &[
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
        "issuer_id",
        "issued_here",
        "issuer_trust",
    ];
    let place: &[&str] = match (batch.form, roster) {
        (true, true) => &["part", "filename", "line"],
        (true, false) => &["part", "filename"],
        (false, true) => &["line"],
        (false, false) => &[],
    };
    head.extend(place.iter().chain(ours).map(|s| (*s).to_owned()));
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut written = out.write_record(head.iter().map(|c| inert_cell(c)));
    for (origin, report) in &batch.rows {
        let credential = report.credential.as_ref();
        let info = report.credential.clone().unwrap_or_default();
        let failure = report.first_failure();
        let mut row = origin.cells.clone();
        row.resize(width, String::new());
        if batch.form {
            row.push(origin.part.clone().unwrap_or_default());
            row.push(origin.filename.clone().unwrap_or_default());
        }
        if roster {
            row.push(origin.line.map(|l| l.to_string()).unwrap_or_default());
        }
        row.extend([
            origin.item.clone(),
            report.verified.to_string(),
            report.verdict.label().to_owned(),
            info.holder.unwrap_or_default(),
            info.achievement.unwrap_or_default(),
            info.issuer_name.unwrap_or(info.issuer),
            info.valid_from.unwrap_or_default(),
            info.valid_until.unwrap_or_default(),
            failure.map(|c| c.code.clone()).unwrap_or_default(),
            failure.map(|c| c.message.clone()).unwrap_or_default(),
            credential.map(|c| c.issuer.clone()).unwrap_or_default(),
            credential
                .map(|c| c.issued_here.to_string())
                .unwrap_or_default(),
            credential
                .map(|c| c.issuer_trust.label().to_owned())
                .unwrap_or_default(),
        ]);
        written = written.and_then(|()| out.write_record(row.iter().map(|c| inert_cell(c))));
    }
    let bytes = written.and_then(|()| {
        out.into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    });
    match bytes {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"verification.csv\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => ApiError::vc(
            StatusCode::INTERNAL_SERVER_ERROR,
            "PARSING_ERROR",
            "the CSV answer could not be written",
        )
        .caused_by("the CSV answer could not be written", &e)
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_echo_keys_cells_by_header_name_without_losing_any() {
        let origin = Origin {
            line: Some(2),
            cells: vec!["Ada".into(), "E-1".into(), "x".into(), "y".into()],
            header: Some(Arc::new(vec!["name".into(), "name".into(), String::new()])),
            ..Origin::default()
        };
        assert_eq!(
            origin.input(),
            Some(
                serde_json::json!({"name": "Ada", "column 2": "E-1", "column 3": "x", "column 4": "y"})
            )
        );
        let bare = Origin {
            header: None,
            ..origin
        };
        assert_eq!(
            bare.input(),
            Some(serde_json::json!(["Ada", "E-1", "x", "y"]))
        );
        assert_eq!(Origin::default().input(), None);
    }

    #[test]
    fn the_csv_names_the_employers_columns_only_when_every_roster_agrees() {
        let header =
            |names: &[&str]| Some(Arc::new(names.iter().map(|n| (*n).to_owned()).collect()));
        let line = |cells: usize, header: Option<Arc<Vec<String>>>| {
            let origin = Origin {
                line: Some(2),
                cells: vec!["x".into(); cells],
                header,
                ..Origin::default()
            };
            let report = Report::of_checks(Vec::new(), chrono::DateTime::UNIX_EPOCH);
            (origin, report)
        };
        let team = header(&["name", ""]);
        let file = (
            Origin::default(),
            Report::of_checks(Vec::new(), chrono::DateTime::UNIX_EPOCH),
        );
        let same = [line(2, team.clone()), line(3, team.clone()), file];
        assert_eq!(employer_columns(&same), ["name", "column 2", "column 3"]);
        let mixed = [line(2, team.clone()), line(2, header(&["nom", "lien"]))];
        assert_eq!(employer_columns(&mixed), ["column 1", "column 2"]);
        let partly = [line(1, team), line(1, None)];
        assert_eq!(employer_columns(&partly), ["column 1"]);
        assert!(employer_columns(&[]).is_empty());
    }
}
