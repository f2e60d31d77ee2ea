//! The pure parsers of tongban-domain: 公民身份号码, 统一社会信用代码, 证照标识, the licence QR
//! payload with its signed header, the licence file and a calendar year's import.

use time::macros::date;
use tongban_domain::licence::identifier::LicenceId;
use tongban_domain::licence::payload::{LicenceFile, SignedLicence, read_presented};
use tongban_domain::licence::signed::SignedHeader;
use tongban_domain::{CalendarYear, ResidentIdNumber, Uscc, resident_id, uscc};

use crate::text;

/// GB 11643: a valid number is 18 characters, its check digit is the computed one, it is not
/// born after "today", it is stored trimmed and re-parses to itself, and it is never shown
/// unmasked.
pub fn check_resident_id(data: &[u8]) {
    let Some(s) = text(data) else { return };
    let today = date!(2026 - 11 - 30);
    let Ok(id) = ResidentIdNumber::parse(s, today) else {
        return;
    };
    let full = id.as_str();
    assert_eq!(full, s.trim());
    assert_eq!(full.len(), 18);
    let (first17, last) = full.split_at(17);
    assert_eq!(
        resident_id::check_digit(first17).map(String::from),
        Some(last.to_string())
    );
    assert!(id.birth_date() <= today);
    assert_eq!(ResidentIdNumber::parse(full, today).ok(), Some(id.clone()));
    let shown = id.to_string();
    assert_eq!(shown, id.masked());
    assert_eq!(&shown[6..14], "********", "the birth date is masked");
    assert_eq!((&shown[..6], &shown[14..]), (&full[..6], &full[14..]));
}

/// GB 32100: a valid code is 18 characters with the computed check character, re-parses from
/// its display form, and its division code is six digits.
pub fn check_uscc(data: &[u8]) {
    let Some(s) = text(data) else { return };
    let Ok(code) = Uscc::parse(s) else { return };
    let full = code.as_str();
    assert_eq!(full.len(), 18);
    let (first17, last) = full.split_at(17);
    assert_eq!(
        uscc::check_char(first17).map(String::from),
        Some(last.to_string())
    );
    assert_eq!(Uscc::parse(&code.to_string()).ok(), Some(code.clone()));
    assert_eq!(code.division_code().len(), 6);
    assert!(code.division_code().bytes().all(|b| b.is_ascii_digit()));
}

/// GB/T 36904 证照标识: a valid identifier's check character is right, it re-parses from its
/// display form and from its parts; an identifier refused only for its check character is
/// exactly one whose parts read but whose check is wrong.
pub fn check_licence_id(data: &[u8]) {
    let Some(s) = text(data) else { return };
    match LicenceId::parse(s) {
        Ok(id) => {
            assert!(id.check_ok());
            let parts = id.parts();
            assert_eq!(parts.check, parts.expected_check());
            assert_eq!(LicenceId::parse(&id.to_string()).ok(), Some(id.clone()));
            assert_eq!(LicenceId::accept_unchecked(&parts), id);
            assert_eq!(LicenceId::parse_parts(s).ok(), Some(parts));
        }
        Err(_) => {
            if let Ok(parts) = LicenceId::parse_parts(s) {
                let unchecked = LicenceId::accept_unchecked(&parts);
                assert_eq!(unchecked.check_ok(), parts.check == parts.expected_check());
                if parts.check == parts.expected_check() {
                    // Parts that read with the right check must parse whole.
                    assert!(LicenceId::parse(unchecked.as_str()).is_ok());
                }
            }
        }
    }
}

/// The QR payload `TBL1.<header>.<signature>`: a payload that reads re-encodes to one that
/// reads the same, and a signed header that parses re-serialises to the same header.
pub fn check_qr_payload(data: &[u8]) {
    let Some(s) = text(data) else {
        let _ = read_presented(data);
        return;
    };
    if let Ok(signed) = SignedLicence::from_qr(s) {
        assert!(!signed.header_bytes.is_empty() && !signed.signature.is_empty());
        let again = SignedLicence::from_qr(&signed.qr_payload());
        assert_eq!(again.as_ref().ok(), Some(&signed));
        check_header(&signed.header_bytes);
    }
    check_header(data);
    let _ = read_presented(data);
}

fn check_header(bytes: &[u8]) {
    if let Ok(header) = SignedHeader::parse(bytes) {
        let again = SignedHeader::parse(&header.to_bytes());
        assert_eq!(again.as_ref().ok(), Some(&header), "header round trip");
        assert!(header.id.check_ok() || LicenceId::parse(header.id.as_str()).is_err());
    }
}

/// The licence file (`tongban-licence/1`): a file that parses re-parses from its JSON to the
/// same file, and its signed part round-trips through the QR payload.
pub fn check_licence_file(data: &[u8]) {
    let Ok(file) = LicenceFile::parse(data) else {
        return;
    };
    let again = LicenceFile::parse(file.to_json().as_bytes());
    assert_eq!(again.as_ref().ok(), Some(&file));
    if let Ok(signed) = file.signed()
        && !signed.header_bytes.is_empty()
        && !signed.signature.is_empty()
    {
        let from_qr = SignedLicence::from_qr(&signed.qr_payload());
        assert_eq!(from_qr.ok(), Some(signed.clone()));
        check_header(&signed.header_bytes);
    }
}

/// A calendar year's import: a year that parses validates, re-parses from its JSON to the
/// same year, and has at most 366 working days.
pub fn check_calendar_year(data: &[u8]) {
    let Some(s) = text(data) else { return };
    let Ok(year) = CalendarYear::from_json(s) else {
        return;
    };
    assert!(year.validate().is_ok(), "a parsed year validates");
    let again = CalendarYear::from_json(&year.to_json());
    assert_eq!(again.as_ref().ok(), Some(&year));
    assert!(year.working_day_count() <= 366);
    for d in year.holidays.keys() {
        assert!(!year.is_working_day(*d), "a holiday is no working day");
    }
    for d in year.makeup_workdays.keys() {
        assert!(year.is_working_day(*d), "a makeup day is worked");
    }
}
