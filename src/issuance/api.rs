//! Operations the HTTP APIs add to the use cases: a lab result recorded by
//! a caller on a named grader's behalf (admin API), and issuing a
//! client-supplied, unsigned credential (VC-API "Issue Credential").
//! Both keep the program's rules: only a registered grader grades a lab,
//! the lab follows a passed written assessment, and a certification is
//! signed only for an attempt whose two stages were passed.

use super::{
    Actor, IssuanceError, Issuer, LabInput, Role, StageDates, check_attempt, check_date,
    check_name, check_stage_dates, invalid, issuance_key, normalize_email, passed_stages, stamp,
};
use crate::audit::AuditDraft;
use crate::catalog::Certification;
use crate::model::{self, CredentialId, IdentityObject, OpenBadgeCredential};
use crate::store::{
    AssessmentKind, AssessmentRecord, CandidateRecord, CredentialKind, CredentialRecord,
    CredentialState, StoreError,
};
use serde_json::{Map, Value, json};

/// Highest attempt number looked at when searching for the passed attempt.
const MAX_ATTEMPT: i64 = 1000;

impl Issuer<'_> {
    /// Records a written result (admin API and console): the certification
    /// is checked first, then a candidate whose e-mail is new is registered
    /// under `name` (without a name: [`IssuanceError::UnknownCandidate`]),
    /// then the result is recorded — so a refused call leaves nothing behind.
    pub async fn record_written_registering(
        &self,
        mut input: super::WrittenInput,
        name: Option<&str>,
        candidate_id: Option<&str>,
        actor: &Actor,
    ) -> Result<AssessmentRecord, IssuanceError> {
        input.email = super::normalize_email(&input.email)?;
        self.certification(&input.certification)?;
        if self.store.candidate_by_email(&input.email).await?.is_none() {
            let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
                return Err(IssuanceError::UnknownCandidate(format!(
                    "{} is not registered yet: give `name` to register the candidate",
                    input.email
                )));
            };
            self.register_candidate(name, &input.email, candidate_id, actor)
                .await?;
        }
        self.record_written(&input, actor).await
    }

    /// Records a lab result graded by `grader` (who must be a registered
    /// grader, [`Issuer::check_grader`]), recorded by `actor` (an admin, or
    /// the grader's own token). Unlike [`Issuer::record_lab`], the audit
    /// entry names the caller (`actor`) and the record names the grader, and
    /// the lab must follow a passed written assessment of the same attempt.
    pub async fn record_lab_for(
        &self,
        input: &LabInput,
        grader: &str,
        actor: &Actor,
    ) -> Result<AssessmentRecord, IssuanceError> {
        let grader = grader.trim();
        if actor.role == Role::Grader && grader.is_empty() {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        self.check_grader(&Actor::grader(grader))?;
        let cert = self.certification(&input.certification)?;
        if let Some(n) = &input.notes {
            model::check_signable_text("notes", n).map_err(|e| invalid("notes", e.to_string()))?;
        }
        let attempt = check_attempt(input.attempt)?;
        let assessed_on = check_date("lab date", &input.assessed_on)?;
        let candidate = self.candidate_by_email(&input.email).await?;
        let prior = self
            .store
            .assessments(&candidate.id, cert.slug.as_str(), attempt)
            .await?;
        // The lab follows a passed written assessment of the same attempt,
        // and is dated neither before it nor in the future.
        let written = super::passed_written(&prior)?;
        check_stage_dates(
            self.today(),
            StageDates {
                written: Some(&written.assessed_on),
                lab: Some(&assessed_on),
                issued: None,
            },
        )?;
        let record = AssessmentRecord {
            id: super::new_uuid()?.to_string(),
            candidate_id: candidate.id,
            certification: cert.slug.to_string(),
            attempt,
            kind: AssessmentKind::Lab,
            score: None,
            pass_mark: None,
            passed: input.passed,
            grader: Some(grader.to_owned()),
            notes: input.notes.clone().filter(|n| !n.trim().is_empty()),
            reference: None,
            assessed_on,
            recorded_at: stamp(self.now()),
            recorded_by: actor.name.clone(),
        };
        self.record(record, actor).await
    }

    /// Issues a client-supplied, unsigned OB 3.0 credential (W3C VC-API
    /// "Issue Credential"; the rules are those of
    /// [`OpenBadgeCredential::validate_for_signing`]):
    ///
    /// * it must be a VC 2.0 `OpenBadgeCredential`/`AchievementCredential`
    ///   with exactly the two OB contexts and no properties the model does
    ///   not know (they would make JSON-LD safe mode fail);
    /// * `proof` and `credentialStatus` must be absent: the issuer adds the
    ///   proof and the two Bitstring Status List entries (revocation and
    ///   suspension), exactly as normal issuance does;
    /// * `issuer` may be absent, this issuer's id, or a Profile with this
    ///   issuer's id; it is written as this issuer's profile;
    /// * `id` may be absent (a new `urn:uuid:` is assigned) or an unused
    ///   `urn:uuid:` URN, so the credential has its public page;
    /// * `credentialSubject.achievement.id` names one of the catalog's
    ///   achievements; the catalog's definition of it is written;
    /// * `credentialSubject.name` is the holder's name, and one
    ///   `credentialSubject.identifier` entry is an unhashed `emailAddress`
    ///   IdentityObject naming a registered candidate; it is replaced by a
    ///   salted SHA-256 IdentityHash, so no plaintext e-mail is signed;
    /// * the candidate must have passed both stages of an attempt of that
    ///   certification (the highest such attempt is used) that was not
    ///   issued before (a conflict; `revoked` when that credential is
    ///   revoked, [`super::check_repeat`]);
    /// * `validFrom` defaults to now and `validUntil` to the catalog's
    ///   validity period.
    ///
    /// The credential is stored, its status entries allocated and the
    /// `credential.issue` audit entry written in one transaction.
    pub async fn issue_submitted(
        &self,
        credential: &Value,
        actor: &Actor,
    ) -> Result<CredentialRecord, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let Some(submitted) = credential.as_object() else {
            return Err(invalid(
                "credential",
                "the credential must be a JSON object",
            ));
        };
        let mut doc = submitted.clone();
        for (key, why) in [
            (
                "proof",
                "send the credential unsigned; the issuer adds the proof",
            ),
            (
                "credentialStatus",
                "the issuer adds the revocation and suspension status entries",
            ),
        ] {
            if doc.contains_key(key) {
                return Err(invalid(
                    "credential",
                    format!("{key} must be absent: {why}"),
                ));
            }
        }
        let profile = self.issuer_profile()?;
        match doc.get("issuer") {
            None => {}
            Some(Value::String(id)) if *id == self.profile.id => {}
            Some(Value::Object(o))
                if o.get("id").and_then(Value::as_str) == Some(&self.profile.id) => {}
            Some(_) => {
                return Err(invalid(
                    "issuer",
                    format!("the issuer must be {} (this issuer)", self.profile.id),
                ));
            }
        }
        doc.insert(
            "issuer".into(),
            serde_json::to_value(&profile).unwrap_or(Value::Null),
        );
        let id = match doc.get("id") {
            None => CredentialId::urn_uuid_from_random(super::os_random::<16>()?).to_string(),
            Some(Value::String(id)) => {
                // The canonical (lower-case, hyphenated) form only: the
                // public page is found by exactly this text.
                let ok = id.strip_prefix("urn:uuid:").is_some_and(|u| {
                    uuid::Uuid::parse_str(u).is_ok_and(|p| p.hyphenated().to_string() == u)
                });
                if !ok {
                    return Err(invalid(
                        "id",
                        "the id must be absent or a lower-case urn:uuid: URN (the credential's public page is /v/<uuid>)",
                    ));
                }
                if self.store.credential(id).await?.is_some() {
                    return Err(IssuanceError::Store(StoreError::Conflict(format!(
                        "a credential with id {id} exists"
                    ))));
                }
                id.clone()
            }
            Some(_) => return Err(invalid("id", "the id must be a string")),
        };
        doc.insert("id".into(), Value::String(id.clone()));

        let subject = match doc.get_mut("credentialSubject") {
            Some(Value::Object(s)) => s,
            _ => {
                return Err(invalid(
                    "credentialSubject",
                    "credentialSubject must be one AchievementSubject object",
                ));
            }
        };
        let cert = self.submitted_certification(subject)?;
        subject.insert(
            "achievement".into(),
            serde_json::to_value(cert.achievement(&self.public_url, profile.clone()))
                .unwrap_or(Value::Null),
        );
        let email = take_email(subject)?;
        let holder_name = match subject.get("name") {
            Some(Value::String(n)) => check_name(n)?,
            _ => {
                return Err(invalid(
                    "credentialSubject.name",
                    "the holder's name is required",
                ));
            }
        };
        subject.insert("name".into(), Value::String(holder_name.clone()));
        let now = self.now();
        if !doc.contains_key("validFrom") {
            doc.insert("validFrom".into(), Value::String(stamp(now)));
        }
        if !doc.contains_key("validUntil") {
            doc.insert(
                "validUntil".into(),
                Value::String(stamp(cert.valid_until(now))),
            );
        }
        // Strict parse: the typed model denies unknown properties.
        let mut credential: OpenBadgeCredential = serde_json::from_value(Value::Object(doc))
            .map_err(|e| invalid("credential", e.to_string()))?;
        let salt = super::new_salt()?;
        credential
            .credential_subject
            .identifier
            .push(IdentityObject::hashed_email(&email, &salt));
        credential.validate_for_signing()?;

        let candidate = self.candidate_by_email(&email).await?;
        let attempt = self.passed_attempt(&candidate, cert).await?;
        let (written, lab) = passed_stages(
            &self
                .store
                .assessments(&candidate.id, cert.slug.as_str(), attempt)
                .await?,
        )?;
        check_stage_dates(
            now.date_naive(),
            StageDates {
                written: Some(&written.assessed_on),
                lab: Some(&lab.assessed_on),
                issued: Some(credential.valid_from.instant().date_naive()),
            },
        )?;
        let key = issuance_key(&candidate.id, cert.slug.as_str(), attempt);
        if let Some(existing) = self.existing(&key, None).await? {
            return Err(IssuanceError::Store(StoreError::Conflict(format!(
                "attempt {attempt} of {} was already issued as {}; renew or correct that credential",
                cert.slug, existing.id
            ))));
        }
        let outcome = self
            .create(
                &key,
                None,
                None,
                now,
                |slots| {
                    credential.credential_status = slots
                        .iter()
                        .map(|slot| self.status_entry(slot))
                        .collect::<Result<_, _>>()?;
                    credential.validate_for_signing()?;
                    let document = self.sign(&credential.to_json_value(), now)?;
                    Ok(CredentialRecord {
                        id: id.clone(),
                        kind: CredentialKind::Certification,
                        candidate_id: Some(candidate.id.clone()),
                        certification: cert.slug.to_string(),
                        attempt,
                        issuance_key: key.clone(),
                        external_id: None,
                        holder_name: holder_name.clone(),
                        issued_at: stamp(now),
                        valid_from: credential.valid_from.as_str().to_owned(),
                        valid_until: credential
                            .valid_until
                            .as_ref()
                            .map(|u| u.as_str().to_owned()),
                        state: CredentialState::Active,
                        renews: None,
                        replaces: None,
                        superseded_by: None,
                        document,
                    })
                },
                |record| {
                    AuditDraft::new(
                        &actor.name,
                        "credential.issue",
                        &record.id,
                        json!({ "certification": record.certification, "candidate": record.candidate_id, "attempt": attempt, "source": "vc-api" }),
                    )
                },
            )
            .await?;
        match outcome {
            super::IssueOutcome::Issued(record) => Ok(record),
            // A twin committed between the check above and the transaction.
            super::IssueOutcome::AlreadyIssued(existing) => {
                Err(IssuanceError::Store(StoreError::Conflict(format!(
                    "attempt {attempt} of {} was already issued as {}",
                    cert.slug, existing.id
                ))))
            }
        }
    }

    /// The catalog certification whose achievement id the subject names.
    fn submitted_certification(
        &self,
        subject: &Map<String, Value>,
    ) -> Result<&Certification, IssuanceError> {
        let named = match subject.get("achievement") {
            Some(Value::Object(a)) => a.get("id").and_then(Value::as_str),
            Some(Value::String(id)) => Some(id.as_str()),
            _ => None,
        };
        let Some(named) = named else {
            return Err(invalid(
                "credentialSubject.achievement",
                "the achievement must name one of this issuer's certifications by id",
            ));
        };
        self.catalog
            .iter()
            .find(|c| c.achievement_id(&self.public_url) == named)
            .ok_or_else(|| {
                let ids: Vec<String> = self
                    .catalog
                    .iter()
                    .map(|c| c.achievement_id(&self.public_url))
                    .collect();
                IssuanceError::UnknownCertification(crate::catalog::UnknownCertification {
                    given: named.to_owned(),
                    valid: ids.join(", "),
                })
            })
    }

    /// The highest attempt (from 1, up to the first attempt with no
    /// records) whose written and lab stages were both passed; otherwise
    /// why the latest recorded attempt does not qualify.
    async fn passed_attempt(
        &self,
        candidate: &CandidateRecord,
        cert: &Certification,
    ) -> Result<i64, IssuanceError> {
        let mut best = None;
        let mut last_error = IssuanceError::StageMissing("written");
        for attempt in 1..=MAX_ATTEMPT {
            let records = self
                .store
                .assessments(&candidate.id, cert.slug.as_str(), attempt)
                .await?;
            if records.is_empty() {
                break;
            }
            match passed_stages(&records) {
                Ok(_) => best = Some(attempt),
                Err(e) => last_error = e,
            }
        }
        best.ok_or(last_error)
    }
}

/// Removes the unhashed `emailAddress` identifier from the subject and
/// returns the normalized address.
fn take_email(subject: &mut Map<String, Value>) -> Result<String, IssuanceError> {
    let missing = || {
        invalid(
            "credentialSubject.identifier",
            "the holder's e-mail is required as an IdentityObject with identityType \
             emailAddress and hashed false (it is replaced by a salted hash before signing)",
        )
    };
    let Some(Value::Array(items)) = subject.get_mut("identifier") else {
        return Err(missing());
    };
    let position = items.iter().position(|item| {
        item.get("identityType").and_then(Value::as_str) == Some("emailAddress")
            && item.get("hashed") == Some(&Value::Bool(false))
    });
    let Some(position) = position else {
        return Err(missing());
    };
    let item = items.remove(position);
    let plain = item
        .get("identityHash")
        .and_then(Value::as_str)
        .ok_or_else(missing)?;
    let email = normalize_email(plain)?;
    // Whatever else is left is signed and published as is: refuse any
    // other plaintext identifier rather than publish it.
    if items
        .iter()
        .any(|i| i.get("hashed") != Some(&Value::Bool(true)))
    {
        return Err(invalid(
            "credentialSubject.identifier",
            "only one unhashed identifier (the holder's e-mail) is accepted; hash the others \
             (OB 3.0 IdentityObject, hashed: true) or leave them out",
        ));
    }
    if items.is_empty() {
        subject.remove("identifier");
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::take_email;
    use serde_json::json;

    #[test]
    fn the_plain_email_identifier_is_taken_out() {
        let mut subject = json!({ "identifier": [
            { "type": "IdentityObject", "identityType": "emailAddress", "hashed": false, "identityHash": " Ada@Example.com " }
        ] });
        let map = subject.as_object_mut().unwrap();
        assert_eq!(take_email(map).ok().as_deref(), Some("ada@example.com"));
        assert!(!map.contains_key("identifier"));
        let mut hashed = json!({ "identifier": [
            { "type": "IdentityObject", "identityType": "emailAddress", "hashed": true, "identityHash": "sha256$00" }
        ] });
        let map = hashed.as_object_mut().unwrap();
        assert_eq!(
            take_email(map).map_err(|e| e.code()).err(),
            Some("invalid_input")
        );
        // A second plaintext identifier would be published: refused.
        let mut two = json!({ "identifier": [
            { "type": "IdentityObject", "identityType": "emailAddress", "hashed": false, "identityHash": "ada@example.com" },
            { "type": "IdentityObject", "identityType": "emailAddress", "hashed": false, "identityHash": "ada@private.example" }
        ] });
        let map = two.as_object_mut().unwrap();
        assert_eq!(
            take_email(map).map_err(|e| e.code()).err(),
            Some("invalid_input")
        );
    }
}
