//! Electronic licences (电子证照) use cases: keys, issuing, viewing, verifying, suspending and
//! revoking, the status list, the catalogue of types and the 互通互认清单.

mod catalogue;
mod import;
mod import_rows;
mod issue;
mod keys;
mod staff;
mod status;
mod verify;
mod view;

pub use catalogue::TypeSeed;
pub use import::{LicenceImportOptions, LicenceImportReport, MAX_LICENCE_ROWS};
pub use import_rows::{FIXED_HEADERS, LicenceImportProblem, parse_cell_date};
pub use issue::{IssueRequest, LicenceDraft, random_serial};
pub(crate) use keys::Keyring;
pub use keys::{PLATFORM_KEY_OWNER, PublishedKey};
pub use staff::{DESK_PAGE_SIZE, DepartmentKeys, DeskPage, DeskQuery, DeskRow};
pub use status::{StateChange, StatusList};
pub use verify::{Verification, VerifyInput};
pub use view::{LicenceView, mask_code};
