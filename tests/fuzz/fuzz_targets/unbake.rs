//! libFuzzer entry of [`rosette_fuzz::unbake`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rosette_fuzz::unbake(data));
