//! The input rules for a generic credential submitted for signing over
//! W3C VC-API "Issue Credential" (any VCDM 2.0 credential, and VCDM 1.1
//! input): what must hold before the issuer adds status entries and a proof.
//! Each rule cites the VCDM section it comes from.

use serde_json::Value;

/// VCDM 2.0 base context (VCDM 2.0 §4.3).
pub const V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// VCDM 1.1 base context (VCDM 1.1 §4.1).
pub const V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// Which data model the submitted credential follows, from its first context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataModel {
    /// VCDM 2.0 (`https://www.w3.org/ns/credentials/v2` first).
    V2,
    /// VCDM 1.1 (`https://www.w3.org/2018/credentials/v1` first).
    V1_1,
}

/// A rule the submitted credential breaks: the field's JSON path (e.g.
/// `credentialSubject[1]`, `@context[0]`) and why, in words a client can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// JSON path of the offending field, `credential` for the whole document.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for InputProblem {}

/// Checks a submitted, unsigned generic credential against the VCDM input
/// rules; `issuer_id` is this issuer's id (a DID), which `issuer` must name.
pub fn check_generic_input(credential: &Value, issuer_id: &str) -> Result<DataModel, InputProblem> {
    let problem = |field: &str, reason: &str| InputProblem {
        field: field.to_owned(),
        reason: reason.to_owned(),
    };
    let Some(doc) = credential.as_object() else {
        return Err(problem("credential", "must be a JSON object"));
    };
    let model = match doc
        .get("@context")
        .and_then(|c| c.as_array())
        .and_then(|c| c.first())
    {
        Some(Value::String(s)) if s == V2_CONTEXT => DataModel::V2,
        Some(Value::String(s)) if s == V1_CONTEXT => DataModel::V1_1,
        _ => {
            return Err(problem(
                "@context",
                "must be an array whose first entry is https://www.w3.org/ns/credentials/v2 \
                 (or https://www.w3.org/2018/credentials/v1 for VCDM 1.1 input)",
            ));
        }
    };
    let issuer = match doc.get("issuer") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
        _ => None,
    };
    if issuer != Some(issuer_id) {
        return Err(problem(
            "issuer",
            &format!("must be this issuer, {issuer_id}"),
        ));
    }
    Ok(model)
}
