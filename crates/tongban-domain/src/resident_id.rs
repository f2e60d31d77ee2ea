//! 公民身份号码 (18-digit resident identity number) validation per GB 11643-1999.
//!
//! Layout: 6-digit address code, 8-digit birth date (YYYYMMDD), 3-digit
//! sequence code (odd = male, even = female) and a check character computed
//! with ISO 7064 MOD 11-2. The number is personal data: `Debug` and `Display`
//! only ever show the masked form.

use std::fmt;

use time::{Date, Month};

/// Weights of positions 1–17 (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum mod 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Computes the check character for the first 17 digits of a resident ID.
///
/// Returns `None` unless `first17` is exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// Why a string is not a valid resident identity number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    /// Not 18 characters long.
    #[error("身份证号应为18位，当前为{found}位，请核对")]
    Length { found: usize },
    /// A character among positions 1–17 is not a digit (1-based position).
    #[error("身份证号第{position}位应为数字，请核对")]
    NonDigit { position: usize },
    /// The check character was typed as lower-case `x`.
    #[error("身份证号最后一位的 x 请使用大写字母 X")]
    LowercaseX,
    /// The check character does not match the first 17 digits.
    #[error("身份证号第18位校验码不正确，应为 {expected}，请核对")]
    CheckDigit { expected: char, found: char },
    /// Positions 7–14 are not a real calendar date.
    #[error("身份证号中的出生日期 {value} 不是有效日期，请核对")]
    InvalidBirthDate { value: String },
    /// The birth date lies after today.
    #[error("身份证号中的出生日期 {date} 晚于今天，请核对")]
    FutureBirthDate { date: Date },
    /// The 6-digit address code is not valid (it may not start with 0).
    #[error("身份证号前6位地址码 {value} 无效（不能以0开头），请核对")]
    AddressCode { value: String },
}

impl ResidentIdError {
    /// Stable machine-readable code of the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "resident_id.length",
            Self::NonDigit { .. } => "resident_id.non_digit",
            Self::LowercaseX => "resident_id.lowercase_x",
            Self::CheckDigit { .. } => "resident_id.check_digit",
            Self::InvalidBirthDate { .. } => "resident_id.invalid_birth_date",
            Self::FutureBirthDate { .. } => "resident_id.future_birth_date",
            Self::AddressCode { .. } => "resident_id.address_code",
        }
    }
}

/// A validated 18-character resident identity number (upper-case `X` only).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentIdNumber(String);

impl ResidentIdNumber {
    /// Parses and validates a resident ID; surrounding whitespace is ignored.
    ///
    /// `today` is used to reject birth dates in the future.
    pub fn parse(s: &str, today: Date) -> Result<Self, ResidentIdError> {
        let s = s.trim();
        let found = s.chars().count();
        if found != 18 {
            return Err(ResidentIdError::Length { found });
        }
        // 18 chars; from here on every char must be ASCII, so byte offsets are char offsets.
        if let Some(i) = s.chars().take(17).position(|c| !c.is_ascii_digit()) {
            return Err(ResidentIdError::NonDigit { position: i + 1 });
        }
        let (first17, last) = s.split_at(17);
        let found_check = last.chars().next().unwrap_or('?');
        if found_check == 'x' {
            return Err(ResidentIdError::LowercaseX);
        }
        let address = &first17[..6];
        if address.starts_with('0') {
            return Err(ResidentIdError::AddressCode {
                value: address.to_owned(),
            });
        }
        let birth = parse_birth_date(&first17[6..14])?;
        if birth > today {
            return Err(ResidentIdError::FutureBirthDate { date: birth });
        }
        let expected = check_digit(first17).unwrap_or('?');
        if found_check != expected {
            return Err(ResidentIdError::CheckDigit {
                expected,
                found: found_check,
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// The full number. Personal data: prefer [`Self::masked`] for display.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Date of birth (positions 7–14).
    pub fn birth_date(&self) -> Date {
        // Validated in `parse`; the fallback is unreachable.
        parse_birth_date(&self.0[6..14]).unwrap_or(Date::MIN)
    }

    /// `true` when the sequence code (position 17) is odd.
    pub fn is_male(&self) -> bool {
        self.0
            .as_bytes()
            .get(16)
            .is_some_and(|b| (b - b'0') % 2 == 1)
    }

    /// The 6-digit address code (positions 1–6) of the place of first registration.
    pub fn address_code(&self) -> &str {
        &self.0[..6]
    }

    /// First 6 and last 4 characters shown, the 8 birth-date digits masked:
    /// `110105********002X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl fmt::Display for ResidentIdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for ResidentIdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentIdNumber({})", self.masked())
    }
}

/// Parses `YYYYMMDD` (already known to be ASCII digits) into a date.
fn parse_birth_date(s: &str) -> Result<Date, ResidentIdError> {
    let invalid = || ResidentIdError::InvalidBirthDate {
        value: s.to_owned(),
    };
    let year: i32 = s
        .get(0..4)
        .and_then(|v| v.parse().ok())
        .ok_or_else(invalid)?;
    let month: u8 = s
        .get(4..6)
        .and_then(|v| v.parse().ok())
        .ok_or_else(invalid)?;
    let day: u8 = s
        .get(6..8)
        .and_then(|v| v.parse().ok())
        .ok_or_else(invalid)?;
    let month = Month::try_from(month).map_err(|_| invalid())?;
    Date::from_calendar_date(year, month, day).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 01);

    #[test]
    fn the_standard_example_with_check_x_is_valid() {
        let id = ResidentIdNumber::parse("11010519491231002X", TODAY).unwrap();
        assert_eq!(id.birth_date(), date!(1949 - 12 - 31));
        assert!(!id.is_male());
        assert_eq!(id.address_code(), "110105");
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn the_standard_example_born_in_1880_is_valid_and_male() {
        let id = ResidentIdNumber::parse("440524188001010014", TODAY).unwrap();
        assert_eq!(id.birth_date(), date!(1880 - 01 - 01));
        assert!(id.is_male());
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        let id = ResidentIdNumber::parse("  11010519491231002X\n", TODAY).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn debug_and_display_never_show_the_full_number() {
        let id = ResidentIdNumber::parse("11010519491231002X", TODAY).unwrap();
        assert_eq!(id.to_string(), "110105********002X");
        let dbg = format!("{id:?}");
        assert!(!dbg.contains("19491231"), "{dbg}");
        assert!(dbg.contains("110105********002X"));
    }

    #[test]
    fn a_wrong_length_reports_the_length_found() {
        let e = ResidentIdNumber::parse("1101051949123100", TODAY).unwrap_err();
        assert_eq!(e, ResidentIdError::Length { found: 16 });
        assert!(e.to_string().contains("16"));
        assert_eq!(e.code(), "resident_id.length");
    }

    #[test]
    fn a_non_digit_reports_its_position() {
        let e = ResidentIdNumber::parse("1101051949A231002X", TODAY).unwrap_err();
        assert_eq!(e, ResidentIdError::NonDigit { position: 11 });
        assert!(e.to_string().contains("第11位"));
    }

    #[test]
    fn lowercase_x_is_rejected_with_a_hint_to_use_uppercase() {
        let e = ResidentIdNumber::parse("11010519491231002x", TODAY).unwrap_err();
        assert_eq!(e, ResidentIdError::LowercaseX);
        assert!(e.to_string().contains("大写"));
    }

    #[test]
    fn a_wrong_check_digit_says_what_it_should_be() {
        let e = ResidentIdNumber::parse("110105194912310021", TODAY).unwrap_err();
        assert_eq!(
            e,
            ResidentIdError::CheckDigit {
                expected: 'X',
                found: '1'
            }
        );
        assert_eq!(e.to_string(), "身份证号第18位校验码不正确，应为 X，请核对");
        assert_eq!(e.code(), "resident_id.check_digit");
    }

    #[test]
    fn an_impossible_birth_date_is_rejected() {
        let first17 = "11010520230229002";
        let id = format!("{first17}{}", check_digit(first17).unwrap());
        let e = ResidentIdNumber::parse(&id, TODAY).unwrap_err();
        assert_eq!(e.code(), "resident_id.invalid_birth_date");
        assert!(e.to_string().contains("20230229"));
    }

    #[test]
    fn a_birth_date_after_today_is_rejected_but_today_itself_is_fine() {
        let first17 = "11010520250601002";
        let id = format!("{first17}{}", check_digit(first17).unwrap());
        assert!(ResidentIdNumber::parse(&id, TODAY).is_ok());
        let e = ResidentIdNumber::parse(&id, date!(2025 - 05 - 31)).unwrap_err();
        assert_eq!(e.code(), "resident_id.future_birth_date");
    }

    #[test]
    fn an_address_code_starting_with_zero_is_rejected() {
        let first17 = "01010519491231002";
        let id = format!("{first17}{}", check_digit(first17).unwrap());
        let e = ResidentIdNumber::parse(&id, TODAY).unwrap_err();
        assert_eq!(e.code(), "resident_id.address_code");
    }

    #[test]
    fn check_digit_requires_exactly_seventeen_digits() {
        assert_eq!(check_digit("11010519491231002"), Some('X'));
        assert_eq!(check_digit("44052418800101001"), Some('4'));
        assert_eq!(check_digit("1101051949123100"), None);
        assert_eq!(check_digit("1101051949123100A"), None);
    }

    #[test]
    fn non_ascii_input_of_eighteen_chars_is_reported_not_panicking() {
        let e = ResidentIdNumber::parse("１１０１０５１９４９１２３１００２Ｘ", TODAY).unwrap_err();
        assert_eq!(e, ResidentIdError::NonDigit { position: 1 });
    }
}
