//! 办件编号: the number printed on receipts and quoted on the phone.
//!
//! Layout (20 digits): the platform's 6-digit region code, the Beijing date of creation
//! (YYYYMMDD) and a 6-digit sequence of that day. GB/T 39046 only says an..50; this layout is
//! Tongban's, chosen to be read aloud and sorted by date.

use time::Date;

/// The number of the `seq`-th application created on `on` (sequence from 1; wraps past
/// 999,999 into a 7th digit rather than colliding).
pub fn application_number(region: &str, on: Date, seq: u64) -> String {
    format!(
        "{region}{:04}{:02}{:02}{seq:06}",
        on.year(),
        u8::from(on.month()),
        on.day()
    )
}
