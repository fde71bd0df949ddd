//! The binary on its own, as a new user runs it: in an empty directory with
//! no repository around it (the catalog is compiled in), and on a data
//! directory that was copied elsewhere (it keeps to its own database).

use crate::support::ok;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GRADER: &str = "grader@example.com";
const CERT: &str = "gitlab-ci-cd-specialist";

/// `rosette args…` in `cwd` with a clean environment: no `ROSETTE_*`
/// variable, HOME and the XDG folders inside `cwd`.
fn command_in(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rosette"));
    command
        .current_dir(cwd)
        .env_clear()
        .env("HOME", cwd.join("home"))
        .env("XDG_CONFIG_HOME", cwd.join("home/.config"))
        .env("XDG_DATA_HOME", cwd.join("home/.local/share"))
        .env("XDG_CACHE_HOME", cwd.join("home/.cache"))
        .env("USER", "tester")
        .args(args)
        .stdin(std::process::Stdio::null());
    command
}

/// [`command_in`], run to its end.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    command_in(cwd, args).output().expect("run rosette")
}

/// A `rosette serve` child, killed when dropped (also when a test fails).
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `rosette serve` on 127.0.0.1:0 from `cwd`; its address, once it serves.
fn serve_in(cwd: &Path) -> (Serving, std::net::SocketAddr) {
    use std::io::BufRead as _;
    let mut serving = Serving(
        command_in(cwd, &["serve", "--listen", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start rosette serve"),
    );
    let stdout = serving.0.stdout.take().expect("piped");
    let line = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("Rosette is serving on http://"))
        .expect("serve stopped before serving");
    let addr = line["Rosette is serving on http://".len()..]
        .split_whitespace()
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (serving, addr)
}

/// Records both stages for `email` (the written one registers the
/// candidate) and issues; the `issue` run's output. `data` has no spaces.
fn assess_and_issue(cwd: &Path, data: &str, email: &str, extra: &[&str]) -> Output {
    let words = |line: String| line.split(' ').map(str::to_owned).collect::<Vec<_>>();
    let stages = [
        format!("assess written --name Ada --score 91 --date 2026-11-20 --email {email}"),
        format!("assess lab --result pass --grader {GRADER} --date 2026-11-22 --email {email}"),
    ];
    for stage in stages {
        let args = words(format!("--data-dir {data} {stage} --certification {CERT}"));
        ok(&run_in(
            cwd,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
    }
    let issue = words(format!(
        "--data-dir {data} issue --email {email} --certification {CERT}"
    ));
    let mut args: Vec<&str> = issue.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    run_in(cwd, &args)
}

#[test]
fn a_binary_in_an_empty_directory_issues_and_verifies_a_credential() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    assert_eq!(std::fs::read_dir(cwd).unwrap().count(), 0);
    assert!(!cwd.join("badges").exists() && !cwd.join("../badges").exists());

    // As the README says: init (./data, with a grader), both stages, issue.
    let init = ok(&run_in(cwd, &["init", "--grader", GRADER]));
    assert!(
        init.contains("4 certification(s)") && init.contains(CERT),
        "{init}"
    );
    let out = assess_and_issue(cwd, "data", "ada@example.com", &["--out", "ada.json"]);
    let id = ok(&out).trim().to_owned();
    assert!(id.starts_with("urn:uuid:"), "{id}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let uuid = id.trim_start_matches("urn:uuid:");
    assert!(
        stderr.contains(&format!(
            "verification page: http://127.0.0.1:8080/v/{uuid}"
        )),
        "{stderr}"
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cwd.join("ada.json")).unwrap()).unwrap();
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(
        doc["credentialSubject"]["achievement"]["id"],
        format!("http://127.0.0.1:8080/certifications/{CERT}")
    );

    let verified = ok(&run_in(cwd, &["verify", "ada.json"]));
    assert!(verified.starts_with("VALID"), "{verified}");

    // `serve` from the same directory: the page and the verification API.
    let (_serving, addr) = serve_in(cwd);
    let client = crate::support::Client::new(addr);
    let page = client.get(&format!("/v/{uuid}")).send();
    assert!(
        page.status == 200 && page.text().contains("VALID"),
        "{}",
        page.head
    );
    let report = client.post("/api/v1/verify").json(&doc).send().json();
    assert_eq!(report["verdict"], "VALID", "{report}");
    assert!(
        !cwd.join("badges").exists(),
        "nothing was looked up or made"
    );
}

#[test]
fn a_copied_data_directory_keeps_to_its_own_database() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original");
    let original_arg = original.to_str().unwrap();
    ok(&run_in(
        dir.path(),
        &["--data-dir", original_arg, "init", "--grader", GRADER],
    ));
    let toml = std::fs::read_to_string(original.join("rosette.toml")).unwrap();
    assert!(
        toml.contains("database_url = \"sqlite://rosette.db\"\n"),
        "{toml}"
    );

    let copy = dir.path().join("copy");
    copy_dir(&original, &copy);
    let copy_arg = copy.to_str().unwrap();
    ok(&assess_and_issue(
        dir.path(),
        copy_arg,
        "ada@example.com",
        &[],
    ));

    let list = |data: &str| {
        ok(&run_in(
            dir.path(),
            &["--data-dir", data, "credentials", "list", "--json"],
        ))
    };
    assert_eq!(
        list(copy_arg).lines().count(),
        1,
        "the copy has its credential"
    );
    assert_eq!(list(original_arg), "", "the original database is unchanged");
}

#[test]
fn badges_dir_resolves_against_the_data_directory_and_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    // A catalog of one certification in <data>/catalog, named relatively.
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("badges")
        .join(CERT);
    copy_dir(&source, &data.join("catalog").join(CERT));
    let init = ok(&run_in(
        &elsewhere,
        &["--data-dir", data_arg, "init", "--badges-dir", "catalog"],
    ));
    assert!(
        init.contains("1 certification(s): gitlab-ci-cd-specialist"),
        "{init}"
    );
    let toml = std::fs::read_to_string(data.join("rosette.toml")).unwrap();
    assert!(toml.contains("badges_dir = \"catalog\"\n"), "{toml}");

    std::fs::rename(data.join("catalog"), data.join("moved")).unwrap();
    let out = run_in(&elsewhere, &["--data-dir", data_arg, "credentials", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "badges_dir {} is not a folder",
            data.join("catalog").display()
        )),
        "{err}"
    );
}

fn copy_dir(from: &Path, to: &PathBuf) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
