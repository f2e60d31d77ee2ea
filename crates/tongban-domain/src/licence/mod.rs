//! Electronic licences (电子证照): GB/T 36904 identifiers, licence types and the 互通互认清单,
//! the signed header and its SM2/SM3 signature, QR payloads and licence files, and the status a
//! verifier is told. Pure: keys' randomness and "today" are passed in.

pub mod identifier;
pub mod kind;
pub mod payload;
pub mod record;
pub mod signed;
pub mod signing;
pub mod verify;

#[cfg(test)]
mod tests;

pub use identifier::{LicenceId, LicenceIdError, LicenceIdParts, LicenceTypeCode, check_char};
pub use kind::{FaceField, HolderKind, LicenceType, Recognition, Validity, recognised};
pub use payload::{LicenceFile, PayloadError, Presented, SignedLicence, read_presented};
pub use record::{Holder, LicenceFacts, LicenceState, LicenceStatus};
pub use signed::{HeaderError, SignedHeader};
pub use signing::{LicenceSigner, LicenceVerifier, SigningError, key_id, open_secret, seal_secret};
pub use verify::{SignatureCheck, check_signed};
