//! The checks on single fields of `achievement.toml`: text, counts,
//! colours, identifiers. Each error names the file and the field.

use std::path::Path;

use super::CatalogError;
use crate::model::{CertificationSlug, ModelError, check_signable_text};

/// Trimmed, non-empty, signable text (newlines allowed: Markdown).
pub(super) fn block(file: &Path, field: &str, value: &str) -> Result<String, CatalogError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CatalogError::new(file, field, "must not be empty"));
    }
    check_signable_text(field, value).map_err(|e| {
        let reason = match e {
            ModelError::UnsignableText { reason, .. } => reason,
            other => other.to_string(),
        };
        CatalogError::new(file, field, reason)
    })?;
    Ok(value.to_owned())
}

/// [`block`] on one line.
pub(super) fn line(file: &Path, field: &str, value: &str) -> Result<String, CatalogError> {
    let value = block(file, field, value)?;
    if value.contains('\n') {
        return Err(CatalogError::new(file, field, "must be a single line"));
    }
    Ok(value)
}

/// An optional count that must be at least 1.
pub(super) fn positive(
    file: &Path,
    field: &str,
    value: Option<i64>,
) -> Result<Option<u32>, CatalogError> {
    value
        .map(|v| {
            u32::try_from(v)
                .ok()
                .filter(|v| *v >= 1)
                .ok_or_else(|| CatalogError::new(file, field, format!("{v} must be at least 1")))
        })
        .transpose()
}

/// `#rrggbb` (hex digits in either case), returned as written.
pub(super) fn colour(file: &Path, field: &str, value: &str) -> Result<String, CatalogError> {
    let ok = value.len() == 7
        && value.starts_with('#')
        && value.bytes().skip(1).all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(value.to_owned())
    } else {
        Err(CatalogError::new(
            file,
            field,
            format!("{value:?} is not a colour of the form #rrggbb"),
        ))
    }
}

/// The slug rules of [`CertificationSlug`], for other identifiers.
pub(super) fn is_slug_like(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= CertificationSlug::MAX_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}
