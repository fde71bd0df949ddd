//! libFuzzer entry of [`rosette_fuzz::bulk`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rosette_fuzz::bulk(data));
