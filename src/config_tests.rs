//! Tests of [`crate::config`]: layering, defaults, validation.

use super::*;

#[test]
fn layers_apply_in_order_and_secrets_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "public_url = \"https://file.example\"\nissuer_name = \"From file\"\ngraders = [\"A@x.io\"]\n",
    )
    .unwrap();
    let env: HashMap<String, String> =
        [("ROSETTE_ISSUER_NAME".to_owned(), "From env".to_owned())].into();
    let flags = Overrides {
        database_url: Some("postgres://rosette:s3cret@db.example:5432/rosette".into()),
        ..Default::default()
    };
    let c = Config::load(dir.path(), &env, &flags).unwrap();
    assert_eq!(c.public_url, "https://file.example");
    assert_eq!(c.issuer_name, "From env");
    assert_eq!(c.graders, vec![crate::issuance::Grader::from("a@x.io")]);
    let debug = format!("{c:?}");
    assert!(!debug.contains("s3cret"), "{debug}");
    assert!(
        debug.contains("postgres://rosette:***@db.example:5432/rosette"),
        "{debug}"
    );
    assert_eq!(c.issuer_did().unwrap(), "did:web:file.example");
}

#[test]
fn bad_settings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(CONFIG_FILE), "colour = \"red\"\n").unwrap();
    let e = Config::load(dir.path(), &HashMap::new(), &Overrides::default()).unwrap_err();
    assert!(e.0.contains("unknown field `colour`"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let flags = Overrides {
        database_url: Some("mysql://x".into()),
        ..Default::default()
    };
    let e = Config::load(dir.path(), &HashMap::new(), &flags).unwrap_err();
    assert!(e.0.contains("unknown database URL scheme \"mysql\""), "{e}");
}

#[test]
fn paths_in_the_file_are_relative_to_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let defaults = Config::load(&data, &HashMap::new(), &Overrides::default()).unwrap();
    assert_eq!(
        defaults.database_url,
        format!("sqlite://{}", data.join("rosette.db").display())
    );
    assert_eq!(defaults.badges_dir, None, "the built-in catalog");
    // What init writes keeps the database inside the directory.
    let text = defaults.to_toml();
    assert!(
        text.contains("database_url = \"sqlite://rosette.db\"\n"),
        "{text}"
    );
    assert!(!text.contains(&dir.path().display().to_string()), "{text}");
    std::fs::write(
        data.join(CONFIG_FILE),
        format!(
            "{text}badges_dir = \"catalog\"\ntls_cert = \"tls/cert.pem\"\ntls_key = \"/etc/key.pem\"\n"
        ),
    )
    .unwrap();
    let c = Config::load(&data, &HashMap::new(), &Overrides::default()).unwrap();
    assert_eq!(c.database_url, defaults.database_url);
    assert_eq!(c.badges_dir, Some(data.join("catalog")));
    assert_eq!(c.tls_cert, Some(data.join("tls/cert.pem")));
    assert_eq!(c.tls_key, Some(PathBuf::from("/etc/key.pem")));
    assert_eq!(c.key_file, data.join("keys/issuer.pem"));
    let rewritten = c.to_toml();
    assert!(
        rewritten.contains("badges_dir = \"catalog\"\n"),
        "{rewritten}"
    );

    // Absolute SQLite paths, memory and PostgreSQL URLs are untouched.
    for url in [
        "sqlite:///srv/rosette.db",
        "sqlite::memory:",
        "postgres://rosette@db.internal/rosette",
    ] {
        assert_eq!(resolve_database_url(url, &data), url);
    }
    assert_eq!(
        resolve_database_url("sqlite:copy.db?mode=rwc", Path::new("/d")),
        "sqlite:///d/copy.db?mode=rwc"
    );
}

#[test]
fn trusted_issuers_come_from_file_env_or_flags_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let none = HashMap::new();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(c.trusted_issuers, None, "no list unless configured");
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "trusted_issuers = [\"did:web:badges.example.org\", \" https://uni.example/issuer \", \"did:web:badges.example.org\"]\n",
    )
    .unwrap();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(
        c.trusted_issuers.as_deref(),
        Some(
            &[
                "did:web:badges.example.org".to_owned(),
                "https://uni.example/issuer".to_owned()
            ][..]
        )
    );
    let env: HashMap<String, String> = [(
        "ROSETTE_TRUSTED_ISSUERS".to_owned(),
        "did:key:z6Mk1, did:web:a.example".to_owned(),
    )]
    .into();
    let c = Config::load(dir.path(), &env, &Overrides::default()).unwrap();
    assert_eq!(
        c.trusted_issuers,
        Some(vec![
            "did:key:z6Mk1".to_owned(),
            "did:web:a.example".to_owned()
        ]),
        "the environment wins over the file"
    );
    let flags = Overrides {
        trusted_issuers: Some(Vec::new()),
        ..Default::default()
    };
    let c = Config::load(dir.path(), &env, &flags).unwrap();
    assert_eq!(
        c.trusted_issuers,
        Some(Vec::new()),
        "an empty list is a list"
    );
    for bad in ["badges.example.org", "did:", "1did:web:x", "did:web:a b"] {
        let flags = Overrides {
            trusted_issuers: Some(vec![bad.to_owned()]),
            ..Default::default()
        };
        let e = Config::load(dir.path(), &none, &flags).unwrap_err();
        assert!(
            e.0.contains("trusted_issuers") && e.0.contains("not an issuer id"),
            "{e}"
        );
    }
}

#[test]
fn fetch_allow_loopback_is_off_unless_file_env_or_flag_turn_it_on() {
    let dir = tempfile::tempdir().unwrap();
    let none = HashMap::new();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert!(!c.fetch_allow_loopback);
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "fetch_allow_loopback = true\n",
    )
    .unwrap();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert!(c.fetch_allow_loopback);
    let env: HashMap<String, String> =
        [("ROSETTE_FETCH_ALLOW_LOOPBACK".to_owned(), "0".to_owned())].into();
    let c = Config::load(dir.path(), &env, &Overrides::default()).unwrap();
    assert!(
        !c.fetch_allow_loopback,
        "the environment wins over the file"
    );
    let flags = Overrides {
        fetch_allow_loopback: Some(true),
        ..Default::default()
    };
    assert!(
        Config::load(dir.path(), &env, &flags)
            .unwrap()
            .fetch_allow_loopback
    );
    let bad: HashMap<String, String> =
        [("ROSETTE_FETCH_ALLOW_LOOPBACK".to_owned(), "yes".to_owned())].into();
    let e = Config::load(dir.path(), &bad, &Overrides::default()).unwrap_err();
    assert!(e.0.contains("ROSETTE_FETCH_ALLOW_LOOPBACK"), "{e}");
}

#[test]
fn did_cache_seconds_and_fetch_ca_file_layer_like_the_other_settings() {
    let dir = tempfile::tempdir().unwrap();
    let none = HashMap::new();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!((c.did_cache_seconds, c.fetch_ca_file), (300, None));
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "did_cache_seconds = 60\nfetch_ca_file = \"tls/ca.pem\"\n",
    )
    .unwrap();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(c.did_cache_seconds, 60);
    assert_eq!(c.fetch_ca_file, Some(dir.path().join("tls/ca.pem")));
    let env: HashMap<String, String> = [
        ("ROSETTE_DID_CACHE_SECONDS".to_owned(), "0".to_owned()),
        ("ROSETTE_FETCH_CA_FILE".to_owned(), "/etc/ca.pem".to_owned()),
    ]
    .into();
    let c = Config::load(dir.path(), &env, &Overrides::default()).unwrap();
    assert_eq!(c.did_cache_seconds, 0);
    assert_eq!(c.fetch_ca_file, Some(PathBuf::from("/etc/ca.pem")));
    let bad: HashMap<String, String> =
        [("ROSETTE_DID_CACHE_SECONDS".to_owned(), "soon".to_owned())].into();
    let e = Config::load(dir.path(), &bad, &Overrides::default()).unwrap_err();
    assert!(e.0.contains("ROSETTE_DID_CACHE_SECONDS"), "{e}");
}

#[test]
fn issuer_did_names_the_issuer_by_did_web_or_by_the_keys_did_key() {
    let dir = tempfile::tempdir().unwrap();
    let none = HashMap::new();
    let key = crate::keys::SigningKey::from_bytes(&[0; 32]);
    let did_key = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(c.issuer_did_method, IssuerDidMethod::Web);
    assert_eq!(
        c.issuer_id(&key.verifying_key()).unwrap(),
        "did:web:127.0.0.1%3A8080"
    );
    std::fs::write(dir.path().join(CONFIG_FILE), "issuer_did = \"did:key\"\n").unwrap();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(c.issuer_did_method, IssuerDidMethod::Key);
    assert_eq!(c.issuer_id(&key.verifying_key()).unwrap(), did_key);
    let signer = c.issuer_key(key.clone()).unwrap();
    use crate::keys::CredentialSigner as _;
    assert_eq!(signer.issuer(), did_key);
    assert_eq!(
        signer.verification_method(),
        format!("{did_key}#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
    );
    assert!(c.to_toml().contains("\nissuer_did = \"did:key\"\n"));
    let env: HashMap<String, String> =
        [("ROSETTE_ISSUER_DID".to_owned(), "did:web".to_owned())].into();
    let c = Config::load(dir.path(), &env, &Overrides::default()).unwrap();
    assert_eq!(
        c.issuer_did_method,
        IssuerDidMethod::Web,
        "env wins over the file"
    );
    assert!(
        c.issuer_key(key)
            .unwrap()
            .verification_method()
            .starts_with("did:web:")
    );
    let bad: HashMap<String, String> =
        [("ROSETTE_ISSUER_DID".to_owned(), "did:jwk".to_owned())].into();
    let e = Config::load(dir.path(), &bad, &Overrides::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "configuration: issuer_did \"did:jwk\" is neither \"did:web\" nor \"did:key\""
    );
}

#[test]
fn generic_status_purposes_default_to_both_and_layer_like_the_other_settings() {
    let dir = tempfile::tempdir().unwrap();
    let none = HashMap::new();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(c.generic_status_purposes, ["revocation", "suspension"]);
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "generic_status_purposes = [\"suspension\", \"suspension\"]\n",
    )
    .unwrap();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(c.generic_status_purposes, ["suspension"]);
    let env: HashMap<String, String> = [(
        "ROSETTE_GENERIC_STATUS_PURPOSES".to_owned(),
        "revocation, suspension".to_owned(),
    )]
    .into();
    let c = Config::load(dir.path(), &env, &Overrides::default()).unwrap();
    assert_eq!(c.generic_status_purposes, ["revocation", "suspension"]);
    let empty: HashMap<String, String> =
        [("ROSETTE_GENERIC_STATUS_PURPOSES".to_owned(), String::new())].into();
    let c = Config::load(dir.path(), &empty, &Overrides::default()).unwrap();
    assert!(c.generic_status_purposes.is_empty());
    let bad: HashMap<String, String> = [(
        "ROSETTE_GENERIC_STATUS_PURPOSES".to_owned(),
        "revocation,message".to_owned(),
    )]
    .into();
    let e = Config::load(dir.path(), &bad, &Overrides::default()).unwrap_err();
    assert!(e.0.contains("generic_status_purposes"), "{e}");
}

#[test]
fn webhook_and_expiry_settings_default_as_documented_and_layer() {
    let dir = tempfile::tempdir().unwrap();
    let none = HashMap::new();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(c.expiry_warning_days, [60, 30]);
    assert_eq!(
        c.delivery_settings().retry,
        crate::notify::RetryPolicy::default()
    );
    assert_eq!(c.delivery_settings().attempt_timeout.as_secs(), 10);
    assert_eq!(c.webhook_poll_ms, 1000);
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        "expiry_warning_days = [7, 90, 7]\nwebhook_retry_period_secs = 60\n",
    )
    .unwrap();
    let c = Config::load(dir.path(), &none, &Overrides::default()).unwrap();
    assert_eq!(c.expiry_warning_days, [90, 7]);
    assert_eq!(
        c.delivery_settings().retry.give_up_after,
        chrono::Duration::seconds(60)
    );
    let env: HashMap<String, String> = [
        ("ROSETTE_EXPIRY_WARNING_DAYS".to_owned(), String::new()),
        (
            "ROSETTE_WEBHOOK_FIRST_RETRY_MS".to_owned(),
            "250".to_owned(),
        ),
    ]
    .into();
    let c = Config::load(dir.path(), &env, &Overrides::default()).unwrap();
    assert!(c.expiry_warning_days.is_empty());
    assert_eq!(
        c.delivery_settings().retry.first_delay,
        chrono::Duration::milliseconds(250)
    );
    for bad in ["0", "60,x", "2000"] {
        let env: HashMap<String, String> =
            [("ROSETTE_EXPIRY_WARNING_DAYS".to_owned(), bad.to_owned())].into();
        let e = Config::load(dir.path(), &env, &Overrides::default()).unwrap_err();
        assert!(
            e.0.to_lowercase().contains("expiry_warning_days"),
            "{bad}: {e}"
        );
    }
}
