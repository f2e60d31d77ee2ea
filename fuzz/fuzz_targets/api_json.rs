//! Fuzz target `api_json`: runs `tongban_hostile::check_api_json` on every input (feature `web`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tongban_hostile::check_api_json(data));
