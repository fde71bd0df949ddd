//! Rosette's integration tests: one binary, one module per concern.

#![allow(clippy::unwrap_used)]

mod bad_input;
mod cli_records;
mod interop;
mod issuance;
mod jsonld_diff;
mod store_contract;
mod support;
mod vectors;
