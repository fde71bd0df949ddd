//! A wallet copy (issue 17) with the Digital Bazaar libraries:
//! `tests/interop/wallet.mjs` is the holder's wallet. `rosette serve` runs on
//! 127.0.0.1 with its public URL naming that address; `rosette claims
//! create --json` makes the claim link. The wallet follows the link's
//! VC-API interaction answer to the exchange, answers the DIDAuthentication
//! request with a presentation signed by its did:key (eddsa-rdfc-2022,
//! purpose `authentication`, the request's challenge and domain), and
//! receives the copy. Then `@digitalbazaar/vc` verifies the copy offline
//! with Rosette's compiled-in contexts (`schemas/contexts/`, as listed in
//! `src/contexts.rs`), the server's DID document and its status lists
//! (every bit clear), and a copy re-bound to another holder fails; the
//! holder presents the copy back, signed with a fresh challenge:
//! Digital Bazaar's `verify` and the server's `POST /presentations/verify`
//! accept it, and the server refuses it for another challenge; a replay of
//! the DIDAuthentication gets nothing. The test also checks the copy and
//! `rosette claims list` from the Rust side.
//!
//! Needs `node` and `tests/interop/node_modules` (`npm ci`); without them the
//! test prints a loud notice and passes, except under `CI`.

use crate::browser::{HOLDER_SEED, create_claim, issue_with, wallet};
use crate::interop::node_ready;
use crate::support::{ServerProcess, free_loopback_port, ok, rosette_with};
use serde_json::Value;

#[test]
fn a_wallet_copy_claimed_over_vc_api_verifies_with_digital_bazaar_and_is_presented_back() {
    if !node_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_loopback_port();
    let base = format!("http://127.0.0.1:{port}");
    let envs = [
        ("ROSETTE_PUBLIC_URL", base.as_str()),
        ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    ok(&rosette_with(
        &data,
        &envs,
        &["init", "--grader", "grader@example.com"],
    ));
    let id = issue_with(
        &data,
        &envs,
        "grace@example.com",
        "Grace Hopper",
        "gitlab-certified-associate",
    );
    let claim = create_claim(&data, &envs, &id);
    let server = ServerProcess::start_on(&data, &format!("127.0.0.1:{port}"), &envs, &[]);
    let claim_url = claim["links"]["claim_url"].as_str().unwrap();
    let out = wallet(claim_url, HOLDER_SEED);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "wallet.mjs printed no JSON line ({e}): exit {:?}\n{stdout}\n{}\nserver log:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr),
            server.stderr()
        )
    });
    eprintln!("wallet.mjs: {report}");
    assert!(
        out.status.success() && report["ok"] == true,
        "the wallet copy failed with the Digital Bazaar libraries: exit {:?}\n  {}\nserver log:\n{}",
        out.status.code(),
        report["problems"],
        server.stderr()
    );

    // What the script saw, pinned here too.
    let holder = report["holder"].as_str().unwrap();
    assert!(holder.starts_with("did:key:z6Mk"), "{holder}");
    assert_eq!(report["copy"]["subject"], holder);
    assert_ne!(report["copy"]["id"], Value::String(id.clone()));
    assert_eq!(report["copy"]["jsVerified"], true);
    assert_eq!(report["copy"]["tamperedVerified"], false);
    assert_eq!(
        report["copy"]["status"],
        serde_json::json!({"revocation": false, "suspension": false})
    );
    let contexts = report["copy"]["contexts"].to_string();
    assert!(
        contexts.contains("https://www.w3.org/ns/credentials/v2")
            && contexts.contains("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"),
        "the compiled-in contexts were used: {contexts}"
    );
    assert_eq!(report["domain"], format!("127.0.0.1:{port}"));
    assert_eq!(report["presentation"]["jsVerified"], true);
    assert_eq!(report["presentation"]["serverStatus"], 200);
    assert_eq!(report["presentation"]["serverVerified"], true);
    assert_eq!(report["presentation"]["wrongChallengeStatus"], 422);
    assert_eq!(report["replayStatus"], 410);

    // The issuer's side: the claim is redeemed through VC-API by the holder.
    let list = ok(&rosette_with(&data, &envs, &["claims", "list", &id]));
    let copy_id = report["copy"]["id"].as_str().unwrap();
    assert!(
        list.contains("redeemed") && list.contains(&format!("via vcapi by {holder} as {copy_id}")),
        "{list}"
    );
}
