//! The signed credential a certification issues: the OB 3.0
//! AchievementCredential built from the catalog entry, the candidate and the
//! two passed assessments, and the issuer's signature over it (also used for
//! status list credentials).

use chrono::{DateTime, Utc};

use super::{IssuanceError, Issuer, revocation, score_text, stamp};
use crate::catalog::Certification;
use crate::model::{
    AchievementResult, AchievementSubject, CredentialId, Evidence, IdentityObject,
    OpenBadgeCredential, Profile, Uri, XsdDateTime,
};
use crate::proof::{self, ProofOptions};
use crate::store::{
    AssessmentRecord, CandidateRecord, CredentialKind, CredentialRecord, CredentialState,
};

impl Issuer<'_> {
    /// Builds and signs a credential record (not stored). `valid_until`
    /// overrides the catalog's validity period when given.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn build(
        &self,
        cert: &Certification,
        candidate: &CandidateRecord,
        holder_name: &str,
        written: &AssessmentRecord,
        lab: &AssessmentRecord,
        now: DateTime<Utc>,
        attempt: i64,
        issuance_key: String,
        external_id: Option<String>,
        valid_until: Option<Option<XsdDateTime>>,
        status: &[revocation::StatusSlot],
        subject_id: Option<&str>,
    ) -> Result<CredentialRecord, IssuanceError> {
        let id = CredentialId::urn_uuid_from_random(super::os_random::<16>()?);
        let until =
            valid_until.unwrap_or_else(|| Some(XsdDateTime::from_utc(cert.valid_until(now))));
        let document = self.credential_document(
            cert,
            candidate,
            holder_name,
            written,
            lab,
            now,
            id.as_str(),
            until.as_ref(),
            status,
            subject_id,
        )?;
        Ok(CredentialRecord {
            id: id.to_string(),
            kind: CredentialKind::Certification,
            candidate_id: Some(candidate.id.clone()),
            certification: cert.slug.to_string(),
            attempt,
            issuance_key,
            external_id,
            holder_name: holder_name.to_owned(),
            issued_at: stamp(now),
            valid_from: stamp(now),
            valid_until: until.map(|u| u.as_str().to_owned()),
            state: CredentialState::Active,
            renews: None,
            replaces: None,
            superseded_by: None,
            document,
        })
    }

    /// The signed OB 3.0 credential JSON: achievement from the catalog,
    /// holder name and salted e-mail hash, the two results tied to their
    /// result descriptions, lab evidence naming the grader by public name or
    /// role (never by e-mail). `subject_id`, when given, is the holder's DID
    /// (`credentialSubject.id`, OB 3.0 §B.1.2), for a copy bound to a wallet.
    #[allow(clippy::too_many_arguments)]
    pub fn credential_document(
        &self,
        cert: &Certification,
        candidate: &CandidateRecord,
        holder_name: &str,
        written: &AssessmentRecord,
        lab: &AssessmentRecord,
        now: DateTime<Utc>,
        id: &str,
        valid_until: Option<&XsdDateTime>,
        status: &[revocation::StatusSlot],
        subject_id: Option<&str>,
    ) -> Result<String, IssuanceError> {
        let issuer = self.issuer_profile()?;
        let achievement = cert.achievement(&self.public_url, issuer.clone());
        let mut subject = AchievementSubject::new(achievement);
        subject.id = subject_id.map(Uri::try_from).transpose()?;
        subject.name = Some(holder_name.to_owned());
        subject.identifier = vec![IdentityObject::hashed_email(
            &candidate.email,
            &super::new_salt()?,
        )];
        let mut written_result = AchievementResult::new(Uri::try_from(
            cert.written_result_id(&self.public_url).as_str(),
        )?);
        written_result.value = written.score.map(score_text);
        let mut lab_result = AchievementResult::new(Uri::try_from(
            cert.lab_result_id(&self.public_url).as_str(),
        )?);
        // The lab is a rubric grade: the result points at the achieved (Pass) level.
        lab_result.achieved_level = Some(Uri::try_from(
            cert.lab_pass_level_id(&self.public_url).as_str(),
        )?);
        subject.result = vec![written_result, lab_result];
        let mut credential = OpenBadgeCredential::new(
            CredentialId::try_from(id)?,
            issuer,
            XsdDateTime::from_utc(now),
            subject,
        );
        credential.name = Some(cert.name.clone());
        credential.valid_until = valid_until.cloned();
        let mut written_evidence = Evidence::new();
        written_evidence.name = Some(cert.written.name.clone());
        written_evidence.description = Some(format!(
            "Scored {}% (pass mark {}%) on {}{}.",
            written.score.map(score_text).unwrap_or_default(),
            written.pass_mark.map(score_text).unwrap_or_default(),
            written.assessed_on,
            written
                .reference
                .as_deref()
                .map(|r| format!(", assessment {r}"))
                .unwrap_or_default()
        ));
        written_evidence.genre = Some("Written assessment".into());
        let mut lab_evidence = Evidence::new();
        lab_evidence.name = Some(cert.lab.name.clone());
        lab_evidence.genre = Some("Hands-on lab".into());
        // The grader by public name or role only; the e-mail stays in the
        // assessment record and the audit log.
        lab_evidence.description = Some(format!(
            "Passed on {}; grader: {}.",
            lab.assessed_on,
            super::graders::public_label(&self.graders, lab.grader.as_deref())
        ));
        lab_evidence.narrative = lab.notes.clone();
        credential.evidence = vec![written_evidence, lab_evidence];
        credential.credential_status = status
            .iter()
            .map(|slot| self.status_entry(slot))
            .collect::<Result<_, _>>()?;
        credential.validate_for_signing()?;
        self.sign(&credential.to_json_value(), now)
    }

    /// Signs `unsigned` (a credential or a status list credential) as this
    /// issuer: adds a Data Integrity proof with proof purpose
    /// `assertionMethod`, the issuer's suite and key and `created` = `now`
    /// (VC Data Integrity 1.0 §4.2 Add Proof), then writes `proof` as an
    /// array, and returns the serialized document.
    pub fn sign(
        &self,
        unsigned: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<String, IssuanceError> {
        self.sign_with(unsigned, self.suite, now)
    }

    /// [`Self::sign`] with `suite` instead of the configured one (a VC-API
    /// client's `options.cryptosuite`).
    pub fn sign_with(
        &self,
        unsigned: &serde_json::Value,
        suite: proof::Cryptosuite,
        now: DateTime<Utc>,
    ) -> Result<String, IssuanceError> {
        let signed = proof::add_proof(
            unsigned,
            &ProofOptions::assertion(suite, Some(stamp(now))),
            self.signer,
        )?;
        Ok(proof::proof_as_array(signed).to_string())
    }

    pub(super) fn issuer_profile(&self) -> Result<Profile, IssuanceError> {
        let mut p = Profile::new(Uri::try_from(self.profile.id.as_str())?, &self.profile.name);
        p.url = self.profile.url.as_deref().map(Uri::try_from).transpose()?;
        Ok(p)
    }
}
