//! Rosette's integration tests: one binary, one module per concern.

#![allow(clippy::unwrap_used)]

mod admin_api;
mod audit;
mod bad_input;
mod badges;
mod browser;
mod cli_records;
mod conformance;
mod conneg;
mod did_key_issuer;
mod did_web;
mod duplicate_keys;
mod endorsements;
mod fresh_dir;
mod fuzz_replay;
mod generic_issuance;
mod graders;
mod interop;
mod issuance;
mod issuer_trust;
mod jsonld_coverage;
mod jsonld_diff;
mod key_rotation;
mod legacy_suites;
mod multi_node;
mod node_faults;
mod ob_validator;
mod openapi;
mod pages;
mod receipts;
mod security_readme;
mod serve;
mod server_ops;
mod ssrf;
mod status;
mod status_http;
mod status_interop;
mod store_contract;
mod support;
mod vc_api;
mod vc_jwt;
mod vectors;
mod verify_api;
