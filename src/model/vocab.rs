//! Controlled vocabularies of OB 3.0 (appendix B, enumerated vocabularies) and Bitstring
//! Status List, and single-value `type` tags.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ModelError;

/// True for an OB extension term: `ext:` followed by one or more of
/// `A-Z a-z 0-9 . - _` (OB 3.0 appendix B, EnumExt vocabularies, pattern
/// `(ext:)[a-z|A-Z|0-9|.|-|_]+`).
pub(crate) fn is_ext_term(s: &str) -> bool {
    s.strip_prefix("ext:").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    })
}

/// Shared plumbing for vocabularies: `Display`, `FromStr`, `TryFrom<&str>`,
/// `Serialize`, `Deserialize` through `as_str` / `from_str`.
macro_rules! vocab_plumbing {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ModelError;
            fn try_from(s: &str) -> Result<Self, ModelError> {
                s.parse()
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A closed vocabulary (no extension values).
macro_rules! closed_vocab {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal { $($variant:ident => $s:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", $s, "`")]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in specification order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The exact string used in JSON.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $s,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = ModelError;
            fn from_str(s: &str) -> Result<Self, ModelError> {
                match s {
                    $($s => Ok($name::$variant),)+
                    _ => Err(ModelError::parse($kind, s, "not a defined value")),
                }
            }
        }

        vocab_plumbing!($name);
    };
}

/// An extensible vocabulary: the defined values plus `Ext("ext:…")`.
macro_rules! ext_vocab {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal { $($variant:ident => $s:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", $s, "`")]
                $variant,
            )+
            /// An extension value; holds the whole string including the
            /// `ext:` prefix (e.g. `"ext:LabExam"`). Checked by
            /// [`is_valid`](Self::is_valid) and when parsed.
            Ext(String),
        }

        impl $name {
            /// Every defined (non-extension) value, in specification order.
            pub const DEFINED: &'static [$name] = &[$($name::$variant,)+];

            /// The exact string used in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $s,)+
                    $name::Ext(s) => s,
                }
            }

            /// False only for an `Ext` value that is not `ext:` followed by
            /// `[A-Za-z0-9._-]+`.
            pub fn is_valid(&self) -> bool {
                match self {
                    $name::Ext(s) => is_ext_term(s),
                    _ => true,
                }
            }

            /// An extension value from `ext:…`.
            ///
            /// # Errors
            /// [`ModelError::Parse`] when `s` is not a well-formed `ext:` term.
            pub fn ext(s: &str) -> Result<Self, ModelError> {
                if is_ext_term(s) {
                    Ok($name::Ext(s.to_owned()))
                } else {
                    Err(ModelError::parse($kind, s, "extension values must be ext: followed by [A-Za-z0-9._-]+"))
                }
            }
        }

        impl FromStr for $name {
            type Err = ModelError;
            fn from_str(s: &str) -> Result<Self, ModelError> {
                match s {
                    $($s => Ok($name::$variant),)+
                    _ if s.starts_with("ext:") => $name::ext(s),
                    _ => Err(ModelError::parse($kind, s, "not a defined value nor an ext: term")),
                }
            }
        }

        vocab_plumbing!($name);
    };
}

ext_vocab! {
    /// The kind of achievement (OB 3.0 appendix B, AchievementType enumeration,
    /// extensible). Rosette issues [`AchievementType::Certification`].
    AchievementType, "achievementType" {
        Achievement => "Achievement",
        ApprenticeshipCertificate => "ApprenticeshipCertificate",
        Assessment => "Assessment",
        Assignment => "Assignment",
        AssociateDegree => "AssociateDegree",
        Award => "Award",
        Badge => "Badge",
        BachelorDegree => "BachelorDegree",
        Certificate => "Certificate",
        CertificateOfCompletion => "CertificateOfCompletion",
        Certification => "Certification",
        CommunityService => "CommunityService",
        Competency => "Competency",
        Course => "Course",
        CoCurricular => "CoCurricular",
        Degree => "Degree",
        Diploma => "Diploma",
        DoctoralDegree => "DoctoralDegree",
        Fieldwork => "Fieldwork",
        GeneralEducationDevelopment => "GeneralEducationDevelopment",
        JourneymanCertificate => "JourneymanCertificate",
        LearningProgram => "LearningProgram",
        License => "License",
        Membership => "Membership",
        ProfessionalDoctorate => "ProfessionalDoctorate",
        QualityAssuranceCredential => "QualityAssuranceCredential",
        MasterCertificate => "MasterCertificate",
        MasterDegree => "MasterDegree",
        MicroCredential => "MicroCredential",
        ResearchDoctorate => "ResearchDoctorate",
        SecondarySchoolDiploma => "SecondarySchoolDiploma",
    }
}

ext_vocab! {
    /// The type of result a ResultDescription describes (OB 3.0 appendix B,
    /// ResultType enumeration, extensible).
    ResultType, "resultType" {
        GradePointAverage => "GradePointAverage",
        LetterGrade => "LetterGrade",
        Percent => "Percent",
        PerformanceLevel => "PerformanceLevel",
        PredictedScore => "PredictedScore",
        RawScore => "RawScore",
        Result => "Result",
        RubricCriterion => "RubricCriterion",
        RubricCriterionLevel => "RubricCriterionLevel",
        RubricScore => "RubricScore",
        ScaledScore => "ScaledScore",
        Status => "Status",
    }
}

ext_vocab! {
    /// The kind of identifier in an IdentityObject (OB 3.0 appendix B,
    /// IdentifierTypeEnum, extensible). Note the OB implementation guide's
    /// `"email"` is not a defined value; use [`IdentityType::EmailAddress`].
    IdentityType, "identityType" {
        Name => "name",
        SourcedId => "sourcedId",
        SystemId => "systemId",
        ProductId => "productId",
        UserName => "userName",
        AccountId => "accountId",
        EmailAddress => "emailAddress",
        NationalIdentityNumber => "nationalIdentityNumber",
        Isbn => "isbn",
        Issn => "issn",
        LisSourcedId => "lisSourcedId",
        OneRosterSourcedId => "oneRosterSourcedId",
        SisSourcedId => "sisSourcedId",
        LtiContextId => "ltiContextId",
        LtiDeploymentId => "ltiDeploymentId",
        LtiToolId => "ltiToolId",
        LtiPlatformId => "ltiPlatformId",
        LtiUserId => "ltiUserId",
        Identifier => "identifier",
    }
}

ext_vocab! {
    /// The type of an alignment target (OB 3.0 appendix B, AlignmentTargetType,
    /// extensible).
    AlignmentTargetType, "targetType" {
        CeasnCompetency => "ceasn:Competency",
        CetermsCredential => "ceterms:Credential",
        CfItem => "CFItem",
        CfRubric => "CFRubric",
        CfRubricCriterion => "CFRubricCriterion",
        CfRubricCriterionLevel => "CFRubricCriterionLevel",
        Ctdl => "CTDL",
    }
}

closed_vocab! {
    /// The status of an achievement in a Result (OB 3.0 appendix B,
    /// ResultStatusType enumeration). Required when the linked
    /// ResultDescription has `resultType` `Status`.
    ResultStatus, "status" {
        Completed => "Completed",
        Enrolled => "Enrolled",
        Failed => "Failed",
        InProgress => "InProgress",
        OnHold => "OnHold",
        Provisional => "Provisional",
        Withdrew => "Withdrew",
    }
}

closed_vocab! {
    /// The purpose of a status entry (Bitstring Status List v1.0 §2.1
    /// `statusPurpose`). `revocation` is irreversible, `suspension`
    /// reversible.
    StatusPurpose, "statusPurpose" {
        Refresh => "refresh",
        Revocation => "revocation",
        Suspension => "suspension",
        Message => "message",
    }
}

/// A unit type that serializes as one fixed string and deserializes only
/// from that string: for `type` properties that OB requires as a single
/// string rather than an array.
macro_rules! type_tag {
    ($(#[$meta:meta])* $name:ident => $s:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl $name {
            /// The fixed string.
            pub const VALUE: &'static str = $s;

            /// The fixed string.
            pub fn as_str(&self) -> &'static str {
                $s
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                if s == $s {
                    Ok($name)
                } else {
                    Err(serde::de::Error::custom(format!(
                        "expected type {:?}, found {:?}",
                        $s, s
                    )))
                }
            }
        }
    };
}

type_tag! {
    /// `"type": "Image"` (OB 3.0 §B.1 Image: a string, not an array).
    ImageTag => "Image"
}

type_tag! {
    /// `"type": "IdentityObject"` (OB 3.0 §B.1 IdentityObject: a string, not
    /// an array).
    IdentityObjectTag => "IdentityObject"
}

type_tag! {
    /// `"type": "BitstringStatusListEntry"` (Bitstring Status List v1.0 §2.1).
    StatusEntryTag => "BitstringStatusListEntry"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn achievement_type_strings() {
        assert_eq!(AchievementType::DEFINED.len(), 31);
        assert_eq!(AchievementType::Certification.as_str(), "Certification");
        assert_eq!(
            serde_json::to_value(AchievementType::CertificateOfCompletion).unwrap(),
            json!("CertificateOfCompletion")
        );
        for t in AchievementType::DEFINED {
            assert_eq!(t.as_str().parse::<AchievementType>().unwrap(), *t);
        }
        assert_eq!(
            "ext:LabExam".parse::<AchievementType>().unwrap(),
            AchievementType::Ext("ext:LabExam".into())
        );
        assert!("certification".parse::<AchievementType>().is_err());
        assert!("ext:".parse::<AchievementType>().is_err());
        assert!("ext:a b".parse::<AchievementType>().is_err());
        assert!(!AchievementType::Ext("Lab".into()).is_valid());
        assert!(AchievementType::ext("ext:Lab.Exam_2-b").unwrap().is_valid());
    }

    #[test]
    fn result_and_identity_vocabularies() {
        assert_eq!(ResultType::DEFINED.len(), 12);
        assert_eq!(
            ResultType::RubricCriterionLevel.as_str(),
            "RubricCriterionLevel"
        );
        assert_eq!(ResultType::Ext("ext:Pass".into()).to_string(), "ext:Pass");
        assert_eq!(IdentityType::DEFINED.len(), 19);
        assert_eq!(IdentityType::EmailAddress.as_str(), "emailAddress");
        assert!("email".parse::<IdentityType>().is_err());
        assert_eq!(ResultStatus::ALL.len(), 7);
        assert_eq!(ResultStatus::InProgress.as_str(), "InProgress");
        assert_eq!(
            serde_json::from_value::<ResultStatus>(json!("OnHold")).unwrap(),
            ResultStatus::OnHold
        );
        assert!(serde_json::from_value::<ResultStatus>(json!("Passed")).is_err());
        assert_eq!(StatusPurpose::Revocation.as_str(), "revocation");
        assert_eq!(
            AlignmentTargetType::CeasnCompetency.as_str(),
            "ceasn:Competency"
        );
    }

    #[test]
    fn type_tags_are_plain_strings() {
        assert_eq!(serde_json::to_value(ImageTag).unwrap(), json!("Image"));
        assert!(serde_json::from_value::<ImageTag>(json!("Image")).is_ok());
        assert!(serde_json::from_value::<ImageTag>(json!(["Image"])).is_err());
        assert!(serde_json::from_value::<IdentityObjectTag>(json!("Identity")).is_err());
        assert_eq!(StatusEntryTag.as_str(), "BitstringStatusListEntry");
    }
}
