//! Rosters for the verification API: what an upload is (a credential or a
//! roster, decided by its content) and the rows of a roster (plain text or
//! CSV, RFC 4180, as spreadsheets export it). Pure: bytes in, rows out.

use std::borrow::Cow;

/// What an uploaded body or form part is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A credential: JSON, a baked PNG or SVG, a compact JWT, or binary
    /// data (which the verifier then reports it cannot read).
    Credential,
    /// Text: a roster of credential ids or links.
    Roster,
}

/// Decides by content (the declared type counts only when it names JSON
/// or an image): JSON, PNG, SVG/XML or a compact JWT is a credential;
/// other text (UTF-8, or a legacy 8-bit spreadsheet export) is a roster,
/// whatever type the client declared (`application/vnd.ms-excel`,
/// `application/octet-stream`…).
pub fn sniff(bytes: &[u8], declared: Option<&str>) -> Sniffed {
    if declared
        .is_some_and(|t| t.contains("json") || t.starts_with("image/") || t == "application/vc")
    {
        return Sniffed::Credential;
    }
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let trimmed = body.trim_ascii();
    let credential = bytes.starts_with(b"\x89PNG")
        || matches!(trimmed.first(), Some(b'{' | b'[' | b'<'))
        || is_compact_jwt(trimmed)
        // Binary: control bytes other than tab, CR, LF and form feed.
        || body
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n' | 0x0c));
    if credential {
        Sniffed::Credential
    } else {
        Sniffed::Roster
    }
}

/// A compact JWS/JWT as the verifier reads one
/// ([`crate::proof::jwt::looks_like_compact_jws`]), with an optional SD-JWT
/// `~` tail.
fn is_compact_jwt(text: &[u8]) -> bool {
    let head = text.split(|&b| b == b'~').next().unwrap_or_default();
    crate::proof::jwt::looks_like_compact_jws(head)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A parsed roster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    /// The header line's column names, when the first line is one.
    pub header: Option<Vec<String>>,
    /// One row per non-blank data line, in order.
    pub rows: Vec<Row>,
}

/// One data line of a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its 1-based line number in the file (where the record starts).
    pub line: u64,
    /// Its cells, unquoted, as the employer wrote them.
    pub cells: Vec<String>,
    /// The first credential id or link on the line, if any.
    pub reference: Option<String>,
    /// The cell the reference is in.
    column: Option<usize>,
}

/// The rows of a roster: text with an optional UTF-8 BOM, LF or CRLF line
/// ends, cells separated by `,`, `;` or tab (whichever the first line uses
/// most; none: one cell a line) and optionally quoted (RFC 4180 §2).
/// Every line that is not blank (only spaces and empty cells) is a row,
/// with the first cell that is, or holds a word that is, a credential id
/// (`urn:uuid:…`, a bare UUID) or an http(s) link. The first line is a
/// header when it holds no reference but names (a non-empty cell) the
/// column a later line has its reference in.
pub fn parse(bytes: &[u8]) -> Roster {
    // One line end, LF, so that positions map to line numbers.
    let text = decode(bytes).replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The text is valid UTF-8 and the reader flexible, so reading cannot
    // fail; an error would end the roster, never panic.
    while let Ok(true) = reader.read_record(&mut record) {
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        // The record starts at its first byte that is not a line end (the
        // reader's position may point at the blank lines it skipped).
        let at = record.position().map_or(0, |p| p.byte() as usize);
        let start = text.get(at..).map_or(at, |rest| {
            at + rest.len() - rest.trim_start_matches('\n').len()
        });
        let before = text.get(..start).unwrap_or_default();
        let line = 1 + before.bytes().filter(|&b| b == b'\n').count() as u64;
        let found = cells
            .iter()
            .enumerate()
            .find_map(|(i, cell)| reference_in(cell).map(|r| (i, r)));
        rows.push(Row {
            line,
            cells,
            reference: found.as_ref().map(|(_, r)| r.clone()),
            column: found.map(|(i, _)| i),
        });
    }
    let is_header = rows.first().is_some_and(|first| {
        first.reference.is_none()
            && rows[1..].iter().any(|row| {
                row.column
                    .and_then(|i| first.cells.get(i))
                    .is_some_and(|name| !name.is_empty())
            })
    });
    let header = is_header.then(|| rows.remove(0).cells);
    Roster { header, rows }
}

/// The text of a roster: UTF-8 without its BOM, or else Windows-1252 (what
/// Excel's "CSV" export writes in Western locales).
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()),
    }
}

/// One Windows-1252 byte as a character (WHATWG Encoding, index
/// windows-1252): Latin-1, except 0x80–0x9F.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// The delimiter the first non-blank line uses most, outside quotes:
/// `,`, `;` or tab (`,` when it uses none).
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
            c.1 += 1;
        }
    }
    counts
        .iter()
        .fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best })
        .0
}

/// The credential reference a cell is or holds (its first word that is
/// one): `urn:uuid:…`, a bare UUID, or an http(s) link.
fn reference_in(cell: &str) -> Option<String> {
    std::iter::once(cell)
        .chain(cell.split_whitespace())
        .map(|w| w.trim_matches(|c: char| matches!(c, '"' | '\'' | '<' | '>' | '(' | ')')))
        .find(|w| is_reference(w))
        .map(str::to_owned)
}

fn is_reference(word: &str) -> bool {
    let uuid = |s: &str| uuid::Uuid::try_parse(s).is_ok();
    word.strip_prefix("urn:uuid:").is_some_and(uuid)
        || uuid(word)
        || ["https://", "http://"].iter().any(|p| {
            word.len() > p.len()
                && word
                    .get(..p.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(p))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "urn:uuid:5b8f5567-0c1d-4e2f-8a9b-0c1d2e3f4a5b";
    const LINK: &str = "https://certs.example.com/v/0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f";

    fn lines(roster: &Roster) -> Vec<(u64, Option<&str>)> {
        roster
            .rows
            .iter()
            .map(|r| (r.line, r.reference.as_deref()))
            .collect()
    }

    #[test]
    fn content_decides_what_an_upload_is() {
        let csv = format!("name,link\nAda,{LINK}\n");
        for declared in [
            None,
            Some("application/vnd.ms-excel"),
            Some("application/octet-stream"),
            Some("text/csv"),
        ] {
            assert_eq!(
                sniff(csv.as_bytes(), declared),
                Sniffed::Roster,
                "{declared:?}"
            );
        }
        assert_eq!(
            sniff(b"\xEF\xBB\xBF{\"id\": 1}", Some("text/plain")),
            Sniffed::Credential
        );
        assert_eq!(sniff(b"  [1]", None), Sniffed::Credential);
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n", Some("application/octet-stream")),
            Sniffed::Credential
        );
        assert_eq!(sniff(b"<svg/>", Some("text/plain")), Sniffed::Credential);
        assert_eq!(
            sniff(b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6MX0.c2ln\n", None),
            Sniffed::Credential
        );
        assert_eq!(sniff(b"\x00\x01binary", None), Sniffed::Credential);
        assert_eq!(
            sniff(ID.as_bytes(), Some("application/json")),
            Sniffed::Credential
        );
        assert_eq!(sniff(b"Jos\xE9;x\r\n", None), Sniffed::Roster);
    }

    #[test]
    fn a_header_names_the_column_and_every_other_line_is_a_row() {
        let text = format!(
            "\u{FEFF}Name,Employee id,Credential link\r\nAda Lovelace,E-1,{LINK}\r\n\r\nBob,E-2,\r\n,,\r\n\"Lovelace, Ada\",E-3,\"{ID}\"\r\n"
        );
        let roster = parse(text.as_bytes());
        assert_eq!(
            roster.header,
            Some(vec![
                "Name".into(),
                "Employee id".into(),
                "Credential link".into()
            ])
        );
        assert_eq!(lines(&roster), [(2, Some(LINK)), (4, None), (6, Some(ID))]);
        assert_eq!(roster.rows[2].cells, ["Lovelace, Ada", "E-3", ID]);
    }

    #[test]
    fn semicolons_and_tabs_are_delimiters_as_excel_writes_them() {
        let semi = parse(format!("Nom;Matricule;Lien\n\"Dupont; Jean\";7;{LINK}\n").as_bytes());
        assert_eq!(semi.header.as_ref().map(Vec::len), Some(3));
        assert_eq!(semi.rows[0].cells, ["Dupont; Jean", "7", LINK]);
        let tabs = parse(format!("a\tb\n王小明\t{ID}\n").as_bytes());
        assert_eq!(tabs.rows[0].cells, ["王小明", ID]);
        assert_eq!(lines(&tabs), [(2, Some(ID))]);
    }

    #[test]
    fn a_first_line_without_a_reference_is_a_row_unless_it_names_the_column() {
        // The reference column's header cell is empty: a data line.
        let roster = parse(format!("Ada,E-1,\nBob,E-2,{ID}\n").as_bytes());
        assert_eq!(roster.header, None);
        assert_eq!(lines(&roster), [(1, None), (2, Some(ID))]);
        // No line has a reference: nothing is taken for a header.
        let roster = parse(b"name,credential\nAda,\nBob,n/a\n");
        assert_eq!(roster.header, None);
        assert_eq!(roster.rows.len(), 3);
    }

    #[test]
    fn plain_text_rosters_find_a_reference_among_words() {
        let roster = parse(format!("{ID}\nAda's badge: {LINK}\n\n   \nnothing here\n").as_bytes());
        assert_eq!(lines(&roster), [(1, Some(ID)), (2, Some(LINK)), (5, None)]);
        assert!(parse(b"").rows.is_empty());
        assert!(parse(b"\xEF\xBB\xBF\r\n \r\n").rows.is_empty());
        assert!(
            parse(b"http:// ,urn:uuid:x, 1234").rows[0]
                .reference
                .is_none()
        );
    }

    #[test]
    fn legacy_excel_exports_decode_as_windows_1252() {
        let roster = parse(b"Jos\xE9 \x80;12\n");
        assert_eq!(roster.rows[0].cells, ["José €", "12"]);
    }
}
