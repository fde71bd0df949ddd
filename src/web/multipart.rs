//! Reading a `multipart/form-data` upload (RFC 7578) into its parts, each
//! classified by its content ([`roster::sniff`]). No I/O and no state: the
//! verification API and the `multipart` fuzz target both call
//! [`read_form`], so the fuzzer exercises the route's own reading.

use super::roster::{self, Sniffed};
use axum::body::Bytes;

/// One part of a form that is not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its form field name (`Content-Disposition` `name`, RFC 7578 §4.2).
    pub name: Option<String>,
    /// Its file name (`filename`, RFC 7578 §4.2).
    pub filename: Option<String>,
    /// What its content is: a credential file or a roster.
    pub kind: Sniffed,
    /// Its content.
    pub bytes: Bytes,
}

/// Why a form is refused.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The body is not a well-formed form with this boundary.
    #[error("the multipart body is malformed: {0}")]
    Malformed(#[from] multer::Error),
    /// More parts that are not blank than `limit`; reading stopped there.
    #[error("the form has more than {limit} parts that are not blank")]
    TooManyParts {
        /// The limit.
        limit: usize,
    },
}

/// Reads `body` as a form with `boundary`: its parts in order, without
/// those whose content is empty or only ASCII white space, each classified
/// by [`roster::sniff`] (its declared `Content-Type` counts only when it
/// names JSON or an image). Stops with [`FormError::TooManyParts`] at the
/// first part over `max_parts`.
pub async fn read_form(
    body: Bytes,
    boundary: &str,
    max_parts: usize,
) -> Result<Vec<Part>, FormError> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await? {
        let name = field.name().map(str::to_owned);
        let filename = field.file_name().map(str::to_owned);
        let declared = field.content_type().map(|m| m.essence_str().to_owned());
        let bytes = field.bytes().await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if parts.len() == max_parts {
            return Err(FormError::TooManyParts { limit: max_parts });
        }
        parts.push(Part {
            name,
            filename,
            kind: roster::sniff(&bytes, declared.as_deref()),
            bytes,
        });
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(parts: &[(&str, Option<&str>, &str)]) -> Bytes {
        let mut body = String::new();
        for (name, content_type, content) in parts {
            body.push_str(&format!(
                "--b\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.txt\"\r\n"
            ));
            if let Some(t) = content_type {
                body.push_str(&format!("Content-Type: {t}\r\n"));
            }
            body.push_str(&format!("\r\n{content}\r\n"));
        }
        body.push_str("--b--\r\n");
        Bytes::from(body)
    }

    fn read(body: Bytes, max: usize) -> Result<Vec<Part>, FormError> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(read_form(body, "b", max))
    }

    #[test]
    fn parts_are_read_in_order_classified_and_blank_ones_skipped() {
        let body = form(&[
            ("a", None, "{\"x\":1}"),
            ("blank", None, " \r\n\t"),
            ("b", Some("text/csv"), "id\nurn:uuid:1"),
            ("c", Some("application/json"), "not json, but declared"),
        ]);
        let parts = read(body, 3).unwrap();
        let seen: Vec<(&str, Sniffed)> = parts
            .iter()
            .map(|p| (p.name.as_deref().unwrap(), p.kind))
            .collect();
        assert_eq!(
            seen,
            [
                ("a", Sniffed::Credential),
                ("b", Sniffed::Roster),
                ("c", Sniffed::Credential)
            ]
        );
        assert_eq!(parts[1].filename.as_deref(), Some("b.txt"));
        assert_eq!(&parts[1].bytes[..], b"id\nurn:uuid:1");
    }

    #[test]
    fn more_parts_than_the_limit_or_a_broken_body_are_refused() {
        let body = form(&[("a", None, "1"), ("b", None, "2"), ("c", None, "3")]);
        assert!(matches!(
            read(body.clone(), 2),
            Err(FormError::TooManyParts { limit: 2 })
        ));
        assert_eq!(read(body.clone(), 3).unwrap().len(), 3);
        let cut = body.slice(..body.len() - 12);
        let err = read(cut, 3).unwrap_err();
        assert!(matches!(err, FormError::Malformed(_)), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("the multipart body is malformed")
        );
    }
}
