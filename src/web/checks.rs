//! The verification page's "What was checked": the report's checks in
//! plain words, one marker a line, and the technical details (DID,
//! verification method, cryptosuite, status lists) behind a `<details>`
//! disclosure, which works without JavaScript.

use super::layout::{day, escape, moment, wrap_id};
use crate::verification::{CheckState, PROOF_IGNORED, Report};
use serde_json::Value;

/// One line of "What was checked".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The outcome, which picks the marker.
    pub state: CheckState,
    /// The plain words (not escaped).
    pub text: String,
}

fn line(state: CheckState, text: impl Into<String>) -> Line {
    Line {
        state,
        text: text.into(),
    }
}

/// The report's checks in plain words. `issuer` names the signer; `since`
/// (RFC 3339) is when the credential was revoked or suspended, if known.
pub fn plain_lines(report: &Report, doc: &Value, issuer: &str, since: Option<&str>) -> Vec<Line> {
    let info = report.credential.as_ref();
    let from = info.and_then(|i| i.valid_from.as_deref());
    let until = info.and_then(|i| i.valid_until.as_deref());
    let since_words = since
        .map(|s| format!(" since {}", day(s)))
        .unwrap_or_default();
    let mut lines = Vec::new();
    let mut dates_said = false;
    for c in &report.checks {
        let failed = |what: &str| line(c.state, format!("{what}: {}", c.message));
        match (c.check, c.state) {
            ("parse", CheckState::Valid) => {}
            ("parse", _) => lines.push(failed("Could not be read")),
            ("structure", CheckState::Valid) => {
                lines.push(line(c.state, "A well-formed Open Badges 3.0 credential"));
            }
            ("structure", _) => lines.push(failed("Not a well-formed credential")),
            ("terms", CheckState::Valid) => {}
            ("terms", _) => lines.push(failed(
                "Holds data its JSON-LD contexts do not define (it would be silently dropped)",
            )),
            ("proof", CheckState::Valid) => lines.push(line(
                c.state,
                format!("Signed by {issuer} — signature verified"),
            )),
            ("proof", CheckState::Invalid) => lines.push(failed("Signature not valid")),
            ("proof", CheckState::Unknown) if c.code == PROOF_IGNORED => {
                lines.push(failed("A further signature of a kind not supported here"));
            }
            ("proof", CheckState::Unknown) => lines.push(failed("Signature could not be checked")),
            ("valid_from", CheckState::Invalid) => lines.push(line(
                c.state,
                format!("Not valid before {}", from.map(day).unwrap_or_default()),
            )),
            ("valid_until", CheckState::Invalid) => lines.push(line(
                c.state,
                format!("Expired on {}", until.map(day).unwrap_or_default()),
            )),
            ("valid_from" | "valid_until", _) => {
                let both_valid = report
                    .checks
                    .iter()
                    .filter(|k| matches!(k.check, "valid_from" | "valid_until"))
                    .all(|k| k.state == CheckState::Valid);
                if both_valid && !dates_said {
                    dates_said = true;
                    lines.push(line(c.state, validity_words(from, until)));
                }
            }
            ("status", state) => {
                let entry = c.path.as_deref().and_then(|p| doc.pointer(p));
                // A 1EdTech revocation list (OB 3.0 §9.1 step 4) has no
                // statusPurpose: it is about revocation only.
                let purpose = entry.and_then(|e| match e["type"].as_str() {
                    Some("1EdTechRevocationList") => Some("revocation"),
                    _ => e["statusPurpose"].as_str(),
                });
                let text = match (purpose, state, c.code.as_str()) {
                    (None, CheckState::Valid, _) => "Carries no revocation status".to_owned(),
                    (Some("revocation"), CheckState::Valid, _) => "Not revoked".to_owned(),
                    (Some("suspension"), CheckState::Valid, _) => "Not suspended".to_owned(),
                    (_, CheckState::Invalid, "revoked") => {
                        format!("Revoked by the issuer{since_words}")
                    }
                    (_, CheckState::Invalid, "suspended") => {
                        format!("Suspended by the issuer{since_words}")
                    }
                    (Some(p), CheckState::Unknown, _) => {
                        format!(
                            "Whether it is {} could not be checked: {}",
                            past(p),
                            c.message
                        )
                    }
                    _ => format!("Status: {}", c.message),
                };
                lines.push(line(state, text));
            }
            (other, _) => lines.push(line(c.state, format!("{other}: {}", c.message))),
        }
    }
    lines
}

/// "revoked" for "revocation", "suspended" for "suspension".
fn past(purpose: &str) -> String {
    match purpose {
        "revocation" => "revoked".to_owned(),
        "suspension" => "suspended".to_owned(),
        other => format!("{other} set"),
    }
}

fn validity_words(from: Option<&str>, until: Option<&str>) -> String {
    match (from, until) {
        (Some(f), Some(u)) => format!("Within its validity dates ({} to {})", day(f), day(u)),
        (Some(f), None) => format!("Within its validity dates (from {}, no expiry)", day(f)),
        (None, Some(u)) => format!("Within its validity dates (until {})", day(u)),
        (None, None) => "Within its validity dates (none set)".to_owned(),
    }
}

/// The `<ul>` of plain lines, one marker a line (the list has no bullets).
pub fn lines_html(lines: &[Line]) -> String {
    let mut out = String::from("<ul class=\"checks\" id=\"checks\">");
    for l in lines {
        let (class, mark, label) = match l.state {
            CheckState::Valid => ("ok", "✓", "passed"),
            CheckState::Invalid => ("bad", "✗", "failed"),
            CheckState::Unknown => ("unk", "?", "not checked"),
        };
        out.push_str(&format!(
            "<li class=\"{class}\"><span class=\"mark\" role=\"img\" aria-label=\"{label}\">{mark}</span><span>{}</span></li>",
            escape(&l.text)
        ));
    }
    out.push_str("</ul>");
    out
}

/// The technical details behind a disclosure: the credential id, the
/// issuer's DID, each proof's verification method and cryptosuite (VC
/// Data Integrity §2.1), each status entry's list and index (Bitstring
/// Status List §2.1), and when the checks ran.
pub fn technical_html(doc: &Value, credential_id: &str, checked_at: &str) -> String {
    let mut rows = String::new();
    let mut row = |name: &str, value: String| {
        rows.push_str(&format!("<dt>{}</dt><dd>{value}</dd>", escape(name)));
    };
    let code = |s: &str| format!("<code>{}</code>", wrap_id(s));
    row("Credential ID", code(credential_id));
    let issuer = doc["issuer"]["id"].as_str().or(doc["issuer"].as_str());
    if let Some(did) = issuer {
        row("Issuer DID", code(did));
    }
    for p in objects(&doc["proof"]) {
        if let Some(m) = p["verificationMethod"].as_str() {
            row("Verification method", code(m));
        }
        if let Some(s) = p["cryptosuite"].as_str() {
            row("Cryptosuite", code(s));
        }
    }
    for e in objects(&doc["credentialStatus"]) {
        let purpose = e["statusPurpose"].as_str().unwrap_or("status");
        if let Some(url) = e["statusListCredential"].as_str() {
            let link = if url.starts_with("https://") || url.starts_with("http://") {
                format!("<a href=\"{}\">{}</a>", escape(url), code(url))
            } else {
                code(url)
            };
            row(&format!("Status list ({purpose})"), link);
        }
        if let Some(i) = e["statusListIndex"].as_str() {
            row(&format!("Status list index ({purpose})"), code(i));
        }
    }
    row("Checked", escape(&moment(checked_at)));
    format!(
        "<details id=\"technical\"><summary>Technical details</summary><dl>{rows}</dl></details>"
    )
}

/// The objects of a property that holds one object or an array of them
/// (VC DM 2.0 §4.11 `credentialStatus`, Data Integrity §2.1 proof sets).
fn objects(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(list) => list.iter().collect(),
        Value::Object(_) => vec![value],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verification::Check;
    use serde_json::json;

    fn check(name: &'static str, state: CheckState, code: &str, message: &str) -> Check {
        Check {
            check: name,
            state,
            code: code.into(),
            message: message.into(),
            path: None,
        }
    }

    fn report(checks: Vec<Check>, from: &str, until: &str) -> Report {
        let mut r = Report::of_checks(checks, chrono::DateTime::<chrono::Utc>::UNIX_EPOCH);
        r.credential = Some(crate::verification::CredentialInfo {
            id: None,
            issuer: "did:web:x".into(),
            issuer_name: None,
            holder: None,
            achievement: None,
            valid_from: Some(from.into()),
            valid_until: Some(until.into()),
            ..Default::default()
        });
        r
    }

    #[test]
    fn the_lines_are_plain_words_with_the_since_date() {
        let mut revoked = check("status", CheckState::Invalid, "revoked", "x");
        revoked.path = Some("/credentialStatus/0".into());
        let mut not_suspended = check("status", CheckState::Valid, "ok", "suspension: not set");
        not_suspended.path = Some("/credentialStatus/1".into());
        let checks = vec![
            check("parse", CheckState::Valid, "ok", "well-formed"),
            check(
                "proof",
                CheckState::Valid,
                "ok",
                "proof 0 (…): signature verified",
            ),
            check("valid_from", CheckState::Valid, "ok", "valid from …"),
            check("valid_until", CheckState::Valid, "ok", "valid until …"),
            revoked,
            not_suspended,
        ];
        let doc = json!({"credentialStatus": [
            {"statusPurpose": "revocation"}, {"statusPurpose": "suspension"}]});
        let r = report(checks, "2026-11-25T12:00:00Z", "2028-11-25T12:00:00Z");
        let texts: Vec<String> = plain_lines(&r, &doc, "ACME", Some("2026-12-01T08:00:00Z"))
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            texts,
            [
                "Signed by ACME — signature verified",
                "Within its validity dates (25 Nov 2026 to 25 Nov 2028)",
                "Revoked by the issuer since 1 Dec 2026",
                "Not suspended",
            ]
        );
    }

    #[test]
    fn an_ignored_proof_and_a_1edtech_revocation_list_read_plainly() {
        let mut status = check(
            "status",
            CheckState::Valid,
            "ok",
            "revocation: not on the list",
        );
        status.path = Some("/credentialStatus".into());
        let checks = vec![
            check(
                "proof",
                CheckState::Unknown,
                PROOF_IGNORED,
                "proof 0 (SomeProofType, ?): …",
            ),
            check(
                "proof",
                CheckState::Valid,
                "ok",
                "proof 1 (…): signature verified",
            ),
            status,
        ];
        let doc = json!({"credentialStatus": {"id": "https://a.example/revocations", "type": "1EdTechRevocationList"}});
        let r = report(checks, "2026-11-25T12:00:00Z", "2028-11-25T12:00:00Z");
        let lines = plain_lines(&r, &doc, "ACME", None);
        assert_eq!(
            lines,
            [
                line(
                    CheckState::Unknown,
                    "A further signature of a kind not supported here: proof 0 (SomeProofType, ?): …"
                ),
                line(CheckState::Valid, "Signed by ACME — signature verified"),
                line(CheckState::Valid, "Not revoked"),
            ]
        );
    }

    #[test]
    fn an_expired_credential_says_when() {
        let checks = vec![
            check("valid_from", CheckState::Valid, "ok", "valid from …"),
            check(
                "valid_until",
                CheckState::Invalid,
                "expired",
                "expired at …",
            ),
        ];
        let r = report(checks, "2023-06-01T09:00:00Z", "2025-06-01T09:00:00Z");
        let lines = plain_lines(&r, &Value::Null, "ACME", None);
        assert_eq!(lines, [line(CheckState::Invalid, "Expired on 1 Jun 2025")]);
    }

    #[test]
    fn the_technical_details_wrap_ids_and_escape() {
        let doc = json!({
            "issuer": {"id": "did:web:a.example"},
            "proof": {"verificationMethod": "did:web:a.example#k<1>", "cryptosuite": "eddsa-rdfc-2022"},
            "credentialStatus": {"statusPurpose": "revocation", "statusListIndex": "42",
                "statusListCredential": "https://a.example/status/revocation-1"}
        });
        let html = technical_html(&doc, "urn:uuid:1", "2026-11-25T12:00:00Z");
        assert!(html.starts_with("<details id=\"technical\"><summary>"));
        assert!(html.contains("did:<wbr>web:<wbr>a.example#<wbr>k&lt;1&gt;"));
        assert!(html.contains("<dd><code>42</code></dd>"));
        assert!(html.contains("href=\"https://a.example/status/revocation-1\""));
        assert!(html.contains("25 Nov 2026 at 12:00 UTC"));
    }
}
