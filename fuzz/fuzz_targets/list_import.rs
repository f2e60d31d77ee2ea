//! Fuzz target `list_import`: runs `tongban_hostile::check_list_import` on every input (feature `app`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tongban_hostile::check_list_import(data));
