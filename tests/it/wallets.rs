//! Holders take their certification into a wallet (issue 17): a test
//! wallet with a did:key holder runs both protocols end to end against
//! `rosette serve` — the VC-API exchange (DIDAuthentication) and
//! OpenID4VCI's pre-authorized code flow — and the negative cases: a reused
//! claim, a wrong challenge, an expired claim, a proof of possession signed
//! by another key, `aud` and `nonce` mismatches, a holder DID that cannot
//! be resolved. The copies name the holder's DID, verify, follow their
//! original's revocation, and a presentation of one signed by the holder
//! verifies at `/presentations/verify`.

use crate::admin_api::Server;
use crate::expiry::issue_at;
use crate::issuance::{catalog, issuer, test_key};
use crate::support::{block_on, ok, rosette, sqlite_url};
use crate::vc_api::public_url;
use base64::Engine as _;
use ed25519_dalek::Signer as _;
use rosette::clock::FixedClock;
use rosette::issuance::Actor;
use rosette::issuance::claims::{ClaimError, MAX_TX_CODE_ATTEMPTS, Protocol};
use rosette::keys::{CredentialSigner as _, IssuerKey, SigningKey};
use rosette::proof::{Unsecured, rdfc};
use rosette::store::{NonceKind, SqlStore};
use serde_json::{Value, json};

const CICD: &str = "gitlab-ci-cd-specialist";
const V2: &str = "https://www.w3.org/ns/credentials/v2";

/// The test wallet: a did:key holder.
struct Wallet {
    key: IssuerKey,
    secret: SigningKey,
}

impl Wallet {
    fn new(seed: u8) -> Wallet {
        let secret = SigningKey::from_bytes(&[seed; 32]);
        Wallet {
            key: IssuerKey::did_key(secret.clone()),
            secret,
        }
    }

    fn did(&self) -> &str {
        self.key.issuer()
    }

    /// A DIDAuthentication presentation (`holder` named as given) signed
    /// with this wallet's key for `challenge` and `domain`, carrying `vcs`.
    fn presentation(&self, holder: &str, challenge: &str, domain: &str, vcs: Vec<Value>) -> Value {
        let mut vp = json!({
            "@context": [V2],
            "type": ["VerifiablePresentation"],
            "holder": holder,
        });
        if !vcs.is_empty() {
            vp["verifiableCredential"] = json!(vcs);
        }
        let map = vp.as_object().unwrap();
        let mut options = serde_json::Map::new();
        for (k, v) in [
            ("type", "DataIntegrityProof"),
            ("cryptosuite", "eddsa-rdfc-2022"),
            ("created", "2026-12-01T00:00:00Z"),
            ("verificationMethod", self.key.verification_method()),
            ("proofPurpose", "authentication"),
            ("challenge", challenge),
            ("domain", domain),
        ] {
            options.insert(k.into(), json!(v));
        }
        let proof = rdfc::create_proof(&Unsecured::new(map), options, &self.key).unwrap();
        let mut signed = map.clone();
        signed.insert("proof".into(), Value::Object(proof));
        Value::Object(signed)
    }

    /// An OpenID4VCI key proof JWT with `header` and `claims`, signed by
    /// `signer` (this wallet's key unless another is given).
    fn proof_jwt(&self, header: &Value, claims: &Value, signer: Option<&SigningKey>) -> String {
        let b64 =
            |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let input = format!("{}.{}", b64(header), b64(claims));
        let sig = signer.unwrap_or(&self.secret).sign(input.as_bytes());
        format!(
            "{input}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sig.to_bytes())
        )
    }

    fn kid_header(&self) -> Value {
        json!({ "typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": self.key.verification_method() })
    }
}

fn now_s() -> i64 {
    use rosette::clock::Clock as _;
    rosette::clock::SystemClock.now().timestamp()
}

/// The path (and query) of a URL under the server's public URL.
fn path_of(url: &str, public: &str) -> String {
    url.strip_prefix(public.trim_end_matches('/'))
        .unwrap_or_else(|| panic!("{url} is not under {public}"))
        .to_owned()
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    serde_urlencoded::to_string(pairs).unwrap().into_bytes()
}

/// Records both stages for `email` and issues the CI/CD certification.
fn certify(server: &Server, admin: &str, grader: &str, email: &str, name: &str) -> String {
    let a = Some(admin);
    server
        .post(
            "/api/v1/admin/assessments/written",
            a,
            &json!({ "email": email, "name": name, "certification": CICD, "score": 88, "date": "2026-11-20" }),
        )
        .expect(201, None);
    server
        .post(
            "/api/v1/admin/assessments/lab",
            Some(grader),
            &json!({ "email": email, "certification": CICD, "result": "pass", "date": "2026-11-22" }),
        )
        .expect(201, None);
    let r = server
        .post(
            "/api/v1/admin/credentials",
            a,
            &json!({ "email": email, "certification": CICD }),
        )
        .expect(201, None);
    r["credential"]["id"].as_str().unwrap().to_owned()
}

fn verdict(server: &Server, credential: &Value) -> String {
    let r = server
        .post("/api/v1/verify", None, &json!({ "credential": credential }))
        .json();
    r["verdict"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn a_test_wallet_claims_holder_bound_copies_over_vc_api_and_openid4vci() {
    let server = Server::start();
    let (admin, _) = server.token("wallet-admin", "admin");
    let (grader, _) = server.token("grader@example.com", "grader");
    let public = public_url(&server);
    let domain = rosette::web::wallet::proof_domain(&public);
    let ada = certify(&server, &admin, &grader, "ada@example.com", "Ada Lovelace");
    let bob = certify(&server, &admin, &grader, "bob@example.com", "Bob Example");

    // --- A claim through the CLI: the links once, as JSON.
    let out = ok(&rosette(
        &server.data,
        &["claims", "create", &ada, "--json"],
    ));
    let created: Value = serde_json::from_str(out.trim()).unwrap();
    let claim_url = created["links"]["claim_url"].as_str().unwrap().to_owned();
    let exchange_url = created["links"]["exchange_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = exchange_url.rsplit('/').next().unwrap().to_owned();
    assert!(claim_url.ends_with("?iuv=1"), "{claim_url}");
    assert!(created["tx_code"].is_null());
    // The message for the holder: the link behind which both protocols wait.
    let notice = created["notice"].as_str().unwrap();
    assert!(
        notice.starts_with("Subject: Add your GitLab CI/CD Specialist"),
        "{notice}"
    );
    for needle in [
        claim_url.as_str(),
        "Hello Ada Lovelace",
        "Learner Credential Wallet",
        "OpenID",
    ] {
        assert!(notice.contains(needle), "{needle}: {notice}");
    }

    // The interaction URL: the protocols to a wallet, a page to a browser.
    let claim_path = path_of(&claim_url, &public);
    let protocols = server
        .client
        .get(&claim_path)
        .header("accept", "application/json")
        .send()
        .expect(200, None);
    assert_eq!(protocols["protocols"]["vcapi"], exchange_url.as_str());
    let offer = protocols["protocols"]["OID4VCI"].as_str().unwrap();
    assert!(
        offer.starts_with("openid-credential-offer://?credential_offer="),
        "{offer}"
    );
    let page = server
        .client
        .get(&claim_path)
        .header("accept", "text/html")
        .send();
    assert_eq!(page.status, 200);
    let html = page.text();
    for needle in [
        "Add to your wallet",
        "Ada Lovelace",
        "id=\"open-lcw\"",
        "id=\"open-openid\"",
        "<svg",
    ] {
        assert!(html.contains(needle), "{needle} missing: {html}");
    }
    assert!(
        page.header("content-security-policy")
            .is_some_and(|c| c.contains("script-src") || c.starts_with("default-src 'none'")),
        "strict CSP"
    );

    // --- VC-API exchange: the request.
    let exchange = path_of(&exchange_url, &public);
    let vpr = server
        .client
        .post(&exchange)
        .json(&json!({}))
        .send()
        .expect(200, None);
    let request = &vpr["verifiablePresentationRequest"];
    assert_eq!(request["query"][0]["type"], "DIDAuthentication");
    assert_eq!(request["domain"], domain.as_str());
    let challenge = request["challenge"].as_str().unwrap().to_owned();
    let holder = Wallet::new(41);

    // A wrong challenge is refused, clearly.
    let wrong = holder.presentation(holder.did(), "not-the-challenge", &domain, vec![]);
    server
        .client
        .post(&exchange)
        .json(&json!({ "verifiablePresentation": wrong }))
        .send()
        .expect(400, Some("challenge_invalid"));
    // A presentation naming a holder whose key did not sign it.
    let other = Wallet::new(42);
    let impostor = other.presentation(holder.did(), &challenge, &domain, vec![]);
    server
        .client
        .post(&exchange)
        .json(&json!({ "verifiablePresentation": impostor }))
        .send()
        .expect(422, Some("presentation_invalid"));
    // A holder DID that cannot be resolved (did:web, no fetcher to reach it).
    let mut unresolvable =
        holder.presentation("did:web:wallet.invalid", &challenge, &domain, vec![]);
    unresolvable["proof"]["verificationMethod"] = json!("did:web:wallet.invalid#key-1");
    let r = server
        .client
        .post(&exchange)
        .json(&json!({ "verifiablePresentation": unresolvable }))
        .send()
        .expect(422, Some("presentation_invalid"));
    assert!(
        r["detail"]
            .as_str()
            .unwrap()
            .contains("could not be checked")
            || r["detail"].as_str().unwrap().contains("resolve"),
        "{r}"
    );

    // The right presentation: the copy, bound to the holder.
    let vp = holder.presentation(holder.did(), &challenge, &domain, vec![]);
    let answer = server
        .client
        .post(&exchange)
        .json(&json!({ "verifiablePresentation": vp }))
        .send()
        .expect(200, None);
    let copy = answer["verifiablePresentation"]["verifiableCredential"][0].clone();
    assert_eq!(copy["credentialSubject"]["id"], holder.did());
    assert_ne!(copy["id"], ada.as_str());
    assert_eq!(copy["credentialStatus"].as_array().unwrap().len(), 2);
    assert_eq!(verdict(&server, &copy), "VALID");
    // A replay: the claim was used.
    server
        .client
        .post(&exchange)
        .json(&json!({ "verifiablePresentation": vp }))
        .send()
        .expect(410, Some("claim_used"));
    server
        .client
        .get(&claim_path)
        .header("accept", "application/json")
        .send()
        .expect(410, Some("claim_used"));
    let used_page = server.client.get(&claim_path).send();
    assert_eq!(used_page.status, 410);
    assert_eq!(used_page.header("cache-control"), Some("no-store"));
    assert!(used_page.text().contains("already used"));

    // A presentation of the copy, signed by the holder, verifies.
    let shown = holder.presentation(holder.did(), "hr-check-1", "hr.example", vec![copy.clone()]);
    let r = server
        .post(
            "/presentations/verify",
            None,
            &json!({ "verifiablePresentation": shown, "options": { "challenge": "hr-check-1", "domain": "hr.example" } }),
        )
        .expect(200, None);
    assert_eq!(r["verified"], true, "{r:#}");

    // --- OpenID4VCI, a claim with a transaction code through the admin API.
    let created = server
        .post(
            &format!("/api/v1/admin/credentials/{bob}/claims"),
            Some(&admin),
            &json!({ "expires_in": "2d", "tx_code": true }),
        )
        .expect(201, None);
    let tx_code = created["tx_code"].as_str().unwrap().to_owned();
    assert_eq!(tx_code.len(), 6);
    let notice = created["notice"].as_str().unwrap();
    assert!(
        notice.contains("transaction code") && !notice.contains(&tx_code),
        "{notice}"
    );
    let offer_uri = created["links"]["credential_offer_uri"].as_str().unwrap();
    let query = offer_uri
        .strip_prefix("openid-credential-offer://?")
        .unwrap();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    let offer: Value = serde_json::from_str(&pairs[0].1).unwrap();
    assert_eq!(offer["credential_issuer"], public.trim_end_matches('/'));
    assert_eq!(offer["credential_configuration_ids"], json!([CICD]));
    let grant = &offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"];
    let code = grant["pre-authorized_code"].as_str().unwrap().to_owned();
    assert_eq!(grant["tx_code"]["input_mode"], "numeric");
    // A claim with a transaction code is for OpenID wallets only: the link
    // alone must not be enough through a VC-API exchange.
    let bob_claim = path_of(created["links"]["claim_url"].as_str().unwrap(), &public);
    let protocols = server
        .client
        .get(&bob_claim)
        .header("accept", "application/json")
        .send()
        .expect(200, None);
    assert!(protocols["protocols"].get("vcapi").is_none(), "{protocols}");
    assert!(protocols["protocols"]["OID4VCI"].is_string());
    let bob_exchange = path_of(created["links"]["exchange_url"].as_str().unwrap(), &public);
    let r = server
        .client
        .post(&bob_exchange)
        .json(&json!({}))
        .send()
        .expect(400, Some("invalid_request"));
    assert!(
        r["detail"].as_str().unwrap().contains("OpenID wallet"),
        "{r}"
    );
    let page = server.client.get(&bob_claim).send().text();
    assert!(
        !page.contains("open-lcw") && page.contains("open-openid"),
        "{page}"
    );

    let meta = server
        .get("/.well-known/openid-credential-issuer", None)
        .expect(200, None);
    let configs = meta["credential_configurations_supported"]
        .as_object()
        .unwrap();
    assert_eq!(configs.len(), 4, "the four certifications");
    let cicd = &configs[CICD];
    assert_eq!(cicd["format"], "ldp_vc");
    assert!(
        cicd["display"][0]["name"]
            .as_str()
            .unwrap()
            .contains("CI/CD")
    );
    assert!(
        cicd["display"][0]["logo"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/badge.png")
    );
    assert!(
        cicd["display"][0]["background_color"]
            .as_str()
            .unwrap()
            .starts_with('#')
    );
    let as_meta = server
        .get("/.well-known/oauth-authorization-server", None)
        .expect(200, None);
    let token_path = path_of(as_meta["token_endpoint"].as_str().unwrap(), &public);
    let credential_path = path_of(meta["credential_endpoint"].as_str().unwrap(), &public);
    let nonce_path = path_of(meta["nonce_endpoint"].as_str().unwrap(), &public);

    let token_call = |pairs: &[(&str, &str)]| {
        server
            .client
            .post(&token_path)
            .body("application/x-www-form-urlencoded", &form(pairs))
            .send()
    };
    let grant_type = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
    let r = token_call(&[("grant_type", grant_type), ("pre-authorized_code", &code)]);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["error"],
        "invalid_request",
        "the transaction code is required"
    );
    let r = token_call(&[
        ("grant_type", grant_type),
        ("pre-authorized_code", &code),
        ("tx_code", "000000x"),
    ]);
    assert_eq!(r.json()["error"], "invalid_grant");
    let r = token_call(&[
        ("grant_type", "authorization_code"),
        ("pre-authorized_code", &code),
    ]);
    assert_eq!(r.json()["error"], "unsupported_grant_type");
    let r = token_call(&[
        ("grant_type", grant_type),
        ("pre-authorized_code", &code),
        ("tx_code", &tx_code),
    ]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("pragma"), Some("no-cache"));
    let token = r.json()["access_token"].as_str().unwrap().to_owned();
    let r = token_call(&[
        ("grant_type", grant_type),
        ("pre-authorized_code", &code),
        ("tx_code", &tx_code),
    ]);
    assert_eq!(
        r.json()["error"],
        "invalid_grant",
        "a code is exchanged once"
    );

    let nonce = || {
        server.client.post(&nonce_path).send().expect(200, None)["c_nonce"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let bob_wallet = Wallet::new(51);
    let credential_call = |token: Option<&str>, jwt: &str| {
        server
            .client
            .post(&credential_path)
            .bearer(token)
            .json(&json!({ "credential_configuration_id": CICD, "proofs": { "jwt": [jwt] } }))
            .send()
    };
    let claims = |aud: &str, nonce: &str| json!({ "aud": aud, "iat": now_s(), "nonce": nonce });
    let aud = public.trim_end_matches('/').to_owned();
    // No token.
    let good = bob_wallet.proof_jwt(&bob_wallet.kid_header(), &claims(&aud, &nonce()), None);
    let r = credential_call(None, &good);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let r = credential_call(Some("not-a-token"), &good);
    assert_eq!(r.status, 401);
    assert!(
        r.header("www-authenticate")
            .is_some_and(|h| h.contains("invalid_token"))
    );
    // Signed by another key than the kid names.
    let other = SigningKey::from_bytes(&[52; 32]);
    let forged = bob_wallet.proof_jwt(
        &bob_wallet.kid_header(),
        &claims(&aud, &nonce()),
        Some(&other),
    );
    let r = credential_call(Some(&token), &forged);
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_proof")),
        "{}",
        r.text()
    );
    // Another audience.
    let jwt = bob_wallet.proof_jwt(
        &bob_wallet.kid_header(),
        &claims("https://elsewhere.example", &nonce()),
        None,
    );
    let r = credential_call(Some(&token), &jwt);
    assert_eq!(r.json()["error"], "invalid_proof", "{}", r.text());
    assert!(
        r.json()["error_description"]
            .as_str()
            .unwrap()
            .contains("aud")
    );
    // A nonce this issuer never gave.
    let jwt = bob_wallet.proof_jwt(
        &bob_wallet.kid_header(),
        &claims(&aud, "made-up-nonce"),
        None,
    );
    assert_eq!(
        credential_call(Some(&token), &jwt).json()["error"],
        "invalid_nonce"
    );
    // No nonce at all, or an `iss` (anonymous access omits it): invalid proofs.
    let no_nonce = json!({ "aud": aud, "iat": now_s() });
    let jwt = bob_wallet.proof_jwt(&bob_wallet.kid_header(), &no_nonce, None);
    assert_eq!(
        credential_call(Some(&token), &jwt).json()["error"],
        "invalid_proof"
    );
    let mut with_iss = claims(&aud, &nonce());
    with_iss["iss"] = json!("some-client");
    let jwt = bob_wallet.proof_jwt(&bob_wallet.kid_header(), &with_iss, None);
    assert_eq!(
        credential_call(Some(&token), &jwt).json()["error"],
        "invalid_proof"
    );
    // Another certification's configuration, and one that does not exist.
    let call_for = |config: &str, jwt: &str| {
        server
            .client
            .post(&credential_path)
            .bearer(Some(&token))
            .json(&json!({ "credential_configuration_id": config, "proofs": { "jwt": [jwt] } }))
            .send()
            .json()["error"]
            .clone()
    };
    let jwt = bob_wallet.proof_jwt(&bob_wallet.kid_header(), &claims(&aud, &nonce()), None);
    assert_eq!(
        call_for("gitlab-certified-associate", &jwt),
        "invalid_credential_request"
    );
    assert_eq!(
        call_for("no-such-thing", &jwt),
        "unknown_credential_configuration"
    );
    // A holder DID that cannot be resolved.
    let header = json!({ "typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": "did:web:wallet.invalid#key-1" });
    let jwt = bob_wallet.proof_jwt(&header, &claims(&aud, &nonce()), None);
    let r = credential_call(Some(&token), &jwt);
    assert_eq!(r.json()["error"], "invalid_proof");
    assert!(
        r.json()["error_description"]
            .as_str()
            .unwrap()
            .contains("could not be resolved"),
        "{}",
        r.text()
    );
    // The right proof: the copy, bound to the wallet's DID.
    let jwt = bob_wallet.proof_jwt(&bob_wallet.kid_header(), &claims(&aud, &nonce()), None);
    let r = credential_call(Some(&token), &jwt);
    assert_eq!(r.status, 200, "{}", r.text());
    let bob_copy = r.json()["credentials"][0]["credential"].clone();
    assert_eq!(bob_copy["credentialSubject"]["id"], bob_wallet.did());
    assert_eq!(verdict(&server, &bob_copy), "VALID");
    // The token was spent with the claim.
    let jwt = bob_wallet.proof_jwt(&bob_wallet.kid_header(), &claims(&aud, &nonce()), None);
    assert_eq!(credential_call(Some(&token), &jwt).status, 401);

    // --- The original's revocation reaches its wallet copy.
    server
        .post(
            &format!("/api/v1/admin/credentials/{ada}/revoke"),
            Some(&admin),
            &json!({ "reason": "exam irregularity" }),
        )
        .expect(200, None);
    assert_eq!(verdict(&server, &copy), "REVOKED");
    assert_eq!(verdict(&server, &bob_copy), "VALID", "only ada's copy");

    // --- Audited, listed, and no secret in the audit log or the server log.
    let audit = server.audit();
    let actions: Vec<&str> = audit.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "claim.create").count(),
        2,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "credential.claim").count(),
        2,
        "{actions:?}"
    );
    let audit_text = serde_json::to_string(&audit).unwrap();
    let log = server.log();
    for s in [&secret, &code, &token, &tx_code] {
        assert!(
            !audit_text.contains(s.as_str()),
            "a secret in the audit log"
        );
        assert!(!log.contains(s.as_str()), "a secret in the server log");
    }
    let listed = server
        .get(
            &format!("/api/v1/admin/credentials/{bob}/claims"),
            Some(&admin),
        )
        .expect(200, None);
    let claim = &listed["claims"][0];
    assert_eq!(claim["state"], "redeemed");
    assert_eq!(claim["redeemed_via"], "oid4vci");
    assert_eq!(claim["holder_did"], bob_wallet.did());
    assert!(claim.get("links").is_none() && claim.get("tx_code").is_none());
    let cli = ok(&rosette(&server.data, &["claims", "list", &ada]));
    assert!(
        cli.contains("redeemed") && cli.contains("via vcapi"),
        "{cli}"
    );
    // A revoked certification cannot be claimed again.
    let out = rosette(&server.data, &["claims", "create", &ada]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("revoked"));
}

#[test]
fn claims_expire_lock_after_wrong_codes_and_yield_one_copy() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::connect(&sqlite_url(dir.path())).await.unwrap();
        let catalog = catalog();
        let key = test_key();
        let id = issue_at(
            &store,
            &catalog,
            &key,
            "2026-12-01T09:00:00Z",
            "cy@example.com",
            CICD,
        )
        .await;
        let admin = Actor::admin("admin@example.com");
        let at = |t: &str| FixedClock::parse(t).unwrap();
        let day1 = at("2026-12-01T10:00:00Z");
        let iss = issuer(&store, &catalog, &key, &day1);
        let new = iss
            .create_claim(&id, chrono::Duration::days(14), false, &admin)
            .await
            .unwrap();
        // Only an admin creates claims.
        let refused = iss
            .create_claim(
                &id,
                chrono::Duration::days(14),
                false,
                &Actor::grader("grader@example.com"),
            )
            .await;
        assert_eq!(refused.unwrap_err().code(), "forbidden");

        // Expired: 14 days and a second later.
        let late = at("2026-12-15T10:00:01Z");
        let expired = issuer(&store, &catalog, &key, &late)
            .open_claim(&new.secret)
            .await;
        assert!(
            matches!(expired, Err(ClaimError::Expired(_))),
            "{expired:?}"
        );
        assert_eq!(expired.unwrap_err().code(), "claim_expired");

        // A challenge expires too, and belongs to its claim only.
        let challenge = iss.claim_challenge(&new.claim).await.unwrap();
        let ten_minutes_on = at("2026-12-01T10:10:01Z");
        let later = issuer(&store, &catalog, &key, &ten_minutes_on);
        let claim = later.open_claim(&new.secret).await.unwrap();
        assert_eq!(
            later
                .check_challenge(&claim, &challenge)
                .await
                .unwrap_err()
                .code(),
            "challenge_invalid"
        );

        // Two redemptions racing: one copy.
        let holder = Wallet::new(61);
        let fresh = iss.claim_challenge(&new.claim).await.unwrap();
        let claim = iss.open_claim(&new.secret).await.unwrap();
        let spend = [(NonceKind::Challenge, fresh.as_str())];
        let (a, b) = tokio::join!(
            iss.redeem_claim(&claim, holder.did(), Protocol::VcApi, &spend),
            iss.redeem_claim(&claim, holder.did(), Protocol::VcApi, &spend),
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{a:?} {b:?}"
        );
        let copy = a.or(b).unwrap();
        assert!(rosette::issuance::claims::is_wallet_copy(&copy));
        assert_eq!(copy.renews.as_deref(), Some(id.as_str()));
        assert_eq!(
            copy.valid_until,
            rosette::store::Store::credential(&store, &id)
                .await
                .unwrap()
                .unwrap()
                .valid_until,
            "a copy keeps the original's validUntil"
        );
        assert!(copy.document.contains(holder.did()));

        // Wrong transaction codes lock a claim.
        let second = iss
            .create_claim(&id, chrono::Duration::days(1), true, &admin)
            .await
            .unwrap();
        // Parallel guesses: an attempt is reserved before each comparison,
        // so no more than the limit are ever compared.
        let guesses = (0..12).map(|_| iss.claim_access_token(&second.secret, Some("999999x")));
        let outcomes = futures_util::future::join_all(guesses).await;
        let codes: Vec<&str> = outcomes
            .iter()
            .map(|r| r.as_ref().unwrap_err().code())
            .collect();
        assert_eq!(
            codes.iter().filter(|c| **c == "tx_code_invalid").count() as i64,
            MAX_TX_CODE_ATTEMPTS,
            "{codes:?}"
        );
        assert!(
            codes
                .iter()
                .all(|c| *c == "tx_code_invalid" || *c == "claim_locked")
        );
        let right = second.tx_code.clone().unwrap();
        assert_eq!(
            iss.claim_access_token(&second.secret, Some(&right))
                .await
                .unwrap_err()
                .code(),
            "claim_locked",
            "even the right code, once locked"
        );
        // A wallet copy is renewed and corrected through its original.
        assert_eq!(
            iss.renew(&copy.id, &admin).await.unwrap_err().code(),
            "invalid_input"
        );
        // Correcting the original revokes its wallet copies with it.
        iss.correct(&id, "Cy Corrected", "typo", &admin)
            .await
            .unwrap();
        let copy_status = iss.credential_status(&copy.id).await.unwrap();
        assert!(copy_status.revoked, "the copy carries the uncorrected name");
        // A wallet copy cannot itself be claimed.
        assert_eq!(
            iss.create_claim(&copy.id, chrono::Duration::days(1), false, &admin)
                .await
                .unwrap_err()
                .code(),
            "invalid_input"
        );
    });
}
