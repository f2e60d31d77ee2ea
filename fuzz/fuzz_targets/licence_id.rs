//! Fuzz target `licence_id`: runs `tongban_hostile::check_licence_id` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tongban_hostile::check_licence_id(data));
