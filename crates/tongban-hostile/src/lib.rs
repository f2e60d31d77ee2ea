//! Hostile-input checks. Each `check_*` function takes arbitrary bytes, hands them to one
//! parser and asserts that parser's own invariants (a valid parse re-parses to itself from its
//! canonical form, carries a valid check character, …), panicking when one fails. The cargo-fuzz
//! targets in `fuzz/` call them, and `tests/seeded.rs` runs them on stable over valid samples
//! and seeded mutations of them, so CI exercises the same code without a nightly toolchain.

mod domain;
#[cfg(feature = "app")]
mod imports;
mod mutate;
mod seeds;
#[cfg(feature = "web")]
mod web;

pub use domain::{
    check_calendar_year, check_licence_file, check_licence_id, check_qr_payload, check_resident_id,
    check_uscc,
};
#[cfg(feature = "app")]
pub use imports::{check_licence_rows, check_list_import};
pub use mutate::Mutator;
pub use seeds::seeds;
#[cfg(feature = "web")]
pub use web::check_api_json;

/// A check: feeds the bytes to a parser and panics if an invariant fails.
pub type Check = fn(&[u8]);

/// Every check with its name (the fuzz target of the same name runs it).
pub fn checks() -> Vec<(&'static str, Check)> {
    #[cfg_attr(not(any(feature = "app", feature = "web")), allow(unused_mut))]
    let mut all: Vec<(&'static str, Check)> = vec![
        ("resident_id", check_resident_id),
        ("uscc", check_uscc),
        ("licence_id", check_licence_id),
        ("qr_payload", check_qr_payload),
        ("licence_file", check_licence_file),
        ("calendar_year", check_calendar_year),
    ];
    #[cfg(feature = "app")]
    {
        all.push(("list_import", check_list_import));
        all.push(("licence_rows", check_licence_rows));
    }
    #[cfg(feature = "web")]
    all.push(("api_json", check_api_json));
    all
}

/// Text of the bytes when they are UTF-8 (the text parsers take `&str`).
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}
