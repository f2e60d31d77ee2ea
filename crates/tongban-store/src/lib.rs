//! Storage port of Tongban: the only crate that knows SQL.
//!
//! One implementation serves both engines. Queries are written once in the portable subset of SQL
//! that SQLite and PostgreSQL share (`$1` placeholders, BIGINT/TEXT columns, millisecond
//! timestamps) and run through sqlx's `Any` driver, so business rules never exist twice.
//!
//! Reads go straight to the pool. Every write goes through [`Store::write`]: the caller hands
//! over a unit of work, a single writer task runs queued units together in one transaction (each
//! unit inside its own savepoint), appends their events to the hash chain, commits once, and
//! only then answers each caller. That is group commit: many concurrent writers share one
//! durable commit, and nobody is told "done" before the data is on disk.

mod accounts;
mod applications;
mod backup;
mod bulletins;
mod bundles;
mod calendar;
mod catalog;
mod catalog_queue;
mod checkpointer;
mod error;
mod evaluations;
mod events;
mod indicators;
mod indicators_bench;
mod licence_usage;
mod licences;
mod lists;
mod migrate;
mod notices;
mod org;
mod pii;
mod pool;
mod row;
mod upstream;
mod write_ctx;
mod writer;

pub use accounts::{
    AccountRow, CitizenProfileRow, EnterpriseProfileRow, NewAccount, SessionRow, ThrottleRow,
};
pub use applications::{ApplicationRow, MandateRow, QueueScope, parse_event_seqs, push_event_seqs};
pub use bulletins::{AssessmentSettingsRow, LetterFilter, LetterRow};
pub use bundles::BundleRow;
pub use calendar::CalendarYearRow;
pub use catalog::{ItemHitRow, ItemSearch, ItemVersionRow};
pub use catalog_queue::VersionScope;
pub use checkpointer::{CheckpointPass, CheckpointWatch};
pub use error::StoreError;
pub use evaluations::{
    EvaluationRow, InvitationRow, RatingCountRow, RectificationRow, RectificationScope,
    WindowServiceRow,
};
pub use events::{EventRow, VerifyOutcome};
pub use indicators::{
    COUNTER_COLUMNS, FACT_FLAGS, FactFilter, IndicatorCursorRow, IndicatorFactRow,
    IndicatorRatingRow, RollupDelta, RollupSum, counters_from_array, counters_to_array,
};
pub use indicators_bench::BenchUnits;
pub use licence_usage::{ShareRow, UsageRow};
pub use licences::{
    LicenceFilter, LicenceRow, LicenceStateRow, LicenceTypeRow, RecognitionRow, SigningKeyRow,
};
pub use lists::{ListDutyRow, ListEditionRow, ListEntryRow};
pub use notices::{
    ClaimedMessage, DeliveryOutcome, NewNotice, NoticeRow, NoticesToMark, OUTBOX_STATUSES,
    OutboxRow, notice_id,
};
pub use org::{DepartmentRow, DivisionRow, HallRow};
pub use pii::SealReport;
pub use pool::{Engine, Store, StoreOptions};
pub use upstream::UpstreamCursorRow;
pub use write_ctx::WriteCtx;
pub use writer::{NewEvent, WriteStats};
