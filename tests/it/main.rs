//! Rosette's integration tests: one binary, one module per concern.

#![allow(clippy::unwrap_used)]

mod admin_api;
mod audit;
mod bad_input;
mod badges;
mod browser;
mod cli_records;
mod duplicate_keys;
mod fresh_dir;
mod fuzz_replay;
mod graders;
mod interop;
mod issuance;
mod jsonld_diff;
mod key_rotation;
mod multi_node;
mod node_faults;
mod openapi;
mod pages;
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
mod vectors;
mod verify_api;
