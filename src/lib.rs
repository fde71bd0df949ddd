//! Rosette issues verifiable certification credentials (Open Badges 3.0 on the
//! W3C Verifiable Credentials Data Model 2.0, secured with Data Integrity
//! `eddsa-rdfc-2022` or `eddsa-jcs-2022`) and verifies them.
//!
//! # Layout
//!
//! Dependencies point one way: `cli` → `web` → `issuance`/`verification`
//! → `proof`, `status`, `render`, `keys`, `model` → `clock`; `model::vcdm`
//! → `jsonld` → `contexts` (the generic input rules expand in safe mode); `catalog`
//! → `render` (it keeps each certification's parsed badge template); `store`
//! is reached through its traits (only `cli` and tests name `SqlStore`). The
//! module graph has no cycle, also one level down (`web::*`, `render::*`).
//! The pure core (`model`, `contexts`, `jsonld`, `keys`, `proof`, `status`,
//! `render`, `verification`) opens no socket or file, reads no environment
//! variable, clock or random generator: callers pass those in (a
//! [`clock::Clock`], a `rand_core` generator or the random bytes drawn from
//! one); `fetch` is the effectful status-list and key-document source,
//! `store` the database.
//!
//! | module | owns |
//! |---|---|
//! | [`clock`] | the notion of "now" ([`clock::Clock`], system and fixed clocks) |
//! | [`model`] | Open Badges 3.0 / VC 2.0 types (`credential`), their validation before signing (`validate`, with the one achievement-subject rule in `subject_rule`), newtypes, date forms, the inspection of third-party credentials (`inspect`, reporting [`model::Finding`]s), the VCDM input rules of generic VC-API issuance and the one reading of `name`/`description` values, strings or language value objects (`vcdm`), strict JSON parsing that refuses repeated keys (`strict_json`, the one parser for credentials, presentations, status lists and DID documents received) |
//! | [`contexts`] | the JSON-LD contexts compiled in, checked by SHA-256; unknown URLs are errors |
//! | [`jsonld`] | JSON-LD to RDF in safe mode: a fast path over pre-processed contexts and the general path (oxjsonld) it is tested against; RDFC-1.0 (`rdfc`, with the n-degree hashing of `ndegree` computed as jsonld.js does) |
//! | [`keys`] | Ed25519 keys (generated from a caller's generator), Multikey, did:key, did:web documents, public JWKs and did:jwk (`jwk`, for VC-JWT), the key resolver trait, the rotation history |
//! | [`proof`] | Data Integrity proofs: `eddsa-rdfc-2022`, `eddsa-jcs-2022`, proof sets and chains; the contexts a document needs before signing (`context`, VC-DI §2.4.1 context injection); `Ed25519Signature2020` (verification only, `ed25519_2020`); VC-JWT (`jwt`, OB 3.0 §8.2: compact JWS, header rules, key, signature, claims) |
//! | [`verification`] | the verification pipeline (`mod`: input forms, parse, structure, dates) and its parts: `report` (checks, states, reason codes, the one [`verification::Verdict`] rule the page, the CSV and the JSON share), `proofs` (one check per proof, and the proof-set rule for unsupported proofs), `vc_jwt` (the checks of a VC-JWT), `terms` (the JSON-LD safe-mode check of credentials no proof expanded: `eddsa-jcs-2022`, VC-JWT), `holder` (a presentation holder's authentication keys: did:key, did:web), `status_check` (Bitstring and StatusList2021 lists, their cache), `revocation_list` (1EdTech revocation lists), `issuers` (this issuer and the configured trusted issuers: the report's `issued_here` and `issuer_trust`), `embedded` (the embedded endorsements, each through the same pipeline), `receipt` (signed verification receipts: a report as a VCDM 2.0 credential this verifier signs, what a receipt attests, its digest compared with a credential) |
//! | [`catalog`] | the certifications in `badges/`, compiled in as the default catalog (`builtin`) or loaded from a `badges_dir`, and validated (the template rules run on the renderer's parsed template) |
//! | [`issuance`] | use cases and the rules every entry point calls (`rules`: stage order, dates, what repeats an issuance): candidates and assessment results (`assessments`), issue, renew, correct (`mod`, the credential document and [`issuance::Issuer::sign`] in `document`), bulk CSV import (`bulk`), revoke/suspend/reinstate and our own status lists (`revocation`), generic VC-API issuance of any VCDM credential and the one certification-or-generic rule (`generic`), what a badge shows (`badge_data`), registered graders and their public name or role (`graders`), admin tokens (`tokens`), webhook subscriptions and the delivery worker's pass (`webhooks`), console sign-in and sessions with their CSRF token (`sessions`), background bulk imports (`bulk_jobs`), the one "expiring" rule and the once-per-window expiry pass (`expiry`), the issuer's key history (`keys`), signing audit checkpoints and checking the log against them (`checkpoints`), VC-API issuance (`api`); the OS random generator is read here |
//! | [`config`] | layered settings (defaults < rosette.toml < `ROSETTE_*` env < flags), secrets redacted |
//! | [`status`] | Bitstring Status List: bit order, GZIP + multibase, list credentials, the random index permutation |
//! | [`future`] | [`future::BoxFuture`], the return type of the object-safe async traits |
//! | [`fetch`] | the bounded HTTP client for third-party status lists and key documents, and for webhook deliveries (`post`, no redirect followed; `check_destination` for a subscription's URL) (https only, no private targets, size and time caps, conditional GET): the client in `mod`, the address rule and its DNS guard in `address`, the resolver of third-party did:web and HTTP(S) keys with its document cache in `did_resolver` (a [`keys::KeyResolver`]) |
//! | [`render`] | one job a file: `template` (parsing `template.svg` with roxmltree, the one template parser), `text_fit` (measuring and fitting names), `badge` (the filled-in badge SVG), `qr`, `png` (resvg with the bundled `fonts`), `og` (the Open Graph image), `outline` (the served SVG's text as paths), `bake` (OB 3.0 §5.3 baking/unbaking, PNG and SVG), `error` |
//! | [`web`] | HTTP of `rosette serve`: `server` (accept loop, TLS, timeouts), `layers` (logs, metrics, security headers, CORS) and `rate_limit`, `state` (the shared [`web::AppState`]), `error` (the one HTTP error type and RFC 9457 problem body; 5xx causes logged once by the request-log layer), `auth` (bearer tokens, scopes, failed-attempt throttling, audit of refusals), `conneg` (the media type of credentials and status lists by `Accept`, per-type ETags), `dto` (request and response bodies), `public` (credentials, badge images, status lists, did.json), `layout` (what every HTML page shares: escaping, headers, the shell with the issuer's name, the stylesheet, the date format), `home` (the issuer's home page and its lookup form), `certification_page` (a certification's page or Achievement JSON, and its badge image), `page` (the verification page) and `checks` (its "What was checked"), `verify_api` (with `roster`: what an upload is and a roster's rows; `batch`: a batch's JSON or CSV answer; `receipts`: signing the receipts it answers, the page's receipt download and the receipt context), `vc_api`, `admin/` (one file per resource), `console/` (the admin console: sessions and CSRF in `mod`, dashboard, audit and tokens in `pages`, `credentials`, candidates and records in `records`, background imports in `jobs`), `operations` (health, readiness, metrics), `keyring` (the key ring behind did.json), `openapi` (assembles and serves the document; only the router names it) and `docs` (renders it for people) |
//! | [`telemetry`] | structured logs (text or JSON) and the Prometheus metrics registry |
//! | [`notify`] | status-change webhooks, pure: which audit entry raises which event and its public details (`event`, the rule the store applies when it appends an entry: the outbox), Standard Webhooks signatures (`signature`), the retry backoff (`schedule`), the JSON body (`payload`) |
//! | [`audit`] | the audit log's hash chain (pure: hashing and checking) and its signed checkpoints (what is signed, the signature check, when one is due) |
//! | [`store`] | storage traits per concern (credentials, status lists, tokens, audit, issuer keys, webhooks, console sessions, bulk jobs; [`store::StoreTx`] is their union) and the SQL store (`sql/`, one file per concern; SQLite by default, PostgreSQL), migrations |
//! | `cli` (binary only) | argument parsing, wiring, file I/O, the OS random generator for keys, exit codes |
//!
//! Files stay under about 900 lines; the longest are test files and
//! `catalog/mod.rs` (loading and validating a certification).

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
pub mod notify;
pub mod proof;
pub mod render;
pub mod status;
pub mod store;
pub mod telemetry;
pub mod verification;
pub mod web;
