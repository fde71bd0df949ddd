//! Bulk issuance from CSV.
//!
//! Columns (header row required, order free, names case-insensitive):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `name` | yes | holder's display name |
//! | `email` | yes | holder's e-mail (stored; only its salted hash is signed) |
//! | `certification` | yes | catalog slug, e.g. `gitlab-ci-cd-specialist` |
//! | `written_score` | yes | percent score 0–100 |
//! | `written_date` | yes | `YYYY-MM-DD` |
//! | `lab_result` | yes | `pass` or `fail` |
//! | `grader` | yes | the registered Professional Services grader |
//! | `lab_date` | yes | `YYYY-MM-DD` |
//! | `external_id` | no | the issuance's id in another system; unique |
//! | `attempt` | no | attempt number, default 1 |
//! | `written_reference` | no | exam form or session id |
//! | `lab_notes` | no | rubric notes, carried as lab evidence |
//!
//! Rows are processed in chunks: each chunk's credentials are signed in
//! parallel, then written in one transaction with their candidates,
//! assessments and audit entries. A bad row is refused with its reason and
//! never stops the others, and leaves nothing behind: no candidate, no
//! assessment. Every row follows the rules of single issuance: the lab
//! follows a passed written stage ([`super::passed_stages`], `stage_failed`)
//! and the dates obey [`super::check_stage_dates`]. Re-running the same file
//! after an interruption finishes the job: committed rows come back as
//! "already issued" — only for the same candidate, certification and
//! attempt ([`super::repeat_of`]); an external id already used by another
//! issuance is refused as `external_id_conflict`, and a row whose
//! credential was revoked since is refused as `revoked`
//! ([`super::check_repeat`]).

use super::{
    Actor, IssuanceError, Issuer, Role, StageDates, assessment_audit, check_attempt, check_date,
    check_name, check_stage_dates, issuance_key, normalize_email, passed_stages, same_result,
    stamp,
};
use crate::audit::AuditDraft;
use crate::store::{AssessmentKind, AssessmentRecord, CandidateRecord, CredentialRecord};
use serde_json::json;
use std::collections::HashMap;

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A credential was issued.
    Issued,
    /// The credential existed already (same attempt or external id).
    AlreadyIssued,
    /// The row was refused; see the code and message.
    Refused,
}

impl Outcome {
    /// `issued`, `already issued`, `refused`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Issued => "issued",
            Outcome::AlreadyIssued => "already issued",
            Outcome::Refused => "refused",
        }
    }
}

/// The outcome of one CSV row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowOutcome {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// `external_id` as given.
    pub external_id: String,
    /// `email` as given.
    pub email: String,
    /// `certification` as given.
    pub certification: String,
    /// What happened.
    pub outcome: Outcome,
    /// The credential, when issued or already issued.
    pub credential_id: String,
    /// Stable code (`ok`, `already_issued`, or the refusal's code).
    pub code: String,
    /// Human-readable reason.
    pub message: String,
}

/// Totals of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Rows read.
    pub rows: u64,
    /// Issued now.
    pub issued: u64,
    /// Issued before.
    pub already_issued: u64,
    /// Refused.
    pub refused: u64,
}

/// Tuning of an import.
#[derive(Debug, Clone, Copy)]
pub struct BulkOptions {
    /// Rows per transaction.
    pub chunk: usize,
    /// Signing threads.
    pub threads: usize,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            chunk: 500,
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
        }
    }
}

/// A validated row.
#[derive(Debug, Clone)]
struct Row {
    line: u64,
    raw: RawIds,
    name: String,
    email: String,
    certification: String,
    attempt: i64,
    written_score: f64,
    written_date: String,
    written_reference: Option<String>,
    lab_passed: bool,
    grader: String,
    lab_date: String,
    lab_notes: Option<String>,
    external_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct RawIds {
    external_id: String,
    email: String,
    certification: String,
}

/// The columns every roster's header names (in any order).
pub const REQUIRED: &[&str] = &[
    "name",
    "email",
    "certification",
    "written_score",
    "written_date",
    "lab_result",
    "grader",
    "lab_date",
];
/// The columns a roster may add.
pub const OPTIONAL: &[&str] = &["external_id", "attempt", "written_reference", "lab_notes"];

/// Column positions from the header.
struct Columns(HashMap<&'static str, usize>);

impl Columns {
    fn from_header(header: &csv::ByteRecord) -> Result<Columns, IssuanceError> {
        let mut map = HashMap::new();
        for (i, field) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(field)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase();
            if let Some(known) = REQUIRED.iter().chain(OPTIONAL).find(|k| **k == name) {
                map.insert(*known, i);
            } else if !name.is_empty() {
                return Err(IssuanceError::Invalid {
                    field: "csv header",
                    message: format!("unknown column {name:?}"),
                });
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|k| !map.contains_key(*k))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(IssuanceError::Invalid {
                field: "csv header",
                message: format!("missing column(s): {}", missing.join(", ")),
            });
        }
        Ok(Columns(map))
    }

    fn get<'r>(
        &self,
        record: &'r csv::ByteRecord,
        name: &'static str,
    ) -> Result<Option<&'r str>, String> {
        let Some(&i) = self.0.get(name) else {
            return Ok(None);
        };
        match record.get(i) {
            None => Ok(None),
            Some(bytes) => std::str::from_utf8(bytes)
                .map(|s| Some(s.trim()).filter(|s| !s.is_empty()))
                .map_err(|_| format!("column {name} is not valid UTF-8")),
        }
    }
}

fn refused(line: u64, raw: &RawIds, code: &str, message: impl Into<String>) -> RowOutcome {
    RowOutcome {
        line,
        external_id: raw.external_id.clone(),
        email: raw.email.clone(),
        certification: raw.certification.clone(),
        outcome: Outcome::Refused,
        credential_id: String::new(),
        code: code.to_owned(),
        message: message.into(),
    }
}

impl Issuer<'_> {
    // A refusal is the row's outcome itself; each row is parsed once.
    #[allow(clippy::result_large_err)]
    fn parse_row(
        &self,
        cols: &Columns,
        record: &csv::ByteRecord,
        line: u64,
    ) -> Result<Row, RowOutcome> {
        let lossy = |name| {
            cols.0
                .get(name)
                .and_then(|&i| record.get(i))
                .map(|b| String::from_utf8_lossy(b).trim().to_owned())
                .unwrap_or_default()
        };
        let raw = RawIds {
            external_id: lossy("external_id"),
            email: lossy("email"),
            certification: lossy("certification"),
        };
        let fail = |code: &str, msg: String| refused(line, &raw, code, msg);
        let field = |name: &'static str| -> Result<Option<&str>, RowOutcome> {
            cols.get(record, name).map_err(|m| fail("invalid_input", m))
        };
        let required = |name: &'static str| -> Result<&str, RowOutcome> {
            field(name)?.ok_or_else(|| fail("invalid_input", format!("{name} is empty")))
        };
        let from_err = |e: IssuanceError| fail(e.code(), e.to_string());
        let certification = required("certification")?;
        let cert = self.certification(certification).map_err(from_err)?;
        let score_text = required("written_score")?;
        let written_score: f64 = score_text
            .trim_end_matches('%')
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && (0.0..=100.0).contains(s))
            .ok_or_else(|| {
                fail(
                    "invalid_input",
                    format!(
                        "written_score {score_text:?} is not a percent score between 0 and 100"
                    ),
                )
            })?;
        let lab_passed = match required("lab_result")?.to_lowercase().as_str() {
            "pass" | "passed" => true,
            "fail" | "failed" => false,
            other => {
                return Err(fail(
                    "invalid_input",
                    format!("lab_result {other:?} is not pass or fail"),
                ));
            }
        };
        let grader = required("grader")?.to_owned();
        self.check_grader(&Actor::grader(&grader))
            .map_err(from_err)?;
        let attempt = match field("attempt")? {
            None => 1,
            Some(a) => check_attempt(
                a.parse()
                    .map_err(|_| fail("invalid_input", format!("attempt {a:?} is not a number")))?,
            )
            .map_err(from_err)?,
        };
        let notes = field("lab_notes")?.map(str::to_owned);
        if let Some(n) = &notes {
            crate::model::check_signable_text("lab_notes", n)
                .map_err(|e| fail("invalid_input", e.to_string()))?;
        }
        let written_date =
            check_date("written_date", required("written_date")?).map_err(from_err)?;
        let lab_date = check_date("lab_date", required("lab_date")?).map_err(from_err)?;
        check_stage_dates(
            self.today(),
            StageDates {
                written: Some(&written_date),
                lab: Some(&lab_date),
                issued: Some(self.today()),
            },
        )
        .map_err(from_err)?;
        Ok(Row {
            line,
            name: check_name(required("name")?).map_err(from_err)?,
            email: normalize_email(required("email")?).map_err(from_err)?,
            certification: cert.slug.to_string(),
            attempt,
            written_score,
            written_date,
            written_reference: field("written_reference")?.map(str::to_owned),
            lab_passed,
            grader,
            lab_date,
            lab_notes: notes,
            external_id: field("external_id")?.map(str::to_owned),
            raw,
        })
    }

    /// Imports a CSV file (see the module docs). `on_outcome` receives
    /// every row's outcome in file order as soon as its chunk is done;
    /// `on_progress` the number of rows finished so far.
    pub async fn import_csv<R: std::io::Read>(
        &self,
        input: R,
        actor: &Actor,
        options: BulkOptions,
        on_outcome: &mut dyn FnMut(&RowOutcome),
        on_progress: &mut dyn FnMut(u64),
    ) -> Result<Summary, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        let header = reader
            .byte_headers()
            .map_err(|e| IssuanceError::Invalid {
                field: "csv",
                message: e.to_string(),
            })?
            .clone();
        let cols = Columns::from_header(&header)?;
        let mut summary = Summary::default();
        let mut chunk: Vec<Result<Row, RowOutcome>> = Vec::with_capacity(options.chunk);
        let mut record = csv::ByteRecord::new();
        loop {
            let more = match reader.read_byte_record(&mut record) {
                Ok(more) => more,
                Err(e) => {
                    // A malformed row: report it and go on with the next one.
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    chunk.push(Err(refused(
                        line,
                        &RawIds::default(),
                        "malformed_row",
                        format!("malformed CSV: {e}"),
                    )));
                    !matches!(e.kind(), csv::ErrorKind::Io(_))
                }
            };
            if more
                && !record.is_empty()
                && !(record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()))
            {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                chunk.push(self.parse_row(&cols, &record, line));
            }
            if chunk.len() >= options.chunk || (!more && !chunk.is_empty()) {
                let outcomes = self
                    .import_chunk(std::mem::take(&mut chunk), actor, options)
                    .await?;
                for o in &outcomes {
                    summary.rows += 1;
                    match o.outcome {
                        Outcome::Issued => summary.issued += 1,
                        Outcome::AlreadyIssued => summary.already_issued += 1,
                        Outcome::Refused => summary.refused += 1,
                    }
                    on_outcome(o);
                }
                on_progress(summary.rows);
            }
            if !more {
                break;
            }
        }
        Ok(summary)
    }

    async fn import_chunk(
        &self,
        rows: Vec<Result<Row, RowOutcome>>,
        actor: &Actor,
        options: BulkOptions,
    ) -> Result<Vec<RowOutcome>, IssuanceError> {
        let mut outcomes: Vec<Option<RowOutcome>> = vec![None; rows.len()];
        let mut valid: Vec<(usize, Row)> = Vec::new();
        for (i, r) in rows.into_iter().enumerate() {
            match r {
                Ok(row) => valid.push((i, row)),
                Err(o) => outcomes[i] = Some(o),
            }
        }
        let now = self.now();
        let at = stamp(now);
        let mut tx = self.store.begin().await?;

        // Candidates: existing by e-mail; new ones are made here and stored
        // only if one of their rows is issued (a refused row leaves no
        // candidate behind).
        let emails: Vec<String> = valid.iter().map(|(_, r)| r.email.clone()).collect();
        let mut candidates: HashMap<String, CandidateRecord> = tx
            .candidates_by_email(&emails)
            .await?
            .into_iter()
            .map(|c| (c.email.clone(), c))
            .collect();
        let mut new_candidates = Vec::new();
        for (_, r) in &valid {
            if !candidates.contains_key(&r.email) {
                let c = CandidateRecord {
                    id: super::new_uuid()?.to_string(),
                    name: r.name.clone(),
                    email: r.email.clone(),
                    external_id: None,
                    created_at: at.clone(),
                };
                candidates.insert(c.email.clone(), c.clone());
                new_candidates.push(c);
            }
        }

        // Idempotency: credentials issued before, by attempt or external id.
        let keys: Vec<String> = valid
            .iter()
            .map(|(_, r)| issuance_key(&candidates[&r.email].id, &r.certification, r.attempt))
            .collect();
        let exts: Vec<String> = valid
            .iter()
            .filter_map(|(_, r)| r.external_id.clone())
            .collect();
        let existing = tx.credentials_by_keys(&keys, &exts).await?;
        let by_key: HashMap<&str, &CredentialRecord> = existing
            .iter()
            .map(|c| (c.issuance_key.as_str(), c))
            .collect();
        let by_ext: HashMap<&str, &CredentialRecord> = existing
            .iter()
            .filter_map(|c| c.external_id.as_deref().map(|e| (e, c)))
            .collect();

        // Assessments recorded before for these attempts.
        let attempt_keys: Vec<(String, String, i64)> = valid
            .iter()
            .map(|(_, r)| {
                (
                    candidates[&r.email].id.clone(),
                    r.certification.clone(),
                    r.attempt,
                )
            })
            .collect();
        let mut recorded: HashMap<(String, String, i64, &'static str), AssessmentRecord> =
            HashMap::new();
        for a in tx.assessments_of(&attempt_keys).await? {
            let kind = a.kind.as_str();
            recorded.insert(
                (
                    a.candidate_id.clone(),
                    a.certification.clone(),
                    a.attempt,
                    kind,
                ),
                a,
            );
        }

        // Rows to sign, each with the assessments it records (written
        // only when its credential is).
        let mut to_sign: Vec<Pending> = Vec::new();
        let mut claimed: HashMap<String, usize> = HashMap::new();
        for ((i, r), key) in valid.into_iter().zip(keys) {
            let candidate = candidates[&r.email].clone();
            // A hit must be this row's issuance; an external id that is
            // another issuance's is a conflict, never that credential.
            let found = [
                by_key.get(key.as_str()).copied(),
                r.external_id
                    .as_deref()
                    .and_then(|e| by_ext.get(e).copied()),
            ];
            match super::repeat_of(found.into_iter().flatten(), &key, r.external_id.as_deref()) {
                Ok(Some(c)) => {
                    // A revoked credential is not passed off as issued.
                    let status = super::revocation::CredentialStatus::from_entries(
                        &tx.status_entries(&c.id).await?,
                    );
                    outcomes[i] = Some(match super::check_repeat(c, &status) {
                        Ok(()) if status.suspended => done(
                            &r,
                            Outcome::AlreadyIssued,
                            &c.id,
                            "already_issued",
                            "issued before; suspended",
                        ),
                        Ok(()) => done(
                            &r,
                            Outcome::AlreadyIssued,
                            &c.id,
                            "already_issued",
                            "issued before",
                        ),
                        Err(e) => done(&r, Outcome::Refused, &c.id, e.code(), &e.to_string()),
                    });
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    outcomes[i] = Some(refused(r.line, &r.raw, e.code(), e.to_string()));
                    continue;
                }
            }
            let claim = r
                .external_id
                .clone()
                .map(|e| format!("ext:{e}"))
                .unwrap_or_else(|| key.clone());
            if let Some(&first) = claimed.get(&claim).or_else(|| claimed.get(&key)) {
                outcomes[i] = Some(refused(
                    r.line,
                    &r.raw,
                    "duplicate_row",
                    format!("same attempt or external id as line {first}"),
                ));
                continue;
            }
            let pass_mark = self.certification(&r.certification)?.written.pass_mark;
            let written = AssessmentRecord {
                id: super::new_uuid()?.to_string(),
                candidate_id: candidate.id.clone(),
                certification: r.certification.clone(),
                attempt: r.attempt,
                kind: AssessmentKind::Written,
                score: Some(r.written_score),
                pass_mark: Some(pass_mark),
                passed: r.written_score >= pass_mark,
                grader: None,
                notes: None,
                reference: r.written_reference.clone(),
                assessed_on: r.written_date.clone(),
                recorded_at: at.clone(),
                recorded_by: actor.name.clone(),
            };
            let lab = AssessmentRecord {
                id: super::new_uuid()?.to_string(),
                kind: AssessmentKind::Lab,
                score: None,
                pass_mark: None,
                passed: r.lab_passed,
                grader: Some(r.grader.clone()),
                notes: r.lab_notes.clone(),
                reference: None,
                assessed_on: r.lab_date.clone(),
                ..written.clone()
            };
            // Each stage is the one recorded before (when the same) or the
            // row's; nothing is kept until the row passes every rule.
            let mut stages = Vec::new();
            let mut fresh = Vec::new();
            let mut conflict = None;
            for stage in [written, lab] {
                let k = attempt_stage(&stage);
                match recorded.get(&k) {
                    Some(old) if same_result(old, &stage) => stages.push(old.clone()),
                    Some(_) => conflict = Some(stage.kind.as_str()),
                    None => {
                        fresh.push(stage.clone());
                        stages.push(stage);
                    }
                }
            }
            if let Some(stage) = conflict {
                outcomes[i] = Some(refused(
                    r.line,
                    &r.raw,
                    "already_recorded",
                    format!(
                        "the {stage} stage of attempt {} is already recorded with a different result",
                        r.attempt
                    ),
                ));
                continue;
            }
            // The stage rule of `rosette assess lab` and the admin API
            // (the lab follows a passed written stage), then issuance's.
            match passed_stages(&stages) {
                Err(e) => outcomes[i] = Some(refused(r.line, &r.raw, e.code(), e.to_string())),
                Ok((w, l)) => {
                    claimed.insert(claim, r.line as usize);
                    claimed.insert(key.clone(), r.line as usize);
                    for a in &fresh {
                        recorded.insert(attempt_stage(a), a.clone());
                    }
                    to_sign.push(Pending {
                        index: i,
                        row: r,
                        candidate,
                        written: w,
                        lab: l,
                        key,
                        fresh,
                    });
                }
            }
        }

        // Status-list positions for the rows to sign, in this transaction.
        let slots = self.allocate_status(&mut *tx, to_sign.len(), now).await?;
        let to_sign: Vec<(Pending, Vec<super::revocation::StatusSlot>)> =
            to_sign.into_iter().zip(slots).collect();
        // Sign in parallel (the expensive part), outside any await.
        let threads = options.threads.max(1).min(to_sign.len().max(1));
        let per = to_sign.len().div_ceil(threads).max(1);
        let signed: Vec<Result<CredentialRecord, IssuanceError>> = std::thread::scope(|s| {
            let handles: Vec<_> = to_sign
                .chunks(per)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|(p, slots)| {
                                let cert = self.certification(&p.row.certification)?;
                                self.build(
                                    cert,
                                    &p.candidate,
                                    &p.candidate.name,
                                    &p.written,
                                    &p.lab,
                                    now,
                                    p.row.attempt,
                                    p.key.clone(),
                                    p.row.external_id.clone(),
                                    None,
                                    slots,
                                    None,
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        let mut credentials = Vec::with_capacity(signed.len());
        let mut status_entries = Vec::with_capacity(signed.len() * 2);
        let mut new_assessments: Vec<AssessmentRecord> = Vec::new();
        let mut audit: Vec<AuditDraft> = Vec::new();
        let mut assessment_audit_entries: Vec<AuditDraft> = Vec::new();
        for ((p, slots), result) in to_sign.into_iter().zip(signed) {
            let r = &p.row;
            match result {
                Ok(rec) => {
                    status_entries.extend(super::revocation::entries_for(&rec.id, &slots));
                    assessment_audit_entries
                        .extend(p.fresh.iter().map(|a| assessment_audit(a, actor)));
                    new_assessments.extend(p.fresh);
                    audit.push(AuditDraft::new(
                        &actor.name,
                        "credential.issue",
                        &rec.id,
                        json!({ "certification": rec.certification, "candidate": rec.candidate_id, "attempt": rec.attempt, "external_id": rec.external_id, "source": "csv", "line": r.line }),
                    ));
                    outcomes[p.index] = Some(done(r, Outcome::Issued, &rec.id, "ok", "issued"));
                    credentials.push(rec);
                }
                Err(e) => {
                    outcomes[p.index] = Some(refused(r.line, &r.raw, e.code(), e.to_string()))
                }
            }
        }
        // Only the candidates an issued credential names are registered.
        let used: std::collections::HashSet<&str> = credentials
            .iter()
            .filter_map(|c| c.candidate_id.as_deref())
            .collect();
        new_candidates.retain(|c| used.contains(c.id.as_str()));
        let mut entries: Vec<AuditDraft> = new_candidates
            .iter()
            .map(|c| {
                AuditDraft::new(
                    &actor.name,
                    "candidate.register",
                    &c.id,
                    json!({ "name": c.name, "source": "csv" }),
                )
            })
            .collect();
        entries.extend(assessment_audit_entries);
        entries.extend(audit);
        tx.insert_candidates(&new_candidates).await?;
        tx.insert_assessments(&new_assessments).await?;
        tx.insert_credentials(&credentials).await?;
        tx.insert_status_entries(&status_entries).await?;
        tx.append_audit(&entries, &at).await?;
        tx.commit().await?;
        Ok(outcomes.into_iter().flatten().collect())
    }
}

/// A row that passed every rule, waiting for its signature.
struct Pending {
    index: usize,
    row: Row,
    candidate: CandidateRecord,
    written: AssessmentRecord,
    lab: AssessmentRecord,
    key: String,
    /// The assessments the row records (those not recorded before).
    fresh: Vec<AssessmentRecord>,
}

/// The key of one stage of one attempt.
fn attempt_stage(a: &AssessmentRecord) -> (String, String, i64, &'static str) {
    (
        a.candidate_id.clone(),
        a.certification.clone(),
        a.attempt,
        a.kind.as_str(),
    )
}

fn done(r: &Row, outcome: Outcome, credential_id: &str, code: &str, message: &str) -> RowOutcome {
    RowOutcome {
        line: r.line,
        external_id: r.raw.external_id.clone(),
        email: r.raw.email.clone(),
        certification: r.raw.certification.clone(),
        outcome,
        credential_id: credential_id.to_owned(),
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// A CSV cell that a spreadsheet cannot run as a formula (OWASP "CSV
/// Injection"): text whose first character is `=`, `+`, `-`, `@`, TAB or
/// CR, also after leading white space (any Unicode `White_Space`, such as
/// U+00A0, and the invisible U+200B, U+2060, U+FEFF), gets a leading `'`.
/// Every CSV Rosette writes passes each cell through here.
pub fn inert_cell(text: &str) -> String {
    let triggers = |c: char| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r');
    let blank = |c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}');
    let first = text.chars().find(|&c| triggers(c) || !blank(c));
    if first.is_some_and(triggers) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod cell_tests {
    use super::inert_cell;

    #[test]
    fn cells_that_would_run_as_formulas_are_made_inert() {
        for formula in [
            "=HYPERLINK(\"x\")",
            "@SUM(A1)",
            "+1",
            "-1+2",
            "\t=1",
            "\r=1",
            " =1+1",
            "\u{a0}=1+1",
            "\u{3000}+1",
            "\u{2003}\u{feff} @A1",
            "\n-2",
            " \t",
        ] {
            assert_eq!(inert_cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["王小明", "", "   ", "a=1", " 1-2", "'=1", "\u{a0}x=1"] {
            assert_eq!(inert_cell(plain), plain, "{plain:?}");
        }
    }
}
