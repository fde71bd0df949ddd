//! What a badge shows for a stored credential, now: certification, holder,
//! dates, the public verification URL and the current status.

use super::{IssuanceError, Issuer};
use crate::render::badge::{BadgeData, BadgeStatus};
use crate::store::CredentialRecord;
use chrono::{DateTime, Utc};

/// `2026-11-25T…` → `25 Nov 2026`.
pub fn display_date(stamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_else(|_| stamp.get(..10).unwrap_or(stamp).to_owned())
}

/// The id's last part (the UUID of `urn:uuid:…`), as used in public URLs.
pub fn public_id(credential_id: &str) -> &str {
    credential_id
        .strip_prefix("urn:uuid:")
        .unwrap_or(credential_id)
}

impl Issuer<'_> {
    /// `{public_url}/v/{uuid}`: the page a badge's QR code opens.
    pub fn verification_url(&self, credential_id: &str) -> String {
        format!("{}/v/{}", self.public_url, public_id(credential_id))
    }

    /// The badge contents for `rec` at `now`: revoked and suspended from the
    /// status lists, with the date the bit was set, expired from
    /// `validUntil`, with that date.
    pub async fn badge_data(
        &self,
        rec: &CredentialRecord,
        now: DateTime<Utc>,
    ) -> Result<BadgeData, IssuanceError> {
        let cert = self.certification(&rec.certification)?;
        let status = self.credential_status(&rec.id).await?;
        let expired = rec
            .valid_until
            .as_deref()
            .and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok())
            .is_some_and(|u| u.to_utc() < now);
        Ok(BadgeData {
            certification_name: cert.name.clone(),
            holder_name: rec.holder_name.clone(),
            issued_on: display_date(&rec.valid_from),
            expires_on: rec.valid_until.as_deref().map(display_date),
            verify_url: self.verification_url(&rec.id),
            status: if status.revoked {
                BadgeStatus::Revoked {
                    since: status.since.as_deref().map(display_date),
                }
            } else if status.suspended {
                BadgeStatus::Suspended {
                    since: status.since.as_deref().map(display_date),
                }
            } else if expired {
                BadgeStatus::Expired {
                    on: rec.valid_until.as_deref().map(display_date),
                }
            } else {
                BadgeStatus::Valid
            },
        })
    }
}
