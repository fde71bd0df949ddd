//! The certification catalog: one folder per certification under `badges/`
//! (`badges/<slug>/achievement.toml` and `template.svg`), loaded and checked
//! once at start-up, then turned into Open Badges 3.0 achievements. The
//! repository's `badges/` is compiled in as the default catalog
//! ([`Catalog::builtin`]); a `badges_dir` setting loads another folder.
//!
//! `badges/README.md` documents every field of `achievement.toml` and the
//! template placeholders. [`Catalog::load`] is the only function here that
//! touches the file system; everything else is pure.
//!
//! Each certification is earned in two steps, and its achievement carries
//! one `ResultDescription` per step (OB 3.0 §B.1 ResultDescription):
//!
//! 1. a written assessment scored in percent, passed at
//!    [`WrittenAssessment::pass_mark`] (`resultType` `Percent`);
//! 2. a hands-on lab graded pass or fail by a Professional Services engineer
//!    against [`LabAssessment::rubric`] (`resultType` `RubricCriterionLevel`,
//!    see [`Certification::achievement`] for why).

mod builtin;
mod fields;
mod template;
mod toml_path;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Months, SubsecRound, Utc};
use serde::Deserialize;

use crate::model::{
    self, AchievementType, CertificationSlug, CredentialId, Criteria, Image, ModelError, Profile,
    ResultDescription, ResultType, RubricCriterionLevel, Uri, check_signable_text,
};
use crate::render::badge::BadgeDesign;
use crate::render::template::BadgeTemplate;

use fields::{block, colour, is_slug_like, line, positive};
pub use template::TEMPLATE_PLACEHOLDERS;

/// Name of the file that defines a certification inside its folder.
pub const ACHIEVEMENT_FILE: &str = "achievement.toml";

/// Name of the badge template inside a certification folder.
pub const TEMPLATE_FILE: &str = "template.svg";

/// The base URL [`Certification::achievement`] uses in place of a
/// `public_url` that [`check_public_url`] refuses.
pub const INVALID_PUBLIC_URL: &str = "urn:x-rosette:invalid-public-url";

/// `validity_months` when `achievement.toml` does not set it.
pub const DEFAULT_VALIDITY_MONTHS: u32 = 24;

/// Longest accepted `validity_months` (ten years).
pub const MAX_VALIDITY_MONTHS: u32 = 120;

/// One certification from the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Certification {
    /// The folder name, used in URLs (`/certifications/{slug}`).
    pub slug: CertificationSlug,
    /// Display name, e.g. "GitLab CI/CD Specialist" (one line).
    pub name: String,
    /// What the certification certifies (plain text).
    pub description: String,
    /// How it is earned, in Markdown; mentions the written pass mark and
    /// every rubric criterion by name.
    pub criteria_narrative: String,
    /// OB 3.0 `achievementType`; `Certification` unless the file says
    /// otherwise.
    pub achievement_type: AchievementType,
    /// How long a credential stays valid after issue, in calendar months
    /// (1 to [`MAX_VALIDITY_MONTHS`]).
    pub validity_months: u32,
    /// Keywords (OB `tag`), in file order, each unique.
    pub tags: Vec<String>,
    /// How a holder renews before `validUntil` (plain text), shown on the
    /// public page of a credential about to expire; `None`: the page says
    /// to contact the issuer.
    pub renewal: Option<String>,
    /// Short code shown to people, e.g. "GL-CICD" (OB `humanCode`); unique
    /// across the catalog, ignoring case.
    pub human_code: Option<String>,
    /// Step 1: the written assessment.
    pub written: WrittenAssessment,
    /// Step 2: the hands-on lab.
    pub lab: LabAssessment,
    /// Colours and emblem of the badge artwork.
    pub art: Art,
    /// The certification's folder (`badges/<slug>`; for the built-in
    /// catalog, its folder in the source tree), for messages.
    pub dir: PathBuf,
    /// `template.svg`, parsed by the renderer and checked (see
    /// [`TEMPLATE_PLACEHOLDERS`]).
    pub template: BadgeTemplate,
}

/// The written assessment: a percent score with a pass mark.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenAssessment {
    /// Display name, e.g. "GitLab CI/CD Specialist written assessment".
    pub name: String,
    /// Lowest passing score, in percent (0 to 100).
    pub pass_mark: f64,
    /// Number of questions, for information.
    pub question_count: Option<u32>,
    /// Time allowed in minutes, for information.
    pub duration_minutes: Option<u32>,
}

impl WrittenAssessment {
    /// True when `score_percent` reaches the pass mark (a NaN score never
    /// passes).
    pub fn is_pass(&self, score_percent: f64) -> bool {
        score_percent >= self.pass_mark
    }
}

/// The hands-on lab: graded pass or fail against rubric criteria; a pass
/// needs every criterion met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabAssessment {
    /// Display name, e.g. "GitLab CI/CD Specialist hands-on lab".
    pub name: String,
    /// What the candidate does in the lab (plain text).
    pub description: String,
    /// The criteria the grader checks, in file order; never empty.
    pub rubric: Vec<RubricCriterion>,
}

/// One criterion of a lab rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricCriterion {
    /// Stable identifier used when a grader records a result: 1 to 64 of
    /// `a-z`, `0-9`, `-`, not starting or ending with `-`; unique in the lab.
    pub id: String,
    /// Display name, e.g. "Pipeline design" (one line, unique in the lab).
    pub name: String,
    /// What the grader looks for.
    pub description: String,
}

/// Badge artwork settings, for renderers that draw around the template
/// (Open Graph images, pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Art {
    /// Main colour, `#rrggbb`.
    pub primary: String,
    /// Accent colour, `#rrggbb`.
    pub secondary: String,
    /// Name of the emblem drawn in the template, slug-like (e.g. "pipeline").
    pub emblem: String,
}

/// Every certification found under a `badges/` folder, ordered by slug.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    certifications: Vec<Certification>,
}

/// A catalog problem: the file, the field (a dotted TOML key path such as
/// `lab.rubric[2].id`, or `slug`, `template`, `(file)`), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {message}", file = file.display())]
pub struct CatalogError {
    /// The file or folder at fault.
    pub file: PathBuf,
    /// The field at fault: a TOML key path (`written.pass_mark`,
    /// `lab.rubric[1].id`), `slug` for the folder name, `template` for
    /// `template.svg`, `(file)` when the file cannot be read.
    pub field: String,
    /// What is wrong, for people.
    pub message: String,
}

/// A certification asked for by a name the catalog does not have; the
/// message lists the names it has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown certification {given:?}; valid: {valid}")]
pub struct UnknownCertification {
    /// The name asked for (a slug, or an achievement id).
    pub given: String,
    /// The valid names, comma-separated (`none` for an empty catalog).
    pub valid: String,
}

impl CatalogError {
    fn new(file: &Path, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            field: field.into(),
            message: message.into(),
        }
    }
}

impl Catalog {
    /// Loads every sub-folder of `dir` that holds an `achievement.toml`
    /// (other folders such as `fonts/`, hidden entries and files are
    /// ignored). Validates everything; the error names the file and the
    /// field.
    ///
    /// # Errors
    /// The first [`CatalogError`] found, folders taken in name order: an
    /// unreadable folder or file, a folder name that is not a
    /// [`CertificationSlug`], TOML that does not parse or has unknown keys,
    /// a value out of range, a missing or malformed `template.svg`, or a
    /// `name` / `human_code` already used by another certification.
    pub fn load(dir: &Path) -> Result<Catalog, CatalogError> {
        let entries = fs::read_dir(dir)
            .map_err(|e| CatalogError::new(dir, "(file)", format!("cannot read folder: {e}")))?;
        let mut folders = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| {
                CatalogError::new(dir, "(file)", format!("cannot read folder: {e}"))
            })?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if hidden || !path.is_dir() {
                continue;
            }
            if path.join(ACHIEVEMENT_FILE).is_file() {
                folders.push(path);
            } else if path.join("achievement.json").exists() {
                return Err(CatalogError::new(
                    &path.join("achievement.json"),
                    "(file)",
                    "certifications are defined in achievement.toml; achievement.json is not read",
                ));
            }
        }
        folders.sort();

        let certifications = folders
            .iter()
            .map(|folder| load_certification(folder, |file| fs::read_to_string(file)))
            .collect::<Result<Vec<_>, _>>()?;
        Catalog::of(certifications)
    }

    /// The catalog of `certifications`, ordered by slug, once their names
    /// and human codes are found unique.
    fn of(mut certifications: Vec<Certification>) -> Result<Catalog, CatalogError> {
        certifications.sort_by(|a, b| a.slug.cmp(&b.slug));
        check_unique(&certifications)?;
        Ok(Catalog { certifications })
    }

    /// The slugs, ordered, for messages: `"a, b, c"`.
    pub fn slug_list(&self) -> String {
        let slugs: Vec<&str> = self.iter().map(|c| c.slug.as_str()).collect();
        if slugs.is_empty() {
            "none".to_owned()
        } else {
            slugs.join(", ")
        }
    }

    /// The certification with this slug, or an error that names the valid
    /// slugs.
    ///
    /// # Errors
    /// [`UnknownCertification`] when no certification has this slug.
    pub fn find(&self, slug: &str) -> Result<&Certification, UnknownCertification> {
        self.get(slug).ok_or_else(|| UnknownCertification {
            given: slug.to_owned(),
            valid: self.slug_list(),
        })
    }

    /// The certification with this slug.
    pub fn get(&self, slug: &str) -> Option<&Certification> {
        self.certifications
            .binary_search_by(|c| c.slug.as_str().cmp(slug))
            .ok()
            .and_then(|i| self.certifications.get(i))
    }

    /// The certifications, ordered by slug.
    pub fn iter(&self) -> impl Iterator<Item = &Certification> {
        self.certifications.iter()
    }

    /// Number of certifications.
    pub fn len(&self) -> usize {
        self.certifications.len()
    }

    /// True when no folder defines a certification.
    pub fn is_empty(&self) -> bool {
        self.certifications.is_empty()
    }
}

impl<'a> IntoIterator for &'a Catalog {
    type Item = &'a Certification;
    type IntoIter = std::slice::Iter<'a, Certification>;

    fn into_iter(self) -> Self::IntoIter {
        self.certifications.iter()
    }
}

impl Certification {
    /// `{public_url}/certifications/{slug}` (a trailing `/` on `public_url`
    /// is ignored). The id of the OB achievement, stable across recipients.
    pub fn achievement_id(&self, public_url: &str) -> String {
        format!(
            "{}/certifications/{}",
            public_url.trim_end_matches('/'),
            self.slug
        )
    }

    /// `{achievement_id}#criteria`: the criteria section of the
    /// certification's public page (OB `criteria.id`).
    pub fn criteria_id(&self, public_url: &str) -> String {
        format!("{}#criteria", self.achievement_id(public_url))
    }

    /// `{achievement_id}#written`: id of the written assessment's
    /// ResultDescription, referenced by `Result.resultDescription`.
    pub fn written_result_id(&self, public_url: &str) -> String {
        format!("{}#written", self.achievement_id(public_url))
    }

    /// `{achievement_id}#lab`: id of the lab's ResultDescription, referenced
    /// by `Result.resultDescription`.
    pub fn lab_result_id(&self, public_url: &str) -> String {
        format!("{}#lab", self.achievement_id(public_url))
    }

    /// `{achievement_id}#lab-pass`: id of the lab's "Pass" rubric level, the
    /// `requiredLevel` of the lab and the `achievedLevel` of a passed lab.
    pub fn lab_pass_level_id(&self, public_url: &str) -> String {
        format!("{}#lab-pass", self.achievement_id(public_url))
    }

    /// `{achievement_id}#lab-fail`: id of the lab's "Fail" rubric level.
    pub fn lab_fail_level_id(&self, public_url: &str) -> String {
        format!("{}#lab-fail", self.achievement_id(public_url))
    }

    /// `{achievement_id}/badge.png`: the certification's badge image.
    pub fn image_url(&self, public_url: &str) -> String {
        format!("{}/badge.png", self.achievement_id(public_url))
    }

    /// What the renderer needs to draw this certification's badge and
    /// share image.
    pub fn design(&self) -> BadgeDesign<'_> {
        BadgeDesign {
            template: &self.template,
            name: &self.name,
            human_code: self.human_code.as_deref(),
            primary: &self.art.primary,
            secondary: &self.art.secondary,
        }
    }

    /// The written pass mark as OB writes numbers in strings: `"80"`,
    /// `"82.5"` (no trailing `.0`).
    pub fn pass_mark_string(&self) -> String {
        format_percent(self.written.pass_mark)
    }

    /// The OB 3.0 Achievement (STANDARDS §2.2): `id`, `type`
    /// `["Achievement"]`, `achievementType`, `name`, `description`,
    /// `criteria` (`{id: criteria_id, narrative}`), `image` (`badge.png`,
    /// with a caption), `creator` (the given issuer profile), `humanCode`,
    /// `tag` and two `resultDescription`s:
    ///
    /// * `#written`: `resultType` `Percent`, `valueMin` `"0"`, `valueMax`
    ///   `"100"`, `requiredValue` the pass mark (`"80"`);
    /// * `#lab`: `resultType` `RubricCriterionLevel` with two
    ///   `rubricCriterionLevel`s, `#lab-fail` ("Fail") and `#lab-pass`
    ///   ("Pass", whose description lists the rubric criteria), and
    ///   `requiredLevel` `#lab-pass`.
    ///
    /// Why `RubricCriterionLevel` for the lab: the lab *is* a rubric grade
    /// with two levels, and this is the OB construct for a graded level with
    /// a stated requirement. The level ids are dereferenceable parts of the
    /// achievement, a result says which one was reached with
    /// `achievedLevel`, and `requiredLevel` says machine-readably that
    /// "Pass" is needed — the pattern of the specification's own complete
    /// example (a `RubricCriterionLevel` result description with
    /// `requiredLevel`). `Status` with `requiredValue "Completed"` was
    /// rejected: OB's ResultStatusType describes the learner's progress
    /// through the *achievement* (Enrolled, InProgress, Completed,
    /// Withdrew…), not a grade, and it cannot name the grading levels or
    /// their meaning. `RubricCriterion` alone would describe one criterion
    /// without levels to point at.
    ///
    /// The catalog's own text was checked with [`check_signable_text`] at
    /// load. This form cannot fail: when `public_url` is not a usable base
    /// URL (see [`try_achievement`](Self::try_achievement)) the ids are built
    /// under [`INVALID_PUBLIC_URL`] instead, so the misconfiguration shows in
    /// the output rather than as a panic. Configuration should check
    /// `public_url` once at start-up with [`check_public_url`]; callers that
    /// want an error use [`try_achievement`](Self::try_achievement).
    pub fn achievement(&self, public_url: &str, creator: Profile) -> model::Achievement {
        let base = if check_public_url(public_url).is_ok() {
            public_url
        } else {
            INVALID_PUBLIC_URL
        };
        match self.build_achievement(base, creator) {
            Ok(a) => a,
            // Unreachable: the base is valid and slugs are URL-safe, so every
            // id parses. Kept total without a panic, under a fixed id.
            Err(_) => model::Achievement::new(
                Uri::from(CredentialId::urn_uuid_from_random([0; 16])),
                &self.name,
                &self.description,
                Criteria::narrative(&self.criteria_narrative),
            ),
        }
    }

    /// [`achievement`](Self::achievement), refusing a bad `public_url` and
    /// checking every string of the result (including `creator`'s) with
    /// [`check_signable_text`].
    ///
    /// # Errors
    /// [`ModelError`] when `public_url` is not an absolute URI without query
    /// or fragment ([`check_public_url`]), or when `creator` holds text that
    /// cannot be signed.
    pub fn try_achievement(
        &self,
        public_url: &str,
        creator: Profile,
    ) -> Result<model::Achievement, ModelError> {
        check_public_url(public_url)?;
        let achievement = self.build_achievement(public_url, creator)?;
        check_all_strings(&serde_json::to_value(&achievement).unwrap_or_default(), "")?;
        Ok(achievement)
    }

    fn build_achievement(
        &self,
        public_url: &str,
        creator: Profile,
    ) -> Result<model::Achievement, ModelError> {
        let base = public_url.trim_end_matches('/');
        let id = Uri::parse(&self.achievement_id(base))?;
        let criteria = Criteria {
            id: Some(Uri::parse(&self.criteria_id(base))?),
            narrative: Some(self.criteria_narrative.clone()),
        };
        let mut achievement = model::Achievement::new(id, &self.name, &self.description, criteria);
        achievement.achievement_type = Some(self.achievement_type.clone());
        achievement.image = Some(Image {
            caption: Some(format!("{} badge", self.name)),
            ..Image::new(Uri::parse(&self.image_url(base))?)
        });
        achievement.creator = Some(creator);
        achievement.human_code = self.human_code.clone();
        achievement.tag = self.tags.clone();

        let mut written = ResultDescription::new(
            Uri::parse(&self.written_result_id(base))?,
            &self.written.name,
            ResultType::Percent,
        );
        written.value_min = Some("0".to_owned());
        written.value_max = Some("100".to_owned());
        written.required_value = Some(self.pass_mark_string());

        let pass_id = Uri::parse(&self.lab_pass_level_id(base))?;
        let fail = RubricCriterionLevel {
            description: Some("At least one rubric criterion is not met.".to_owned()),
            ..RubricCriterionLevel::new(Uri::parse(&self.lab_fail_level_id(base))?, "Fail")
        };
        let criteria_names: Vec<&str> = self.lab.rubric.iter().map(|c| c.name.as_str()).collect();
        let pass = RubricCriterionLevel {
            description: Some(format!(
                "Every rubric criterion is met: {}.",
                criteria_names.join("; ")
            )),
            ..RubricCriterionLevel::new(pass_id.clone(), "Pass")
        };
        let mut lab = ResultDescription::new(
            Uri::parse(&self.lab_result_id(base))?,
            &self.lab.name,
            ResultType::RubricCriterionLevel,
        );
        lab.rubric_criterion_level = vec![fail, pass];
        lab.required_level = Some(pass_id);

        achievement.result_description = vec![written, lab];
        Ok(achievement)
    }

    /// The end of validity for a credential issued at `issued`: `issued` +
    /// [`validity_months`](Self::validity_months) calendar months, the day
    /// clamped to the last day of the target month (2024-02-29 + 12 months
    /// = 2025-02-28), to whole seconds (sub-seconds dropped, as credentials
    /// carry `YYYY-MM-DDTHH:MM:SSZ`). Saturates at chrono's latest instant.
    pub fn valid_until(&self, issued: DateTime<Utc>) -> DateTime<Utc> {
        issued
            .trunc_subsecs(0)
            .checked_add_months(Months::new(self.validity_months))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
            .trunc_subsecs(0)
    }
}

/// Checks that `public_url` can prefix achievement ids: an absolute URI
/// (after dropping trailing `/`) without query or fragment, e.g.
/// `https://badges.example.com`.
///
/// # Errors
/// [`ModelError::Parse`] for a string that is not an absolute URI,
/// [`ModelError::Invalid`] (field `public_url`) for a query or fragment.
pub fn check_public_url(public_url: &str) -> Result<(), ModelError> {
    let base = public_url.trim_end_matches('/');
    Uri::parse(base)?;
    if base.contains(['?', '#']) {
        return Err(ModelError::invalid(
            "public_url",
            "must not have a query or a fragment",
        ));
    }
    Ok(())
}

/// Walks a JSON value and runs [`check_signable_text`] on every string,
/// naming it by JSON pointer.
fn check_all_strings(value: &serde_json::Value, path: &str) -> Result<(), ModelError> {
    match value {
        serde_json::Value::String(s) => check_signable_text(path, s),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_all_strings(v, &format!("{path}/{i}"))),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            let key = k.replace('~', "~0").replace('/', "~1");
            check_all_strings(v, &format!("{path}/{key}"))
        }),
        _ => Ok(()),
    }
}

/// A percent as OB strings carry numbers: shortest round-trip decimal,
/// no trailing `.0`, and `0` rather than `-0`.
fn format_percent(value: f64) -> String {
    if value == 0.0 {
        "0".to_owned()
    } else {
        value.to_string()
    }
}

// ---------------------------------------------------------------------------
// achievement.toml as written (serde), then checked into `Certification`.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCertification {
    name: String,
    description: String,
    criteria: String,
    #[serde(default)]
    achievement_type: Option<String>,
    #[serde(default)]
    validity_months: Option<i64>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    human_code: Option<String>,
    #[serde(default)]
    renewal: Option<String>,
    written: RawWritten,
    lab: RawLab,
    art: RawArt,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWritten {
    name: String,
    pass_mark: f64,
    #[serde(default)]
    question_count: Option<i64>,
    #[serde(default)]
    duration_minutes: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLab {
    name: String,
    description: String,
    rubric: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: String,
    name: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArt {
    primary: String,
    secondary: String,
    emblem: String,
}

/// Reads (with `read`, given a file's path) and checks one certification
/// folder.
fn load_certification(
    folder: &Path,
    read: impl Fn(&Path) -> std::io::Result<String>,
) -> Result<Certification, CatalogError> {
    let file = folder.join(ACHIEVEMENT_FILE);
    let slug = folder
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| CatalogError::new(folder, "slug", "the folder name is not UTF-8"))
        .and_then(|name| {
            CertificationSlug::parse(name).map_err(|_| {
                CatalogError::new(
                    folder,
                    "slug",
                    format!(
                        "folder name {name:?} is not a certification slug: 1 to {} characters \
                         of a-z, 0-9 and '-', not starting or ending with '-'",
                        CertificationSlug::MAX_LEN
                    ),
                )
            })
        })?;

    let text =
        read(&file).map_err(|e| CatalogError::new(&file, "(file)", format!("cannot read: {e}")))?;
    let raw: RawCertification =
        toml::from_str(&text).map_err(|e| toml_path::toml_error(&file, &text, &e))?;
    let template_path = folder.join(TEMPLATE_FILE);
    let load_template = || {
        let svg = read(&template_path).map_err(|e| {
            let message = if e.kind() == std::io::ErrorKind::NotFound {
                "missing: every certification folder needs a template.svg".to_owned()
            } else {
                format!("cannot read: {e}")
            };
            CatalogError::new(&template_path, "template", message)
        })?;
        template::parse(&svg).map_err(|m| CatalogError::new(&template_path, "template", m))
    };
    let mut cert = check_certification(&file, slug, raw, load_template)?;
    cert.dir = folder.to_path_buf();
    Ok(cert)
}

/// Turns a parsed `achievement.toml` into a checked [`Certification`]
/// (without `dir`), loading the template once the file is found sound.
fn check_certification(
    file: &Path,
    slug: CertificationSlug,
    raw: RawCertification,
    load_template: impl FnOnce() -> Result<BadgeTemplate, CatalogError>,
) -> Result<Certification, CatalogError> {
    let err = |field: &str, message: String| CatalogError::new(file, field, message);

    let name = line(file, "name", &raw.name)?;
    let description = block(file, "description", &raw.description)?;
    let criteria_narrative = block(file, "criteria", &raw.criteria)?;
    let renewal = raw
        .renewal
        .as_deref()
        .map(|r| block(file, "renewal", r))
        .transpose()?;

    let achievement_type = match raw.achievement_type.as_deref() {
        None => AchievementType::Certification,
        Some(s) => s.parse::<AchievementType>().map_err(|_| {
            err(
                "achievement_type",
                format!(
                    "{s:?} is not an OB 3.0 achievementType (e.g. \"Certification\") \
                     nor an ext: term"
                ),
            )
        })?,
    };

    let validity_months = match raw.validity_months {
        None => DEFAULT_VALIDITY_MONTHS,
        Some(m) => u32::try_from(m)
            .ok()
            .filter(|m| (1..=MAX_VALIDITY_MONTHS).contains(m))
            .ok_or_else(|| {
                err(
                    "validity_months",
                    format!("{m} is out of range: must be 1 to {MAX_VALIDITY_MONTHS}"),
                )
            })?,
    };

    let mut tags: Vec<String> = Vec::with_capacity(raw.tags.len());
    for (i, tag) in raw.tags.iter().enumerate() {
        let field = format!("tags[{i}]");
        let tag = line(file, &field, tag)?;
        if tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            return Err(err(&field, format!("{tag:?} appears twice")));
        }
        tags.push(tag);
    }

    let human_code = raw
        .human_code
        .as_deref()
        .map(|c| line(file, "human_code", c))
        .transpose()?;

    let written = {
        let w = &raw.written;
        let pass_mark = w.pass_mark;
        if !(0.0..=100.0).contains(&pass_mark) {
            return Err(err(
                "written.pass_mark",
                format!("{pass_mark} is out of range: a percent from 0 to 100"),
            ));
        }
        WrittenAssessment {
            name: line(file, "written.name", &w.name)?,
            pass_mark: if pass_mark == 0.0 { 0.0 } else { pass_mark },
            question_count: positive(file, "written.question_count", w.question_count)?,
            duration_minutes: positive(file, "written.duration_minutes", w.duration_minutes)?,
        }
    };

    let lab = {
        let l = &raw.lab;
        if l.rubric.is_empty() {
            return Err(err(
                "lab.rubric",
                "must list at least one criterion ([[lab.rubric]])".to_owned(),
            ));
        }
        let mut rubric: Vec<RubricCriterion> = Vec::with_capacity(l.rubric.len());
        for (i, c) in l.rubric.iter().enumerate() {
            let p = format!("lab.rubric[{i}]");
            let id = c.id.trim().to_owned();
            if !is_slug_like(&id) {
                return Err(err(
                    &format!("{p}.id"),
                    format!(
                        "{id:?} is not a valid criterion id: 1 to 64 characters of a-z, 0-9 \
                         and '-', not starting or ending with '-'"
                    ),
                ));
            }
            if let Some(j) = rubric.iter().position(|r| r.id == id) {
                return Err(err(
                    &format!("{p}.id"),
                    format!("{id:?} is already the id of lab.rubric[{j}]"),
                ));
            }
            let name = line(file, &format!("{p}.name"), &c.name)?;
            if let Some(j) = rubric.iter().position(|r| r.name == name) {
                return Err(err(
                    &format!("{p}.name"),
                    format!("{name:?} is already the name of lab.rubric[{j}]"),
                ));
            }
            let description = block(file, &format!("{p}.description"), &c.description)?;
            rubric.push(RubricCriterion {
                id,
                name,
                description,
            });
        }
        LabAssessment {
            name: line(file, "lab.name", &l.name)?,
            description: block(file, "lab.description", &l.description)?,
            rubric,
        }
    };

    let art = Art {
        primary: colour(file, "art.primary", &raw.art.primary)?,
        secondary: colour(file, "art.secondary", &raw.art.secondary)?,
        emblem: {
            let emblem = raw.art.emblem.trim().to_owned();
            if !is_slug_like(&emblem) {
                return Err(err(
                    "art.emblem",
                    format!("{emblem:?} must be 1 to 64 characters of a-z, 0-9 and '-'"),
                ));
            }
            emblem
        },
    };

    // The narrative is what people read in every credential: it must agree
    // with the structured data that graders and the issuer use.
    let pass = format!("{}%", format_percent(written.pass_mark));
    if !criteria_narrative.contains(&pass) {
        return Err(err(
            "criteria",
            format!("must state the written pass mark as {pass:?}"),
        ));
    }
    if let Some(c) = lab
        .rubric
        .iter()
        .find(|c| !criteria_narrative.contains(&c.name))
    {
        return Err(err(
            "criteria",
            format!(
                "must name every lab rubric criterion; {:?} ({}) is missing",
                c.name, c.id
            ),
        ));
    }

    Ok(Certification {
        slug,
        name,
        description,
        criteria_narrative,
        achievement_type,
        validity_months,
        tags,
        renewal,
        human_code,
        written,
        lab,
        art,
        dir: PathBuf::new(),
        template: load_template()?,
    })
}

/// Names and human codes are unique across the catalog (ignoring case):
/// two certifications that people cannot tell apart would be a defect.
fn check_unique(certifications: &[Certification]) -> Result<(), CatalogError> {
    let mut names: HashMap<String, &CertificationSlug> = HashMap::new();
    let mut codes: HashMap<String, &CertificationSlug> = HashMap::new();
    for c in certifications {
        let file = c.dir.join(ACHIEVEMENT_FILE);
        if let Some(other) = names.insert(c.name.to_lowercase(), &c.slug) {
            return Err(CatalogError::new(
                &file,
                "name",
                format!("{:?} is already the name of {other}", c.name),
            ));
        }
        if let Some(code) = &c.human_code
            && let Some(other) = codes.insert(code.to_lowercase(), &c.slug)
        {
            return Err(CatalogError::new(
                &file,
                "human_code",
                format!("{code:?} is already the human_code of {other}"),
            ));
        }
    }
    Ok(())
}
