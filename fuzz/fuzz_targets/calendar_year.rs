//! Fuzz target `calendar_year`: runs `tongban_hostile::check_calendar_year` on every input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tongban_hostile::check_calendar_year(data));
