//! The audit log's storage seam: [`AuditTx`] appends to the hash chain
//! (the records and the hashing are [`crate::audit`]'s).

use super::StoreError;
use crate::audit::{AuditDraft, AuditRecord};
use crate::future::BoxFuture;

/// Transaction writes of the audit log.
pub trait AuditTx: Send {
    /// Appends entries to the audit log (hash chain) and moves the head.
    fn append_audit<'a>(
        &'a mut self,
        drafts: &'a [AuditDraft],
        at: &'a str,
    ) -> BoxFuture<'a, Result<Vec<AuditRecord>, StoreError>>;
}
