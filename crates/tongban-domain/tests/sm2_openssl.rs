//! Interoperability of licence signatures with an independent SM2 implementation (the OpenSSL
//! command line, 3.x): Tongban's signatures verify in OpenSSL, OpenSSL's verify in Tongban, and
//! one changed byte fails in both.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tongban_domain::licence::{LicenceSigner, LicenceVerifier};

const USER_ID: &str = "distid:1234567812345678";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tongban-sm2-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command (Debian package openssl) must be installed")
}

fn openssl_verifies(d: &Path, pem: &str, message: &[u8], sig: &[u8]) -> bool {
    std::fs::write(d.join("pub.pem"), pem).unwrap();
    std::fs::write(d.join("msg"), message).unwrap();
    std::fs::write(d.join("sig.der"), sig).unwrap();
    let out = openssl(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        d.join("pub.pem").to_str().unwrap(),
        "-rawin",
        "-in",
        d.join("msg").to_str().unwrap(),
        "-sigfile",
        d.join("sig.der").to_str().unwrap(),
        "-digest",
        "sm3",
        "-pkeyopt",
        USER_ID,
    ]);
    String::from_utf8_lossy(&out.stdout).contains("Signature Verified Successfully")
}

const HEADER: &str = "TBL/1\nid=1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U\nname=营业执照\n";

#[test]
fn a_tongban_signature_verifies_in_openssl_and_a_changed_byte_does_not() {
    let d = dir("ours");
    let signer = LicenceSigner::from_scalar(&[0x5a; 32]).unwrap();
    let sig = signer.sign(HEADER.as_bytes());
    assert!(openssl_verifies(
        &d,
        signer.public_pem(),
        HEADER.as_bytes(),
        &sig
    ));
    let mut changed = HEADER.as_bytes().to_vec();
    changed[30] ^= 1;
    assert!(!openssl_verifies(&d, signer.public_pem(), &changed, &sig));
}

#[test]
fn an_openssl_signature_with_a_published_key_verifies_in_tongban() {
    let d = dir("theirs");
    let key = d.join("k.pem");
    assert!(
        openssl(&[
            "genpkey",
            "-algorithm",
            "SM2",
            "-out",
            key.to_str().unwrap()
        ])
        .status
        .success()
    );
    let public = openssl(&["pkey", "-in", key.to_str().unwrap(), "-pubout"]);
    let pem = String::from_utf8(public.stdout).unwrap();
    std::fs::write(d.join("msg"), HEADER).unwrap();
    let sig_path = d.join("sig.der");
    let out = openssl(&[
        "pkeyutl",
        "-sign",
        "-inkey",
        key.to_str().unwrap(),
        "-rawin",
        "-in",
        d.join("msg").to_str().unwrap(),
        "-out",
        sig_path.to_str().unwrap(),
        "-digest",
        "sm3",
        "-pkeyopt",
        USER_ID,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sig = std::fs::read(&sig_path).unwrap();
    let verifier = LicenceVerifier::from_pem(&pem).unwrap();
    assert!(verifier.verify(HEADER.as_bytes(), &sig).unwrap());
    let mut changed = HEADER.as_bytes().to_vec();
    changed[HEADER.len() - 2] ^= 1;
    assert!(!verifier.verify(&changed, &sig).unwrap());
}
