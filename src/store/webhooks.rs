//! Webhook subscriptions, the outbox of events and their deliveries as
//! stored, and [`WebhookTx`], the writes a transaction makes to them.
//!
//! Events are not written through this trait: appending an audit entry
//! that changes a credential writes its event and fans it out to the
//! matching subscriptions in the same transaction
//! ([`crate::notify::event::for_audit`] says which entries raise which event).

use super::StoreError;
use crate::future::BoxFuture;

/// A subscription to status-change events.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubscriptionRecord {
    /// Public id (`wh_…`).
    pub id: String,
    /// Where events are posted.
    pub url: String,
    /// The event types (`credential.revoked`, …).
    pub events: Vec<String>,
    /// Only credentials of this certification; `None`: every credential.
    pub certification: Option<String>,
    /// What it is for.
    pub description: String,
    /// The signing secret (`whsec_…`): shown once at creation, never listed.
    #[serde(skip)]
    pub secret: String,
    /// When it was created.
    pub created_at: String,
    /// Who created it.
    pub created_by: String,
    /// When it was removed (its pending deliveries are cancelled).
    pub removed_at: Option<String>,
}

/// A delivery's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its next attempt (or being attempted).
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// The retry period ended without a 2xx answer.
    Failed,
    /// Its subscription was removed first.
    Cancelled,
}

impl DeliveryState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::Cancelled => "cancelled",
        }
    }

    /// The state stored as `s`.
    pub fn parse(s: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Pending,
            DeliveryState::Delivered,
            DeliveryState::Failed,
            DeliveryState::Cancelled,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// One event for one subscription.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRecord {
    /// `<event id>.<subscription id>`.
    pub id: String,
    /// The event id, sent as `webhook-id` (the same on every attempt).
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// The credential the event is about.
    pub credential_id: String,
    /// When the change happened, `YYYY-MM-DDTHH:MM:SSZ`.
    pub occurred_at: String,
    /// The subscription.
    pub subscription_id: String,
    /// Its URL.
    pub url: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts started so far.
    pub attempts: i64,
    /// When it is due (pending), `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub next_attempt_at: String,
    /// The last HTTP status received, if any.
    pub last_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was delivered, failed or cancelled.
    pub finished_at: Option<String>,
}

/// Filters for listing deliveries.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only this state.
    pub state: Option<DeliveryState>,
    /// Only this subscription.
    pub subscription_id: Option<String>,
    /// Page size (1–1000).
    pub limit: i64,
}

/// A delivery claimed by one node: everything the delivery needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The delivery (attempts already counts this one).
    pub delivery: DeliveryRecord,
    /// The subscription's secret.
    pub secret: String,
    /// The event's public details (JSON object text).
    pub details: String,
    /// The credential's kind, certification, holder name and dates, when it
    /// is still stored.
    pub credential: Option<crate::store::CredentialRecord>,
    /// The lease this claim holds: [`crate::store::Store::finish_webhook_delivery`] must present it.
    pub lease_until: String,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// A 2xx answer.
    Delivered {
        /// The status.
        status: u16,
        /// When.
        at: String,
    },
    /// Failed; try again at `next_attempt_at`.
    Retry {
        /// The status, when an answer came.
        status: Option<u16>,
        /// Why.
        error: String,
        /// When to try again (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
        next_attempt_at: String,
    },
    /// Failed, and the retry period is over.
    Failed {
        /// The status, when an answer came.
        status: Option<u16>,
        /// Why.
        error: String,
        /// When.
        at: String,
    },
}

/// Transaction writes of webhook subscriptions and expiry notices.
pub trait WebhookTx: Send {
    /// Inserts a subscription.
    fn insert_webhook_subscription<'a>(
        &'a mut self,
        subscription: &'a SubscriptionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Marks a subscription removed and cancels its pending deliveries;
    /// [`StoreError::NotFound`] if there is no such active subscription.
    fn remove_webhook_subscription<'a>(
        &'a mut self,
        id: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Records that `credential_id` was warned about for the window of
    /// `window_days`; false when it already was (nothing is written).
    fn note_expiry_warning<'a>(
        &'a mut self,
        credential_id: &'a str,
        window_days: i64,
        at: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
}
