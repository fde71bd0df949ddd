//! libFuzzer entry of [`rosette_fuzz::multipart`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rosette_fuzz::multipart(data));
