//! The events a webhook subscription can ask for, and which audit entry
//! raises which event: the one mapping, applied by the store in the
//! transaction that appends the entry (the outbox), so every way of
//! changing a credential — CLI, admin API, bulk import, VC-API, expiry pass —
//! raises its event without a second copy of the rule.

use serde_json::{Map, Value};

/// An event type (Standard Webhooks `type`, "Payload structure").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A credential was issued (single, bulk or over VC-API).
    Issued,
    /// A credential was revoked (final).
    Revoked,
    /// A credential was suspended.
    Suspended,
    /// A suspension was lifted.
    Reinstated,
    /// A credential was renewed: the event names the new credential and the one it renews.
    Renewed,
    /// A credential was corrected: the event names the replacement and the one it supersedes.
    Corrected,
    /// A credential's `validUntil` falls inside a warning window.
    Expiring,
}

impl EventType {
    /// Every event type, in the order the documentation lists them.
    pub const ALL: [EventType; 7] = [
        EventType::Issued,
        EventType::Revoked,
        EventType::Suspended,
        EventType::Reinstated,
        EventType::Renewed,
        EventType::Corrected,
        EventType::Expiring,
    ];

    /// The wire name, `credential.<what>`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Issued => "credential.issued",
            EventType::Revoked => "credential.revoked",
            EventType::Suspended => "credential.suspended",
            EventType::Reinstated => "credential.reinstated",
            EventType::Renewed => "credential.renewed",
            EventType::Corrected => "credential.corrected",
            EventType::Expiring => "credential.expiring",
        }
    }

    /// The type with this wire name.
    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The audit action an expiry warning is recorded under.
pub const EXPIRING_ACTION: &str = "credential.expiring";

/// The event an audit entry raises, with its public details: `None` for
/// entries that change no credential (assessments, tokens, keys).
///
/// Details are copied by name from a short allow-list — `renews`,
/// `corrects`, `windowDays`, `validUntil` — so a private detail of the
/// entry (a revocation reason, a grader's notes) never reaches a receiver.
/// `details` is the entry's JSON text; it is parsed only for the events
/// that copy from it.
pub fn for_audit(action: &str, details: &str) -> Option<(EventType, Value)> {
    let (kind, public): (EventType, &[(&str, &str)]) = match action {
        "credential.issue" | "credential.issue_generic" => (EventType::Issued, &[]),
        // A copy bound to the holder's wallet is a new credential.
        "credential.claim" => (EventType::Issued, &[("copies", "copies")]),
        "credential.revoke" => (EventType::Revoked, &[]),
        "credential.suspend" => (EventType::Suspended, &[]),
        "credential.reinstate" => (EventType::Reinstated, &[]),
        "credential.renew" => (EventType::Renewed, &[("renews", "renews")]),
        "credential.correct" => (EventType::Corrected, &[("replaces", "corrects")]),
        EXPIRING_ACTION => (
            EventType::Expiring,
            &[("window_days", "windowDays"), ("valid_until", "validUntil")],
        ),
        _ => return None,
    };
    let mut out = Map::new();
    if !public.is_empty() {
        let details: Value = serde_json::from_str(details).unwrap_or(Value::Null);
        for (from, to) in public {
            if let Some(v) = details.get(*from) {
                out.insert((*to).to_owned(), v.clone());
            }
        }
    }
    Some((kind, Value::Object(out)))
}

/// The event id of the audit entry with this hash: `msg_` and its first
/// 32 hex digits. Stable across retries and nodes (Standard Webhooks
/// `webhook-id`, "the same across retries"), unique per entry.
pub fn event_id(audit_hash: &str) -> String {
    let n = audit_hash.len().min(32);
    format!("msg_{}", &audit_hash[..n])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_credential_change_raises_its_event_and_nothing_else_does() {
        let cases = [
            ("credential.issue", Some(EventType::Issued)),
            ("credential.issue_generic", Some(EventType::Issued)),
            ("credential.claim", Some(EventType::Issued)),
            ("credential.revoke", Some(EventType::Revoked)),
            ("credential.suspend", Some(EventType::Suspended)),
            ("credential.reinstate", Some(EventType::Reinstated)),
            ("credential.renew", Some(EventType::Renewed)),
            ("credential.correct", Some(EventType::Corrected)),
            ("credential.expiring", Some(EventType::Expiring)),
            ("assessment.written", None),
            ("token.create", None),
            ("key.rotate", None),
        ];
        for (action, want) in cases {
            assert_eq!(for_audit(action, "{}").map(|e| e.0), want, "{action}");
        }
    }

    #[test]
    fn private_details_never_reach_the_event() {
        let (_, d) = for_audit(
            "credential.revoke",
            &json!({ "reason": "fraud in the lab", "x": 1 }).to_string(),
        )
        .unwrap();
        assert_eq!(d, json!({}));
        let (_, d) = for_audit(
            "credential.correct",
            &json!({ "replaces": "urn:uuid:a", "reason": "typo", "name": "A" }).to_string(),
        )
        .unwrap();
        assert_eq!(d, json!({ "corrects": "urn:uuid:a" }));
        let (_, d) = for_audit(
            "credential.expiring",
            &json!({ "window_days": 60, "valid_until": "2027-01-01T00:00:00Z" }).to_string(),
        )
        .unwrap();
        assert_eq!(
            d,
            json!({ "windowDays": 60, "validUntil": "2027-01-01T00:00:00Z" })
        );
    }

    #[test]
    fn names_round_trip_and_ids_are_stable() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
        assert_eq!(EventType::parse("credential.deleted"), None);
        let h = "ab".repeat(32);
        assert_eq!(event_id(&h), format!("msg_{}", "ab".repeat(16)));
    }
}
