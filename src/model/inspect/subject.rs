//! Reading `credentialSubject` (VCDM 2.0 §4.8; for Open Badges, OB 3.0
//! §B.1 AchievementSubject, Achievement and Result).

use std::convert::Infallible;
use std::ops::ControlFlow;

use serde_json::{Map, Value};

use super::super::identity::IdentityObject;
use super::super::subject_rule::{After, Requirement, SubjectReader, check_achievement_subject};
use super::{
    Findings, ResultSummary, array_items, codes, describe, has_type, is_uri, json_kind, opt_text,
};

/// What [`inspect_subject`] read.
pub(super) struct SubjectInfo {
    pub(super) id: Option<String>,
    pub(super) name: Option<String>,
    pub(super) identifiers: Vec<IdentityObject>,
    pub(super) achievement_id: Option<String>,
    pub(super) achievement_name: Option<String>,
    pub(super) achievement_description: Option<String>,
    pub(super) achievement_type: Option<String>,
    pub(super) results: Vec<ResultSummary>,
}

/// Reads `credentialSubject`: its shape for any VC, the endorsement
/// subject's `id`, and for Open Badges credentials the AchievementSubject
/// rule ([`check_achievement_subject`]) over the raw JSON, recording every
/// breach with its code, then the results.
pub(super) fn inspect_subject(
    obj: &Map<String, Value>,
    is_open_badge: bool,
    is_endorsement: bool,
    f: &mut Findings,
) -> SubjectInfo {
    let mut info = SubjectInfo {
        id: None,
        name: None,
        identifiers: Vec::new(),
        achievement_id: None,
        achievement_name: None,
        achievement_description: None,
        achievement_type: None,
        results: Vec::new(),
    };
    const P: &str = "/credentialSubject";
    let (subject, path): (&Map<String, Value>, String) = match obj.get("credentialSubject") {
        None => {
            f.error(codes::SUBJECT_MISSING, P, "credentialSubject is required");
            return info;
        }
        Some(Value::Object(s)) => (s, P.to_owned()),
        Some(Value::Array(items)) => {
            if is_open_badge || is_endorsement {
                f.error(
                    codes::SUBJECT_NOT_SINGLE,
                    P,
                    "an Open Badges credential has exactly one credentialSubject object",
                );
                return info;
            }
            if items.is_empty() {
                f.error(
                    codes::SUBJECT_EMPTY,
                    P,
                    "credentialSubject must not be empty",
                );
                return info;
            }
            let mut first = None;
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(s) => {
                        if first.is_none() {
                            first = Some((s, format!("{P}/{i}")));
                        }
                    }
                    other => f.error(
                        codes::SUBJECT_INVALID,
                        format!("{P}/{i}"),
                        format!("a subject must be an object, found {}", json_kind(other)),
                    ),
                }
            }
            match first {
                Some(first) => first,
                None => return info,
            }
        }
        Some(other) => {
            f.error(
                codes::SUBJECT_INVALID,
                P,
                format!(
                    "credentialSubject must be an object, found {}",
                    json_kind(other)
                ),
            );
            return info;
        }
    };

    match subject.get("id") {
        None => {}
        Some(Value::String(s)) if is_uri(s) => info.id = Some(s.clone()),
        Some(other) => f.error(
            codes::SUBJECT_ID_INVALID,
            format!("{path}/id"),
            format!(
                "the subject id must be an absolute URI string, found {}",
                describe(other)
            ),
        ),
    }
    info.name = opt_text(subject, "name");

    if is_endorsement && !is_open_badge && info.id.is_none() {
        f.error(
            codes::SUBJECT_UNIDENTIFIED,
            path.clone(),
            "an EndorsementSubject needs an id",
        );
    }
    if !is_open_badge {
        return info;
    }

    let mut reader = JsonSubject {
        subject,
        path: &path,
        achievement: None,
        info: &mut info,
        f,
    };
    let ControlFlow::Continue(()) = check_achievement_subject(&mut reader);
    if let Some(a) = reader.achievement {
        match a.get("achievementType") {
            None => {}
            Some(Value::String(s)) => info.achievement_type = Some(s.clone()),
            Some(other) => f.error(
                codes::ACHIEVEMENT_KIND_INVALID,
                format!("{path}/achievement/achievementType"),
                format!(
                    "achievementType must be a string, found {}",
                    json_kind(other)
                ),
            ),
        }
    }

    if let Some(results) = subject.get("result") {
        for (p, item) in array_items(results, &format!("{path}/result"), codes::RESULT_INVALID, f) {
            let Some(r) = item.as_object() else {
                f.error(
                    codes::RESULT_INVALID,
                    p,
                    format!("a result must be an object, found {}", json_kind(item)),
                );
                continue;
            };
            if !has_type(r.get("type"), "Result") {
                f.error(
                    codes::RESULT_TYPE_MISSING,
                    format!("{p}/type"),
                    "the result type must include Result",
                );
            }
            let mut field = |key: &str| -> Option<String> {
                match r.get(key) {
                    None => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(other) => {
                        f.error(
                            codes::RESULT_FIELD_INVALID,
                            format!("{p}/{key}"),
                            format!("{key} must be a string, found {}", json_kind(other)),
                        );
                        None
                    }
                }
            };
            let summary = ResultSummary {
                result_description: field("resultDescription"),
                value: field("value"),
                status: field("status"),
                achieved_level: field("achievedLevel"),
            };
            info.results.push(summary);
        }
    }
    info
}

/// The AchievementSubject rule read over raw JSON; every breach is
/// recorded and the walk goes on.
struct JsonSubject<'a, 'f> {
    subject: &'a Map<String, Value>,
    /// JSON pointer of the subject.
    path: &'a str,
    /// The achievement object, once entered.
    achievement: Option<&'a Map<String, Value>>,
    info: &'f mut SubjectInfo,
    f: &'f mut Findings,
}

impl JsonSubject<'_, '_> {
    fn achievement_path(&self) -> String {
        format!("{}/achievement", self.path)
    }
}

impl SubjectReader for JsonSubject<'_, '_> {
    type Stop = Infallible;

    fn holds(&mut self, requirement: Requirement) -> bool {
        let a = self.achievement;
        match requirement {
            Requirement::SubjectType => has_type(self.subject.get("type"), "AchievementSubject"),
            Requirement::Identified => {
                let identifier_present = self.subject.get("identifier").is_some_and(|v| {
                    matches!(v, Value::Object(_)) || v.as_array().is_some_and(|a| !a.is_empty())
                });
                self.info.id.is_some() || identifier_present || self.subject.get("id").is_some()
            }
            Requirement::AchievementType => has_type(a.and_then(|a| a.get("type")), "Achievement"),
            Requirement::AchievementName => self.info.achievement_name.is_some(),
            Requirement::AchievementDescription => self.info.achievement_description.is_some(),
            Requirement::AchievementCriteria => a
                .and_then(|a| a.get("criteria"))
                .is_some_and(Value::is_object),
        }
    }

    fn breach(&mut self, requirement: Requirement) -> ControlFlow<Infallible> {
        let (path, ap) = (self.path, self.achievement_path());
        let (code, at, message) = match requirement {
            Requirement::SubjectType => (
                codes::SUBJECT_TYPE_MISSING,
                format!("{path}/type"),
                "the subject type must include AchievementSubject",
            ),
            Requirement::Identified => (
                codes::SUBJECT_UNIDENTIFIED,
                path.to_owned(),
                "the subject needs an id or at least one identifier (OB 3.0 §9.1)",
            ),
            Requirement::AchievementType => (
                codes::ACHIEVEMENT_TYPE_MISSING,
                format!("{ap}/type"),
                "the achievement type must include Achievement",
            ),
            Requirement::AchievementName => (
                codes::ACHIEVEMENT_NAME_MISSING,
                format!("{ap}/name"),
                "the achievement needs a name: a string or a language value object (VCDM 2.0 §11.1)",
            ),
            Requirement::AchievementDescription => (
                codes::ACHIEVEMENT_DESCRIPTION_MISSING,
                format!("{ap}/description"),
                "the achievement needs a description: a string or a language value object (VCDM 2.0 §11.1)",
            ),
            Requirement::AchievementCriteria => (
                codes::ACHIEVEMENT_CRITERIA_MISSING,
                format!("{ap}/criteria"),
                "the achievement needs a criteria object",
            ),
        };
        self.f.error(code, at, message);
        ControlFlow::Continue(())
    }

    fn extra(&mut self, point: After) -> ControlFlow<Infallible> {
        if point == After::SubjectType
            && let Some(ids) = self.subject.get("identifier")
        {
            for (p, item) in array_items(
                ids,
                &format!("{}/identifier", self.path),
                codes::SUBJECT_IDENTIFIER_MALFORMED,
                self.f,
            ) {
                match serde_json::from_value::<IdentityObject>(item.clone()) {
                    Ok(ident) => self.info.identifiers.push(ident),
                    Err(e) => self
                        .f
                        .error(codes::SUBJECT_IDENTIFIER_MALFORMED, p, e.to_string()),
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn enter_achievement(&mut self) -> ControlFlow<Infallible, bool> {
        let ap = self.achievement_path();
        let a = match self.subject.get("achievement") {
            None => {
                self.f.error(
                    codes::ACHIEVEMENT_MISSING,
                    ap,
                    "the subject needs an achievement",
                );
                return ControlFlow::Continue(false);
            }
            Some(Value::Object(a)) => a,
            Some(other) => {
                self.f.error(
                    codes::ACHIEVEMENT_INVALID,
                    ap,
                    format!("achievement must be an object, found {}", json_kind(other)),
                );
                return ControlFlow::Continue(false);
            }
        };
        match a.get("id") {
            None => self.f.error(
                codes::ACHIEVEMENT_ID_MISSING,
                format!("{ap}/id"),
                "the achievement needs an id",
            ),
            Some(Value::String(s)) if is_uri(s) => self.info.achievement_id = Some(s.clone()),
            Some(other) => self.f.error(
                codes::ACHIEVEMENT_ID_INVALID,
                format!("{ap}/id"),
                format!(
                    "the achievement id must be an absolute URI string, found {}",
                    describe(other)
                ),
            ),
        }
        self.info.achievement_name = opt_text(a, "name");
        self.info.achievement_description = opt_text(a, "description");
        self.achievement = Some(a);
        ControlFlow::Continue(true)
    }
}
