//! 考核与通报: the monthly assessment's settings (weights and threshold, versioned), the
//! assessment and the bulletins computed from the indicator engine's counters, and the
//! 两书一函 — drafted automatically after a month, edited and sent by a supervisor, read by
//! the unit they are written to.
//!
//! Who may: `bureau_supervisor` and `system_admin` do everything here; a `dept_admin` reads
//! the letters written to its own unit.

mod compute;
mod counters;
mod dashboard;
mod letters;
mod settings;

pub use compute::Assessment;
pub use dashboard::{CountyView, Dashboard, TREND_MONTHS};
pub use letters::{DraftReport, LetterQuery, LetterView};
pub use settings::AssessmentSettings;

use tongban_domain::Role;

use crate::{AppError, Principal};

/// The roles that run assessments, bulletins and letters.
pub const BUREAU_ROLES: [Role; 2] = [Role::BureauSupervisor, Role::SystemAdmin];

/// Refuses anyone but a supervisor or a system admin of the whole city: the assessment, the
/// bulletins, the letters and the weights are the city's (a county's own view is
/// `bureau_county`, scoped to the county).
pub(crate) fn require_bureau(who: &Principal) -> Result<(), AppError> {
    who.require_city_level(&BUREAU_ROLES).map(|_| ())
}
