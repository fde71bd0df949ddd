//! Baking and unbaking PNG and SVG, round trips, the 1EdTech vectors and
//! hostile input.

#![allow(clippy::unwrap_used)]

use super::png_itxt::write_chunk;
use super::*;

const JSON_CRED: &str = r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":["VerifiableCredential","OpenBadgeCredential"],"name":"Zertifikat für Ærøskøbing — 日本語 ✓ and a ]]> inside a string, plus ]]]]>> twice","credentialSubject":{"type":["AchievementSubject"]}}"#;
const JWS_CRED: &str =
    "eyJhbGciOiJFZERTQSJ9.eyJ0eXBlIjpbIk9wZW5CYWRnZUNyZWRlbnRpYWwiXX0.c2lnbmF0dXJlLWJ5dGVz";

fn vector(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/vectors/baked/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A 4×3 RGBA PNG made with the png crate, optionally with an extra
/// text chunk written before IDAT.
fn small_png_with(text: Option<png::text_metadata::ITXtChunk>) -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut buf, 4, 3);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        if let Some(t) = text {
            w.write_text_chunk(&t).unwrap();
        }
        let pixels: Vec<u8> = (0..4 * 3 * 4).map(|i| (i * 5) as u8).collect();
        w.write_image_data(&pixels).unwrap();
        w.finish().unwrap();
    }
    buf
}

fn small_png() -> Vec<u8> {
    small_png_with(None)
}

/// (type, data) of every chunk, via an independent minimal walker.
fn chunk_list(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut v = Vec::new();
    let mut i = 8;
    while i + 12 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
        let ty: [u8; 4] = png[i + 4..i + 8].try_into().unwrap();
        v.push((ty, png[i + 8..i + 8 + len].to_vec()));
        i += 12 + len;
    }
    v
}

fn our_itxt_count(png: &[u8]) -> usize {
    chunk_list(png)
        .iter()
        .filter(|(t, d)| t == b"iTXt" && d.starts_with(b"openbadgecredential\0"))
        .count()
}

/// Bitwise CRC-32 (ISO-HDLC), independent of crc32fast.
fn crc32_reference(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Inserts a raw chunk right before IEND (test helper, any bytes).
fn splice_before_iend(png: &[u8], ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let iend = png.len() - 12;
    assert_eq!(&png[iend + 4..iend + 8], b"IEND");
    let mut out = png[..iend].to_vec();
    write_chunk(&mut out, ty, data).unwrap();
    out.extend_from_slice(&png[iend..]);
    out
}

fn type_contains_obc(json: &str) -> bool {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["type"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "OpenBadgeCredential")
}

const PLAIN_SVG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- badge -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" data-x=\"a>b\"><rect width=\"10\" height=\"10\" fill=\"#c00\"/><text x=\"1\" y=\"9\">Grüße &amp; ✓</text></svg>\n";

// ---------------------------------------------------------------- PNG

#[test]
fn png_round_trip_json_with_cdata_end_and_non_ascii() {
    let png = small_png();
    let baked = bake_png(&png, JSON_CRED).unwrap();
    assert_eq!(unbake_png(&baked).unwrap(), Baked::Json(JSON_CRED.into()));
    assert_eq!(unbake(&baked).unwrap(), Baked::Json(JSON_CRED.into()));
    assert_eq!(our_itxt_count(&baked), 1);

    // The png crate decodes the result: same pixels, and it sees our
    // uncompressed iTXt chunk.
    let decode = |bytes: &[u8]| {
        let mut r = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()))
            .read_info()
            .unwrap();
        let mut px = vec![0; r.output_buffer_size().unwrap()];
        r.next_frame(&mut px).unwrap();
        r.finish().unwrap();
        let texts: Vec<(String, bool, String)> = r
            .info()
            .utf8_text
            .iter()
            .map(|t| (t.keyword.clone(), t.compressed, t.get_text().unwrap()))
            .collect();
        (px, texts)
    };
    let (px0, _) = decode(&png);
    let (px1, texts) = decode(&baked);
    assert_eq!(px0, px1);
    assert_eq!(
        texts,
        vec![(PNG_KEYWORD.to_string(), false, JSON_CRED.to_string())]
    );
}

#[test]
fn png_round_trip_jws_and_trimming() {
    let baked = bake_png(&small_png(), &format!("\n {JWS_CRED}\n")).unwrap();
    assert_eq!(unbake(&baked).unwrap(), Baked::Jws(JWS_CRED.into()));
}

#[test]
fn png_itxt_layout_and_crc_exact() {
    let baked = bake_png(&small_png(), JSON_CRED).unwrap();
    let chunks = chunk_list(&baked);
    let n = chunks.len();
    assert_eq!(&chunks[n - 1].0, b"IEND");
    assert_eq!(&chunks[n - 2].0, b"iTXt", "iTXt right before IEND");
    let mut expected = Vec::new();
    expected.extend_from_slice(b"openbadgecredential");
    expected.extend_from_slice(&[0, 0, 0, 0, 0]);
    expected.extend_from_slice(JSON_CRED.as_bytes());
    assert_eq!(chunks[n - 2].1, expected);

    // Raw bytes: length, type, data, CRC over type + data.
    let at = baked.len() - 12 - (12 + expected.len());
    let raw = &baked[at..baked.len() - 12];
    assert_eq!(&raw[..4], &(expected.len() as u32).to_be_bytes());
    assert_eq!(&raw[4..8], b"iTXt");
    assert_eq!(&raw[8..8 + expected.len()], &expected[..]);
    let mut crc_input = b"iTXt".to_vec();
    crc_input.extend_from_slice(&expected);
    assert_eq!(
        &raw[8 + expected.len()..],
        &crc32_reference(&crc_input).to_be_bytes()
    );
    // Sanity of the reference CRC: PNG's IEND CRC is AE 42 60 82.
    assert_eq!(crc32_reference(b"IEND"), 0xAE42_6082);
}

#[test]
fn png_rebake_replaces() {
    // Start from a PNG that already has our chunk before IDAT (written by
    // the png crate) plus an unrelated iTXt and an OB 2.0 chunk.
    let mut pre = small_png_with(Some(png::text_metadata::ITXtChunk::new(
        PNG_KEYWORD,
        JWS_CRED,
    )));
    pre = splice_before_iend(&pre, b"iTXt", b"openbadges\0\0\0\0\0{\"old\":\"ob2\"}");
    pre = splice_before_iend(&pre, b"iTXt", b"Comment\0\0\0\0\0hello");
    assert_eq!(unbake(&pre).unwrap(), Baked::Jws(JWS_CRED.into()));

    let once = bake_png(&pre, JSON_CRED).unwrap();
    let twice = bake_png(&once, r#"{"type":["OpenBadgeCredential"],"n":2}"#).unwrap();
    assert_eq!(our_itxt_count(&once), 1);
    assert_eq!(our_itxt_count(&twice), 1);
    assert_eq!(
        unbake(&twice).unwrap(),
        Baked::Json(r#"{"type":["OpenBadgeCredential"],"n":2}"#.into())
    );
    // Other chunks kept.
    let kinds: Vec<_> = chunk_list(&twice)
        .into_iter()
        .filter(|(t, _)| t == b"iTXt")
        .map(|(_, d)| d.split(|&b| b == 0).next().unwrap().to_vec())
        .collect();
    assert_eq!(
        kinds,
        vec![
            b"openbadges".to_vec(),
            b"Comment".to_vec(),
            b"openbadgecredential".to_vec()
        ]
    );
    // Re-baking the same credential is idempotent.
    assert_eq!(bake_png(&once, JSON_CRED).unwrap(), once);
}

#[test]
fn png_1edtech_vectors() {
    let json = unbake(&vector("simple-json.png")).unwrap();
    let Baked::Json(j) = &json else {
        panic!("{json:?}")
    };
    assert!(type_contains_obc(j));
    assert_eq!(unbake_png(&vector("simple-json.png")).unwrap(), json);

    let jwt = unbake(&vector("simple-jwt.png")).unwrap();
    let Baked::Jws(t) = &jwt else {
        panic!("{jwt:?}")
    };
    assert_eq!(t.split('.').count(), 3);
    assert!(t.starts_with("eyJ"));

    // Re-baking a foreign PNG replaces its credential.
    let rebaked = bake_png(&vector("simple-json.png"), JWS_CRED).unwrap();
    assert_eq!(our_itxt_count(&rebaked), 1);
    assert_eq!(unbake(&rebaked).unwrap(), Baked::Jws(JWS_CRED.into()));
}

#[test]
fn png_errors() {
    let plain = small_png();
    let baked = bake_png(&plain, JSON_CRED).unwrap();

    // No credential.
    assert_eq!(unbake(&plain), Err(BakeError::NoCredential));
    assert_eq!(unbake_png(&plain), Err(BakeError::NoCredential));

    // Truncated (inside the iTXt chunk, and just before IEND's CRC).
    for cut in [baked.len() / 2, baked.len() - 1, baked.len() - 12] {
        let e = unbake(&baked[..cut]).unwrap_err();
        assert!(matches!(e, BakeError::CorruptPng(_)), "{cut}: {e:?}");
        assert_eq!(e.code(), "png_corrupt");
        assert!(matches!(
            bake_png(&baked[..cut], JWS_CRED),
            Err(BakeError::CorruptPng(_))
        ));
    }

    // Flipped CRC byte, in the IHDR and in our iTXt chunk.
    let mut bad = baked.clone();
    bad[8 + 8 + 13] ^= 0x01;
    let e = unbake(&bad).unwrap_err();
    assert!(
        matches!(&e, BakeError::CorruptPng(m) if m.contains("CRC") && m.contains("IHDR")),
        "{e:?}"
    );
    let mut bad = baked.clone();
    let crc_at = baked.len() - 12 - 4;
    bad[crc_at] ^= 0x80;
    assert!(
        matches!(unbake(&bad), Err(BakeError::CorruptPng(m)) if m.contains("CRC in iTXt") || m.contains("CRC mismatch in iTXt"))
    );
    assert!(matches!(
        bake_png(&bad, JSON_CRED),
        Err(BakeError::CorruptPng(_))
    ));

    // Data after IEND.
    let mut trailing = baked.clone();
    trailing.extend_from_slice(b"junk");
    assert!(
        matches!(unbake(&trailing), Err(BakeError::CorruptPng(m)) if m.contains("after the IEND"))
    );

    // Compressed iTXt with our keyword (compressed by the png crate).
    let mut chunk = png::text_metadata::ITXtChunk::new(PNG_KEYWORD, JSON_CRED);
    chunk.compressed = true;
    let compressed = small_png_with(Some(chunk));
    assert_eq!(unbake(&compressed), Err(BakeError::CompressedText));
    assert_eq!(
        unbake(&compressed).unwrap_err().code(),
        "png_text_compressed"
    );
    // Baking over it replaces the compressed chunk.
    let fixed = bake_png(&compressed, JSON_CRED).unwrap();
    assert_eq!(our_itxt_count(&fixed), 1);
    assert_eq!(unbake(&fixed).unwrap(), Baked::Json(JSON_CRED.into()));

    // Credential text that is not UTF-8.
    let mut data = b"openbadgecredential\0\0\0\0\0{\"name\":\"".to_vec();
    data.extend_from_slice(&[0xC3, 0x28, 0xFF]);
    data.extend_from_slice(b"\"}");
    let not_utf8 = splice_before_iend(&plain, b"iTXt", &data);
    assert_eq!(unbake(&not_utf8), Err(BakeError::NotUtf8));
    assert_eq!(unbake(&not_utf8).unwrap_err().code(), "credential_not_utf8");

    // Text that is no credential.
    let junk = splice_before_iend(&plain, b"iTXt", b"openbadgecredential\0\0\0\0\0hello world");
    assert!(matches!(
        unbake(&junk),
        Err(BakeError::InvalidCredential(_))
    ));

    // A second chunk with our keyword: OB 3.0 §5.3.1 bakes one; which
    // one a reader takes would be a guess.
    let two = splice_before_iend(
        &baked,
        b"iTXt",
        b"openbadgecredential\0\0\0\0\0{\"second\":1}",
    );
    let second_at = baked.len() - 12;
    assert_eq!(unbake(&two), Err(BakeError::DuplicateCredential(second_at)));
    assert_eq!(unbake(&two).unwrap_err().code(), "png_duplicate_credential");

    // A credential above 1 MiB in the chunk.
    let mut big = b"openbadgecredential\0\0\0\0\0{\"x\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    big.extend_from_slice(b"\"}");
    let big_png = splice_before_iend(&plain, b"iTXt", &big);
    let text_len = big.len() - (PNG_KEYWORD.len() + 5);
    assert_eq!(
        unbake(&big_png),
        Err(BakeError::CredentialTooLarge(text_len))
    );

    // Baking refuses bad credentials and oversize input.
    assert!(matches!(
        bake_png(&plain, "not a credential"),
        Err(BakeError::InvalidCredential(_))
    ));
    assert!(matches!(
        bake_png(&plain, "[1,2]"),
        Err(BakeError::InvalidCredential(_))
    ));
    assert!(matches!(
        bake_png(&plain, "{\"a\":"),
        Err(BakeError::InvalidCredential(_))
    ));
    assert!(matches!(
        bake_png(&plain, "  "),
        Err(BakeError::InvalidCredential(_))
    ));
    let huge_cred = format!("{{\"x\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    assert_eq!(
        bake_png(&plain, &huge_cred),
        Err(BakeError::CredentialTooLarge(huge_cred.len()))
    );
    let mut huge_png = plain.clone();
    huge_png.resize(MAX_IMAGE_BYTES + 1, 0);
    assert_eq!(
        bake_png(&huge_png, JSON_CRED),
        Err(BakeError::TooLarge(MAX_IMAGE_BYTES + 1))
    );
    assert_eq!(
        unbake(&huge_png),
        Err(BakeError::TooLarge(MAX_IMAGE_BYTES + 1))
    );
    assert_eq!(
        bake_png(b"GIF89a......", JSON_CRED),
        Err(BakeError::NotAnImage)
    );
    assert_eq!(unbake_png(b"GIF89a"), Err(BakeError::NotAnImage));
}

#[test]
fn not_an_image() {
    assert_eq!(unbake(b""), Err(BakeError::NotAnImage));
    assert_eq!(unbake(b"   \n"), Err(BakeError::NotAnImage));
    assert_eq!(unbake(b"{\"type\":[]}"), Err(BakeError::NotAnImage));
    // Pseudo-random bytes (xorshift), none starting with '<' or the PNG signature.
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut bytes = Vec::new();
    for _ in 0..4096 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        bytes.push(s as u8);
    }
    bytes[0] = 0x17;
    assert_eq!(unbake(&bytes), Err(BakeError::NotAnImage));
    assert_eq!(unbake(&bytes).unwrap_err().code(), "not_an_image");
    // Well-formed XML that is not an SVG.
    assert_eq!(unbake(b"<html><body/></html>"), Err(BakeError::NotAnImage));
}

// ---------------------------------------------------------------- SVG

#[test]
fn svg_round_trip_json_with_cdata_end_and_non_ascii() {
    let baked = bake_svg(PLAIN_SVG, JSON_CRED).unwrap();
    assert_eq!(unbake_svg(&baked).unwrap(), Baked::Json(JSON_CRED.into()));
    assert_eq!(
        unbake(baked.as_bytes()).unwrap(),
        Baked::Json(JSON_CRED.into())
    );
    // Namespace once on the root, element directly after the start tag,
    // `]]>` split across CDATA sections.
    assert_eq!(baked.matches("xmlns:openbadges=").count(), 1);
    assert!(baked.contains(
        "data-x=\"a>b\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential><![CDATA[{"
    ));
    assert!(baked.contains("a ]]]]><![CDATA[> inside"));
    assert_eq!(baked.matches("<openbadges:credential").count(), 1);
    // The rest is byte for byte the same.
    assert!(baked.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- badge -->\n<svg "));
    assert!(baked.ends_with("</openbadges:credential><rect width=\"10\" height=\"10\" fill=\"#c00\"/><text x=\"1\" y=\"9\">Grüße &amp; ✓</text></svg>\n"));
    // First child of the root element is the credential element.
    let doc = roxmltree::Document::parse(&baked).unwrap();
    let first = doc.root_element().first_child().unwrap();
    assert_eq!(first.tag_name().namespace(), Some(SVG_NAMESPACE));
    assert_eq!(first.tag_name().name(), "credential");
}

#[test]
fn svg_round_trip_jws() {
    let baked = bake_svg(PLAIN_SVG, JWS_CRED).unwrap();
    assert!(baked.contains(&format!(
        "><openbadges:credential verify=\"{JWS_CRED}\"></openbadges:credential><rect"
    )));
    assert_eq!(unbake_svg(&baked).unwrap(), Baked::Jws(JWS_CRED.into()));
}

#[test]
fn svg_rebake_replaces() {
    let once = bake_svg(PLAIN_SVG, JWS_CRED).unwrap();
    let twice = bake_svg(&once, JSON_CRED).unwrap();
    let thrice = bake_svg(&twice, JSON_CRED).unwrap();
    for s in [&once, &twice, &thrice] {
        assert_eq!(s.matches("<openbadges:credential").count(), 1, "{s}");
        assert_eq!(s.matches("xmlns:openbadges=").count(), 1);
    }
    assert_eq!(twice, thrice, "re-baking is idempotent");
    assert_eq!(unbake_svg(&twice).unwrap(), Baked::Json(JSON_CRED.into()));

    // A credential element elsewhere, under another prefix, is removed too.
    let odd = "<svg xmlns=\"http://www.w3.org/2000/svg\"><g><ob:credential xmlns:ob=\"https://purl.imsglobal.org/ob/v3p0\">{\"old\":1}</ob:credential></g></svg>";
    let baked = bake_svg(odd, JWS_CRED).unwrap();
    assert_eq!(baked.matches("credential").count(), 2, "{baked}"); // start + end tag
    assert!(baked.ends_with("<g></g></svg>"));
    assert_eq!(unbake_svg(&baked).unwrap(), Baked::Jws(JWS_CRED.into()));
}

#[test]
fn svg_special_roots() {
    // Self-closing root.
    let baked = bake_svg("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", JSON_CRED).unwrap();
    assert!(baked.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>"));
    assert!(baked.ends_with("</openbadges:credential></svg>"));
    assert_eq!(unbake_svg(&baked).unwrap(), Baked::Json(JSON_CRED.into()));
    // Prefixed root, self-closing.
    let baked = bake_svg("<s:svg xmlns:s='http://www.w3.org/2000/svg' />", JWS_CRED).unwrap();
    assert!(
        baked.ends_with("</openbadges:credential></s:svg>"),
        "{baked}"
    );
    assert_eq!(unbake_svg(&baked).unwrap(), Baked::Jws(JWS_CRED.into()));
    // Namespace already declared: not declared twice.
    let pre = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"></svg>";
    let baked = bake_svg(pre, JWS_CRED).unwrap();
    assert_eq!(baked.matches("xmlns:openbadges").count(), 1);
    // OB 2.0 prefix binding on the root: refused, not mixed.
    let ob2 = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion verify=\"https://example.org/a\"/></svg>";
    assert!(
        matches!(bake_svg(ob2, JSON_CRED), Err(BakeError::SvgMalformed(m)) if m.contains("http://openbadges.org"))
    );
    assert_eq!(unbake_svg(ob2), Err(BakeError::NoCredential));
    // Root that is not <svg>.
    assert_eq!(bake_svg("<html/>", JSON_CRED), Err(BakeError::NotAnImage));
    // CRLF in JSON whitespace becomes LF (XML end-of-line handling).
    let crlf = "{\r\n\"type\": [\"OpenBadgeCredential\"]\r\n}";
    let baked = bake_svg(PLAIN_SVG, crlf).unwrap();
    assert_eq!(
        unbake_svg(&baked).unwrap(),
        Baked::Json("{\n\"type\": [\"OpenBadgeCredential\"]\n}".into())
    );
    // A non-XML character in the JSON.
    assert!(matches!(
        bake_svg(PLAIN_SVG, "{\"a\":\"\u{FFFE}\"}"),
        Err(BakeError::InvalidCredential(_))
    ));
    // BOM and leading whitespace are sniffed as SVG.
    let baked = bake_svg(PLAIN_SVG, JWS_CRED).unwrap();
    let mut with_bom = b"\xEF\xBB\xBF \n".to_vec();
    with_bom.extend_from_slice(baked.trim_start().as_bytes());
    // (leading whitespace before the XML declaration is not well-formed)
    assert!(matches!(unbake(&with_bom), Err(BakeError::SvgMalformed(_))));
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(baked.as_bytes());
    assert_eq!(unbake(&with_bom).unwrap(), Baked::Jws(JWS_CRED.into()));
    let mut ws = b"\n  ".to_vec();
    ws.extend_from_slice(
        bake_svg("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", JWS_CRED)
            .unwrap()
            .as_bytes(),
    );
    assert_eq!(unbake(&ws).unwrap(), Baked::Jws(JWS_CRED.into()));
}

#[test]
fn svg_1edtech_vectors() {
    for name in ["simple-json.svg", "simple-jwt.svg"] {
        let bytes = vector(name);
        let got = unbake(&bytes).unwrap();
        assert_eq!(
            unbake_svg(std::str::from_utf8(&bytes).unwrap()).unwrap(),
            got
        );
        match (name, &got) {
            ("simple-json.svg", Baked::Json(j)) => assert!(type_contains_obc(j)),
            ("simple-jwt.svg", Baked::Jws(t)) => assert!(t.starts_with("eyJ")),
            _ => panic!("{name}: {got:?}"),
        }
    }
    // Re-baking the 1EdTech SVG (which has an external-only DOCTYPE)
    // keeps its DOCTYPE and replaces the element.
    let src = String::from_utf8(vector("simple-json.svg")).unwrap();
    let rebaked = bake_svg(&src, JWS_CRED).unwrap();
    assert!(rebaked.contains("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\""));
    assert_eq!(rebaked.matches("<openbadges:credential").count(), 1);
    assert_eq!(rebaked.matches("xmlns:openbadges=").count(), 1);
    assert_eq!(
        unbake(rebaked.as_bytes()).unwrap(),
        Baked::Jws(JWS_CRED.into())
    );
}

#[test]
fn svg_errors() {
    // XXE: refused before parsing; the file is never read.
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(
        &secret,
        "{\"type\":[\"OpenBadgeCredential\"],\"leak\":\"SECRET-MARKER\"}",
    )
    .unwrap();
    let xxe = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file://{}\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>&xxe;</openbadges:credential></svg>",
        secret.display()
    );
    assert_eq!(unbake(xxe.as_bytes()), Err(BakeError::SvgEntities));
    assert_eq!(unbake_svg(&xxe).unwrap_err().code(), "svg_entities_refused");
    assert_eq!(bake_svg(&xxe, JSON_CRED), Err(BakeError::SvgEntities));
    let passwd = "<!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&xxe;</svg>";
    assert_eq!(unbake(passwd.as_bytes()), Err(BakeError::SvgEntities));
    // Billion laughs.
    let lol = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><svg>&lol2;</svg>";
    assert_eq!(unbake(lol.as_bytes()), Err(BakeError::SvgEntities));
    // An undeclared entity with an external-only DOCTYPE: not resolved.
    let ext = "<!DOCTYPE svg SYSTEM \"file:///etc/passwd\"><svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>&ent;</openbadges:credential></svg>";
    assert!(matches!(
        unbake(ext.as_bytes()),
        Err(BakeError::SvgMalformed(_))
    ));
    // A '[' inside the quoted system id is not an internal subset.
    let quoted = "<!DOCTYPE svg SYSTEM \"x[y].dtd\"><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    assert_eq!(unbake(quoted.as_bytes()), Err(BakeError::NoCredential));
    // Two DOCTYPEs.
    let twice = "<!DOCTYPE svg><!DOCTYPE svg><svg/>";
    assert!(unbake(twice.as_bytes()).is_err());

    // No credential.
    assert_eq!(unbake(PLAIN_SVG.as_bytes()), Err(BakeError::NoCredential));
    assert_eq!(unbake_svg(PLAIN_SVG).unwrap_err().code(), "no_credential");
    // Empty credential element.
    let empty = "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential verify=\"\"> </openbadges:credential></svg>";
    assert!(matches!(
        unbake_svg(empty),
        Err(BakeError::InvalidCredential(_))
    ));
    // Malformed.
    assert!(matches!(
        unbake(b"<svg><g></svg>"),
        Err(BakeError::SvgMalformed(_))
    ));
    assert!(matches!(
        bake_svg("<svg", JSON_CRED),
        Err(BakeError::SvgMalformed(_))
    ));
    assert_eq!(
        unbake(b"<svg"[..].as_ref()).unwrap_err().code(),
        "svg_malformed"
    );
    // Not UTF-8.
    assert!(matches!(
        unbake(b"<svg>\xFF</svg>"),
        Err(BakeError::SvgMalformed(_))
    ));

    // Bigger than MAX_IMAGE_BYTES.
    let mut big = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\">");
    big.push_str(&" ".repeat(MAX_IMAGE_BYTES));
    big.push_str("</svg>");
    assert_eq!(unbake(big.as_bytes()), Err(BakeError::TooLarge(big.len())));
    assert_eq!(unbake_svg(&big), Err(BakeError::TooLarge(big.len())));
    assert_eq!(
        bake_svg(&big, JSON_CRED),
        Err(BakeError::TooLarge(big.len()))
    );
    assert_eq!(unbake_svg(&big).unwrap_err().code(), "image_too_large");

    // A 2 MiB CDATA credential.
    let cred = format!("{{\"x\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential><![CDATA[\n{cred}\n]]></openbadges:credential></svg>"
    );
    assert_eq!(
        unbake(svg.as_bytes()),
        Err(BakeError::CredentialTooLarge(cred.len()))
    );
    assert_eq!(unbake_svg(&svg).unwrap_err().code(), "credential_too_large");
    assert_eq!(
        bake_svg(PLAIN_SVG, &cred),
        Err(BakeError::CredentialTooLarge(cred.len()))
    );
    // Many CDATA sections adding up to far more than the limit.
    let piece = format!("<![CDATA[{}]]>", "a".repeat(64 * 1024));
    let svg = format!(
        "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential>{}</openbadges:credential></svg>",
        piece.repeat(40)
    );
    assert!(
        matches!(unbake_svg(&svg), Err(BakeError::CredentialTooLarge(n)) if n > MAX_CREDENTIAL_BYTES)
    );

    // verify attribute that is not a JWS.
    let v = "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"><openbadges:credential verify=\"{&quot;a&quot;:1}\"/></svg>";
    assert!(matches!(
        unbake_svg(v),
        Err(BakeError::InvalidCredential(_))
    ));
}

#[test]
fn error_codes_are_stable_and_distinct() {
    let all = [
        BakeError::NotAnImage,
        BakeError::CorruptPng(String::new()),
        BakeError::NoCredential,
        BakeError::CompressedText,
        BakeError::SvgMalformed(String::new()),
        BakeError::SvgEntities,
        BakeError::TooLarge(0),
        BakeError::CredentialTooLarge(0),
        BakeError::NotUtf8,
        BakeError::InvalidCredential(String::new()),
        BakeError::TooManyChunks,
        BakeError::TooMuchText(0),
        BakeError::DuplicateCredential(0),
    ];
    let codes: Vec<_> = all.iter().map(BakeError::code).collect();
    assert_eq!(
        codes,
        [
            "not_an_image",
            "png_corrupt",
            "no_credential",
            "png_text_compressed",
            "svg_malformed",
            "svg_entities_refused",
            "image_too_large",
            "credential_too_large",
            "credential_not_utf8",
            "credential_invalid",
            "png_too_many_chunks",
            "png_text_too_large",
            "png_duplicate_credential"
        ]
    );
}

#[test]
fn no_panic_on_prefixes_and_mutations() {
    let png = bake_png(&small_png(), JSON_CRED).unwrap();
    let svg = bake_svg(PLAIN_SVG, JSON_CRED).unwrap().into_bytes();
    let jwt_svg = vector("simple-jwt.svg");
    for bytes in [&png, &svg, &jwt_svg] {
        for n in 0..bytes.len() {
            let r = unbake(&bytes[..n]);
            assert!(r.is_err() || r.is_ok());
            if let Ok(s) = std::str::from_utf8(&bytes[..n]) {
                let _ = bake_svg(s, JWS_CRED);
            }
            let _ = bake_png(&bytes[..n], JWS_CRED);
        }
        // Every prefix of a PNG short of the whole file is an error.
        if bytes.starts_with(&PNG_SIGNATURE) {
            for n in 0..bytes.len() {
                assert!(unbake(&bytes[..n]).is_err());
            }
        }
        // Single-byte mutations.
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..3000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let mut m = bytes.to_vec();
            let at = (s as usize) % m.len();
            m[at] = (s >> 32) as u8;
            let _ = unbake(&m);
            let _ = bake_png(&m, JSON_CRED);
            if let Ok(t) = std::str::from_utf8(&m) {
                let _ = bake_svg(t, JSON_CRED);
            }
        }
    }
}

/// `png` with `n` more text chunks of `size` bytes each before IEND.
fn with_text_chunks(png: &[u8], n: usize, size: usize) -> Vec<u8> {
    let iend = png.len() - 12;
    let mut out = png[..iend].to_vec();
    let mut data = b"Comment\0".to_vec();
    data.resize(size.max(data.len()), b'x');
    for _ in 0..n {
        write_chunk(&mut out, b"tEXt", &data).unwrap();
    }
    out.extend_from_slice(&png[iend..]);
    out
}

#[test]
fn png_chunk_count_and_text_size_are_capped() {
    let baked = bake_png(&small_png(), JSON_CRED).unwrap();
    let chunks = chunk_list(&baked).len();
    // Up to the cap, the credential is read.
    let at_cap = with_text_chunks(&baked, MAX_PNG_CHUNKS - chunks, 16);
    assert_eq!(chunk_list(&at_cap).len(), MAX_PNG_CHUNKS);
    assert_eq!(unbake(&at_cap).unwrap(), Baked::Json(JSON_CRED.into()));
    // Thousands of text chunks: refused, as input to unbaking and baking.
    let many = with_text_chunks(&baked, 5000, 16);
    assert_eq!(unbake(&many), Err(BakeError::TooManyChunks));
    assert_eq!(bake_png(&many, JSON_CRED), Err(BakeError::TooManyChunks));
    assert!(
        unbake(&many)
            .unwrap_err()
            .to_string()
            .contains("1024 chunks")
    );
    // Few chunks but more text than the cap.
    let wordy = with_text_chunks(&baked, 5, MAX_PNG_TEXT_BYTES / 4);
    let e = unbake(&wordy).unwrap_err();
    assert!(
        matches!(e, BakeError::TooMuchText(n) if n > MAX_PNG_TEXT_BYTES),
        "{e}"
    );
    assert_eq!(e.code(), "png_text_too_large");
    // Text just under the cap is fine.
    let fine = with_text_chunks(&baked, 3, MAX_PNG_TEXT_BYTES / 4);
    assert_eq!(unbake(&fine).unwrap(), Baked::Json(JSON_CRED.into()));
}
