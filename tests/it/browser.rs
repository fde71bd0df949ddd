//! The verification page `/v/{id}` in a real browser: headless Chromium
//! (Debian's `chromium`, installed by `./scripts/test`) driven by
//! `tests/interop/page.mjs` (playwright-core, which downloads no browser).
//!
//! `rosette serve` runs on 127.0.0.1:0 over a fresh data directory; two
//! credentials are issued through the CLI and one revoked. Each page must
//! show its verdict (VALID / REVOKED) on a phone, on a desktop and with
//! JavaScript off, with no console error, failed request or sideways
//! scrolling (page.mjs lists every check). A wrong expected verdict must make
//! page.mjs fail. Screenshots are kept for a person to look at in
//! `<target>/test-output/browser/`: `{valid,revoked}-phone.png` (whole page),
//! `-phone-first-screen.png` (what the phone shows on arrival) and
//! `-desktop.png`.
//!
//! Needs `node`, `tests/interop/node_modules` (`npm ci`) and Chromium
//! (`$ROSETTE_TEST_CHROMIUM`, else `/usr/bin/chromium`). Without them the
//! test prints a loud notice and passes, except when `CI` is set: then it
//! fails.

use crate::interop::node_ready;
use crate::support::{ServerProcess, free_loopback_port, ok, rosette, rosette_with};
use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const INTEROP_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");
const GRADER: &str = "grader@example.com";

#[test]
fn the_verification_page_shows_its_verdict_in_a_headless_browser() {
    let Some(chromium) = browser_ready() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&rosette(&data, &["init", "--grader", GRADER]));
    let valid = issue(
        &data,
        "ada@example.com",
        "Ada Lovelace",
        "gitlab-certified-associate",
    );
    // A long name with non-ASCII letters, for the phone layout.
    let revoked = issue(
        &data,
        "zoe@example.com",
        "Zoë Ångström-Łukasiewicz de la Fuente y Hohenzollern",
        "gitlab-project-management-specialist",
    );
    ok(&rosette(
        &data,
        &["revoke", &revoked, "--reason", "browser test"],
    ));
    let server = ServerProcess::start(&data, &[], &[]);
    let page_url = |id: &str| {
        format!(
            "http://{}/v/{}",
            server.addr,
            id.trim_start_matches("urn:uuid:")
        )
    };

    let out_dir = output_dir();
    let mut failures = Vec::new();
    for (label, id, expect) in [("valid", &valid, "VALID"), ("revoked", &revoked, "REVOKED")] {
        let phone = out_dir.join(format!("{label}-phone.png"));
        let first_screen = out_dir.join(format!("{label}-phone-first-screen.png"));
        let desktop = out_dir.join(format!("{label}-desktop.png"));
        for old in [&phone, &first_screen, &desktop] {
            let _ = std::fs::remove_file(old);
        }
        let url = page_url(id);
        let (out, report) = page(
            &chromium,
            &url,
            expect,
            &phone,
            &[
                "--first-screen-screenshot",
                path_str(&first_screen),
                "--desktop-screenshot",
                path_str(&desktop),
            ],
        );
        eprintln!(
            "browser: {label}: exit {:?}, verdict {} (phone), {} (desktop), {} (no JS); console warnings {}; screenshots {label}-*.png in {}",
            out.status.code(),
            report["views"]["phone"]["verdict"],
            report["views"]["desktop"]["verdict"],
            report["views"]["nojs"]["verdict"],
            report["consoleWarnings"],
            out_dir.display()
        );
        // Checked before the verdict so that the screenshots exist to look
        // at when the page's checks fail.
        assert_png(&phone, 390 * 2);
        assert_png(&first_screen, 390 * 2);
        assert_png(&desktop, 1280);
        if !out.status.success() || report["ok"] != true {
            failures.push(format!(
                "{label} page ({url}, expected {expect}): exit {:?}\n  {}\n  screenshots: {}/{label}-*.png",
                out.status.code(),
                report["problems"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| p.as_str().unwrap_or("?").to_owned())
                    .collect::<Vec<_>>()
                    .join("\n  "),
                out_dir.display()
            ));
        }
    }

    // The check bites: the valid page does not pass for REVOKED.
    let wrong = dir.path().join("wrong-expectation.png");
    let (out, report) = page(&chromium, &page_url(&valid), "REVOKED", &wrong, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "page.mjs must fail when the verdict differs: {}",
        describe(&out)
    );
    assert_eq!(report["ok"], false, "{report}");
    let problems = report["problems"].to_string();
    assert!(
        problems.contains(r#"phone: verdict \"VALID\", expected \"REVOKED\""#)
            && problems.contains(r#"nojs: verdict \"VALID\", expected \"REVOKED\""#),
        "page.mjs must name the wrong verdict: {problems}"
    );

    assert!(
        failures.is_empty(),
        "the verification page failed in the browser:\n{}\nserver warnings and errors:\n{}",
        failures.join("\n"),
        server_problems(&server.stderr())
    );
}

/// The admin console's walk (issue 16) in the browser: `console.mjs`
/// signs in, records both stages, issues, finds, revokes, checks the public
/// page, bulk-issues a CSV with a bad row, and checks CSRF, the grader's
/// rights, sign-out, labels, focus and phone width, with no console error
/// or CSP violation. The screenshots (every page, desktop and phone) go to
/// a temporary folder outside the repository; their paths are printed.
#[test]
fn the_console_walk_passes_in_a_headless_browser() {
    let Some(chromium) = browser_ready() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&rosette(&data, &["init", "--grader", GRADER]));
    let token = |name: &str, scope: &str| {
        ok(&rosette(
            &data,
            &["tokens", "create", "--name", name, "--scope", scope],
        ))
        .trim()
        .to_owned()
    };
    let (admin, grader) = (token("Console Walk", "admin"), token(GRADER, "grader"));
    let envs = [("ROSETTE_RATE_LIMIT_PER_MINUTE", "0")];
    let server = ServerProcess::start(&data, &envs, &[]);
    let today = rosette::clock::Clock::now(&rosette::clock::SystemClock).date_naive();
    let yesterday = today - chrono::Duration::days(1);
    let csv = dir.path().join("rows.csv");
    std::fs::write(
        &csv,
        format!(
            "name,email,certification,written_score,written_date,lab_result,grader,lab_date\n\
             Grace Hopper,grace@example.com,gitlab-certified-associate,88,{yesterday},pass,{GRADER},{today}\n\
             Alan Turing,alan@example.com,gitlab-certified-associate,41,{yesterday},pass,{GRADER},{today}\n\
             Edsger Dijkstra,edsger@example.com,gitlab-certified-associate,95,{yesterday},pass,{GRADER},{today}\n"
        ),
    )
    .unwrap();
    let shots = std::env::temp_dir().join(format!(
        "rosette-console-screenshots-{}",
        std::process::id()
    ));
    let out = Command::new("node")
        .current_dir(INTEROP_DIR)
        .arg("console.mjs")
        .args(["--base", &format!("http://{}", server.addr)])
        .args(["--admin-token", &admin, "--grader-token", &grader])
        .arg("--csv")
        .arg(&csv)
        .arg("--out")
        .arg(&shots)
        .arg("--chromium")
        .arg(&chromium)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run node console.mjs: {e}"));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "console.mjs could not run: {}",
        describe(&out)
    );
    let report: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim())
        .unwrap_or_else(|e| panic!("console.mjs printed no JSON line ({e}): {}", describe(&out)));
    let files: Vec<&str> = report["screenshots"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    eprintln!(
        "console screenshots ({}):\n  {}",
        files.len(),
        files.join("\n  ")
    );
    assert!(
        report["ok"] == true && out.status.success(),
        "the console walk failed:\n  {}\nserver log:\n{}",
        report["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p.as_str().unwrap_or("?").to_owned())
            .collect::<Vec<_>>()
            .join("\n  "),
        server_problems(&server.stderr())
    );
    // Nine pages at two widths, and the grader's lab page.
    assert_eq!(files.len(), 20, "{files:?}");
    for f in &files {
        let phone = f.ends_with("-phone.png");
        assert_png(Path::new(f), if phone { 390 * 2 } else { 1280 });
    }
}

/// The wallet claim page (issue 17) in the browser: `claim.mjs` opens a
/// claim link made by `rosette claims create --json` on a phone, on a
/// desktop and with JavaScript off. The open link shows "Add to your
/// wallet", the QR code and the two wallet links (`#open-lcw` naming the
/// claim's exchange, `#open-openid` an OpenID4VCI offer); a link used by a
/// wallet (`wallet.mjs` redeems it) answers 410 and says so, an unknown one
/// 404, neither offering anything to add. Every look: no console error, no
/// CSP violation, no failed request, no sideways scrolling. Screenshots:
/// `claim-{open,used,unknown}-{phone,desktop}.png` in
/// `<target>/test-output/browser/`. Wrong expectations must make
/// `claim.mjs` fail.
#[test]
fn the_claim_page_offers_the_wallets_in_a_headless_browser() {
    let Some(chromium) = browser_ready() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The claim links hang off the public URL: the server's own address.
    let port = free_loopback_port();
    let base = format!("http://127.0.0.1:{port}");
    let envs = [
        ("ROSETTE_PUBLIC_URL", base.as_str()),
        ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    ok(&rosette_with(&data, &envs, &["init", "--grader", GRADER]));
    let id = issue_with(
        &data,
        &envs,
        "ada@example.com",
        "Ada Lovelace",
        "gitlab-certified-associate",
    );
    let open = create_claim(&data, &envs, &id);
    let used = create_claim(&data, &envs, &id);
    let server = ServerProcess::start_on(&data, &format!("127.0.0.1:{port}"), &envs, &[]);
    let url = |claim: &Value| claim["links"]["claim_url"].as_str().unwrap().to_owned();
    assert!(url(&open).starts_with(&format!("{base}/claim/")), "{open}");
    let redeemed = wallet(&url(&used), HOLDER_SEED);
    assert!(
        redeemed.status.success(),
        "wallet.mjs could not use the claim: {}",
        describe(&redeemed)
    );

    let out_dir = output_dir();
    let exchange = open["links"]["exchange_url"].as_str().unwrap();
    let unknown = format!("{base}/claim/this-link-was-never-made?iuv=1");
    let mut failures = Vec::new();
    let cases: [(&str, String, &str, &[&str]); 3] = [
        (
            "open",
            url(&open),
            "200",
            &[
                "--wallet",
                "--exchange",
                exchange,
                "--text",
                "Add to your wallet",
                "--text",
                "Ada Lovelace",
            ],
        ),
        ("used", url(&used), "410", &["--text", "was already used"]),
        (
            "unknown",
            unknown,
            "404",
            &["--text", "claim link is not known"],
        ),
    ];
    for (label, url, status, extra) in &cases {
        let phone = out_dir.join(format!("claim-{label}-phone.png"));
        let desktop = out_dir.join(format!("claim-{label}-desktop.png"));
        for old in [&phone, &desktop] {
            let _ = std::fs::remove_file(old);
        }
        let mut args = vec![
            "--status",
            status,
            "--desktop-screenshot",
            path_str(&desktop),
        ];
        args.extend_from_slice(extra);
        let (out, report) = claim_page(&chromium, url, &phone, &args);
        eprintln!(
            "browser: claim {label}: exit {:?}, status {} (phone), {} (desktop), {} (no JS); screenshots claim-{label}-*.png in {}",
            out.status.code(),
            report["views"]["phone"]["status"],
            report["views"]["desktop"]["status"],
            report["views"]["nojs"]["status"],
            out_dir.display()
        );
        assert_png(&phone, 390 * 2);
        assert_png(&desktop, 1280);
        if !out.status.success() || report["ok"] != true {
            failures.push(format!(
                "claim page {label} (expected {status}): exit {:?}\n  {}",
                out.status.code(),
                problems_of(&report).join("\n  ")
            ));
        }
    }

    // The checks bite: the open page is not "used", the used one offers no
    // wallet, and a sentence the page does not have is missed.
    let wrong = dir.path().join("wrong.png");
    for (url, args, expected) in [
        (
            url(&open),
            vec!["--status", "410", "--wallet"],
            "main document status 200, expected 410",
        ),
        (
            url(&used),
            vec!["--status", "410", "--wallet"],
            "no visible link #open-lcw",
        ),
        (
            url(&open),
            vec!["--wallet", "--text", "Remove from your wallet"],
            "the page does not say \"Remove from your wallet\"",
        ),
    ] {
        let (out, report) = claim_page(&chromium, &url, &wrong, &args);
        let problems = problems_of(&report).join("\n");
        let bites = out.status.code() == Some(1) && report["ok"] == false;
        assert!(
            bites && problems.contains(expected),
            "claim.mjs {args:?} must fail naming {expected:?}: exit {:?}\n{problems}",
            out.status.code()
        );
    }

    assert!(
        failures.is_empty(),
        "the claim page failed in the browser:\n{}\nserver warnings and errors:\n{}",
        failures.join("\n"),
        server_problems(&server.stderr())
    );
}

// ---------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------

/// The seed of the test holder's did:key (`wallet.mjs --seed`).
pub(crate) const HOLDER_SEED: &str =
    "0101010101010101010101010101010101010101010101010101010101010101";

/// `rosette claims create ID --json` → its JSON (links, tx_code…).
pub(crate) fn create_claim(data: &Path, envs: &[(&str, &str)], id: &str) -> Value {
    let out = ok(&rosette_with(
        data,
        envs,
        &["claims", "create", id, "--json"],
    ));
    let claim: Value = serde_json::from_str(out.trim())
        .unwrap_or_else(|e| panic!("claims create --json printed {out:?}: {e}"));
    assert!(claim["links"]["claim_url"].is_string(), "{claim}");
    claim
}

/// `node wallet.mjs --claim URL --seed SEED`: a Digital Bazaar holder
/// claiming over the VC-API exchange.
pub(crate) fn wallet(claim_url: &str, seed: &str) -> Output {
    Command::new("node")
        .current_dir(INTEROP_DIR)
        .args(["wallet.mjs", "--claim", claim_url, "--seed", seed])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run node wallet.mjs: {e}"))
}

/// `node claim.mjs --url … --screenshot … ARGS…` → (output, its JSON line).
/// Exit 2 (claim.mjs could not check) fails the test here.
fn claim_page(chromium: &Path, url: &str, screenshot: &Path, args: &[&str]) -> (Output, Value) {
    let out = Command::new("node")
        .current_dir(INTEROP_DIR)
        .arg("claim.mjs")
        .args(["--url", url])
        .arg("--chromium")
        .arg(chromium)
        .arg("--screenshot")
        .arg(screenshot)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run node claim.mjs: {e}"));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "claim.mjs could not check the page: {}",
        describe(&out)
    );
    let report: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim())
        .unwrap_or_else(|e| panic!("claim.mjs printed no JSON line ({e}): {}", describe(&out)));
    (out, report)
}

fn problems_of(report: &Value) -> Vec<String> {
    report["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| p.as_str().unwrap_or("?").to_owned())
        .collect()
}

/// Records written and lab results for a new candidate and issues; the id.
fn issue(data: &Path, email: &str, name: &str, certification: &str) -> String {
    issue_with(data, &[], email, name, certification)
}

/// [`issue`] with `envs` added to each command's environment.
pub(crate) fn issue_with(
    data: &Path,
    envs: &[(&str, &str)],
    email: &str,
    name: &str,
    certification: &str,
) -> String {
    ok(&rosette_with(
        data,
        envs,
        &[
            "assess",
            "written",
            "--email",
            email,
            "--name",
            name,
            "--certification",
            certification,
            "--score",
            "91",
            "--date",
            "2026-11-20",
        ],
    ));
    ok(&rosette_with(
        data,
        envs,
        &[
            "assess",
            "lab",
            "--email",
            email,
            "--certification",
            certification,
            "--result",
            "pass",
            "--grader",
            GRADER,
            "--date",
            "2026-11-22",
        ],
    ));
    let id = ok(&rosette_with(
        data,
        envs,
        &["issue", "--email", email, "--certification", certification],
    ))
    .trim()
    .to_owned();
    assert!(id.starts_with("urn:uuid:"), "{id}");
    id
}

/// `node page.mjs --url … --expect … --screenshot … EXTRA…` → (output, its
/// JSON line). Exit 2 (page.mjs could not check) fails the test here.
fn page(
    chromium: &Path,
    url: &str,
    expect: &str,
    screenshot: &Path,
    extra: &[&str],
) -> (Output, Value) {
    let mut cmd = Command::new("node");
    cmd.current_dir(INTEROP_DIR)
        .arg("page.mjs")
        .args(["--url", url, "--expect", expect])
        .arg("--chromium")
        .arg(chromium)
        .arg("--screenshot")
        .arg(screenshot)
        .args(extra);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run node page.mjs: {e}"));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "page.mjs could not check the page: {}",
        describe(&out)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(line.trim())
        .unwrap_or_else(|e| panic!("page.mjs printed no JSON line ({e}): {}", describe(&out)));
    (out, report)
}

/// The server's log lines other than INFO (the log goes with the temp dir).
fn server_problems(log: &str) -> String {
    let lines: Vec<&str> = log.lines().filter(|l| !l.contains(" INFO ")).collect();
    if lines.is_empty() {
        "(none)".to_owned()
    } else {
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A PNG at least `min_width` pixels wide.
fn assert_png(path: &Path, min_width: u32) {
    let bytes = std::fs::read(path)
        .unwrap_or_else(|e| panic!("screenshot {} missing: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        path.display()
    );
    let img = image::load_from_memory(&bytes)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
    assert!(
        img.width() >= min_width && img.height() > 0,
        "{}: {}x{}",
        path.display(),
        img.width(),
        img.height()
    );
}

/// `<target dir>/test-output/browser/`, created.
fn output_dir() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory");
    let dir = target.join("test-output/browser");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// Node, the harness with playwright-core, and Chromium; the Chromium path.
/// Missing ones fail the test under CI (env `CI` set) and are skipped
/// loudly otherwise.
fn browser_ready() -> Option<PathBuf> {
    if !node_ready() {
        let _ = writeln!(
            std::io::stderr(),
            "!!!!!!!! BROWSER TEST SKIPPED: it needs Node (see above) !!!!!!!!\n"
        );
        return None;
    }
    chromium_ready()
}

/// Chromium (`$ROSETTE_TEST_CHROMIUM`, else `/usr/bin/chromium`) and the
/// harness's playwright-core. Same rule as `node_ready()`.
fn chromium_ready() -> Option<PathBuf> {
    let chromium = std::env::var_os("ROSETTE_TEST_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let problem = if !Path::new(INTEROP_DIR)
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        Some(format!(
            "{INTEROP_DIR}/node_modules/playwright-core is missing (run `npm ci` in tests/interop)"
        ))
    } else if !chromium.is_file() {
        Some(format!(
            "Chromium is not at {} (run ./scripts/test, or `apt-get install chromium`, or set ROSETTE_TEST_CHROMIUM)",
            chromium.display()
        ))
    } else {
        match Command::new(&chromium)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
        {
            Err(e) => Some(format!("{} cannot be run: {e}", chromium.display())),
            Ok(out) if !out.status.success() => Some(format!(
                "`{} --version` failed: {}",
                chromium.display(),
                describe(&out)
            )),
            Ok(_) => None,
        }
    };
    match problem {
        None => Some(chromium),
        Some(p) if std::env::var_os("CI").is_some() => {
            panic!("the browser test cannot run in CI: {p}")
        }
        Some(p) => {
            // Written to the stderr handle directly: unlike eprintln!, this
            // is not swallowed by the test harness's output capture.
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!!!!! BROWSER TEST SKIPPED: {p} !!!!!!!!\n"
            );
            None
        }
    }
}
