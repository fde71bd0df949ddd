//! Structural validation of the typed credential before it is signed
//! ([`OpenBadgeCredential::validate_for_signing`]): the OB 3.0 appendix B.1
//! and VCDM 2.0 §4 rules Rosette enforces on what it issues.

use std::collections::HashSet;
use std::ops::ControlFlow;

use serde_json::Value;

use super::credential::{AchievementSubject, Alignment, OpenBadgeCredential, Profile};
use super::subject_rule::{After, Requirement, SubjectReader, check_achievement_subject};
use super::vocab::ResultType;
use super::{ModelError, OB_CREDENTIAL_CONTEXTS, check_signable_text};

const CREDENTIAL_TYPES: &[&str] = &[
    "VerifiableCredential",
    "OpenBadgeCredential",
    "AchievementCredential",
];

impl OpenBadgeCredential {
    /// Checks everything that must hold before signing, returning the first
    /// failure:
    ///
    /// * `@context` is exactly the two OB contexts in order (STANDARDS §1
    ///   item 1); `type` arrays contain their class and only terms the
    ///   contexts define (§1 item 6);
    /// * dates are `YYYY-MM-DDTHH:MM:SSZ` (§1 item 5) and
    ///   `validUntil ≥ validFrom` (VCDM 2.0 §4.9);
    /// * the subject has an `id` or an identifier (OB 3.0 §9.1); hashed
    ///   identifiers are well-formed IdentityHash values;
    /// * required names and descriptions are non-empty; criteria have an
    ///   `id` or a narrative (OB 3.0 §B.1 Criteria);
    /// * results point to a ResultDescription of the achievement, carry a
    ///   `status` when it is of type Status, and name an existing rubric
    ///   level (OB 3.0 §B.1 Result);
    /// * `ext:` vocabulary values are well-formed;
    /// * status entries have distinct purposes and ids that differ from the
    ///   list URL (Bitstring Status List v1.0 §2.1);
    /// * every string passes [`check_signable_text`].
    ///
    /// # Errors
    /// [`ModelError::Invalid`] or [`ModelError::UnsignableText`] naming the
    /// JSON pointer of the first offending value.
    pub fn validate_for_signing(&self) -> Result<(), ModelError> {
        if self.context.len() != OB_CREDENTIAL_CONTEXTS.len()
            || self
                .context
                .iter()
                .zip(OB_CREDENTIAL_CONTEXTS)
                .any(|(a, b)| a != b)
        {
            return Err(ModelError::invalid(
                "/@context",
                format!("must be exactly {OB_CREDENTIAL_CONTEXTS:?}"),
            ));
        }
        check_types(
            &self.types,
            "/type",
            "VerifiableCredential",
            CREDENTIAL_TYPES,
        )?;
        if !self
            .types
            .iter()
            .any(|t| t == "OpenBadgeCredential" || t == "AchievementCredential")
        {
            return Err(ModelError::invalid(
                "/type",
                "must contain OpenBadgeCredential or AchievementCredential",
            ));
        }
        check_profile(&self.issuer, "/issuer")?;

        for (name, value) in [
            ("/validFrom", Some(&self.valid_from)),
            ("/validUntil", self.valid_until.as_ref()),
            ("/awardedDate", self.awarded_date.as_ref()),
        ] {
            if let Some(t) = value
                && !t.is_utc_seconds()
            {
                return Err(ModelError::invalid(
                    name,
                    format!("{:?} must have the form YYYY-MM-DDTHH:MM:SSZ", t.as_str()),
                ));
            }
        }
        if let Some(until) = &self.valid_until
            && until.instant() < self.valid_from.instant()
        {
            return Err(ModelError::invalid("/validUntil", "is before validFrom"));
        }

        check_subject(&self.credential_subject)?;

        for (i, e) in self.evidence.iter().enumerate() {
            check_types(
                &e.types,
                &format!("/evidence/{i}/type"),
                "Evidence",
                &["Evidence"],
            )?;
        }

        let mut purposes = HashSet::new();
        for (i, entry) in self.credential_status.iter().enumerate() {
            let path = if self.credential_status.len() == 1 {
                "/credentialStatus".to_owned()
            } else {
                format!("/credentialStatus/{i}")
            };
            if entry.id == entry.status_list_credential {
                return Err(ModelError::invalid(
                    format!("{path}/id"),
                    "must not be the status list URL",
                ));
            }
            if !purposes.insert(entry.status_purpose) {
                return Err(ModelError::invalid(
                    format!("{path}/statusPurpose"),
                    "two status entries with the same purpose",
                ));
            }
        }

        check_all_text(&self.to_json_value())
    }
}

/// `types` must contain `required`, and only values from `allowed`, once each.
fn check_types(
    types: &[String],
    path: &str,
    required: &str,
    allowed: &[&str],
) -> Result<(), ModelError> {
    if !types.iter().any(|t| t == required) {
        return Err(missing_type(path, required));
    }
    check_allowed_types(types, path, allowed)
}

fn missing_type(path: &str, required: &str) -> ModelError {
    ModelError::invalid(path, format!("must contain {required:?}"))
}

/// `types` holds only values from `allowed`, once each.
fn check_allowed_types(types: &[String], path: &str, allowed: &[&str]) -> Result<(), ModelError> {
    let mut seen = HashSet::new();
    for t in types {
        if !allowed.contains(&t.as_str()) {
            return Err(ModelError::invalid(
                path,
                format!("{t:?} is not a type Rosette may sign (allowed: {allowed:?})"),
            ));
        }
        if !seen.insert(t) {
            return Err(ModelError::invalid(path, format!("{t:?} appears twice")));
        }
    }
    Ok(())
}

fn non_empty(value: &str, path: &str) -> Result<(), ModelError> {
    if value.trim().is_empty() {
        Err(empty(path))
    } else {
        Ok(())
    }
}

fn empty(path: &str) -> ModelError {
    ModelError::invalid(path, "must not be empty")
}

fn check_profile(p: &Profile, path: &str) -> Result<(), ModelError> {
    check_types(&p.types, &format!("{path}/type"), "Profile", &["Profile"])?;
    non_empty(&p.name, &format!("{path}/name"))
}

fn check_alignments(alignment: &[Alignment], path: &str) -> Result<(), ModelError> {
    for (i, a) in alignment.iter().enumerate() {
        let p = format!("{path}/alignment/{i}");
        check_types(&a.types, &format!("{p}/type"), "Alignment", &["Alignment"])?;
        non_empty(&a.target_name, &format!("{p}/targetName"))?;
        if let Some(t) = &a.target_type
            && !t.is_valid()
        {
            return Err(ModelError::invalid(
                format!("{p}/targetType"),
                "malformed ext: value",
            ));
        }
    }
    Ok(())
}

/// JSON pointer of the subject.
const SUBJECT: &str = "/credentialSubject";

/// The AchievementSubject rule read over a typed subject; the first breach
/// stops the walk.
struct TypedSubject<'a>(&'a AchievementSubject);

impl SubjectReader for TypedSubject<'_> {
    type Stop = ModelError;

    fn holds(&mut self, requirement: Requirement) -> bool {
        let (s, a) = (self.0, &self.0.achievement);
        match requirement {
            Requirement::SubjectType => s.types.iter().any(|t| t == "AchievementSubject"),
            Requirement::Identified => s.id.is_some() || !s.identifier.is_empty(),
            Requirement::AchievementType => a.types.iter().any(|t| t == "Achievement"),
            Requirement::AchievementName => !a.name.trim().is_empty(),
            Requirement::AchievementDescription => !a.description.trim().is_empty(),
            Requirement::AchievementCriteria => {
                a.criteria.id.is_some()
                    || a.criteria
                        .narrative
                        .as_deref()
                        .is_some_and(|n| !n.trim().is_empty())
            }
        }
    }

    fn breach(&mut self, requirement: Requirement) -> ControlFlow<ModelError> {
        let ap = format!("{SUBJECT}/achievement");
        ControlFlow::Break(match requirement {
            Requirement::SubjectType => {
                missing_type(&format!("{SUBJECT}/type"), "AchievementSubject")
            }
            Requirement::Identified => ModelError::invalid(
                SUBJECT,
                "needs an id or at least one identifier (OB 3.0 §9.1)",
            ),
            Requirement::AchievementType => missing_type(&format!("{ap}/type"), "Achievement"),
            Requirement::AchievementName => empty(&format!("{ap}/name")),
            Requirement::AchievementDescription => empty(&format!("{ap}/description")),
            Requirement::AchievementCriteria => {
                ModelError::invalid(format!("{ap}/criteria"), "needs an id or a narrative")
            }
        })
    }

    fn extra(&mut self, point: After) -> ControlFlow<ModelError> {
        let s = self.0;
        let checked = match point {
            After::SubjectType => check_allowed_types(
                &s.types,
                &format!("{SUBJECT}/type"),
                &["AchievementSubject"],
            ),
            After::Identified => check_identifiers_and_source(s),
            After::AchievementType => check_allowed_types(
                &s.achievement.types,
                &format!("{SUBJECT}/achievement/type"),
                &["Achievement"],
            ),
        };
        match checked {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    }

    fn enter_achievement(&mut self) -> ControlFlow<ModelError, bool> {
        ControlFlow::Continue(true)
    }
}

fn check_identifiers_and_source(s: &AchievementSubject) -> Result<(), ModelError> {
    for (i, ident) in s.identifier.iter().enumerate() {
        ident.check(&format!("{SUBJECT}/identifier/{i}"))?;
    }
    if let Some(source) = &s.source {
        check_profile(source, &format!("{SUBJECT}/source"))?;
    }
    Ok(())
}

/// Checks the subject: the OB 3.0 AchievementSubject rule
/// ([`check_achievement_subject`]) read over typed values, then what only
/// typed values can tell (well-formed `ext:` values, languages, rubric
/// levels, results tied to their descriptions).
fn check_subject(s: &AchievementSubject) -> Result<(), ModelError> {
    if let ControlFlow::Break(e) = check_achievement_subject(&mut TypedSubject(s)) {
        return Err(e);
    }
    let a = &s.achievement;
    let ap = format!("{SUBJECT}/achievement");
    if let Some(t) = &a.achievement_type
        && !t.is_valid()
    {
        return Err(ModelError::invalid(
            format!("{ap}/achievementType"),
            "malformed ext: value",
        ));
    }
    if let Some(creator) = &a.creator {
        check_profile(creator, &format!("{ap}/creator"))?;
    }
    if let Some(lang) = &a.in_language
        && !is_in_language(lang)
    {
        return Err(ModelError::invalid(
            format!("{ap}/inLanguage"),
            "must match ^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$",
        ));
    }
    check_alignments(&a.alignment, &ap)?;

    let mut rd_ids = HashSet::new();
    for (i, rd) in a.result_description.iter().enumerate() {
        let p = format!("{ap}/resultDescription/{i}");
        check_types(
            &rd.types,
            &format!("{p}/type"),
            "ResultDescription",
            &["ResultDescription"],
        )?;
        non_empty(&rd.name, &format!("{p}/name"))?;
        if !rd.result_type.is_valid() {
            return Err(ModelError::invalid(
                format!("{p}/resultType"),
                "malformed ext: value",
            ));
        }
        if !rd_ids.insert(&rd.id) {
            return Err(ModelError::invalid(
                format!("{p}/id"),
                "duplicate ResultDescription id",
            ));
        }
        let mut level_ids = HashSet::new();
        for (j, level) in rd.rubric_criterion_level.iter().enumerate() {
            let lp = format!("{p}/rubricCriterionLevel/{j}");
            check_types(
                &level.types,
                &format!("{lp}/type"),
                "RubricCriterionLevel",
                &["RubricCriterionLevel"],
            )?;
            non_empty(&level.name, &format!("{lp}/name"))?;
            check_alignments(&level.alignment, &lp)?;
            if !level_ids.insert(&level.id) {
                return Err(ModelError::invalid(
                    format!("{lp}/id"),
                    "duplicate level id",
                ));
            }
        }
        if let Some(required) = &rd.required_level
            && !level_ids.contains(required)
        {
            return Err(ModelError::invalid(
                format!("{p}/requiredLevel"),
                "is not the id of one of its rubricCriterionLevel entries",
            ));
        }
        check_alignments(&rd.alignment, &p)?;
    }

    for (i, r) in s.result.iter().enumerate() {
        let p = format!("{SUBJECT}/result/{i}");
        check_types(&r.types, &format!("{p}/type"), "Result", &["Result"])?;
        check_alignments(&r.alignment, &p)?;
        let Some(rd_id) = &r.result_description else {
            if r.achieved_level.is_some() {
                return Err(ModelError::invalid(
                    format!("{p}/achievedLevel"),
                    "needs a resultDescription",
                ));
            }
            continue;
        };
        let Some(rd) = a.result_description.iter().find(|rd| &rd.id == rd_id) else {
            return Err(ModelError::invalid(
                format!("{p}/resultDescription"),
                "is not the id of a resultDescription of the achievement",
            ));
        };
        if rd.result_type == ResultType::Status && r.status.is_none() {
            return Err(ModelError::invalid(
                format!("{p}/status"),
                "required because the linked ResultDescription has resultType Status",
            ));
        }
        if let Some(level) = &r.achieved_level
            && !rd.rubric_criterion_level.iter().any(|l| &l.id == level)
        {
            return Err(ModelError::invalid(
                format!("{p}/achievedLevel"),
                "is not a rubricCriterionLevel of the linked ResultDescription",
            ));
        }
    }
    Ok(())
}

/// The OB 3.0 `inLanguage` pattern
/// `^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`, written out.
pub(super) fn is_in_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let language_ok = parts
        .next()
        .is_some_and(|p| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    if !language_ok {
        return false;
    }
    let mut next = parts.next();
    if let Some(p) = next
        && p.len() == 4
    {
        let b = p.as_bytes();
        if !(b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_lowercase)) {
            return false;
        }
        next = parts.next();
    }
    if let Some(p) = next {
        let region_ok = (p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()))
            || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()));
        if !region_ok {
            return false;
        }
        next = parts.next();
    }
    next.is_none()
}

/// Runs [`check_signable_text`] over every key and string value of `doc`,
/// without recursion.
fn check_all_text(doc: &Value) -> Result<(), ModelError> {
    let mut stack: Vec<(&Value, String)> = vec![(doc, String::new())];
    while let Some((v, path)) = stack.pop() {
        match v {
            Value::String(s) => check_signable_text(&path, s)?,
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((item, format!("{path}/{i}")));
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    let child = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                    check_signable_text(&child, k)?;
                    stack.push((item, child));
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    Ok(())
}
