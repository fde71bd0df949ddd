//! `rosette serve` on 127.0.0.1:0: first start initializes; the public read routes.

use crate::support::Client;
use std::path::Path;
use std::process::Command;

#[test]
fn serve_initializes_on_first_start_and_serves_the_public_read_routes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let badges = Path::new(env!("CARGO_MANIFEST_DIR")).join("badges");
    // The batch below fetches this server's own credential URL (loopback).
    let server = crate::support::ServerProcess::start(
        &data,
        &[
            ("ROSETTE_GRADERS", "grader@example.com"),
            ("ROSETTE_FETCH_ALLOW_LOOPBACK", "true"),
        ],
        &[],
    );
    let client = Client::new(server.addr);
    let get = |path: &str, accept: &str| client.get(path).header("Accept", accept).send();
    let post = |path: &str, content_type: &str, body: &[u8]| {
        client.post(path).body(content_type, body).send()
    };
    assert!(
        data.join("keys/issuer.pem").exists(),
        "first start initializes the data directory"
    );

    assert_eq!(get("/healthz", "*/*").body, b"ok");
    assert_eq!(get("/readyz", "*/*").body, b"ready");
    let r = get("/.well-known/did.json", "*/*");
    assert_eq!(r.header("content-type"), Some("application/did+json"));
    let did: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
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

    let r = get(&format!("/credentials/{uuid}"), "application/vc");
    assert_eq!(r.status, 200, "{}", r.head);
    assert_eq!(r.header("content-type"), Some("application/vc"));
    let doc: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(doc["id"], id.as_str());
    let r = get(
        &format!("/credentials/{uuid}"),
        "text/html,application/xhtml+xml",
    );
    assert_eq!(r.status, 303, "{}", r.head);
    assert_eq!(r.header("location"), Some(format!("/v/{uuid}").as_str()));
    let r = get(&format!("/credentials/{uuid}/badge.png"), "image/png");
    assert_eq!(r.header("content-type"), Some("image/png"));
    let png = r.body;
    let rosette::render::bake::Baked::Json(baked) = rosette::render::bake::unbake(&png).unwrap()
    else {
        panic!("JSON expected")
    };
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&baked).unwrap(),
        doc
    );
    let svg = get(&format!("/credentials/{uuid}/badge.svg"), "image/svg+xml");
    assert!(svg.text().contains("openbadges:credential"));
    let og = get(&format!("/credentials/{uuid}/og.png"), "image/png");
    let img = image::load_from_memory(&og.body).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 627));
    for path in [
        "/credentials/00000000-0000-4000-8000-000000000000".to_owned(),
        format!("/credentials/{uuid}/badge.gif"),
        "/status/revocation-99".to_owned(),
    ] {
        let r = get(&path, "*/*");
        assert_eq!(r.status, 404, "{path}: {}", r.head);
        assert!(r.text().contains("\"status\":404"), "{path}");
    }
    let r = get("/status/revocation-1", "application/vc");
    assert_eq!(r.header("cache-control"), Some("public, max-age=300"));

    // The verification API: JSON, a baked image, a URL, a batch.
    let report = |b: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&b).unwrap();
    let answer = post(
        "/api/v1/verify",
        "application/json",
        doc.to_string().as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.head);
    let r = report(answer.body);
    assert_eq!(r["verified"], true, "{r:#}");
    assert!(
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "status" && c["state"] == "valid")
    );
    assert_eq!(
        report(post("/api/v1/verify", "image/png", &png).body)["verified"],
        true
    );
    let url = client.url(&format!("/credentials/{uuid}"));
    let batch =
        serde_json::json!({ "credentials": [doc, { "url": url }, url, { "not": "a credential" }] });
    let b = report(
        post(
            "/api/v1/verify",
            "application/json",
            batch.to_string().as_bytes(),
        )
        .body,
    );
    let verdicts: Vec<bool> = b["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verified"] == true)
        .collect();
    assert_eq!(verdicts, [true, true, true, false], "{b:#}");
    let too_many = serde_json::json!({ "credentials": vec![doc.clone(); 101] });
    assert_eq!(
        post(
            "/api/v1/verify",
            "application/json",
            too_many.to_string().as_bytes()
        )
        .status,
        413
    );
    let big = vec![b' '; 1024 * 1024 + 1];
    let r = post("/api/v1/verify", "application/json", &big);
    assert_eq!(r.status, 413, "1 MB limit: {}", r.head);
    let r = post("/api/v1/verify", "application/json", b"{not json");
    assert!(r.status == 400 && r.text().contains("PARSING_ERROR"));
    let r = post("/api/v1/verify", "image/png", b"\x89PNG\r\n\x1a\n garbage");
    assert_eq!(report(r.body)["checks"][0]["code"], "png_corrupt");

    // VC-API: 200 when verified, 422 with the problems when not, 400 when not a request.
    let request =
        serde_json::json!({ "verifiableCredential": doc, "options": { "unknownOption": true } });
    let r = post(
        "/credentials/verify",
        "application/json",
        request.to_string().as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(
        report(r.body)["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "proof")
    );
    let mut tampered = doc.clone();
    tampered["credentialSubject"]["name"] = serde_json::json!("Mallory");
    let r = post(
        "/credentials/verify",
        "application/json",
        serde_json::json!({ "verifiableCredential": tampered })
            .to_string()
            .as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", r.head);
    assert!(r.text().contains("CRYPTOGRAPHIC_SECURITY_ERROR"));
    assert_eq!(
        post(
            "/credentials/verify",
            "application/json",
            b"{\"credential\": {}}"
        )
        .status,
        400
    );

    // The verification page: verdict without JavaScript, strict CSP, everything escaped.
    let r = get(&format!("/v/{uuid}"), "text/html");
    let html = String::from_utf8(r.body.clone()).unwrap();
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(
        r.header("content-security-policy")
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
    let css = get("/assets/rosette.css", "text/css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.text().contains(".verdict"));
    let eve = results
        .lines()
        .nth(2)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .trim_start_matches("urn:uuid:")
        .to_owned();
    let eve_html = String::from_utf8(get(&format!("/v/{eve}"), "text/html").body).unwrap();
    assert!(
        eve_html.contains("&lt;b&gt;Eve &amp; &quot;Co&quot;&lt;/b&gt;"),
        "{eve_html}"
    );
    assert!(!eve_html.contains("<b>Eve"));
    let r = get("/v/00000000-0000-4000-8000-000000000000", "text/html");
    assert!(r.status == 404 && r.text().contains("NOT FOUND"));
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
    let html = get(&format!("/v/{uuid}"), "text/html");
    assert!(html.text().contains("<h1>REVOKED</h1>"));
    let r = report(
        post(
            "/api/v1/verify",
            "application/json",
            doc.to_string().as_bytes(),
        )
        .body,
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

/// `rosette serve` run in `cwd` on `data`; it must fail (the test's TLS
/// files are empty), so its standard error.
fn serve_refused(cwd: &Path, data: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rosette"))
        .current_dir(cwd)
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("ROSETTE_TLS_CERT")
        .env_remove("ROSETTE_TLS_KEY")
        .env_remove("ROSETTE_DATABASE_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn tls_files_are_relative_to_the_current_directory_on_the_command_line_and_to_the_data_directory_in_rosette_toml()
 {
    let dir = tempfile::tempdir().unwrap();
    let (cwd, data) = (dir.path().join("work"), dir.path().join("data"));
    std::fs::create_dir_all(cwd.join("tls")).unwrap();
    std::fs::create_dir_all(data.join("tls")).unwrap();
    // Empty files: found, then refused for holding no certificate, which
    // shows which one was opened.
    for base in [&cwd, &data] {
        std::fs::write(base.join("tls/cert.pem"), "").unwrap();
        std::fs::write(base.join("tls/key.pem"), "").unwrap();
    }
    let flags = ["--tls-cert", "tls/cert.pem", "--tls-key", "tls/key.pem"];
    let err = serve_refused(&cwd, &data, &flags);
    let in_cwd = format!(
        "{}: no CERTIFICATE block",
        cwd.join("tls/cert.pem").display()
    );
    assert!(err.contains(&in_cwd), "{err}");

    let toml = data.join(rosette::config::CONFIG_FILE);
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{text}tls_cert = \"tls/cert.pem\"\ntls_key = \"tls/key.pem\"\n"),
    )
    .unwrap();
    let err = serve_refused(&cwd, &data, &[]);
    let in_data = format!(
        "{}: no CERTIFICATE block",
        data.join("tls/cert.pem").display()
    );
    assert!(err.contains(&in_data), "{err}");
}

#[test]
fn an_unknown_certification_is_answered_with_the_valid_slugs_by_the_cli_and_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = crate::support::ServerProcess::start(&data, &[], &[]);
    let out = crate::support::rosette(
        &data,
        &[
            "issue",
            "--email",
            "ada@example.com",
            "--certification",
            "gitlab-ci",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let valid = "valid: gitlab-certified-associate, gitlab-ci-cd-specialist, \
                 gitlab-innersourcing-specialist, gitlab-project-management-specialist";
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused (unknown_certification): unknown certification \"gitlab-ci\"")
            && err.contains(valid),
        "{err}"
    );

    let token = crate::support::ok(&crate::support::rosette(
        &data,
        &["tokens", "create", "--name", "test", "--scope", "admin"],
    ));
    let body = Client::new(server.addr)
        .post("/api/v1/admin/assessments/written")
        .bearer(Some(token.trim()))
        .json(&serde_json::json!({
            "email": "ada@example.com", "name": "Ada", "certification": "gitlab-ci",
            "attempt": 1, "score": 90, "date": "2026-11-20"
        }))
        .send()
        .expect(422, Some("unknown_certification"));
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(valid), "{body}");
}
