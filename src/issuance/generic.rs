//! Generic issuance over W3C VC-API "Issue Credential" (VC-API §3.2.1,
//! `POST /credentials/issue`): any VCDM 2.0 credential, and VCDM 1.1 input,
//! signed as this issuer with the client's choice of cryptosuite and the
//! Bitstring Status List entries it asks for. Catalog certifications stay
//! behind their assessment gate: [`Issuer::issue_over_vc_api`] is the one
//! rule deciding which path a submitted credential takes.

use super::{Actor, IssuanceError, Issuer, Role, revocation, stamp};
use crate::audit::AuditDraft;
use crate::model::vcdm::{self, DataModel, InputProblem};
use crate::model::{CredentialId, Uri};
use crate::proof::{self, Cryptosuite};
use crate::store::{CredentialKind, CredentialRecord, CredentialState, StoreError};
use serde_json::{Map, Value, json};

/// The status purposes a generic credential can ask for (Bitstring Status
/// List v1.0 §2.1 `statusPurpose`), the ones this issuer keeps lists of.
pub const GENERIC_PURPOSES: [&str; 2] = revocation::PURPOSES;

/// The `options` of a VC-API issue request, as far as Rosette acts on them;
/// every other option is ignored (VC-API §3.2.1 lets a client send options
/// an issuer does not know).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericOptions {
    /// `options.cryptosuite`; `None`: the configured suite.
    pub cryptosuite: Option<Cryptosuite>,
    /// The status purposes to add entries for, each once, in the order asked
    /// (`options.statusPurpose`, then `options.credentialStatus`), or the
    /// configured default when the request asks for none.
    pub status_purposes: Vec<&'static str>,
}

fn problem(field: impl Into<String>, reason: impl Into<String>) -> InputProblem {
    InputProblem {
        field: field.into(),
        reason: reason.into(),
    }
}

/// One of [`GENERIC_PURPOSES`], or a problem naming `field`.
fn purpose(value: &Value, field: &str) -> Result<&'static str, InputProblem> {
    value
        .as_str()
        .and_then(|p| GENERIC_PURPOSES.into_iter().find(|k| *k == p))
        .ok_or_else(|| problem(field, "must be \"revocation\" or \"suspension\""))
}

/// A value that may be one item or an array of them, as a list.
fn one_or_many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    }
}

impl GenericOptions {
    /// Reads a VC-API request's `options` (absent, or a JSON object):
    ///
    /// * `cryptosuite`: `eddsa-rdfc-2022` or `eddsa-jcs-2022` (VC Data
    ///   Integrity EdDSA Cryptosuites v1.0 §3); anything else is refused;
    /// * `statusPurpose`: `revocation` or `suspension`, or an array of them;
    /// * `credentialStatus`: an object or an array of objects
    ///   `{"type": "BitstringStatusListEntry", "statusPurpose": …}`
    ///   (Bitstring Status List v1.0 §2.1), each asking for one entry;
    /// * with neither of the last two, `default_purposes` apply (the
    ///   configuration's `generic_status_purposes`).
    ///
    /// A problem names the option (`options.cryptosuite`, …).
    pub fn from_request(
        options: Option<&Value>,
        default_purposes: &[&'static str],
    ) -> Result<GenericOptions, InputProblem> {
        let options = match options {
            None | Some(Value::Null) => &Map::new(),
            Some(Value::Object(o)) => o,
            Some(_) => return Err(problem("options", "must be a JSON object")),
        };
        let cryptosuite = match options.get("cryptosuite") {
            None => None,
            Some(Value::String(s)) if s == "eddsa-rdfc-2022" => Some(Cryptosuite::EddsaRdfc2022),
            Some(Value::String(s)) if s == "eddsa-jcs-2022" => Some(Cryptosuite::EddsaJcs2022),
            Some(_) => {
                return Err(problem(
                    "options.cryptosuite",
                    "must be \"eddsa-rdfc-2022\" or \"eddsa-jcs-2022\"",
                ));
            }
        };
        let mut asked: Option<Vec<&'static str>> = None;
        if let Some(value) = options.get("statusPurpose") {
            let list = asked.get_or_insert_with(Vec::new);
            for (i, p) in one_or_many(value).into_iter().enumerate() {
                let field = match value {
                    Value::Array(_) => format!("options.statusPurpose[{i}]"),
                    _ => "options.statusPurpose".to_owned(),
                };
                list.push(purpose(p, &field)?);
            }
        }
        if let Some(value) = options.get("credentialStatus") {
            let list = asked.get_or_insert_with(Vec::new);
            for (i, entry) in one_or_many(value).into_iter().enumerate() {
                let field = match value {
                    Value::Array(_) => format!("options.credentialStatus[{i}]"),
                    _ => "options.credentialStatus".to_owned(),
                };
                let Some(entry) = entry.as_object() else {
                    return Err(problem(field, "must be a JSON object"));
                };
                if entry.get("type").and_then(Value::as_str) != Some("BitstringStatusListEntry") {
                    return Err(problem(
                        format!("{field}.type"),
                        "must be \"BitstringStatusListEntry\"",
                    ));
                }
                let p = entry
                    .get("statusPurpose")
                    .ok_or_else(|| problem(format!("{field}.statusPurpose"), "is required"))?;
                list.push(purpose(p, &format!("{field}.statusPurpose"))?);
            }
        }
        let mut status_purposes: Vec<&'static str> = Vec::new();
        for p in asked.as_deref().unwrap_or(default_purposes) {
            if !status_purposes.contains(p) {
                status_purposes.push(p);
            }
        }
        Ok(GenericOptions {
            cryptosuite,
            status_purposes,
        })
    }
}

/// The achievements a credential's subjects name, for one subject or
/// several: each one's `id` (`credentialSubject.achievement.id`, or
/// `achievement` as a string) and its display name, if any.
fn named_achievements(credential: &Value) -> Vec<(Option<&str>, Option<String>)> {
    let Some(subjects) = credential.get("credentialSubject") else {
        return Vec::new();
    };
    one_or_many(subjects)
        .into_iter()
        .filter_map(|s| match s.get("achievement")? {
            Value::Object(a) => Some((
                a.get("id").and_then(Value::as_str),
                a.get("name")
                    .and_then(|n| vcdm::display_text(n, Some("en"))),
            )),
            Value::String(id) => Some((Some(id.as_str()), None)),
            _ => None,
        })
        .collect()
}

/// Names compared as a reader would: case, spacing and punctuation aside.
fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The first subject's `name` when it is a plain string (what the admin
/// API lists as the holder), else empty.
fn holder_name(doc: &Map<String, Value>) -> String {
    let first = match doc.get("credentialSubject") {
        Some(Value::Array(items)) => items.first(),
        other => other,
    };
    first
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .map(|n| n.trim().chars().take(200).collect())
        .unwrap_or_default()
}

/// A date property as given, when it is a string.
fn date_of(doc: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| doc.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

impl Issuer<'_> {
    /// Whether a submitted credential names, or passes itself off as, one
    /// of the catalog's certifications: a subject's achievement id is a
    /// catalog achievement id or lies under this issuer's
    /// `/certifications/` path, or its achievement's name is a catalog
    /// certification's name (case, spacing and punctuation aside). Such a
    /// credential signed by this issuer would read as the certification.
    pub fn names_certification(&self, credential: &Value) -> bool {
        let ours = format!("{}/certifications/", self.public_url.trim_end_matches('/'));
        let names: Vec<String> = self.catalog.iter().map(|c| name_key(&c.name)).collect();
        named_achievements(credential).iter().any(|(id, name)| {
            id.is_some_and(|id| id.starts_with(&ours))
                || name
                    .as_deref()
                    .is_some_and(|n| names.contains(&name_key(n)))
        })
    }

    /// VC-API "Issue Credential": the one rule deciding the path. A
    /// credential naming a catalog certification
    /// ([`Self::names_certification`]) goes through the assessment gate,
    /// [`Issuer::issue_submitted`], and only for an `admin` caller (else
    /// [`IssuanceError::CertificationGated`]); every other credential is
    /// signed as it is by [`Self::issue_generic`].
    pub async fn issue_over_vc_api(
        &self,
        credential: &Value,
        options: &GenericOptions,
        actor: &Actor,
    ) -> Result<CredentialRecord, IssuanceError> {
        if self.names_certification(credential) {
            return match actor.role {
                Role::Admin => self.issue_submitted(credential, actor).await,
                _ => Err(IssuanceError::CertificationGated),
            };
        }
        self.issue_generic(credential, options, actor).await
    }

    /// Signs a client's credential as it is (W3C VC-API "Issue Credential"
    /// for credentials that are not catalog certifications):
    ///
    /// * the input rules of [`vcdm::check_generic_input`] (contexts, types,
    ///   terms, issuer = this issuer…), and no `proof`;
    /// * `id`: a new `urn:uuid:` when absent, else a URL not issued before
    ///   (409 otherwise);
    /// * `@context`, `issuer` and `credentialSubject` are kept as given; for
    ///   VCDM 1.1 input the Data Integrity v2 context is appended when its
    ///   contexts do not define `DataIntegrityProof`
    ///   ([`proof::context::inject_data_integrity_context`]);
    /// * a `BitstringStatusListEntry` per asked purpose, allocated in this
    ///   issuer's lists as certifications' are, appended to any
    ///   `credentialStatus` the input carries (for VCDM 1.1 input, with the
    ///   Bitstring Status List context appended when needed);
    /// * the proof with `options.cryptosuite`, or the configured suite.
    ///
    /// The credential, its status entries and the
    /// `credential.issue_generic` audit entry commit in one transaction.
    pub async fn issue_generic(
        &self,
        credential: &Value,
        options: &GenericOptions,
        actor: &Actor,
    ) -> Result<CredentialRecord, IssuanceError> {
        if !matches!(actor.role, Role::Admin | Role::Issuer) {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let model = vcdm::check_generic_input(credential, &self.profile.id)
            .map_err(IssuanceError::Input)?;
        let Some(submitted) = credential.as_object() else {
            return Err(IssuanceError::Input(problem(
                "credential",
                "must be a JSON object",
            )));
        };
        if submitted.contains_key("proof") {
            return Err(IssuanceError::Input(problem(
                "proof",
                "must be absent: send the credential unsigned; the issuer adds the proof",
            )));
        }
        let mut doc = submitted.clone();
        let id = match doc.get("id") {
            None => CredentialId::urn_uuid_from_random(super::os_random::<16>()?).to_string(),
            Some(Value::String(id)) => {
                Uri::try_from(id.as_str()).map_err(|_| {
                    IssuanceError::Input(problem("id", "must be a URL (e.g. urn:uuid:…)"))
                })?;
                id.clone()
            }
            Some(_) => return Err(IssuanceError::Input(problem("id", "must be a URL string"))),
        };
        if self.store.credential(&id).await?.is_some() {
            return Err(IssuanceError::Store(StoreError::Conflict(format!(
                "a credential with id {id} was issued before"
            ))));
        }
        doc.insert("id".into(), Value::String(id.clone()));
        if model == DataModel::V1_1 {
            proof::context::inject_data_integrity_context(&mut doc);
        }
        let suite = options.cryptosuite.unwrap_or(self.suite);
        let now = self.now();
        let at = stamp(now);
        let key = format!("generic:{id}");
        let mut tx = self.store.begin().await?;
        if !tx
            .credentials_by_keys(std::slice::from_ref(&key), &[])
            .await?
            .is_empty()
        {
            return Err(IssuanceError::Store(StoreError::Conflict(format!(
                "a credential with id {id} was issued before"
            ))));
        }
        let slots = self
            .allocate_status_for(&mut *tx, &options.status_purposes, 1, now)
            .await?
            .pop()
            .unwrap_or_default();
        if !slots.is_empty() {
            let mut entries = match doc.remove("credentialStatus") {
                None => Vec::new(),
                Some(Value::Array(given)) => given,
                Some(one) => vec![one],
            };
            for slot in &slots {
                let entry = serde_json::to_value(self.status_entry(slot)?).map_err(|e| {
                    IssuanceError::Model(crate::model::ModelError::Invalid {
                        field: "/credentialStatus".into(),
                        reason: e.to_string(),
                    })
                })?;
                entries.push(entry);
            }
            doc.insert("credentialStatus".into(), Value::Array(entries));
            if model == DataModel::V1_1 {
                proof::context::inject_status_context(&mut doc);
            }
        }
        let types: Vec<Value> = doc
            .get("type")
            .map(|t| one_or_many(t).into_iter().cloned().collect())
            .unwrap_or_default();
        let record = CredentialRecord {
            id: id.clone(),
            kind: CredentialKind::Generic,
            candidate_id: None,
            certification: String::new(),
            attempt: 0,
            issuance_key: key,
            external_id: None,
            holder_name: holder_name(&doc),
            issued_at: at.clone(),
            valid_from: date_of(&doc, &["validFrom", "issuanceDate"]).unwrap_or_else(|| at.clone()),
            valid_until: date_of(&doc, &["validUntil", "expirationDate"]),
            state: CredentialState::Active,
            renews: None,
            replaces: None,
            superseded_by: None,
            document: self.sign_with(&Value::Object(doc), suite, now)?,
        };
        tx.insert_credentials(std::slice::from_ref(&record)).await?;
        tx.insert_status_entries(&revocation::entries_for(&record.id, &slots))
            .await?;
        tx.append_audit(
            &[AuditDraft::new(
                &actor.name,
                "credential.issue_generic",
                &record.id,
                json!({
                    "types": types,
                    "cryptosuite": suite.as_str(),
                    "status_purposes": options.status_purposes,
                    "data_model": match model { DataModel::V2 => "2.0", DataModel::V1_1 => "1.1" },
                    "source": "vc-api",
                }),
            )],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: [&str; 2] = ["revocation", "suspension"];

    fn parse(options: Value) -> Result<GenericOptions, InputProblem> {
        GenericOptions::from_request(Some(&options), &BOTH)
    }

    #[test]
    fn options_choose_the_suite_and_unknown_options_are_ignored() {
        let o = parse(
            json!({ "cryptosuite": "eddsa-jcs-2022", "type": "DataIntegrityProof", "foo": [1] }),
        )
        .unwrap();
        assert_eq!(o.cryptosuite, Some(Cryptosuite::EddsaJcs2022));
        assert_eq!(o.status_purposes, BOTH);
        let o = GenericOptions::from_request(None, &[]).unwrap();
        assert_eq!(o.cryptosuite, None);
        assert!(o.status_purposes.is_empty());
        for bad in [json!("eddsa-2022"), json!("ecdsa-rdfc-2019"), json!(1)] {
            let e = parse(json!({ "cryptosuite": bad })).unwrap_err();
            assert_eq!(e.field, "options.cryptosuite");
        }
        assert_eq!(
            GenericOptions::from_request(Some(&json!([])), &BOTH)
                .unwrap_err()
                .field,
            "options"
        );
    }

    #[test]
    fn status_options_ask_for_entries_and_replace_the_default() {
        let o = parse(json!({ "statusPurpose": "suspension" })).unwrap();
        assert_eq!(o.status_purposes, ["suspension"]);
        let o = parse(json!({ "statusPurpose": ["revocation", "revocation"] })).unwrap();
        assert_eq!(o.status_purposes, ["revocation"]);
        let o = parse(json!({ "credentialStatus": { "type": "BitstringStatusListEntry", "statusPurpose": "revocation" },
                              "statusPurpose": "suspension" }))
        .unwrap();
        assert_eq!(o.status_purposes, ["suspension", "revocation"]);
        let o = parse(json!({ "statusPurpose": [] })).unwrap();
        assert!(o.status_purposes.is_empty());
        let e = parse(json!({ "statusPurpose": ["revocation", "message"] })).unwrap_err();
        assert_eq!(e.field, "options.statusPurpose[1]");
        let e = parse(json!({ "credentialStatus": [{ "type": "StatusList2021Entry", "statusPurpose": "revocation" }] }))
            .unwrap_err();
        assert_eq!(e.field, "options.credentialStatus[0].type");
        let e = parse(json!({ "credentialStatus": { "type": "BitstringStatusListEntry" } }))
            .unwrap_err();
        assert_eq!(e.field, "options.credentialStatus.statusPurpose");
    }

    #[test]
    fn achievements_are_found_in_every_subject() {
        let one = json!({ "credentialSubject": { "achievement": { "id": "https://x/a" } } });
        assert_eq!(named_achievements(&one), [(Some("https://x/a"), None)]);
        let many = json!({ "credentialSubject": [{ "id": "did:example:1" }, { "achievement": "https://x/b" }] });
        assert_eq!(named_achievements(&many), [(Some("https://x/b"), None)]);
        let named = json!({ "credentialSubject": { "achievement": {
            "name": [{ "@value": "Spezialist", "@language": "de" }, { "@value": "Specialist", "@language": "en" }] } } });
        assert_eq!(
            named_achievements(&named),
            [(None, Some("Specialist".to_owned()))]
        );
        assert_eq!(
            name_key(" GitLab CI/CD  specialist"),
            "gitlabcicdspecialist"
        );
        assert!(
            named_achievements(&json!({ "credentialSubject": { "id": "did:example:1" } }))
                .is_empty()
        );
    }

    #[test]
    fn the_holder_is_the_first_subjects_plain_name() {
        let doc = json!({ "credentialSubject": [{ "name": " Ada " }, { "name": "Grace" }] });
        assert_eq!(holder_name(doc.as_object().unwrap()), "Ada");
        let doc =
            json!({ "credentialSubject": { "name": { "@value": "Ada", "@language": "en" } } });
        assert_eq!(holder_name(doc.as_object().unwrap()), "");
    }
}
