//! What a badge and its share image must say and how they must read: the
//! status and its date instead of "VALID UNTIL", a QR code that scans from
//! a small badge, whole words on the share image, and text as outlines.

use resvg::usvg;

use super::badge::{BadgeStatus, badge_png, badge_svg, filled_svg};
use super::bake;
use super::og::{OG_LINK_ID, OG_WIDTH, og_image, og_svg};
use super::outline::{DESC_ID, TITLE_ID};
use super::png::{parse_svg, render_png};
use super::tests::{URL, catalog, data, decode_qr, text_of};

fn revoked(date: &str) -> BadgeStatus {
    BadgeStatus::Revoked {
        since: Some(date.to_owned()),
    }
}

/// The share image's text column, as SVG.
fn og_text(cert: &super::tests::Certification, d: &super::badge::BadgeData) -> String {
    let design = cert.design();
    let values = super::badge::Values::new(&design, d).unwrap();
    og_svg(&design, &values, &d.verify_url).unwrap()
}

/// `png` (any size) scaled to `width` pixels wide with a triangle filter,
/// as a feed or a mail client shows it, re-encoded as PNG.
fn downscaled(png: &[u8], width: u32) -> Vec<u8> {
    let img = image::load_from_memory(png).unwrap();
    let height = img.height() * width / img.width();
    let small = img.resize_exact(width, height, image::imageops::FilterType::Triangle);
    let mut out = std::io::Cursor::new(Vec::new());
    small.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Mean absolute difference per channel of two same-sized PNGs in the
/// rows `rows`, composited over white.
fn difference(a: &[u8], b: &[u8], rows: std::ops::Range<u32>) -> f64 {
    let flat = |png: &[u8]| {
        let rgba = image::load_from_memory(png).unwrap().to_rgba8();
        let over_white = |p: &image::Rgba<u8>, c: usize| {
            let a = f64::from(p[3]) / 255.0;
            f64::from(p[c]) * a + 255.0 * (1.0 - a)
        };
        (rgba.width(), rgba.height(), rgba, over_white)
    };
    let (w, h, a, mix) = flat(a);
    let (w2, h2, b, _) = flat(b);
    assert_eq!((w, h), (w2, h2));
    let mut sum = 0.0_f64;
    let mut n = 0.0_f64;
    for y in rows.start.min(h)..rows.end.min(h) {
        for x in 0..w {
            for c in 0..3 {
                sum += (mix(a.get_pixel(x, y), c) - mix(b.get_pixel(x, y), c)).abs();
                n += 1.0;
            }
        }
    }
    sum / n.max(1.0)
}

#[test]
fn a_badge_that_is_not_valid_says_its_status_and_date_instead_of_valid_until() {
    let catalog = catalog();
    for cert in &catalog {
        let cases = [
            (
                BadgeStatus::Valid,
                "VALID UNTIL 25 NOV 2028",
                "Valid until 25 Nov 2028",
            ),
            (
                revoked("2 Dec 2026"),
                "REVOKED 2 DEC 2026",
                "Revoked 2 Dec 2026",
            ),
            (
                BadgeStatus::Suspended {
                    since: Some("3 Dec 2026".to_owned()),
                },
                "SUSPENDED SINCE 3 DEC 2026",
                "Suspended since 3 Dec 2026",
            ),
            (
                BadgeStatus::Expired {
                    on: Some("1 Dec 2026".to_owned()),
                },
                "EXPIRED 1 DEC 2026",
                "Expired 1 Dec 2026",
            ),
            (BadgeStatus::Revoked { since: None }, "REVOKED", "Revoked"),
        ];
        for (status, badge_words, og_words) in cases {
            let valid = status == BadgeStatus::Valid;
            let d = data(cert, "Ada Lovelace", status);
            let filled = filled_svg(&cert.design(), &d).unwrap();
            assert!(filled.contains(badge_words), "{}: {badge_words}", cert.slug);
            assert_eq!(filled.contains("VALID UNTIL"), valid, "{badge_words}");
            // The served SVG is outlines: its <desc> carries the words.
            let served = badge_svg(&cert.design(), &d).unwrap();
            let desc = text_of(&served, DESC_ID);
            assert!(desc.contains(badge_words), "{desc}");
            assert_eq!(desc.contains("VALID UNTIL"), valid, "{desc}");
            let og = og_text(cert, &d);
            assert!(og.contains(og_words), "{og}");
            assert_eq!(og.contains("Valid until"), valid, "{og}");
        }
    }

    // The date is drawn: two revocation dates differ on the date line of
    // the badge (rows 360 to 380 of 600) and of the share image's dates.
    let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
    let one = data(cert, "Ada Lovelace", revoked("2 Dec 2026"));
    let other = data(cert, "Ada Lovelace", revoked("28 Feb 2027"));
    let (a, b) = (
        badge_png(&cert.design(), &one, 600).unwrap(),
        badge_png(&cert.design(), &other, 600).unwrap(),
    );
    assert!(difference(&a, &b, 360..380) > 1.0);
    assert!(difference(&a, &b, 0..340) < 0.01, "nothing else changes");
    let (a, b) = (
        og_image(&cert.design(), &one).unwrap(),
        og_image(&cert.design(), &other).unwrap(),
    );
    assert!(difference(&a, &b, 0..627) > 0.01);
}

#[test]
fn the_badge_qr_code_scans_from_a_300_pixel_badge() {
    let catalog = catalog();
    let longer = "https://credentials.example.org/v/0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0001";
    for cert in &catalog {
        let d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
        let png = badge_png(&cert.design(), &d, 600).unwrap();
        assert_eq!(decode_qr(&downscaled(&png, 300)), [URL], "{}", cert.slug);
    }
    // From the 1200-pixel PNG, with a longer link, under a status banner,
    // and from the outlined SVG.
    let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
    let mut d = data(cert, "Ada Lovelace", revoked("2 Dec 2026"));
    d.verify_url = longer.to_owned();
    let png = badge_png(&cert.design(), &d, 1200).unwrap();
    assert_eq!(decode_qr(&downscaled(&png, 300)), [longer], "1200");
    let png = render_png(&badge_svg(&cert.design(), &d).unwrap(), 600).unwrap();
    assert_eq!(decode_qr(&downscaled(&png, 300)), [longer], "outlined");
}

#[test]
fn the_share_image_prints_the_link_instead_of_a_qr_code_too_small_to_scan() {
    let catalog = catalog();
    for (slug, status) in [
        ("gitlab-certified-associate", BadgeStatus::Valid),
        ("gitlab-ci-cd-specialist", revoked("2 Dec 2026")),
    ] {
        let cert = catalog.get(slug).unwrap();
        let d = data(cert, "Ada Lovelace", status);
        let og = og_image(&cert.design(), &d).unwrap();
        for width in [OG_WIDTH, 800, 552] {
            let img = if width == OG_WIDTH {
                og.clone()
            } else {
                downscaled(&og, width)
            };
            assert!(decode_qr(&img).is_empty(), "{slug} at {width} px");
        }
        let text = og_text(cert, &d);
        assert_eq!(
            text_of(&text, OG_LINK_ID),
            URL.trim_start_matches("https://")
        );
        let tree = parse_svg(&text).unwrap();
        let Some(usvg::Node::Text(link)) = tree.node_by_id(OG_LINK_ID) else {
            panic!("no link");
        };
        let bbox = link.abs_bounding_box();
        assert!(bbox.right() <= 636.0 + 520.0 + 0.5 && bbox.bottom() <= 615.0);
    }
}

/// Checks that `lines` are `text` broken only between words (at a space,
/// after a hyphen, next to a CJK character), the last possibly cut after a
/// whole word and ended with an ellipsis.
fn assert_whole_words(text: &str, lines: &[&str]) {
    let cjk = |c: Option<char>| c.is_some_and(|c| ('\u{3000}'..='\u{9FFF}').contains(&c));
    let mut rest = text;
    for (i, line) in lines.iter().enumerate() {
        let (line, cut) = match line.strip_suffix('\u{2026}') {
            Some(l) => (l, true),
            None => (*line, false),
        };
        assert!(rest.starts_with(line), "{line:?} is not next in {text:?}");
        rest = &rest[line.len()..];
        let last = i + 1 == lines.len();
        if rest.is_empty() {
            assert!(last && !cut, "{lines:?}");
            return;
        }
        assert!(!last || cut, "{text:?} lost its end: {lines:?}");
        let between_words = rest.starts_with(' ')
            || line.ends_with('-')
            || cjk(line.chars().last())
            || cjk(rest.chars().next());
        assert!(between_words, "{line:?} | {rest:?} breaks inside a word");
        rest = rest.trim_start();
    }
}

#[test]
fn long_names_on_the_share_image_wrap_between_words() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-project-management-specialist").unwrap();
    let latin = "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt de la Cruz y Montenegro";
    let latin_long: String = latin.repeat(3).chars().take(200).collect::<String>();
    let cjk = "山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎";
    let arabic = "محمد بن عبد الله بن عبد المطلب بن هاشم بن عبد مناف القرشي الهاشمي المكي المدني";
    let arabic_long = format!("{arabic} {arabic} {arabic}");
    let title =
        "GitLab Certified Professional Services Engineering Specialist in Continuous Integration";
    for name in [latin, latin_long.trim(), cjk, arabic, arabic_long.as_str()] {
        let mut d = data(cert, name, BadgeStatus::Valid);
        d.certification_name = title.to_owned();
        let svg = og_text(cert, &d);
        let tree = parse_svg(&svg).unwrap();
        for (id, value) in [("og-holder-name", name), ("og-certification-name", title)] {
            let shown = text_of(&svg, id);
            let lines: Vec<&str> = shown.split('\n').collect();
            assert!(lines.len() <= 2, "{lines:?}");
            assert_whole_words(value, &lines);
            let Some(usvg::Node::Text(node)) = tree.node_by_id(id) else {
                panic!("no {id}");
            };
            assert!(node.abs_bounding_box().width() <= 520.5, "{id}: {name}");
        }
    }

    // The badge's holder name, too.
    for name in [latin, latin_long.trim(), arabic, arabic_long.as_str()] {
        for cert in &catalog {
            let svg = filled_svg(&cert.design(), &data(cert, name, BadgeStatus::Valid)).unwrap();
            let shown = text_of(&svg, super::template::HOLDER_NAME_ID);
            let lines: Vec<&str> = shown.split('\n').collect();
            assert!(lines.len() <= 2, "{lines:?}");
            assert_whole_words(name, &lines);
        }
    }

    // A run of letters longer than any name shrinks, down to a readable
    // size, and only then is cut.
    let giant = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessenschafewarenwohlgepflegeundsorgfaltigkeitbeschutzenvonangreifendurchihrraubgierigfeindewelche";
    let svg = og_text(cert, &data(cert, giant, BadgeStatus::Valid));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let holder = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("og-holder-name"))
        .unwrap();
    let size: f64 = holder.attribute("font-size").unwrap().parse().unwrap();
    assert!(size >= 40.0 * 0.3, "{size}");
    let shown = text_of(&svg, "og-holder-name");
    assert!(
        shown.ends_with('\u{2026}') && shown.matches('\u{2026}').count() == 1,
        "{shown}"
    );
}

#[test]
fn the_served_svg_is_outlines_that_look_like_the_text_and_keep_the_credential() {
    let catalog = catalog();
    for cert in &catalog {
        for (holder, status) in [
            ("Ada Lovelace", BadgeStatus::Valid),
            ("<script>&\"' 山田 محمد", revoked("2 Dec 2026")),
        ] {
            let d = data(cert, holder, status);
            let served = badge_svg(&cert.design(), &d).unwrap();
            let doc = roxmltree::Document::parse(&served).unwrap();
            assert!(
                !doc.descendants()
                    .any(|n| n.has_tag_name("text") || n.has_tag_name("tspan")),
                "{}: live text left",
                cert.slug
            );
            let root = doc.root_element();
            assert_eq!(root.attribute("role"), Some("img"));
            assert_eq!(root.attribute("viewBox"), Some("0 0 600 600"));
            assert_eq!(
                text_of(&served, TITLE_ID),
                format!("{}: {holder}", cert.name)
            );
            let desc = text_of(&served, DESC_ID);
            assert!(desc.contains("ISSUED 25 NOV 2026") && desc.contains("SCAN TO VERIFY"));
            // Rendered, the outlines look like the text they replace.
            let live = badge_png(&cert.design(), &d, 600).unwrap();
            let outlined = render_png(&served, 600).unwrap();
            let diff = difference(&live, &outlined, 0..600);
            assert!(diff < 0.5, "{}: {diff}", cert.slug);
            // Baked after outlining, the credential comes back out whole.
            let credential = r#"{"id":"urn:uuid:0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0001"}"#;
            let baked = bake::bake_svg(&served, credential).unwrap();
            match bake::unbake(baked.as_bytes()).unwrap() {
                bake::Baked::Json(json) => assert_eq!(json, credential),
                other => panic!("{other:?}"),
            }
        }
    }
}
