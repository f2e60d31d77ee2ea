//! Fuzz target `qr_payload`: runs `tongban_hostile::check_qr_payload` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tongban_hostile::check_qr_payload(data));
