//! libFuzzer entry of [`rosette_fuzz::verify`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rosette_fuzz::verify(data));
