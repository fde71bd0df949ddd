//! Versioned schema migrations, embedded in the binary, one folder per
//! backend with the same file names (`migrations/sqlite`, `migrations/postgres`).

use super::Backend;

/// One migration: its name (file name without `.sql`) and SQL text.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// File name without extension, e.g. `0001_initial`.
    pub name: &'static str,
    /// The SQL, run in one transaction.
    pub sql: &'static str,
}

macro_rules! migrations {
    ($backend:literal: $($name:literal),* $(,)?) => {
        &[$(Migration { name: $name, sql: include_str!(concat!("../../migrations/", $backend, "/", $name, ".sql")) }),*]
    };
}

/// SQLite migrations, in order.
pub static SQLITE: &[Migration] = migrations!(
    "sqlite": "0001_initial", "0002_status_lists", "0003_api_tokens", "0004_issuer_keys",
    "0005_holder_search", "0006_status_changed_at", "0007_audit_checkpoints",
    "0008_generic_credentials", "0009_webhooks", "0010_console_sessions", "0011_bulk_jobs", "0012_wallet_claims"
);
/// PostgreSQL migrations, in order.
pub static POSTGRES: &[Migration] = migrations!(
    "postgres": "0001_initial", "0002_status_lists", "0003_api_tokens", "0004_issuer_keys",
    "0005_holder_search", "0006_status_changed_at", "0007_audit_checkpoints",
    "0008_generic_credentials", "0009_webhooks", "0010_console_sessions", "0011_bulk_jobs", "0012_wallet_claims"
);

/// The migrations of `backend`.
pub fn for_backend(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migration_names_and_every_file_is_listed() {
        let names = |m: &[Migration]| m.iter().map(|m| m.name).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
        for backend in ["sqlite", "postgres"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(backend);
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .expect("migrations folder")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|f| f.strip_suffix(".sql").map(str::to_owned))
                .collect();
            files.sort();
            assert_eq!(
                files,
                names(SQLITE),
                "{backend}: files on disk must match the embedded list"
            );
        }
    }
}
