//! 12-digit administrative division codes (统计用区划代码 / 行政区划代码) and
//! the GB/T 39046 exercise levels (行使层级) derived from them.
//!
//! Layout: 2 province + 2 city + 2 county + 3 township + 3 village digits.
//! Trailing all-zero segments mark a higher-level unit, e.g. `110000000000`
//! is 北京市, `110105000000` is 朝阳区.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Administrative level, numbered as the 行使层级 codes of GB/T 39046.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminLevel {
    National = 1,
    Province = 2,
    City = 3,
    County = 4,
    Township = 5,
    Village = 6,
}

impl AdminLevel {
    /// All levels, from the top down.
    pub const ALL: [AdminLevel; 6] = [
        Self::National,
        Self::Province,
        Self::City,
        Self::County,
        Self::Township,
        Self::Village,
    ];

    /// The numeric 行使层级 code (1 = 国家级 … 6 = 村(社区)级).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Inverse of [`Self::code`].
    pub fn from_code(code: u8) -> Option<AdminLevel> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Chinese name of the level.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::National => "国家级",
            Self::Province => "省级",
            Self::City => "市级",
            Self::County => "县级",
            Self::Township => "镇(乡、街道)级",
            Self::Village => "村(社区)级",
        }
    }

    /// Number of leading digits of a 12-digit code that identify a unit of this level.
    fn prefix_len(self) -> usize {
        match self {
            Self::National => 0,
            Self::Province => 2,
            Self::City => 4,
            Self::County => 6,
            Self::Township => 9,
            Self::Village => 12,
        }
    }
}

/// Why a string is not a valid 12-digit division code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DivisionError {
    /// Not 12 characters long.
    #[error("行政区划代码应为12位数字，当前为{found}位，请核对")]
    Length { found: usize },
    /// A non-digit character (1-based position).
    #[error("行政区划代码第{position}位应为数字，请核对")]
    NonDigit { position: usize },
    /// The province segment is `00`.
    #[error("行政区划代码前2位（省级代码）不能为00，请核对")]
    ZeroProvince,
    /// A zero segment is followed by a non-zero segment (e.g. `110000001000`).
    #[error("行政区划代码 {value} 层级不连续：上级段为0时下级段也必须为0，请核对")]
    Gap { value: String },
}

impl DivisionError {
    /// Stable machine-readable code of the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length { .. } => "division.length",
            Self::NonDigit { .. } => "division.non_digit",
            Self::ZeroProvince => "division.zero_province",
            Self::Gap { .. } => "division.gap",
        }
    }
}

/// A validated 12-digit administrative division code.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DivisionCode(String);

/// Segment boundaries: province, city, county, township, village.
const SEGMENTS: [(usize, usize); 5] = [(0, 2), (2, 4), (4, 6), (6, 9), (9, 12)];

impl DivisionCode {
    /// Parses and validates a code; surrounding whitespace is ignored.
    pub fn parse(s: &str) -> Result<DivisionCode, DivisionError> {
        let s = s.trim();
        let found = s.chars().count();
        if found != 12 {
            return Err(DivisionError::Length { found });
        }
        if let Some(i) = s.chars().position(|c| !c.is_ascii_digit()) {
            return Err(DivisionError::NonDigit { position: i + 1 });
        }
        let zero: Vec<bool> = SEGMENTS
            .iter()
            .map(|&(a, b)| s[a..b].bytes().all(|c| c == b'0'))
            .collect();
        if zero.first().copied().unwrap_or(true) {
            return Err(DivisionError::ZeroProvince);
        }
        if zero.windows(2).any(|w| w[0] && !w[1]) {
            return Err(DivisionError::Gap {
                value: s.to_owned(),
            });
        }
        Ok(DivisionCode(s.to_owned()))
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level of the unit, from the trailing zero segments.
    pub fn level(&self) -> AdminLevel {
        let nonzero = |a: usize, b: usize| self.0[a..b].bytes().any(|c| c != b'0');
        if nonzero(9, 12) {
            AdminLevel::Village
        } else if nonzero(6, 9) {
            AdminLevel::Township
        } else if nonzero(4, 6) {
            AdminLevel::County
        } else if nonzero(2, 4) {
            AdminLevel::City
        } else {
            AdminLevel::Province
        }
    }

    /// The enclosing unit one level up; `None` for a province.
    pub fn parent(&self) -> Option<DivisionCode> {
        let keep = match self.level() {
            AdminLevel::National | AdminLevel::Province => return None,
            AdminLevel::City => 2,
            AdminLevel::County => 4,
            AdminLevel::Township => 6,
            AdminLevel::Village => 9,
        };
        Some(DivisionCode(format!("{:0<12}", &self.0[..keep])))
    }

    /// `true` if this unit lies within `ancestor` (or is `ancestor` itself).
    pub fn is_within(&self, ancestor: &DivisionCode) -> bool {
        let n = ancestor.level().prefix_len();
        ancestor.level() <= self.level() && self.0[..n] == ancestor.0[..n]
    }

    /// The significant leading digits (e.g. `110105` for a county).
    pub fn significant_prefix(&self) -> &str {
        &self.0[..self.level().prefix_len()]
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = DivisionError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DivisionCode::parse(&s)
    }
}

impl From<DivisionCode> for String {
    fn from(c: DivisionCode) -> String {
        c.0
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    #[test]
    fn levels_follow_the_trailing_zero_segments() {
        assert_eq!(code("110000000000").level(), AdminLevel::Province);
        assert_eq!(code("110100000000").level(), AdminLevel::City);
        assert_eq!(code("110105000000").level(), AdminLevel::County);
        assert_eq!(code("110105001000").level(), AdminLevel::Township);
        assert_eq!(code("110105001001").level(), AdminLevel::Village);
    }

    #[test]
    fn parents_walk_up_to_the_province_and_stop() {
        let mut c = code("110105001001");
        let mut chain = vec![c.to_string()];
        while let Some(p) = c.parent() {
            chain.push(p.to_string());
            c = p;
        }
        assert_eq!(
            chain,
            [
                "110105001001",
                "110105001000",
                "110105000000",
                "110100000000",
                "110000000000"
            ]
        );
    }

    #[test]
    fn a_unit_is_within_itself_and_its_ancestors_only() {
        let village = code("110105001001");
        assert!(village.is_within(&village));
        assert!(village.is_within(&code("110105000000")));
        assert!(village.is_within(&code("110000000000")));
        assert!(!village.is_within(&code("110106000000")));
        assert!(!village.is_within(&code("120000000000")));
        assert!(!code("110000000000").is_within(&village));
        assert_eq!(code("110105000000").significant_prefix(), "110105");
    }

    #[test]
    fn malformed_codes_are_rejected_with_reasons() {
        assert_eq!(
            DivisionCode::parse("1101").unwrap_err(),
            DivisionError::Length { found: 4 }
        );
        assert_eq!(
            DivisionCode::parse("11010500100A").unwrap_err(),
            DivisionError::NonDigit { position: 12 }
        );
        assert_eq!(
            DivisionCode::parse("000000000000").unwrap_err().code(),
            "division.zero_province"
        );
        assert_eq!(
            DivisionCode::parse("110000001000").unwrap_err().code(),
            "division.gap"
        );
    }

    #[test]
    fn level_codes_round_trip_and_have_chinese_names() {
        for l in AdminLevel::ALL {
            assert_eq!(AdminLevel::from_code(l.code()), Some(l));
        }
        assert_eq!(AdminLevel::from_code(0), None);
        assert_eq!(AdminLevel::from_code(7), None);
        assert_eq!(AdminLevel::City.name_zh(), "市级");
        assert_eq!(AdminLevel::County.name_zh(), "县级");
        assert_eq!(AdminLevel::Township.name_zh(), "镇(乡、街道)级");
        assert_eq!(AdminLevel::Village.name_zh(), "村(社区)级");
        assert_eq!(AdminLevel::County.code(), 4);
    }

    #[test]
    fn division_codes_serialize_as_plain_strings_and_validate_on_read() {
        let json = serde_json::to_string(&code("110105000000")).unwrap();
        assert_eq!(json, "\"110105000000\"");
        assert!(serde_json::from_str::<DivisionCode>("\"110000001000\"").is_err());
    }
}
