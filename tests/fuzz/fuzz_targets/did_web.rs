//! libFuzzer entry of [`rosette_fuzz::did_web`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rosette_fuzz::did_web(data));
