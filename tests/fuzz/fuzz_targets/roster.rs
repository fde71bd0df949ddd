//! libFuzzer entry of [`rosette_fuzz::roster`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rosette_fuzz::roster(data));
