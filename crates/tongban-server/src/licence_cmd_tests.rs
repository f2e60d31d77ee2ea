//! Offline verification through the command's function: a genuine licence file, a forged one,
//! one signed by an unknown key, one listed in a signed status list, and bad inputs.

use std::collections::BTreeMap;
use std::path::PathBuf;

use base64::Engine;
use time::macros::date;
use tongban_domain::licence::{
    Holder, HolderKind, LicenceFacts, LicenceFile, LicenceId, LicenceSigner, LicenceTypeCode,
    SignedHeader, SignedLicence,
};

use super::*;

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Dir {
    fn new() -> Dir {
        let dir = std::env::temp_dir().join(format!("tongban-lic-cli-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

fn facts() -> LicenceFacts {
    let code = LicenceTypeCode::new("11511900MB1234567X", 1).unwrap();
    let id = LicenceId::generate(&code, "11511900MB0000001Y", "AB12CD34EF56GH78JK90", 1).unwrap();
    LicenceFacts {
        id,
        type_code: code,
        name: "食品经营许可证".into(),
        number: "JY15119020000001".into(),
        holder: Holder {
            name: "张三".into(),
            kind: HolderKind::Person,
            code: "11010519491231002X".into(),
        },
        issuer_name: "巴中市市场监督管理局".into(),
        issuer_code: "11511900MB0000001Y".into(),
        issued_on: date!(2026 - 11 - 30),
        valid_from: date!(2026 - 11 - 30),
        valid_until: Some(date!(2031 - 11 - 29)),
        face: BTreeMap::from([("KZ_JYFW".to_string(), "预包装食品销售".to_string())]),
    }
}

fn signer(seed: u8) -> LicenceSigner {
    LicenceSigner::from_scalar(&[seed; 32]).unwrap()
}

fn licence_file(by: &LicenceSigner) -> LicenceFile {
    let f = facts();
    let header = SignedHeader::of(&f, by.key_id()).to_bytes();
    let signature = by.sign(&header);
    LicenceFile::new(
        &SignedLicence {
            header_bytes: header,
            signature,
        },
        &f.face,
    )
}

fn keys_json(keys: &[(&LicenceSigner, &str)]) -> Vec<u8> {
    let keys: Vec<serde_json::Value> = keys
        .iter()
        .map(|(s, dept)| {
            serde_json::json!({
                "key_id": s.key_id(), "department_id": dept, "department_name": "巴中市市场监督管理局",
                "public_pem": s.public_pem(), "created_at_ms": 0, "retired_at_ms": null
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "keys": keys })).unwrap()
}

fn status_list(by: &LicenceSigner, entries: serde_json::Value) -> Vec<u8> {
    let list = serde_json::to_string(&serde_json::json!({
        "format": "tongban-status-list/1", "generated_at_ms": 1_764_460_800_000_i64, "entries": entries
    }))
    .unwrap();
    let signature = base64::engine::general_purpose::STANDARD.encode(by.sign(list.as_bytes()));
    serde_json::to_vec(
        &serde_json::json!({ "list": list, "signature": signature, "key_id": by.key_id() }),
    )
    .unwrap()
}

const TODAY: Date = date!(2026 - 12 - 01);

#[test]
fn a_genuine_licence_file_verifies_offline_and_exits_zero() {
    let dir = Dir::new();
    let dept = signer(7);
    let platform = signer(9);
    let file = dir.write("licence.json", licence_file(&dept).to_json().as_bytes());
    let keys = dir.write(
        "keys.json",
        &keys_json(&[(&dept, "511900-scjgj"), (&platform, "platform")]),
    );
    let list = dir.write(
        "status.json",
        &status_list(&platform, serde_json::json!([])),
    );
    let out = verify(&file, Some(&keys), Some(&list), TODAY);
    assert_eq!((out.exit, out.verdict), (EXIT_OK, "valid"), "{}", out.text);
    assert!(out.text.contains("结论：✔"), "{}", out.text);
    assert!(out.text.contains("holder: 张*"));
    assert!(out.text.contains("face: matches"));
    assert!(out.text.contains("status-list: not listed"));
    assert!(
        !out.text.contains("11010519491231002X"),
        "the holder code is never printed"
    );

    // The QR text alone (a text file holding the URL) verifies too.
    let signed = licence_file(&dept).signed().unwrap();
    let qr = dir.write(
        "qr.txt",
        format!("https://x.example/verify?p={}\n", signed.qr_payload()).as_bytes(),
    );
    let out = verify(&qr, Some(&keys), None, TODAY);
    assert_eq!(out.exit, EXIT_OK, "{}", out.text);

    // A directory of PEM files works as KEYS.
    let pems = Dir::new();
    pems.write("market.pem", dept.public_pem().as_bytes());
    assert_eq!(verify(&file, Some(&pems.0), None, TODAY).exit, EXIT_OK);

    // After the validity period it is refused.
    let later = verify(&file, Some(&keys), None, date!(2031 - 11 - 30));
    assert_eq!((later.exit, later.verdict), (EXIT_REFUSED, "expired"));
}

#[test]
fn a_forged_header_or_altered_face_exits_one() {
    let dir = Dir::new();
    let dept = signer(7);
    let keys = dir.write("keys.json", &keys_json(&[(&dept, "511900-scjgj")]));
    let genuine = licence_file(&dept);
    let mut signed = genuine.signed().unwrap();
    let text = String::from_utf8(signed.header_bytes.clone()).unwrap();
    signed.header_bytes = text
        .replace("JY15119020000001", "JY15119020000009")
        .into_bytes();
    let forged = dir.write(
        "forged.json",
        LicenceFile::new(&signed, &genuine.face)
            .to_json()
            .as_bytes(),
    );
    let out = verify(&forged, Some(&keys), None, TODAY);
    assert_eq!(
        (out.exit, out.verdict),
        (EXIT_REFUSED, "forged"),
        "{}",
        out.text
    );

    let mut face = genuine.clone();
    face.face.insert("KZ_JYFW".into(), "药品零售".into());
    let altered = dir.write("altered.json", face.to_json().as_bytes());
    let out = verify(&altered, Some(&keys), None, TODAY);
    assert_eq!((out.exit, out.verdict), (EXIT_REFUSED, "face_altered"));
}

#[test]
fn a_licence_signed_by_a_key_not_in_keys_exits_one() {
    let dir = Dir::new();
    let keys = dir.write("keys.json", &keys_json(&[(&signer(7), "511900-scjgj")]));
    let file = dir.write(
        "licence.json",
        licence_file(&signer(8)).to_json().as_bytes(),
    );
    let out = verify(&file, Some(&keys), None, TODAY);
    assert_eq!((out.exit, out.verdict), (EXIT_REFUSED, "unknown_key"));
    let out = verify(&file, None, None, TODAY);
    assert_eq!(out.exit, EXIT_REFUSED);
}

#[test]
fn a_licence_listed_in_a_signed_status_list_exits_one_and_a_forged_list_is_bad_input() {
    let dir = Dir::new();
    let dept = signer(7);
    let platform = signer(9);
    let licence = licence_file(&dept);
    let id = licence
        .signed()
        .unwrap()
        .header()
        .unwrap()
        .id
        .as_str()
        .to_string();
    let file = dir.write("licence.json", licence.to_json().as_bytes());
    let keys = dir.write(
        "keys.json",
        &keys_json(&[(&dept, "511900-scjgj"), (&platform, "platform")]),
    );
    let entries =
        serde_json::json!([{ "id": id, "state": "revoked", "since_ms": 1_764_460_000_000_i64 }]);
    let list = dir.write("status.json", &status_list(&platform, entries.clone()));
    let out = verify(&file, Some(&keys), Some(&list), TODAY);
    assert_eq!(
        (out.exit, out.verdict),
        (EXIT_REFUSED, "revoked"),
        "{}",
        out.text
    );
    assert!(out.text.contains("status-list: listed revoked"));

    // Signed by a department key rather than the platform's: not trusted.
    let by_dept = dir.write("dept-list.json", &status_list(&dept, entries.clone()));
    assert_eq!(
        verify(&file, Some(&keys), Some(&by_dept), TODAY).exit,
        EXIT_BAD_INPUT
    );
    // Edited after signing: refused.
    let mut edited: serde_json::Value =
        serde_json::from_slice(&status_list(&platform, entries)).unwrap();
    edited["list"] = serde_json::Value::String(
        edited["list"]
            .as_str()
            .unwrap()
            .replace("revoked", "suspended"),
    );
    let edited = dir.write("edited.json", &serde_json::to_vec(&edited).unwrap());
    assert_eq!(
        verify(&file, Some(&keys), Some(&edited), TODAY).exit,
        EXIT_BAD_INPUT
    );
}

#[test]
fn unreadable_inputs_exit_two() {
    let dir = Dir::new();
    let junk = dir.write("junk.txt", b"no licence here");
    let out = verify(&junk, None, None, TODAY);
    assert_eq!((out.exit, out.verdict), (EXIT_BAD_INPUT, "bad_input"));
    let missing = dir.0.join("missing.json");
    assert_eq!(verify(&missing, None, None, TODAY).exit, EXIT_BAD_INPUT);
    let file = dir.write(
        "licence.json",
        licence_file(&signer(7)).to_json().as_bytes(),
    );
    let bad_keys = dir.write("keys.json", b"{\"keys\": 3}");
    assert_eq!(
        verify(&file, Some(&bad_keys), None, TODAY).exit,
        EXIT_BAD_INPUT
    );
    let mut v: serde_json::Value =
        serde_json::from_slice(&keys_json(&[(&signer(7), "x")])).unwrap();
    v["keys"][0]["key_id"] = "0000000000000000".into();
    let lying = dir.write("lying.json", &serde_json::to_vec(&v).unwrap());
    assert_eq!(
        verify(&file, Some(&lying), None, TODAY).exit,
        EXIT_BAD_INPUT
    );
}
