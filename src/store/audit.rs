//! The audit log's storage seam: [`AuditTx`] appends to the hash chain and
//! stores signed checkpoints (the records, the hashing and the signing are
//! [`crate::audit`]'s).

use super::StoreError;
use crate::audit::{AuditDraft, AuditRecord, SignedCheckpoint};
use crate::future::BoxFuture;

/// Transaction writes of the audit log.
pub trait AuditTx: Send {
    /// Appends entries to the audit log (hash chain) and moves the head.
    fn append_audit<'a>(
        &'a mut self,
        drafts: &'a [AuditDraft],
        at: &'a str,
    ) -> BoxFuture<'a, Result<Vec<AuditRecord>, StoreError>>;
    /// Stores a signed checkpoint; `false` when one of the same sequence
    /// number is stored already (another process signed that head first:
    /// the stored one is kept).
    fn add_audit_checkpoint<'a>(
        &'a mut self,
        checkpoint: &'a SignedCheckpoint,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
}
