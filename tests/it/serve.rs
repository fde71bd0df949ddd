//! `rosette serve` on 127.0.0.1:0: first start initializes; the public read routes.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

fn get(addr: SocketAddr, path: &str, accept: &str) -> (String, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (
        String::from_utf8_lossy(&raw[..split]).into_owned(),
        raw[split + 4..].to_vec(),
    )
}

fn post(addr: SocketAddr, path: &str, content_type: &str, body: &[u8]) -> (String, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (
        String::from_utf8_lossy(&raw[..split]).into_owned(),
        raw[split + 4..].to_vec(),
    )
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}

#[test]
fn serve_initializes_on_first_start_and_serves_the_public_read_routes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let badges = Path::new(env!("CARGO_MANIFEST_DIR")).join("badges");
    let server = crate::support::ServerProcess::start(
        &data,
        &[("ROSETTE_GRADERS", "grader@example.com")],
        &[],
    );
    let addr = server.addr;
    assert!(
        data.join("keys/issuer.pem").exists(),
        "first start initializes the data directory"
    );

    assert_eq!(get(addr, "/healthz", "*/*").1, b"ok");
    assert_eq!(get(addr, "/readyz", "*/*").1, b"ready");
    let (head, body) = get(addr, "/.well-known/did.json", "*/*");
    assert_eq!(header(&head, "content-type"), Some("application/did+json"));
    let did: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(did["id"], "did:web:127.0.0.1%3A8080");
    assert_eq!(
        did["assertionMethod"][0],
        did["verificationMethod"][0]["id"]
    );

    // Issue one credential through the CLI (same data directory).
    let csv = dir.path().join("one.csv");
    std::fs::write(&csv, "name,email,certification,written_score,written_date,lab_result,grader,lab_date\nAda,a@example.com,gitlab-certified-associate,90,2026-11-20,pass,grader@example.com,2026-11-22\n\"<b>Eve & \"\"Co\"\"</b>\",e@example.com,gitlab-ci-cd-specialist,85,2026-11-20,pass,grader@example.com,2026-11-22\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rosette"))
        .arg("--data-dir")
        .arg(&data)
        .args(["issue", "--csv", csv.to_str().unwrap()])
        .env("ROSETTE_BADGES_DIR", &badges)
        .env("ROSETTE_GRADERS", "grader@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = std::fs::read_to_string(csv.with_extension("results.csv")).unwrap();
    let id = results
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .to_owned();
    let uuid = id.trim_start_matches("urn:uuid:");

    let (head, body) = get(addr, &format!("/credentials/{uuid}"), "application/vc");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(header(&head, "content-type"), Some("application/vc"));
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["id"], id.as_str());
    let (head, _) = get(
        addr,
        &format!("/credentials/{uuid}"),
        "text/html,application/xhtml+xml",
    );
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    assert_eq!(
        header(&head, "location"),
        Some(format!("/v/{uuid}").as_str())
    );
    let (head, png) = get(addr, &format!("/credentials/{uuid}/badge.png"), "image/png");
    assert_eq!(header(&head, "content-type"), Some("image/png"));
    let rosette::render::bake::Baked::Json(baked) = rosette::render::bake::unbake(&png).unwrap()
    else {
        panic!("JSON expected")
    };
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&baked).unwrap(),
        doc
    );
    let (_, svg) = get(
        addr,
        &format!("/credentials/{uuid}/badge.svg"),
        "image/svg+xml",
    );
    assert!(String::from_utf8_lossy(&svg).contains("openbadges:credential"));
    let (_, og) = get(addr, &format!("/credentials/{uuid}/og.png"), "image/png");
    let img = image::load_from_memory(&og).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 627));
    for path in [
        "/credentials/00000000-0000-4000-8000-000000000000".to_owned(),
        format!("/credentials/{uuid}/badge.gif"),
        "/status/revocation-99".to_owned(),
    ] {
        let (head, body) = get(addr, &path, "*/*");
        assert!(head.starts_with("HTTP/1.1 404"), "{path}: {head}");
        assert!(
            String::from_utf8_lossy(&body).contains("\"status\":404"),
            "{path}"
        );
    }
    let (head, _) = get(addr, "/status/revocation-1", "application/vc");
    assert_eq!(header(&head, "cache-control"), Some("public, max-age=300"));

    // The verification API: JSON, a baked image, a URL, a batch.
    let report = |b: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&b).unwrap();
    let (head, body) = post(
        addr,
        "/api/v1/verify",
        "application/json",
        doc.to_string().as_bytes(),
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let r = report(body);
    assert_eq!(r["verified"], true, "{r:#}");
    assert!(
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "status" && c["state"] == "valid")
    );
    assert_eq!(
        report(post(addr, "/api/v1/verify", "image/png", &png).1)["verified"],
        true
    );
    let url = format!("http://{addr}/credentials/{uuid}");
    let batch =
        serde_json::json!({ "credentials": [doc, { "url": url }, url, { "not": "a credential" }] });
    let b = report(
        post(
            addr,
            "/api/v1/verify",
            "application/json",
            batch.to_string().as_bytes(),
        )
        .1,
    );
    let verdicts: Vec<bool> = b["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verified"] == true)
        .collect();
    assert_eq!(verdicts, [true, true, true, false], "{b:#}");
    let too_many = serde_json::json!({ "credentials": vec![doc.clone(); 101] });
    assert!(
        post(
            addr,
            "/api/v1/verify",
            "application/json",
            too_many.to_string().as_bytes()
        )
        .0
        .starts_with("HTTP/1.1 413")
    );
    let big = vec![b' '; 1024 * 1024 + 1];
    let (head, _) = post(addr, "/api/v1/verify", "application/json", &big);
    assert!(head.starts_with("HTTP/1.1 413"), "1 MB limit: {head}");
    let (head, body) = post(addr, "/api/v1/verify", "application/json", b"{not json");
    assert!(
        head.starts_with("HTTP/1.1 400")
            && String::from_utf8_lossy(&body).contains("PARSING_ERROR")
    );
    let (_, body) = post(
        addr,
        "/api/v1/verify",
        "image/png",
        b"\x89PNG\r\n\x1a\n garbage",
    );
    assert_eq!(report(body)["checks"][0]["code"], "png_corrupt");

    // VC-API: 200 when verified, 422 with the problems when not, 400 when not a request.
    let request =
        serde_json::json!({ "verifiableCredential": doc, "options": { "unknownOption": true } });
    let (head, body) = post(
        addr,
        "/credentials/verify",
        "application/json",
        request.to_string().as_bytes(),
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        report(body)["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "proof")
    );
    let mut tampered = doc.clone();
    tampered["credentialSubject"]["name"] = serde_json::json!("Mallory");
    let (head, body) = post(
        addr,
        "/credentials/verify",
        "application/json",
        serde_json::json!({ "verifiableCredential": tampered })
            .to_string()
            .as_bytes(),
    );
    assert!(head.starts_with("HTTP/1.1 422"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("CRYPTOGRAPHIC_SECURITY_ERROR"));
    assert!(
        post(
            addr,
            "/credentials/verify",
            "application/json",
            b"{\"credential\": {}}"
        )
        .0
        .starts_with("HTTP/1.1 400")
    );

    // The verification page: verdict without JavaScript, strict CSP, everything escaped.
    let (head, html) = get(addr, &format!("/v/{uuid}"), "text/html");
    let html = String::from_utf8(html).unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        header(&head, "content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(
        html.contains("<h1>VALID</h1>")
            && html.contains("Ada")
            && html.contains("GitLab Certified Associate"),
        "{html}"
    );
    assert!(html.contains("og:image") && html.contains(&format!("/credentials/{uuid}/og.png")));
    assert!(html.contains("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"));
    assert!(
        !html.contains("<script") && !html.contains("style="),
        "no inline script or style"
    );
    let (head, css) = get(addr, "/assets/rosette.css", "text/css");
    assert_eq!(
        header(&head, "content-type"),
        Some("text/css; charset=utf-8")
    );
    assert!(String::from_utf8_lossy(&css).contains(".verdict"));
    let eve = results
        .lines()
        .nth(2)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .trim_start_matches("urn:uuid:")
        .to_owned();
    let (_, eve_html) = get(addr, &format!("/v/{eve}"), "text/html");
    let eve_html = String::from_utf8(eve_html).unwrap();
    assert!(
        eve_html.contains("&lt;b&gt;Eve &amp; &quot;Co&quot;&lt;/b&gt;"),
        "{eve_html}"
    );
    assert!(!eve_html.contains("<b>Eve"));
    let (head, html) = get(addr, "/v/00000000-0000-4000-8000-000000000000", "text/html");
    assert!(
        head.starts_with("HTTP/1.1 404") && String::from_utf8_lossy(&html).contains("NOT FOUND")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_rosette"))
        .arg("--data-dir")
        .arg(&data)
        .args(["revoke", &id, "--reason", "test"])
        .env("ROSETTE_BADGES_DIR", &badges)
        .output()
        .unwrap();
    assert!(out.status.success());
    // Revoked by another process (the CLI): the server reads the list
    // versions again within LIST_VERSIONS_MAX_AGE.
    std::thread::sleep(rosette::issuance::revocation::LIST_VERSIONS_MAX_AGE);
    let (_, html) = get(addr, &format!("/v/{uuid}"), "text/html");
    assert!(String::from_utf8_lossy(&html).contains("<h1>REVOKED</h1>"));
    let r = report(
        post(
            addr,
            "/api/v1/verify",
            "application/json",
            doc.to_string().as_bytes(),
        )
        .1,
    );
    assert_eq!(r["verified"], false);
    assert!(
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "revoked"),
        "{r:#}"
    );

    // Graceful shutdown on SIGTERM.
    let status = server.stop();
    assert!(status.success(), "{status:?}");
}
