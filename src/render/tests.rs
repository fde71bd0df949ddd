//! Tests of the badge, its PNGs and its share image, against the real
//! certifications of `badges/`.

use std::fs;
use std::path::Path;

use resvg::usvg;

use super::badge::{BadgeData, BadgeDesign, BadgeStatus, STATUS_BANNER_ID, filled_svg};
use super::error::RenderError;
use super::fonts;
use super::og::{OG_HEIGHT, OG_WIDTH, color_or, host_of, og_image};
use super::png::{BADGE_SIZES, parse_svg, render_png};
use super::template::{
    BadgeTemplate, CERTIFICATION_NAME_ID, HOLDER_NAME_ID, Slot, SlotKind, is_upper_lettering,
};
use super::text_fit::{ELLIPSIS, HOLDER_RULES, clean, escape, units};

pub(super) const URL: &str = "https://certs.example.com/v/0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0001";

/// A certification of `badges/` as the renderer sees it, read from its
/// folder (the catalog's loader is not used: `catalog` depends on `render`).
#[derive(Clone)]
pub(super) struct Certification {
    pub(super) slug: String,
    pub(super) name: String,
    human_code: Option<String>,
    primary: String,
    secondary: String,
    template: BadgeTemplate,
}

impl Certification {
    pub(super) fn design(&self) -> BadgeDesign<'_> {
        BadgeDesign {
            template: &self.template,
            name: &self.name,
            human_code: self.human_code.as_deref(),
            primary: &self.primary,
            secondary: &self.secondary,
        }
    }
}

/// The certifications of `badges/`, ordered by slug.
pub(super) struct Catalog(Vec<Certification>);

impl Catalog {
    pub(super) fn get(&self, slug: &str) -> Option<&Certification> {
        self.0.iter().find(|c| c.slug == slug)
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<'a> IntoIterator for &'a Catalog {
    type Item = &'a Certification;
    type IntoIter = std::slice::Iter<'a, Certification>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

pub(super) fn catalog() -> Catalog {
    let badges = Path::new(env!("CARGO_MANIFEST_DIR")).join("badges");
    let mut certifications = Vec::new();
    for entry in fs::read_dir(&badges).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(toml) = fs::read_to_string(dir.join("achievement.toml")) else {
            continue;
        };
        let toml: toml::Table = toml.parse().unwrap();
        let text = |v: &toml::Value| v.as_str().unwrap().trim().to_owned();
        let svg = fs::read_to_string(dir.join("template.svg")).unwrap();
        certifications.push(Certification {
            slug: dir.file_name().unwrap().to_str().unwrap().to_owned(),
            name: text(&toml["name"]),
            human_code: toml.get("human_code").map(text),
            primary: text(&toml["art"]["primary"]),
            secondary: text(&toml["art"]["secondary"]),
            template: BadgeTemplate::parse(&svg).unwrap(),
        });
    }
    certifications.sort_by(|a, b| a.slug.cmp(&b.slug));
    Catalog(certifications)
}

pub(super) fn data(cert: &Certification, holder: &str, status: BadgeStatus) -> BadgeData {
    BadgeData {
        certification_name: cert.name.clone(),
        holder_name: holder.to_owned(),
        issued_on: "25 Nov 2026".to_owned(),
        expires_on: Some("25 Nov 2028".to_owned()),
        verify_url: URL.to_owned(),
        status,
    }
}

fn long_name() -> String {
    "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt de la Cruz y Montenegro "
        .repeat(3)
        .chars()
        .take(200)
        .collect()
}

/// The decoded QR codes found in a PNG (composited over white, to luma).
pub(super) fn decode_qr(png: &[u8]) -> Vec<String> {
    let rgba = image::load_from_memory(png).unwrap().to_rgba8();
    let over_white = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y);
        let a = u32::from(p[3]);
        let mix = |c: u8| ((u32::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    });
    let luma = image::DynamicImage::ImageRgb8(over_white).to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(luma);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}

fn png_size(png: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().unwrap();
    (reader.info().width, reader.info().height)
}

/// The holder name's text node in the laid-out badge.
fn holder_node(tree: &usvg::Tree) -> &usvg::Text {
    match tree.node_by_id(HOLDER_NAME_ID) {
        Some(usvg::Node::Text(text)) => text,
        other => panic!("no holder text node: {other:?}"),
    }
}

fn holder_slot(cert: &Certification) -> Slot {
    cert.template
        .prepared
        .slots
        .iter()
        .find(|s| s.kind == SlotKind::Holder)
        .cloned()
        .unwrap()
}

/// The text content of the element with `id` in `svg`.
pub(super) fn text_of(svg: &str, id: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let node = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap();
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn golden_svgs_match_byte_for_byte() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let cases = [
        (
            "badge-gitlab-ci-cd-specialist.svg",
            data(cert, "Ada Lovelace", BadgeStatus::Valid),
        ),
        (
            "badge-gitlab-ci-cd-specialist-revoked-two-lines.svg",
            data(
                cert,
                "Bartholomew Montgomery-Fitzgerald",
                BadgeStatus::Revoked {
                    since: Some("2 Dec 2026".to_owned()),
                },
            ),
        ),
    ];
    let update = std::env::var("ROSETTE_UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    for (file, data) in cases {
        let svg = filled_svg(&cert.design(), &data).unwrap();
        assert_eq!(
            filled_svg(&cert.design(), &data).unwrap(),
            svg,
            "deterministic"
        );
        let path = golden.join(file);
        if update {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &svg).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run with ROSETTE_UPDATE_GOLDEN=1 to create it",
                path.display()
            )
        });
        assert!(
            svg == expected,
            "{file} differs from the golden file; if the change is intended, rerun with \
             ROSETTE_UPDATE_GOLDEN=1 and review the diff"
        );
    }
}

#[test]
fn qr_code_decodes_from_600_and_1200_pngs() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-certified-associate").unwrap();
    let d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
    let svg = filled_svg(&cert.design(), &d).unwrap();
    for size in BADGE_SIZES {
        let png = render_png(&svg, size).unwrap();
        assert_eq!(decode_qr(&png), [URL], "{size} px");
    }
    // Still scannable under a status banner.
    let revoked = data(cert, "Ada Lovelace", BadgeStatus::Revoked { since: None });
    let png = render_png(&filled_svg(&cert.design(), &revoked).unwrap(), 600).unwrap();
    assert_eq!(decode_qr(&png), [URL], "revoked");
}

#[test]
fn hostile_holder_names_are_escaped_and_stay_in_the_name_area() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
    let slot = holder_slot(cert);
    let (left, top, right, bottom) = slot.area();
    assert_eq!((left, right), (140.0, 460.0));
    let long = long_name();
    let names = [
        "<script>&\"'",
        "Robert'); DROP TABLE",
        "محمد عبد الله",
        "דוד בן-גוריון",
        "山田太郎",
        "🎓👩\u{200D}💻",
        long.as_str(),
        "Zoe\u{0308} Cafe\u{0301} Nguye\u{0302}\u{0303}n",
        "Bartholomew Montgomery-Fitzgerald",
        "山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎山田太郎",
        "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessenschafewarenwohlgepflegeundsorgfaltigkeitbeschutzenvonangreifendurchihrraubgierigfeindewelche",
        "Wolfeschlegelsteinhausenbergerdorff",
        "\u{0301}\u{202E}evil\u{0000} \t name\u{FFFF}",
        "]]><!-- --> </text></svg>",
    ];
    for name in names {
        let svg = filled_svg(&cert.design(), &data(cert, name, BadgeStatus::Valid)).unwrap();
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!svg.contains("<script"), "{name}");
        assert!(
            !svg.contains("\u{202E}") && !svg.contains('\u{0}'),
            "{name}"
        );
        let tree = parse_svg(&svg).unwrap();
        let text = holder_node(&tree);
        let bbox = text.abs_bounding_box();
        let inside = f64::from(bbox.left()) >= left - 0.01
            && f64::from(bbox.right()) <= right + 0.01
            && f64::from(bbox.top()) >= top - 0.01
            && f64::from(bbox.bottom()) <= bottom + 0.01;
        assert!(inside, "{name}: {bbox:?} not inside {:?}", slot.area());
        render_png(&svg, 600).unwrap();
    }
}

#[test]
fn user_text_is_escaped_everywhere_it_appears() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
    let mut d = data(cert, "<script>&\"'", BadgeStatus::Valid);
    d.issued_on = "<b>1 Jan</b>".to_owned();
    d.expires_on = Some("\"2 Jan\" & 'x'".to_owned());
    let svg = filled_svg(&cert.design(), &d).unwrap();
    assert!(svg.contains("&lt;script&gt;&amp;&quot;&apos;"));
    assert!(svg.contains("ISSUED &lt;B&gt;1 JAN&lt;/B&gt;"));
    assert!(svg.contains("VALID UNTIL &quot;2 JAN&quot; &amp; &apos;X&apos;"));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
    assert_eq!(title.text(), Some("GitLab CI/CD Specialist: <script>&\"'"));
    assert_eq!(text_of(&svg, HOLDER_NAME_ID), "<script>&\"'");
}

/// Every text node of a laid-out tree with its text.
fn texts(tree: &usvg::Tree) -> Vec<(String, usvg::Rect)> {
    fn walk(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect)>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => walk(g, out),
                usvg::Node::Text(t) => {
                    let text = t.chunks().iter().map(|c| c.text()).collect::<String>();
                    out.push((text, t.abs_bounding_box()));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    out
}

#[test]
fn long_dates_shrink_to_their_width() {
    let catalog = catalog();
    for cert in &catalog {
        let mut d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
        d.issued_on = "Wednesday, 25 November 2026 at 14:35 UTC".to_owned();
        d.expires_on = Some("Saturday, 25 November 2028 at 14:35 UTC".to_owned());
        let svg = filled_svg(&cert.design(), &d).unwrap();
        let tree = parse_svg(&svg).unwrap();
        let all = texts(&tree);
        for (prefix, width) in [("ISSUED WEDNESDAY", 240.0), ("VALID UNTIL SATURDAY", 212.0)] {
            let (_, bbox) = all.iter().find(|(t, _)| t.starts_with(prefix)).unwrap();
            assert!(
                f64::from(bbox.width()) <= width + 0.01,
                "{prefix}: {bbox:?}"
            );
            assert!((f64::from(bbox.left()) - (300.0 - width / 2.0)) > -0.01);
        }
        // Short dates keep the template's size.
        let svg = filled_svg(&cert.design(), &data(cert, "Ada", BadgeStatus::Valid)).unwrap();
        assert!(svg.contains(
            r#"data-fit-width="240" font-size="12" letter-spacing="1.5">ISSUED 25 NOV 2026</text>"#
        ));
    }
}

#[test]
fn long_names_wrap_then_end_in_an_ellipsis() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-certified-associate").unwrap();
    let svg = filled_svg(
        &cert.design(),
        &data(cert, &long_name(), BadgeStatus::Valid),
    )
    .unwrap();
    let lines = text_of(&svg, HOLDER_NAME_ID);
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].ends_with(ELLIPSIS), "{lines:?}");
    assert!(lines[0].starts_with("Maximiliana Alexandrina"));

    let svg = filled_svg(
        &cert.design(),
        &data(
            cert,
            "Bartholomew Montgomery-Fitzgerald",
            BadgeStatus::Valid,
        ),
    )
    .unwrap();
    assert_eq!(
        text_of(&svg, HOLDER_NAME_ID),
        "Bartholomew\nMontgomery-Fitzgerald"
    );

    // One long word: a smaller single line rather than a cut word.
    let svg = filled_svg(
        &cert.design(),
        &data(
            cert,
            "Wolfeschlegelsteinhausenbergerdorff",
            BadgeStatus::Valid,
        ),
    )
    .unwrap();
    assert_eq!(
        text_of(&svg, HOLDER_NAME_ID),
        "Wolfeschlegelsteinhausenbergerdorff"
    );

    // Short names keep the template's size; longer ones shrink first.
    let short = filled_svg(
        &cert.design(),
        &data(cert, "Ada Lovelace", BadgeStatus::Valid),
    )
    .unwrap();
    assert!(short.contains(r#"id="holder-name" font-size="21">Ada Lovelace</text>"#));
    let svg = filled_svg(
        &cert.design(),
        &data(cert, "Alexandra Konstantinopoulou", BadgeStatus::Valid),
    )
    .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let node = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(HOLDER_NAME_ID))
        .unwrap();
    let size: f64 = node.attribute("font-size").unwrap().parse().unwrap();
    assert!(
        (21.0 * HOLDER_RULES.single_min..21.0).contains(&size),
        "{size}"
    );
    assert_eq!(node.text(), Some("Alexandra Konstantinopoulou"));
}

#[test]
fn rtl_and_cjk_names_are_drawn_with_real_glyphs() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-innersourcing-specialist").unwrap();
    for (name, family) in [
        ("محمد عبد الله", fonts::PRIMARY_FAMILY),
        ("דוד בן-גוריון", fonts::PRIMARY_FAMILY),
        ("山田太郎", fonts::FALLBACK_FAMILY),
        ("やまだ タロウ", fonts::FALLBACK_FAMILY),
        ("김민준 이서연", fonts::HANGUL_FAMILY),
    ] {
        let svg = filled_svg(&cert.design(), &data(cert, name, BadgeStatus::Valid)).unwrap();
        let tree = parse_svg(&svg).unwrap();
        let glyphs: Vec<_> = holder_node(&tree)
            .layouted()
            .iter()
            .flat_map(|span| span.positioned_glyphs.iter())
            .filter(|g| !g.text.trim().is_empty())
            .collect();
        assert!(!glyphs.is_empty(), "{name}");
        for glyph in glyphs {
            assert_ne!(glyph.id.0, 0, "{name}: no glyph for {:?}", glyph.text);
            let face = tree.fontdb().face(glyph.font).unwrap();
            assert_eq!(face.families[0].0, family, "{name}");
        }
    }
    // Arabic is shaped right to left: the first letter is drawn rightmost.
    let svg = filled_svg(&cert.design(), &data(cert, "محمد", BadgeStatus::Valid)).unwrap();
    let tree = parse_svg(&svg).unwrap();
    let glyphs: Vec<_> = holder_node(&tree)
        .layouted()
        .iter()
        .flat_map(|span| span.positioned_glyphs.iter())
        .collect();
    let first = glyphs.iter().find(|g| g.text.starts_with('م')).unwrap();
    let last = glyphs.iter().find(|g| g.text.starts_with('د')).unwrap();
    assert!(first.transform().tx > last.transform().tx);
}

#[test]
fn characters_no_font_has_are_left_out_of_the_drawing_not_the_title() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
    let svg = filled_svg(
        &cert.design(),
        &data(cert, "🎓👩\u{200D}💻 Ada", BadgeStatus::Valid),
    )
    .unwrap();
    assert_eq!(text_of(&svg, HOLDER_NAME_ID), "Ada");
    assert!(svg.contains("GitLab CI/CD Specialist: 🎓👩\u{200D}💻 Ada</title>"));
    // Only emoji: drawn as is rather than nothing.
    let svg = filled_svg(&cert.design(), &data(cert, "🎓", BadgeStatus::Valid)).unwrap();
    assert_eq!(text_of(&svg, HOLDER_NAME_ID), "🎓");
}

#[test]
fn png_sizes_and_unsupported_sizes() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
    let d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
    let svg = filled_svg(&cert.design(), &d).unwrap();
    for size in BADGE_SIZES {
        assert_eq!(png_size(&render_png(&svg, size).unwrap()), (size, size));
    }
    for size in [0, 1, 599, 601, 1199, 1201, 4096, u32::MAX] {
        let err = render_png(&svg, size).unwrap_err();
        assert!(
            matches!(err, RenderError::UnsupportedSize(s) if s == size),
            "{size}"
        );
        assert_eq!(err.code(), "render_unsupported_size");
    }
    assert_eq!(
        png_size(&og_image(&cert.design(), &d).unwrap()),
        (OG_WIDTH, OG_HEIGHT)
    );
    assert_eq!((OG_WIDTH, OG_HEIGHT), (1200, 627));
    assert!(matches!(render_png("<svg", 600), Err(RenderError::Svg(_))));
    assert!(matches!(render_png("", 600), Err(RenderError::Svg(_))));
}

#[test]
fn status_banner_only_when_not_valid() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-project-management-specialist").unwrap();
    let labels = ["REVOKED", "SUSPENDED", "EXPIRED"];
    for status in [
        BadgeStatus::Valid,
        BadgeStatus::Revoked { since: None },
        BadgeStatus::Suspended { since: None },
        BadgeStatus::Expired { on: None },
    ] {
        let svg = filled_svg(&cert.design(), &data(cert, "Ada Lovelace", status.clone())).unwrap();
        roxmltree::Document::parse(&svg).unwrap();
        match status.banner() {
            None => {
                for label in labels {
                    assert!(!svg.contains(label), "{label}");
                }
                assert!(!svg.contains(STATUS_BANNER_ID));
                assert!(!svg.contains("filter="));
            }
            Some(label) => {
                assert_eq!(text_of(&svg, STATUS_BANNER_ID), label);
                for other in labels.iter().filter(|l| **l != label) {
                    assert!(!svg.contains(other), "{other}");
                }
                let tree = parse_svg(&svg).unwrap();
                assert!(tree.node_by_id(STATUS_BANNER_ID).is_some());
            }
        }
    }
}

#[test]
fn all_four_certifications_render() {
    let catalog = catalog();
    assert_eq!(catalog.len(), 4);
    for cert in &catalog {
        let d = data(cert, "Ada Lovelace", BadgeStatus::Valid);
        let svg = filled_svg(&cert.design(), &d).unwrap();
        assert!(!svg.contains("{{"), "{}", cert.slug.as_str());
        assert!(!svg.contains("<!--"), "comments are dropped");
        assert!(!svg.contains(r#"font-family="Rosette Sans""#));
        assert_eq!(text_of(&svg, CERTIFICATION_NAME_ID), cert.name);
        assert_eq!(text_of(&svg, HOLDER_NAME_ID), "Ada Lovelace");
        let tree = parse_svg(&svg).unwrap();
        // The certification name fits its banner.
        let Some(usvg::Node::Text(name)) = tree.node_by_id(CERTIFICATION_NAME_ID) else {
            panic!("no certification name");
        };
        assert!(name.abs_bounding_box().width() <= 420.0 + 0.01);
        let png = render_png(&svg, 600).unwrap();
        assert_eq!(png_size(&png), (600, 600));
    }
}

#[test]
fn no_expiry_date_and_odd_values() {
    let catalog = catalog();
    let cert = catalog.get("gitlab-ci-cd-specialist").unwrap();
    let mut d = data(cert, "", BadgeStatus::Valid);
    d.expires_on = None;
    d.certification_name = String::new();
    let svg = filled_svg(&cert.design(), &d).unwrap();
    assert!(svg.contains("NO EXPIRY DATE"));
    assert!(!svg.contains("VALID UNTIL"));
    assert_eq!(
        text_of(&svg, CERTIFICATION_NAME_ID),
        cert.name,
        "falls back to the catalog"
    );
    render_png(&svg, 600).unwrap();
    og_image(&cert.design(), &d).unwrap();

    let mut d = data(cert, "Ada", BadgeStatus::Valid);
    d.verify_url = "x".repeat(4000);
    let err = filled_svg(&cert.design(), &d).unwrap_err();
    assert!(matches!(err, RenderError::Qr(_)));
    assert_eq!(err.code(), "render_qr");
}

#[test]
fn bad_templates_are_errors_not_panics() {
    let catalog = catalog();
    let mut cert = catalog.get("gitlab-ci-cd-specialist").unwrap().clone();
    let d = data(&cert, "Ada", BadgeStatus::Valid);
    for template in [
        "",
        "<svg",
        "<html/>",
        r#"<svg xmlns="http://www.w3.org/2000/svg"><g id="{{qr}}"/></svg>"#,
    ] {
        let err = BadgeTemplate::parse(template).unwrap_err();
        assert!(matches!(err, RenderError::Template(_)), "{template}: {err}");
        assert_eq!(err.code(), "render_template");
    }
    // A minimal template without fit hints still fills in.
    cert.template = BadgeTemplate::parse(concat!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" width="600" height="600">"#,
        r#"<text x="10" y="20" font-family="Rosette Sans">{{certification_name}} {{holder_name}} "#,
        r#"{{issued_on}} {{expires_on}} {{unknown}}</text><g>{{qr}}</g></svg>"#
    ))
    .unwrap();
    let svg = filled_svg(&cert.design(), &d).unwrap();
    assert!(svg.contains("GitLab CI/CD Specialist Ada 25 Nov 2026 25 Nov 2028 {{unknown}}"));
    assert_eq!(decode_qr(&render_png(&svg, 600).unwrap()), [URL]);
}

#[test]
fn helpers() {
    assert_eq!(clean("  a \t\n b\u{0}c\u{202E} "), "a bc");
    assert_eq!(clean("\u{0301}x \u{0308}y"), "x y");
    assert_eq!(
        units("e\u{0301}a👩\u{200D}💻"),
        ["e\u{0301}", "a", "👩\u{200D}💻"]
    );
    assert_eq!(escape(r#"<&>"'"#), "&lt;&amp;&gt;&quot;&apos;");
    assert_eq!(
        host_of("https://user:pw@certs.example.com:8443/v/1?x#y"),
        "certs.example.com:8443"
    );
    assert_eq!(host_of("certs.example.com/v/1"), "certs.example.com");
    assert_eq!(color_or("#1f75cb", "#000000"), "#1f75cb");
    assert_eq!(color_or("red\"/><script>", "#000000"), "#000000");
    assert!(is_upper_lettering("ISSUED {{issued_on}}"));
    assert!(!is_upper_lettering("Issued {{issued_on}}"));
    assert!(!is_upper_lettering("{{issued_on}}"));
    for e in [
        RenderError::Svg(String::new()),
        RenderError::Png(String::new()),
    ] {
        assert!(e.code().starts_with("render_"));
    }
}
