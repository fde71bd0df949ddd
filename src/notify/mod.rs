//! Status-change webhooks: what raises an event (`event`), how an event is
//! signed (`signature`, the Standard Webhooks convention), when a failed
//! delivery is tried again (`schedule`), the body a receiver gets
//! (`payload`). Pure: the subscriptions, the delivery worker and the
//! expiry pass are in `issuance::webhooks` and `issuance::expiry`.
//!
//! Events are written by the store in the transaction that records the
//! change (an outbox), so none is lost; the worker posts them at least
//! once, each claimed by one node at a time.

pub mod event;
pub mod payload;
pub mod schedule;
pub mod signature;

pub use event::EventType;
pub use schedule::RetryPolicy;
