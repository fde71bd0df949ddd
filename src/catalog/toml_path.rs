//! TOML errors → the key path they are about, so that a catalog error names
//! the field (`written.pass_mark`, `lab.rubric[1].id`) rather than only a
//! line and column.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::CatalogError;

/// A TOML or serde error as a [`CatalogError`] whose field is the dotted key
/// path at the error's position (`written.pass_mark`, `lab.rubric[1].foo`).
pub(super) fn toml_error(file: &Path, text: &str, err: &toml::de::Error) -> CatalogError {
    let message = err.message().trim().to_owned();
    let mut field = err
        .span()
        .and_then(|span| key_path_at(text, &span))
        .unwrap_or_default();
    if let Some(missing) = backticked(&message, "missing field `") {
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(missing);
    }
    let location = err.span().map(|span| {
        let before = text.get(..span.start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(" (line {line}, column {column})")
    });
    if field.is_empty() {
        field = "(toml)".to_owned();
    }
    CatalogError::new(
        file,
        field,
        format!("{message}{}", location.unwrap_or_default()),
    )
}

/// The text between `prefix` and the next backtick in `message`.
fn backticked<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split_once('`').map(|(name, _)| name)
}

/// The dotted key path of the deepest key or value overlapping `span`.
fn key_path_at(text: &str, span: &Range<usize>) -> Option<String> {
    let (doc, _) = DeTable::parse_recoverable(text);
    let segments = find_in_table(doc.get_ref(), span)?;
    let mut path = String::new();
    for s in segments {
        match s {
            Segment::Key(k) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&k);
            }
            Segment::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    Some(path)
}

enum Segment {
    Key(String),
    Index(usize),
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn find_in_table(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<Segment>> {
    for (key, value) in table.iter() {
        let here = || Segment::Key(key.get_ref().to_string());
        if let Some(mut below) = find_in_value(value.get_ref(), span) {
            below.insert(0, here());
            return Some(below);
        }
        if overlaps(&key.span(), span) || overlaps(&value.span(), span) {
            return Some(vec![here()]);
        }
    }
    None
}

fn find_in_value(value: &DeValue<'_>, span: &Range<usize>) -> Option<Vec<Segment>> {
    match value {
        DeValue::Table(t) => find_in_table(t, span),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let mut below = find_in_value(item.get_ref(), span);
            if below.is_none() && overlaps(&item.span(), span) {
                below = Some(Vec::new());
            }
            below.map(|mut b| {
                b.insert(0, Segment::Index(i));
                b
            })
        }),
        _ => None,
    }
}
