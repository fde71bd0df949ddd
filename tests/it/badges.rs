//! `rosette render` and baked images: a badge carries its credential, and
//! `rosette verify` (and the JavaScript reference, after unbaking) accept it.

use crate::support::{ok, rosette};
use std::path::Path;

/// An initialized data directory with one issued credential; its id.
fn issued(dir: &Path, name: &str) -> (std::path::PathBuf, String) {
    let data = dir.join("data");
    ok(&rosette(
        &data,
        &[
            "init",
            "--public-url",
            "https://certs.example.com",
            "--grader",
            "grader@example.com",
        ],
    ));
    let csv = dir.join("one.csv");
    std::fs::write(
        &csv,
        format!("name,email,certification,written_score,written_date,lab_result,grader,lab_date\n\"{}\",holder@example.com,gitlab-ci-cd-specialist,93,2026-11-20,pass,grader@example.com,2026-11-22\n", name.replace('"', "\"\"")),
    )
    .unwrap();
    ok(&rosette(&data, &["issue", "--csv", csv.to_str().unwrap()]));
    let results = std::fs::read_to_string(csv.with_extension("results.csv")).unwrap();
    let id = results
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .to_owned();
    (data, id)
}

#[test]
fn rendered_badges_carry_a_credential_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (data, id) = issued(dir.path(), "Ada Lovelace");
    for (format, file) in [("png", "badge.png"), ("svg", "badge.svg")] {
        let out = dir.path().join(file);
        ok(&rosette(
            &data,
            &[
                "render",
                &id,
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ],
        ));
        let report: serde_json::Value = serde_json::from_str(&ok(&rosette(
            &data,
            &["verify", "--json", out.to_str().unwrap()],
        )))
        .unwrap();
        assert_eq!(report["verified"], true, "{format}: {report:#}");
        assert_eq!(report["credential"]["holder"], "Ada Lovelace");
    }
    let big = dir.path().join("big.png");
    ok(&rosette(
        &data,
        &[
            "render",
            &id,
            "--format",
            "png",
            "--size",
            "1200",
            "--out",
            big.to_str().unwrap(),
        ],
    ));
    let img = image::load_from_memory(&std::fs::read(&big).unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 1200));
    let og = dir.path().join("og.png");
    ok(&rosette(
        &data,
        &[
            "render",
            &id,
            "--format",
            "og",
            "--out",
            og.to_str().unwrap(),
        ],
    ));
    let img = image::load_from_memory(&std::fs::read(&og).unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 627));

    // Revoked: the badge says so, and the baked credential no longer verifies.
    ok(&rosette(&data, &["revoke", &id, "--reason", "test"]));
    let svg_path = dir.path().join("revoked.svg");
    ok(&rosette(
        &data,
        &[
            "render",
            &id,
            "--format",
            "svg",
            "--out",
            svg_path.to_str().unwrap(),
        ],
    ));
    assert!(
        std::fs::read_to_string(&svg_path)
            .unwrap()
            .contains("REVOKED")
    );
    let out = rosette(&data, &["verify", "--json", svg_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"revoked\""));
}

#[test]
fn render_and_verify_refuse_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let (data, id) = issued(dir.path(), "Bo");
    for (args, needle) in [
        (
            vec![
                "render",
                "urn:uuid:00000000-0000-4000-8000-000000000000",
                "--format",
                "png",
            ],
            "no credential",
        ),
        (
            vec!["render", id.as_str(), "--format", "png", "--size", "601"],
            "not supported",
        ),
        (
            vec!["render", id.as_str(), "--format", "gif"],
            "invalid value",
        ),
    ] {
        let out = rosette(&data, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Images without a credential, corrupt, or hostile: a reason, exit 1, no panic, nothing fetched.
    let mut plain = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut plain, 2, 2);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header()
            .unwrap()
            .write_image_data(&[0u8; 16])
            .unwrap();
    }
    let mut corrupt = plain.clone();
    let n = corrupt.len();
    corrupt[n - 5] ^= 0xff;
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&xxe;</svg>";
    let bare_svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\" height=\"1\"/></svg>";
    for (name, bytes, code) in [
        ("plain.png", plain.clone(), "no_credential"),
        ("corrupt.png", corrupt, "png_corrupt"),
        ("truncated.png", plain[..20].to_vec(), "png_corrupt"),
        ("xxe.svg", xxe.as_bytes().to_vec(), "svg_entities_refused"),
        ("bare.svg", bare_svg.as_bytes().to_vec(), "no_credential"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = rosette(&data, &["verify", "--json", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["checks"][0]["code"], code, "{name}: {report:#}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}

#[test]
fn baked_credentials_verify_in_the_javascript_reference() {
    if !crate::interop::node_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A did:key issuer, so the JS verifier can resolve the key offline.
    let data = dir.path().join("data");
    let key = dir.path().join("k.pem");
    let did = ok(&rosette(
        &data,
        &["keys", "generate", "--out", key.to_str().unwrap()],
    ))
    .trim()
    .to_owned();
    let unsigned = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0abc",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": did, "type": ["Profile"], "name": "GitLab Professional Services" },
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": { "type": ["AchievementSubject"], "id": "did:example:holder",
            "achievement": { "id": "https://certs.example.com/certifications/gitlab-ci-cd-specialist", "type": ["Achievement"],
                "name": "GitLab CI/CD Specialist", "description": "d", "criteria": { "narrative": "n" } } }
    });
    let unsigned_path = dir.path().join("u.json");
    std::fs::write(&unsigned_path, unsigned.to_string()).unwrap();
    let signed = ok(&rosette(
        &data,
        &[
            "sign",
            "--key",
            key.to_str().unwrap(),
            unsigned_path.to_str().unwrap(),
        ],
    ));
    let cert = crate::issuance::catalog();
    let cert = cert.get("gitlab-ci-cd-specialist").unwrap();
    let badge = rosette::render::badge::BadgeData {
        certification_name: cert.name.clone(),
        holder_name: "Ada".into(),
        issued_on: "1 Jan 2026".into(),
        expires_on: None,
        verify_url: "https://certs.example.com/v/0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0abc".into(),
        status: rosette::render::badge::BadgeStatus::Valid,
    };
    let svg = rosette::render::badge::badge_svg(&cert.design(), &badge).unwrap();
    let png = rosette::render::png::render_png(&svg, 600).unwrap();
    for (name, baked) in [
        (
            "baked.png",
            rosette::render::bake::bake_png(&png, &signed).unwrap(),
        ),
        (
            "baked.svg",
            rosette::render::bake::bake_svg(&svg, &signed)
                .unwrap()
                .into_bytes(),
        ),
    ] {
        let rosette::render::bake::Baked::Json(json) =
            rosette::render::bake::unbake(&baked).unwrap()
        else {
            panic!("{name}: expected JSON")
        };
        let extracted = dir.path().join(format!("{name}.json"));
        std::fs::write(&extracted, json).unwrap();
        let out = crate::interop::node("verify.mjs", &[extracted.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The text of the element with `id` in `svg`.
fn text_by_id(svg: &str, id: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .map(|n| {
            n.descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect()
        })
        .unwrap_or_default()
}

/// The QR codes found in a PNG scaled to `width` pixels (triangle filter).
fn qr_codes_at(png: &[u8], width: u32) -> Vec<String> {
    let img = image::load_from_memory(png).unwrap();
    let height = img.height() * width / img.width();
    let small = img
        .resize_exact(width, height, image::imageops::FilterType::Triangle)
        .to_rgba8();
    let luma = image::GrayImage::from_fn(small.width(), small.height(), |x, y| {
        let p = small.get_pixel(x, y);
        let a = u32::from(p[3]);
        let mix = |c: u8| (u32::from(c) * a + 255 * (255 - a)) / 255;
        let y = (mix(p[0]) * 299 + mix(p[1]) * 587 + mix(p[2]) * 114) / 1000;
        image::Luma([u8::try_from(y).unwrap_or(u8::MAX)])
    });
    let mut prepared = rqrr::PreparedImage::prepare(luma);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

#[test]
fn served_badges_are_outlines_that_say_the_status_and_scan_small() {
    let dir = tempfile::tempdir().unwrap();
    let (data, id) = issued(dir.path(), "Ada <Lovelace> & Co");
    let uuid = id.trim_start_matches("urn:uuid:").to_owned();
    let server = crate::support::ServerProcess::start(&data, &[], &[]);
    let client = crate::support::Client::new(server.addr);
    let get = |path: &str| {
        let r = client.get(path).send();
        assert_eq!(r.status, 200, "{path}: {}", r.head);
        r
    };
    let svg_path = format!("/credentials/{uuid}/badge.svg");

    // Valid: outlines only, the words in <title>/<desc>, the credential
    // baked after outlining still verifies.
    let svg = get(&svg_path).text();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(
        !doc.descendants().any(|n| n.has_tag_name("text")),
        "live <text> left"
    );
    assert_eq!(
        text_by_id(&svg, "badge-title"),
        "GitLab CI/CD Specialist: Ada <Lovelace> & Co"
    );
    assert!(text_by_id(&svg, "badge-desc").contains("VALID UNTIL"));
    let report = client
        .post("/api/v1/verify")
        .body("image/svg+xml", svg.as_bytes())
        .send()
        .json();
    assert_eq!(report["verified"], true, "{report:#}");
    let verify_url = format!("https://certs.example.com/v/{uuid}");
    let png = get(&format!("/credentials/{uuid}/badge.png")).body;
    assert_eq!(
        qr_codes_at(&png, 300),
        [verify_url.as_str()],
        "300 px badge"
    );
    let og = get(&format!("/credentials/{uuid}/og.png")).body;
    assert!(
        qr_codes_at(&og, 1200).is_empty(),
        "no QR on the share image"
    );

    // Revoked: the status and its date instead of "VALID UNTIL".
    ok(&rosette(&data, &["revoke", &id, "--reason", "test"]));
    let today = rosette::clock::Clock::now(&rosette::clock::SystemClock)
        .format("%-d %b %Y")
        .to_string()
        .to_uppercase();
    let svg = get(&svg_path).text();
    let desc = text_by_id(&svg, "badge-desc");
    assert!(desc.contains(&format!("REVOKED {today}")), "{desc}");
    assert!(!desc.contains("VALID UNTIL"), "{desc}");
    assert_eq!(
        qr_codes_at(&get(&format!("/credentials/{uuid}/badge.png")).body, 300),
        [verify_url.as_str()]
    );
}
