//! Fuzz target `licence_rows`: runs `tongban_hostile::check_licence_rows` on every input (feature `app`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tongban_hostile::check_licence_rows(data));
