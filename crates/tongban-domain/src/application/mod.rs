//! Applications (办件): the state of one case, the events that change it, and the rules that
//! decide which change is allowed.
//!
//! A case is event-sourced: [`Application`] is the fold of its [`Recorded`] events, so its state,
//! its timeline and its due dates can always be rebuilt from the event log. Commands are checked
//! by [`Application::decide`], which returns the events to record or a [`TransitionError`] with a
//! stable code and a Chinese message. Nothing here reads the clock: the day and the time of each
//! action are arguments.

mod bundle;
mod decide;
mod due;
mod events;
mod fold;
mod notice;
mod number;
mod record;
mod route;
mod state;

pub use bundle::{
    BundleDef, BundleField, BundlePart, BundleStatus, builtin_bundles, combined_status,
    part_granted,
};
pub use decide::{Actor, Command, TransitionError};
pub use due::{CaseClock, StepClock, Urgency};
pub use events::{ApplicationEvent, DraftFacts, Recorded};
pub use notice::{Notice, NoticeBody, NoticeKind};
pub use number::application_number;
pub use record::{
    AcceptRecord, ApplyRecord, CaseRecord, FinishRecord, HandleRecord, SpecialRecord,
};
pub use route::{RouteStep, StepKind, route_from_steps};
pub use state::{
    AcceptanceMode, Application, ApplyChannel, Assignment, AttachedMaterial, Commitment,
    Correction, Delivery, DeliveryMethod, HistoryEntry, Incomplete, Outcome, ReturnTarget,
    SignMode, Signer, SpecialProcedure, Status,
};

#[cfg(test)]
mod tests;
