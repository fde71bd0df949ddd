//! The fuzz targets on stable: every committed corpus input and crash
//! input (`tests/fuzz/corpus/<target>`, `tests/fuzz/crashes/<target>`)
//! replayed through the same functions libFuzzer drives. A crash input is
//! the regression test of the bug it found.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::Path;

/// Runs `target` on every file of the target's corpus and crash folders;
/// fails naming each input that panicked. Returns the number of inputs.
fn replay(name: &str, target: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut inputs = Vec::new();
    for dir in ["corpus", "crashes"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
            continue;
        };
        for entry in entries {
            inputs.push(entry.expect("a directory entry").path());
        }
    }
    inputs.sort();
    let failed: Vec<String> = inputs
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).expect("a readable input");
            std::panic::catch_unwind(|| target(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{name}: these inputs panic: {failed:#?}");
    inputs.len()
}

/// Each target has a corpus (so a missing folder cannot pass silently).
fn replay_some(name: &str, target: fn(&[u8])) {
    let n = replay(name, target);
    assert!(n > 0, "{name}: no corpus under tests/fuzz/corpus/{name}");
}

#[test]
fn jsonld_corpus() {
    replay_some("jsonld", targets::jsonld);
}

#[test]
fn verify_corpus() {
    replay_some("verify", targets::verify);
}

#[test]
fn unbake_corpus() {
    replay_some("unbake", targets::unbake);
}

#[test]
fn roster_corpus() {
    replay_some("roster", targets::roster);
}

#[test]
fn bulk_corpus() {
    replay_some("bulk", targets::bulk);
}

#[test]
fn did_web_corpus() {
    replay_some("did_web", targets::did_web);
}

#[test]
fn multipart_corpus() {
    replay_some("multipart", targets::multipart);
}
