//! Who issued a credential, as the report tells it: this verifier's own
//! issuer, an issuer on the reader's list of trusted issuers, or another.
//!
//! This is information for the reader, not a check: the proof checks
//! already tie the issuer id to the signing key (the method's controller
//! must be the issuer, OB 3.0 §8.5), so a valid credential from an
//! unlisted issuer stays `VALID` and is marked "issuer not on your list".
//! Issuer ids (VCDM 2.0 §4.7: a URL, usually a DID) are compared as whole
//! strings, like the controller check compares them.

use serde::Serialize;
use std::collections::BTreeSet;

/// Where a credential's issuer stands with this verifier (the report's
/// `credential.issuer_trust`). Never changes `verified` or the verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IssuerTrust {
    /// The issuer id is this Rosette's own (always known, listed or not).
    ThisIssuer,
    /// The issuer id is on the configured list of trusted issuers.
    Listed,
    /// A list of trusted issuers is configured and this issuer is not on it.
    NotListed,
    /// No list of trusted issuers is configured: nothing to compare with.
    #[default]
    NoList,
}

impl IssuerTrust {
    /// The words the CLI and the CSV answer write.
    pub fn label(self) -> &'static str {
        match self {
            IssuerTrust::ThisIssuer => "this Rosette's own issuer",
            IssuerTrust::Listed => "on your list of trusted issuers",
            IssuerTrust::NotListed => "issuer not on your list",
            IssuerTrust::NoList => "no list of trusted issuers configured",
        }
    }
}

/// This verifier's own issuer ids and the optional list of trusted issuer
/// ids (`trusted_issuers` in the configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedIssuers {
    own: BTreeSet<String>,
    list: Option<BTreeSet<String>>,
}

impl TrustedIssuers {
    /// No own issuer, no list.
    pub fn new() -> Self {
        Self::default()
    }

    /// With `id` as one of this verifier's own issuer ids (its DID).
    pub fn with_own(mut self, id: impl Into<String>) -> Self {
        self.own.insert(id.into());
        self
    }

    /// With `ids` as the list of trusted issuers (an empty list is a list:
    /// every other issuer is then not on it).
    pub fn with_list<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.list = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Whether `id` is one of this verifier's own issuer ids.
    pub fn is_own(&self, id: &str) -> bool {
        self.own.contains(id)
    }

    /// Whether a list of trusted issuers is configured.
    pub fn has_list(&self) -> bool {
        self.list.is_some()
    }

    /// Whether `a` and `b` name the same issuer: equal strings, or both
    /// this verifier's own ids (a did:key issuer has one id per key it has
    /// signed with; its status lists are signed by the current one).
    pub fn same_issuer(&self, a: &str, b: &str) -> bool {
        a == b || (self.own.contains(a) && self.own.contains(b))
    }

    /// Where `issuer_id` stands: own first, then the list.
    pub fn assess(&self, issuer_id: &str) -> IssuerTrust {
        if self.own.contains(issuer_id) {
            IssuerTrust::ThisIssuer
        } else {
            match &self.list {
                None => IssuerTrust::NoList,
                Some(list) if list.contains(issuer_id) => IssuerTrust::Listed,
                Some(_) => IssuerTrust::NotListed,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_issuer_first_then_the_list_and_no_list_is_said_as_such() {
        let own = "did:web:certs.example.com";
        let other = "did:web:badges.example.org";
        let none = TrustedIssuers::new().with_own(own);
        assert_eq!(none.assess(own), IssuerTrust::ThisIssuer);
        assert_eq!(none.assess(other), IssuerTrust::NoList);
        assert!(!none.has_list());

        let listed = none.clone().with_list([other]);
        assert_eq!(
            listed.assess(own),
            IssuerTrust::ThisIssuer,
            "own is always known"
        );
        assert_eq!(listed.assess(other), IssuerTrust::Listed);
        assert_eq!(
            listed.assess("https://badges.example.org"),
            IssuerTrust::NotListed,
            "ids are compared whole"
        );

        let keys = TrustedIssuers::new()
            .with_own("did:key:z6MkA")
            .with_own("did:key:z6MkB")
            .with_list([other]);
        assert!(keys.same_issuer("did:key:z6MkA", "did:key:z6MkB"));
        assert!(keys.same_issuer(other, other));
        assert!(
            !keys.same_issuer("did:key:z6MkA", other),
            "listed is not own"
        );
        assert!(!keys.same_issuer("did:key:z6MkA", "did:key:z6MkC"));

        let empty = TrustedIssuers::new().with_list(Vec::<String>::new());
        assert_eq!(empty.assess(other), IssuerTrust::NotListed);
        assert_eq!(
            serde_json::to_value(IssuerTrust::NotListed).unwrap(),
            "not_listed"
        );
        assert_eq!(IssuerTrust::NotListed.label(), "issuer not on your list");
    }
}
