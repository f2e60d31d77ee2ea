//! Applications (办件), the use cases: starting a case on any channel, acting on it as the
//! applicant or as staff, the queues, mandates and the sweeps of overdue cases.
//!
//! Every action is one unit of work: the case is read again inside the writer, the domain
//! decides on the fresh state, and the events, the new projection row and the named assignees
//! are written together. A caller that names the revision it saw gets a conflict if somebody
//! else acted first, so two clerks on one case cannot both win and nothing is lost.

mod act;
mod allowed;
mod authorize;
mod bundles;
mod cache;
mod documents;
mod mandates;
mod notify;
mod project;
mod queue;
mod rebuild;
mod record;
mod seed;
mod start;
mod sweep;
mod timeline;
mod view;
mod walk_in;

pub(crate) use authorize::covers;
pub use bundles::{
    BundleFile, BundleForm, BundleMaterial, BundleRequest, BundleView, bundle_definitions,
};
pub(crate) use cache::CaseCache;
pub use documents::CaseNotice;
pub use mandates::{MandateRequest, MandateView};
pub use queue::{QueueEntry, WorkQueue};
pub use rebuild::RebuildReport;
pub use seed::{HistoryReport, HistoryWriter};
pub use start::StartRequest;
pub use sweep::SweepReport;
pub use view::ApplicationView;
pub use walk_in::{WalkInApplicant, WalkInRegistered};

use tongban_domain::application::{Application, TransitionError};
use tongban_store::ApplicationRow;

use crate::error::AppError;

/// The case's state from its projection row.
pub(crate) fn state_of(row: &ApplicationRow) -> Result<Application, AppError> {
    serde_json::from_str(&row.state_json)
        .map_err(|e| AppError::Internal(format!("application {} state: {e}", row.id)))
}

/// A refused transition as a use-case error: its stable code on the `status` field.
pub(crate) fn refused(err: TransitionError) -> AppError {
    AppError::Invalid {
        message: err.message.clone(),
        fields: vec![crate::error::FieldError {
            field: "status".into(),
            code: err.code,
            message: err.message,
        }],
    }
}

/// The conflict two people acting on one case at once get (the second one).
pub(crate) fn stale(number: &str) -> AppError {
    AppError::Conflict(format!(
        "办件 {number} 刚刚已被他人处理，您看到的不是最新状态。请刷新页面查看当前进度后再决定是否继续操作。"
    ))
}
