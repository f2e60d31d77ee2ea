//! SM2 signatures with SM3 (GB/T 32918, default user ID 1234567812345678) in standard
//! encodings — DER signatures, SubjectPublicKeyInfo PEM keys — and SM4-GCM sealing of private
//! keys at rest. Randomness (key scalars, nonces) is always passed in.

use aes_gcm::AesGcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use sm2::dsa::signature::{Signer, Verifier};
use sm2::dsa::{Signature, SigningKey, VerifyingKey};
use sm2::elliptic_curve::consts::U12;
use sm2::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use sm2::{PublicKey, SecretKey};

use crate::crypto::{sm3, to_hex};

/// The GB/T 35276 default signer ID used in Z_A.
pub const DEFAULT_USER_ID: &str = "1234567812345678";

/// Why a key or a signature could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error("私钥无效")]
    SecretKey,
    #[error("公钥无效")]
    PublicKey,
    #[error("签名格式不正确")]
    SignatureFormat,
    #[error("密钥解密失败（主密钥不对或密文被改动）")]
    Unseal,
}

/// The key id of a public key: the first 16 hex digits of SM3 over its SubjectPublicKeyInfo DER.
pub fn key_id(spki_der: &[u8]) -> String {
    to_hex(&sm3(spki_der))[..16].to_string()
}

/// A department's signing key.
#[derive(Clone)]
pub struct LicenceSigner {
    key: SigningKey,
    key_id: String,
    public_pem: String,
}

impl std::fmt::Debug for LicenceSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LicenceSigner")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl LicenceSigner {
    /// A signer from a 32-byte private scalar. Random bytes outside 1..n-1 are refused (the
    /// caller draws again).
    pub fn from_scalar(bytes: &[u8]) -> Result<Self, SigningError> {
        let secret = SecretKey::from_slice(bytes).map_err(|_| SigningError::SecretKey)?;
        let key = SigningKey::new(DEFAULT_USER_ID, &secret).map_err(|_| SigningError::SecretKey)?;
        let public = PublicKey::from(key.verifying_key());
        let der = public
            .to_public_key_der()
            .map_err(|_| SigningError::PublicKey)?;
        let public_pem = public
            .to_public_key_pem(LineEnding::LF)
            .map_err(|_| SigningError::PublicKey)?;
        Ok(Self {
            key,
            key_id: key_id(der.as_bytes()),
            public_pem,
        })
    }

    /// The private scalar, for sealing.
    pub fn scalar(&self) -> [u8; 32] {
        self.key.to_bytes().into()
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    /// Signs `message` (Z_A and SM3 are applied inside): a DER `SEQUENCE { r, s }`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let sig: Signature = self.key.sign(message);
        sig.to_der().to_bytes().to_vec()
    }

    pub fn verifier(&self) -> LicenceVerifier {
        LicenceVerifier {
            key: self.key.verifying_key().clone(),
            key_id: self.key_id.clone(),
        }
    }
}

/// A published public key, ready to verify.
#[derive(Debug, Clone)]
pub struct LicenceVerifier {
    key: VerifyingKey,
    key_id: String,
}

impl LicenceVerifier {
    /// Reads a SubjectPublicKeyInfo PEM SM2 key.
    pub fn from_pem(pem: &str) -> Result<Self, SigningError> {
        let public =
            PublicKey::from_public_key_pem(pem.trim()).map_err(|_| SigningError::PublicKey)?;
        let der = public
            .to_public_key_der()
            .map_err(|_| SigningError::PublicKey)?;
        let key =
            VerifyingKey::new(DEFAULT_USER_ID, public).map_err(|_| SigningError::PublicKey)?;
        Ok(Self {
            key,
            key_id: key_id(der.as_bytes()),
        })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Whether `der_signature` is this key's signature over `message`. A malformed signature is
    /// an error; a well-formed wrong one is `false`.
    pub fn verify(&self, message: &[u8], der_signature: &[u8]) -> Result<bool, SigningError> {
        let sig = Signature::from_der(der_signature).map_err(|_| SigningError::SignatureFormat)?;
        Ok(self.key.verify(message, &sig).is_ok())
    }
}

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// Seals a private scalar with SM4-GCM under the 16-byte master key; `aad` binds it to its
/// key id. Output: nonce (12) ‖ ciphertext ‖ tag (16).
pub fn seal_secret(
    master: &[u8; 16],
    nonce: &[u8; 12],
    secret: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, SigningError> {
    let cipher = Sm4Gcm::new(master.into());
    let sealed = cipher
        .encrypt(nonce.into(), Payload { msg: secret, aad })
        .map_err(|_| SigningError::Unseal)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens what `seal_secret` sealed.
pub fn open_secret(master: &[u8; 16], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, SigningError> {
    if sealed.len() < 12 + 16 {
        return Err(SigningError::Unseal);
    }
    let (nonce, body) = sealed.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| SigningError::Unseal)?;
    let cipher = Sm4Gcm::new(master.into());
    cipher
        .decrypt((&nonce).into(), Payload { msg: body, aad })
        .map_err(|_| SigningError::Unseal)
}
