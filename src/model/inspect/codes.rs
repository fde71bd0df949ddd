//! Stable machine codes of [`Finding`](super::Finding)s. Codes are part of the
//! verification API: never rename one, add new ones instead.

/// The document is not a JSON object.
pub const NOT_AN_OBJECT: &str = "not_an_object";
/// The document nests deeper than [`MAX_JSON_DEPTH`](super::MAX_JSON_DEPTH).
pub const TOO_DEEP: &str = "too_deep";
/// No `@context` (VCDM 2.0 §4.3).
pub const CONTEXT_MISSING: &str = "context_missing";
/// `@context` is not an array (VCDM 2.0 §4.3: an ordered set).
pub const CONTEXT_NOT_ARRAY: &str = "context_not_array";
/// `@context` is an empty array.
pub const CONTEXT_EMPTY: &str = "context_empty";
/// A `@context` item is neither a string nor an object.
pub const CONTEXT_ITEM_INVALID: &str = "context_item_invalid";
/// The VC base context is not the first item, or the OB context is not
/// the second, although they appear elsewhere in `@context`.
pub const CONTEXT_ORDER: &str = "context_order";
/// Neither VC base context (v2 or v1) appears in `@context`.
pub const CONTEXT_BASE_MISSING: &str = "context_base_missing";
/// An Open Badges credential lacks an OB 3.0 context as `@context[1]`
/// (OB 3.0 §B.1 AchievementCredential `@context`).
pub const CONTEXT_OB_MISSING: &str = "context_ob_missing";
/// `id` is not a string holding an absolute URI (VCDM 2.0 §4.4).
pub const ID_INVALID: &str = "id_invalid";
/// An Open Badges credential has no `id` (required by OB 3.0).
pub const ID_MISSING: &str = "id_missing";
/// No `type` (VCDM 2.0 §4.5).
pub const TYPE_MISSING: &str = "type_missing";
/// `type` is not a string or an array of strings.
pub const TYPE_INVALID: &str = "type_invalid";
/// `type` does not include `VerifiableCredential` (VCDM 2.0 §4.5).
pub const TYPE_MISSING_VERIFIABLE_CREDENTIAL: &str = "type_missing_verifiable_credential";
/// No `issuer` (VCDM 2.0 §4.7).
pub const ISSUER_MISSING: &str = "issuer_missing";
/// `issuer` is neither a string nor an object.
pub const ISSUER_INVALID: &str = "issuer_invalid";
/// The issuer object has no `id`.
pub const ISSUER_ID_MISSING: &str = "issuer_id_missing";
/// The issuer id is not a string holding an absolute URI.
pub const ISSUER_ID_INVALID: &str = "issuer_id_invalid";
/// The issuer `name` is present but not a string.
pub const ISSUER_NAME_INVALID: &str = "issuer_name_invalid";
/// An OB issuer object does not have type `Profile` (OB 3.0 §B.1 Profile).
pub const ISSUER_TYPE_MISSING: &str = "issuer_type_missing";
/// A VC 2.0 Open Badges credential has no `validFrom` (required by OB 3.0).
pub const VALID_FROM_MISSING: &str = "valid_from_missing";
/// `validFrom` is not an XSD dateTimeStamp (VCDM 2.0 §4.9).
pub const VALID_FROM_MALFORMED: &str = "valid_from_malformed";
/// `validUntil` is not an XSD dateTimeStamp (VCDM 2.0 §4.9).
pub const VALID_UNTIL_MALFORMED: &str = "valid_until_malformed";
/// The end of validity is before its start (VCDM 2.0 §4.9; VC 1.1
/// `expirationDate` before `issuanceDate`).
pub const VALID_UNTIL_BEFORE_VALID_FROM: &str = "valid_until_before_valid_from";
/// A VC 1.1 credential has no `issuanceDate` (VCDM 1.1 §4.6).
pub const ISSUANCE_DATE_MISSING: &str = "issuance_date_missing";
/// `issuanceDate` is not a date-time with timezone.
pub const ISSUANCE_DATE_MALFORMED: &str = "issuance_date_malformed";
/// `expirationDate` is not a date-time with timezone.
pub const EXPIRATION_DATE_MALFORMED: &str = "expiration_date_malformed";
/// No `credentialSubject` (VCDM 2.0 §4.8).
pub const SUBJECT_MISSING: &str = "subject_missing";
/// `credentialSubject` (or an item of it) is not an object.
pub const SUBJECT_INVALID: &str = "subject_invalid";
/// `credentialSubject` is an empty array.
pub const SUBJECT_EMPTY: &str = "subject_empty";
/// An Open Badges credential has an array of subjects (OB 3.0 requires
/// one AchievementSubject object).
pub const SUBJECT_NOT_SINGLE: &str = "subject_not_single";
/// The subject `id` is not a string holding an absolute URI.
pub const SUBJECT_ID_INVALID: &str = "subject_id_invalid";
/// An OB subject has neither `id` nor an `identifier` (OB 3.0 §9.1
/// step 1); an endorsement subject has no `id`.
pub const SUBJECT_UNIDENTIFIED: &str = "subject_unidentified";
/// An OB subject's `type` lacks `AchievementSubject` (OB 3.0 §B.1).
pub const SUBJECT_TYPE_MISSING: &str = "subject_type_missing";
/// An `identifier` entry is not a valid IdentityObject (OB 3.0 §B.1).
pub const SUBJECT_IDENTIFIER_MALFORMED: &str = "subject_identifier_malformed";
/// An OB subject has no `achievement`.
pub const ACHIEVEMENT_MISSING: &str = "achievement_missing";
/// `achievement` is not an object.
pub const ACHIEVEMENT_INVALID: &str = "achievement_invalid";
/// The achievement has no `id`.
pub const ACHIEVEMENT_ID_MISSING: &str = "achievement_id_missing";
/// The achievement `id` is not a string holding an absolute URI.
pub const ACHIEVEMENT_ID_INVALID: &str = "achievement_id_invalid";
/// The achievement `type` lacks `Achievement`.
pub const ACHIEVEMENT_TYPE_MISSING: &str = "achievement_type_missing";
/// The achievement has no string `name`.
pub const ACHIEVEMENT_NAME_MISSING: &str = "achievement_name_missing";
/// The achievement has no string `description`.
pub const ACHIEVEMENT_DESCRIPTION_MISSING: &str = "achievement_description_missing";
/// The achievement has no `criteria` object.
pub const ACHIEVEMENT_CRITERIA_MISSING: &str = "achievement_criteria_missing";
/// `achievementType` is present but not a string.
pub const ACHIEVEMENT_KIND_INVALID: &str = "achievement_kind_invalid";
/// `result` (or an item of it) is not an object / array of objects.
pub const RESULT_INVALID: &str = "result_invalid";
/// A result's `type` lacks `Result`.
pub const RESULT_TYPE_MISSING: &str = "result_type_missing";
/// A result's `resultDescription`, `value`, `status` or `achievedLevel`
/// is not a string.
pub const RESULT_FIELD_INVALID: &str = "result_field_invalid";
/// `credentialStatus` (or an item of it) is not an object.
pub const CREDENTIAL_STATUS_INVALID: &str = "credential_status_invalid";
/// A status entry has no string `type` (VCDM 2.0 §4.10).
pub const CREDENTIAL_STATUS_TYPE_MISSING: &str = "credential_status_type_missing";
/// A status entry `id` is not a string holding an absolute URI.
pub const CREDENTIAL_STATUS_ID_INVALID: &str = "credential_status_id_invalid";
/// A BitstringStatusListEntry has no string `statusPurpose`.
pub const STATUS_PURPOSE_MISSING: &str = "status_purpose_missing";
/// A BitstringStatusListEntry has no `statusListIndex`.
pub const STATUS_LIST_INDEX_MISSING: &str = "status_list_index_missing";
/// `statusListIndex` is not a non-negative base-10 integer.
pub const STATUS_LIST_INDEX_MALFORMED: &str = "status_list_index_malformed";
/// A BitstringStatusListEntry has no `statusListCredential`.
pub const STATUS_LIST_CREDENTIAL_MISSING: &str = "status_list_credential_missing";
/// `statusListCredential` is not a string holding an absolute URI.
pub const STATUS_LIST_CREDENTIAL_INVALID: &str = "status_list_credential_invalid";

/// Warning: an OB credential's `type` is a bare string (the strict OB
/// JSON Schema wants an array; RDF is unchanged).
pub const TYPE_NOT_ARRAY: &str = "type_not_array";
/// Warning: an OB credential's `proof` is a single object (STANDARDS §1
/// item 4, §9 item 5).
pub const PROOF_NOT_ARRAY: &str = "proof_not_array";
/// Warning: `statusListIndex` is a JSON number; it should be a string
/// (Bitstring Status List v1.0 §2.1; STANDARDS §1 item 7).
pub const STATUS_LIST_INDEX_NOT_STRING: &str = "status_list_index_not_string";
/// Warning: a date property of the other VC version is present
/// (`issuanceDate`/`expirationDate` in VC 2.0, `validFrom`/`validUntil`
/// in VC 1.1); that context does not define it, so JSON-LD safe mode
/// fails on it.
pub const DATE_PROPERTY_WRONG_VERSION: &str = "date_property_wrong_version";
/// Warning: `identifier` / `result` is a single object instead of an
/// array (STANDARDS §1 item 4).
pub const NOT_ARRAY: &str = "not_array";
