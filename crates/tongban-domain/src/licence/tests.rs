//! Tests of identifiers, headers, signatures and sealing.

use std::collections::BTreeMap;

use proptest::prelude::*;
use time::macros::date;

use super::*;

const REAL: [&str; 4] = [
    "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F",
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
    "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9",
];

#[test]
fn the_worked_example_of_the_standard_gives_u() {
    assert_eq!(
        check_char("11100000000013338W01111430000006122244L20230000403001"),
        Some('U')
    );
}

#[test]
fn the_four_real_identifiers_of_standards_2_3_verify() {
    for id in REAL {
        let parsed = LicenceId::parse(id).unwrap();
        assert_eq!(parsed.as_str(), id);
        assert!(parsed.check_ok());
    }
}

#[test]
fn a_wrong_check_character_is_refused_with_the_right_one_named() {
    let bad = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.V";
    assert_eq!(
        LicenceId::parse(bad),
        Err(LicenceIdError::Check {
            expected: 'U',
            found: 'V'
        })
    );
    let parts = LicenceId::parse_parts(bad).unwrap();
    let accepted = LicenceId::accept_unchecked(&parts);
    assert!(!accepted.check_ok());
}

#[test]
fn malformed_identifiers_are_refused_by_part() {
    assert_eq!(LicenceId::parse("1.2.3"), Err(LicenceIdError::Root));
    assert_eq!(
        LicenceId::parse("1.2.156.3005.2.11100000000013338W011.11430000006122244L.001.U"),
        Err(LicenceIdError::Parts)
    );
    assert_eq!(
        LicenceId::parse("1.2.156.3005.2.1110000000001333W011.11430000006122244L.2023.001.U"),
        Err(LicenceIdError::TypeCode)
    );
    assert_eq!(
        LicenceId::parse("1.2.156.3005.2.11100000000013338W011.11430000006122244L.2023.01.U"),
        Err(LicenceIdError::Version)
    );
    assert_eq!(
        LicenceId::parse("1.2.156.3005.2.11100000000013338W011.11430000006122244L.ab.001.U"),
        Err(LicenceIdError::Serial)
    );
}

fn alnum() -> impl Strategy<Value = String> {
    "[0-9A-Z]{1,60}"
}

/// ISO/IEC 7064 hybrid systems verify by running the same recurrence over the body and its
/// check character: the last intermediate value must be 1.
fn hybrid_verifies(full: &str) -> bool {
    let m = 36u32;
    let mut p = m;
    let mut last = 0;
    for c in full.chars() {
        let v = c.to_digit(36).unwrap();
        let mut t = (p + v) % m;
        if t == 0 {
            t = m;
        }
        last = t;
        p = (t * 2) % (m + 1);
    }
    last == 1
}

proptest! {
    #[test]
    fn every_check_character_satisfies_the_iso_7064_verification_rule(body in alnum()) {
        let c = check_char(&body).unwrap();
        let full = format!("{}{}", body, c);
        prop_assert!(hybrid_verifies(&full));
    }

    #[test]
    fn a_single_changed_character_changes_the_check(body in alnum(), pos in 0usize..60, to in 0u32..36) {
        let pos = pos % body.len();
        let mut chars: Vec<char> = body.chars().collect();
        let new = std::char::from_digit(to, 36).unwrap().to_ascii_uppercase();
        prop_assume!(chars[pos] != new);
        let c = check_char(&body).unwrap();
        chars[pos] = new;
        let changed: String = chars.into_iter().collect();
        prop_assert_ne!(check_char(&changed).unwrap(), c);
    }

    #[test]
    fn every_generated_identifier_parses_back(serial in "[0-9A-Z]{1,32}", seq in 1u16..999, version in 1u16..999) {
        let code = LicenceTypeCode::new("11511900MB1234567X", seq).unwrap();
        let id = LicenceId::generate(&code, "11511900MB0000001Y", &serial, version).unwrap();
        prop_assert_eq!(LicenceId::parse(id.as_str()).unwrap(), id);
    }
}

fn facts() -> LicenceFacts {
    let code = LicenceTypeCode::new("11511900MB1234567X", 1).unwrap();
    let id = LicenceId::generate(&code, "11511900MB0000001Y", "AB12CD34EF56GH78JK90", 1).unwrap();
    let mut face = BTreeMap::new();
    face.insert(
        "KZ_JYFW".to_string(),
        "预包装食品销售\n散装食品销售".to_string(),
    );
    face.insert("KZ_ZS".to_string(), "巴州区江北大道1号".to_string());
    LicenceFacts {
        id,
        type_code: code,
        name: "食品经营许可证".into(),
        number: "JY15119020000001".into(),
        holder: Holder {
            name: "巴中市某某食品有限公司".into(),
            kind: HolderKind::Organisation,
            code: "91511900MA62000001".into(),
        },
        issuer_name: "巴中市市场监督管理局".into(),
        issuer_code: "11511900MB0000001Y".into(),
        issued_on: date!(2026 - 11 - 30),
        valid_from: date!(2026 - 11 - 30),
        valid_until: Some(date!(2031 - 11 - 29)),
        face,
    }
}

fn signer() -> LicenceSigner {
    LicenceSigner::from_scalar(&[7u8; 32]).unwrap()
}

#[test]
fn a_header_reads_back_exactly_and_binds_face_and_holder() {
    let f = facts();
    let h = SignedHeader::of(&f, "0011223344556677");
    let bytes = h.to_bytes();
    let back = SignedHeader::parse(&bytes).unwrap();
    assert_eq!(back, h);
    assert!(back.face_matches(&f.face));
    assert!(back.holder_is("91511900MA62000001"));
    assert!(!back.holder_is("91511900MA62000002"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("TBL/1\nid=1.2.156.3005.2."));
    assert!(
        !text.contains("91511900MA62000001"),
        "the holder code is never in the header"
    );
}

#[test]
fn headers_in_another_shape_are_refused() {
    let h = SignedHeader::of(&facts(), "k").to_bytes();
    let crlf = String::from_utf8(h.clone()).unwrap().replace('\n', "\r\n");
    assert!(SignedHeader::parse(crlf.as_bytes()).is_err());
    let mut extra = h.clone();
    extra.extend_from_slice(b"x=y\n");
    assert!(SignedHeader::parse(&extra).is_err());
    assert!(SignedHeader::parse(&h[..h.len() - 1]).is_err());
}

#[test]
fn a_signed_licence_verifies_and_any_changed_byte_fails() {
    let s = signer();
    let bytes = SignedHeader::of(&facts(), s.key_id()).to_bytes();
    let sig = s.sign(&bytes);
    let v = LicenceVerifier::from_pem(s.public_pem()).unwrap();
    assert_eq!(v.key_id(), s.key_id());
    assert!(v.verify(&bytes, &sig).unwrap());
    for i in [0, 10, bytes.len() / 2, bytes.len() - 1] {
        let mut changed = bytes.clone();
        changed[i] ^= 0x01;
        assert!(!v.verify(&changed, &sig).unwrap(), "byte {i}");
    }
}

#[test]
fn qr_payloads_and_files_round_trip_and_check() {
    let s = signer();
    let f = facts();
    let header = SignedHeader::of(&f, s.key_id()).to_bytes();
    let signed = SignedLicence {
        signature: s.sign(&header),
        header_bytes: header,
    };
    let qr = signed.qr_payload();
    let url = format!("https://tongban.example/v?p={qr}");
    assert_eq!(SignedLicence::from_qr(&url).unwrap(), signed);
    let v = s.verifier();
    let check = check_signed(&signed, None, |_| Some(&v)).unwrap();
    assert!(check.is_genuine());
    let file = LicenceFile::new(&signed, &f.face);
    let Presented::File(back) = read_presented(file.to_json().as_bytes()).unwrap() else {
        panic!("a file")
    };
    assert!(
        check_signed(&back.signed().unwrap(), Some(&back.face), |_| Some(&v))
            .unwrap()
            .is_genuine()
    );
    let mut altered = back.face.clone();
    altered.insert("KZ_ZS".into(), "别处".into());
    assert_eq!(
        check_signed(&back.signed().unwrap(), Some(&altered), |_| Some(&v))
            .unwrap()
            .code(),
        "face_altered"
    );
    assert_eq!(
        check_signed(&signed, None, |_| None).unwrap().code(),
        "unknown_key"
    );
    let mut pdf_like = b"%PDF-1.7\n(".to_vec();
    pdf_like.extend_from_slice(qr.as_bytes());
    pdf_like.extend_from_slice(b") Tj\n");
    assert_eq!(
        read_presented(&pdf_like).unwrap(),
        Presented::Payload(signed)
    );
}

#[test]
fn a_sealed_key_opens_only_with_its_master_key_and_key_id() {
    let master = [3u8; 16];
    let sealed = seal_secret(&master, &[9u8; 12], &[7u8; 32], b"kid").unwrap();
    assert_eq!(
        open_secret(&master, &sealed, b"kid").unwrap(),
        vec![7u8; 32]
    );
    assert!(open_secret(&[4u8; 16], &sealed, b"kid").is_err());
    assert!(open_secret(&master, &sealed, b"other").is_err());
}

#[test]
fn validity_ends_the_day_before_the_anniversary() {
    assert_eq!(
        Validity::Years(5).until(date!(2026 - 03 - 01)),
        Some(date!(2031 - 02 - 28))
    );
    assert_eq!(
        Validity::Years(1).until(date!(2024 - 02 - 29)),
        Some(date!(2025 - 02 - 27))
    );
    assert_eq!(
        Validity::Months(6).until(date!(2026 - 08 - 31)),
        Some(date!(2027 - 02 - 27))
    );
    assert_eq!(Validity::Permanent.until(date!(2026 - 03 - 01)), None);
}

#[test]
fn status_puts_revocation_before_dates() {
    use LicenceState::*;
    let from = date!(2026 - 01 - 01);
    let until = Some(date!(2026 - 12 - 31));
    assert_eq!(
        LicenceStatus::of(Active, from, until, date!(2026 - 06 - 01)),
        LicenceStatus::Valid
    );
    assert_eq!(
        LicenceStatus::of(Active, from, until, date!(2027 - 01 - 01)),
        LicenceStatus::Expired
    );
    assert_eq!(
        LicenceStatus::of(Active, from, until, date!(2025 - 12 - 31)),
        LicenceStatus::NotYetValid
    );
    assert_eq!(
        LicenceStatus::of(Revoked, from, until, date!(2027 - 01 - 01)),
        LicenceStatus::Revoked
    );
    assert_eq!(
        LicenceStatus::of(Suspended, from, None, date!(2026 - 06 - 01)),
        LicenceStatus::Suspended
    );
}

#[test]
fn the_mutual_recognition_list_allows_only_listed_uses() {
    let code = LicenceTypeCode::new("11511900MB1234567X", 1).unwrap();
    let list = vec![
        Recognition {
            department_id: "d1".into(),
            type_code: code.clone(),
            item_code: None,
        },
        Recognition {
            department_id: "d2".into(),
            type_code: code.clone(),
            item_code: Some("000101".into()),
        },
    ];
    assert!(recognised(&list, "d1", &code, "anything"));
    assert!(recognised(&list, "d2", &code, "000101"));
    assert!(!recognised(&list, "d2", &code, "000102"));
    assert!(!recognised(&list, "d3", &code, "000101"));
}

#[test]
fn a_type_code_with_a_wide_character_inside_is_refused_not_a_panic() {
    // Found by the `licence_id` fuzz target: U+2008 straddled byte 18 and slicing panicked.
    let id = "1.2.156.3005.2.11100000000019713\u{2008}1.115119000086001 27Q.11000000.001.\t";
    assert!(LicenceId::parse(id).is_err());
    assert!(LicenceTypeCode::parse("11100000000019713\u{2008}1").is_err());
}
