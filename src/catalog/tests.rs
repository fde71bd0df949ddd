use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use super::template;
use super::*;
use crate::model::{
    AchievementResult, AchievementSubject, CredentialId, OpenBadgeCredential, XsdDateTime,
};

const PUBLIC_URL: &str = "https://badges.example.com";

fn badges_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("badges")
}

fn real_catalog() -> Catalog {
    match Catalog::load(&badges_dir()) {
        Ok(c) => c,
        Err(e) => panic!("badges/ does not load: {e}"),
    }
}

fn issuer() -> Profile {
    let mut p = Profile::new(
        Uri::parse("did:web:badges.example.com").unwrap(),
        "GitLab Professional Services",
    );
    p.url = Some(Uri::parse("https://about.gitlab.com/services/").unwrap());
    p
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn real_catalog_has_the_four_gitlab_certifications() {
    let catalog = real_catalog();
    let slugs: Vec<&str> = catalog.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "gitlab-certified-associate",
            "gitlab-ci-cd-specialist",
            "gitlab-innersourcing-specialist",
            "gitlab-project-management-specialist",
        ]
    );
    assert_eq!(catalog.len(), 4);
    assert!(!catalog.is_empty());
    assert!(catalog.get("gitlab-ci-cd-specialist").is_some());
    assert!(catalog.get("gitlab").is_none());
    assert_eq!((&catalog).into_iter().count(), 4);

    let codes: Vec<Option<&str>> = catalog.iter().map(|c| c.human_code.as_deref()).collect();
    assert_eq!(
        codes,
        [Some("GL-CA"), Some("GL-CICD"), Some("GL-IS"), Some("GL-PM")]
    );
    for c in &catalog {
        assert_eq!(c.achievement_type, AchievementType::Certification);
        assert_eq!(c.validity_months, 24);
        assert_eq!(c.written.pass_mark, 80.0);
        assert!(c.name.starts_with("GitLab "), "{}", c.name);
        assert_eq!(c.dir, badges_dir().join(c.slug.as_str()));
        assert!(c.lab.rubric.len() >= 5, "{}", c.slug);
        assert!(
            c.criteria_narrative
                .contains("Professional Services engineer")
        );
        assert!(!c.criteria_narrative.ends_with('\n'));
        for placeholder in TEMPLATE_PLACEHOLDERS {
            assert!(c.template.source().contains(placeholder));
        }
        assert!(c.template.source().contains(&c.art.primary), "{}", c.slug);
        assert!(
            c.template
                .source()
                .contains(&format!("emblem: {}", c.art.emblem))
        );
    }
}

#[test]
fn real_templates_are_one_svg_root_with_balanced_tags() {
    for c in &real_catalog() {
        let svg = c.template.source();
        assert_eq!(svg.matches("<svg").count(), 1, "{}", c.slug);
        let doc = roxmltree::Document::parse(svg).unwrap();
        let elements: Vec<_> = doc.descendants().filter(|n| n.is_element()).collect();
        assert_eq!(elements[0].tag_name().name(), "svg");
        assert!(svg.contains(r#"viewBox="0 0 600 600""#));
        // Balanced: every non-self-closing start tag has its end tag.
        let opened = elements.len();
        let self_closing = svg.matches("/>").count();
        assert_eq!(
            opened - self_closing,
            svg.matches("</").count(),
            "{}",
            c.slug
        );
        assert!(!svg.contains("<image") && !svg.contains("http://www.w3.org/1999/xlink"));
        for family in svg.match_indices("font-family=\"") {
            assert!(svg[family.0..].starts_with("font-family=\"Rosette Sans\""));
        }
    }
}

#[test]
fn achievement_json_has_the_expected_ids_and_types() {
    let catalog = real_catalog();
    let c = catalog.get("gitlab-ci-cd-specialist").unwrap();
    // A trailing slash on the public URL is ignored.
    let a = c.achievement("https://badges.example.com/", issuer());
    assert_eq!(
        c.try_achievement("https://badges.example.com/", issuer()),
        Ok(a.clone())
    );
    let v = serde_json::to_value(&a).unwrap();
    let base = "https://badges.example.com/certifications/gitlab-ci-cd-specialist";

    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "achievementType",
            "creator",
            "criteria",
            "description",
            "humanCode",
            "id",
            "image",
            "name",
            "resultDescription",
            "tag",
            "type",
        ]
    );
    assert_eq!(v["id"], json!(base));
    assert_eq!(v["type"], json!(["Achievement"]));
    assert_eq!(v["achievementType"], json!("Certification"));
    assert_eq!(v["name"], json!("GitLab CI/CD Specialist"));
    assert_eq!(v["description"], json!(c.description));
    assert!(
        c.description
            .starts_with("The holder can design, build and operate GitLab CI/CD pipelines")
    );
    assert_eq!(
        v["criteria"],
        json!({ "id": format!("{base}#criteria"), "narrative": c.criteria_narrative })
    );
    assert_eq!(
        v["image"],
        json!({
            "id": format!("{base}/badge.png"),
            "type": "Image",
            "caption": "GitLab CI/CD Specialist badge"
        })
    );
    assert_eq!(
        v["creator"],
        json!({
            "id": "did:web:badges.example.com",
            "type": ["Profile"],
            "name": "GitLab Professional Services",
            "url": "https://about.gitlab.com/services/"
        })
    );
    assert_eq!(v["humanCode"], json!("GL-CICD"));
    assert_eq!(
        v["tag"],
        json!([
            "GitLab",
            "CI/CD",
            "Continuous integration",
            "Continuous delivery",
            "DevOps",
            "Pipelines"
        ])
    );
    assert_eq!(
        v["resultDescription"],
        json!([
            {
                "id": format!("{base}#written"),
                "type": ["ResultDescription"],
                "name": "GitLab CI/CD Specialist written assessment",
                "resultType": "Percent",
                "requiredValue": "80",
                "valueMin": "0",
                "valueMax": "100"
            },
            {
                "id": format!("{base}#lab"),
                "type": ["ResultDescription"],
                "name": "GitLab CI/CD Specialist hands-on lab",
                "resultType": "RubricCriterionLevel",
                "requiredLevel": format!("{base}#lab-pass"),
                "rubricCriterionLevel": [
                    {
                        "id": format!("{base}#lab-fail"),
                        "type": ["RubricCriterionLevel"],
                        "name": "Fail",
                        "description": "At least one rubric criterion is not met."
                    },
                    {
                        "id": format!("{base}#lab-pass"),
                        "type": ["RubricCriterionLevel"],
                        "name": "Pass",
                        "description": "Every rubric criterion is met: Pipeline design; \
                            Runner configuration; Caching and artifacts; Variables and secrets; \
                            Reusable configuration; Environments and deployments."
                    }
                ]
            }
        ])
    );

    assert_eq!(c.achievement_id(PUBLIC_URL), base);
    assert_eq!(c.written_result_id(PUBLIC_URL), format!("{base}#written"));
    assert_eq!(c.lab_result_id(PUBLIC_URL), format!("{base}#lab"));
    assert_eq!(c.lab_pass_level_id(PUBLIC_URL), format!("{base}#lab-pass"));
    assert_eq!(c.lab_fail_level_id(PUBLIC_URL), format!("{base}#lab-fail"));
    assert_eq!(c.image_url(PUBLIC_URL), format!("{base}/badge.png"));
}

/// Every achievement, wrapped in a credential with both results, passes the
/// model's pre-signing checks and JSON-LD safe mode (only defined terms).
#[test]
fn achievements_pass_model_checks_and_json_ld_safe_mode() {
    for c in &real_catalog() {
        let achievement = c.achievement(PUBLIC_URL, issuer());
        let mut subject = AchievementSubject::new(achievement);
        subject.id = Some(Uri::parse("did:example:1").unwrap());
        let mut written =
            AchievementResult::new(Uri::parse(&c.written_result_id(PUBLIC_URL)).unwrap());
        written.value = Some("86".to_owned());
        let mut lab = AchievementResult::new(Uri::parse(&c.lab_result_id(PUBLIC_URL)).unwrap());
        lab.achieved_level = Some(Uri::parse(&c.lab_pass_level_id(PUBLIC_URL)).unwrap());
        subject.result = vec![written, lab];
        let issued = utc("2026-01-01T00:00:00Z");
        let mut credential = OpenBadgeCredential::new(
            CredentialId::parse("urn:uuid:6f1f2a43-3c1e-4c3b-9d5a-1f0e2d3c4b5a").unwrap(),
            issuer(),
            XsdDateTime::from_utc(issued),
            subject,
        );
        credential.valid_until = Some(XsdDateTime::from_utc(c.valid_until(issued)));
        credential.validate_for_signing().unwrap();

        let nquads = crate::jsonld::canonicalize(&credential.to_json_value())
            .unwrap_or_else(|e| panic!("{}: {e}", c.slug));
        let base = c.achievement_id(PUBLIC_URL);
        let ob = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#";
        for expected in [
            format!("<{base}> <{ob}achievementType> \"Certification\" ."),
            // The OB context types requiredLevel as (https!) xsd:anyURI.
            format!(
                "<{base}#lab> <{ob}requiredLevel> \"{base}#lab-pass\"\
                 ^^<https://www.w3.org/2001/XMLSchema#anyURI> ."
            ),
            format!("<{base}#lab> <{ob}rubricCriterionLevel> <{base}#lab-pass> ."),
            format!("<{base}#lab> <{ob}resultType> \"RubricCriterionLevel\" ."),
            format!("<{base}#written> <{ob}requiredValue> \"80\" ."),
            format!("<{base}#lab-pass> <https://schema.org/name> \"Pass\" ."),
        ] {
            assert!(
                nquads.contains(&expected),
                "{}: no {expected}\n{nquads}",
                c.slug
            );
        }
    }
}

#[test]
fn a_bad_public_url_is_an_error_or_a_visible_placeholder() {
    let catalog = real_catalog();
    let c = catalog.get("gitlab-certified-associate").unwrap();
    for bad in [
        "badges.example.com",
        "https://x.example/?a=1",
        "https://x.example/#top",
        "https://x.example/a b",
        "",
    ] {
        assert!(check_public_url(bad).is_err(), "{bad:?}");
        assert!(c.try_achievement(bad, issuer()).is_err(), "{bad:?}");
        let fallback = c.achievement(bad, issuer());
        assert_eq!(
            fallback.id.as_str(),
            "urn:x-rosette:invalid-public-url/certifications/gitlab-certified-associate"
        );
        assert_eq!(fallback.result_description.len(), 2);
    }
    assert_eq!(check_public_url("https://badges.example.com/"), Ok(()));

    let mut creator = issuer();
    creator.name = "Tab\there".to_owned();
    assert!(matches!(
        c.try_achievement(PUBLIC_URL, creator),
        Err(ModelError::UnsignableText { field, .. }) if field == "/creator/name"
    ));
}

#[test]
fn valid_until_adds_calendar_months_clamped_to_the_month_end() {
    let catalog = real_catalog();
    let mut c = catalog.get("gitlab-certified-associate").unwrap().clone();
    assert_eq!(
        c.valid_until(utc("2026-01-31T00:00:00Z")),
        utc("2028-01-31T00:00:00Z")
    );
    assert_eq!(
        c.valid_until(utc("2026-03-15T09:30:15.987654Z")),
        utc("2028-03-15T09:30:15Z"),
        "sub-seconds are dropped, the time of day is kept"
    );
    c.validity_months = 12;
    assert_eq!(
        c.valid_until(utc("2024-02-29T00:00:00Z")),
        utc("2025-02-28T00:00:00Z")
    );
    c.validity_months = 1;
    assert_eq!(
        c.valid_until(utc("2026-01-31T23:59:59Z")),
        utc("2026-02-28T23:59:59Z")
    );
    c.validity_months = 120;
    assert_eq!(
        c.valid_until(Utc.with_ymd_and_hms(2028, 2, 29, 12, 0, 0).unwrap()),
        utc("2038-02-28T12:00:00Z")
    );
    assert_eq!(
        c.valid_until(DateTime::<Utc>::MAX_UTC),
        DateTime::<Utc>::MAX_UTC.trunc_subsecs(0)
    );
}

#[test]
fn written_pass_mark_helpers() {
    let catalog = real_catalog();
    let c = catalog.get("gitlab-innersourcing-specialist").unwrap();
    assert!(c.written.is_pass(80.0));
    assert!(c.written.is_pass(100.0));
    assert!(!c.written.is_pass(79.99));
    assert!(!c.written.is_pass(f64::NAN));
    assert_eq!(c.pass_mark_string(), "80");
    assert_eq!(format_percent(82.5), "82.5");
    assert_eq!(format_percent(-0.0), "0");
    assert_eq!(format_percent(100.0), "100");
}

// ---------------------------------------------------------------------------
// Broken catalogs.

const GOOD_TOML: &str = r##"name = "Example Certified"
human_code = "EX-1"
description = "Certifies examples."
criteria = """
1. Score at least 75% on the written assessment.
2. Pass the lab: **Alpha** and **Beta**.
"""

[written]
name = "Example written assessment"
pass_mark = 75

[lab]
name = "Example lab"
description = "Do the example."

[[lab.rubric]]
id = "alpha"
name = "Alpha"
description = "Does alpha."

[[lab.rubric]]
id = "beta"
name = "Beta"
description = "Does beta."

[art]
primary = "#112233"
secondary = "#AABBCC"
emblem = "star"
"##;

const GOOD_SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" width="600" height="600">
  <!-- {{comments}} are not checked -->
  <defs><linearGradient id="g"><stop offset="0" stop-color="#112233"/></linearGradient></defs>
  <title>{{certification_name}}: {{holder_name}}</title>
  <circle cx="300" cy="300" r="200" fill="url(#g)"/>
  <text x="300" y="300" font-family="Rosette Sans" text-anchor="middle">{{certification_name}}</text>
  <text x="300" y="340" style="font-family: 'Rosette Sans'; font-size: 12px">{{holder_name}} &amp; co &#169;</text>
  <text x='300' y='380'>{{issued_on}} to {{expires_on}}</text>
  <g transform="translate(254 466)">{{qr}}</g>
  <![CDATA[ <not a tag> ]]>
</svg>
"##;

fn write_cert(root: &Path, folder: &str, toml: &str, svg: Option<&str>) {
    let dir = root.join(folder);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(ACHIEVEMENT_FILE), toml).unwrap();
    if let Some(svg) = svg {
        fs::write(dir.join(TEMPLATE_FILE), svg).unwrap();
    }
}

fn load_err(root: &Path) -> CatalogError {
    match Catalog::load(root) {
        Ok(c) => panic!(
            "expected an error, loaded {:?}",
            c.iter().map(|c| &c.slug).collect::<Vec<_>>()
        ),
        Err(e) => e,
    }
}

#[test]
fn minimal_catalog_loads_with_defaults_and_ignores_other_entries() {
    let root = tempfile::tempdir().unwrap();
    write_cert(root.path(), "example", GOOD_TOML, Some(GOOD_SVG));
    fs::create_dir_all(root.path().join("fonts")).unwrap();
    fs::write(root.path().join("fonts/RosetteSans.ttf"), b"not a font").unwrap();
    fs::create_dir_all(root.path().join(".git")).unwrap();
    fs::write(root.path().join("README.md"), "# badges").unwrap();
    let catalog = Catalog::load(root.path()).unwrap();
    assert_eq!(catalog.len(), 1);
    let c = catalog.get("example").unwrap();
    assert_eq!(c.achievement_type, AchievementType::Certification);
    assert_eq!(c.validity_months, DEFAULT_VALIDITY_MONTHS);
    assert_eq!(c.written.pass_mark, 75.0);
    assert_eq!(c.written.question_count, None);
    assert!(c.tags.is_empty());
    assert_eq!(
        c.criteria_narrative,
        "1. Score at least 75% on the written assessment.\n2. Pass the lab: **Alpha** and **Beta**."
    );
    assert_eq!(c.art.secondary, "#AABBCC");
    assert_eq!(c.template.source(), GOOD_SVG);

    let empty = tempfile::tempdir().unwrap();
    assert!(Catalog::load(empty.path()).unwrap().is_empty());
}

#[test]
fn broken_catalogs_name_the_file_and_the_field() {
    struct Case {
        what: &'static str,
        folder: &'static str,
        toml: String,
        svg: Option<String>,
        file: &'static str,
        field: &'static str,
        message: &'static str,
    }
    let good = || GOOD_TOML.to_owned();
    let with = |from: &str, to: &str| {
        assert!(GOOD_TOML.contains(from), "{from}");
        GOOD_TOML.replacen(from, to, 1)
    };
    let case = |what, toml: String, field, message| Case {
        what,
        folder: "ex",
        toml,
        svg: Some(GOOD_SVG.to_owned()),
        file: "ex/achievement.toml",
        field,
        message,
    };
    let svg_case = |what, svg: Option<String>, message| Case {
        what,
        folder: "ex",
        toml: good(),
        svg,
        file: "ex/template.svg",
        field: "template",
        message,
    };
    let svg_with = |from: &str, to: &str| {
        assert!(GOOD_SVG.contains(from), "{from}");
        Some(GOOD_SVG.replacen(from, to, 1))
    };

    let cases = vec![
        case(
            "missing name",
            with("name = \"Example Certified\"\n", ""),
            "name",
            "missing field `name`",
        ),
        case(
            "empty name",
            with("\"Example Certified\"", "\"  \""),
            "name",
            "must not be empty",
        ),
        case(
            "newline in name",
            with("\"Example Certified\"", "\"Example\\nCertified\""),
            "name",
            "single line",
        ),
        case(
            "control character",
            with("\"Example Certified\"", "\"Example\\u0007Certified\""),
            "name",
            "U+0007",
        ),
        case(
            "pass mark 120",
            with("pass_mark = 75", "pass_mark = 120"),
            "written.pass_mark",
            "out of range",
        ),
        case(
            "pass mark as text",
            with("pass_mark = 75", "pass_mark = \"75\""),
            "written.pass_mark",
            "invalid type",
        ),
        case(
            "missing written name",
            with("name = \"Example written assessment\"\n", ""),
            "written.name",
            "missing field",
        ),
        case(
            "question count 0",
            with("pass_mark = 75", "pass_mark = 75\nquestion_count = 0"),
            "written.question_count",
            "at least 1",
        ),
        case(
            "unknown top-level key",
            with("human_code", "colour = \"red\"\nhuman_code"),
            "colour",
            "unknown field `colour`",
        ),
        case(
            "unknown art key",
            with("emblem = \"star\"", "emblem = \"star\"\nshape = \"round\""),
            "art.shape",
            "unknown field `shape`",
        ),
        case(
            "unknown rubric key",
            with(
                "description = \"Does beta.\"",
                "description = \"Does beta.\"\nweight = 2",
            ),
            "lab.rubric[1].weight",
            "unknown field `weight`",
        ),
        case(
            "missing rubric description",
            with("description = \"Does beta.\"\n", ""),
            "lab.rubric[1].description",
            "missing field `description`",
        ),
        case(
            "missing art table",
            with(
                "[art]\nprimary = \"#112233\"\nsecondary = \"#AABBCC\"\nemblem = \"star\"\n",
                "",
            ),
            "art",
            "missing field `art`",
        ),
        case(
            "bad colour",
            with("\"#112233\"", "\"#12345\""),
            "art.primary",
            "#rrggbb",
        ),
        case(
            "colour name",
            with("\"#AABBCC\"", "\"teal\""),
            "art.secondary",
            "#rrggbb",
        ),
        case(
            "bad emblem",
            with("\"star\"", "\"Star!\""),
            "art.emblem",
            "a-z",
        ),
        case(
            "duplicate rubric id",
            with("id = \"beta\"", "id = \"alpha\""),
            "lab.rubric[1].id",
            "already the id of lab.rubric[0]",
        ),
        case(
            "rubric id not a slug",
            with("id = \"alpha\"", "id = \"Alpha One\""),
            "lab.rubric[0].id",
            "not a valid criterion id",
        ),
        case(
            "duplicate rubric name",
            with("name = \"Beta\"", "name = \"Alpha\""),
            "lab.rubric[1].name",
            "already the name",
        ),
        case(
            "empty rubric",
            with(
                "[[lab.rubric]]\nid = \"alpha\"\nname = \"Alpha\"\ndescription = \"Does alpha.\"\n\n[[lab.rubric]]\nid = \"beta\"\nname = \"Beta\"\ndescription = \"Does beta.\"\n",
                "rubric = []\n",
            ),
            "lab.rubric",
            "at least one",
        ),
        case(
            "validity 0",
            with("human_code", "validity_months = 0\nhuman_code"),
            "validity_months",
            "1 to 120",
        ),
        case(
            "validity 121",
            with("human_code", "validity_months = 121\nhuman_code"),
            "validity_months",
            "1 to 120",
        ),
        case(
            "unknown achievement type",
            with("human_code", "achievement_type = \"Certified\"\nhuman_code"),
            "achievement_type",
            "not an OB 3.0 achievementType",
        ),
        case(
            "duplicate tag",
            with("human_code", "tags = [\"GitLab\", \"gitlab\"]\nhuman_code"),
            "tags[1]",
            "appears twice",
        ),
        case(
            "narrative without the pass mark",
            with("pass_mark = 75", "pass_mark = 70"),
            "criteria",
            "\"70%\"",
        ),
        case(
            "narrative without a criterion",
            with("name = \"Beta\"", "name = \"Gamma\""),
            "criteria",
            "\"Gamma\" (beta) is missing",
        ),
        case(
            "TOML syntax error",
            with("[art]", "[art"),
            "(toml)",
            "line 27",
        ),
        Case {
            what: "folder name not a slug",
            folder: "Example_Cert",
            file: "Example_Cert",
            field: "slug",
            message: "not a certification slug",
            ..case("", good(), "", "")
        },
        Case {
            what: "missing template",
            svg: None,
            file: "ex/template.svg",
            field: "template",
            message: "missing",
            ..case("", good(), "", "")
        },
        svg_case(
            "placeholder missing",
            svg_with("{{qr}}", ""),
            "missing the placeholder {{qr}}",
        ),
        svg_case(
            "unknown placeholder",
            svg_with("{{qr}}", "{{qr}}{{holdername}}"),
            "unknown placeholder {{holdername}}",
        ),
        svg_case(
            "unbalanced tags",
            svg_with("<g transform", "<g><g transform"),
            "</svg> closes <g>",
        ),
        svg_case(
            "other font",
            svg_with("font-family=\"Rosette Sans\"", "font-family=\"Arial\""),
            "\"Arial\"",
        ),
        svg_case(
            "external reference",
            svg_with("url(#g)", "url(https://x.example/p.svg#g)"),
            "only url(#id)",
        ),
        svg_case(
            "not svg",
            Some("<html>{{qr}}</html>".to_owned()),
            "root element is <html>",
        ),
    ];

    for c in cases {
        let root = tempfile::tempdir().unwrap();
        write_cert(root.path(), c.folder, &c.toml, c.svg.as_deref());
        let err = load_err(root.path());
        assert_eq!(err.file, root.path().join(c.file), "{}: {err}", c.what);
        assert_eq!(err.field, c.field, "{}: {err}", c.what);
        assert!(err.message.contains(c.message), "{}: {err}", c.what);
        let shown = err.to_string();
        assert!(shown.starts_with(&format!(
            "{}: {}: ",
            root.path().join(c.file).display(),
            c.field
        )));
    }
}

#[test]
fn names_and_human_codes_are_unique_across_the_catalog() {
    let root = tempfile::tempdir().unwrap();
    write_cert(root.path(), "ex-a", GOOD_TOML, Some(GOOD_SVG));
    let second = GOOD_TOML.replace("Example Certified", "Example Certified Two");
    write_cert(
        root.path(),
        "ex-b",
        &second.replace("EX-1", "ex-1"),
        Some(GOOD_SVG),
    );
    let err = load_err(root.path());
    assert_eq!(err.file, root.path().join("ex-b/achievement.toml"));
    assert_eq!(err.field, "human_code");
    assert!(
        err.message.contains("already the human_code of ex-a"),
        "{err}"
    );

    write_cert(
        root.path(),
        "ex-b",
        GOOD_TOML.replace("EX-1", "EX-2").as_str(),
        Some(GOOD_SVG),
    );
    let err = load_err(root.path());
    assert_eq!(err.file, root.path().join("ex-b/achievement.toml"));
    assert_eq!(err.field, "name");

    write_cert(
        root.path(),
        "ex-b",
        &second.replace("EX-1", "EX-2"),
        Some(GOOD_SVG),
    );
    assert_eq!(Catalog::load(root.path()).unwrap().len(), 2);
}

#[test]
fn json_definitions_are_refused_not_ignored() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("ex");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("achievement.json"), "{}").unwrap();
    let err = load_err(root.path());
    assert_eq!(err.file, dir.join("achievement.json"));
    assert_eq!(err.field, "(file)");

    let missing = root.path().join("nope");
    let err = Catalog::load(&missing).unwrap_err();
    assert_eq!(err.file, missing);
    assert_eq!(err.field, "(file)");
}

/// [`template::parse`] without the parsed template.
fn check(svg: &str) -> Result<(), String> {
    template::parse(svg).map(drop)
}

#[test]
fn template_scanner_refuses_malformed_xml() {
    for (svg, message) in [
        ("", "no <svg> root"),
        ("<svg viewBox=\"0 0 600 600\">", "<svg> is never closed"),
        (
            "<svg viewBox=\"0 0 600 600\"></svg><svg></svg>",
            "second root",
        ),
        ("<svg viewBox=\"0 0 600 600\"></svg>text", "text outside"),
        ("<!DOCTYPE svg><svg></svg>", "DOCTYPE"),
        ("<svg viewBox=0></svg>", "not quoted"),
        ("<svg a=\"1\" a=\"2\"></svg>", "appears twice"),
        ("<svg a=\"1\"b=\"2\"></svg>", "missing space"),
        ("<svg><g></svg></g>", "</svg> closes <g>"),
        ("<svg></g>", "</g> closes <svg>"),
        ("<svg>&nbsp;</svg>", "unknown entity"),
        ("<svg>a & b</svg>", "entity"),
        ("<svg><!-- open </svg>", "unclosed comment"),
        ("<svg><1a/></svg>", "invalid element name"),
    ] {
        match check(svg) {
            Ok(()) => panic!("{svg:?} was accepted"),
            Err(e) => assert!(e.contains(message), "{svg:?}: {e}"),
        }
    }
}

#[test]
fn template_check_refuses_what_would_not_render_alike() {
    let placeholders = "{{certification_name}}{{holder_name}}{{issued_on}}{{expires_on}}{{qr}}";
    let wrap = |inner: &str| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 600\">{inner}<text>{placeholders}</text></svg>"
        )
    };
    assert_eq!(check(&wrap("")), Ok(()));
    for (inner, message) in [
        (
            "<image href=\"https://x.example/a.png\"/>",
            "<image> is not allowed",
        ),
        ("<script>alert(1)</script>", "<script> is not allowed"),
        (
            "<style>@import url(https://x.example/f.css);</style>",
            "<style> is not allowed",
        ),
        (
            "<use href=\"other.svg#a\"/>",
            "only references inside the file",
        ),
        (
            "<use xmlns:xlink=\"http://www.w3.org/1999/xlink\" xlink:href=\"https://x.example/#a\"/>",
            "only references inside the file",
        ),
        ("<rect onclick=\"x()\"/>", "event handler"),
        ("<text style=\"font-family: Arial\">a</text>", "\"Arial\""),
        ("<!-- {{holder}} in a comment is fine -->", ""),
    ] {
        let result = check(&wrap(inner));
        if message.is_empty() {
            assert_eq!(result, Ok(()), "{inner}");
        } else {
            let e = result.unwrap_err();
            assert!(e.contains(message), "{inner}: {e}");
        }
    }
    let wrong_box = wrap("").replace("0 0 600 600", "0 0 300 300");
    assert!(check(&wrong_box).unwrap_err().contains("viewBox"));
    let only_in_comment = wrap("")
        .replace("{{qr}}", "")
        .replace("</svg>", "<!-- {{qr}} --></svg>");
    assert!(check(&only_in_comment).unwrap_err().contains("{{qr}}"));
}
