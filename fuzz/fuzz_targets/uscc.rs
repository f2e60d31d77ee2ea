//! Fuzz target `uscc`: runs `tongban_hostile::check_uscc` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tongban_hostile::check_uscc(data));
