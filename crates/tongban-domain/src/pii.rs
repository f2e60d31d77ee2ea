//! Sealing personal fields at rest (ID numbers, phone numbers, email addresses): SM4-GCM with a
//! fresh 96-bit nonce per value, the value bound to its column and row through the associated
//! data, written as versioned text `sm4g1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`.
//! Randomness (the nonce) is always passed in.

use aes_gcm::AesGcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use sm2::elliptic_curve::consts::U12;

use crate::crypto::{hmac_sm3, sm3, to_hex};

/// What every sealed value starts with (version 1 of the format).
pub const SEALED_PREFIX: &str = "sm4g1:";

/// The label the data key is derived under from the configured secret.
const DATA_KEY_LABEL: &[u8] = b"tongban/pii/sm4-gcm-data-key/v1";

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// Why a sealed value could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PiiError {
    #[error("pii.format: the sealed value is malformed")]
    Format,
    #[error("pii.unknown_key: the value was sealed under key {0}, which is not configured")]
    UnknownKey(String),
    #[error("pii.open: the sealed value does not open (wrong key, column or row, or tampered)")]
    Open,
}

impl PiiError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            PiiError::Format => "pii.format",
            PiiError::UnknownKey(_) => "pii.unknown_key",
            PiiError::Open => "pii.open",
        }
    }
}

/// The 16-byte SM4 data key personal fields are sealed under, with its public key id.
#[derive(Clone, PartialEq, Eq)]
pub struct PiiKey {
    key: [u8; 16],
    key_id: String,
}

impl std::fmt::Debug for PiiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiiKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl PiiKey {
    /// The data key derived from a configured secret: HMAC-SM3(secret, label), first 16 bytes.
    /// The label keeps it apart from every other use of the same secret.
    pub fn derive(secret: &[u8]) -> PiiKey {
        let wide = hmac_sm3(secret, DATA_KEY_LABEL);
        let mut key = [0u8; 16];
        key.copy_from_slice(&wide[..16]);
        PiiKey::from_bytes(key)
    }

    /// A data key given as bytes. Its key id is the first 8 hex digits of an SM3 over a label
    /// and the key: it names the key without revealing it.
    pub fn from_bytes(key: [u8; 16]) -> PiiKey {
        let mut msg = b"tongban/pii/key-id/v1\0".to_vec();
        msg.extend_from_slice(&key);
        let key_id = to_hex(&sm3(&msg))[..8].to_string();
        PiiKey { key, key_id }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Seals `value` for `column` of the row `row_id` under a fresh `nonce` (never reuse one
    /// with the same key).
    pub fn seal(
        &self,
        nonce: &[u8; 12],
        value: &str,
        column: &str,
        row_id: &str,
    ) -> Result<String, PiiError> {
        let aad = associated_data(column, row_id);
        let cipher = Sm4Gcm::new((&self.key).into());
        let body = cipher
            .encrypt(
                nonce.into(),
                Payload {
                    msg: value.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| PiiError::Open)?;
        let mut raw = Vec::with_capacity(12 + body.len());
        raw.extend_from_slice(nonce);
        raw.extend_from_slice(&body);
        Ok(format!(
            "{SEALED_PREFIX}{}:{}",
            self.key_id,
            STANDARD_NO_PAD.encode(raw)
        ))
    }

    /// Opens what [`PiiKey::seal`] sealed for the same column and row.
    pub fn open(&self, sealed: &str, column: &str, row_id: &str) -> Result<String, PiiError> {
        let rest = sealed.strip_prefix(SEALED_PREFIX).ok_or(PiiError::Format)?;
        let (key_id, body) = rest.split_once(':').ok_or(PiiError::Format)?;
        if key_id != self.key_id {
            return Err(PiiError::UnknownKey(key_id.to_string()));
        }
        let raw = STANDARD_NO_PAD.decode(body).map_err(|_| PiiError::Format)?;
        if raw.len() < 12 + 16 {
            return Err(PiiError::Format);
        }
        let (nonce, body) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| PiiError::Format)?;
        let aad = associated_data(column, row_id);
        let cipher = Sm4Gcm::new((&self.key).into());
        let plain = cipher
            .decrypt(
                (&nonce).into(),
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .map_err(|_| PiiError::Open)?;
        String::from_utf8(plain).map_err(|_| PiiError::Open)
    }
}

/// Whether a stored value is sealed (anything else is legacy plaintext, waiting to be sealed).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

/// The associated data: the column's name and the row's id, separated by a NUL.
fn associated_data(column: &str, row_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(column.len() + 1 + row_id.len());
    aad.extend_from_slice(column.as_bytes());
    aad.push(0);
    aad.extend_from_slice(row_id.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const COLUMN: &str = "citizen_profiles.id_number";

    fn key() -> PiiKey {
        PiiKey::derive(b"test secret")
    }

    #[test]
    fn a_sealed_value_reads_as_versioned_text_without_the_plaintext() {
        let sealed = key()
            .seal(&[1; 12], "511902199001011234", COLUMN, "acc-1")
            .unwrap();
        assert!(sealed.starts_with(&format!("sm4g1:{}:", key().key_id())));
        assert!(!sealed.contains("511902199001011234"));
        assert!(is_sealed(&sealed));
        assert!(!is_sealed("511902199001011234"));
    }

    #[test]
    fn the_derived_key_depends_on_the_secret_and_its_debug_hides_it() {
        assert_ne!(PiiKey::derive(b"a").key_id(), PiiKey::derive(b"b").key_id());
        assert_eq!(PiiKey::derive(b"a"), PiiKey::derive(b"a"));
        let shown = format!("{:?}", key());
        assert!(shown.contains(key().key_id()));
        assert!(!shown.contains("key:"));
    }

    #[test]
    fn a_value_sealed_under_another_key_names_that_key() {
        let sealed = PiiKey::derive(b"other")
            .seal(&[1; 12], "13812348000", COLUMN, "acc-1")
            .unwrap();
        assert_eq!(
            key().open(&sealed, COLUMN, "acc-1"),
            Err(PiiError::UnknownKey(
                PiiKey::derive(b"other").key_id().to_string()
            ))
        );
    }

    #[test]
    fn plaintext_and_garbage_are_not_opened() {
        assert_eq!(
            key().open("13812348000", COLUMN, "a").unwrap_err().code(),
            "pii.format"
        );
        let garbage = format!("sm4g1:{}:!!!", key().key_id());
        assert_eq!(key().open(&garbage, COLUMN, "a"), Err(PiiError::Format));
        let short = format!("sm4g1:{}:AAAA", key().key_id());
        assert_eq!(key().open(&short, COLUMN, "a"), Err(PiiError::Format));
    }

    proptest! {
        #[test]
        fn sealing_then_opening_gives_the_value_back(
            value in "\\PC{0,40}", row in "[a-z0-9-]{1,20}", nonce in any::<[u8; 12]>()
        ) {
            let sealed = key().seal(&nonce, &value, COLUMN, &row).unwrap();
            prop_assert_eq!(key().open(&sealed, COLUMN, &row).unwrap(), value);
        }

        #[test]
        fn a_changed_byte_is_refused(
            value in "[0-9]{11,18}", nonce in any::<[u8; 12]>(), at in any::<usize>(), flip in 1u8..
        ) {
            let sealed = key().seal(&nonce, &value, COLUMN, "r").unwrap();
            let (head, body) = sealed.rsplit_once(':').unwrap();
            let mut raw = STANDARD_NO_PAD.decode(body).unwrap();
            let i = at % raw.len();
            raw[i] ^= flip;
            let tampered = format!("{head}:{}", STANDARD_NO_PAD.encode(raw));
            prop_assert_eq!(key().open(&tampered, COLUMN, "r"), Err(PiiError::Open));
        }

        #[test]
        fn a_value_moved_to_another_row_or_column_is_refused(
            value in "[0-9]{11,18}", nonce in any::<[u8; 12]>(), row in "[a-z]{1,8}"
        ) {
            let sealed = key().seal(&nonce, &value, COLUMN, &row).unwrap();
            let other_row = format!("{row}x");
            prop_assert_eq!(key().open(&sealed, COLUMN, &other_row), Err(PiiError::Open));
            prop_assert_eq!(
                key().open(&sealed, "citizen_profiles.phone", &row),
                Err(PiiError::Open)
            );
        }
    }
}
