//! Fuzz target `licence_file`: runs `tongban_hostile::check_licence_file` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tongban_hostile::check_licence_file(data));
