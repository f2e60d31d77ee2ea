//! Electronic licences (电子证照) use cases: keys, issuing, viewing, verifying, suspending and
//! revoking, the status list, the catalogue of types and the 互通互认清单.

mod case_issue;
mod case_licences;
mod catalogue;
mod free_submit;
mod import;
mod import_rows;
mod issue;
mod keys;
mod seed;
mod shares;
mod sharing;
mod staff;
mod status;
mod status_loader;
mod verify;
mod view;

pub(crate) use case_issue::licensable;
pub use case_licences::UsableType;
pub use catalogue::TypeSeed;
pub use free_submit::{LICENCE_MEDIA_TYPE, Substitute};
pub use import::{LicenceImportOptions, LicenceImportReport, MAX_LICENCE_ROWS};
pub use import_rows::{
    FIXED_HEADERS, LicenceImportProblem, ParsedRows, RowContext, parse_cell_date,
    parse_licence_rows,
};
pub use issue::{IssueRequest, LicenceDraft, random_serial};
pub(crate) use keys::Keyring;
pub use keys::{PLATFORM_KEY_OWNER, PublishedKey};
pub use seed::LicenceSeedReport;
pub use shares::{ShareLink, ShareView};
pub use sharing::{LicenceQuery, UsageView};
pub use staff::{DESK_PAGE_SIZE, DepartmentKeys, DeskPage, DeskQuery, DeskRow};
pub use status::{StateChange, StatusList};
pub use verify::{Verification, VerifyInput};
pub use view::{LicenceView, mask_code};
pub(crate) use view::{facts_of, signed_of};
