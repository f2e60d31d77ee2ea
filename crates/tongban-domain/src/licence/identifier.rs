//! GB/T 36904 电子证照标识: the 证照类型代码, the identifier and its ISO/IEC 7064 MOD 37,36 check character.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The 电子证照根代码 every identifier starts with.
pub const ROOT: &str = "1.2.156.3005.2";

const ALNUM: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Why an identifier or a type code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenceIdError {
    #[error("证照标识应以 1.2.156.3005.2 开头")]
    Root,
    #[error("证照标识应由根代码和证照类型代码、颁发机构代码、流水号、版本号、校验位五段组成")]
    Parts,
    #[error("证照类型代码应为定义机构的18位统一社会信用代码加3位数字")]
    TypeCode,
    #[error("颁发机构代码应为统一社会信用代码（18位）或行政区划代码（6位）")]
    Issuer,
    #[error("流水号应为1至32位数字或大写字母")]
    Serial,
    #[error("版本号应为3位数字")]
    Version,
    #[error("校验位不正确：应为 {expected}，实为 {found}")]
    Check { expected: char, found: char },
}

impl LicenceIdError {
    /// A stable code for APIs.
    pub fn code(&self) -> &'static str {
        match self {
            LicenceIdError::Root => "licence_id.root",
            LicenceIdError::Parts => "licence_id.parts",
            LicenceIdError::TypeCode => "licence_id.type_code",
            LicenceIdError::Issuer => "licence_id.issuer",
            LicenceIdError::Serial => "licence_id.serial",
            LicenceIdError::Version => "licence_id.version",
            LicenceIdError::Check { .. } => "licence_id.check",
        }
    }
}

fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// ISO/IEC 7064 MOD 37,36 (hybrid) check character over `body` (digits and upper-case letters).
/// `None` if `body` holds any other character.
pub fn check_char(body: &str) -> Option<char> {
    const M: u32 = 36;
    let mut p = M;
    for c in body.bytes() {
        let mut t = (p + value(c)?) % M;
        if t == 0 {
            t = M;
        }
        p = (t * 2) % (M + 1);
    }
    let idx = ((M + 1 - p) % M) as usize;
    Some(char::from(ALNUM[idx]))
}

fn is_upper_alnum(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| value(c).is_some())
}

/// 证照类型代码: the defining authority's 统一社会信用代码 (18) followed by a 3-digit sequence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LicenceTypeCode(String);

impl LicenceTypeCode {
    /// Parses a type code. The authority part must have the shape of a credit code (18 digits or
    /// upper-case letters); its check digit is not required, because type codes are assigned by
    /// others and quoted as they are.
    pub fn parse(s: &str) -> Result<Self, LicenceIdError> {
        let s = s.trim();
        // ASCII first: byte offsets below are char boundaries only then (a fuzzed identifier
        // with a wide space inside panicked here).
        if s.len() != 21
            || !s.is_ascii()
            || !is_upper_alnum(&s[..18])
            || !s[18..].bytes().all(|c| c.is_ascii_digit())
        {
            return Err(LicenceIdError::TypeCode);
        }
        Ok(Self(s.to_string()))
    }

    /// Builds a type code from an authority code and a sequence number (1–999).
    pub fn new(authority: &str, sequence: u16) -> Result<Self, LicenceIdError> {
        Self::parse(&format!("{authority}{sequence:03}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The defining authority's credit code.
    pub fn authority(&self) -> &str {
        &self.0[..18]
    }
}

impl fmt::Display for LicenceTypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for LicenceTypeCode {
    type Error = LicenceIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<LicenceTypeCode> for String {
    fn from(c: LicenceTypeCode) -> String {
        c.0
    }
}

/// A GB/T 36904 证照标识 whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LicenceId {
    text: String,
}

/// The parts of an identifier, read without judging its check character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceIdParts {
    pub type_code: LicenceTypeCode,
    pub issuer: String,
    pub serial: String,
    pub version: String,
    pub check: char,
}

impl LicenceIdParts {
    /// The text the check character is computed over.
    pub fn body(&self) -> String {
        format!(
            "{}{}{}{}",
            self.type_code, self.issuer, self.serial, self.version
        )
    }

    /// The check character these parts should carry.
    pub fn expected_check(&self) -> char {
        // Every part was checked to be upper-case alphanumeric when parsed.
        check_char(&self.body()).unwrap_or('?')
    }
}

impl LicenceId {
    /// Generates an identifier with its check character.
    pub fn generate(
        type_code: &LicenceTypeCode,
        issuer: &str,
        serial: &str,
        version: u16,
    ) -> Result<Self, LicenceIdError> {
        if issuer.len() != 18 || !is_upper_alnum(issuer) {
            return Err(LicenceIdError::Issuer);
        }
        if serial.is_empty() || serial.len() > 32 || !is_upper_alnum(serial) {
            return Err(LicenceIdError::Serial);
        }
        if !(1..=999).contains(&version) {
            return Err(LicenceIdError::Version);
        }
        let parts = LicenceIdParts {
            type_code: type_code.clone(),
            issuer: issuer.to_string(),
            serial: serial.to_string(),
            version: format!("{version:03}"),
            check: '0',
        };
        let check = parts.expected_check();
        Ok(Self::from_parts(&LicenceIdParts { check, ..parts }))
    }

    fn from_parts(p: &LicenceIdParts) -> Self {
        Self {
            text: format!(
                "{ROOT}.{}.{}.{}.{}.{}",
                p.type_code, p.issuer, p.serial, p.version, p.check
            ),
        }
    }

    /// Reads the parts of an identifier; the check character is read but not judged.
    pub fn parse_parts(s: &str) -> Result<LicenceIdParts, LicenceIdError> {
        let s = s.trim();
        let rest = s
            .strip_prefix(ROOT)
            .and_then(|r| r.strip_prefix('.'))
            .ok_or(LicenceIdError::Root)?;
        let parts: Vec<&str> = rest.split('.').collect();
        let [type_code, issuer, serial, version, check] = parts[..] else {
            return Err(LicenceIdError::Parts);
        };
        let type_code = LicenceTypeCode::parse(type_code)?;
        // Issuers write an 18-character credit code; some provinces wrote a 6-digit division
        // code instead (standards.md §2.3, the fourth sample). Both are read.
        if !(issuer.len() == 18 || issuer.len() == 6) || !is_upper_alnum(issuer) {
            return Err(LicenceIdError::Issuer);
        }
        if serial.len() > 32 || !is_upper_alnum(serial) {
            return Err(LicenceIdError::Serial);
        }
        if version.len() != 3 || !version.bytes().all(|c| c.is_ascii_digit()) {
            return Err(LicenceIdError::Version);
        }
        let mut chars = check.chars();
        let (Some(check), None) = (chars.next(), chars.next()) else {
            return Err(LicenceIdError::Parts);
        };
        if value(check as u8).is_none() || !check.is_ascii() {
            return Err(LicenceIdError::Parts);
        }
        Ok(LicenceIdParts {
            type_code,
            issuer: issuer.to_string(),
            serial: serial.to_string(),
            version: version.to_string(),
            check,
        })
    }

    /// Parses an identifier and requires its check character to be right.
    pub fn parse(s: &str) -> Result<Self, LicenceIdError> {
        let parts = Self::parse_parts(s)?;
        let expected = parts.expected_check();
        if expected != parts.check {
            return Err(LicenceIdError::Check {
                expected,
                found: parts.check,
            });
        }
        Ok(Self::from_parts(&parts))
    }

    /// Accepts an identifier made elsewhere whose check character is wrong (an admin's
    /// override at import); the caller must keep a warning on the record.
    pub fn accept_unchecked(parts: &LicenceIdParts) -> Self {
        Self::from_parts(parts)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parts of this identifier.
    pub fn parts(&self) -> LicenceIdParts {
        // A LicenceId is only ever built from parts that parse.
        match Self::parse_parts(&self.text) {
            Ok(p) => p,
            Err(_) => LicenceIdParts {
                type_code: LicenceTypeCode(String::new()),
                issuer: String::new(),
                serial: String::new(),
                version: String::new(),
                check: '?',
            },
        }
    }

    /// Whether the check character is right (false only for an admin-accepted import).
    pub fn check_ok(&self) -> bool {
        let p = self.parts();
        p.expected_check() == p.check
    }
}

impl fmt::Display for LicenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl TryFrom<String> for LicenceId {
    type Error = LicenceIdError;
    /// Deserialising accepts a stored identifier whose check failed but was accepted by an
    /// admin; only the shape is required here.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let parts = Self::parse_parts(&s)?;
        Ok(Self::from_parts(&parts))
    }
}

impl From<LicenceId> for String {
    fn from(id: LicenceId) -> String {
        id.text
    }
}
