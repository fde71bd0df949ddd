//! Rosette's integration tests: one binary, one module per concern.

#![allow(clippy::unwrap_used)]

mod bad_input;
mod interop;
mod jsonld_diff;
mod support;
mod vectors;
