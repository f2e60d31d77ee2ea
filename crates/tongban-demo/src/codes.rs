//! Identifier builders: GB 11714 organisation codes, GB 32100 USCCs and GB 11643 resident ID numbers.

use time::Date;
use tongban_domain::{resident_id, uscc};

/// Characters allowed in the body of a unified social credit code (no I, O, S, V, Z).
pub(crate) const USCC_CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 11714 check character for an 8-character organisation-code body.
pub(crate) fn org_check(body: &str) -> Option<char> {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    if body.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in body.chars().zip(WEIGHTS) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return None,
        };
        sum += v * w;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        d => char::from_digit(d, 10),
    }
}

/// A full 18-character USCC: `kind` is registration authority + category (e.g. "11" for
/// government organs, "91" for enterprises), then the 6-digit division and an 8-character
/// organisation-code body; both check characters are computed.
pub(crate) fn uscc(kind: &str, division6: &str, body: &str) -> Option<String> {
    let mut s = format!("{kind}{division6}{body}{}", org_check(body)?);
    let check = uscc::check_char(&s)?;
    s.push(check);
    Some(s)
}

/// A full 18-character resident ID number; `seq` is the 3-digit order code (odd for men).
pub(crate) fn resident_id(address6: &str, birth: Date, seq: u16) -> Option<String> {
    let mut s = format!(
        "{address6}{:04}{:02}{:02}{:03}",
        birth.year(),
        u8::from(birth.month()),
        birth.day(),
        seq % 1000
    );
    let check = resident_id::check_digit(&s)?;
    s.push(check);
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_check_matches_a_known_code() {
        // D2143569-X is the textbook GB 11714 example.
        assert_eq!(org_check("D2143569"), Some('X'));
        assert_eq!(org_check("D214356"), None);
        assert_eq!(org_check("d2143569"), None);
    }
}
