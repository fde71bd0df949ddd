//! Webhook subscriptions (add, list, remove) and the delivery of their
//! events: one pass of the worker `rosette serve` runs ([`deliver_due`]).
//!
//! A subscription's URL must be a destination the outbound fetcher may
//! reach (https to public addresses; loopback only when the configuration
//! allows it for tests) when it is added, and every delivery goes through
//! the same fetcher, so its address rules hold at connect time too.

use super::{Actor, IssuanceError, Issuer, Role, stamp};
use crate::audit::AuditDraft;
use crate::clock::Clock;
use crate::fetch::HttpFetcher;
use crate::notify::payload::{self, EventFacts};
use crate::notify::schedule::{AfterFailure, RetryPolicy};
use crate::notify::{EventType, signature};
use crate::store::{
    ClaimedDelivery, DeliveryFilter, DeliveryOutcome, DeliveryRecord, Store, StoreError,
    SubscriptionRecord,
};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// Longest subscription URL accepted.
pub const MAX_URL_LEN: usize = 2048;

/// What an admin asks for when adding a subscription.
#[derive(Debug, Clone, Default)]
pub struct NewSubscription {
    /// Where to post events.
    pub url: String,
    /// The event types, by wire name (`credential.revoked`, …).
    pub events: Vec<String>,
    /// Only events of credentials of this certification.
    pub certification: Option<String>,
    /// What it is for (at most 200 characters).
    pub description: String,
}

impl Issuer<'_> {
    /// Adds a subscription: admins only; the URL checked against the
    /// fetcher's destination rules, the events known, the certification in
    /// the catalog. Returns the record and its secret (shown once).
    pub async fn add_webhook(
        &self,
        new: NewSubscription,
        fetcher: &HttpFetcher,
        actor: &Actor,
    ) -> Result<(SubscriptionRecord, String), IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let invalid =
            |field: &'static str, message: String| IssuanceError::Invalid { field, message };
        let mut events: Vec<String> = Vec::new();
        for e in &new.events {
            let kind = EventType::parse(e.trim()).ok_or_else(|| {
                let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
                invalid(
                    "events",
                    format!("unknown event {e:?}; known: {}", known.join(", ")),
                )
            })?;
            if !events.iter().any(|k| k == kind.as_str()) {
                events.push(kind.as_str().to_owned());
            }
        }
        if events.is_empty() {
            return Err(invalid("events", "name at least one event".into()));
        }
        let certification = match new.certification.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(slug) => Some(self.certification(slug)?.slug.to_string()),
        };
        let description = new.description.trim().to_owned();
        if description.chars().count() > 200 || description.chars().any(char::is_control) {
            return Err(invalid(
                "description",
                "at most 200 printable characters".into(),
            ));
        }
        // Last, as it may resolve a name: the URL.
        let url = new.url.trim().to_owned();
        if url.is_empty() || url.len() > MAX_URL_LEN {
            return Err(invalid(
                "url",
                format!("a URL of 1–{MAX_URL_LEN} characters is required"),
            ));
        }
        fetcher.check_destination(&url).await.map_err(|e| {
            invalid(
                "url",
                format!(
                    "{url} cannot receive webhooks ({}): {e}; a receiver must be https on a public address",
                    e.code()
                ),
            )
        })?;
        let secret = signature::secret_from_bytes(&super::os_random()?);
        let at = stamp(self.now());
        let record = SubscriptionRecord {
            id: format!("wh_{}", &super::new_uuid()?.simple().to_string()[..12]),
            url,
            events,
            certification,
            description,
            secret: secret.clone(),
            created_at: at.clone(),
            created_by: actor.name.clone(),
            removed_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_webhook_subscription(&record).await?;
        tx.append_audit(
            &[AuditDraft::new(
                &actor.name,
                "webhook.add",
                &record.id,
                json!({ "url": record.url, "events": record.events, "certification": record.certification }),
            )],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok((record, secret))
    }

    /// Removes a subscription (admins only); its pending deliveries are cancelled.
    pub async fn remove_webhook(&self, id: &str, actor: &Actor) -> Result<(), IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let at = stamp(self.now());
        let mut tx = self.store.begin().await?;
        tx.remove_webhook_subscription(id, &at).await?;
        tx.append_audit(
            &[AuditDraft::new(
                &actor.name,
                "webhook.remove",
                id,
                json!({}),
            )],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active subscriptions (admins only), oldest first.
    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<SubscriptionRecord>, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let mut all = self.store.webhook_subscriptions().await?;
        all.retain(|s| s.removed_at.is_none());
        Ok(all)
    }

    /// Deliveries (admins only), newest event first: the failed ones are
    /// how an admin sees what did not arrive.
    pub async fn webhook_deliveries(
        &self,
        filter: &DeliveryFilter,
        actor: &Actor,
    ) -> Result<Vec<DeliveryRecord>, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        Ok(self.store.webhook_deliveries(filter).await?)
    }
}

/// How the delivery worker runs.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    /// When failed deliveries are tried again, and until when.
    pub retry: RetryPolicy,
    /// Longest one attempt may take (the fetcher's own timeout also applies).
    pub attempt_timeout: std::time::Duration,
    /// Most deliveries claimed (and attempted concurrently) per pass.
    pub batch: i64,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            retry: RetryPolicy::default(),
            attempt_timeout: std::time::Duration::from_secs(10),
            batch: 32,
        }
    }
}

impl DeliverySettings {
    /// How long a claim keeps other nodes away: the attempt's timeout and a
    /// margin, so a lease runs out only when its node stopped.
    pub fn lease(&self) -> Duration {
        Duration::from_std(self.attempt_timeout).unwrap_or(Duration::seconds(10))
            + Duration::seconds(20)
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryPass {
    /// Claimed and attempted.
    pub attempted: usize,
    /// Answered 2xx.
    pub delivered: usize,
    /// Failed and scheduled again.
    pub retrying: usize,
    /// Failed for good (retry period over).
    pub failed: usize,
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the form of the delivery schedule's times.
pub fn millis_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// One pass of the delivery worker: claims the due deliveries (at most
/// `settings.batch`), posts each event signed with its subscription's
/// secret (Standard Webhooks headers), and records the outcome: delivered,
/// retry at the backoff's time, or failed once the retry period is over.
pub async fn deliver_due(
    store: &dyn Store,
    fetcher: &HttpFetcher,
    clock: &dyn Clock,
    public_url: &str,
    settings: &DeliverySettings,
) -> Result<DeliveryPass, StoreError> {
    let now = clock.now();
    let lease_until = millis_stamp(now + settings.lease());
    let claimed = store
        .claim_webhook_deliveries(&millis_stamp(now), &lease_until, settings.batch)
        .await?;
    let attempts = claimed
        .iter()
        .map(|c| attempt(store, fetcher, clock, public_url, settings, c));
    let outcomes = futures_util::future::join_all(attempts).await;
    let mut pass = DeliveryPass {
        attempted: claimed.len(),
        ..DeliveryPass::default()
    };
    for outcome in outcomes {
        match outcome? {
            DeliveryOutcome::Delivered { .. } => pass.delivered += 1,
            DeliveryOutcome::Retry { .. } => pass.retrying += 1,
            DeliveryOutcome::Failed { .. } => pass.failed += 1,
        }
    }
    Ok(pass)
}

async fn attempt(
    store: &dyn Store,
    fetcher: &HttpFetcher,
    clock: &dyn Clock,
    public_url: &str,
    settings: &DeliverySettings,
    claimed: &ClaimedDelivery,
) -> Result<DeliveryOutcome, StoreError> {
    let d = &claimed.delivery;
    let public = super::badge_data::public_id(&d.credential_id);
    let body = payload::body(
        EventFacts {
            event_type: &d.event_type,
            occurred_at: &d.occurred_at,
            credential_id: &d.credential_id,
            verification_url: &format!("{public_url}/v/{public}"),
            credential_url: &format!("{public_url}/credentials/{public}"),
            details: &claimed.details,
        },
        claimed.credential.as_ref(),
    );
    let timestamp = clock.now().timestamp();
    let sent = match signature::sign(&claimed.secret, &d.event_id, timestamp, &body) {
        Ok(sig) => {
            let headers = [
                ("content-type", "application/json".to_owned()),
                ("webhook-id", d.event_id.clone()),
                ("webhook-timestamp", timestamp.to_string()),
                ("webhook-signature", sig),
            ];
            match tokio::time::timeout(
                settings.attempt_timeout,
                fetcher.post(&d.url, &headers, body),
            )
            .await
            {
                Ok(Ok(status)) => Ok(status),
                Ok(Err(e)) => Err((
                    match e {
                        crate::fetch::FetchError::Status { status } => Some(status),
                        _ => None,
                    },
                    format!("{} ({})", e, e.code()),
                )),
                Err(_) => Err((None, "the receiver did not answer in time".to_owned())),
            }
        }
        Err(e) => Err((None, format!("cannot sign: {e}"))),
    };
    let now = clock.now();
    let outcome = match sent {
        Ok(status) => DeliveryOutcome::Delivered {
            status,
            at: millis_stamp(now),
        },
        Err((status, error)) => {
            let occurred = DateTime::parse_from_rfc3339(&d.occurred_at)
                .map(|t| t.to_utc())
                .unwrap_or(now);
            let attempts = u32::try_from(d.attempts).unwrap_or(u32::MAX);
            match settings.retry.after_failure(attempts, occurred, now) {
                AfterFailure::RetryAt(t) => DeliveryOutcome::Retry {
                    status,
                    error,
                    next_attempt_at: millis_stamp(t),
                },
                AfterFailure::GiveUp => DeliveryOutcome::Failed {
                    status,
                    error,
                    at: millis_stamp(now),
                },
            }
        }
    };
    if !store
        .finish_webhook_delivery(&d.id, &claimed.lease_until, &outcome)
        .await?
    {
        tracing::warn!(delivery = %d.id, "a webhook delivery's lease ran out before it finished");
    }
    match &outcome {
        DeliveryOutcome::Delivered { status, .. } => {
            tracing::info!(delivery = %d.id, event = %d.event_type, status, "webhook delivered")
        }
        DeliveryOutcome::Retry {
            error,
            next_attempt_at,
            ..
        } => tracing::info!(
            delivery = %d.id, attempts = d.attempts, %error, next = %next_attempt_at, "webhook delivery failed; will retry"
        ),
        DeliveryOutcome::Failed { error, .. } => tracing::warn!(
            delivery = %d.id, attempts = d.attempts, %error, "webhook delivery failed for good"
        ),
    }
    Ok(outcome)
}
