//! Rosette issues verifiable certification credentials (Open Badges 3.0 on the
//! W3C Verifiable Credentials Data Model 2.0, secured with Data Integrity
//! `eddsa-rdfc-2022` or `eddsa-jcs-2022`) and verifies them.
//!
//! # Layout
//!
//! Dependencies point one way: `cli` → `web` → `issuance`/`verification`
//! → `proof`, `status`, `render`, `keys`, `model` → `clock`; `store` is
//! reached through its traits (only `cli` and tests name `SqlStore`). The
//! pure core (`model`, `contexts`, `jsonld`, `keys`, `proof`, `status`,
//! `render`, `verification`) opens no socket or file, reads no environment
//! variable or clock: callers pass those in (`fetch` is the effectful
//! status-list source, `store` the database).
//!
//! | module | owns |
//! |---|---|
//! | [`clock`] | the notion of "now" ([`clock::Clock`], system and fixed clocks) |
//! | [`model`] | Open Badges 3.0 / VC 2.0 types, newtypes, date forms, structural checks |
//! | [`contexts`] | the JSON-LD contexts compiled in, checked by SHA-256; unknown URLs are errors |
//! | [`jsonld`] | JSON-LD to RDF in safe mode: a fast path over pre-processed contexts and the general path (oxjsonld) it is tested against |
//! | [`keys`] | Ed25519 keys, Multikey, did:key, did:web documents, the key resolver trait, the rotation history |
//! | [`proof`] | Data Integrity proofs: `eddsa-rdfc-2022`, `eddsa-jcs-2022`, proof sets and chains |
//! | [`verification`] | the verification pipeline and its report (checks, states, reason codes) |
//! | [`catalog`] | the certifications in `badges/`, loaded and validated |
//! | [`issuance`] | use cases: candidates, assessments, issue, renew, correct, bulk CSV import, revoke/suspend/reinstate, admin tokens, the issuer's key history, VC-API issuance |
//! | [`config`] | layered settings (defaults < rosette.toml < `ROSETTE_*` env < flags), secrets redacted |
//! | [`status`] | Bitstring Status List: bit order, GZIP + multibase, list credentials, the random index permutation |
//! | [`future`] | [`future::BoxFuture`], the return type of the object-safe async traits |
//! | [`fetch`] | the bounded HTTP client for third-party status lists (https only, no private targets, size and time caps) |
//! | [`render`] | badge SVG from the certification's template, QR code, PNG via resvg with bundled fonts, Open Graph image, baking/unbaking (OB 3.0 §5.3) |
//! | [`web`] | HTTP of `rosette serve`: the accept loop (TLS, timeouts), layers (logs, metrics, security headers, CORS, rate limits), the verification page, the verification API and VC-API, the admin API with its bearer-token extractor, did.json from the key ring, OpenAPI and `/docs` |
//! | [`telemetry`] | structured logs (text or JSON) and the Prometheus metrics registry |
//! | [`audit`] | the audit log's hash chain (pure: hashing and checking) |
//! | [`store`] | storage traits and the SQL store (SQLite by default, PostgreSQL), migrations |
//! | `cli` (binary only) | argument parsing, wiring, file I/O, exit codes |

pub mod audit;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod contexts;
pub mod fetch;
pub mod future;
pub mod issuance;
pub mod jsonld;
pub mod keys;
pub mod model;
pub mod proof;
pub mod render;
pub mod status;
pub mod store;
pub mod telemetry;
pub mod verification;
pub mod web;
