//! libFuzzer entry of [`rosette_fuzz::jsonld`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rosette_fuzz::jsonld(data));
