//! Certifications about to expire: the one rule of which credentials are
//! "expiring" ([`Issuer::expiring`]), which the CLI, the admin API and the
//! server's daily pass all call, and the pass itself
//! ([`Issuer::warn_expiring`]), which raises `credential.expiring` once per
//! credential and warning window.

use super::{Actor, IssuanceError, Issuer, Role, stamp};
use crate::audit::AuditDraft;
use crate::notify::event::EXPIRING_ACTION;
use crate::store::{CredentialRecord, CredentialSearch, CredentialStatusFilter};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// How often `rosette serve` runs the expiry pass (and once at start).
pub const PASS_INTERVAL: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The longest warning window accepted (about three years).
pub const MAX_WINDOW_DAYS: i64 = 1100;

/// A credential inside a warning window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExpiringCredential {
    /// The credential record, without its document.
    pub record: CredentialRecord,
    /// The holder's e-mail (empty for a generic credential).
    pub holder_email: String,
    /// Whether it is suspended (a suspended credential still expires).
    pub suspended: bool,
    /// Whole days from now until `validUntil` (0: later today).
    pub days_left: i64,
}

/// A warning window given as `60d`, `8w` or a plain number of days:
/// between 1 and [`MAX_WINDOW_DAYS`] days.
pub fn parse_window(text: &str) -> Result<i64, IssuanceError> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().last() {
        Some((i, 'd')) => (&t[..i], 1),
        Some((i, 'w')) => (&t[..i], 7),
        _ => (t, 1),
    };
    number
        .parse::<i64>()
        .ok()
        .map(|n| n.saturating_mul(unit))
        .filter(|d| (1..=MAX_WINDOW_DAYS).contains(d))
        .ok_or_else(|| IssuanceError::Invalid {
            field: "within",
            message: format!(
                "{text:?} is not a window of 1 to {MAX_WINDOW_DAYS} days (write 60d, 8w or 60)"
            ),
        })
}

impl Issuer<'_> {
    /// The credentials expiring within `window_days` of now, soonest first:
    /// current (not superseded by a correction), not revoked, not already
    /// renewed, with a `validUntil` after now and at most `window_days`
    /// days ahead. Admins only.
    pub async fn expiring(
        &self,
        window_days: i64,
        actor: &Actor,
    ) -> Result<Vec<ExpiringCredential>, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        self.expiring_at(self.now(), window_days).await
    }

    async fn expiring_at(
        &self,
        now: DateTime<Utc>,
        window_days: i64,
    ) -> Result<Vec<ExpiringCredential>, IssuanceError> {
        if !(1..=MAX_WINDOW_DAYS).contains(&window_days) {
            return Err(IssuanceError::Invalid {
                field: "within",
                message: format!("a window of 1 to {MAX_WINDOW_DAYS} days"),
            });
        }
        let mut found = Vec::new();
        let mut search = CredentialSearch {
            status: Some(CredentialStatusFilter::Active),
            now: Some(stamp(now)),
            expires_after: Some(stamp(now)),
            expires_by: Some(stamp(now + Duration::days(window_days))),
            limit: 1000,
            ..CredentialSearch::default()
        };
        // Suspended credentials expire too: both statuses, page by page.
        for status in [
            CredentialStatusFilter::Active,
            CredentialStatusFilter::Suspended,
        ] {
            search.status = Some(status);
            search.offset = 0;
            loop {
                let page = self.store.search_credentials(&search).await?;
                let n = page.len() as i64;
                for hit in page {
                    // A wallet copy expires with its original, which is the
                    // one listed (and warned about) once.
                    if super::claims::is_wallet_copy(&hit.record) {
                        continue;
                    }
                    let renewed = self
                        .store
                        .successors(&hit.record.id)
                        .await?
                        .iter()
                        .any(|s| {
                            s.renews.as_deref() == Some(hit.record.id.as_str())
                                && !super::claims::is_wallet_copy(s)
                        });
                    if renewed {
                        continue;
                    }
                    let until = hit
                        .record
                        .valid_until
                        .as_deref()
                        .and_then(|u| DateTime::parse_from_rfc3339(u).ok())
                        .map(|u| u.to_utc());
                    let Some(until) = until else { continue };
                    found.push(ExpiringCredential {
                        days_left: (until - now).num_days(),
                        suspended: hit.suspended,
                        holder_email: hit.holder_email,
                        record: hit.record,
                    });
                }
                if n < search.limit {
                    break;
                }
                search.offset += n;
            }
        }
        found.sort_by(|a, b| {
            (a.record.valid_until.as_deref(), a.record.id.as_str())
                .cmp(&(b.record.valid_until.as_deref(), b.record.id.as_str()))
        });
        Ok(found)
    }

    /// The expiry pass: for each warning window, the credentials
    /// [`Issuer::expiring`] within it that were not yet warned about for
    /// that window get a `credential.expiring` audit entry — and so their
    /// webhook event — in one transaction per window. Returns, per window,
    /// the ids newly warned about. Safe to run on several nodes at once:
    /// the store records each (credential, window) once.
    pub async fn warn_expiring(
        &self,
        windows_days: &[i64],
        actor: &Actor,
    ) -> Result<Vec<(i64, Vec<String>)>, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let now = self.now();
        let at = stamp(now);
        let mut out = Vec::new();
        for &window in windows_days {
            let expiring = self.expiring_at(now, window).await?;
            let mut tx = self.store.begin().await?;
            let mut drafts = Vec::new();
            let mut warned = Vec::new();
            for c in &expiring {
                if tx.note_expiry_warning(&c.record.id, window, &at).await? {
                    drafts.push(AuditDraft::new(
                        &actor.name,
                        EXPIRING_ACTION,
                        &c.record.id,
                        json!({ "window_days": window, "valid_until": c.record.valid_until }),
                    ));
                    warned.push(c.record.id.clone());
                }
            }
            tx.append_audit(&drafts, &at).await?;
            tx.commit().await?;
            out.push((window, warned));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_in_days_and_weeks_within_bounds() {
        assert_eq!(parse_window("60d").unwrap(), 60);
        assert_eq!(parse_window(" 8w ").unwrap(), 56);
        assert_eq!(parse_window("30").unwrap(), 30);
        for bad in ["", "0d", "-5d", "d", "60x", "1101d", "9999999999999999999w"] {
            assert!(parse_window(bad).is_err(), "{bad}");
        }
    }
}
