//! Rosette's integration tests: one binary, one module per concern.

#![allow(clippy::unwrap_used)]

mod bad_input;
mod badges;
mod cli_records;
mod interop;
mod issuance;
mod jsonld_diff;
mod serve;
mod status;
mod status_http;
mod status_interop;
mod store_contract;
mod support;
mod vectors;
