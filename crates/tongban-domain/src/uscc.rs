//! 统一社会信用代码 (Unified Social Credit Code) validation per GB 32100-2015.
//!
//! Layout: registration authority (1), organisation category (1),
//! administrative division code (6 digits), organisation identifier (9) and a
//! check character (1), drawn from 31 characters (digits and upper-case letters
//! without I, O, S, V, Z).

use std::fmt;

/// The 31-character alphabet; a character's index is its numeric value.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value_of(c: char) -> Option<u32> {
    CHARSET
        .iter()
        .position(|&b| char::from(b) == c)
        .and_then(|i| u32::try_from(i).ok())
}

/// Computes the check character for the first 17 characters of a USCC.
///
/// Returns `None` unless `first17` is exactly 17 characters from the code's
/// alphabet.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value_of(c)? * w;
    }
    let idx = (31 - sum % 31) % 31;
    CHARSET.get(idx as usize).map(|&b| char::from(b))
}

/// Why a string is not a valid unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// Not 18 characters long.
    #[error("统一社会信用代码应为18位，当前为{found}位，请核对")]
    Length { found: usize },
    /// A lower-case letter was entered (1-based position).
    #[error("统一社会信用代码第{position}位“{ch}”为小写字母，请使用大写字母")]
    Lowercase { position: usize, ch: char },
    /// A character outside the code's alphabet (1-based position).
    #[error(
        "统一社会信用代码第{position}位字符“{ch}”不合法：只能使用数字和大写字母，且不使用 I、O、S、V、Z"
    )]
    IllegalChar { position: usize, ch: char },
    /// Positions 3–8 (administrative division code) are not all digits.
    #[error("统一社会信用代码第3至8位应为行政区划代码（6位数字），当前为“{value}”，请核对")]
    DivisionNotDigits { value: String },
    /// The check character does not match the first 17 characters.
    #[error("统一社会信用代码第18位校验码不正确，应为 {expected}，请核对")]
    CheckChar { expected: char, found: char },
}

impl UsccError {
    /// Stable machine-readable code of the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "uscc.length",
            Self::Lowercase { .. } => "uscc.lowercase",
            Self::IllegalChar { .. } => "uscc.illegal_char",
            Self::DivisionNotDigits { .. } => "uscc.division_not_digits",
            Self::CheckChar { .. } => "uscc.check_char",
        }
    }
}

/// A validated unified social credit code. Not personal data: shown in full.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    /// Parses and validates a code; surrounding whitespace is ignored.
    pub fn parse(s: &str) -> Result<Uscc, UsccError> {
        let s = s.trim();
        let found = s.chars().count();
        if found != 18 {
            return Err(UsccError::Length { found });
        }
        for (i, ch) in s.chars().enumerate() {
            if ch.is_ascii_lowercase() {
                return Err(UsccError::Lowercase {
                    position: i + 1,
                    ch,
                });
            }
            if value_of(ch).is_none() {
                return Err(UsccError::IllegalChar {
                    position: i + 1,
                    ch,
                });
            }
        }
        // All characters are ASCII from here on.
        let division = &s[2..8];
        if !division.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UsccError::DivisionNotDigits {
                value: division.to_owned(),
            });
        }
        let (first17, last) = s.split_at(17);
        let found_check = last.chars().next().unwrap_or('?');
        let expected = check_char(first17).unwrap_or('?');
        if expected != found_check {
            return Err(UsccError::CheckChar {
                expected,
                found: found_check,
            });
        }
        Ok(Uscc(s.to_owned()))
    }

    /// The full 18-character code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Position 1: the registration authority (e.g. `9` = 市场监督管理).
    pub fn registration_authority(&self) -> char {
        char::from(self.0.as_bytes().first().copied().unwrap_or(b'?'))
    }

    /// Position 2: the organisation category within the authority.
    pub fn organization_category(&self) -> char {
        char::from(self.0.as_bytes().get(1).copied().unwrap_or(b'?'))
    }

    /// Positions 3–8: the 6-digit administrative division code.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_codes_parse() {
        let u = Uscc::parse("91350200776049653A").unwrap();
        assert_eq!(u.registration_authority(), '9');
        assert_eq!(u.organization_category(), '1');
        assert_eq!(u.division_code(), "350200");
        assert_eq!(u.to_string(), "91350200776049653A");
        assert!(Uscc::parse(" 11100000000013338W ").is_ok());
    }

    #[test]
    fn a_wrong_check_char_says_the_expected_one() {
        let e = Uscc::parse("91350203M0001QAY9B").unwrap_err();
        assert_eq!(
            e,
            UsccError::CheckChar {
                expected: '9',
                found: 'B'
            }
        );
        assert!(e.to_string().contains("应为 9"));
        assert_eq!(e.code(), "uscc.check_char");
    }

    #[test]
    fn check_char_matches_the_published_examples() {
        assert_eq!(check_char("91350200776049653"), Some('A'));
        assert_eq!(check_char("11100000000013338"), Some('W'));
        assert_eq!(check_char("91350203M0001QAY9"), Some('9'));
        assert_eq!(check_char("9135020077604965"), None);
        assert_eq!(check_char("9135020077604965I"), None);
    }

    #[test]
    fn lowercase_letters_are_rejected_with_a_hint_to_use_uppercase() {
        let e = Uscc::parse("91350200776049653a").unwrap_err();
        assert_eq!(e.code(), "uscc.lowercase");
        assert!(e.to_string().contains("大写"));
        assert!(e.to_string().contains("第18位"));
    }

    #[test]
    fn letters_outside_the_alphabet_name_the_char_and_position() {
        let e = Uscc::parse("9135020077604965IA").unwrap_err();
        assert_eq!(
            e,
            UsccError::IllegalChar {
                position: 17,
                ch: 'I'
            }
        );
        let msg = e.to_string();
        assert!(
            msg.contains("第17位") && msg.contains("I、O、S、V、Z"),
            "{msg}"
        );
    }

    #[test]
    fn the_division_part_must_be_digits() {
        let first17 = "913502A0776049653";
        let code = format!("{first17}{}", check_char(first17).unwrap());
        let e = Uscc::parse(&code).unwrap_err();
        assert_eq!(e.code(), "uscc.division_not_digits");
    }

    #[test]
    fn a_wrong_length_reports_the_length_found() {
        let e = Uscc::parse("9135020077604965").unwrap_err();
        assert_eq!(e, UsccError::Length { found: 16 });
    }

    #[test]
    fn generated_codes_always_validate() {
        for n in 0..500u32 {
            let first17 = format!("9144{:04}{:09}", n % 10000, n * 7919);
            let code = format!("{first17}{}", check_char(&first17).unwrap());
            assert!(Uscc::parse(&code).is_ok(), "{code}");
        }
    }
}
