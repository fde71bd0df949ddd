//! The JSON body of a webhook: Standard Webhooks "Payload structure"
//! (`type`, `timestamp`, `data`), with public facts about the credential
//! only — what its verification page shows — and never a revocation reason.

use crate::store::{CredentialKind, CredentialRecord};
use serde_json::{Map, Value, json};

/// What a body says about the event besides the credential record.
#[derive(Debug, Clone, Copy)]
pub struct EventFacts<'a> {
    /// `credential.revoked`, …
    pub event_type: &'a str,
    /// When the change happened.
    pub occurred_at: &'a str,
    /// The credential's id.
    pub credential_id: &'a str,
    /// Its public verification page.
    pub verification_url: &'a str,
    /// Its credential JSON.
    pub credential_url: &'a str,
    /// The event's public details ([`super::event::for_audit`]), JSON object text.
    pub details: &'a str,
}

/// The body for one event; `credential` is the stored record, when there
/// still is one.
pub fn body(facts: EventFacts<'_>, credential: Option<&CredentialRecord>) -> Vec<u8> {
    let EventFacts {
        event_type,
        occurred_at,
        credential_id,
        verification_url,
        credential_url,
        details,
    } = facts;
    let mut data = Map::new();
    data.insert("credentialId".into(), json!(credential_id));
    data.insert("verificationUrl".into(), json!(verification_url));
    data.insert("credentialUrl".into(), json!(credential_url));
    if let Some(c) = credential {
        data.insert("kind".into(), json!(c.kind.as_str()));
        if c.kind == CredentialKind::Certification {
            data.insert("certification".into(), json!(c.certification));
        }
        if !c.holder_name.is_empty() {
            data.insert("holderName".into(), json!(c.holder_name));
        }
        data.insert("validFrom".into(), json!(c.valid_from));
        if let Some(u) = &c.valid_until {
            data.insert("validUntil".into(), json!(u));
        }
    }
    if let Ok(Value::Object(extra)) = serde_json::from_str::<Value>(details) {
        for (k, v) in extra {
            data.entry(k).or_insert(v);
        }
    }
    serde_json::to_vec(&json!({
        "type": event_type,
        "timestamp": occurred_at,
        "data": data,
    }))
    .unwrap_or_default()
}
